"""`snn-run-glue` under `torchrun --nproc_per_node 2` on the CPU (gloo): one training run (half the optimizer
steps per process, the loss of one process's scale, one set of files), and an SNN evaluation that each process
simulates half of and that gives exactly the metrics of one process."""
import json, os, re, subprocess, sys
from pathlib import Path

import pytest

from conftest import CONFIG, ENV as _ENV, glue_dir
ENV = dict(_ENV)
for _k in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "ACCELERATE_USE_CPU"): ENV.pop(_k, None)
ONE = [sys.executable, "-m", "snn_roberta.run_glue"]
TWO = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "-m", "snn_roberta.run_glue"]
COMMON = ["--task_name", "mrpc", "--max_seq_length", "64", "--seed", "42", "--disable_tqdm", "true",
          "--report_to", "none", "--transform_config", CONFIG]
TRAIN = ["--do_train", "--max_train_samples", "48", "--per_device_train_batch_size", "8", "--num_train_epochs", "1",
         "--learning_rate", "2e-5", "--logging_steps", "1", "--save_strategy", "no"]
# eval-only: 24 pairs in 6 batches of 4, so each of two processes simulates 3
SNN = ["--do_eval", "--convert_to_snn", "--max_eval_samples", "24", "--snn_batch_size", "4",
       "--per_device_eval_batch_size", "8"]
TIMING = ("runtime", "per_second", "_time")   # wall-clock keys differ from run to run


def gloo():
    import torch.distributed as dist
    return dist.is_available() and dist.is_gloo_available()


pytestmark = [pytest.mark.skipif(glue_dir() is None, reason="no local GLUE data (../shared/data/glue)"),
              pytest.mark.skipif(not gloo(), reason="torch.distributed with the gloo backend is not available")]


def run_ok(command, args):
    p = subprocess.run([*command, *map(str, args)], env=ENV, text=True, capture_output=True, timeout=600)
    assert p.returncode == 0, f"exit {p.returncode}\n{p.stderr[-4000:]}"
    return p.stderr


def results(folder, name="eval_results.json"): return json.loads((Path(folder)/name).read_text())


def losses(folder): return [e["loss"] for e in results(folder, "trainer_state.json")["log_history"] if "loss" in e]



@pytest.fixture(scope="module")
def trained(tiny, tmp_path_factory):
    "The QANN fine-tuned by one process, and the same command run by two: `(one, two, log of two)`."
    runs = tmp_path_factory.mktemp("runs")
    run_ok(ONE, ["--model_name_or_path", tiny, *COMMON, *TRAIN, "--output_dir", runs/"one"])
    log = run_ok(TWO, ["--model_name_or_path", tiny, *COMMON, *TRAIN, "--output_dir", runs/"two"])
    return runs/"one", runs/"two", log


def test_training_is_one_run(trained):
    one, two, log = trained
    s1, s2 = results(one, "trainer_state.json"), results(two, "trainer_state.json")
    assert (s1["global_step"], s2["global_step"]) == (6, 3)   # 48 pairs, 8 per step and process: half the steps each
    assert results(two, "train_results.json")["train_samples"] == 48
    l1, l2 = losses(one), losses(two)
    assert len(l1) == 6 and len(l2) == 3
    # the loss of one process's scale (the Trainer's token averaging doubled it with two processes)
    assert 0.9 < results(two, "train_results.json")["train_loss"] / results(one, "train_results.json")["train_loss"] < 1.1
    assert all(0.9 < b / a < 1.1 for a, b in zip(l1[::2], l2)), (l1, l2)
    # one set of files, written once: the same names as one process's, the metrics logged once
    assert sorted(p.name for p in two.iterdir()) == sorted(p.name for p in one.iterdir())
    assert log.count("***** train metrics *****") == 1, log[-3000:]


def test_snn_evaluation_is_sharded(trained, tmp_path):
    "The single-process QANN, simulated by one process and by two: the same metrics, exactly."
    one = trained[0]
    args = ["--model_name_or_path", one, *COMMON, *SNN, "--model_weights_path", one]
    run_ok(ONE, [*args, "--output_dir", tmp_path/"one"])
    log = run_ok(TWO, [*args, "--output_dir", tmp_path/"two", "--disable_tqdm", "false"])
    assert re.search(r"SNN mrpc validation: 100%\|[^|]*\| 3/3 ", log) and "| 6/6 " not in log, log[-3000:]  # 3 batches each
    r1, r2 = results(tmp_path/"one"), results(tmp_path/"two")
    snn = {k for k in r1 if not k.startswith("eval_qann_") and not any(t in k for t in TIMING)}
    assert {"eval_snn_agreement", "eval_snn_accuracy_per_step", "eval_snn_steps_per_example", "eval_snn_energy_uj",
            "eval_snn_firing_rate", "eval_snn_mean_decision_step"} <= snn
    assert {k: r2[k] for k in snn} == {k: r1[k] for k in snn}   # SNN metrics, lists, counts and energy: exactly
    assert r2["eval_samples"] == len(r2["eval_snn_steps_per_example"]) == 24   # none lost, none twice
    # the Trainer's QANN evaluation, sharded by the Trainer: the same metrics, its loss up to rounding
    for k in r1:
        if k.startswith("eval_qann_") and not any(t in k for t in TIMING):
            assert r2[k] == pytest.approx(r1[k], rel=1e-6), k
    assert r2["eval_snn_agreement"] == 1.0
    assert sorted(p.name for p in (tmp_path/"two").iterdir()) == sorted(p.name for p in (tmp_path/"one").iterdir())
    assert log.count("***** eval metrics *****") == 1, log[-3000:]
