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
from pathlib import Path

import numpy as np

from cnn_numpy.data.mnist import load_mnist, to_input
from cnn_numpy.data.pen_archives import load_pen_digits
from cnn_numpy.data.strokes import PenDigits
from cnn_numpy.errors import HdrError
from cnn_numpy.evaluation.real_writers import RealWriterInputs
from cnn_numpy.reporting import printable_command


def cli(main: Callable[[list[str] | None], int]) -> Callable[[list[str] | None], int]:
    """Wrap a report's ``main``: missing or bad data or weights end with one line and status 2."""
    @functools.wraps(main)
    def wrapped(argv: list[str] | None = None) -> int:
        try:
            return main(argv)
        except HdrError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    return wrapped


def report_parser(module: str, doc: str, out: Path, out_help: str, subset_help: str) -> argparse.ArgumentParser:
    """The options every report has: --out, --subset, --data-dir, --unipen-dir."""
    p = argparse.ArgumentParser(prog=f"python -m {module}", description=doc.split("\n")[0])
    p.add_argument("--out", type=Path, default=out, help=out_help)
    p.add_argument("--subset", type=int, default=None, help=subset_help)
    add_data_options(p)
    return p


def parse(parser: argparse.ArgumentParser, module: str, argv: list[str] | None) -> tuple[argparse.Namespace, str]:
    """(options, the command line to print under the report's figures)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return parser.parse_args(argv), command_line(module, argv)


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """--data-dir (MNIST), --unipen-dir and --pendigits-dir (real writers), as every report takes them."""
    parser.add_argument("--data-dir", type=Path, default=None, help="MNIST folder (default: $HDR_DATA_DIR)")
    parser.add_argument("--unipen-dir", type=Path, default=None, help="UNIPEN folder (default: $HDR_UNIPEN_DIR)")
    parser.add_argument("--pendigits-dir", type=Path, default=None,
                        help="pendigits folder (default: $HDR_PENDIGITS_DIR, else the user cache)")


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


def load_real_writers(unipen_dir: Path | str | None, limit: int | None = None, seed: int = 0,
                      log: Callable[[str], None] = print) -> RealWriterInputs | None:
    """The UNIPEN writers' digits rendered and preprocessed once, or None when no folder is given."""
    digits = load_digits(unipen_dir, limit, log)
    return None if digits is None else RealWriterInputs.of(digits, seed)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def percent(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x * 100:.{digits}f} %"

