"""Report figures (matplotlib, Agg backend, no screen needed): confusion matrix, mistakes,
per-digit accuracy, training curves."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..files import write_bytes
from .scores import Scores


def pyplot():
    """matplotlib.pyplot on the Agg backend (works without a screen)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save_figure(fig, path: Path | str, caption: str = "", top: float = 1.0, dpi: int = 100, laid_out: bool = False
                ) -> None:
    """Lay out (unless ``laid_out``: the figure placed its axes itself), add the reproducing command as a caption at
    the bottom, write the PNG atomically."""
    if not laid_out:
        fig.tight_layout(rect=(0, 0.04 if caption else 0, 1, top))
    if caption:
        fig.text(0.01, 0.005, caption, fontsize=7, family="monospace", va="bottom")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    pyplot().close(fig)
    write_bytes(path, buf.getvalue())


def plot_confusion(cm: np.ndarray, path: Path, title: str, caption: str = "") -> None:
    """Counts (left) and row-normalised percentages (right); rows = true digit."""
    plt = pyplot()
    rows = cm.sum(axis=1, keepdims=True)
    norm = np.divide(cm, rows, out=np.zeros(cm.shape, float), where=rows > 0) * 100
    fig, axes = plt.subplots(1, 2, figsize=(13, 6))
    for ax, data, fmt, sub in ((axes[0], cm, "d", "counts"), (axes[1], norm, ".1f", "% of each true digit")):
        ax.imshow(np.log1p(data) if fmt == "d" else data, cmap="Blues")
        for (i, j), v in np.ndenumerate(data):
            if v:
                ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=7,
                        color="white" if i == j else "black")
        ax.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true", title=f"{title}: {sub}")
    save_figure(fig, path, caption)


def plot_mistakes(images: np.ndarray, labels: np.ndarray, predictions: np.ndarray, confidence: np.ndarray,
                  path: Path, title: str, caption: str = "", limit: int = 60) -> int:
    """Grid of misclassified images, most confident mistakes first. Returns how many were wrong."""
    plt = pyplot()
    wrong = np.flatnonzero(predictions != labels)
    wrong = wrong[np.argsort(-confidence[wrong], kind="stable")][:limit]
    cols = 10
    rows = max(1, -(-len(wrong) // cols))
    height = rows * 1.55 + 0.9                    # inches
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.3, height), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong):
        ax.imshow(images[i], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        pred = "blank" if predictions[i] < 0 else str(predictions[i])
        ax.set_title(f"true {labels[i]} → {pred}\n{confidence[i] * 100:.0f} %", fontsize=8)
    fig.suptitle(f"{title}: {int((predictions != labels).sum())} mistakes (most confident first)", fontsize=10)
    # a regular grid needs no tight_layout (seconds for 60 axes)
    fig.subplots_adjust(left=0.01, right=0.99, wspace=0.15, hspace=0.75, top=1 - 0.75 / height,
                        bottom=(0.3 if caption else 0.05) / height)
    save_figure(fig, path, caption, laid_out=True)
    return int((predictions != labels).sum())


def plot_curves(rows: list[dict], path: Path, caption: str = "") -> None:
    """Loss and accuracy per epoch (training and validation) as a PNG, with an optional caption."""
    if not rows:
        return
    epochs = [r["epoch"] for r in rows]
    fig, (ax1, ax2) = pyplot().subplots(1, 2, figsize=(10, 4))
    sets = (("train", "training"),) + ((("val", "validation"),) if rows[0]["val_loss"] is not None else ())
    for prefix, label in sets:
        ax1.plot(epochs, [r[f"{prefix}_loss"] for r in rows], marker="o", label=label)
        ax2.plot(epochs, [r[f"{prefix}_acc"] for r in rows], marker="o", label=label)
    ax1.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    ax2.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend()
    save_figure(fig, path, caption)


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


def plot_reliability(curves: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, float]], path: Path,
                     caption: str = "") -> None:
    """Reliability diagram: accuracy against confidence per bin, one line per set
    (name -> (mean confidence, accuracy, count, ECE) of calibration.reliability), the diagonal
    being perfect calibration; the share of answers in each bin below."""
    plt = pyplot()
    fig, (ax, hist) = plt.subplots(2, 1, figsize=(6.5, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    ax.plot([0, 1], [0, 1], color="0.6", linestyle="--", label="perfect calibration")
    for (name, (conf, acc, count, ece)), marker in zip(curves.items(), "osD^v"):
        seen = count > 0
        ax.plot(conf[seen], acc[seen], marker=marker, label=f"{name} (ECE {ece * 100:.2f} %)")
        hist.plot(conf[seen], count[seen] / count.sum(), marker=marker)
    ax.set(ylabel="accuracy", title="Reliability of the shown confidence", xlim=(0, 1.01), ylim=(0, 1.01))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    hist.set(xlabel="confidence shown (calibrated)", ylabel="share of answers", yscale="log")
    hist.grid(alpha=0.3)
    save_figure(fig, path, caption)
