"""MRPC dev results of the whole pipeline, through the same command line users run (`snn-run-glue`).

For each model (a tiny random-init ReLU RoBERTa, and MiniLM-L6 with ReLU) the steps are the tutorial's:
  1. fine-tune the float ReLU model;
  2. transform it (quantize): evaluate uncalibrated (s = 1), then calibrated, without fine-tuning;
  3. fine-tune the QANN (calibrated first);
  4. convert the fine-tuned QANN to an SNN and simulate it on (part of) the dev set.
Every step is one `snn-run-glue ...` process (this checkout first on the path); its command, log and time are kept. The table is
rewritten after every step into bench/results/mrpc_results.md, so a long run can be read while it goes.

    python bench/results_table.py                       # the full table (hours on a 2-core CPU)
    python bench/results_table.py --models tiny --float_epochs 1 --qann_epochs 1 --max_train_samples 500
    python bench/results_table.py --models minilm,tiny --float_epochs minilm=5,tiny=1 --float_lr minilm=1.5e-4,tiny=5e-4 \
        --qann_epochs minilm=2,tiny=1 --qann_lr minilm=3e-5,tiny=2e-5 --max_train_samples tiny=1000 \
        --snn_eval_samples minilm=16,tiny=32 --threads 1       # about an hour on a 2-core CPU shared with other work
"""
import argparse, json, os, shlex, subprocess, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIGS = {"tiny": REPO/"snn_roberta"/"configs"/"transform_cfg.yaml",
           "minilm": REPO/"snn_roberta"/"configs"/"bert_transform_cfg.yaml"}
KINDS = {"tiny": "tiny-roberta", "minilm": "minilm-relu"}
NAMES = {"tiny": "tiny RoBERTa (2 layers, hidden 64, random init)", "minilm": "MiniLM-L6-ReLU (all-MiniLM-L6-v2, GELU→ReLU)"}
TOOLS = {"snn-run-glue": "import sys; from snn_roberta.run_glue import main; sys.argv[0] = 'snn-run-glue'; main()",
         "snn-make-model": "import sys; from snn_roberta.make_model_cli import make_model_main; make_model_main()"}
FLOOR = {"accuracy": 0.684, "f1": 0.812}  # MRPC dev is 68.4% positive: predicting "equivalent" everywhere


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="tiny,minilm", help="comma-separated: tiny, minilm")
    p.add_argument("--work_dir", default=str(REPO/"bench"/"runs"), help="models, run folders and logs (git-ignored: runs/)")
    p.add_argument("--out", default=str(REPO/"bench"/"results"/"mrpc_results.md"))
    p.add_argument("--float_epochs", default="3", help="epochs of the float fine-tune, e.g. 'tiny=1,minilm=2'")
    p.add_argument("--qann_epochs", default="3", help="epochs of the QANN fine-tune, per model")
    p.add_argument("--warmup", type=float, default=0.1, help="--warmup_steps of both fine-tunes (a ratio when < 1)")
    p.add_argument("--float_lr", default="tiny=5e-4,minilm=1e-4", help="learning rate of the float fine-tune, per model")
    p.add_argument("--qann_lr", default="tiny=2e-5,minilm=2e-5", help="learning rate of the QANN fine-tune, per model")
    p.add_argument("--batch_size", type=int, default=32)
    p.add_argument("--max_train_samples", default=None, help="fine-tune on the first N training pairs, e.g. 'tiny=1000,minilm=2400'")
    p.add_argument("--max_eval_samples", type=int, default=None, help="evaluate float/QANN on the first N dev pairs")
    p.add_argument("--snn_eval_samples", default="tiny=64,minilm=32", help="dev pairs the SNN is simulated on, per model")
    p.add_argument("--snn_dtype", default="float64", choices=["float64", "float32"])
    p.add_argument("--threads", type=int, default=None, help="OMP_NUM_THREADS for the runs (1 is fastest on a busy machine)")
    p.add_argument("--skip_existing", action="store_true", help="reuse a step whose eval_results.json exists")
    p.add_argument("--snn_batch_size", type=int, default=16, help="dev pairs simulated together")
    p.add_argument("--distill_tasks", default="", help="minilm: distil the GELU original into the ReLU model on these "
                   "GLUE tasks' training text first (snn-make-model --distill_tasks), e.g. 'mrpc,sst2'")
    p.add_argument("--distill_epochs", type=int, default=1)
    p.add_argument("--distill_lr", type=float, default=1e-4)
    p.add_argument("--distill_batch_size", type=int, default=64)
    p.add_argument("--max_distill_samples", type=int, default=None, help="distil on the first N texts only (quick runs)")
    p.add_argument("--gelu_reference", action="store_true", help="minilm: also fine-tune the GELU original with the "
                   "float recipe, as a reference row (it cannot be converted: the transform needs ReLU)")
    p.add_argument("--qann_teacher", action="store_true", help="fine-tune the QANN with the float model as teacher "
                   "(--teacher_model_path: KL on logits + hidden states)")
    p.add_argument("--label", default="", help="added to the model name in every row, e.g. the recipe")
    p.add_argument("--combine", nargs="+", default=None, metavar="JSON",
                   help="do not run anything: render the rows of earlier runs (the .json beside each table) into --out")
    return p.parse_args(argv)


