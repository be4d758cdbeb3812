#!/usr/bin/env python
"""The speed frontier of an exact SNN: graded spikes (m) x bias schedule -> steps, spikes, operations, energy, time.

    python bench/graded_frontier.py --model tiny --pairs 64            # writes bench/results/graded_tiny.json
    python bench/graded_frontier.py --model minilm --pairs 16
    python bench/graded_frontier.py --report                           # graded.md tables + graded_frontier.png

For each setting (max_spikes_per_step m, bias_steps B) the same calibrated QANN (`--dtype`, float32 unless told) is converted
and simulated on the same MRPC dev pairs. Per setting: steps to quiescence (mean, max), the step after
which the prediction no longer changes (mean, max), spike events (nonzero spikes) and spike units
(Σ|k|) per example against the QANN's own Σ|k| (the sum of |integer activation| over all quantizers,
the floor for any exact rate code), synaptic operations and 45 nm energy estimates (graded spikes
counted both ways of `GRADED_SPIKE_COSTS`), the float network's operations and energy on the same
inputs, wall and process CPU time of a plain `simulate` (no counting) against the QANN forward, and
agreement with the QANN. Models as in bench/bench_models.py (random tiny RoBERTa with an MRPC-trained
BPE tokenizer; MiniLM-L6-ReLU), calibrated on MRPC train pairs.
"""
import argparse, json, os, sys, time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
import torch
from torch import nn

RESULTS = ROOT / 'bench' / 'results'
GRID = [(1, 32), (1, 8), (1, 1), (2, 32), (2, 1), (4, 1), (8, 32), (8, 4), (8, 1), (16, 1), (32, 1)]


def final_prediction_step(logits_per_step):
    "[B] steps until the running prediction stops changing: 1 + first t with argmax equal to the final from t on."
    pred = logits_per_step.argmax(-1)                       # [T, B]
    same = (pred == pred[-1]).flip(0).cumprod(0).flip(0)    # 1 where this and every later step agree with the end
    return len(pred) - same.sum(0) + 1


class SpikeTally:
    "Forward hooks on every ST-BIF neuron: spike events and spike units per example, summed over steps."
    def __init__(self, snn, B):
        from snn_roberta.neuron import STBIFNeuron
        self.B, self.events, self.units = B, torch.zeros(B, dtype=torch.long), torch.zeros(B, dtype=torch.long)
        self.handles = [m.register_forward_hook(self.hook) for m in snn.modules() if isinstance(m, STBIFNeuron)]
    def hook(self, module, args, out):
        s = module.last_spikes.reshape(module.time_steps or 1, self.B, -1)
        self.events += s.ne(0).sum((0, 2)); self.units += s.abs().sum((0, 2), dtype=torch.long)
    def remove(self):
        for h in self.handles: h.remove()


class GradedOps:
    "Forward hooks on linear and matmul operators: (AC, MAC) per example under both graded spike costs."
    def __init__(self, snn, B):
        from snn_roberta.operators import UnfoldBiasLinear, SpikingMatmul
        from snn_roberta.measure import module_ops
        import snn_roberta.measure as measure
        self.B, self.totals, self.handles = B, {c: torch.zeros(B, 2, dtype=torch.long) for c in measure.GRADED_SPIKE_COSTS}, []
        def hook(module, args, out):
            for c in self.totals:
                measure.GRADED_SPIKE_COST = c
                try: snn_ops, _ = module_ops(module, args, out)
                finally: measure.GRADED_SPIKE_COST = 'accumulates'
                self.totals[c] += snn_ops.sum(0)
        for m in snn.modules():
            if isinstance(m, (UnfoldBiasLinear, SpikingMatmul)): self.handles.append(m.register_forward_hook(hook))
    def remove(self):
        for h in self.handles: h.remove()


def qann_units(qmodel, batch):
    "QANN logits and Σ|k| per example over all quantizers (k = the integer activation, output / s)."
    from snn_roberta.quantizer import LSQInteger
    B = batch['input_ids'].shape[0]
    total, hooks = torch.zeros(B, dtype=torch.float64), []
    def hook(m, args, out): total.add_((out / m.s).round().abs().reshape(B, -1).sum(-1).double())
    for m in qmodel.modules():
        if isinstance(m, LSQInteger): hooks.append(m.register_forward_hook(hook))
    with torch.no_grad(): logits = qmodel(**batch).logits
    for h in hooks: h.remove()
    return logits, total


