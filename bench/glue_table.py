"""Collect the runs of bench/glue_minilm.sh into bench/results/glue_minilm.json (one record per task) and render
bench/results/glue_minilm.md from it: MiniLM-L6 on every GLUE task with a training split (float, per-channel QANN
fine-tuned, SNN simulated with the fast recipe), each against its floor and the goal of issue 20, the published spiking
language models beside it, and every command with its wall time. Rerun at any time: unfinished tasks show as such.

    python bench/glue_table.py [--runs bench/runs/glue_v2] [--out bench/results/glue_minilm]
"""
import argparse, dataclasses, json, re
from pathlib import Path
from snn_roberta.glue import default_glue_dir, glue_floor, load_glue
from snn_roberta.finetune_all import MINILM_RECIPES
from per_channel_table import times   # the same plan_times*.txt logs

ROOT = Path(__file__).resolve().parents[1]
TASKS = ("stsb", "mrpc", "sst2", "rte", "cola", "wnli")
NAMES = {"cola": "CoLA", "sst2": "SST-2", "mrpc": "MRPC", "stsb": "STS-B", "rte": "RTE", "wnli": "WNLI"}
# the headline metric of each task (what the goal is stated in), then the second one GLUE reports where it has two
METRICS = {"cola": ("matthews_correlation",), "sst2": ("accuracy",), "mrpc": ("f1", "accuracy"),
           "stsb": ("pearson", "spearmanr"), "rte": ("accuracy",), "wnli": ("accuracy",)}
GOALS = {"sst2": "≥ 0.913", "mrpc": "F1 ≥ 0.881, acc ≥ 0.84", "stsb": "≥ 0.85", "rte": "≥ 0.69", "cola": "≥ 0.40",
         "wnli": "above the floor"}
# Published spiking language models, GLUE dev, ×100 as printed in each paper (references, not same-setting comparisons)
PUBLISHED = [("SpikeLM (Xing et al., ICML 2024, arXiv:2406.03287)", {"mrpc": 78.7, "sst2": 86.5, "rte": 65.3, "stsb": 84.3}),
             ("Sorbet (Tang, Yan & Wong, ICML 2025, arXiv:2409.15298)", {"mrpc": 79.9, "sst2": 90.4, "rte": 60.3, "stsb": 78.1}),
             ("SpikingBERT (Bal & Sengupta, AAAI 2024, arXiv:2308.10873)", {"sst2": 88.2, "rte": 66.1})]


def results(d):
    f = Path(d)/"eval_results.json"
    return json.loads(f.read_text()) if f.exists() else {}


def record(runs:Path, task:str, t:dict) -> dict|None:
    "One task's record, or None if the task has no folder in `runs`."
    if not (runs/task).exists(): return None
    fl, qa, sn = (results(runs/task/s) for s in ("float", "qann", "snn"))
    model = runs/task/"model"/"config.json"
    cfg = json.loads(model.read_text()) if model.exists() else {}
    head = METRICS[task][0]
    dev = load_glue(task, default_glue_dir())["validation"]["label"]
    floor = glue_floor(task, dev)
    minutes = {s: round(t[f"{task}.{s}"][2] / 60, 1) for s in ("model", "float", "qann", "snn") if f"{task}.{s}" in t}
    rec = dict(task=task, metric=head, dev_examples=len(dev), floor=floor.get(head), float=fl.get(f"eval_{head}"), qann=qa.get(f"eval_{head}"),
               snn=sn.get(f"eval_{head}") if "eval_snn_agreement" in sn else None,
               snn_examples=sn.get("eval_samples") if "eval_snn_agreement" in sn else None,
               qann_on_snn_examples=sn.get(f"eval_qann_{head}"), floor_on_snn_examples=sn.get(f"eval_floor_{head}"),
               snn_mean_steps=sn.get("eval_snn_mean_steps"), snn_max_steps=sn.get("eval_snn_max_steps"),
               snn_mean_decision_step=sn.get("eval_snn_mean_decision_step"), minutes=minutes,
               second={m: {k: r.get(f"eval_{m}") for k, r in (("float", fl), ("qann", qa), ("snn", sn))}
                       for m in METRICS[task][1:]},
               model={"kind": "GELU" if cfg.get("hidden_act", "").startswith("gelu") else cfg.get("hidden_act"),
                      "pooling": cfg.get("pooling", "cls"), "siamese": cfg.get("siamese", False)},
               recipe=dataclasses.asdict(MINILM_RECIPES[task]),
               commands={s: (runs/task/s/"recipe.txt").read_text().strip() for s in ("model", "float", "qann", "snn")
                         if (runs/task/s/"recipe.txt").exists()})
    if task == "stsb": rec["snn_max_score_diff"] = sn.get("eval_snn_max_score_diff")
    else: rec["snn_agreement"] = sn.get("eval_snn_agreement")
    rec["snn_max_logit_diff"] = sn.get("eval_snn_max_logit_diff")
    return rec


