#!/usr/bin/env bash
# One GPU session, as run through the device tool (an H200 lent for a few minutes), from the repo root:
#   1. the SNN speed benchmark on CUDA (alone on the GPU, so its times are clean);
#   2. MiniLM-L6-ReLU on MRPC through `bench/results_table.py`, three recipes side by side in the background;
#      with STAGES=glue, MiniLM-L6 on every GLUE task with a training split through `bench/glue_minilm.sh`
#      (every training example, the whole dev sets simulated; table in runs.tgz: glue/glue_minilm.{md,json});
#   3. meanwhile the integration and CLI tests with SNN_ROBERTA_TEST_DEVICE=cuda.
# Inputs are carried in .carry/ (git-ignored): whl/ (packages the GPU image lacks), glue/ (mrpc, sst2 from
# ../shared/data/glue) and minilm/ (all-MiniLM-L6-v2 saved in float16 to fit the transfer limit; it is loaded
# back as float32). Everything the run writes lands in $OUT: device.log, snn_speed_cuda.md,
# snn_profile_cuda.txt and runs.tgz (tables, logs, eval_results.json of every step).
# QUICK=1 shrinks every stage to a smoke test (used on the CPU before spending GPU time):
#   QUICK=1 NO_WHEELS=1 OUT=/tmp/dry PY=python bash bench/device_run.sh
# Preparing .carry/ (once; add /.carry/ to .git/info/exclude):
#   D="python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp
#      --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64"
#   $D -d .carry/whl/common evaluate==0.4.6 spikingjelly==2.0.0 loguru==0.7.3
#   $D -d .carry/whl/ds5 datasets==5.2.0 dill==0.4.1 multiprocess==0.70.19      # pyarrow >= 24 there
#   $D -d .carry/whl/ds44 datasets==4.4.2 dill==0.4.0 multiprocess==0.70.18     # pyarrow 21-23
#   $D -d .carry/whl/ds40 datasets==4.0.0 dill==0.3.8 multiprocess==0.70.16     # older pyarrow
#   mkdir -p .carry/glue && cp -r ../shared/data/glue/{mrpc,sst2,cola,stsb,rte,wnli} .carry/glue/
#   python -c "import torch; from transformers import AutoModel, AutoTokenizer; from snn_roberta.models import minilm_path as p;
#              AutoModel.from_pretrained(p(), dtype=torch.float32).half().save_pretrained('.carry/minilm');
#              AutoTokenizer.from_pretrained(p()).save_pretrained('.carry/minilm')"
# and call the device tool with carry [".carry"].
set -u
OUT=${OUT:-/tmp/device_out}; mkdir -p "$OUT"; C=$PWD/.carry; W=/tmp/device_runs; rm -rf $W; mkdir -p $W
exec > >(tee -a "$OUT/device.log") 2>&1
stamp() { echo "[$(date +%T)] $*"; }
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_EVALUATE_OFFLINE=1
export TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg
export SNN_ROBERTA_GLUE_DIR=$C/glue GLUE_DIR=$C/glue SNN_ROBERTA_MINILM_DIR=$C/minilm
PY=${PY:-python3}

