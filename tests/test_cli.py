"""The tutorial's command line, end to end: `snn-run-glue` trains, evaluates, converts and simulates a tiny
RoBERTa offline, and refuses bad input with one line. Each command runs in its own process, as a user runs it."""
import json, shutil, subprocess, sys
from pathlib import Path

import pytest

from conftest import CONFIG, ENV, REPO, RUN_GLUE, glue_dir
# a short version of the tutorial's command: a few dozen MRPC pairs, one epoch
COMMON = ["--task_name", "mrpc", "--max_seq_length", "64", "--max_eval_samples", "32", "--seed", "42",
          "--per_device_train_batch_size", "16", "--disable_tqdm", "true", "--overwrite_output_dir"]


pytestmark = pytest.mark.skipif(glue_dir() is None, reason="no local GLUE data (../shared/data/glue)")


def start(args, command=RUN_GLUE, cwd=None):
    return subprocess.Popen([*command, *map(str, args)], env=ENV, cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc, timeout=600):
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def run_ok(args, command=RUN_GLUE):
    rc, out, err = finish(start(args, command))
    assert rc == 0, f"exit {rc}\n{err[-3000:]}"
    return out, err


@pytest.fixture(scope="session")
def trained(tiny, tmp_path_factory):
    "The tutorial's fine-tuning command, cut down: QANN fine-tuned on 48 pairs for one epoch."
    out = tmp_path_factory.mktemp("runs")/"mrpc_snn"
    run_ok(["--model_name_or_path", tiny, *COMMON, "--do_train", "--do_eval", "--max_train_samples", "48",
            "--num_train_epochs", "1", "--learning_rate", "2e-5", "--output_dir", out, "--transform_config", CONFIG,
            "--evaluation_strategy", "epoch", "--save_strategy", "epoch", "--logging_steps", "50"])
    return out


def read_results(folder, name="eval_results.json"):
    return json.loads((Path(folder)/name).read_text())


def test_train(trained):
    files = {p.name for p in trained.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "eval_results.json", "train_results.json"} <= files
    assert any(f.startswith("checkpoint-") for f in files)  # --save_strategy epoch
    ev, tr = read_results(trained), read_results(trained, "train_results.json")
    assert {"eval_accuracy", "eval_f1", "eval_loss"} <= set(ev) and ev["eval_samples"] == 32
    assert tr["train_samples"] == 48 and "train_loss" in tr
    assert "snn_transform_config" in json.loads((trained/"config.json").read_text())


def test_evaluate_after_transform(tiny, tmp_path):
    "Evaluation only, post-transform: the uncalibrated score (s = 1), then calibrated."
    out = tmp_path/"eval"
    run_ok(["--model_name_or_path", tiny, *COMMON, "--do_eval", "--transform_config", CONFIG, "--output_dir", out,
            "--calibration_batches", "2"])
    ev = read_results(out)
    assert {"eval_uncalibrated_accuracy", "eval_uncalibrated_f1", "eval_accuracy", "eval_f1"} <= set(ev)
    assert (out/"model.safetensors").exists()  # the calibrated QANN, for --model_weights_path


def test_convert_and_simulate(trained, tmp_path):
    "Evaluation with the fine-tuned weights, converted to an SNN and simulated, through the console script."
    out = tmp_path/"snn_run"
    command = [shutil.which("snn-run-glue")] if shutil.which("snn-run-glue") else RUN_GLUE
    _, err = run_ok(["--model_name_or_path", trained, *COMMON, "--do_eval", "--transform_config", CONFIG,
                     "--model_weights_path", trained, "--convert_to_snn", "--output_dir", out], command)
    # a log, not a terminal: no progress bars (the tokenizer's `Map: ...%|` bars included), no escape codes
    assert "\r" not in err and "\x1b" not in err and "%|" not in err and "pin_memory" not in err, err[-2000:]
    ev = read_results(out)
    assert ev["eval_snn_agreement"] == 1.0
    assert ev["eval_accuracy"] == ev["eval_qann_accuracy"] and ev["eval_f1"] == ev["eval_qann_f1"]
    assert ev["eval_snn_max_logit_diff"] < 1e-6
    T = ev["eval_snn_max_steps"]
    assert 0 < ev["eval_snn_mean_steps"] <= T <= 512
    assert len(ev["eval_snn_accuracy_per_step"]) == len(ev["eval_snn_agreement_per_step"]) == T
    assert ev["eval_snn_accuracy_per_step"][-1] == ev["eval_accuracy"] and ev["eval_snn_agreement_per_step"][-1] == 1.0
    # operation counts and energy of the simulated SNN, next to the float network's, per example
    assert ev["eval_snn_sops"] == ev["eval_snn_ac"] + ev["eval_snn_mac"] > 0 and ev["eval_ann_mac"] > 0
    assert ev["eval_snn_energy_uj"] > 0 and ev["eval_ann_energy_uj"] > 0
    assert 0 < ev["eval_snn_firing_rate"] < 1
    assert "eval_uncalibrated_accuracy" not in ev  # fine-tuned steps were loaded, nothing to calibrate
    assert (out/"snn_accuracy_per_step.png").stat().st_size > 1000
    from snn_roberta.convert import load_snn
    snn = load_snn(out/"snn")
    assert next(snn.parameters()).dtype.is_floating_point and (out/"snn"/"tokenizer.json").exists()


