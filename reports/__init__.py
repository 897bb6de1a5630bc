"""Reports on the network: evaluation figures, model comparison and ablations.

Shared here: the command line printed beneath every figure and table, MNIST with an
optional subset, and the real writers' digits, rendered and preprocessed once per report
run so that every model sees exactly the same 28x28 inputs.
"""
from __future__ import annotations

import argparse
import functools
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnn_numpy.cli import printable_command
from cnn_numpy.evaluate import Scores
from cnn_numpy.files import write_text  # noqa: F401  (re-exported for the reports)
from cnn_numpy.mnist import MnistError, load_mnist, to_input
from cnn_numpy.pen_digits import (
    PenDigits,
    UnipenMissingError,
    load_pen_digits,
    render_all,
)
from cnn_numpy.preprocess import preprocess
from cnn_numpy.weights import WeightsError

REAL_WRITERS = "real writers (dev)"


def cli(main: Callable[[list[str] | None], int]) -> Callable[[list[str] | None], int]:
    """Wrap a report's ``main``: missing or bad data or weights end with one line and status 2."""
    @functools.wraps(main)
    def wrapped(argv: list[str] | None = None) -> int:
        try:
            return main(argv)
        except (MnistError, WeightsError, UnipenMissingError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    return wrapped


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """--data-dir (MNIST) and --unipen-dir (real writers), as every report takes them."""
    parser.add_argument("--data-dir", type=Path, default=None, help="MNIST folder (default: $HDR_DATA_DIR)")
    parser.add_argument("--unipen-dir", type=Path, default=None, help="UNIPEN folder (default: $HDR_UNIPEN_DIR)")


def command_line(module: str, argv: list[str]) -> str:
    """``python -m module ARGS`` as run, without the machine-specific data folders."""
    return printable_command(f"python -m {module}", argv)


def load_split(split: str, data_dir: Path | str | None, subset: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(x float32 (N, 1, 28, 28), y int64 (N,)): the first ``subset`` images of an MNIST split."""
    images, labels = load_mnist(split, data_dir)
    images, labels = images[:subset], labels[:subset]
    return to_input(images), labels.astype(np.int64)


def load_digits(unipen_dir: Path | str | None, limit: int | None = None,
                log: Callable[[str], None] = print) -> PenDigits | None:
    """The first ``limit`` real-writer samples, or None (with a note) when no folder is given
    (neither ``unipen_dir`` nor $HDR_UNIPEN_DIR). A folder given but missing raises UnipenMissingError."""
    if not unipen_dir and not os.environ.get("HDR_UNIPEN_DIR"):
        log("note: real-writer column skipped: no UNIPEN folder (pass --unipen-dir or set HDR_UNIPEN_DIR)")
        return None
    digits = load_pen_digits(unipen_dir)
    return PenDigits(digits.strokes[:limit], digits.labels[:limit], digits.sources[:limit])


@dataclass
class RealWriters:
    """Real writers' digits as the app's canvas draws them, after the app's preprocessing."""
    inputs: np.ndarray     # (S, 28, 28) float32, zeros where the render had no ink
    present: np.ndarray    # (S,) bool: preprocessing found ink
    labels: np.ndarray     # (S,) int

    @classmethod
    def of(cls, digits: PenDigits, seed: int = 0) -> RealWriters:
        """Render (seeded, as cnn_numpy.real_writers does) and preprocess every sample once."""
        found = [preprocess(image) for image in render_all(digits, seed)]
        present = np.array([x is not None for x in found], bool)
        inputs = np.stack([np.zeros((28, 28), np.float32) if x is None else x for x in found])
        return cls(inputs, present, np.asarray(digits.labels, np.int64))

    def score(self, predict: Callable[[np.ndarray], np.ndarray]) -> Scores:
        """Scores of ``predict`` ((N, 1, 28, 28) -> (N,) digits); blank renders count as wrong."""
        predictions = np.full(len(self.labels), -1, np.int64)
        if self.present.any():
            predictions[self.present] = predict(self.inputs[self.present][:, None])
        return Scores.of(REAL_WRITERS, predictions, self.labels)


def load_real_writers(unipen_dir: Path | str | None, limit: int | None = None, seed: int = 0,
                      log: Callable[[str], None] = print) -> RealWriters | None:
    """:class:`RealWriters` of the UNIPEN folder, or None when it is missing."""
    digits = load_digits(unipen_dir, limit, log)
    return None if digits is None else RealWriters.of(digits, seed)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def percent(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x * 100:.{digits}f} %"

