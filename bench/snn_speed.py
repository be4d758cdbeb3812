#!/usr/bin/env python
"""Speed benchmark: the QANN forward pass, this package's SNN simulation, and SpikingJelly 2.0's SpikeZIP-TF recipe.

    python bench/snn_speed.py [--device cuda] [--quick] [--threads N]

For a tiny RoBERTa (BPE tokenizer trained on MRPC) and MiniLM-L6 with ReLU, both quantized and
calibrated on MRPC train pairs, on the first `--pairs` MRPC dev pairs:
  qann  the quantized network's forward pass;
  ours  `snn_roberta.simulate.simulate`, to quiescence (chunks of 16 steps);
  fast  the same simulation at the fastest exact setting (`--fast m,bias_steps`: graded spikes, up to
        m per step, and the bias released over bias_steps steps; default 8,1), to quiescence;
  sj    SpikingJelly 2.0's `SpikeZIPTFQANNRecipe` converting the same QANN, run in single-step
        mode (one forward call of the Hugging Face model per time step) for exactly as many
        steps as `ours` simulated on each batch (its one-spike neurons need as many steps as ours
        with m = 1 to reach the exact output).
Two comparisons: at equal steps (sj against ours), and time to the exact output, each simulator at
its own best setting (sj against fast).
Each variant runs in its own subprocess, so its peak memory (ru_maxrss, or
torch.cuda.max_memory_allocated on CUDA) is its own. Writes bench/results/snn_speed.md and
bench/results/snn_profile.txt (where our simulation spends its time, on MiniLM).

Bench-only dependency: `pip install spikingjelly==2.0.0` (its requirements include torchvision and
torchaudio, which this benchmark does not use: `pip install --no-deps spikingjelly==2.0.0 loguru`
keeps the installed torch untouched). Without it the `sj` column is skipped.
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path


import torch
from torch import nn

from bench_models import RESULTS, build_model   # the QANNs and batches every simulation benchmark measures


# ---------------------------------------------------------------- SpikingJelly's SpikeZIP-TF recipe

def spikingjelly_snn(qmodel, device):
    "Convert our QANN with SpikingJelly 2.0's `SpikeZIPTFQANNRecipe`, adapting names it looks for."
    import copy
    from spikingjelly.activation_based import functional
    from spikingjelly.activation_based.ann2snn import ModuleConverter, SpikeZIPTFQANNRecipe
    from spikingjelly.activation_based.ann2snn.operators import TDModule
    from spikingjelly.activation_based.ann2snn.recipes.spikezip_qann import SpikeZIPRobertaSelfAttention
    from snn_roberta.quantizer import LSQInteger
    from snn_roberta.quantize import QuantRobertaSelfAttention

    class TDTanh(TDModule):
        "SpikingJelly's temporal-difference operator (accumulate input, emit difference of f) with f = tanh."
        def __init__(self): super().__init__(step_mode='s')
        def ann_forward(self, x): return torch.tanh(x)

    class HFSelfAttention(SpikeZIPRobertaSelfAttention):
        "SpikingJelly's SpikeZIP-TF attention, returning (context, None) as Hugging Face's attention expects."
        def forward(self, hidden_states, attention_mask=None, **kwargs):
            if attention_mask is not None and attention_mask.dtype == torch.bool:   # sdpa-style mask -> additive
                attention_mask = torch.zeros_like(attention_mask, dtype=hidden_states.dtype).masked_fill(
                    ~attention_mask, torch.finfo(hidden_states.dtype).min)
            return super().forward(hidden_states, attention_mask=attention_mask)[0], None

    ann = copy.deepcopy(qmodel).eval()
    for m in ann.modules():
        if isinstance(m, LSQInteger): m.sym = m.signed                       # SpikingJelly's quantizer protocol
        if isinstance(m, QuantRobertaSelfAttention):
            m.after_attn_quan = m.context_quan                               # its name for the context quantizer
            m.all_head_size = m.num_attention_heads * m.attention_head_size
    for name, m in list(ann.named_modules()):
        if isinstance(m, nn.Tanh): ann.set_submodule(name, TDTanh())        # the recipe has no tanh rule
    snn = ModuleConverter(recipe=SpikeZIPTFQANNRecipe(time_steps=512, model_family='roberta'), device=device).convert(ann)
    for m in snn.modules():
        if type(m) is SpikeZIPRobertaSelfAttention: m.__class__ = HFSelfAttention
    leftovers = [n for n, m in snn.named_modules() if isinstance(m, (LSQInteger, nn.Linear, nn.LayerNorm, nn.Embedding, nn.Tanh))
                 and not any(n.startswith(p + '.') for p in _sj_wrapped(snn))]
    if leftovers: raise RuntimeError(f"SpikingJelly's recipe left ANN modules in the SNN: {leftovers[:5]}")
    functional.set_step_mode(snn, 's')
    return snn.eval()


def _sj_wrapped(snn):
    "Names of SpikingJelly modules that legitimately hold a plain nn module inside (embeddings)."
    return [n for n, m in snn.named_modules() if type(m).__name__ == 'SpikeZIPEmbedding']


@torch.no_grad()
def sj_run(snn, inputs, steps):
    "Run the SpikingJelly SNN for `steps` single steps; summed logits."
    from spikingjelly.activation_based import functional
    functional.reset_net(snn)
    logits = 0
    for _ in range(steps): logits = logits + snn(**inputs).logits
    return logits


# ---------------------------------------------------------------- one variant (worker process)

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize(device)


def max_rss_mib(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args):
    "Load the saved QANN and batches, run one variant over all batches, print a JSON line."
    if args.threads: torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    saved = torch.load(args.state, weights_only=False)
    qmodel, batches = saved['qmodel'].to(device).eval(), saved['batches']
    batches = [{k: v.to(device) for k, v in b.items()} for b in batches]
    steps = json.loads(Path(args.steps_file).read_text()) if args.steps_file else None
    from snn_roberta.simulate import simulate
    from snn_roberta.convert import convert_to_snn
    t = time.perf_counter()
    if args.worker == 'qann':
        model = qmodel
        run = lambda i, b: (model(**b).logits, None)
    elif args.worker in ('ours', 'fast'):
        from snn_roberta.config import with_graded_spikes
        m, bias = map(int, args.fast.split(','))
        chunk = args.fast_chunk_steps if args.worker == 'fast' else args.chunk_steps
        model = convert_to_snn(qmodel) if args.worker == 'ours' else convert_to_snn(
            qmodel, with_graded_spikes(qmodel.config.snn_transform_config, max_spikes_per_step=m, bias_steps=bias))
        def run(i, b):
            r = simulate(model, b['input_ids'], b['attention_mask'], b.get('token_type_ids'), max_steps=args.max_steps,
                         **({'chunk_steps': chunk} if chunk else {}))
            return r.logits, (r.total_steps, int(r.steps.max()))
    elif args.worker == 'sj':
        model = spikingjelly_snn(qmodel, device)
        run = lambda i, b: (sj_run(model, b, steps[i]), (steps[i], steps[i]))
    else: raise ValueError(args.worker)
    convert_s = time.perf_counter() - t
    with torch.no_grad():   # warm-up: one short call, untimed
        b = {k: v[:2] for k, v in batches[0].items()}
        if args.worker in ('ours', 'fast'): simulate(model, b['input_ids'], b['attention_mask'], b.get('token_type_ids'), max_steps=16)
        elif args.worker == 'sj': sj_run(model, b, 2)
        else: model(**b)
    if device.type == 'cuda': torch.cuda.reset_peak_memory_stats(device)
    rss_before = max_rss_mib()
    times, cpu, logits, used = [], [], [], []
    with torch.no_grad():
        for i, b in enumerate(batches):
            sync(device); t, c = time.perf_counter(), time.process_time()
            out, s = run(i, b)
            sync(device); times.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
            logits.append(out.float().cpu()); used.append(s)
    logits = torch.cat(logits)
    peak = torch.cuda.max_memory_allocated(device) / 2**20 if device.type == 'cuda' else max_rss_mib()
    print(json.dumps(dict(variant=args.worker, times=times, cpu=cpu, steps=used, predictions=logits.argmax(-1).tolist(),
                          logits=logits.tolist(), peak_mib=peak, loaded_mib=rss_before, convert_s=convert_s,
                          threads=torch.get_num_threads())))


def run_worker(variant, state, args, steps_file=None):
    "Run one variant in a fresh interpreter; its parsed JSON result."
    cmd = [sys.executable, __file__, '--worker', variant, '--state', str(state), '--device', args.device,
           '--max-steps', str(args.max_steps), '--fast', args.fast]
    if args.threads: cmd += ['--threads', str(args.threads)]
    if args.chunk_steps: cmd += ['--chunk-steps', str(args.chunk_steps)]
    cmd += ['--fast-chunk-steps', str(args.fast_chunk_steps)]
    if steps_file: cmd += ['--steps-file', str(steps_file)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode: raise RuntimeError(f"{variant} worker failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- profile of our simulation

def module_timers(snn, device):
    "Forward hooks timing every spiking module by kind (wall time, own time of leaves); returns the totals dict."
    from snn_roberta.neuron import SpikingModule
    from snn_roberta.operators import AccumulateDiff
    totals, start, handles = {}, {}, []
    def kind(m): return f"AccumulateDiff({type(m.fn).__name__})" if isinstance(m, AccumulateDiff) else type(m).__name__
    def pre(m, args):
        sync(device); start[id(m)] = time.perf_counter()
    def post(m, args, out):
        sync(device); k = kind(m); totals[k] = totals.get(k, 0.0) + time.perf_counter() - start.pop(id(m))
    for m in snn.modules():
        if isinstance(m, SpikingModule):
            handles += [m.register_forward_pre_hook(pre), m.register_forward_hook(post)]
    return totals, handles


def profile_ours(qmodel, batch, args, path):
    "Where `simulate` spends its time: by spiking module kind, by torch operator (torch.profiler), by Python function (cProfile)."
    import cProfile, io, pstats
    from torch.profiler import profile, ProfilerActivity
    from snn_roberta.simulate import simulate
    from snn_roberta.convert import convert_to_snn
    device = torch.device(args.device)
    from snn_roberta.config import with_graded_spikes
    fast = args.profile_variant == 'fast'
    m, bias = map(int, args.fast.split(','))
    snn = convert_to_snn(qmodel.to(device), with_graded_spikes(qmodel.config.snn_transform_config, max_spikes_per_step=m,
                                                       bias_steps=bias) if fast else None)
    chunk = args.fast_chunk_steps if fast else args.chunk_steps
    b = {k: v.to(device) for k, v in batch.items()}
    sim = lambda: simulate(snn, b['input_ids'], b['attention_mask'], b.get('token_type_ids'), max_steps=args.max_steps,
                           **({'chunk_steps': chunk} if chunk else {}))
    with torch.no_grad():
        simulate(snn, b['input_ids'][:1], b['attention_mask'][:1], max_steps=16)   # warm-up
        totals, handles = module_timers(snn, device)
        acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == 'cuda' else [])
        pr = cProfile.Profile()
        t = time.perf_counter()
        with profile(activities=acts, record_shapes=False) as prof:
            pr.enable(); r = sim(); pr.disable()
        wall = time.perf_counter() - t
        for h in handles: h.remove()
    sort = 'self_cuda_time_total' if device.type == 'cuda' else 'self_cpu_time_total'
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats('tottime').print_stats(30)
    s2 = io.StringIO(); pstats.Stats(pr, stream=s2).sort_stats('cumulative').print_stats(r'snn_roberta', 25)
    rows = '\n'.join(f"{k:<32} {v:8.2f} s  {100 * v / wall:5.1f} %" for k, v in sorted(totals.items(), key=lambda kv: -kv[1]))
    rest = wall - sum(totals.values())
    setting = (f"the fast setting (m, bias steps = {args.fast}, chunks of {chunk} steps)" if fast else
               f"the default setting (m = 1, bias over `level` steps, chunks of {chunk or 'the default'} steps)")
    text = (f"# Profile of snn_roberta.simulate on MiniLM-L6-ReLU (QANN calibrated on MRPC)\n\n"
            f"`python bench/snn_speed.py {' '.join(sys.argv[1:])}`\n\n"
            f"At {setting}; layer-chunks skipped being quiet: {sum(r.skipped.values())}. One batch of {b['input_ids'].shape[0]} pairs x {b['input_ids'].shape[1]} tokens, {r.total_steps} steps "
            f"simulated (quiet after {int(r.steps.max())}), device {device}, {torch.get_num_threads()} torch threads. "
            f"Profiled run {wall:.2f} s wall (the profilers and timers add some overhead).\n\n"
            f"## Time by spiking module kind (forward hooks, profiled run)\n\n{rows}\n"
            f"{'everything else (HF glue, spike probe, result assembly)':<32} {rest:8.2f} s  {100 * rest / wall:5.1f} %\n\n"
            f"## torch.profiler: operators by self time\n\n{prof.key_averages().table(sort_by=sort, row_limit=30)}\n\n"
            f"## cProfile: functions by own time\n\n{s.getvalue()}\n\n"
            f"## cProfile: snn_roberta functions by cumulative time\n\n{s2.getvalue()}")
    path.write_text(text)
    return prof, wall


# ---------------------------------------------------------------- main

def ratio(a, b): return a / b if b else float('nan')


def bench_model(name, args, tmp):
    t = time.perf_counter()
    qmodel, batches, labels = build_model(name, args)
    state = Path(tmp) / f'{name}.pt'
    torch.save(dict(qmodel=qmodel, batches=batches), state)
    print(f"[{name}] built and calibrated in {time.perf_counter() - t:.1f} s; "
          f"{sum(len(b['input_ids']) for b in batches)} pairs in {len(batches)} batches, "
          f"lengths {[b['input_ids'].shape[1] for b in batches]}", flush=True)
    res = {}
    for v in args.variants:
        if v == 'sj' and 'ours' not in res: raise ValueError("the sj variant runs for the steps of ours: list ours first")
        steps_file = None
        if v == 'sj':
            steps_file = Path(tmp) / f'{name}_steps.json'
            steps_file.write_text(json.dumps([s[0] for s in res['ours']['steps']]))
        t = time.perf_counter()
        res[v] = run_worker(v, state, args, steps_file)
        print(f"[{name}] {v}: {sum(res[v]['times']):.2f} s timed ({time.perf_counter() - t:.1f} s with start-up), "
              f"peak {res[v]['peak_mib']:.0f} MiB", flush=True)
    if args.profile and name == args.profile_model:
        RESULTS.mkdir(parents=True, exist_ok=True)
        if args.threads: torch.set_num_threads(args.threads)
        batch = {k: v[:args.profile_pairs] for k, v in batches[0].items()}
        _, wall = profile_ours(qmodel, batch, args, Path(args.profile_out))
        print(f"[{name}] profile written to {args.profile_out} ({wall:.1f} s)", flush=True)
    return res, labels, batches


def summarize(name, res, labels, batches):
    "One row per model: times (wall and process CPU), ratios, agreement, memory."
    q, o, s = res.get('qann'), res.get('ours'), res.get('sj')
    row = dict(model=name, pairs=len(labels), batches=len(batches), length=max(b['input_ids'].shape[1] for b in batches))
    fa = res.get('fast')
    for key, r in (('qann', q), ('ours', o), ('sj', s), ('fast', fa)):
        if r: row.update({f'{key}_s': sum(r['times']), f'{key}_s_cpu': sum(r['cpu']), f'{key}_mib': r['peak_mib']})
    if q: row['loaded_mib'] = q['loaded_mib']
    if o:
        row['steps'], row['quiet'] = [st[0] for st in o['steps']], [st[1] for st in o['steps']]
        if q:
            row['ours_eq_qann'] = sum(a == b for a, b in zip(o['predictions'], q['predictions']))
            row['ours_qann_max_logit_diff'] = max(abs(x - y) for a, b in zip(o['logits'], q['logits']) for x, y in zip(a, b))
            row['flip_margins'] = [sorted(l)[-1] - sorted(l)[-2] for l, a, b in zip(q['logits'], o['predictions'], q['predictions'])
                                   if a != b]   # QANN's top-1 minus top-2 logit where ours predicts otherwise
            for clock in ('times', 'cpu'):
                c = '' if clock == 'times' else '_cpu'
                per_step = sum(st * qt for st, qt in zip(row['steps'], q[clock]))
                per_quiet = sum(st * qt for st, qt in zip(row['quiet'], q[clock]))
                row[f'ours_vs_qann{c}'] = ratio(sum(o[clock]), sum(q[clock]))
                row[f'ours_vs_steps_qann{c}'] = ratio(sum(o[clock]), per_step)
                row[f'ours_vs_quiet_qann{c}'] = ratio(sum(o[clock]), per_quiet)
    if fa:
        row['fast_steps'], row['fast_quiet'] = [st[0] for st in fa['steps']], [st[1] for st in fa['steps']]
        if q:
            row['fast_eq_qann'] = sum(a == b for a, b in zip(fa['predictions'], q['predictions']))
            row['fast_vs_qann'], row['fast_vs_qann_cpu'] = ratio(sum(fa['times']), sum(q['times'])), ratio(sum(fa['cpu']), sum(q['cpu']))
        if s: row['sj_vs_fast'], row['sj_vs_fast_cpu'] = ratio(sum(s['times']), sum(fa['times'])), ratio(sum(s['cpu']), sum(fa['cpu']))
        if o: row['ours_vs_fast'], row['ours_vs_fast_cpu'] = ratio(sum(o['times']), sum(fa['times'])), ratio(sum(o['cpu']), sum(fa['cpu']))
    if s and q: row['sj_eq_qann'] = sum(a == b for a, b in zip(s['predictions'], q['predictions']))
    if s and o:
        row['sj_vs_ours'], row['sj_vs_ours_cpu'] = ratio(sum(s['times']), sum(o['times'])), ratio(sum(s['cpu']), sum(o['cpu']))
        row['sj_eq_ours'] = sum(a == b for a, b in zip(s['predictions'], o['predictions']))
        row['sj_max_logit_diff'] = max(abs(x - y) for a, b in zip(s['logits'], o['logits']) for x, y in zip(a, b))
    return row


def markdown(rows, args, env):
    f = lambda v, p=2: '—' if v is None else (f"{v:.{p}f}" if isinstance(v, float) else str(v))
    both = lambda r, k, p=2: f"{f(r.get(k), p)} ({f(r.get(k + '_cpu'), p)})"
    lines = ["# SNN speed benchmark", "", f"`python bench/snn_speed.py {' '.join(sys.argv[1:])}`  ", env, "",
             "Times in seconds, wall clock (process CPU time in brackets). Ratios likewise.", "",
             "| model | pairs (batches, longest) | steps simulated (quiet) | QANN | ours | SpikingJelly | ours/QANN | ours/(steps×QANN) | ours/(quiet steps×QANN) | SJ/ours | same predictions: ours=QANN, SJ=QANN, SJ=ours | peak MiB QANN / ours / SJ |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        steps = f"{'+'.join(map(str, r['steps']))} ({'+'.join(map(str, r['quiet']))})" if 'steps' in r else '—'
        n = r['pairs']
        lines.append(f"| {r['model']} | {n} ({r['batches']}, {r['length']}) | {steps} | {both(r, 'qann_s', 3)} | {both(r, 'ours_s', 1)} "
                     f"| {both(r, 'sj_s', 1)} | {both(r, 'ours_vs_qann', 1)} | {both(r, 'ours_vs_steps_qann')} "
                     f"| {both(r, 'ours_vs_quiet_qann')} | {both(r, 'sj_vs_ours')} "
                     f"| {r.get('ours_eq_qann', '—')}/{n}, {r.get('sj_eq_qann', '—')}/{n}, {r.get('sj_eq_ours', '—')}/{n} "
                     f"| {f(r.get('qann_mib'), 0)} / {f(r.get('ours_mib'), 0)} / {f(r.get('sj_mib'), 0)} |")
    lines += ["", "- Steps simulated: per batch, the steps `simulate` ran (it stops after the first chunk of "
              "`chunk_steps` steps whose last step is silent); SpikingJelly runs exactly as many steps per batch. "
              "Quiet: per batch, the step after which no neuron of any example spiked (at least the 32 bias steps).",
              "- ours/(steps×QANN) = our time / Σ over batches of (steps simulated × the QANN's time on that batch).",
              "- Peak memory: each variant in its own process; peak RSS on CPU (includes the interpreter, torch and "
              "the model: RSS after loading is given below), torch.cuda.max_memory_allocated on CUDA."]
    if any('fast_s' in r for r in rows):
        lines += ["", f"## Time to the exact output, each simulator at its own best setting", "",
                  f"ours: graded spikes and bias schedule `--fast {args.fast}` (max_spikes_per_step, bias_steps), chunks of "
                  f"{args.fast_chunk_steps} steps, simulated to "
                  "quiescence; SpikingJelly: its recipe for the steps its one-spike neurons need (the SJ column above).", "",
                  "| model | steps simulated (quiet), fast | fast s | SpikingJelly s | SJ/fast | ours (m = 1)/fast | fast/QANN (QANN forwards) | same predictions fast=QANN | peak MiB fast / ours / SJ |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            if 'fast_s' not in r: continue
            steps = f"{'+'.join(map(str, r['fast_steps']))} ({'+'.join(map(str, r['fast_quiet']))})"
            lines.append(f"| {r['model']} | {steps} | {both(r, 'fast_s', 2)} | {both(r, 'sj_s', 1)} | {both(r, 'sj_vs_fast', 1)} "
                         f"| {both(r, 'ours_vs_fast', 1)} | {both(r, 'fast_vs_qann', 1)} | {r.get('fast_eq_qann', '—')}/{r['pairs']} "
                         f"| {f(r.get('fast_mib'), 0)} / {f(r.get('ours_mib'), 0)} / {f(r.get('sj_mib'), 0)} |")
        lines.append("")
    for r in rows:
        if 'loaded_mib' in r: lines.append(f"- {r['model']}: RSS after loading the QANN {r['loaded_mib']:.0f} MiB; max |ours − QANN| "
                                           f"logit {f(r.get('ours_qann_max_logit_diff'), 6)}, max |SJ − ours| logit "
                                           f"{f(r.get('sj_max_logit_diff'), 6)}; QANN logit margin where ours predicts "
                                           f"differently: {[round(m, 6) for m in r.get('flip_margins', [])]}")
    return '\n'.join(lines) + '\n'


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--device', default='cpu')
    p.add_argument('--quick', action='store_true', help='fewer pairs (tiny 16, MiniLM 4), batches of 8, fewer calibration pairs')
    p.add_argument('--pairs', type=int, default=None, help='MRPC dev pairs for every model (default: tiny 64, MiniLM 8)')
    p.add_argument('--profile-pairs', type=int, default=4, help='pairs in the profiled MiniLM batch')
    p.add_argument('--batch-size', type=int, default=None, help='default 16, quick 8')
    p.add_argument('--models', nargs='+', default=['tiny', 'minilm'])
    p.add_argument('--variants', nargs='*', default=['qann', 'ours', 'fast', 'sj'])
    p.add_argument('--fast', default='8,1', help="the fast variant's 'max_spikes_per_step,bias_steps'")
    p.add_argument('--fast-chunk-steps', type=int, default=4, help="the fast variant's chunk_steps (it is quiet within a few steps)")
    p.add_argument('--threads', type=int, default=None, help='torch threads in every variant (default: torch default)')
    p.add_argument('--max-steps', type=int, default=512)
    p.add_argument('--chunk-steps', type=int, default=None, help="simulate's chunk_steps (default: simulate's default)")
    p.add_argument('--no-profile', dest='profile', action='store_false')
    p.add_argument('--profile-model', default='minilm')
    p.add_argument('--profile-variant', default='ours', choices=['ours', 'fast'], help="profile the m = 1 run or the fast one")
    p.add_argument('--out', default=str(RESULTS / 'snn_speed.md'))
    p.add_argument('--profile-out', default=str(RESULTS / 'snn_profile.txt'))
    p.add_argument('--worker', help=argparse.SUPPRESS); p.add_argument('--state', help=argparse.SUPPRESS)
    p.add_argument('--steps-file', help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker: return worker(args)
    default = dict(tiny=16, minilm=4) if args.quick else dict(tiny=64, minilm=8)   # MiniLM: ~1 s per step and batch of 8 here
    args.pairs = {m: args.pairs or default.get(m, 8) for m in args.models}
    args.batch_size = args.batch_size or (8 if args.quick else 16)
    if 'sj' in args.variants:
        try: import spikingjelly  # noqa: F401
        except ImportError:
            print("spikingjelly is not installed (pip install --no-deps spikingjelly==2.0.0 loguru): skipping sj")
            args.variants = [v for v in args.variants if v != 'sj']
    if args.threads: torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models:
            res, labels, batches = bench_model(name, args, tmp)
            rows.append(summarize(name, res, labels, batches))
    import platform, transformers
    sj_version = None
    try: import spikingjelly; sj_version = getattr(spikingjelly, '__version__', '2.0.0')
    except ImportError: pass
    env = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, device {args.device}, "
           f"{args.threads or torch.get_num_threads()} torch threads; torch {torch.__version__}, transformers "
           f"{transformers.__version__}, spikingjelly {sj_version}; batch {args.batch_size}; "
           f"{time.strftime('%Y-%m-%d %H:%M')}; whole run {time.perf_counter() - t0:.0f} s")
    md = markdown(rows, args, env)
    print('\n' + md)
    nan = float('nan')
    for r in rows:
        print(f"{r['model']}: SNN/QANN time {r.get('ours_vs_qann', nan):.1f}x, "
              f"SNN/(steps x QANN) {r.get('ours_vs_steps_qann', nan):.2f} (cpu {r.get('ours_vs_steps_qann_cpu', nan):.2f}; goal <= 1.2), "
              f"SpikingJelly/ours {r.get('sj_vs_ours', nan):.2f} (cpu {r.get('sj_vs_ours_cpu', nan):.2f}; goal >= 3), "
              f"time to exact SpikingJelly/fast {r.get('sj_vs_fast', nan):.1f} (cpu {r.get('sj_vs_fast_cpu', nan):.1f}; goal >= 8)")
    out = Path(args.out); out.parent.mkdir(parents=True, exist_ok=True); out.write_text(md)


if __name__ == '__main__':
    main()