def bad_input_cases(tiny, tmp_path, base):
    "More bad input: broken files, impossible numbers, folders that are not what they should be."
    from safetensors.torch import save_file
    from snn_roberta.models import tiny_roberta
    bad_yaml = tmp_path/"bad.yaml"; bad_yaml.write_text("quantization_config: [unclosed\n")
    wide = tmp_path/"wide"; wide.mkdir()
    save_file({k: v.contiguous() for k, v in tiny_roberta(hidden_size=96, num_attention_heads=3).state_dict().items()},
              str(wide/"model.safetensors"))
    cut = tmp_path/"cut"; cut.mkdir(); (cut/"model.safetensors").write_bytes(b"\x08\x00\x00")
    snn_dir = tmp_path/"snn"; snn_dir.mkdir(); (snn_dir/"snn_roberta.json").write_text("{}")
    glue = tmp_path/"glue"; (glue/"RTE").mkdir(parents=True)
    (glue/"RTE"/"dev.tsv").write_text("index\tsentence1\tsentence2\tlabel\n0\tA b.\tC d.\tentailment\n1\tA b.\n")
    q = ["--transform_config", CONFIG]
    return {  # name: (command, arguments, output folder, words the message must hold)
        "yaml syntax": (RUN_GLUE, [*base, "--task_name", "mrpc", "--output_dir", tmp_path/"b1", "--transform_config", bad_yaml],
                        tmp_path/"b1", ["--transform_config:", "bad.yaml is not valid YAML"]),
        "weights of another width": (RUN_GLUE, [*base, "--task_name", "mrpc", "--output_dir", tmp_path/"b2", *q,
                                     "--model_weights_path", wide], tmp_path/"b2", ["could not load the QANN weights", "size"]),
        "truncated weights": (RUN_GLUE, [*base, "--task_name", "mrpc", "--output_dir", tmp_path/"b3", *q, "--model_weights_path",
                              cut], tmp_path/"b3", ["could not load the QANN weights", "cut"]),
        "sequence too long": (RUN_GLUE, [*base, "--task_name", "mrpc", "--output_dir", tmp_path/"b4", "--max_seq_length", "4096"],
                              tmp_path/"b4", ["--max_seq_length 4096 is longer than the model"]),
        "zero steps": (RUN_GLUE, [*base, "--task_name", "mrpc", "--output_dir", tmp_path/"b5", *q, "--convert_to_snn",
                       "--snn_max_steps", "0"], tmp_path/"b5", ["--snn_max_steps must be a whole number >= 1, got 0"]),
        "no calibration batches": (RUN_GLUE, [*base, "--task_name", "mrpc", "--output_dir", tmp_path/"b6", *q,
                                   "--calibration_batches", "0"], tmp_path/"b6", ["--calibration_batches must be a whole number >= 1, got 0"]),
        "model folder missing": (RUN_GLUE, ["--model_name_or_path", tmp_path/"no"/"model", "--do_eval", "--task_name", "mrpc",
                                 "--output_dir", tmp_path/"b7"], tmp_path/"b7", ["no such folder", "snn-make-model"]),
        "a saved SNN as the model": (RUN_GLUE, ["--model_name_or_path", snn_dir, "--do_eval", "--task_name", "mrpc",
                                     "--output_dir", tmp_path/"b8"], tmp_path/"b8", ["is a saved SNN", "load_snn"]),
        "no training split": (RUN_GLUE, [*base, "--task_name", "qnli", "--do_train", "--output_dir", tmp_path/"b9"],
                              tmp_path/"b9", ["needs the training split of qnli", "QNLI/train.tsv"]),
        "row cut short": (RUN_GLUE, [*base, "--task_name", "rte", "--data_dir", glue, "--output_dir", tmp_path/"b10"],
                          tmp_path/"b10", ["dev.tsv, line 3: field 'sentence2' is missing or empty"]),
    }


