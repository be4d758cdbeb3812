#!/bin/bash
# MiniLM-L6-ReLU on every GLUE task with a training split here (CoLA, SST-2, MRPC, STS-B, RTE, WNLI): float ReLU ->
# per-channel QANN -> SNN, for bench/results/glue_minilm.md and the benchmarks page. The defaults are the CPU subset
# measured there (one recipe for every task, not a tuned one):
#   model  all-MiniLM-L6-v2 with GELU swapped for ReLU (`snn-make-model --kind minilm-relu`; DISTILL_TASKS=mrpc,sst2
#          distils it from the GELU model first, as the GPU recipe of mrpc_results.md does);
#   float  fine-tuned FLOAT_EPOCHS=2 epochs on the first MAX_TRAIN=6000 training examples (0: all), lr FLOAT_LR=5e-5;
#   qann   per-channel recipe (bert_transform_cfg_per_channel.yaml): calibrated on 8 training batches, then fine-tuned
#          QANN_EPOCHS=1 epoch, lr QANN_LR=2e-5;
#   snn    the fine-tuned QANN converted and simulated in float64 on the first SNN_N dev examples of each task (below;
#          SNN_ALL=1: the whole dev set); float and QANN are scored on the whole dev set.
# Tasks run in LANES (space-separated lanes, comma-separated tasks), one process per lane, THREADS torch threads each.
#   bash bench/glue_minilm.sh            # CPU: 47 min on a 2-core machine (both lanes, bench/results/glue_minilm.md)
#   python bench/glue_table.py           # -> bench/results/glue_minilm.md (rerun any time: partial runs show)
#   RUNS=/tmp/g QUICK=1 bash bench/glue_minilm.sh   # smoke test: 32 training and 16 dev examples, 4 simulated
# GPU (bench/device_run.sh, STAGES=glue): RUNS=... MAX_TRAIN=20000 FLOAT_EPOCHS=3 QANN_EPOCHS=2 SNN_ALL=1 SNN_BATCH=128
#   DISTILL_TASKS=mrpc,sst2 LANES="sst2 mrpc,rte,wnli stsb cola" THREADS=4 bash bench/glue_minilm.sh
# Run folders in $RUNS (default bench/runs/glue, git-ignored): the settings in recipe.txt, each lane's commands and wall
# times in plan_times_*.txt.
cd "$(dirname "$0")/.." && export PYTHONPATH=$PWD MPLBACKEND=Agg HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 \
  TRANSFORMERS_OFFLINE=1 HF_EVALUATE_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export OMP_NUM_THREADS=${THREADS:-1} MKL_NUM_THREADS=${THREADS:-1}
R=${RUNS:-bench/runs/glue}; mkdir -p $R
PC=snn_roberta/configs/bert_transform_cfg_per_channel.yaml
declare -A SNN_N=([sst2]=32 [cola]=32 [mrpc]=16 [stsb]=16 [rte]=8 [wnli]=16)
LANES=${LANES:-"sst2,rte,wnli mrpc,stsb,cola"}
MAX_TRAIN=${MAX_TRAIN:-6000} FLOAT_EPOCHS=${FLOAT_EPOCHS:-2} QANN_EPOCHS=${QANN_EPOCHS:-1}
FLOAT_LR=${FLOAT_LR:-5e-5} QANN_LR=${QANN_LR:-2e-5} SNN_BATCH=${SNN_BATCH:-16} EVAL=""
if [ -n "${QUICK:-}" ]; then MAX_TRAIN=32 FLOAT_EPOCHS=1 QANN_EPOCHS=1 EVAL="--max_eval_samples 16"
  for t in "${!SNN_N[@]}"; do SNN_N[$t]=4; done; fi
TRAIN=""; [ "$MAX_TRAIN" != 0 ] && TRAIN="--max_train_samples $MAX_TRAIN"
echo "MAX_TRAIN=$MAX_TRAIN FLOAT_EPOCHS=$FLOAT_EPOCHS FLOAT_LR=$FLOAT_LR QANN_EPOCHS=$QANN_EPOCHS QANN_LR=$QANN_LR" \
     "SNN_ALL=${SNN_ALL:-} DISTILL_TASKS=${DISTILL_TASKS:-} THREADS=$OMP_NUM_THREADS LANES=\"$LANES\" QUICK=${QUICK:-}" > $R/recipe.txt
COMMON="--max_seq_length 128 --seed 42 --overwrite_output_dir --disable_tqdm true --per_device_train_batch_size 32
  --per_device_eval_batch_size 64 --train_sampling_strategy group_by_length --save_strategy no --logging_steps 50
  --warmup_steps 0.1 $TRAIN $EVAL"
step() { log=$1 name=$2; shift 2; s=$(date +%s); echo "== $name start $(date -u +%H:%M): $*" >> $log
         "$@" > $R/$name.log 2>&1; echo "== $name rc=$? $(( $(date +%s)-s )) s" >> $log; }
DISTILL=""; [ -n "${DISTILL_TASKS:-}" ] && DISTILL="--distill_tasks $DISTILL_TASKS --distill_epochs 3 --distill_lr 1e-4 --distill_batch_size 128"
[ -n "${QUICK:-}" ] && [ -n "$DISTILL" ] && DISTILL="--distill_tasks $DISTILL_TASKS --max_distill_samples 32 --distill_batch_size 16"
[ -f $R/model/config.json ] || step $R/plan_times_model.txt model snn-make-model --kind minilm-relu --output_dir $R/model \
  --overwrite_output_dir $DISTILL
lane() {  # the tasks of one lane, each through float -> QANN -> SNN
  log=$R/plan_times_${1//,/_}.txt
  for t in ${1//,/ }; do
    n="--max_eval_samples ${SNN_N[$t]}"; [ -n "${SNN_ALL:-}" ] && n=""
    step $log $t.float snn-run-glue --task_name $t --model_name_or_path $R/model --ignore_mismatched_sizes $COMMON \
      --do_train --do_eval --learning_rate $FLOAT_LR --num_train_epochs $FLOAT_EPOCHS --output_dir $R/$t/float
    step $log $t.qann snn-run-glue --task_name $t --model_name_or_path $R/$t/float --transform_config $PC $COMMON \
      --do_train --do_eval --learning_rate $QANN_LR --num_train_epochs $QANN_EPOCHS --output_dir $R/$t/qann
    step $log $t.snn snn-run-glue --task_name $t --model_name_or_path $R/$t/float --transform_config $PC $COMMON \
      --do_eval --model_weights_path $R/$t/qann --convert_to_snn $n --snn_batch_size $SNN_BATCH \
      --snn_dtype float64 --output_dir $R/$t/snn
  done
  echo "== lane done $(date -u +%H:%M)" >> $log
}
for l in $LANES; do lane $l & done; wait
