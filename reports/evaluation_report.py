"""Evaluation report of one set of weights: figures and a README in one folder.

    python -m reports.evaluation_report --weights weights/simple_convnet.npz --out docs/report

    confusion.png   MNIST test confusion matrix, counts and row-normalised
    mistakes.png    misclassified MNIST test images, most confident first
    curves.png      loss and accuracy per epoch, from the training log (--log)
    per_digit.png   per-digit accuracy, MNIST test beside the real writers (dev)
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnn_numpy.evaluate import Scores, confusion_matrix, format_table, plot_per_digit
from cnn_numpy.figures import plot_confusion, plot_mistakes
from cnn_numpy.network import SimpleConvNet
from cnn_numpy.real_writers import evaluate_real_writers
from cnn_numpy.recognizer import Recognizer
from cnn_numpy.train import plot_curves
from cnn_numpy.weights import DEFAULT_WEIGHTS, REPO_ROOT, load_weights

from . import (
    add_data_options,
    cli,
    command_line,
    load_digits,
    load_split,
    percent,
    write_text,
)

MODULE = "reports.evaluation_report"
DEFAULT_LOG = DEFAULT_WEIGHTS.parent / "training_log.json"
MISTAKES_SHOWN = 60


@dataclass
class MnistResult:
    scores: Scores
    images: np.ndarray        # (N, 28, 28) float32 in [0, 1]
    confidence: np.ndarray    # (N,) probability of the predicted digit


def mnist_test(net: SimpleConvNet, data_dir: Path | None, subset: int | None = None) -> MnistResult:
    """Predictions of ``net`` on the first ``subset`` MNIST test images (all 10,000 by default)."""
    x, y = load_split("test", data_dir, subset)
    probs = net.predict_proba(x)
    return MnistResult(Scores.of("MNIST test", probs.argmax(axis=1), y), x[:, 0], probs.max(axis=1))


def real_writer_scores(net: SimpleConvNet, unipen_dir: Path | None, limit: int | None = None,
                       log: Callable[[str], None] = print) -> Scores | None:
    """Real-writer dev scores through the app's recognition path, or None without UNIPEN data."""
    digits = load_digits(unipen_dir, limit, log)
    return None if digits is None else evaluate_real_writers(Recognizer(net), digits).scores


def per_digit_chart(scores: list[Scores], out_png: Path, caption: str, log: Callable[[str], None] = print) -> None:
    log(format_table(scores))
    plot_per_digit(scores, out_png, caption)


def per_digit_report(weights: Path | str | None, data_dir: Path | str | None, unipen_dir: Path | str | None,
                     out_png: Path | str, caption: str | None = None, subset: int | None = None,
                     log: Callable[[str], None] = print) -> list[Scores]:
    """Per-digit accuracy on MNIST test and on the real writers (dev), as a table (logged) and a chart.

    Without UNIPEN data the real-writer column is left out with a note. ``caption`` (default:
    the running command) is printed under the chart.
    """
    net, _ = load_weights(weights)
    scores = [mnist_test(net, data_dir, subset).scores]
    real = real_writer_scores(net, unipen_dir, subset, log)
    scores += [real] if real is not None else []
    per_digit_chart(scores, Path(out_png), "python " + shlex.join(sys.argv) if caption is None else caption, log)
    return scores


def shown_path(path: Path | str) -> str:
    """``path`` relative to the repository when it lies inside it (docs stay machine-independent)."""
    path = Path(path).resolve()
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


Section = tuple[str, str, str]   # (file, title, what it shows)


def mnist_figures(result: MnistResult, cm: np.ndarray, out: Path, command: str) -> list[Section]:
    s = result.scores
    plot_confusion(cm, out / "confusion.png", "MNIST test", command)
    wrong = plot_mistakes(result.images, s.labels, s.predictions, result.confidence, out / "mistakes.png",
                          "MNIST test", command, MISTAKES_SHOWN)
    return [("confusion.png", "Confusion matrix, MNIST test",
             f"{len(s.labels):,} images; rows are the true digit. Left: counts; right: % of each true digit."),
            ("mistakes.png", "Misclassified MNIST test images",
             (f"{wrong} mistakes; up to {MISTAKES_SHOWN} shown, most confident first, with true label, "
              "prediction and confidence."))]


def curves_figure(log_path: Path, out: Path, command: str, log: Callable[[str], None]) -> list[Section]:
    if not log_path.is_file():
        log(f"note: training curves skipped: {log_path} not found (pass --log)")
        return []
    plot_curves(json.loads(log_path.read_text(encoding="utf-8")), out / "curves.png", command)
    return [("curves.png", "Training curves", f"Loss and accuracy per epoch, from `{shown_path(log_path)}`.")]


def per_digit_figure(net: SimpleConvNet, mnist: Scores, unipen_dir: Path | None, subset: int | None, out: Path,
                     command: str, log: Callable[[str], None]) -> Section:
    real = real_writer_scores(net, unipen_dir, subset, log)
    scores = [mnist] + ([real] if real is not None else [])
    per_digit_chart(scores, out / "per_digit.png", command, log)
    what = ", ".join(f"{x.name}: {percent(x.overall)} of {int(x.counts.sum()):,}" for x in scores)
    if real is None:
        what += " (real writers skipped: no UNIPEN folder)"
    return "per_digit.png", "Per-digit accuracy", what + "."


def build_report(weights: Path, out: Path, log_path: Path, data_dir: Path | None, unipen_dir: Path | None,
                 subset: int | None, command: str, log: Callable[[str], None] = print) -> np.ndarray:
    """Write the figures and README.md into ``out``; returns the MNIST test confusion matrix."""
    out.mkdir(parents=True, exist_ok=True)
    net, _ = load_weights(weights)
    result = mnist_test(net, data_dir, subset)
    s = result.scores
    cm = confusion_matrix(s.predictions, s.labels)
    sections = mnist_figures(result, cm, out, command) + curves_figure(log_path, out, command, log)
    sections.append(per_digit_figure(net, s, unipen_dir, subset, out, command, log))
    text = [(f"# Evaluation report\n\nWeights: `{shown_path(weights)}`. MNIST test accuracy {percent(s.overall)} "
             f"on {len(s.labels):,} images.\n")]
    text += [f"## {title}\n\n![{title}]({name})\n\n{what}\n\n    {command}\n" for name, title, what in sections]
    write_text(out / "README.md", "\n".join(text))
    log(f"wrote {', '.join(name for name, _, _ in sections)} and README.md in {out}")
    return cm


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__.split("\n")[0])
    p.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS, help="weights .npz")
    p.add_argument("--out", type=Path, default=Path("docs/report"), help="folder for the figures and README.md")
    p.add_argument("--log", type=Path, default=DEFAULT_LOG, help="training log (JSON list of per-epoch rows)")
    p.add_argument("--subset", type=int, default=None, help="use only the first N test and real-writer samples")
    add_data_options(p)
    return p


@cli
def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    build_report(args.weights, args.out, args.log, args.data_dir, args.unipen_dir, args.subset,
                 command_line(MODULE, argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