def test_resume(tiny, tmp_path):
    "Interrupted after a checkpoint and resumed: the same final weights as the run that was not interrupted."
    from snn_roberta.quantize import load_state
    args = ["--model_name_or_path", tiny, *COMMON[:-1], "--do_train", "--max_train_samples", "48", "--num_train_epochs", "2",
            "--learning_rate", "1e-3", "--transform_config", CONFIG, "--save_strategy", "steps", "--save_steps", "3",
            "--report_to", "none"]
    whole, cut = tmp_path/"whole", tmp_path/"cut"
    run_ok([*args, "--output_dir", whole])
    assert {p.name for p in whole.glob("checkpoint-*")} == {"checkpoint-3", "checkpoint-6"}
    cut.mkdir(); shutil.copytree(whole/"checkpoint-3", cut/"checkpoint-3")  # the run stopped after its first checkpoint
    rc, _, err = finish(start([*args, "--output_dir", cut]))                  # a plain rerun offers to resume
    assert rc == 1 and f"--resume_from_checkpoint {cut}/checkpoint-3" in err.strip().splitlines()[-1], err[-2000:]
    _, err = run_ok([*args, "--output_dir", cut, "--resume_from_checkpoint", cut/"checkpoint-3"])
    assert "calibrating" not in err                                           # the checkpoint's steps, not new ones
    a, b = load_state(whole), load_state(cut)
    assert a.keys() == b.keys()
    for k in a: assert (a[k].double() - b[k].double()).abs().max() <= 1e-5 * (1 + a[k].double().abs().max()), k
    assert json.loads((cut/"trainer_state.json").read_text())["global_step"] == 6
    run_ok([*args, "--output_dir", whole, "--overwrite_output_dir", "--save_strategy", "no"])  # a fresh run, same folder
    assert not list(whole.glob("checkpoint-*"))                               # leaves no other run's checkpoints


def test_bad_input(tiny, tmp_path):
    "Each refused with exit status 1, one `error:` line on stderr, no traceback, the output folder untouched."
    full = tmp_path/"full"; full.mkdir(); (full/"keep.txt").write_text("mine")
    base = ["--model_name_or_path", tiny, "--do_eval", "--max_eval_samples", "4"]
    offline = ["-c", "import os; os.environ.pop('SNN_ROBERTA_GLUE_DIR', None); "  # no local GLUE, however the run found it
               "import snn_roberta.run_glue as r; r.default_glue_dir = lambda: None; r.main()"]
    cases = {  # name: (command, arguments, output folder, words the message must hold)
        "unknown task": (RUN_GLUE, [*base, "--task_name", "mrcp", "--output_dir", tmp_path/"o1"], tmp_path/"o1",
                         ["Unknown GLUE task 'mrcp'", "valid tasks: cola, sst2, mrpc, qqp, stsb, mnli, qnli, rte, wnli"]),
        "output exists": (RUN_GLUE, [*base, "--task_name", "mrpc", "--output_dir", full], full,
                          ["exists and is not empty", "--overwrite_output_dir"]),
        "missing weights": (RUN_GLUE, [*base, "--task_name", "mrpc", "--output_dir", tmp_path/"o3", "--transform_config",
                            CONFIG, "--model_weights_path", tmp_path/"nope"], tmp_path/"o3", ["nope", "does not exist"]),
        "data offline": ([sys.executable, *offline], [*base, "--task_name", "mrpc", "--output_dir", tmp_path/"o4"],
                         tmp_path/"o4", ["nyu-mll/glue", "--data_dir", "SNN_ROBERTA_GLUE_DIR"]),
        "snn without config": (RUN_GLUE, [*base, "--task_name", "mrpc", "--output_dir", tmp_path/"o6", "--convert_to_snn"],
                               tmp_path/"o6", ["--convert_to_snn needs --transform_config"]),
        **bad_input_cases(tiny, tmp_path, base),
    }
    procs = {name: start(args, command) for name, (command, args, _, _) in cases.items()}
    for name, proc in procs.items():
        rc, out, err = finish(proc)
        lines = err.strip().splitlines()
        assert rc == 1, (name, rc, err[-2000:])
        assert "Traceback" not in err, (name, err[-2000:])
        assert lines and lines[-1].startswith("error: "), (name, err[-2000:])
        assert len([l for l in lines if l.startswith("error")]) == 1, (name, err)
        for words in cases[name][3]: assert words in lines[-1], (name, lines[-1])
    assert [p.name for p in full.iterdir()] == ["keep.txt"] and (full/"keep.txt").read_text() == "mine"
    for name, (_, _, out, _) in cases.items():
        if out != full: assert not out.exists(), name


