"""Collect the runs of bench/glue_minilm.sh into bench/results/glue_minilm.md: MiniLM-L6-ReLU on every GLUE task
with a training split here (float, per-channel QANN fine-tuned, SNN simulated), the published spiking BERTs beside it,
and every command with its wall time. Rerun at any time: a task still running shows what has finished.

    python bench/glue_table.py [--runs bench/runs/glue] [--out bench/results/glue_minilm.md]
"""
import argparse, json
from pathlib import Path
from snn_roberta.glue import default_glue_dir, glue_floor, load_glue
from per_channel_table import times   # the same plan_times*.txt logs

ROOT = Path(__file__).resolve().parents[1]
TASKS = ("cola", "sst2", "mrpc", "stsb", "rte", "wnli")
NAMES = {"cola": "CoLA", "sst2": "SST-2", "mrpc": "MRPC", "stsb": "STS-B", "rte": "RTE", "wnli": "WNLI"}
# (metric key, shown as): the task's headline metric, then a second one where GLUE reports two
METRICS = {"cola": [("matthews_correlation", "Matthews corr.")], "sst2": [("accuracy", "accuracy")],
           "mrpc": [("accuracy", "accuracy"), ("f1", "F1")], "stsb": [("pearson", "Pearson"), ("spearmanr", "Spearman")],
           "rte": [("accuracy", "accuracy")], "wnli": [("accuracy", "accuracy")]}
# Published spiking language models, GLUE dev, ×100 as printed in each paper (references, not same-setting comparisons)
PUBLISHED = [("SpikeLM (Xing et al., ICML 2024, arXiv:2406.03287)", {"mrpc": 78.7, "sst2": 86.5, "rte": 65.3, "stsb": 84.3}),
             ("Sorbet (Tang, Yan & Wong, ICML 2025, arXiv:2409.15298)", {"mrpc": 79.9, "sst2": 90.4, "rte": 60.3, "stsb": 78.1}),
             ("SpikingBERT (Bal & Sengupta, AAAI 2024, arXiv:2308.10873)", {"sst2": 88.2, "rte": 66.1})]


def load(d):
    f = Path(d)/"eval_results.json"
    return json.loads(f.read_text()) if f.exists() else None


def fmt(v, d=3): return "" if v is None else f"{v:.{d}f}"


