"""Where does quantization cost accuracy? Each group of quantizers alone, and all but it, on MRPC dev.

    python bench/quant_sensitivity.py --model bench/runs/minilm/float --pairs 200

Takes a fine-tuned float model folder (made by `snn-run-glue --do_train`), quantizes it with the transform
config, calibrates it on training pairs as `snn-run-glue` does, and then evaluates with only some quantizers
active (the others pass their input through unchanged). A group is one quantizer position in every layer
(e.g. `attention.self.attn_quan`, the attention probabilities). For each group it reports accuracy, F1 and
agreement with the float model's predictions and the error of the logit margin, (a) with that group alone quantized and (b) with every group
but that one. (a) says how much damage the group does by itself, (b) how much is won back by sparing it.
Writes a markdown table (default bench/results/quant_sensitivity.md).
"""
import argparse, os, re, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # this checkout's snn_roberta, whatever is installed

import torch
from torch.utils.data import DataLoader
from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding

from snn_roberta.config import BERT_CONFIG, DEFAULT_CONFIG
from snn_roberta.glue import default_glue_dir, load_glue, preprocess_glue, compute_glue_metrics
from snn_roberta.quantize import calibrate, model_inputs, quantize
from snn_roberta.quantizer import LSQInteger


def group_of(name):
    "'bert.encoder.layer.3.attention.self.attn_quan' -> 'attention.self.attn_quan'"
    return re.sub(r'^encoder\.layer\.\d+\.', '', re.sub(r'^(bert|roberta)\.', '', name))


@torch.no_grad()
def predict(model, loader):
    logits = [model(**model_inputs(b)).logits for b in loader]
    return torch.cat(logits)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', required=True, help='fine-tuned float model folder')
    p.add_argument('--config', default=None, help='transform YAML (default: BERT or RoBERTa config by model type)')
    p.add_argument('--pairs', type=int, default=200, help='first N MRPC dev pairs')
    p.add_argument('--calibration_pairs', type=int, default=256, help='first N MRPC train pairs for calibration')
    p.add_argument('--seed', type=int, default=0, help='calibration subsamples activations at random')
    p.add_argument('--out', default=str(ROOT / 'bench' / 'results' / 'quant_sensitivity.md'))
    args = p.parse_args(argv)
    torch.manual_seed(args.seed)
    start = time.time()
    tok = AutoTokenizer.from_pretrained(args.model)
    float_model = AutoModelForSequenceClassification.from_pretrained(args.model, dtype=torch.float32).eval()
    config = args.config or (BERT_CONFIG if float_model.config.model_type == 'bert' else DEFAULT_CONFIG)
    data = preprocess_glue(load_glue('mrpc', os.environ.get('SNN_ROBERTA_GLUE_DIR') or default_glue_dir()), tok, 'mrpc')
    collate = DataCollatorWithPadding(tok)
    cols = [c for c in ('input_ids', 'attention_mask', 'token_type_ids') if c in data['validation'].column_names]
    dev = data['validation'].select(range(min(args.pairs, len(data['validation']))))
    labels = torch.tensor(dev['labels'])
    loader = DataLoader(dev.select_columns(cols), batch_size=32, collate_fn=collate)
    calib = DataLoader(data['train'].select(range(args.calibration_pairs)).select_columns(cols), batch_size=32, collate_fn=collate)
    qmodel = calibrate(quantize(float_model, config), calib, progress=False).eval()
    quantizers = {n: m for n, m in qmodel.named_modules() if isinstance(m, LSQInteger)}
    groups = sorted({group_of(n) for n in quantizers}, key=list(dict.fromkeys(group_of(n) for n in quantizers)).index)

    ref_logits = predict(float_model, loader)
    reference, ref_margin = ref_logits.argmax(-1), ref_logits[:, 1] - ref_logits[:, 0]
    def score(active):
        "Metrics with only the quantizers whose group is in `active` quantizing."
        for n, m in quantizers.items():
            if group_of(n) not in active: m.forward = lambda x: x   # pass through
        try: logits = predict(qmodel, loader)
        finally:
            for m in quantizers.values(): m.__dict__.pop('forward', None)
        pred, margin = logits.argmax(-1), logits[:, 1] - logits[:, 0]
        metrics = compute_glue_metrics('mrpc', pred.numpy(), labels.numpy())
        error = ((margin - ref_margin).abs().mean() / ref_margin.std()).item()
        return metrics['accuracy'], metrics['f1'], (pred == reference).float().mean().item(), error

    rows = [('(none: float model)', *score(set()), '', '', '', ''), ('(all quantizers)', *score(set(groups)), '', '', '', '')]
    for g in groups:
        alone, spared = score({g}), score(set(groups) - {g})
        print(f'{g}: alone {alone}, all but it {spared}', flush=True)
        rows.append((g, *alone, *spared))
    fmt = lambda x: f'{x:.3f}' if isinstance(x, float) else str(x)
    lines = ['# Quantization sensitivity (MRPC dev)', '',
             f'`python bench/quant_sensitivity.py {" ".join(argv if argv is not None else sys.argv[1:])}`  ',
             f'Model `{args.model}`, config `{Path(str(config)).name}`, first {len(dev)} dev pairs, calibrated on '
             f'{args.calibration_pairs} train pairs; {time.time() - start:.0f} s. Agreement = fraction of predictions '
             f'equal to the float model\'s. Error = mean |margin − float margin| / std of the float margins, where a '
             f'margin is logit 1 − logit 0: unlike agreement, it does not hinge on pairs that sit at the decision boundary.', '',
             '| quantizer group (every layer) | accuracy, alone | F1, alone | agreement, alone | error, alone '
             '| accuracy, all but it | F1, all but it | agreement, all but it | error, all but it |',
             '|---|---|---|---|---|---|---|---|---|']
    lines += ['| ' + ' | '.join(fmt(c) for c in r) + ' |' for r in rows]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__': main()
