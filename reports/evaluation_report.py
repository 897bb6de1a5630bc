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

from cnn_numpy.errors import DataError
from cnn_numpy.evaluation.calibrate import measure_calibration
from cnn_numpy.evaluation.figures import plot_confusion, plot_curves, plot_mistakes, plot_per_digit, plot_reliability
from cnn_numpy.evaluation.real_writers import RealWriterInputs, evaluate_real_writers, writer_sets
from cnn_numpy.evaluation.scores import Scores, confusion_matrix, format_table
from cnn_numpy.files import write_text
from cnn_numpy.paths import DEFAULT_WEIGHTS, shown_path
from cnn_numpy.recognition.calibration import Calibration, expected_calibration_error, reliability
from cnn_numpy.recognition.recognizer import Recognizer

from . import (
    cli,
    load_split,
    parse,
    percent,
    report_parser,
)

MODULE = "reports.evaluation_report"
DEFAULT_LOG = DEFAULT_WEIGHTS.parent / "training_log.json"
MISTAKES_SHOWN = 60


@dataclass
class MnistResult:
    scores: Scores
    images: np.ndarray        # (N, 28, 28) float32 in [0, 1]
    confidence: np.ndarray    # (N,) probability of the predicted digit


def mnist_test(recognizer: Recognizer, data_dir: Path | None, subset: int | None = None) -> MnistResult:
    """Predictions on the first ``subset`` MNIST test images (all 10,000 by default)."""
    x, y = load_split("test", data_dir, subset)
    recs = recognizer.recognize_inputs(x[:, 0])
    return MnistResult(Scores.of("MNIST test", recs.digits, y), recs.inputs, recs.confidence)


def validation_writers(unipen_dir: Path | None, pendigits_dir: Path | None, limit: int | None = None,
                       log: Callable[[str], None] = print) -> dict[str, RealWriterInputs]:
    """The validation writers that are available (UNIPEN dev, pendigits test), name -> the first
    ``limit`` of their digits drawn as on the canvas and preprocessed; {} (with a note) when none is."""
    try:
        sets = writer_sets(unipen_dir, pendigits_dir)
    except DataError as e:
        log(f"note: real-writer figures skipped ({e})")
        return {}
    return {name: RealWriterInputs.of(digits.subset(np.arange(len(digits)) < (limit or len(digits))))
            for name, digits in sets.values()}


def per_digit_chart(scores: list[Scores], out_png: Path, caption: str, log: Callable[[str], None] = print) -> None:
    log(format_table(scores))
    plot_per_digit(scores, out_png, caption)


def per_digit_report(weights: Path | str | None, data_dir: Path | str | None, unipen_dir: Path | str | None,
                     out_png: Path | str, caption: str | None = None, subset: int | None = None,
                     log: Callable[[str], None] = print, pendigits_dir: Path | str | None = None) -> list[Scores]:
    """Per-digit accuracy on MNIST test and on the validation writers, as a table (logged) and a chart.

    Writer sets that are not available are left out with a note. ``caption`` (default: the
    running command) is printed under the chart.
    """
    recognizer = Recognizer.from_weights(weights)
    scores = [mnist_test(recognizer, data_dir, subset).scores]
    writers = validation_writers(unipen_dir, pendigits_dir, subset, log)
    scores += [evaluate_real_writers(recognizer, prepared, name=name).scores for name, prepared in writers.items()]
    per_digit_chart(scores, Path(out_png), "python " + shlex.join(sys.argv) if caption is None else caption, log)
    return scores


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


def per_digit_figure(recognizer: Recognizer, mnist: Scores, writers: dict[str, RealWriterInputs], out: Path,
                     command: str, log: Callable[[str], None]) -> Section:
    scores = [mnist] + [evaluate_real_writers(recognizer, prepared, name=name).scores
                        for name, prepared in writers.items()]
    per_digit_chart(scores, out / "per_digit.png", command, log)
    what = ", ".join(f"{x.name}: {percent(x.overall)} of {int(x.counts.sum()):,}" for x in scores)
    if not writers:
        what += " (validation writers skipped: no UNIPEN or pendigits folder)"
    return "per_digit.png", "Per-digit accuracy", what + "."


