"""The tutorial's command line, end to end: `snn-run-glue` trains, evaluates, converts and simulates a tiny
RoBERTa offline, and refuses bad input with one line. Each command runs in its own process, as a user runs it."""
import json, os, shutil, subprocess, sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO/"snn_roberta"/"configs"/"transform_cfg.yaml"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
       "HF_EVALUATE_OFFLINE": "1", "MPLBACKEND": "Agg", "TOKENIZERS_PARALLELISM": "false",
       "OMP_NUM_THREADS": "1",  # tiny tensors: threads only cost time, and the commands below run side by side
       "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
RUN_GLUE = [sys.executable, "-m", "snn_roberta.run_glue"]
# a short version of the tutorial's command: a few dozen MRPC pairs, one epoch
COMMON = ["--task_name", "mrpc", "--max_seq_length", "64", "--max_eval_samples", "32", "--seed", "42",
          "--per_device_train_batch_size", "16", "--disable_tqdm", "true", "--overwrite_output_dir"]


def glue_dir():
    from snn_roberta.glue import default_glue_dir
    return default_glue_dir()


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
def tiny(tmp_path_factory):
    "A tiny ReLU RoBERTa with a BPE tokenizer trained on MRPC sentences (random weights)."
    from snn_roberta.glue import load_glue
    from snn_roberta.models import build_tiny_roberta
    train = load_glue("mrpc", glue_dir())["train"]
    return build_tiny_roberta(tmp_path_factory.mktemp("models")/"tiny", train["sentence1"][:1000] + train["sentence2"][:1000])


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
    run_ok(["--model_name_or_path", trained, *COMMON, "--do_eval", "--transform_config", CONFIG,
            "--model_weights_path", trained, "--convert_to_snn", "--output_dir", out], command)
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


def test_examples_config_is_the_default():
    assert (REPO/"examples"/"transform_cfg.yaml").read_text() == CONFIG.read_text()
    assert "snn_roberta.run_glue import main" in (REPO/"examples"/"run_glue.py").read_text()