stamp "setup"
if [ -z "${NO_WHEELS:-}" ]; then
  pa=$($PY -c "import pyarrow; print(pyarrow.__version__.split('.')[0])")
  ds=ds5; [ "$pa" -lt 24 ] && ds=ds44; [ "$pa" -lt 21 ] && ds=ds40
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site \
      $C/whl/common/*.whl $C/whl/$ds/*.whl || exit 1
  export PYTHONPATH=/tmp/site:$PWD
  echo "pyarrow $pa -> wheels $ds"
else export PYTHONPATH=$PWD; fi
$PY - <<'PYEOF'
import torch, transformers, datasets, evaluate, platform
print("python", platform.python_version(), "torch", torch.__version__, "transformers", transformers.__version__,
      "datasets", datasets.__version__, "cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")
PYEOF
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
DEV=$($PY -c "import torch; print('cuda' if torch.cuda.is_available() else 'cpu')")

sync_out() {  # the small files only (tables, logs, eval_results.json, plots): no model weights
  (cd $W && find . -type f -size -4M \( -name '*.md' -o -name '*.json' -o -name '*.log' -o -name '*.png' -o -name '*.txt' \) \
     | tar czf "$OUT/runs.tmp.tgz" -T - 2>/dev/null) && mv "$OUT/runs.tmp.tgz" "$OUT/runs.tgz"; }

STAGES=${STAGES:-speed recipes tests}    # the second GPU call ran STAGES="recipes tests" RECIPES=distil_kd
RECIPES=${RECIPES:-distil_lr5e-5 distil_lr1e-4 swap_only}
TESTS=${TESTS:-tests/test_pipeline.py tests/test_cli.py}

# ---- 1. speed benchmark, alone on the device
if [[ " $STAGES " == *" speed "* ]]; then
stamp "speed benchmark on $DEV"
if [ -n "${QUICK:-}" ]; then SPEED="--quick --models tiny --variants qann ours"; else SPEED="--pairs 32"; fi
timeout ${SPEED_TIMEOUT:-120} $PY bench/snn_speed.py --device $DEV $SPEED --out "$OUT/snn_speed_cuda.md" \
    --profile-out "$OUT/snn_profile_cuda.txt" || stamp "speed benchmark FAILED or timed out ($?)"
fi

# ---- 2. MRPC recipes in the background
if [ -n "${QUICK:-}" ]; then
  COMMON="--models minilm --max_train_samples 32 --max_eval_samples 16 --snn_eval_samples minilm=4 --float_epochs 1 --qann_epochs 1 --batch_size 8"
  DISTILL="--distill_tasks mrpc,sst2 --max_distill_samples 32 --distill_batch_size 16"
  E5=1; E3=1
else
  E5=5; E3=3
  COMMON="--models minilm --snn_eval_samples minilm=408 --snn_batch_size 64"
  DISTILL="--distill_tasks mrpc,sst2 --distill_epochs 3 --distill_lr 1e-4 --distill_batch_size 128"
fi
recipe() {  # name, then results_table options
  local name=$1; shift
  mkdir -p $W/$name
  timeout ${RECIPE_TIMEOUT:-330} $PY bench/results_table.py $COMMON --work_dir $W/$name --out $W/$name/mrpc_results.md "$@" \
      > $W/$name/progress.log 2>&1; echo "exit $?" >> $W/$name/progress.log
}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-4}  # five processes share the CPU from here on
stamp "MRPC recipes start"
run_recipe() {
  case $1 in
    distil_lr5e-5) recipe $1 $DISTILL --label "distilled, lr 5e-5" --float_lr 5e-5 --float_epochs $E5 \
                   --qann_lr 2e-5 --qann_epochs $E5 --gelu_reference ;;
    distil_lr1e-4) recipe $1 $DISTILL --label "distilled, lr 1e-4" --float_lr 1e-4 --float_epochs $E3 \
                   --qann_lr 3e-5 --qann_epochs $E3 ;;
    swap_only)     recipe $1 --label "swap only, lr 5e-5" --float_lr 5e-5 --float_epochs $E5 --qann_lr 2e-5 --qann_epochs $E5 ;;
    distil_kd)     recipe $1 $DISTILL --label "distilled, lr 5e-5, QANN with teacher" --float_lr 5e-5 --float_epochs $E5 \
                   --qann_lr 2e-5 --qann_epochs $E5 --qann_teacher ;;
    *) echo "unknown recipe $1"; return 1 ;;
  esac
}
PIDS=()
if [[ " $STAGES " == *" recipes "* ]]; then
  for r in $RECIPES; do run_recipe $r & PIDS+=($!); done
fi
# ---- 2b. GLUE beyond MRPC (STAGES=glue): every task with a training split, up to 20,000 training examples, whole dev sets
if [[ " $STAGES " == *" glue "* ]]; then
  stamp "GLUE tasks start"
  ( if [ -n "${QUICK:-}" ]; then export QUICK=1; else export FULL=1 SNN_N=0; fi
    RUNS=$W/glue LANES="${GLUE_LANES:-sst2 mrpc,rte,wnli stsb cola}" THREADS=2 \
      timeout ${GLUE_TIMEOUT:-540} bash bench/glue_minilm.sh
    $PY bench/glue_table.py --runs $W/glue --out $W/glue/glue_minilm --machine "one $DEV device ($(nvidia-smi \
      --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)), one process per lane") > $W/glue_progress.log 2>&1 &
  PIDS+=($!)
fi
alive() { local p; for p in "${PIDS[@]}"; do kill -0 $p 2>/dev/null && return 0; done; return 1; }
( while alive; do sleep 15; sync_out; done ) & SYNC=$!

# ---- 3. tests on the device, meanwhile
if [[ " $STAGES " == *" tests "* ]]; then
stamp "tests with SNN_ROBERTA_TEST_DEVICE=$DEV"
SNN_ROBERTA_TEST_DEVICE=$DEV timeout ${TEST_TIMEOUT:-300} $PY -m pytest -q -p no:cacheprovider $TESTS > $W/pytest.log 2>&1
tail -25 $W/pytest.log; grep -E "^(E   |FAILED)" $W/pytest.log | head -40
stamp "tests done"
fi

[ ${#PIDS[@]} -gt 0 ] && wait "${PIDS[@]}"; stamp "background stages done"
kill $SYNC 2>/dev/null; sync_out
if [[ " $STAGES " == *" recipes "* ]]; then
  for r in $W/*/progress.log; do echo "== $r"; tail -4 $r; done
  $PY bench/results_table.py --combine $W/*/mrpc_results.json --out $W/mrpc_results_combined.md >/dev/null && sync_out \
      && grep "^|" $W/mrpc_results_combined.md
fi
if [[ " $STAGES " == *" glue "* ]]; then tail -3 $W/glue_progress.log; grep "^| [A-Z]" $W/glue/glue_minilm.md; fi
stamp "end"