def calibration_figure(recognizer: Recognizer, writers: dict[str, RealWriterInputs], out: Path,
                       command: str) -> list[Section]:
    """Reliability diagram and ECE on the validation writers, before and after the calibration."""
    if not writers:
        return []
    curves, lines = {}, []
    for name, prepared in writers.items():
        x = np.stack([i for i in prepared.inputs if i is not None])
        labels = prepared.labels[[i is not None for i in prepared.inputs]]
        logits = recognizer.net.predict_logits(x[:, None])
        for how, cal in (("raw softmax", Calibration()), ("calibrated", recognizer.calibration)):
            probs = cal.probabilities(logits)
            ece = expected_calibration_error(probs, labels)
            curves[f"{name}, {how}"] = (*reliability(probs, labels), ece)
            lines.append(f"{name}, {how}: ECE {percent(ece)}")
        figures = measure_calibration(recognizer, prepared)
        lines.append(f"{name}: wrong answers flagged (unsure or not a digit) {percent(figures.wrong_flagged)}, "
                     f"right answers flagged {percent(figures.right_flagged)}, called not a digit "
                     f"{percent(figures.digits_not_digit)}")
    plot_reliability(curves, out / "reliability.png", command)
    cal = recognizer.calibration
    source = "from the weights' metadata" if recognizer.calibrated else "none: the weights carry no calibration"
    what = (f"Temperature {cal.temperature:.3f} ({source}); not a digit below {cal.not_digit_below:.3f}, unsure "
            f"below {cal.unsure_below:.3f}. The calibration was fitted on these same validation writers, so these "
            "are not unseen-writer figures. " + "; ".join(lines) + ".")
    return [("reliability.png", "Calibration (reliability diagram)", what)]


def build_report(weights: Path, out: Path, log_path: Path, data_dir: Path | None, unipen_dir: Path | None,
                 subset: int | None, command: str, log: Callable[[str], None] = print,
                 pendigits_dir: Path | None = None) -> np.ndarray:
    """Write the figures and README.md into ``out``; returns the MNIST test confusion matrix."""
    out.mkdir(parents=True, exist_ok=True)
    recognizer = Recognizer.from_weights(weights)
    result = mnist_test(recognizer, data_dir, subset)
    s = result.scores
    cm = confusion_matrix(s.predictions, s.labels)
    sections = mnist_figures(result, cm, out, command) + curves_figure(log_path, out, command, log)
    writers = validation_writers(unipen_dir, pendigits_dir, subset, log)
    sections.append(per_digit_figure(recognizer, s, writers, out, command, log))
    sections += calibration_figure(recognizer, writers, out, command)
    text = [(f"# Evaluation report\n\nWeights: `{shown_path(weights)}`. MNIST test accuracy {percent(s.overall)} "
             f"on {len(s.labels):,} images.\n")]
    text += [f"## {title}\n\n![{title}]({name})\n\n{what}\n\n    {command}\n" for name, title, what in sections]
    write_text(out / "README.md", "\n".join(text))
    log(f"wrote {', '.join(name for name, _, _ in sections)} and README.md in {out}")
    return cm


def build_parser() -> argparse.ArgumentParser:
    p = report_parser(MODULE, __doc__, Path("docs/report"), "folder for the figures and README.md",
                      "use only the first N test and real-writer samples")
    p.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS, help="weights .npz")
    p.add_argument("--log", type=Path, default=DEFAULT_LOG, help="training log (JSON list of per-epoch rows)")
    return p


@cli
def main(argv: list[str] | None = None) -> int:
    args, command = parse(build_parser(), MODULE, argv)
    build_report(args.weights, args.out, args.log, args.data_dir, args.unipen_dir, args.subset, command,
                 pendigits_dir=args.pendigits_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