def per_model(spec, model, cast=str):
    "'tiny=5e-4,minilm=1e-4' -> the value for `model` (a bare value applies to all)."
    values = dict(item.split("=", 1) if "=" in item else ("*", item) for item in spec.split(","))
    return cast(values.get(model, values.get("*")))


class Bench:
    def __init__(self, args):
        self.args, self.work, self.out = args, Path(args.work_dir), Path(args.out)
        self.rows, self.commands, self.started = [], [], time.strftime("%Y-%m-%d %H:%M")
        self.runs = None  # set by --combine: the runs whose rows are shown
        import torch
        self.device = (f"CUDA ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available()
                       else f"CPU ({os.cpu_count()} cores)")
        self.env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                    "TOKENIZERS_PARALLELISM": "false", "MPLBACKEND": "Agg",
                    "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
        if args.threads: self.env["OMP_NUM_THREADS"] = str(args.threads)

    def run(self, name, argv, out_dir, tool="snn-run-glue"):
        "Run one command in its own process (or reuse its results); returns (eval results, seconds)."
        results = Path(out_dir)/"eval_results.json"
        shown = f"{tool} {shlex.join(str(x).replace(f'{REPO}/', '') for x in argv)}"  # paths relative to the repo
        if self.args.skip_existing and results.exists() and tool == "snn-run-glue":
            self.commands.append((name, shown, "reused")); return json.loads(results.read_text()), 0.0
        log = self.work/"logs"/f"{name}.log"; log.parent.mkdir(parents=True, exist_ok=True)
        print(f"[{time.strftime('%H:%M:%S')}] {name}: {shown}", flush=True)
        start = time.time()
        with open(log, "w") as f:
            rc = subprocess.call([sys.executable, "-c", TOOLS[tool], *map(str, argv)], stdout=f, stderr=subprocess.STDOUT,
                                 env=self.env, cwd=REPO)
        took = time.time() - start
        self.commands.append((name, shown, f"{took / 60:.1f} min"))
        if rc: raise RuntimeError(f"{name} failed (exit {rc}), see {log}:\n" + log.read_text()[-2000:])
        print(f"[{time.strftime('%H:%M:%S')}] {name}: done in {took / 60:.1f} min", flush=True)
        return (json.loads(results.read_text()) if results.exists() else {}), took

    def row(self, model, stage, r, took, prefix="eval", n=None, snn=False, note=""):
        get = lambda k: r.get(f"{prefix}_{k}")
        cells = [NAMES[model] + (f" [{self.args.label}]" if self.args.label else ""), stage, n or r.get("eval_samples") or r.get("eval_qann_samples") or "",
                 _fmt(get("accuracy")), _fmt(get("f1"))]
        cells += ([f"{r['eval_snn_mean_steps']:.1f} / {r['eval_snn_max_steps']}", _fmt(r["eval_snn_agreement"])]
                  if snn else ["", ""])
        cells += [f"{took / 60:.1f} min" if took else "", note]
        self.rows.append(cells); self.write()

    def write(self):
        a = self.args
        self.out.parent.mkdir(parents=True, exist_ok=True)
        runs = self.runs if self.runs is not None else [dict(options=" ".join(sys.argv[1:]) or "(defaults)",
                                                              started=self.started, device=self.device)]
        if self.runs is None:  # a run of its own: keep its rows for --combine
            self.out.with_suffix(".json").write_text(json.dumps(dict(**runs[0], rows=self.rows, commands=self.commands), indent=1))
        lines = [f"# MRPC dev: float ReLU model → QANN → SNN", "",
                 f"Generated by `bench/results_table.py` (last update {time.strftime('%Y-%m-%d %H:%M')}), every number from "
                 f"`eval_results.json` of an `snn-run-glue` run."]
        lines += [f"- Run started {r['started']} on {r['device']}, options `{r['options']}`" for r in runs]
        lines += ["",
                 f"Read against the all-positive floor: predicting \"equivalent\" everywhere scores accuracy {FLOOR['accuracy']}, "
                 f"F1 {FLOOR['f1']} on MRPC dev (408 pairs).", "",
                 "| model | stage | dev pairs | accuracy | F1 | SNN steps mean / max | SNN–QANN agreement | run time | note |",
                 "|---|---|---|---|---|---|---|---|---|",
                 f"| (floor) | all positive | 408 | {FLOOR['accuracy']} | {FLOOR['f1']} | | | | |"]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in self.rows]
        lines += ["", "Stages: *float* = the ReLU model fine-tuned as a float network; *QANN uncalibrated* = quantized with "
                  "every step s = 1 (the tutorial's post-transform evaluation); *QANN calibrated* = steps set from 8 "
                  "training batches, no fine-tuning; *QANN fine-tuned* = calibrated, then fine-tuned with LSQ; *SNN* = the "
                  "fine-tuned QANN converted and simulated time step by time step until quiet "
                  f"({a.snn_dtype}); its QANN row is the same QANN on the same dev pairs.", "",
                 "## Commands", ""]
        lines += [f"- {name} ({took}): `{cmd}`" for name, cmd, took in self.commands]
        self.out.write_text("\n".join(lines) + "\n")


