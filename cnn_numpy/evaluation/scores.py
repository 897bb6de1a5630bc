"""Accuracy of a recogniser, overall and per digit, as numbers and a table."""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.mnist import load_mnist, to_input
from ..recognition.recognizer import Recognitions, Recognizer


@dataclass
class Scores:
    """Accuracy of predictions against labels."""
    name: str
    overall: float
    per_digit: np.ndarray     # (10,) accuracy of each digit
    counts: np.ndarray        # (10,) samples of each digit
    predictions: np.ndarray   # (N,)
    labels: np.ndarray        # (N,)

    @classmethod
    def of(cls, name: str, predictions: np.ndarray, labels: np.ndarray) -> Scores:
        labels = np.asarray(labels, dtype=np.int64)
        predictions = np.asarray(predictions, dtype=np.int64)
        counts = np.bincount(labels, minlength=10)
        hits = np.bincount(labels[predictions == labels], minlength=10)
        per_digit = np.divide(hits, counts, out=np.full(10, np.nan), where=counts > 0)
        overall = float(np.mean(predictions == labels)) if len(labels) else float("nan")
        return cls(name, overall, per_digit, counts, predictions, labels)

    def to_dict(self) -> dict:
        """As JSON values: an accuracy without samples (NaN) is None, so the JSON stays valid."""
        return {"name": self.name, "samples": int(self.counts.sum()), "accuracy": _rounded(self.overall),
                "per_digit": {str(d): _rounded(a) for d, a in enumerate(self.per_digit)}}


def _rounded(accuracy: float) -> float | None:
    return None if math.isnan(accuracy) else round(float(accuracy), 6)


def _cell(accuracy: float, samples: int) -> str:
    """One table cell: "99.59 % (n=10000)", or "no samples"."""
    return f"{accuracy * 100:8.2f} % (n={samples:>5})" if samples else "no samples"


def confusion_matrix(predictions: np.ndarray, labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """(classes, classes) counts: row = true label, column = prediction (blank answers excluded:
    count them separately)."""
    predictions = np.asarray(predictions)
    if predictions.size and predictions.min() < 0:
        raise ValueError("confusion_matrix got blank (negative) predictions; leave them out and report them apart")
    return np.bincount(np.asarray(labels) * classes + np.asarray(predictions),
                       minlength=classes * classes).reshape(classes, classes)


def mnist_test_recognitions(recognizer: Recognizer, data_dir: Path | str | None = None
                            ) -> tuple[Recognitions, np.ndarray]:
    """What ``recognizer`` makes of the 10,000 MNIST test images, and their labels."""
    images, labels = load_mnist("test", data_dir)
    return recognizer.recognize_inputs(to_input(images)[:, 0]), labels.astype(np.int64)


def evaluate_mnist_test(recognizer: Recognizer, data_dir: Path | str | None = None) -> Scores:
    """Scores of ``recognizer`` on the 10,000 MNIST test images."""
    recs, labels = mnist_test_recognitions(recognizer, data_dir)
    return Scores.of("MNIST test", recs.digits, labels)


def format_table(scores: list[Scores]) -> str:
    """A plain-text table: one row per digit, one column per scored set."""
    head = "digit | " + " | ".join(f"{s.name:>18}" for s in scores)
    lines = [head, "-" * len(head)]
    for d in range(10):
        cells = [_cell(s.per_digit[d], int(s.counts[d])) for s in scores]
        lines.append(f"{d:>5} | " + " | ".join(f"{c:>18}" for c in cells))
    lines.append("-" * len(head))
    lines.append("  all | " + " | ".join(_cell(s.overall, int(s.counts.sum())) for s in scores))
    return "\n".join(lines)
