#!/usr/bin/env python
"""Float32 SNN against float32 QANN (and float64 against float64) on MiniLM-L6-ReLU, fast per-channel recipe.

    python bench/float32_minilm.py --sentences 64          # prints agreement, max relative logit difference, steps, time

The QANN is `minilm_relu` quantized with the per-channel BERT config, calibrated on a few SST-2 training batches;
the SNN has graded spikes (m = 8) and the whole bias at step 0. Per dtype: agreement of predictions, the largest
|SNN - QANN| / |QANN| over all logits, mean steps, and process CPU time of `simulate` and of the QANN forward.
"""
import argparse, copy, os, sys, time
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import torch

def main(args):
    from snn_roberta.glue import load_glue
    from snn_roberta.models import minilm_relu
    from snn_roberta.quantize import quantize, calibrate
    from snn_roberta.config import BERT_PER_CHANNEL_CONFIG, with_speed
    from snn_roberta.convert import convert_to_snn
    from snn_roberta.simulate import simulate
    torch.set_num_threads(1)
    ds = load_glue('sst2', os.environ.get('GLUE_DIR', '/work/shared/data/glue'))
    torch.manual_seed(0)                              # the classifier head is newly initialized
    model, tok = minilm_relu(num_labels=2)
    enc = lambda s: {k: v for k, v in tok(s, truncation=True, max_length=128, padding='longest', return_tensors='pt').items()
                     if k in ('input_ids', 'attention_mask', 'token_type_ids')}
    train = list(ds['train'].select(range(32 * args.calib_batches))['sentence'])
    q = calibrate(quantize(model, BERT_PER_CHANNEL_CONFIG), [enc(train[i:i + 32]) for i in range(0, len(train), 32)],
                  progress=False).eval()
    dev = list(ds['validation'].select(range(args.sentences))['sentence'])
    batches = [enc(dev[i:i + args.batch_size]) for i in range(0, len(dev), args.batch_size)]
    for dtype in (torch.float32, torch.float64):
        qd = copy.deepcopy(q).to(dtype)
        snn = convert_to_snn(qd, with_speed(qd.config.snn_transform_config, max_spikes_per_step=8, bias_steps=1))
        n = agree = 0; worst, steps, sim_cpu, q_cpu = 0.0, [], 0.0, 0.0
        for b in batches:
            c = time.process_time()
            with torch.no_grad(): ql = qd(**b).logits
            q_cpu += time.process_time() - c; c = time.process_time()
            r = simulate(snn, b['input_ids'], b['attention_mask'], b.get('token_type_ids'), max_steps=400)
            sim_cpu += time.process_time() - c
            worst = max(worst, ((r.logits - ql).abs() / ql.abs()).max().item())
            agree += int((r.predictions == ql.argmax(-1)).sum()); n += len(ql); steps += r.steps.tolist()
        print(f"{str(dtype)[6:]}: {n} SST-2 dev sentences, agreement {agree / n:.4f}, max rel logit diff {worst:.2e}, "
              f"mean steps {sum(steps) / len(steps):.2f}, simulate CPU {sim_cpu:.1f} s, QANN CPU {q_cpu:.2f} s, "
              f"= {sim_cpu / q_cpu:.1f} QANN forwards", flush=True)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--sentences', type=int, default=64); p.add_argument('--batch_size', type=int, default=32)
    p.add_argument('--calib_batches', type=int, default=4)
    main(p.parse_args())