def timed(f, repeat=1):
    "(result, best wall s, its process CPU s) over `repeat` calls."
    best = None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        r = f()
        w, cpu = time.perf_counter() - t, time.process_time() - c
        if best is None or w < best[0]: best = (w, cpu)
    return r, *best


def run(args):
    from snn_roberta.convert import convert_to_snn
    from snn_roberta.config import with_graded_spikes
    from snn_roberta.simulate import simulate
    from snn_roberta.measure import synaptic_ops, energy
    import bench_models
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    ns = SimpleNamespace(quick=False, pairs={args.model: args.pairs}, batch_size=args.batch_size)
    qmodel, batches, labels = bench_models.build_model(args.model, ns)
    qmodel = qmodel.to(getattr(torch, args.dtype)).eval()
    print(f"[{args.model}] built and calibrated in {time.perf_counter() - t0:.0f} s: {len(labels)} pairs, "
          f"{len(batches)} batches, lengths {[b['input_ids'].shape[1] for b in batches]}", flush=True)
    base = qmodel.config.snn_transform_config
    q = []
    for b in batches:
        (logits, units), w, c = timed(lambda: qann_units(qmodel, b), repeat=3)
        q.append(dict(logits=logits, units=units, s=w, cpu=c))
    grid = [tuple(map(int, g.split(','))) for g in args.grid] if args.grid else GRID
    rows = []
    for m, B in grid:
        snn = convert_to_snn(qmodel, with_graded_spikes(base, max_spikes_per_step=m, bias_steps=B))
        per = dict(steps=[], final=[], events=[], units=[], qann_units=[], agree=0, correct=0, max_rel_err=0.0, s=0.0, cpu=0.0,
                   qann_s=0.0, qann_cpu=0.0, simulated=[], ops={}, ann_mac=0.0, graded_ops={})
        for b, qb, i in zip(batches, q, range(len(batches))):
            ids, mask, tt = b['input_ids'], b['attention_mask'], b.get('token_type_ids')
            res, w, c = timed(lambda: simulate(snn, ids, mask, tt, max_steps=args.max_steps, chunk_steps=args.chunk_steps))
            per['s'] += w; per['cpu'] += c; per['qann_s'] += qb['s']; per['qann_cpu'] += qb['cpu']
            per['simulated'].append(res.total_steps)
            per['steps'] += res.steps.tolist(); per['final'] += final_prediction_step(res.logits_per_step).tolist()
            per['agree'] += int((res.predictions == qb['logits'].argmax(-1)).sum())
            lab = torch.tensor(labels[i * args.batch_size: i * args.batch_size + len(ids)])
            per['correct'] += int((res.predictions == lab).sum())
            per['max_rel_err'] = max(per['max_rel_err'], ((res.logits - qb['logits']).abs().max() / qb['logits'].abs().max()).item())
            if not res.converged.all(): print(f"  m={m} B={B}: not quiet after {args.max_steps} steps", flush=True)
            # counted run: the same simulation with operation counters and spike tallies
            tally, graded = SpikeTally(snn, len(ids)), GradedOps(snn, len(ids))
            try: rep = synaptic_ops(snn, ids, mask, token_type_ids=tt, max_steps=args.max_steps, chunk_steps=args.chunk_steps)
            finally: tally.remove(); graded.remove()
            assert torch.equal(rep.result.logits, res.logits)
            per['events'] += tally.events.tolist(); per['units'] += tally.units.tolist(); per['qann_units'] += qb['units'].tolist()
            t = rep.totals()
            for k in ('snn_ac', 'snn_mac'): per['ops'][k] = per['ops'].get(k, 0) + float(t[k])
            per['ann_mac'] += float(t['ann_mac'])
            for cost, tot in graded.totals.items():
                g = per['graded_ops'].setdefault(cost, [0.0, 0.0])
                g[0] += float(tot[:, 0].sum()); g[1] += float(tot[:, 1].sum())
        n = len(per['steps'])
        # energy: the counter's totals use 'accumulates'; 'multiply' swaps the linear/matmul part for its own count
        acc, mul = per['graded_ops']['accumulates'], per['graded_ops']['multiply']
        ops_acc = dict(ac=per['ops']['snn_ac'] / n, mac=per['ops']['snn_mac'] / n)
        ops_mul = dict(ac=(per['ops']['snn_ac'] - acc[0] + mul[0]) / n, mac=(per['ops']['snn_mac'] - acc[1] + mul[1]) / n)
        ann = dict(ac=0.0, mac=per['ann_mac'] / n)
        row = dict(m=m, bias_steps=B, pairs=n, mean_steps=sum(per['steps']) / n, max_steps=max(per['steps']),
                   mean_final=sum(per['final']) / n, max_final=max(per['final']), simulated=per['simulated'],
                   events=sum(per['events']) / n, units=sum(per['units']) / n, qann_units=sum(per['qann_units']) / n,
                   agreement=per['agree'] / n, accuracy=per['correct'] / n, max_rel_logit_err=per['max_rel_err'],
                   snn_ac=ops_acc['ac'], snn_mac=ops_acc['mac'], snn_ac_multiply=ops_mul['ac'], snn_mac_multiply=ops_mul['mac'],
                   ann_mac=ann['mac'],
                   energy_uj={p: dict(snn=energy(ops_acc, p), snn_multiply=energy(ops_mul, p), ann=energy(ann, p))
                              for p in ('45nm-fp32', '45nm-int8')},
                   wall_s=per['s'], cpu_s=per['cpu'], qann_wall_s=per['qann_s'], qann_cpu_s=per['qann_cpu'],
                   qann_forwards=per['s'] / per['qann_s'], qann_forwards_cpu=per['cpu'] / per['qann_cpu'])
        rows.append(row)
        print(f"[{args.model}] m={m:>2} B={B:>2}: steps {row['mean_steps']:.1f} (max {row['max_steps']}), final at "
              f"{row['mean_final']:.1f}, units/Σ|k| {row['units'] / row['qann_units']:.2f}, events/Σ|k| "
              f"{row['events'] / row['qann_units']:.2f}, agreement {row['agreement']:.3f} (rel err {row['max_rel_logit_err']:.1e}), "
              f"{row['wall_s']:.1f} s wall ({row['cpu_s']:.1f} s cpu) = {row['qann_forwards']:.1f} QANN forwards, "
              f"energy {row['energy_uj']['45nm-fp32']['snn']:.2f} µJ vs float {row['energy_uj']['45nm-fp32']['ann']:.2f}", flush=True)
    import platform, transformers
    env = dict(machine=f"{platform.machine()}, {os.cpu_count()} CPUs, {torch.get_num_threads()} torch thread(s)",
               torch=torch.__version__, transformers=transformers.__version__, date=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
               command='python bench/graded_frontier.py ' + ' '.join(sys.argv[1:]), whole_run_s=time.perf_counter() - t0,
               lengths=[b['input_ids'].shape[1] for b in batches], batch_size=args.batch_size, dtype=args.dtype,
               chunk_steps=args.chunk_steps)
    out = Path(args.out or RESULTS / f'graded_{args.model}.json')
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(model=args.model, env=env, rows=rows), indent=1))
    print(f"wrote {out}")