def cell(r, task, prefix=""):
    "The task's metrics in `r` (`eval_{prefix}{key}`), joined by ' / '."
    if r is None: return ""
    vals = [r.get(f"eval_{prefix}{k}") for k, _ in METRICS[task]]
    return "" if all(v is None for v in vals) else " / ".join(fmt(v) for v in vals)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", default=str(ROOT/"bench"/"runs"/"glue"))
    p.add_argument("--out", default=str(ROOT/"bench"/"results"/"glue_minilm.md"))
    p.add_argument("--machine", default="x86_64, 2 CPU cores, two lanes of tasks side by side, 1 torch thread each "
                   "(the cores also served other work)")
    args = p.parse_args()
    runs, t = Path(args.runs), times(Path(args.runs))
    mins = lambda step: f"{t[step][2] / 60:.1f}" if step in t else ""
    rows, ours = [], {}
    for task in TASKS:
        fl, qa, sn = (load(runs/task/s) for s in ("float", "qann", "snn"))
        if not (runs/task).exists(): continue   # a task this run did not include
        floor = {f"eval_floor_{k}": v for k, v in glue_floor(task, load_glue(task, default_glue_dir())["validation"]["label"]).items()}
        if sn and "eval_snn_agreement" in sn:
            if task == "stsb": same = f"max / mean \\|Δscore\\| {sn['eval_snn_max_score_diff']:.1e} / {sn['eval_snn_mean_score_diff']:.1e}"
            else: same = f"{sn['eval_snn_agreement']:.3f} (max \\|Δlogit\\| {sn['eval_snn_max_logit_diff']:.1e})"
            steps = f"{sn['eval_snn_mean_steps']:.1f} / {sn['eval_snn_max_steps']}"
            n_snn, decided = sn["eval_samples"], fmt(sn.get("eval_snn_mean_decision_step"), 1)
        else: same = steps = n_snn = decided = ""
        if qa: ours[task] = qa.get(f"eval_{METRICS[task][0][0]}")
        rows.append(f"| {NAMES[task]} | {' / '.join(n for _, n in METRICS[task])} | {cell(floor, task, 'floor_')} "
                    f"| {cell(fl, task)} | {cell(qa, task)} | {n_snn} | {cell(sn, task, 'floor_')} | {cell(sn, task, 'qann_')} | {cell(sn, task)} | {same} "
                    f"| {steps} | {decided} | {' / '.join(mins(f'{task}.{s}') or '–' for s in ('float', 'qann', 'snn'))} |")
    head = ("| task | metric | floor (all dev) | float ReLU (all dev) | QANN per-channel, fine-tuned (all dev) | SNN examples "
            "| floor on them | QANN on them | SNN on them | SNN = QANN | SNN steps mean / max | decided after (mean) | minutes float / QANN / SNN |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    pub_head = ("| model | MRPC | SST-2 | STS-B | RTE | CoLA | WNLI |\n|---|---|---|---|---|---|---|")
    pub = [f"| {name} | " + " | ".join(fmt(s.get(k), 1) if k in s else "" for k in ("mrpc", "sst2", "stsb", "rte", "cola", "wnli")) + " |"
           for name, s in PUBLISHED]
    pub.append("| **ours**: MiniLM-L6-ReLU (22.7M parameters), SNN = its per-channel QANN (this table) | "
               + " | ".join(fmt(100 * ours[k], 1) if ours.get(k) is not None else "" for k in ("mrpc", "sst2", "stsb", "rte", "cola", "wnli")) + " |")
    cmds = [f"- {step} ({start} UTC, {sec / 60:.1f} min, exit {rc}): `{c}`" for step, (start, c, sec, rc) in
            sorted(t.items(), key=lambda kv: kv[1][0])]
    text = "\n".join([
        "# GLUE beyond MRPC: MiniLM-L6-ReLU on every task with a training split (CPU)", "",
        f"Made by `bash bench/glue_minilm.sh` then `python bench/glue_table.py`. Machine: {args.machine}. The script's",
        "defaults are one recipe for every task, a stated CPU subset rather than a tuned run: all-MiniLM-L6-v2 with GELU",
        "swapped for ReLU (`snn-make-model --kind minilm-relu`, no distillation); float model fine-tuned 2 epochs on the first",
        "6,000 training examples (all of them for MRPC, RTE and WNLI), lr 5e-5, batch 32; per-channel QANN",
        "(`bert_transform_cfg_per_channel.yaml`) calibrated on 8 training batches and fine-tuned 1 epoch at lr 2e-5; float and",
        "QANN scored on the whole dev set; the SNN converted from the fine-tuned QANN and simulated in float64 on the first",
        "dev examples (simulation is the CPU's bottleneck). The settings line below says what this run changed. MRPC cells",
        "are accuracy / F1, STS-B cells Pearson / Spearman; *SNN = QANN* is the share of predictions equal to the QANN's (for",
        "STS-B, the largest and mean difference of the scores). *decided after*: the step after which the running prediction",
        "no longer changes.", "", *([f"Settings of this run (`recipe.txt`): `{(runs/'recipe.txt').read_text().strip()}`", ""]
                            if (runs/"recipe.txt").exists() else []), head, *rows, "",
        "## Beside the published spiking language models", "",
        "GLUE dev scores as each paper prints them (×100). They are references, not same-setting comparisons: other model",
        "sizes, training budgets and spike schemes (SpikeLM and SpikingBERT train spiking networks directly; Sorbet distils",
        "into a binary-weight spiking model), and each paper's own reading of MRPC (accuracy or F1). Ours is the fine-tuned",
        "per-channel QANN on the whole dev set, which the SNN reproduces exactly (checked on the subset above: every",
        "prediction equal).", "", pub_head, *pub, "",
        "## Commands and wall times", "", *cmds, ""])
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
