"""How much the [CLS] vector (what BERT's classification head reads, through its pooler) varies from one input to the
next, for all-MiniLM-L6-v2 and the models of bench/glue_minilm.sh: the mean over features of the standard deviation
across the first 64 STS-B training pairs. all-MiniLM-L6-v2 was trained as a sentence encoder with mean pooling, so its
[CLS] vector barely depends on the input; a task's fine-tuning has to teach it to carry the input first.

    python bench/cls_spread.py [MODEL_FOLDER ...]      # default: the GELU original and bench/runs/glue's models
"""
import sys
from pathlib import Path
import torch
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging as hf_logging
import snn_roberta as snn
from snn_roberta.models import minilm_path

ROOT = Path(__file__).resolve().parents[1]


def spread(name, a, b) -> tuple:
    "(std of [CLS] across inputs, std of the pooler output across inputs, mean norm of [CLS]) for model folder `name`."
    tok, model = AutoTokenizer.from_pretrained(name), AutoModel.from_pretrained(name).eval()
    with torch.no_grad(): out = model(**tok(a, b, padding=True, truncation=True, return_tensors="pt"))
    cls = out.last_hidden_state[:, 0]
    return cls.std(0).mean().item(), out.pooler_output.std(0).mean().item(), cls.norm(dim=-1).mean().item()


if __name__ == "__main__":
    hf_logging.set_verbosity_error(); hf_logging.disable_progress_bar()
    pairs = snn.load_glue("stsb", snn.default_glue_dir())["train"].select(range(64))
    a, b = list(pairs["sentence1"]), list(pairs["sentence2"])
    runs = ROOT/"bench"/"runs"/"glue"
    names = sys.argv[1:] or [str(minilm_path()), *(str(p) for p in [runs/"model", *sorted(runs.glob("*/float"))] if p.exists())]
    print("| model | std of [CLS] across inputs | std of the pooler output | norm of [CLS] |\n|---|---|---|---|")
    for name in names:
        label = "all-MiniLM-L6-v2 (GELU, as published)" if name == str(minilm_path()) else str(Path(name).relative_to(ROOT)) \
            if Path(name).resolve().is_relative_to(ROOT) else name
        print(f"| {label} | " + " | ".join(f"{v:.3f}" if i < 2 else f"{v:.1f}" for i, v in enumerate(spread(name, a, b))) + " |")
