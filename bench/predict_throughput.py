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
from cnn_numpy.recognition.files import BATCH, recognize_files
from cnn_numpy.recognition.recognizer import Recognizer


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float) -> np.ndarray:
    """Elliptic arc, 0 degrees at the top, clockwise, y downward."""
    t = np.radians(np.linspace(start, stop, max(3, int(abs(stop - start) / 10))))
    return np.stack([cx + rx * np.sin(t), cy - ry * np.cos(t)], axis=1)


def _line(*points: tuple[float, float]) -> np.ndarray:
    return np.asarray(points, dtype=np.float64)


TEMPLATES: dict[int, list[np.ndarray]] = {
    0: [_arc(0.5, 0.5, 0.28, 0.4, 0, 360)],
    1: [_line((0.4, 0.2), (0.55, 0.1), (0.55, 0.9))],
    2: [np.concatenate([_arc(0.5, 0.32, 0.25, 0.22, -80, 130), _line((0.25, 0.9), (0.78, 0.9))])],
    3: [_arc(0.5, 0.3, 0.24, 0.2, -80, 180), _arc(0.5, 0.7, 0.27, 0.2, 0, 250)],
    4: [_line((0.6, 0.1), (0.2, 0.62), (0.8, 0.62)), _line((0.62, 0.35), (0.62, 0.92))],
    5: [np.concatenate([_line((0.75, 0.1), (0.32, 0.1), (0.28, 0.45)), _arc(0.5, 0.65, 0.27, 0.25, -60, 230)])],
    6: [np.concatenate([_line((0.7, 0.1), (0.3, 0.55)), _arc(0.5, 0.7, 0.23, 0.2, -110, 250)])],
    7: [_line((0.2, 0.12), (0.8, 0.12), (0.4, 0.92))],
    8: [_arc(0.5, 0.3, 0.2, 0.2, 0, 360), _arc(0.5, 0.7, 0.25, 0.22, 0, 360)],
    9: [np.concatenate([_arc(0.5, 0.32, 0.24, 0.22, 90, 450), _line((0.74, 0.32), (0.62, 0.92))])],
}


def make_digits(folder: Path, n: int, seed: int = 0) -> None:
    """Write n canvas-like PNGs ``folder/00000_D.png`` (D = the digit drawn)."""
    rng = np.random.default_rng(seed)
    for i in range(n):
        digit = i % 10
        strokes = [s + rng.normal(0, 0.005, s.shape) for s in TEMPLATES[digit]]
        slant = rng.uniform(-0.25, 0.25)
        strokes = [np.stack([s[:, 0] + slant * (0.5 - s[:, 1]), s[:, 1]], axis=1) for s in strokes]
        render_digit(strokes, rng).save(folder / f"{i:05d}_{digit}.png")


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
