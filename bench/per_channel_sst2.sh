#!/bin/bash
# SST-2 dev on the CPU for bench/results/per_channel.md: MiniLM-L6-ReLU (not distilled) fine-tuned as a float model on
# 8000 SST-2 training sentences, then its QANN per tensor and per channel (calibrated only, and fine-tuned one epoch),
# scored on all 872 dev sentences, and the per-channel SNN simulated (float64) on the first 64 of them. One process at
# a time, 1 thread. Model folders in bench/runs/sst2 (git-ignored); timings in bench/runs/sst2/plan_times.txt.
cd "$(dirname "$0")/.." && export PYTHONPATH=$PWD MPLBACKEND=Agg HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_EVALUATE_OFFLINE=1 TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
R=bench/runs/sst2; mkdir -p $R
PT=snn_roberta/configs/bert_transform_cfg.yaml PC=snn_roberta/configs/bert_transform_cfg_per_channel.yaml
COMMON="--task_name sst2 --max_seq_length 64 --seed 42 --overwrite_output_dir --disable_tqdm true --per_device_train_batch_size 32 --per_device_eval_batch_size 128 --max_train_samples 8000 --save_strategy no --logging_steps 50"
step() { name=$1; shift; s=$(date +%s); echo "== $name start $(date -u +%H:%M): $*" >> $R/plan_times.txt
         "$@" > $R/$name.log 2>&1; echo "== $name rc=$? $(( $(date +%s)-s )) s" >> $R/plan_times.txt; }
step model snn-make-model --kind minilm-relu --task_name sst2 --output_dir $R/model --overwrite_output_dir
step float snn-run-glue --model_name_or_path $R/model $COMMON --do_train --do_eval --learning_rate 5e-5 --num_train_epochs 1 --output_dir $R/float
step cal_tensor snn-run-glue --model_name_or_path $R/float $COMMON --do_eval --transform_config $PT --output_dir $R/cal_tensor
step cal_channel snn-run-glue --model_name_or_path $R/float $COMMON --do_eval --transform_config $PC --output_dir $R/cal_channel
step qann_channel snn-run-glue --model_name_or_path $R/float $COMMON --do_train --do_eval --transform_config $PC --learning_rate 2e-5 --num_train_epochs 1 --output_dir $R/qann_channel
step snn_channel snn-run-glue --model_name_or_path $R/float $COMMON --do_eval --transform_config $PC --model_weights_path $R/qann_channel --convert_to_snn --max_eval_samples 64 --snn_batch_size 32 --snn_dtype float64 --output_dir $R/snn_channel
step qann_tensor snn-run-glue --model_name_or_path $R/float $COMMON --do_train --do_eval --transform_config $PT --learning_rate 2e-5 --num_train_epochs 1 --output_dir $R/qann_tensor
echo "== all done $(date -u +%H:%M)" >> $R/plan_times.txt
