#!/usr/bin/env bash
# One process against two (torchrun, CPU, gloo): training steps and loss, SNN evaluation time and metrics.
# Usage: bash bench/multiprocess.sh [EVAL_SAMPLES] [TRAIN_SAMPLES]   (from the repository root; writes bench/runs/mp/)
set -euo pipefail
N_EVAL=${1:-128}; N_TRAIN=${2:-256}
export PYTHONPATH=$PWD MPLBACKEND=Agg HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_EVALUATE_OFFLINE=1 \
  TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
R=bench/runs/mp; rm -rf $R; mkdir -p $R
python -c "
from snn_roberta.glue import load_glue, default_glue_dir
from snn_roberta.models import build_tiny_roberta
t = load_glue('mrpc', default_glue_dir())['train']
build_tiny_roberta('$R/tiny', t['sentence1'][:1000] + t['sentence2'][:1000])" 2>/dev/null
COMMON="--task_name mrpc --max_seq_length 64 --seed 42 --disable_tqdm true --report_to none --transform_config snn_roberta/configs/transform_cfg.yaml"
TRAIN="--model_name_or_path $R/tiny --do_train --max_train_samples $N_TRAIN --per_device_train_batch_size 16 --num_train_epochs 1 --learning_rate 2e-5 --logging_steps 4 --save_strategy no"
ONE="python -m snn_roberta.run_glue"; TWO="python -m torch.distributed.run --standalone --nproc_per_node 2 -m snn_roberta.run_glue"
t() { local s=$(date +%s.%N); "$@" > /dev/null 2>&1; python -c "print(f'{$(date +%s.%N) - $s:.1f}')"; }
echo "train 1 process: $(t $ONE $COMMON $TRAIN --output_dir $R/train1) s"
echo "train 2 processes: $(t $TWO $COMMON $TRAIN --output_dir $R/train2) s"
SNN="--model_name_or_path $R/train1 --model_weights_path $R/train1 --do_eval --convert_to_snn --max_eval_samples $N_EVAL --snn_batch_size 16"
echo "SNN eval 1 process: $(t $ONE $COMMON $SNN --output_dir $R/snn1) s"
echo "SNN eval 2 processes: $(t $TWO $COMMON $SNN --output_dir $R/snn2) s"
python - <<PY
import json
r = lambda f: json.load(open(f"$R/{f}"))
for n in ("train1", "train2"):
    s = r(f"{n}/trainer_state.json")
    print(n, "global_step", s["global_step"], "train_loss", round(r(f"{n}/train_results.json")["train_loss"], 4),
          "logged losses", [e["loss"] for e in s["log_history"] if "loss" in e])
a, b = r("snn1/eval_results.json"), r("snn2/eval_results.json")
keys = [k for k in a if not k.startswith("eval_qann_") and not any(t in k for t in ("runtime", "per_second", "_time"))]
print("SNN keys compared:", len(keys), "differing:", [k for k in keys if a[k] != b[k]])
for k in ("eval_samples", "eval_accuracy", "eval_snn_agreement", "eval_snn_mean_steps", "eval_snn_energy_uj", "eval_snn_runtime"):
    print(k, a[k], b[k])
PY
