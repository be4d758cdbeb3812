#!/usr/bin/env python
"""Where the simulation's peak memory goes: live tensor bytes by module kind, and peak RSS per chunk size.

    python bench/snn_memory.py --pairs 8 --chunk-steps 4 8 16 --settings 1,32 8,1

MiniLM-L6-ReLU QANN (float32, calibrated as in bench/bench_models.py) on the first `--pairs` MRPC dev
pairs. For each setting and chunk size, in a fresh process: peak RSS of a whole `simulate` (minus the
RSS after conversion), and, from forward hooks, the bytes of state each kind of spiking module keeps
between chunks (membranes, counts, running sums, last spikes) and the largest chunk output. Writes
bench/results/snn_memory.md.
"""
import argparse, json, resource, subprocess, sys, time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
import torch

RESULTS = ROOT / 'bench' / 'results'
rss_mib = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def state_bytes(module):
    "Bytes of the tensors a spiking module keeps between calls (buffers that are state, and last_spikes)."
    seen, total = set(), 0
    tensors = [b for n, b in module.named_buffers(recurse=False) if n not in ('threshold', 'pos_max', 'neg_min')]
    tensors += [getattr(module, 'last_spikes', None)]
    for t in tensors:
        if t is None: continue
        s = t.untyped_storage()
        if s.data_ptr() in seen: continue
        seen.add(s.data_ptr()); total += s.nbytes()   # the whole storage: a view keeps all of it alive
    return total


def worker(args):
    torch.set_num_threads(1)
    import bench_models
    from snn_roberta.convert import convert_to_snn
    from snn_roberta.config import with_graded_spikes
    from snn_roberta.simulate import simulate
    from snn_roberta.neuron import SpikingModule
    from snn_roberta.operators import AccumulateDiff
    qmodel, batches, _ = bench_models.build_model('minilm', SimpleNamespace(quick=False, pairs={'minilm': args.pairs}, batch_size=args.pairs))
    m, B = map(int, args.setting.split(','))
    snn = convert_to_snn(qmodel, with_graded_spikes(qmodel.config.snn_transform_config, max_spikes_per_step=m, bias_steps=B))
    b = batches[0]
    kind = lambda mod: f"AccumulateDiff({type(mod.fn).__name__})" if isinstance(mod, AccumulateDiff) else type(mod).__name__
    kept, biggest = {}, {}
    def hook(mod, a, out):
        k = kind(mod)
        biggest[k] = max(biggest.get(k, 0), out.numel() * out.element_size())
    mods = [mm for mm in snn.modules() if isinstance(mm, SpikingModule)]
    hs = [mm.register_forward_hook(hook) for mm in mods]
    before = rss_mib()
    t = time.perf_counter()
    r = simulate(snn, b['input_ids'], b['attention_mask'], b.get('token_type_ids'), chunk_steps=args.chunk_steps)
    wall = time.perf_counter() - t
    for h in hs: h.remove()
    for mm in mods: kept[kind(mm)] = kept.get(kind(mm), 0) + state_bytes(mm)   # state left after the last chunk
    print(json.dumps(dict(setting=args.setting, chunk=args.chunk_steps, rss_after_convert=before, peak=rss_mib(),
                          steps=r.total_steps, wall=wall, kept={k: v / 2**20 for k, v in kept.items()},
                          biggest={k: v / 2**20 for k, v in biggest.items()})))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--pairs', type=int, default=8)
    p.add_argument('--chunk-steps', type=int, nargs='+', default=[4, 8, 16])
    p.add_argument('--settings', nargs='+', default=['1,32', '8,1'])
    p.add_argument('--worker', action='store_true'); p.add_argument('--setting')
    args = p.parse_args(argv)
    if args.worker: return worker(SimpleNamespace(pairs=args.pairs, chunk_steps=args.chunk_steps[0], setting=args.setting))
    rows = []
    for s in args.settings:
        for c in args.chunk_steps:
            out = subprocess.run([sys.executable, __file__, '--worker', '--setting', s, '--chunk-steps', str(c), '--pairs', str(args.pairs)],
                                 capture_output=True, text=True)
            if out.returncode: raise RuntimeError(out.stderr[-2000:])
            rows.append(json.loads(out.stdout.strip().splitlines()[-1])); print(rows[-1], flush=True)
    kinds = sorted({k for r in rows for k in r['kept']})
    lines = ["# Where the simulation's memory goes (MiniLM-L6-ReLU, float32)", "",
             f"`python bench/snn_memory.py {' '.join(sys.argv[1:])}`  ",
             f"{args.pairs} MRPC dev pairs in one batch, 1 torch thread, CPU; each row a fresh process. Peak RSS over the "
             "whole simulation, and its rise above the RSS after building and converting the model.", "",
             "| m, bias steps | chunk_steps | steps simulated | RSS after convert MiB | peak RSS MiB | rise MiB | wall s |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['setting']} | {r['chunk']} | {r['steps']} | {r['rss_after_convert']:.0f} | {r['peak']:.0f} "
                     f"| {r['peak'] - r['rss_after_convert']:.0f} | {r['wall']:.1f} |")
    lines += ["", "State kept between chunks (MiB, all modules of a kind, after the last chunk) and the largest single chunk "
              "output of that kind (MiB), for the first setting with the largest chunk:", "",
              "| module kind | state kept | largest chunk output |", "|---|---|---|"]
    r = [x for x in rows if x['setting'] == args.settings[0]][-1]
    for k in kinds: lines.append(f"| {k} | {r['kept'].get(k, 0):.1f} | {r['biggest'].get(k, 0):.1f} |")
    (RESULTS / 'snn_memory.md').write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__': main()
