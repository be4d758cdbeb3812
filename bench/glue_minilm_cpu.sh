#!/bin/bash
# MiniLM-L6-ReLU on every GLUE task with a training split here (CoLA, SST-2, MRPC, STS-B, RTE, WNLI), on the CPU, for
# bench/results/glue_minilm.md and the benchmarks page. One recipe for every task (a stated CPU subset, not a tuned one):
#   model  all-MiniLM-L6-v2 with GELU swapped for ReLU (`snn-make-model --kind minilm-relu`, no distillation);
#   float  fine-tuned 2 epochs on the first 6,000 training examples (all of them for MRPC, RTE, WNLI), lr 5e-5;
#   qann   per-channel recipe (bert_transform_cfg_per_channel.yaml): calibrated, then fine-tuned 1 epoch, lr 2e-5;
#   snn    the fine-tuned QANN converted and simulated in float64 on the first SNN_N dev examples (below);
# float and QANN are scored on the whole dev set. Two lanes of tasks, one process and 1 thread each, side by side:
#   bash bench/glue_minilm_cpu.sh            # about 80 min per lane on a 2-core machine
#   python bench/glue_table.py               # -> bench/results/glue_minilm.md (rerun any time: partial runs show)
# Run folders in bench/runs/glue (git-ignored); each lane's commands and wall times in bench/runs/glue/plan_times_*.txt.
cd "$(dirname "$0")/.." && export PYTHONPATH=$PWD MPLBACKEND=Agg HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 \
  TRANSFORMERS_OFFLINE=1 HF_EVALUATE_OFFLINE=1 TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
R=${RUNS:-bench/runs/glue}; mkdir -p $R
PC=snn_roberta/configs/bert_transform_cfg_per_channel.yaml
declare -A SNN_N=([sst2]=32 [cola]=32 [mrpc]=16 [stsb]=16 [rte]=8 [wnli]=16)
LANES=${LANES:-"sst2,rte,wnli mrpc,stsb,cola"}
COMMON="--max_seq_length 128 --seed 42 --overwrite_output_dir --disable_tqdm true --per_device_train_batch_size 32
  --per_device_eval_batch_size 64 --train_sampling_strategy group_by_length --save_strategy no --logging_steps 50
  --warmup_steps 0.1 --max_train_samples ${MAX_TRAIN:-6000}"
step() { log=$1 name=$2; shift 2; s=$(date +%s); echo "== $name start $(date -u +%H:%M): $*" >> $log
         "$@" > $R/$name.log 2>&1; echo "== $name rc=$? $(( $(date +%s)-s )) s" >> $log; }
[ -f $R/model/config.json ] || step $R/plan_times_model.txt model snn-make-model --kind minilm-relu --output_dir $R/model --overwrite_output_dir
lane() {  # the tasks of one lane, each through float -> QANN -> SNN
  log=$R/plan_times_${1//,/_}.txt
  for t in ${1//,/ }; do
    step $log $t.float snn-run-glue --task_name $t --model_name_or_path $R/model --ignore_mismatched_sizes $COMMON \
      --do_train --do_eval --learning_rate 5e-5 --num_train_epochs ${FLOAT_EPOCHS:-2} --output_dir $R/$t/float
    step $log $t.qann snn-run-glue --task_name $t --model_name_or_path $R/$t/float --transform_config $PC $COMMON \
      --do_train --do_eval --learning_rate 2e-5 --num_train_epochs ${QANN_EPOCHS:-1} --output_dir $R/$t/qann
    step $log $t.snn snn-run-glue --task_name $t --model_name_or_path $R/$t/float --transform_config $PC $COMMON \
      --do_eval --model_weights_path $R/$t/qann --convert_to_snn --max_eval_samples ${SNN_N[$t]} --snn_batch_size 16 \
      --snn_dtype float64 --output_dir $R/$t/snn
  done
  echo "== lane done $(date -u +%H:%M)" >> $log
}
for l in $LANES; do lane $l & done; wait