def fmt(v, d=3): return "" if v is None else f"{v:.{d}f}"


def row(r:dict) -> str:
    second = "".join(f" ({m} {fmt(v['float'])} / {fmt(v['qann'])})" for m, v in r["second"].items() if v["qann"] is not None)
    same = (f"max \\|Δscore\\| {r['snn_max_score_diff']:.1e}" if r.get("snn_max_score_diff") is not None else
            f"{r['snn_agreement']:.3f}" if r.get("snn_agreement") is not None else "")
    head = "siamese, mean" if r["model"]["siamese"] else r["model"]["pooling"]
    mins = " / ".join(str(r["minutes"].get(s, "–")) for s in ("float", "qann", "snn"))
    n = f"all {r['snn_examples']}" if r["snn_examples"] == r.get("dev_examples") else f"the first {r['snn_examples']}"
    snn = f"{fmt(r['snn'])} on {n} (QANN {fmt(r['qann_on_snn_examples'])}, floor {fmt(r['floor_on_snn_examples'])})" \
        if r["snn"] is not None else ""
    qann = f"**{fmt(r['qann'])}**" if r["qann"] is not None else "not run yet"
    return (f"| {NAMES[r['task']]} | {r['metric']} | {head} | {fmt(r['floor'])} | {fmt(r['float'])} | {qann} "
            f"| {GOALS[r['task']]} | {snn} | {same} | {fmt(r['snn_mean_steps'], 1)} | {mins} |{second}")


def paths_side_by_side(paths:dict) -> list:
    "Markdown lines: the same task through each path (label -> runs folder), accuracy, steps, spikes and energy."
    out = []
    for task in TASKS:
        # each path's SNN runs (snn/, and earlier ones kept beside it as snn*/), by examples simulated: the two paths
        # are set side by side on the same examples, the most both have
        kept = lambda runs: [d for d in sorted((runs/task).glob("snn*"), reverse=True)
                             if re.fullmatch(r"snn(\d+_.*)?", d.name)]
        runs_of = {label: {r["eval_samples"]: r for r in map(results, kept(runs)) if "eval_snn_agreement" in r}
                   for label, runs in paths.items()}   # snn/ last, so it wins over a kept snapshot of as many examples
        common = set.intersection(*(set(v) for v in runs_of.values())) if runs_of else set()
        if not common: continue
        found = {label: v[max(common)] for label, v in runs_of.items()}
        head = METRICS[task][0]
        for label, r in found.items():
            q, f = results(paths[label]/task/"qann"), results(paths[label]/task/"float")
            out.append(f"| {NAMES[task]} | {label} | {fmt(f.get(f'eval_{head}'))} | {fmt(q.get(f'eval_{head}'))} "
                       f"| {fmt(r[f'eval_{head}'])} on {r['eval_samples']} | {fmt(r['eval_snn_mean_steps'], 1)} "
                       f"| {fmt(r['eval_snn_firing_rate'], 2)} | {r['eval_snn_ac'] / 1e6:.0f} | {r['eval_snn_mac'] / 1e6:.0f} "
                       f"| {r['eval_ann_mac'] / 1e6:.0f} | {r['eval_snn_energy_uj']:.0f} | {r['eval_snn_energy_ratio']:.2f} |")
    if not out: return []
    return ["## The two paths side by side: GELU converted as it is, or swapped for ReLU", "",
            "The same task, recipe and commands with `KIND=minilm` (GELU, an accumulate-and-difference operator) and "
            "`KIND=minilm-relu` (ReLU, which the neuron absorbs). Per example, over the simulated dev examples: "
            "ACs are the spike-driven accumulates, MACs the multiply-accumulates the SNN still does (operators such as "
            "LayerNorm, softmax and GELU evaluate their function at every step), energy the 45 nm estimate of both "
            "(arithmetic only) and its ratio to the float network's.", "",
            "| task | path | float | QANN | SNN | mean steps | spikes / neuron / step | SNN ACs (M) | SNN MACs (M) "
            "| float MACs (M) | SNN energy (µJ) | SNN / float energy |", "|---|---|---|---|---|---|---|---|---|---|---|---|",
            *out, ""]