def test_make_model_in_a_log(tmp_path):
    "`snn-make-model --kind minilm-relu` with a short distillation, its output going to a log: a model folder, no bars."
    out = tmp_path/"minilm"
    make = [sys.executable, "-c", "from snn_roberta.make_model_cli import make_model_main; make_model_main()"]
    stdout, err = run_ok(["--kind", "minilm-relu", "--output_dir", out, "--distill_tasks", "mrpc", "--max_distill_samples", "8",
                          "--distill_batch_size", "4"], make)
    assert f"saved minilm-relu to {out}" in stdout and (out/"config.json").exists() and (out/"distillation.json").exists()
    assert "\r" not in err and "\x1b" not in err and "%|" not in err and "LOAD REPORT" not in err, err[-2000:]


def test_examples_config_is_the_default():
    assert (REPO/"examples"/"transform_cfg.yaml").read_text() == CONFIG.read_text()
    assert "snn_roberta.run_glue import main" in (REPO/"examples"/"run_glue.py").read_text()


def test_every_task_on_disk(tiny, tmp_path):
    "`snn-finetune-all` over every task on disk: train, evaluate, convert and simulate each; skip QNLI (no training split);"
    " one summary table with every task's metric, floor and the SNN's agreement with its QANN."
    command = [sys.executable, "-c", "from snn_roberta.finetune_all import finetune_all_main; finetune_all_main()"]
    out, err = run_ok(["--model_name_or_path", tiny, "--transform_config", CONFIG, "--do_train", "--do_eval", "--convert_to_snn",
                       "--max_train_samples", "32", "--max_eval_samples", "12", "--num_train_epochs", "1", "--seed", "42",
                       "--per_device_train_batch_size", "16", "--max_seq_length", "64", "--ignore_mismatched_sizes",
                       "--disable_tqdm", "true", "--report_to", "none", "--output_dir", tmp_path/"{task}_snn"], command)
    rows = {r["task"]: r for r in json.loads((tmp_path/"summary.json").read_text())}
    assert set(rows) >= {"cola", "sst2", "mrpc", "stsb", "qnli", "rte", "wnli"}, rows.keys()
    assert rows["qnli"]["status"] == "skipped" and "no training split" in rows["qnli"]["reason"]
    metric = {"cola": "matthews_correlation", "stsb": "pearson"}
    for task in ("cola", "sst2", "mrpc", "stsb", "rte", "wnli"):
        r = rows[task]
        assert r["status"] == "ok" and r["metric"] == metric.get(task, "accuracy"), r
        assert r["agreement"] == 1.0 and r["value"] == r["qann"] and r["floor"] is not None and r["samples"] == 12, r
        assert 1 <= r["decision_step"] <= r["mean_steps"], r   # a prediction cannot change once its example is quiet
        ev = read_results(tmp_path/f"{task}_snn")
        assert ev["eval_snn_agreement"] == 1.0
    assert rows["stsb"]["max_score_diff"] < 1e-9 and "eval_snn_pearson_per_step" in read_results(tmp_path/"stsb_snn")
    table = (tmp_path/"summary.md").read_text()
    assert "| stsb | ok | pearson |" in table and "| qnli | skipped: no training split" in table, table


def test_recipe_runs_and_resumes(tmp_path):
    "`snn-finetune-all --recipe minilm --quick`: MiniLM made, fine-tuned, quantized and simulated for one task by its"
    " recipe; run again, every stage is found done with the same command and skipped."
    command = [sys.executable, "-c", "from snn_roberta.finetune_all import finetune_all_main; finetune_all_main()"]
    args = ["--recipe", "minilm", "--tasks", "wnli", "--quick", "--output_dir", tmp_path]
    run_ok(args, command)
    (row,) = json.loads((tmp_path/"summary.json").read_text())
    assert row["status"] == "ok" and row["agreement"] == 1.0 and row["samples"] == 4, row
    assert json.loads((tmp_path/"wnli"/"model"/"config.json").read_text())["pooling"] == "mean"
    assert "--teacher_model_path" in (tmp_path/"wnli"/"qann"/"recipe.txt").read_text()   # --quick: one QANN epoch, distilled
    log = (tmp_path/"plan_times_wnli.txt").read_text().splitlines()
    assert [l.split()[1] for l in log if " rc=0 " in l] == ["wnli.model", "wnli.float", "wnli.qann", "wnli.snn"], log
    run_ok(args, command)
    log = (tmp_path/"plan_times_wnli.txt").read_text().splitlines()[-4:]
    assert all(l.endswith("skipped: done with the same command") for l in log), log

def test_moved_names_import_from_run_glue():
    "What moved out of run_glue (two commands, the checks) still imports from it: examples/finetune_base.sh uses one."
    from snn_roberta import cli_checks, finetune_all, make_model_cli, run_glue
    assert run_glue.finetune_all_main is finetune_all.finetune_all_main
    assert run_glue.make_model_main is make_model_cli.make_model_main and run_glue.check_count is cli_checks.check_count
    with pytest.raises(AttributeError, match="no attribute 'nothing'"): run_glue.nothing
