"""What the simulation benchmarks share: MRPC pairs, tokenized bench batches, and the calibrated QANNs they measure
(a random tiny RoBERTa with a BPE tokenizer trained on MRPC, and MiniLM-L6 with ReLU).

Used by `snn_speed.py`, `graded_frontier.py`, `graded_transients.py` and `snn_memory.py` (`import bench_models`:
Python puts the script's folder, bench/, on the path). The package is the installed one (`pip install -e .` from
the repository root installs this checkout).
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLUE_DIR = ROOT.parent / 'shared' / 'data' / 'glue' if (ROOT.parent / 'shared').exists() else None
RESULTS = ROOT / 'bench' / 'results'


def mrpc_pairs(split, n):
    "The first `n` MRPC sentence pairs and labels of `split`."
    from snn_roberta.glue import load_glue
    ds = load_glue('mrpc', os.environ.get('GLUE_DIR', GLUE_DIR))[split]
    ds = ds.select(range(min(n, len(ds))))
    return list(ds['sentence1']), list(ds['sentence2']), list(ds['label'])


def batches_of(tokenizer, s1, s2, batch_size, max_length=128):
    "Tokenized batches, each padded to its longest pair: a list of dicts of tensors."
    out = []
    for i in range(0, len(s1), batch_size):
        enc = tokenizer(s1[i:i + batch_size], s2[i:i + batch_size], truncation=True, max_length=max_length,
                        padding='longest', return_tensors='pt')
        out.append({k: v for k, v in enc.items() if k in ('input_ids', 'attention_mask', 'token_type_ids')})
    return out


def build_model(name, args):
    "(calibrated QANN, bench batches, labels) for 'tiny' or 'minilm'."
    from snn_roberta.quantize import quantize, calibrate
    n_calib = 32 if args.quick else 64
    c1, c2, _ = mrpc_pairs('train', n_calib)
    if name == 'tiny':
        from snn_roberta.models import tiny_roberta, train_bpe_tokenizer
        t1, t2, _ = mrpc_pairs('train', 10_000)
        tok = train_bpe_tokenizer(t1 + t2, vocab_size=2000, model_max_length=128)
        model = tiny_roberta(seed=0, vocab_size=len(tok), max_position_embeddings=128 + tok.pad_token_id + 1,
                             pad_token_id=tok.pad_token_id, bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id)
        qmodel = quantize(model)
    elif name == 'minilm':
        from snn_roberta.models import minilm_relu
        from snn_roberta.config import BERT_CONFIG
        model, tok = minilm_relu(num_labels=2)
        qmodel = quantize(model, BERT_CONFIG)
    else: raise ValueError(f"unknown model {name!r}: use tiny or minilm")
    calibrate(qmodel, batches_of(tok, c1, c2, 32), progress=False)
    s1, s2, labels = mrpc_pairs('validation', args.pairs[name])
    return qmodel.eval(), batches_of(tok, s1, s2, min(args.batch_size, args.pairs[name])), labels
