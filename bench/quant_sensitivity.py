"""Where does quantization cost accuracy? Each group of quantizers alone, and all but it, on MRPC dev.

    python bench/quant_sensitivity.py --model bench/runs/minilm/float --pairs 200
    python bench/quant_sensitivity.py --model bench/runs/minilm/float --pairs 200 --granularity both

With `--granularity channel` every quantizer that has a feature axis gets one step per feature (`per_channel`
in the config, made by `per_channel_config`); `both` measures per-tensor and per-channel and adds a table
that puts their errors side by side. `--level` overrides the config's level (every entry).

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

import torch
from torch.utils.data import DataLoader
from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding

from snn_roberta.config import BERT_CONFIG, DEFAULT_CONFIG
from snn_roberta.glue import default_glue_dir, load_glue, preprocess_glue, compute_glue_metrics
from snn_roberta.quantize import calibrate, model_inputs, quantize, per_channel_config
from snn_roberta.config import load_transform_config
from snn_roberta.quantizer import LSQInteger


def group_of(name):
    "'bert.encoder.layer.3.attention.self.attn_quan' -> 'attention.self.attn_quan'"
    return re.sub(r'^encoder\.layer\.\d+\.', '', re.sub(r'^(bert|roberta)\.', '', name))


@torch.no_grad()
def predict(model, loader):
    logits = [model(**model_inputs(b)).logits for b in loader]
    return torch.cat(logits)


def with_level(config, level):
    "The config as a mapping, every quantization entry at `level` (unchanged if None)."
    raw = load_transform_config(config).raw
    if level is not None:
        for k, v in raw['quantization_config'].items():
            if k != 'by': v['config']['level'] = level
    return raw


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', required=True, help='fine-tuned float model folder')
    p.add_argument('--config', default=None, help='transform YAML (default: BERT or RoBERTa config by model type)')
    p.add_argument('--granularity', choices=('tensor', 'channel', 'both'), default='tensor',
                   help='one step per quantizer, one per feature for every quantizer with a feature axis, or both')
    p.add_argument('--level', type=int, default=None, help="override the config's level")
    p.add_argument('--no_spared', action='store_true', help="skip the 'all but it' columns (half the time)")
    p.add_argument('--pairs', type=int, default=200, help='first N MRPC dev pairs')
    p.add_argument('--calibration_pairs', type=int, default=256, help='first N MRPC train pairs for calibration')
    p.add_argument('--seed', type=int, default=0, help='calibration subsamples activations at random')
    p.add_argument('--out', default=str(ROOT / 'bench' / 'results' / 'quant_sensitivity.md'))
    args = p.parse_args(argv)
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
    ref_logits = predict(float_model, loader)
    reference, ref_margin = ref_logits.argmax(-1), ref_logits[:, 1] - ref_logits[:, 0]
    granularities = ('tensor', 'channel') if args.granularity == 'both' else (args.granularity,)
    fmt = lambda x: f'{x:.3f}' if isinstance(x, float) else str(x)
    lines = ['# Quantization sensitivity (MRPC dev)', '',
             f'`python bench/quant_sensitivity.py {" ".join(argv if argv is not None else sys.argv[1:])}`  ', '']
    errors = {}
    for granularity in granularities:
        torch.manual_seed(args.seed)
        t0 = time.time()
        cfg = with_level(config, args.level)
        if granularity == 'channel': cfg = per_channel_config(float_model, cfg)
        qmodel = calibrate(quantize(float_model, cfg), calib, progress=False).eval()
        quantizers = {n: m for n, m in qmodel.named_modules() if isinstance(m, LSQInteger)}
        groups = sorted({group_of(n) for n in quantizers}, key=list(dict.fromkeys(group_of(n) for n in quantizers)).index)
        per_channel = {group_of(n) for n, m in quantizers.items() if m.channels is not None}

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

        everything = score(set(groups))
        rows = [('(none: float model)', *score(set()), '', '', '', ''), ('(all quantizers)', *everything, '', '', '', '')]
        errors[granularity] = {'(all quantizers)': (everything[3], '')}
        for g in groups:
            alone, spared = score({g}), (('', '', '', '') if args.no_spared else score(set(groups) - {g}))
            print(f'{granularity} {g}: alone {alone}, all but it {spared}', flush=True)
            name = f'{g} (per-channel)' if g in per_channel else g
            rows.append((name, *alone, *spared))
            errors[granularity][g] = (alone[3], spared[3])
        title = 'one step per quantizer (per-tensor)' if granularity == 'tensor' else 'one step per feature (per-channel) where a quantizer has a feature axis'
        lines += [f'## {title}', '',
                  f'Model `{args.model}`, config `{Path(str(config)).name}`{f" at level {args.level}" if args.level else ""}, '
                  f'first {len(dev)} dev pairs, calibrated on {args.calibration_pairs} train pairs; {time.time() - t0:.0f} s. '
                  f'Agreement = fraction of predictions '
                  f'equal to the float model\'s. Error = mean |margin − float margin| / std of the float margins, where a '
                  f'margin is logit 1 − logit 0: unlike agreement, it does not hinge on pairs that sit at the decision boundary.', '',
                  '| quantizer group (every layer) | accuracy, alone | F1, alone | agreement, alone | error, alone '
                  '| accuracy, all but it | F1, all but it | agreement, all but it | error, all but it |',
                  '|---|---|---|---|---|---|---|---|---|']
        lines += ['| ' + ' | '.join(fmt(c) for c in r) + ' |' for r in rows] + ['']
    if len(granularities) == 2:
        lines += ['## Per-tensor against per-channel: error of the logit margin', '',
                  '| quantizer group (every layer) | error alone, per-tensor | error alone, per-channel '
                  '| error all but it, per-tensor | error all but it, per-channel |', '|---|---|---|---|---|']
        for g, (alone_t, spared_t) in errors['tensor'].items():
            alone_c, spared_c = errors['channel'].get(g, ('', ''))
            lines.append('| ' + ' | '.join(fmt(c) for c in (g, alone_t, alone_c, spared_t, spared_c)) + ' |')
    lines += ['', f'Whole run {time.time() - start:.0f} s; {torch.get_num_threads()} torch threads.']
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__': main()
