#!/bin/bash
# MiniLM-L6 on every GLUE task with a training split here (CoLA, SST-2, MRPC, STS-B, RTE, WNLI): float -> per-channel
# QANN (fine-tuned, distilled from the float model) -> SNN with the fast recipe (graded spikes, bias at step 0), for
# bench/results/glue_minilm.{json,md} and the benchmarks page. One recipe per task (RECIPE below: pooling, training
# examples, epochs, learning rates, sequence length), chosen for a 2-core CPU.
#   KIND=minilm        all-MiniLM-L6-v2 as trained (GELU, converted as it is); KIND=minilm-relu: GELU swapped for ReLU
#   FULL=1             train on every training example of every task (the RECIPE column 'train' caps SST-2 on a CPU)
#   SNN_N=500          simulate the first SNN_N dev examples of each task (0: the whole dev set); float and QANN are
#                      always scored on the whole dev set
#   RECIPE_<task>      replace a task's RECIPE line (same columns), to try another recipe into another RUNS folder
#   LANES              space-separated lanes of comma-separated tasks, one process per lane, THREADS torch threads each
# Resumes: a stage whose eval_results.json exists, made with the same recipe line (recipe.txt beside it), is not rerun,
# so the table can be built across sessions; delete a stage's folder to redo it. SNN_N and SNN_DTYPE are part of the SNN
# stage's line only: simulating more examples (SNN_N=500) reuses the trained float model and QANN.
#   bash bench/glue_minilm.sh && python bench/glue_table.py        # CPU; RUNS=bench/runs/glue_v2 by default
#   RUNS=/tmp/g QUICK=1 bash bench/glue_minilm.sh                   # smoke test: 32 training and 16 dev examples
# GPU (bench/device_run.sh, STAGES=glue): SNN_N=0 THREADS=4 LANES="sst2 mrpc,rte,wnli stsb cola" bash bench/glue_minilm.sh
cd "$(dirname "$0")/.." && export PYTHONPATH=$PWD MPLBACKEND=Agg HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 \
  TRANSFORMERS_OFFLINE=1 HF_EVALUATE_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export OMP_NUM_THREADS=${THREADS:-1} MKL_NUM_THREADS=${THREADS:-1}
R=${RUNS:-bench/runs/glue_v2}; mkdir -p $R
KIND=${KIND:-minilm} SNN_N=${SNN_N:-500} SNN_DTYPE=${SNN_DTYPE:-float32}
PC=snn_roberta/configs/bert_transform_cfg_per_channel_fast.yaml
#                 pooling  siamese  train  float epochs, lr  QANN epochs, lr  max_seq_length
# float epochs 0: no task training (the pretrained encoder as it is; STS-B's untrained siamese MiniLM scores Pearson
# 0.870, 3 epochs of MSE fine-tuning lowered it to 0.789); QANN epochs 0: calibrated only
declare -A RECIPE=([stsb]="mean     siamese  0      0 -               0 -              128"
                   [mrpc]="mean     cross    0      3 5e-5            0 -              128"
                   [rte]="mean      cross    0      3 3e-5            1 2e-5           128"
                   [wnli]="mean     cross    0      2 2e-5            0 -              128"
                   [cola]="mean     cross    0      3 5e-5            0 -              64"
                   [sst2]="mean     cross    20000  1 5e-5            0 -              64")
for t in "${!RECIPE[@]}"; do v=RECIPE_$t; [ -n "${!v:-}" ] && RECIPE[$t]=${!v}; done   # e.g. RECIPE_cola="mean cross 0 5 1e-4 0 - 64"
LANES=${LANES:-"stsb,mrpc,wnli rte,cola,sst2"}
EVAL=""; [ -n "${QUICK:-}" ] && EVAL="--max_eval_samples 16" && SNN_N=4
step() {  # step LOG NAME RECIPE_LINE OUTDIR DONE_FILE COMMAND...: run unless OUTDIR holds DONE_FILE of the same recipe
  log=$1 name=$2 line=$3 out=$4 done=$5; shift 5
  if [ -f $out/$done ] && [ "$(cat $out/recipe.txt 2>/dev/null)" = "$line" ]; then
    echo "== $name skipped: done with the same recipe" >> $log; return 0; fi
  s=$(date +%s); echo "== $name start $(date -u +%H:%M): $*" >> $log
  "$@" > $R/$name.log 2>&1; rc=$?; echo "== $name rc=$rc $(( $(date +%s)-s )) s" >> $log
  [ $rc = 0 ] && echo "$line" > $out/recipe.txt
}
lane() {
  log=$R/plan_times_${1//,/_}.txt
  for t in ${1//,/ }; do
    read pooling siamese train fe flr qe qlr seq <<< "${RECIPE[$t]}"
    [ -n "${FULL:-}" ] && train=0
    [ -n "${QUICK:-}" ] && train=32 fe=1 qe=1
    line="KIND=$KIND $t ${RECIPE[$t]} QUICK=${QUICK:-}${FULL:+ FULL=1}"   # what the model, float and QANN stages depend on
    snn_line="$line SNN_N=$SNN_N SNN_DTYPE=$SNN_DTYPE"                      # the SNN stage depends on its settings as well
    S=""; [ $siamese = siamese ] && S="--siamese"
    TRAIN=""; [ "$train" != 0 ] && TRAIN="--max_train_samples $train"
    C="--task_name $t --max_seq_length $seq --seed 42 --overwrite_output_dir --disable_tqdm true
       --per_device_train_batch_size 32 --per_device_eval_batch_size 64 --save_strategy no --logging_steps 50
       --warmup_steps 0.1 $TRAIN $EVAL"
    n="--max_eval_samples $SNN_N"; [ "$SNN_N" = 0 ] && n="$EVAL"
    mkdir -p $R/$t
    step $log $t.model "$line" $R/$t/model config.json snn-make-model --kind $KIND --task_name $t --pooling $pooling $S \
      --output_dir $R/$t/model --overwrite_output_dir
    F=$R/$t/float FT="--do_train --learning_rate $flr --num_train_epochs $fe"
    [ $fe = 0 ] && F=$R/$t/model FT=""   # no task training: the float model is the pretrained one, scored as it is
    Q="--do_train --learning_rate $qlr --num_train_epochs $qe --teacher_model_path $F" W="--model_weights_path $R/$t/qann"
    [ $qe = 0 ] && Q="" W=""             # calibrated only: the SNN stage calibrates the same way (same batches, seed)
    step $log $t.float "$line" $R/$t/float eval_results.json snn-run-glue --model_name_or_path $R/$t/model $C $FT --do_eval \
      --output_dir $R/$t/float
    step $log $t.qann "$line" $R/$t/qann eval_results.json snn-run-glue --model_name_or_path $F --transform_config $PC $C $Q --do_eval \
      --output_dir $R/$t/qann
    step $log $t.snn "$snn_line" $R/$t/snn eval_results.json snn-run-glue --model_name_or_path $F --transform_config $PC $C --do_eval $W \
      --convert_to_snn $n --snn_batch_size 16 --snn_dtype $SNN_DTYPE --output_dir $R/$t/snn
  done
  echo "== lane done $(date -u +%H:%M)" >> $log
}
echo "KIND=$KIND SNN_N=$SNN_N SNN_DTYPE=$SNN_DTYPE FULL=${FULL:-} THREADS=$OMP_NUM_THREADS LANES=\"$LANES\" QUICK=${QUICK:-}" > $R/settings.txt
for l in $LANES; do lane $l & done; wait