def markdown(recs:list, runs:Path, t:dict, machine:str, paths:dict|None=None) -> str:
    head = ("| task | metric | head | floor | float | QANN (fine-tuned, or calibrated where the recipe trains 0 epochs) | goal | SNN on the first n dev examples (all, where the dev set is smaller) | SNN = QANN "
            "| SNN mean steps | minutes float / QANN / SNN |\n|---|---|---|---|---|---|---|---|---|---|---|")
    ours = {r["task"]: r["qann"] for r in recs}
    pub_head = "| model | MRPC | SST-2 | STS-B | RTE | CoLA | WNLI |\n|---|---|---|---|---|---|---|"
    pub = [f"| {name} | " + " | ".join(fmt(s.get(k), 1) for k in ("mrpc", "sst2", "stsb", "rte", "cola", "wnli")) + " |"
           for name, s in PUBLISHED]
    pub.append("| **ours**: MiniLM-L6 (22.7M parameters), SNN = its QANN (this table; MRPC is F1) | "
               + " | ".join(fmt(100 * ours[k], 1) if ours.get(k) is not None else "" for k in
                            ("mrpc", "sst2", "stsb", "rte", "cola", "wnli")) + " |")
    cmds = [f"- {step} ({start} UTC, {sec / 60:.1f} min, exit {rc}): `{c}`" for step, (start, c, sec, rc) in
            sorted(t.items(), key=lambda kv: kv[1][0])]
    settings = (runs/"settings.txt").read_text().strip() if (runs/"settings.txt").exists() else ""
    return "\n".join([
        "# GLUE: MiniLM-L6 on every task with a training split, SNN = QANN", "",
        f"Made by `bash bench/glue_minilm.sh` then `python bench/glue_table.py` (records in `glue_minilm.json`). Machine: "
        f"{machine}. Settings: `{settings}`. Each task's recipe (pooling, training examples, epochs, learning rates) is its "
        "`snn_roberta.finetune_all.MINILM_RECIPES` entry, repeated in the record with the command of each stage. Float and QANN are scored on the whole dev set; the SNN "
        "is the fine-tuned QANN converted with the fast per-channel recipe and simulated on the first n dev examples (n stated in each row: 500, or the whole dev set where it has fewer, with SNN_N=500). MRPC's "
        "headline is F1 (accuracy in brackets), STS-B's Pearson (Spearman in brackets). *SNN = QANN*: the share of "
        "predictions equal to the QANN's (STS-B: the largest difference of the scores).", "",
        head, *[row(r) for r in recs], "",
        "## Beside the published spiking language models", "",
        "GLUE dev scores as each paper prints them (×100): references, not same-setting comparisons (other model sizes, "
        "training budgets and spike schemes). Ours is the fine-tuned QANN on the whole dev set, which the SNN reproduces "
        "(checked on the simulated examples above).", "", pub_head, *pub, "",
        *paths_side_by_side(paths or {}),
        "## Commands and wall times", "", *cmds, ""])


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", default=str(ROOT/"bench"/"runs"/"glue_v2"))
    p.add_argument("--out", default=str(ROOT/"bench"/"results"/"glue_minilm"), help="written as OUT.json and OUT.md")
    p.add_argument("--machine", default="x86_64, 2 CPU cores, two lanes of tasks side by side, 1 torch thread each "
                   "(the cores also served other work)")
    p.add_argument("--relu_runs", default=str(ROOT/"bench"/"runs"/"glue_relu"),
                   help="runs of KIND=minilm-relu bash bench/glue_minilm.sh, set beside the GELU ones where both exist")
    args = p.parse_args()
    runs, t = Path(args.runs), times(Path(args.runs))
    recs = [r for r in (record(runs, task, t) for task in TASKS) if r is not None]
    Path(args.out + ".json").write_text(json.dumps(recs, indent=1) + "\n")
    text = markdown(recs, runs, t, args.machine, {"GELU (minilm)": runs, "ReLU (minilm-relu)": Path(args.relu_runs)})
    Path(args.out + ".md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
