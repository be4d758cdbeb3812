#!/bin/bash
# Sequential CPU measurements for bench/results/per_channel.md (one process at a time, 1 thread); model folders in bench/runs/minilm
# (made first by: snn-make-model --kind minilm-relu --output_dir bench/runs/minilm/model --overwrite_output_dir --distill_tasks mrpc
#  --distill_epochs 1 --distill_lr 1e-4 --distill_batch_size 32, then snn-run-glue --do_train on MRPC, lr 5e-5, 3 epochs -> bench/runs/minilm/float).
cd "$(dirname "$0")/.." && export PYTHONPATH=$PWD MPLBACKEND=Agg HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_EVALUATE_OFFLINE=1 TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
R=bench/runs/minilm; mkdir -p bench/runs/configs
for L in 8 16 64; do sed "s/level: 32/level: $L/g" snn_roberta/configs/bert_transform_cfg_per_channel.yaml > bench/runs/configs/bert_pc_L$L.yaml; done
PT=snn_roberta/configs/bert_transform_cfg.yaml PC=snn_roberta/configs/bert_transform_cfg_per_channel.yaml
COMMON="--task_name mrpc --max_seq_length 128 --seed 42 --overwrite_output_dir --disable_tqdm true --per_device_train_batch_size 32 --per_device_eval_batch_size 64 --train_sampling_strategy group_by_length --save_strategy no --logging_steps 20 --warmup_steps 0.1"
step() { name=$1; shift; s=$(date +%s); echo "== $name start $(date -u +%H:%M): $*" >> $R/plan_times.txt
         "$@" > $R/$name.log 2>&1; echo "== $name rc=$? $(( $(date +%s)-s )) s" >> $R/plan_times.txt; }
step sens python bench/quant_sensitivity.py --model $R/float --pairs 200 --granularity both --no_spared --out bench/results/quant_sensitivity_per_channel.md
step cal_tensor snn-run-glue --model_name_or_path $R/float $COMMON --do_eval --transform_config $PT --output_dir $R/cal_tensor
step cal_channel snn-run-glue --model_name_or_path $R/float $COMMON --do_eval --transform_config $PC --output_dir $R/cal_channel
step steps_stats bash -c "python bench/per_channel_steps.py | grep '^|' > $R/steps_stats.md"
step qann_channel snn-run-glue --model_name_or_path $R/float $COMMON --do_train --do_eval --transform_config $PC --learning_rate 2e-5 --num_train_epochs 2 --output_dir $R/qann_channel
step snn_channel snn-run-glue --model_name_or_path $R/float $COMMON --do_eval --transform_config $PC --model_weights_path $R/qann_channel --convert_to_snn --max_eval_samples 32 --snn_batch_size 16 --snn_dtype float64 --output_dir $R/snn_channel
for L in 8 16 64; do
  step cal_channel_L$L snn-run-glue --model_name_or_path $R/float $COMMON --do_eval --transform_config bench/runs/configs/bert_pc_L$L.yaml --output_dir $R/cal_channel_L$L
done
step qann_tensor snn-run-glue --model_name_or_path $R/float $COMMON --do_train --do_eval --transform_config $PT --learning_rate 2e-5 --num_train_epochs 2 --output_dir $R/qann_tensor
for L in 8 16 32 64; do
  C=bench/runs/configs/bert_pc_L$L.yaml; [ $L = 32 ] && C=$PC
  step snn_cal_channel_L$L snn-run-glue --model_name_or_path $R/float $COMMON --do_eval --transform_config $C --convert_to_snn --max_eval_samples 8 --snn_batch_size 8 --snn_dtype float64 --snn_max_steps 1024 --output_dir $R/snn_cal_channel_L$L
done
echo "== all done $(date -u +%H:%M)" >> $R/plan_times.txt
