"""What the command-line tests share: the repository, the offline environment of a command, the local GLUE folder,
and one tiny ReLU RoBERTa (random weights, a BPE tokenizer trained on MRPC sentences) built once per session."""
import os, sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO/"snn_roberta"/"configs"/"transform_cfg.yaml"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
       "HF_EVALUATE_OFFLINE": "1", "MPLBACKEND": "Agg", "TOKENIZERS_PARALLELISM": "false",
       "OMP_NUM_THREADS": "1",  # tiny tensors: threads only cost time, and the commands run side by side
       "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
RUN_GLUE = [sys.executable, "-m", "snn_roberta.run_glue"]


def glue_dir():
    "The local GLUE folder, or None."
    from snn_roberta.glue import default_glue_dir
    return default_glue_dir()


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    "A tiny ReLU RoBERTa with a BPE tokenizer trained on MRPC sentences (random weights)."
    from snn_roberta.glue import load_glue
    from snn_roberta.models import build_tiny_roberta
    train = load_glue("mrpc", glue_dir())["train"]
    return build_tiny_roberta(tmp_path_factory.mktemp("models")/"tiny", train["sentence1"][:1000] + train["sentence2"][:1000])
