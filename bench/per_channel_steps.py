"""Calibrated steps of a fine-tuned MiniLM-ReLU: one per tensor against one per feature (min, median, max).

    python bench/per_channel_steps.py   # reads bench/runs/minilm/float
"""
import torch
from torch.utils.data import DataLoader
from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding
from snn_roberta.config import BERT_CONFIG
from snn_roberta.glue import default_glue_dir, load_glue, preprocess_glue
from snn_roberta.quantize import calibrate, quantize, per_channel_config
torch.manual_seed(0)
m = 'bench/runs/minilm/float'
tok = AutoTokenizer.from_pretrained(m); fm = AutoModelForSequenceClassification.from_pretrained(m).eval()
data = preprocess_glue(load_glue('mrpc', default_glue_dir()), tok, 'mrpc')
cols = ['input_ids', 'attention_mask', 'token_type_ids']
calib = DataLoader(data['train'].select(range(256)).select_columns(cols), batch_size=32, collate_fn=DataCollatorWithPadding(tok))
qt = calibrate(quantize(fm, BERT_CONFIG), calib, progress=False)
qc = calibrate(quantize(fm, per_channel_config(fm, BERT_CONFIG)), calib, progress=False)
print('| quantizer | per-tensor s | per-channel s: min | median | max | max / median |\n|---|---|---|---|---|---|')
for L in (0, 5):
    for n in ('attention.output.dense_quan_after_ln', 'intermediate.dense_quan', 'output.dense_quan', 'output.dense_quan_after_ln'):
        name = f'bert.encoder.layer.{L}.{n}'
        s1, sc = qt.get_submodule(name).s.item(), qc.get_submodule(name).s.detach()
        print(f'| layer {L} {n} | {s1:.3g} | {sc.min():.3g} | {sc.median():.3g} | {sc.max():.3g} | {sc.max() / sc.median():.0f} |')
