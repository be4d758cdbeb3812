#!/usr/bin/env python
"""A/B of two checkouts on one saved QANN: MiniLM-L6-ReLU, by default at the fast recipe (m = 8, bias at step 0).

    python bench/snn_speed_ab.py --state /tmp/minilm.pt --reference /tmp/ref.pt   # first run: builds, saves both
    PYTHONPATH=/path/to/other/checkout python bench/snn_speed_ab.py --state /tmp/minilm.pt --reference /tmp/ref.pt

The QANN (calibrated as in bench_models.py, 16 MRPC dev pairs in batches of 8) is built once and saved, so that
both checkouts simulate the very same network (`minilm_relu` draws a new classifier head per process). Prints
process CPU time of `simulate` and of the QANN forward (the better of two) in the same process, their ratio (QANN
forwards), whether the SNN's logits equal the QANN's, and whether they equal the saved reference logits bit for
bit (the first run saves them). Alternate the two checkouts a few times: the machine is shared.
"""
import argparse, os, resource, time
from types import SimpleNamespace
import torch


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--state', required=True, help='where the calibrated QANN and batches are (built if missing)')
    p.add_argument('--reference', required=True, help='logits to compare with bit for bit (saved if missing)')
    p.add_argument('--dtype', default='float32', choices=['float32', 'float64'])
    p.add_argument('--chunk-steps', type=int, default=4)
    p.add_argument('--fast', default='8,1', help="'max_spikes_per_step,bias_steps' (1,32: the paper's recipe)")
    p.add_argument('--batches', type=int, default=2, help='simulate the first this many batches of 8')
    args = p.parse_args()
    torch.set_num_threads(1)
    if not os.path.exists(args.state):
        from bench_models import build_model
        q, batches, _ = build_model('minilm', SimpleNamespace(quick=False, pairs={'minilm': 16}, batch_size=8))
        torch.save(dict(qmodel=q, batches=batches), args.state)
    saved = torch.load(args.state, weights_only=False)
    q, batches = saved['qmodel'].eval().to(getattr(torch, args.dtype)), saved['batches'][:args.batches]
    m, bias_steps = map(int, args.fast.split(','))
    from snn_roberta.simulate import simulate
    from snn_roberta.convert import convert_to_snn
    from snn_roberta.config import with_graded_spikes
    cfg = with_graded_spikes(q.config.snn_transform_config, max_spikes_per_step=m, bias_steps=bias_steps)
    snn = convert_to_snn(q, cfg)
    with torch.no_grad():
        b = {k: v[:2] for k, v in batches[0].items()}
        simulate(snn, b['input_ids'], b['attention_mask'], max_steps=16); q(**b)   # warm-up
        qann_cpu, snn_cpu, logits, q_logits, steps = 0.0, 0.0, [], [], []
        for b in batches:
            c0 = time.process_time(); ql = q(**b).logits; c1 = time.process_time(); q(**b); c2 = time.process_time()
            qann_cpu += min(c1 - c0, c2 - c1)
            c = time.process_time()
            r = simulate(snn, b['input_ids'], b['attention_mask'], b.get('token_type_ids'),
                         chunk_steps=args.chunk_steps)
            snn_cpu += time.process_time() - c
            logits.append(r.logits); q_logits.append(ql); steps.append(r.total_steps)
    L, QL = torch.cat(logits), torch.cat(q_logits)
    if not os.path.exists(args.reference): torch.save(L, args.reference)
    print(f"{args.dtype}, m,B = {args.fast}, load {os.getloadavg()[0]:.2f}: QANN {qann_cpu:.3f} s CPU, "
          f"SNN {snn_cpu:.3f} s CPU = "
          f"{snn_cpu / qann_cpu:.2f} QANN forwards; steps simulated {steps}; SNN == QANN {torch.equal(L, QL)} "
          f"(max diff {(L - QL).abs().max().item():.1e}); "
          f"same bits as the reference {torch.equal(L, torch.load(args.reference))}; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == '__main__': main()
