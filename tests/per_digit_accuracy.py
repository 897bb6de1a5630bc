"""Per-digit accuracy of the shipped network: how well each digit 0-9 is recognised.

    python -m tests.per_digit_accuracy [--weights W] [--data-dir D] [--unipen-dir U] [--out PNG]

Prints a 0-9 table for the 10,000 MNIST test images and, when the real-writer set is
available (--unipen-dir or $HDR_UNIPEN_DIR), for real writers' pen digits drawn as on the
canvas, side by side; saves a bar chart (matplotlib, Agg: no screen needed). The evaluation
code is the project's own (reports.evaluation_report.per_digit_report).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cnn_numpy.reporting import printable_command
from reports import add_data_options, cli
from reports.evaluation_report import per_digit_report


@cli
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", type=Path, default=None, help="weights .npz (default: the shipped file)")
    add_data_options(parser)
    parser.add_argument("--out", type=Path, default=Path("docs/per_digit.png"), help="bar chart to write")
    args = parser.parse_args(argv)
    caption = printable_command("python -m tests.per_digit_accuracy", sys.argv[1:] if argv is None else argv)
    per_digit_report(args.weights, args.data_dir, args.unipen_dir, args.out, caption=caption,
                     pendigits_dir=args.pendigits_dir)
    print(f"chart: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
