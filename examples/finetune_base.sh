#!/usr/bin/env bash
# Fine-tune the quantized (QANN) model on every GLUE task in turn, as the tutorial's multi-task script does,
# then evaluate it with the fine-tuned weights converted to a spiking network (SNN).
#   MODEL_NAME=models/minilm-relu TRANSFORM_CONFIG=../snn_roberta/configs/bert_transform_cfg.yaml bash finetune_base.sh
# Offline, make a starting model first: snn-make-model --kind tiny-roberta --output_dir models/tiny-roberta
# (or --kind minilm-relu), and keep the GLUE .tsv files in a folder given by --data_dir / $SNN_ROBERTA_GLUE_DIR.
# The same loop as one command: snn-finetune-all --tasks cola,sst2,... --output_dir './output/{task}_snn' ...
set -euo pipefail
cd "$(dirname "$0")"
MODEL_NAME=${MODEL_NAME:-roberta-base}
TRANSFORM_CONFIG=${TRANSFORM_CONFIG:-./transform_cfg.yaml}
TASKS=${TASKS:-"cola sst2 mrpc qqp stsb mnli qnli rte wnli"}
EPOCHS=${EPOCHS:-10}

for TASK_NAME in $TASKS; do
  echo "=== ${TASK_NAME}"
  python run_glue.py --model_name_or_path "${MODEL_NAME}" --task_name "${TASK_NAME}" \
    --do_train --do_eval --max_seq_length 128 --per_device_train_batch_size 64 \
    --learning_rate 2e-5 --num_train_epochs "${EPOCHS}" --output_dir "./output/${TASK_NAME}_snn" \
    --overwrite_output_dir --transform_config "${TRANSFORM_CONFIG}" \
    --evaluation_strategy epoch --save_strategy epoch --logging_steps 50 --seed 42
  python run_glue.py --model_name_or_path "${MODEL_NAME}" --task_name "${TASK_NAME}" \
    --do_eval --max_seq_length 128 --output_dir "./output/${TASK_NAME}_snn" --overwrite_output_dir \
    --transform_config "${TRANSFORM_CONFIG}" --model_weights_path "./output/${TASK_NAME}_snn" --convert_to_snn
done
