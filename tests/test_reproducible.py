"""Issue 19: a run's results files are byte-identical for the same seed, apart from times, even when something
else drew a different amount of random numbers from the global generator before the QANN was calibrated (each
quantizer subsamples its activations with a generator of its own, seeded from the run's seed)."""
import re, subprocess, sys
from pathlib import Path

import pytest

from conftest import ENV, REPO, glue_dir

pytestmark = pytest.mark.skipif(glue_dir() is None, reason="no local GLUE data (../shared/data/glue)")
CONFIG = REPO/"snn_roberta"/"configs"/"transform_cfg_per_channel.yaml"   # per-channel steps: sensitive to the sample
# `snn-run-glue`, with `draws` random numbers taken from the global generator just before calibration
RUN = """import sys, torch
import snn_roberta.run_glue as run_glue
draws, calibrate_qann = int(sys.argv.pop(1)), run_glue.calibrate_qann
def drawing_first(*args, **kwargs):
    torch.rand(draws)
    return calibrate_qann(*args, **kwargs)
run_glue.calibrate_qann = drawing_first
run_glue.main()
"""
# calibration on 2 batches of 32 pairs subsamples most quantizers' activations; then the SNN on 16 pairs
ARGS = ["--task_name", "mrpc", "--do_eval", "--transform_config", CONFIG, "--convert_to_snn", "--seed", "7",
        "--max_eval_samples", "16", "--max_seq_length", "64", "--calibration_batches", "2",
        "--per_device_train_batch_size", "32", "--disable_tqdm", "true", "--report_to", "none", "--output_dir", "out"]
TIMES = re.compile(r'^\s*"[^"]*(runtime|per_second|preparation_time|seconds|date|time)": ')   # a line of a time


def run(model, cwd, draws):
    "Start the command in a fresh process in `cwd`, its output folder `cwd/out`."
    cwd.mkdir()
    command = [sys.executable, "-c", RUN, str(draws), "--model_name_or_path", str(model), *map(str, ARGS)]
    return subprocess.Popen(command, cwd=cwd, env=ENV, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def results(folder):
    "Every file of a run's output folder: text without its time lines, other files as bytes."
    files = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name == "training_args.bin": continue   # the Trainer's pickled arguments
        if p.suffix in (".json", ".md", ".txt"):
            files[str(p.relative_to(folder))] = [l for l in p.read_text().splitlines() if not TIMES.match(l)]
        else: files[str(p.relative_to(folder))] = p.read_bytes()
    return files


def test_same_seed_same_results(tiny, tmp_path):
    procs = [run(tiny, tmp_path/name, draws) for name, draws in (("first", 1), ("second", 1000))]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
    first, second = (results(tmp_path/name/"out") for name in ("first", "second"))
    assert {"eval_results.json", "all_results.json", "model.safetensors", "snn/snn.safetensors"} <= set(first)
    assert set(first) == set(second)
    assert [name for name in first if first[name] != second[name]] == []
