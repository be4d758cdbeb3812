"""GLUE metrics as an `evaluate` module, shipped with snn_roberta so that it loads offline.

Load it with `snn_roberta.glue.glue_metric(task)`, or directly:
`evaluate.load("<path to this file>", "mrpc")`.
This is a plain file, not a notebook export: `evaluate` copies and imports it by path.
"""

import datasets
import evaluate
import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import f1_score, matthews_corrcoef

_DESCRIPTION = """\
Metrics of the GLUE benchmark (Wang et al., 2019), one configuration per task:
accuracy for every classification task, F1 (positive class 1) for MRPC and QQP,
Matthews correlation for CoLA and AX, Pearson and Spearman correlation for STS-B.
Where GLUE reports two numbers for a task (MRPC, QQP, STS-B), "combined" is their mean.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: predicted labels (ints), or predicted scores (floats) for stsb.
    references: gold labels (ints), or gold scores (floats) for stsb.
Returns: a dict with some of
    "accuracy", "f1", "matthews_correlation", "pearson", "spearmanr", "combined".
Example:
    >>> glue = evaluate.load("snn_roberta/metrics/glue/glue.py", "mrpc")
    >>> glue.compute(predictions=[1, 1, 0], references=[1, 0, 0])
    {'accuracy': 0.666..., 'f1': 0.666..., 'combined': 0.666...}
"""

_CITATION = """\
@inproceedings{wang2019glue,
  title={{GLUE}: A Multi-Task Benchmark and Analysis Platform for Natural Language Understanding},
  author={Wang, Alex and Singh, Amanpreet and Michael, Julian and Hill, Felix and Levy, Omer and Bowman, Samuel R.},
  booktitle={International Conference on Learning Representations},
  year={2019}
}
"""

# which numbers GLUE reports for each configuration
_METRICS = {
    "cola": ("matthews_correlation",),
    "sst2": ("accuracy",),
    "mrpc": ("accuracy", "f1"),
    "qqp": ("accuracy", "f1"),
    "stsb": ("pearson", "spearmanr"),
    "mnli": ("accuracy",),
    "mnli_matched": ("accuracy",),
    "mnli_mismatched": ("accuracy",),
    "qnli": ("accuracy",),
    "rte": ("accuracy",),
    "wnli": ("accuracy",),
    "ax": ("matthews_correlation",),
}


def _score(name, predictions, references):
    "One metric by name, as a Python float."
    if name == "accuracy": return float((predictions == references).mean())
    if name == "f1": return float(f1_score(references, predictions))
    if name == "matthews_correlation": return float(matthews_corrcoef(references, predictions))
    if name == "pearson": return float(pearsonr(predictions, references)[0])
    if name == "spearmanr": return float(spearmanr(predictions, references)[0])
    raise KeyError(name)


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Glue(evaluate.Metric):
    "GLUE metrics; the configuration name is the task."

    def _info(self):
        if self.config_name not in _METRICS:
            raise KeyError(f"Unknown GLUE configuration {self.config_name!r}; use one of {sorted(_METRICS)}.")
        dtype = "float32" if self.config_name == "stsb" else "int64"
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": datasets.Value(dtype), "references": datasets.Value(dtype)}),
            reference_urls=["https://gluebenchmark.com/"],
        )

    def _compute(self, predictions, references):
        predictions, references = np.asarray(predictions), np.asarray(references)
        names = _METRICS[self.config_name]
        result = {name: _score(name, predictions, references) for name in names}
        if len(names) > 1: result["combined"] = float(np.mean(list(result.values())))
        return result