NAMES = dict(tiny='tiny RoBERTa (random weights, 2 layers, width 64, MRPC-trained BPE tokenizer)', minilm='MiniLM-L6-ReLU (calibrated)')


def report(args):
    "bench/results/graded.md (tables) and graded_frontier.png from the JSON files."
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    runs = [json.loads(p.read_text()) for p in sorted(RESULTS.glob('graded_*.json'), reverse=True)]   # tiny, then minilm
    lines = ["# The speed frontier: graded spikes and the bias schedule", ""]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout='constrained')
    for run_ in runs:
        e, rows = run_['env'], run_['rows']
        lines += [f"## {NAMES.get(run_['model'], run_['model'])}", "",
                  f"`{e['command']}`  ", f"{e['machine']}; torch {e['torch']}, transformers {e['transformers']}; {e['dtype']}; "
                  f"{rows[0]['pairs']} MRPC dev pairs, batches of {e['batch_size']} (lengths {e['lengths']}), chunk_steps "
                  f"{e['chunk_steps']}; {e['date']}; whole run {e['whole_run_s']:.0f} s. QANN Σ|k| = {rows[0]['qann_units']:.3g} "
                  "spike units per example.", "",
                  "| m | bias steps | steps mean (max) | prediction final at, mean (max) | spike events / Σ\\|k\\| | spike units / Σ\\|k\\| "
                  "| SNN AC + MAC per example (graded as multiply) | energy µJ fp32: SNN (multiply) | energy µJ int8: SNN (multiply) "
                  "| wall s (CPU s) | QANN forwards of time, wall (CPU) | agreement (max rel. logit error) | accuracy |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            ef, ei = r['energy_uj']['45nm-fp32'], r['energy_uj']['45nm-int8']
            lines.append(f"| {r['m']} | {r['bias_steps']} | {r['mean_steps']:.1f} ({r['max_steps']}) | {r['mean_final']:.1f} ({r['max_final']}) "
                         f"| {r['events'] / r['qann_units']:.2f} | {r['units'] / r['qann_units']:.2f} "
                         f"| {r['snn_ac']:.3g} + {r['snn_mac']:.3g} ({r['snn_ac_multiply']:.3g} + {r['snn_mac_multiply']:.3g}) "
                         f"| {ef['snn']:.2f} ({ef['snn_multiply']:.2f}) | {ei['snn']:.3f} ({ei['snn_multiply']:.3f}) "
                         f"| {r['wall_s']:.1f} ({r['cpu_s']:.1f}) | {r['qann_forwards']:.1f} ({r['qann_forwards_cpu']:.1f}) "
                         f"| {r['agreement']:.3f} ({r['max_rel_logit_err']:.0e}) | {r['accuracy']:.3f} |")
        r0 = rows[0]
        lines += ["", f"Float network on the same inputs: {r0['ann_mac']:.3g} MAC per example, "
                  f"{r0['energy_uj']['45nm-fp32']['ann']:.2f} µJ (fp32), {r0['energy_uj']['45nm-int8']['ann']:.3f} µJ (int8). "
                  f"QANN forward: {r0['qann_wall_s']:.3f} s wall ({r0['qann_cpu_s']:.3f} s CPU) for all {r0['pairs']} pairs.", ""]
        ax0, ax1 = axes
        for B, marker in ((32, 'o'), (8, 's'), (4, 'D'), (1, '^')):
            sel = [r for r in rows if r['bias_steps'] == B]
            if not sel: continue
            label = f"{run_['model']}, bias over {B} step{'s' * (B > 1)}"
            ax0.plot([r['mean_steps'] for r in sel], [r['units'] / r['qann_units'] for r in sel], marker=marker, ls='-' if B == 1 else 'none',
                     label=label, color='C0' if run_['model'] == 'tiny' else 'C1', alpha=1 if B == 1 else 0.6)
            for r in sel: ax0.annotate(f"m={r['m']}", (r['mean_steps'], r['units'] / r['qann_units']), fontsize=7,
                                       xytext=(3, 3), textcoords='offset points')
            ax1.plot([r['mean_steps'] for r in sel], [r['energy_uj']['45nm-fp32']['snn'] / r['energy_uj']['45nm-fp32']['ann'] for r in sel],
                     marker=marker, ls='-' if B == 1 else 'none', label=label,
                     color='C0' if run_['model'] == 'tiny' else 'C1', alpha=1 if B == 1 else 0.6)
    axes[0].axhline(1, color='k', lw=0.8, ls='--'); axes[0].text(20, 0.93, 'QANN Σ|k| (the floor)', fontsize=8)
    axes[1].axhline(1, color='k', lw=0.8, ls='--'); axes[1].text(1.05, 1.05, 'float network', fontsize=8)
    for ax, y in zip(axes, ['spike units per example / QANN Σ|k|', 'SNN energy / float energy (45 nm fp32)']):
        ax.set_xscale('log', base=2); ax.set_yscale('log', base=2); ax.set_xlabel('mean steps to quiescence (exact output)')
        ax.set_ylabel(y); ax.grid(alpha=0.3, which='both'); ax.legend(fontsize=7)
    axes[0].set_title('Exact in fewer steps: graded spikes (m) and bias schedule', fontsize=10)
    axes[1].set_title('Energy estimate, graded spikes as k accumulates', fontsize=10)
    fig.savefig(RESULTS / 'graded_frontier.png', dpi=110)
    out = RESULTS / 'graded.md'
    text = '\n'.join(lines) + '\n'
    if out.exists() and '<!-- notes -->' in out.read_text():   # keep the hand-written notes below the marker
        text += '<!-- notes -->' + out.read_text().split('<!-- notes -->', 1)[1]
    out.write_text(text)
    print(text)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--model', default='tiny', choices=['tiny', 'minilm'])
    p.add_argument('--pairs', type=int, default=64)
    p.add_argument('--batch-size', type=int, default=16)
    p.add_argument('--grid', nargs='*', help="settings 'm,bias_steps' (default: a grid over m in 1..32 and bias over 32, 8, 4, 1)")
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--max-steps', type=int, default=512)
    p.add_argument('--chunk-steps', type=int, default=8)
    p.add_argument('--dtype', default='float32', choices=['float32', 'float64'], help='precision of the QANN and SNN')
    p.add_argument('--out', default=None)
    p.add_argument('--report', action='store_true')
    args = p.parse_args(argv)
    return report(args) if args.report else run(args)


if __name__ == '__main__': main()
