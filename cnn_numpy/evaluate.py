"""Accuracy of a network, overall and per digit, as numbers, a table and a bar chart."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .figures import pyplot, save_figure
from .mnist import load_mnist, to_input
from .network import SimpleConvNet


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
        return {"name": self.name, "samples": int(self.counts.sum()), "accuracy": round(self.overall, 6),
                "per_digit": {str(d): round(float(a), 6) for d, a in enumerate(self.per_digit)}}


def confusion_matrix(predictions: np.ndarray, labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """(classes, classes) counts: row = true label, column = prediction (blank answers excluded:
    count them separately)."""
    predictions = np.asarray(predictions)
    if predictions.size and predictions.min() < 0:
        raise ValueError("confusion_matrix got blank (negative) predictions; leave them out and report them apart")
    return np.bincount(np.asarray(labels) * classes + np.asarray(predictions),
                       minlength=classes * classes).reshape(classes, classes)


def evaluate_mnist_test(net: SimpleConvNet, data_dir=None) -> Scores:
    """Scores of ``net`` on the 10,000 MNIST test images."""
    images, labels = load_mnist("test", data_dir)
    predictions = net.predict_proba(to_input(images)).argmax(axis=1)
    return Scores.of("MNIST test", predictions, labels)


def format_table(scores: list[Scores]) -> str:
    """A plain-text table: one row per digit, one column per scored set."""
    head = "digit | " + " | ".join(f"{s.name:>18}" for s in scores)
    lines = [head, "-" * len(head)]
    for d in range(10):
        cells = [f"{s.per_digit[d] * 100:8.2f} % (n={int(s.counts[d]):>5})" for s in scores]
        lines.append(f"{d:>5} | " + " | ".join(f"{c:>18}" for c in cells))
    lines.append("-" * len(head))
    lines.append("  all | " + " | ".join(f"{s.overall * 100:8.2f} % (n={int(s.counts.sum()):>5})" for s in scores))
    return "\n".join(lines)


def plot_per_digit(scores: list[Scores], path: Path, caption: str = "") -> None:
    """Grouped bar chart of per-digit accuracy (matplotlib, Agg), with the command as caption."""
    fig, ax = pyplot().subplots(figsize=(9, 4.5))
    width = 0.8 / len(scores)
    lows = []
    for i, s in enumerate(scores):
        xs = np.arange(10) + (i - (len(scores) - 1) / 2) * width
        bars = ax.bar(xs, s.per_digit * 100, width, label=f"{s.name} ({s.overall * 100:.2f} %)")
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=1)
        lows.append(np.nanmin(s.per_digit) * 100)
    ax.set(xticks=range(10), xlabel="digit", ylabel="accuracy (%)", title="Per-digit accuracy",
           ylim=(max(0.0, min(lows) - 3), 100.5))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=len(scores), fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    save_figure(fig, path, caption, dpi=110)
