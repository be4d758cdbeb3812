#!/usr/bin/env bash
# Fine-tune the quantized (QANN) model on every GLUE task in turn, as the tutorial's multi-task script does,
# then evaluate it with the fine-tuned weights converted to a spiking network (SNN).
#   MODEL_NAME=models/minilm-relu TRANSFORM_CONFIG=../snn_roberta/configs/bert_transform_cfg.yaml bash finetune_base.sh
# Offline, make a starting model first: snn-make-model --kind tiny-roberta --output_dir models/tiny-roberta
# (or --kind minilm-relu), and keep the GLUE .tsv files in a folder given by --data_dir / $SNN_ROBERTA_GLUE_DIR.
# Both steps go through snn-finetune-all: every task found (TASKS="" means every task in the local GLUE folder, or
# all nine from the Hub), a task without a training split skipped with the reason, a failing task reported without
# stopping the others, and ./output/summary.md (and .json) with every task's SNN, QANN and floor side by side.
set -uo pipefail
cd "$(dirname "$0")"
MODEL_NAME=${MODEL_NAME:-roberta-base}
TRANSFORM_CONFIG=${TRANSFORM_CONFIG:-./transform_cfg.yaml}
TASKS=${TASKS:-}
EPOCHS=${EPOCHS:-10}
ALL=(python -c "from snn_roberta.run_glue import finetune_all_main; finetune_all_main()")
[ -n "$TASKS" ] && ALL+=(--tasks "${TASKS// /,}")

"${ALL[@]}" --model_name_or_path "${MODEL_NAME}" \
  --do_train --do_eval --max_seq_length 128 --per_device_train_batch_size 64 \
  --learning_rate 2e-5 --num_train_epochs "${EPOCHS}" --output_dir "./output/{task}_snn" \
  --overwrite_output_dir --transform_config "${TRANSFORM_CONFIG}" --ignore_mismatched_sizes \
  --evaluation_strategy epoch --save_strategy epoch --logging_steps 50 --seed 42
"${ALL[@]}" --model_name_or_path "${MODEL_NAME}" --ignore_mismatched_sizes \
  --do_eval --max_seq_length 128 --output_dir "./output/{task}_snn" --overwrite_output_dir \
  --transform_config "${TRANSFORM_CONFIG}" --model_weights_path "./output/{task}_snn" --convert_to_snn
