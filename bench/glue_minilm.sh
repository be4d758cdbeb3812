#!/bin/bash
# MiniLM-L6 on every GLUE task with a training split here (CoLA, SST-2, MRPC, STS-B, RTE, WNLI): float -> per-channel
# QANN -> SNN with the fast recipe (graded spikes, bias at step 0), for bench/results/glue_minilm.{json,md} and the
# benchmarks page. The recipes (pooling, training examples, epochs, learning rates, sequence length: one per task,
# chosen for a 2-core CPU) are the package's, `snn_roberta.finetune_all.MINILM_RECIPES`; this script runs
# `snn-finetune-all --recipe minilm` in parallel lanes.
#   KIND=minilm        all-MiniLM-L6-v2 as trained (GELU, converted as it is); KIND=minilm-relu: GELU swapped for ReLU
#   FULL=1             train on every training example of every task (the recipes cap SST-2 on a CPU)
#   SNN_N=500          simulate the first SNN_N dev examples of each task (0: the whole dev set); float and QANN are
#                      always scored on the whole dev set
#   SET="rte.float_epochs=5 rte.float_lr=1e-4"     change recipe fields, to try another recipe into another RUNS folder
#   LANES              space-separated lanes of comma-separated tasks, one process per lane, THREADS torch threads each
# Resumes: a stage whose output exists, made by the same command (recipe.txt beside it), is not rerun, so the table
# can be built across sessions; simulating more examples (SNN_N) reuses the trained float model and QANN. Each lane
# logs to $RUNS/lane_<tasks>.log, and its stages' start and end lines (with seconds) to $RUNS/plan_times_<tasks>.txt.
#   bash bench/glue_minilm.sh && python bench/glue_table.py        # CPU; RUNS=bench/runs/glue_v2 by default
#   RUNS=/tmp/g QUICK=1 bash bench/glue_minilm.sh                   # smoke test: 32 training and 16 dev examples
# GPU (bench/device_run.sh, STAGES=glue): SNN_N=0 THREADS=4 LANES="sst2 mrpc,rte,wnli stsb cola" bash bench/glue_minilm.sh
cd "$(dirname "$0")/.." && export MPLBACKEND=Agg HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 \
  TRANSFORMERS_OFFLINE=1 HF_EVALUATE_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export OMP_NUM_THREADS=${THREADS:-1} MKL_NUM_THREADS=${THREADS:-1}
R=${RUNS:-bench/runs/glue_v2}; mkdir -p $R
KIND=${KIND:-minilm} SNN_N=${SNN_N:-500} SNN_DTYPE=${SNN_DTYPE:-float32}
LANES=${LANES:-"stsb,mrpc,wnli rte,cola,sst2"}
ARGS=(--recipe minilm --kind $KIND --snn_samples $SNN_N --output_dir $R --snn_dtype $SNN_DTYPE)
[ -n "${QUICK:-}" ] && ARGS+=(--quick)
[ -n "${FULL:-}" ] && ARGS+=(--set '*.max_train_samples=0')
for s in ${SET:-}; do ARGS+=(--set "$s"); done
echo "KIND=$KIND SNN_N=$SNN_N SNN_DTYPE=$SNN_DTYPE FULL=${FULL:-} SET=\"${SET:-}\" THREADS=$OMP_NUM_THREADS LANES=\"$LANES\" QUICK=${QUICK:-}" > $R/settings.txt
for l in $LANES; do
  snn-finetune-all --tasks $l --summary_dir $R/summary_${l//,/_} "${ARGS[@]}" > $R/lane_${l//,/_}.log 2>&1 &
done
wait