def _fmt(x): return "" if x is None else f"{x:.3f}"


def bench_model(b, model):
    a, work = b.args, b.work/model
    folder = work/"model"
    distill = ["--distill_tasks", a.distill_tasks, "--distill_epochs", a.distill_epochs, "--distill_lr", a.distill_lr,
               "--distill_batch_size", a.distill_batch_size,
               *(["--max_distill_samples", a.max_distill_samples] if a.max_distill_samples else [])] if a.distill_tasks and model == "minilm" else []
    if not (folder/"config.json").exists():
        b.run(f"{model}-0-make", ["--kind", KINDS[model], "--output_dir", folder, "--overwrite_output_dir", *distill], folder,
              tool="snn-make-model")
    distilled = ""
    if (folder/"distillation.json").exists():
        d = json.loads((folder/"distillation.json").read_text())
        distilled = (f"; distilled from GELU first ({'+'.join(d['tasks'])} train text, {d['texts']} texts, {d['epochs']} epochs, "
                     f"lr {d['lr']}, layer loss {d['first_loss']:.3f} → {d['last_loss']:.3f}, {d['seconds'] / 60:.1f} min)")
    cfg = CONFIGS[model]
    common = ["--task_name", "mrpc", "--max_seq_length", "128", "--seed", "42", "--overwrite_output_dir",
              "--disable_tqdm", "true", "--per_device_train_batch_size", a.batch_size, "--per_device_eval_batch_size", 64,
              "--train_sampling_strategy", "group_by_length", "--save_strategy", "no", "--logging_steps", 50, "--warmup_steps", a.warmup]
    evals = ["--max_eval_samples", a.max_eval_samples] if a.max_eval_samples else []
    n_train = per_model(a.max_train_samples, model) if a.max_train_samples else None
    n_train = None if n_train in (None, "None") else n_train
    train_n = ["--max_train_samples", n_train] if n_train else []

    r, t = b.run(f"{model}-1-float", ["--model_name_or_path", folder, *common, *evals, *train_n, "--do_train", "--do_eval",
                                      "--learning_rate", per_model(a.float_lr, model), "--num_train_epochs", per_model(a.float_epochs, model),
                                      "--output_dir", work/"float"], work/"float")
    recipe = f"{per_model(a.float_epochs, model)} epochs on {n_train or 3668} train pairs, lr {per_model(a.float_lr, model)}"
    b.row(model, "float ReLU, fine-tuned", r, t, note=recipe + distilled)
    if a.gelu_reference and model == "minilm":
        from snn_roberta.models import minilm_path
        r, t = b.run(f"{model}-1-gelu", ["--model_name_or_path", minilm_path(), *common, *evals, *train_n, "--do_train", "--do_eval",
                                         "--learning_rate", per_model(a.float_lr, model), "--num_train_epochs",
                                         per_model(a.float_epochs, model), "--output_dir", work/"gelu"], work/"gelu")
        b.row(model, "float GELU original, fine-tuned (reference: not convertible)", r, t, note=recipe)
    r, t = b.run(f"{model}-2-transform", ["--model_name_or_path", work/"float", *common, *evals, "--do_eval",
                                          "--transform_config", cfg, "--output_dir", work/"calibrated"], work/"calibrated")
    b.row(model, "QANN after transform, uncalibrated (s = 1)", r, 0, prefix="eval_uncalibrated")
    b.row(model, "QANN after transform, calibrated (no fine-tuning)", r, t)
    r, t = b.run(f"{model}-3-qann", ["--model_name_or_path", work/"float", *common, *evals, *train_n, "--do_train", "--do_eval",
                                     "--transform_config", cfg, "--learning_rate", per_model(a.qann_lr, model),
                                     "--num_train_epochs", per_model(a.qann_epochs, model), "--output_dir", work/"qann",
                                     *(["--teacher_model_path", work/"float"] if a.qann_teacher else [])], work/"qann")
    b.row(model, "QANN fine-tuned" + (" with the float model as teacher" if a.qann_teacher else ""), r, t,
          note=f"{per_model(a.qann_epochs, model)} epochs on {n_train or 3668} train pairs, lr {per_model(a.qann_lr, model)}")
    n = per_model(a.snn_eval_samples, model, int)
    r, t = b.run(f"{model}-4-snn", ["--model_name_or_path", work/"float", *common, "--max_eval_samples", n, "--do_eval",
                                    "--transform_config", cfg, "--model_weights_path", work/"qann", "--convert_to_snn",
                                    "--snn_batch_size", a.snn_batch_size,
                                    "--snn_dtype", a.snn_dtype, "--output_dir", work/"snn"], work/"snn")
    b.row(model, f"QANN fine-tuned, first {n} dev pairs", r, 0, prefix="eval_qann", n=n)
    b.row(model, f"SNN simulated, first {n} dev pairs", r, t, n=n, snn=True,
          note=f"{a.snn_dtype}; max logit diff {r['eval_snn_max_logit_diff']:.1e}")


def main(argv=None):
    b = Bench(parse(argv))
    if b.args.combine:
        b.runs = []
        for f in b.args.combine:
            run = json.loads(Path(f).read_text())
            b.runs.append(run); b.rows += run["rows"]; b.commands += [tuple(c) for c in run["commands"]]
        b.write(); print(f"wrote {b.out}"); return
    for model in b.args.models.split(","): bench_model(b, model.strip())
    print(f"wrote {b.out}")


if __name__ == "__main__": main()
