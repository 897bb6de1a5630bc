"""Throughput of ``python main.py predict`` on canvas-like 280x280 PNG digits, decoding included.

    python -m bench.predict_throughput [--n 5000] [--workers N] [--batch-size 128] [--weights P]

Draws N digits (templates of the ten digits, jittered, random size/position/pen width, as on
the app's canvas) into a temporary folder, runs predict's engine (cnn_numpy.recognition.files:
worker processes reading and recognising batches of files) on the folder, writing the JSON lines predict
writes to /dev/null, and prints, one per line at the end:
    images: N
    seconds: S              wall time of the predict engine (weights loading included)
    images_per_second: R
Before them it prints the CPU time per image (parent + workers), which shows what the
machine could do when the wall time is distorted by other jobs: about 2 cores / that time.

BLAS is limited to one thread (importing cnn_numpy first sets that default, as for ``python
main.py predict``): the workers already use every core, and a multi-threaded BLAS in each
would spin against the others.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import cnn_numpy  # noqa: F401  (first: one BLAS thread unless the environment says otherwise)

# isort: split
import numpy as np

from cnn_numpy.data.image_files import ImageFileError, iter_image_paths
from cnn_numpy.data.strokes import render_digit
from cnn_numpy.data.templates import jittered
from cnn_numpy.recognition.files import BATCH, recognize_files
from cnn_numpy.recognition.recognizer import Recognizer


def make_digits(folder: Path, n: int, seed: int = 0) -> None:
    """Write n canvas-like PNGs ``folder/00000_D.png`` (D = the digit drawn)."""
    rng = np.random.default_rng(seed)
    for i in range(n):
        render_digit(jittered(i % 10, rng), rng).save(folder / f"{i:05d}_{i % 10}.png")


def cpu_seconds() -> tuple[float, float]:
    """User + system CPU time of (this process, its finished children)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=5000, help="number of images")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    ap.add_argument("--batch-size", type=int, default=BATCH)
    ap.add_argument("--weights", type=Path, default=None, help="weights .npz (default: the shipped file)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="predict_bench_") as tmp:
        folder = Path(tmp)
        make_digits(folder, args.n)
        cpu0, started = cpu_seconds(), time.perf_counter()
        recognizer = Recognizer.from_weights(args.weights)
        failed = 0
        with open(os.devnull, "w") as devnull:
            for path, rec in recognize_files(recognizer, iter_image_paths([folder]), args.batch_size,
                                             args.workers or os.cpu_count() or 1):
                if isinstance(rec, ImageFileError):
                    failed += 1
                    continue
                devnull.write(json.dumps({"path": str(path), "digit": rec.digit, "confidence": round(rec.confidence, 6),
                                          "probs": [round(float(p), 6) for p in rec.probs]}) + "\n")
        seconds = time.perf_counter() - started
        parent, workers = (after - before for after, before in zip(cpu_seconds(), cpu0))
    if failed:
        print(f"{failed} images could not be read", file=sys.stderr)
        return 1
    print(f"cpu_ms_per_image: {(parent + workers) / args.n * 1e3:.2f} "
          f"(parent {parent / args.n * 1e3:.2f}, workers {workers / args.n * 1e3:.2f})")
    print(f"images: {args.n}")
    print(f"seconds: {seconds:.2f}")
    print(f"images_per_second: {math.floor(args.n / seconds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
