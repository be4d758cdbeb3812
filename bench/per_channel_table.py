"""Collect the runs of bench/per_channel_cpu.sh into bench/results/per_channel.md (tables, commands, wall times).

    python bench/per_channel_table.py [--runs bench/runs/minilm]
"""
import argparse, json, platform, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def load(d):
    f = Path(d) / 'eval_results.json'
    return json.loads(f.read_text()) if f.exists() else None

def times(runs):
    "{step: (start HH:MM, command, seconds, exit code)} from plan_times.txt (or each lane's plan_times_*.txt)."
    out, cmd = {}, {}
    logs = sorted(Path(runs).glob('plan_times*.txt'), key=lambda f: f.stat().st_mtime)   # oldest first: the latest run wins
    for line in (l for f in logs for l in f.read_text().splitlines()):
        m = re.match(r'== (\S+) start (\S+): (.*)', line)
        if m: cmd[m[1]] = (m[2], m[3]); continue
        m = re.match(r'== (\S+) rc=(\d+) (\d+) s', line)
        if m and m[1] in cmd: out[m[1]] = (*cmd[m[1]], int(m[3]), int(m[2]))
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--runs', default=str(ROOT / 'bench' / 'runs' / 'minilm'))
    p.add_argument('--out', default=str(ROOT / 'bench' / 'results' / 'per_channel.md'))
    args = p.parse_args()
    runs, t = Path(args.runs), times(Path(args.runs))
    f3 = lambda v: '' if v is None else f'{v:.3f}'
    mins = lambda name: f'{t[name][2] / 60:.1f} min' if name in t else ''
    rows = []
    fl = load(runs / 'float')
    if fl: rows.append(('float ReLU, fine-tuned', 'all 408', f3(fl['eval_accuracy']), f3(fl['eval_f1']), '', '', 'float'))
    for name, label in [('cal_tensor', 'QANN per-tensor, calibrated only'), ('cal_channel', 'QANN per-channel, calibrated only'),
                        ('qann_tensor', 'QANN per-tensor, fine-tuned 2 epochs'), ('qann_channel', 'QANN per-channel, fine-tuned 2 epochs')]:
        r = load(runs / name)
        if r: rows.append((label, f"all {r['eval_samples']}", f3(r['eval_accuracy']), f3(r['eval_f1']), '', '', name))
    for name, label in [('snn_channel', 'per-channel, fine-tuned')]:
        r = load(runs / name)
        if r:
            rows.append((f'QANN {label}, same subset', f"first {r['eval_samples']}", f3(r['eval_qann_accuracy']), f3(r['eval_qann_f1']), '', '', name))
            rows.append((f'SNN {label}, simulated (float64)', f"first {r['eval_samples']}", f3(r['eval_accuracy']), f3(r['eval_f1']),
                         f"{r['eval_snn_mean_steps']:.1f} / {r['eval_snn_max_steps']}",
                         f"{r['eval_snn_agreement']:.3f} (max logit diff {r['eval_snn_max_logit_diff']:.1e})", name))
    lines = ['# Per-channel steps and thresholds: MiniLM-L6-ReLU on MRPC dev (CPU)', '',
             f'Machine: {platform.machine()}, 2 CPU cores shared with other jobs, 1 torch thread per process '
             '(OMP_NUM_THREADS=1); every run made by `bench/per_channel_cpu.sh`, one at a time. Model: all-MiniLM-L6-v2 with '
             'GELU swapped for ReLU, distilled on MRPC training text for 1 epoch (not mrpc+sst2 for 3 epochs as on the GPU), '
             'fine-tuned on MRPC for 3 epochs at lr 5e-5. *Per-channel* = `bert_transform_cfg_per_channel.yaml`: one step per '
             'feature on every quantizer that has a feature axis (Q, K, V, both block outputs before and after LayerNorm, the '
             'feed-forward hidden layer, the pooler); the attention probabilities and context keep one step.', '',
             '| model / stage | dev pairs | accuracy | F1 | SNN steps mean / max | SNN–QANN agreement | run |',
             '|---|---|---|---|---|---|---|']
    lines += ['| ' + ' | '.join(r[:6]) + f' | {mins(r[6])} |' for r in rows]
    sweep = []
    for L in (8, 16, 32, 64):
        q = load(runs / ('cal_channel' if L == 32 else f'cal_channel_L{L}'))
        s = load(runs / f'snn_cal_channel_L{L}')
        if q or s:
            sweep.append((str(L), f3(q and q['eval_accuracy']), f3(q and q['eval_f1']),
                          f"{s['eval_snn_mean_steps']:.1f} / {s['eval_snn_max_steps']}" if s else '',
                          f"{s['eval_snn_agreement']:.3f}" if s else '', str(s['eval_samples']) if s else ''))
    if sweep:
        lines += ['', '## Level sweep, per-channel recipe, calibrated only (no fine-tuning)', '',
                  'Accuracy and F1 of the QANN on all 408 dev pairs; steps of the simulated SNN (float64) on the first dev pairs.', '',
                  '| level | QANN accuracy | QANN F1 | SNN steps mean / max | SNN–QANN agreement | SNN pairs |', '|---|---|---|---|---|---|']
        lines += ['| ' + ' | '.join(r) + ' |' for r in sweep]
    sens = ROOT / 'bench' / 'results' / 'quant_sensitivity_per_channel.md'
    if sens.exists():
        text = sens.read_text()
        cut = text.find('## Per-tensor against per-channel')
        lines += ['', '## Where the error goes: each quantizer group alone, per-tensor against per-channel', '',
                  'From `bench/results/quant_sensitivity_per_channel.md` (first 200 dev pairs, calibrated on 256 training pairs, '
                  'no fine-tuning): mean |margin − float margin| / std of the float margins with only that group quantizing.', '']
        table = [l.strip('|').split('|') for l in text[cut:].splitlines()[2:] if l.startswith('|')]
        if all(not c.strip() for r in table[2:] for c in r[3:]): table = [r[:3] for r in table]   # run with --no_spared
        lines += ['|' + '|'.join(r) + '|' for r in table]
    steps = runs / 'steps_stats.md'
    if steps.exists():
        lines += ['', '## The steps calibration picks (`python bench/per_channel_steps.py`)', '', *steps.read_text().splitlines()]
    notes = ROOT / 'bench' / 'per_channel_findings.md'   # the reading of the tables, written by hand
    if notes.exists(): lines += notes.read_text().splitlines()
    lines += ['', '## Commands and wall times', '']
    lines += [f'- {n} ({v[0]} UTC, {v[2] / 60:.1f} min, exit {v[3]}): `{v[1]}`' for n, v in t.items()]
    Path(args.out).write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))

if __name__ == '__main__': main()
