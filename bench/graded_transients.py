#!/usr/bin/env python
"""Where the transient spikes are: spike units per neuron layer kind against the QANN's Σ|k| there.

    python bench/graded_transients.py --model minilm --pairs 8 --settings 1,32 1,1 8,1

Same models, data and float64 QANN as bench/graded_frontier.py. For each setting (m, bias_steps) one
simulation of the first `--pairs` MRPC dev pairs (one batch); per neuron layer kind (query, key,
value, attention probabilities, context, attention output, intermediate, output, classifier):
the QANN's Σ|k| and the SNN's spike units (Σ|o_t| over steps) and their ratio. A ratio above 1 is
spikes that later spikes take back. Writes bench/results/graded_transients.md.
"""
import argparse, re, sys, time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
import torch

RESULTS = ROOT / 'bench' / 'results'


def kind(name):
    "A neuron layer's kind: its name without the layer number."
    return re.sub(r'\.layer\.\d+\.', '.layer.N.', name).split('encoder.')[-1]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', default='minilm', choices=['tiny', 'minilm'])
    p.add_argument('--pairs', type=int, default=8)
    p.add_argument('--settings', nargs='+', default=['1,32', '1,1', '8,1'])
    p.add_argument('--out', default=str(RESULTS / 'graded_transients.md'))
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    import bench_models
    from snn_roberta.quantizer import LSQInteger
    from snn_roberta.convert import convert_to_snn
    from snn_roberta.config import with_graded_spikes
    from snn_roberta.simulate import simulate
    t0 = time.perf_counter()
    qmodel, batches, _ = bench_models.build_model(args.model, SimpleNamespace(quick=False, pairs={args.model: args.pairs}, batch_size=args.pairs))
    qmodel, b = qmodel.double().eval(), batches[0]
    qk, hooks = {}, []
    for n, m in qmodel.named_modules():
        if isinstance(m, LSQInteger):
            hooks.append(m.register_forward_hook(lambda mod, a, out, n=n: qk.__setitem__(n, float((out / mod.s).round().abs().sum()))))
    with torch.no_grad(): qmodel(**b)
    for h in hooks: h.remove()
    cols, table = [], {}
    for s in args.settings:
        m, B = map(int, s.split(','))
        snn = convert_to_snn(qmodel, with_graded_spikes(qmodel.config.snn_transform_config, max_spikes_per_step=m, bias_steps=B))
        t = time.perf_counter(), time.process_time()
        r = simulate(snn, b['input_ids'], b['attention_mask'], b.get('token_type_ids'))
        cols.append(f"m={m}, bias {B}: {r.steps.float().mean():.1f} steps, {time.perf_counter() - t[0]:.0f} s ({time.process_time() - t[1]:.0f} s CPU)")
        for n, c in r.spike_counts.items(): table.setdefault(kind(n), {}).setdefault(s, 0.0); table[kind(n)][s] += float(c.sum())
        print(cols[-1], flush=True)
    qkind = {}
    for n, v in qk.items(): qkind[kind(n)] = qkind.get(kind(n), 0.0) + v
    lines = ["# Where the transient spikes are", "", f"`python bench/graded_transients.py {' '.join(sys.argv[1:])}`  ",
             f"{args.model}, float64, the first {args.pairs} MRPC dev pairs (one batch, length {b['input_ids'].shape[1]}), 1 torch thread; "
             f"whole run {time.perf_counter() - t0:.0f} s. Spike units per neuron layer kind (all layers summed) divided by the "
             "QANN's Σ|k| of the same quantizers; in brackets, that kind's share of all spike units.", "",
             *[f"- {c}" for c in cols], "",
             "| neuron layer kind | QANN Σ\\|k\\| | " + " | ".join(f"units/Σ\\|k\\| (share) m,bias = {s}" for s in args.settings) + " |",
             "|---|---|" + "---|" * len(args.settings)]
    totals = {s: sum(v.get(s, 0.0) for v in table.values()) for s in args.settings}
    for k in sorted(table, key=lambda k: -table[k][args.settings[0]]):
        lines.append(f"| {k} | {qkind.get(k, 0):.3g} | " + " | ".join(
            f"{table[k][s] / max(qkind.get(k, 0), 1):.2f} ({table[k][s] / totals[s]:.0%})" for s in args.settings) + " |")
    q = sum(qkind.values())
    lines.append(f"| all | {q:.3g} | " + " | ".join(f"{totals[s] / q:.2f}" for s in args.settings) + " |")
    Path(args.out).write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__': main()
