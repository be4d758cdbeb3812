"""Issue 21, from the command line: nothing of the user's deleted, one run per output folder, half-written folders
recognised, bad input refused with one line before anything is written. Each command runs in its own process."""
import json, os, socket, subprocess, sys
from pathlib import Path

import pytest

from conftest import CONFIG, ENV, RUN_GLUE, glue_dir

pytestmark = pytest.mark.skipif(glue_dir() is None, reason="no local GLUE data (../shared/data/glue)")
SMALL = ["--task_name", "mrpc", "--max_seq_length", "32", "--max_eval_samples", "8", "--seed", "42",
         "--per_device_train_batch_size", "8", "--disable_tqdm", "true", "--report_to", "none"]


def start(args, command=RUN_GLUE):
    return subprocess.Popen([*command, *map(str, args)], env=ENV, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc, timeout=600):
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def refused(args, *words, command=RUN_GLUE):
    "Run a command that must be refused with one `error:` line holding `words`, no traceback; the line."
    rc, _, err = finish(start(args, command))
    lines = err.strip().splitlines()
    assert rc == 1 and "Traceback" not in err and lines and lines[-1].startswith("error: "), (rc, err[-3000:])
    for w in words: assert w in lines[-1], (w, lines[-1])
    return lines[-1]


def dead_pid():
    p = subprocess.Popen(["true"]); p.wait()
    return p.pid


def test_overwrite_keeps_user_files(tiny, tmp_path):
    "--overwrite_output_dir removes only the Trainer's checkpoints; a user's checkpoint-best/ and notes stay; a stale lock is taken over."
    out = tmp_path/"out"; out.mkdir()
    (out/"checkpoint-best").mkdir(); (out/"checkpoint-best"/"trainer_state.json").write_text("{}")
    (out/"checkpoint-best"/"notes.txt").write_text("my best")
    (out/"checkpoint-notes.txt").write_text("mine")
    (out/"checkpoint-3").mkdir(); (out/"checkpoint-3"/"trainer_state.json").write_text("{}")   # an earlier run's
    (out/".snn_roberta.lock").write_text(json.dumps(dict(pid=dead_pid(), host=socket.gethostname(), since="yesterday")))
    rc, _, err = finish(start(["--model_name_or_path", tiny, *SMALL, "--do_train", "--max_train_samples", "8",
                               "--num_train_epochs", "1", "--save_strategy", "no", "--output_dir", out, "--overwrite_output_dir"]))
    assert rc == 0, err[-3000:]
    assert "stale lock" in err and "keeping ['checkpoint-best', 'checkpoint-notes.txt']" in err, err[-3000:]
    assert (out/"checkpoint-best"/"notes.txt").read_text() == "my best" and (out/"checkpoint-notes.txt").read_text() == "mine"
    assert not (out/"checkpoint-3").exists() and not (out/".snn_roberta.lock").exists()
    assert (out/"model.safetensors").exists() and not (out/".snn_roberta_incomplete").exists()


def test_second_run_refused(tiny, tmp_path):
    "A folder another live run writes into is refused with one line naming it, and nothing in it changes."
    out = tmp_path/"busy"; out.mkdir()
    lock = json.dumps(dict(pid=os.getpid(), host=socket.gethostname(), since="now"))
    (out/".snn_roberta.lock").write_text(lock)
    refused(["--model_name_or_path", tiny, *SMALL, "--do_eval", "--output_dir", out, "--overwrite_output_dir"],
            "is in use by another run", f"pid {os.getpid()}")
    assert [p.name for p in out.iterdir()] == [".snn_roberta.lock"] and (out/".snn_roberta.lock").read_text() == lock


def test_broken_model_folders(tiny, tmp_path):
    "A model folder without tokenizer files, of another kind, or cut short is refused in one line, not evaluated."
    import shutil
    cases = {}
    for name, change, words in [
            ("no tokenizer", lambda f: [(f/n).unlink() for n in ("tokenizer.json", "vocab.json", "merges.txt") if (f/n).exists()],
             ["has no tokenizer files"]),
            ("gpt2", lambda f: (f/"config.json").write_text(json.dumps({**json.loads((f/"config.json").read_text()),
                                                                       "model_type": "gpt2"})), ["is a 'gpt2' model"]),
            ("cut config", lambda f: (f/"config.json").write_text((f/"config.json").read_text()[:30]), ["config.json is not readable JSON"]),
            ("incomplete", lambda f: (f/".snn_roberta_incomplete").write_text("{}"), ["is incomplete: writing it was cut short"])]:
        folder = Path(shutil.copytree(tiny, tmp_path/name.replace(" ", "_"))); change(folder)
        cases[name] = (start(["--model_name_or_path", folder, *SMALL, "--do_eval", "--output_dir", tmp_path/f"o_{folder.name}"]), words)
    for name, (proc, words) in cases.items():
        rc, _, err = finish(proc)
        lines = err.strip().splitlines()
        assert rc == 1 and "Traceback" not in err and lines[-1].startswith("error: "), (name, err[-3000:])
        for w in words: assert w in lines[-1], (name, lines[-1])
    assert not any(p.name.startswith("o_") for p in tmp_path.iterdir())   # nothing written


def test_counts_and_paths(tiny, tmp_path):
    "Counts, rates and paths refused by name in one line, before anything is written."
    base = ["--model_name_or_path", tiny, *SMALL, "--do_eval"]
    cases = {"max_eval 0": ([*base, "--max_eval_samples", "0"], "--max_eval_samples must be a whole number >= 1, got 0"),
             "lr nan": ([*base, "--do_train", "--learning_rate", "nan"], "--learning_rate must be a finite number > 0, got nan"),
             "epochs -1": ([*base, "--do_train", "--num_train_epochs", "-1"], "--num_train_epochs must be a finite number > 0"),
             "batch 0": ([*base, "--per_device_eval_batch_size", "0"], "--per_device_eval_batch_size must be a whole number >= 1"),
             "seed -1": ([*base, "--seed", "-1"], "--seed must be a whole number >= 0, got -1"),
             "resume without train": ([*base, "--resume_from_checkpoint", tiny], "--resume_from_checkpoint resumes training"),
             "relative model": (["--model_name_or_path", "models/nope", *SMALL, "--do_eval"], "'models/nope': no such folder"),
             "data_dir": ([*base, "--data_dir", tmp_path/"nope"], "is not a folder")}
    procs = {k: start([*a, "--output_dir", tmp_path/k.replace(" ", "_")]) for k, (a, _) in cases.items()}
    for k, proc in procs.items():
        rc, _, err = finish(proc)
        lines = err.strip().splitlines()
        assert rc == 1 and "Traceback" not in err and lines[-1].startswith("error: ") and cases[k][1] in lines[-1], (k, err[-2000:])
    assert not any((tmp_path/k.replace(" ", "_")).exists() for k in cases)
    env = {**ENV, "SNN_ROBERTA_GLUE_DIR": str(tmp_path/"misspelt")}
    proc = subprocess.run([*RUN_GLUE, *map(str, base), "--output_dir", str(tmp_path/"g")], env=env, text=True, capture_output=True)
    assert proc.returncode == 1 and "SNN_ROBERTA_GLUE_DIR=" in proc.stderr.strip().splitlines()[-1], proc.stderr[-2000:]
