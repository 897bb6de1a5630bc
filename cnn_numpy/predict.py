"""``python main.py predict``: recognise the digit in image files, one output line per file.

Decoding and preprocessing (the costly part) run in a pool of worker processes over chunks
of paths; the parent runs the network on batches of the resulting 28x28 inputs and writes
the lines in input order. Only a bounded window of chunks is in flight, so memory does not
grow with the number of files. Small inputs are handled in-process (no pool start-up).

For throughput, BLAS should run single-threaded in this process (OPENBLAS_NUM_THREADS=1 before
numpy is imported, as main.py sets by default): the workers already use every core, and
a multi-threaded BLAS spinning against them costs about a third of the throughput.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path

import numpy as np

from .image_files import ImageFileError, iter_image_paths, open_image
from .preprocess import preprocess
from .recognizer import Recognition, Recognizer

POOL_MIN_FILES = 64      # fewer files than this: decode in-process
CHUNK = 32               # paths per task sent to a worker
AHEAD = 4                # chunks in flight per worker

Loaded = np.ndarray | None | ImageFileError   # network input, blank image, or why the file failed


def load_input(path: Path) -> np.ndarray | None:
    """File -> (28, 28) float32 network input, None if the image has no ink; ImageFileError if unusable."""
    image = open_image(path)
    try:
        return preprocess(image)
    except ValueError as e:          # e.g. a colour mode Pillow cannot convert to grey (LAB)
        raise ImageFileError(path, f"unsupported image mode {image.mode} ({e})") from None


def _load_one(path: Path) -> Loaded:
    try:
        return load_input(path)
    except ImageFileError as e:
        return e


def _load_chunk(paths: list[Path]) -> list[Loaded]:
    """Worker task: load every path of a chunk, failures as values."""
    return [_load_one(path) for path in paths]


def load_inputs(paths: list[Path], workers: int) -> Iterator[tuple[Path, Loaded]]:
    """(path, loaded) for every path, in order; decoded by ``workers`` processes when worth it."""
    if workers <= 1 or len(paths) < POOL_MIN_FILES:
        for path in paths:
            yield path, _load_one(path)
        return
    chunks = iter([paths[i:i + CHUNK] for i in range(0, len(paths), CHUNK)])
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        pending = deque((chunk, pool.submit(_load_chunk, chunk)) for chunk in islice(chunks, workers * AHEAD))
        try:
            while pending:
                chunk, future = pending.popleft()
                for nxt in islice(chunks, 1):
                    pending.append((nxt, pool.submit(_load_chunk, nxt)))
                yield from zip(chunk, future.result())
        finally:
            for _, future in pending:
                future.cancel()


def format_line(path: Path, rec: Recognition, as_json: bool) -> str:
    """One output line for a recognised (or blank) image."""
    if as_json:
        return json.dumps({"path": str(path), "digit": rec.digit, "confidence": round(rec.confidence, 6),
                           "probs": [round(float(p), 6) for p in rec.probs]})
    if rec.digit is None:
        return f"{path}: no digit (blank image)"
    return f"{path}: {rec.digit} ({rec.confidence * 100:.1f} %)"


def format_error(error: ImageFileError, as_json: bool) -> str:
    if as_json:
        return json.dumps({"path": str(error.path), "error": error.reason})
    return f"error: {error}"


def _flush(recognizer: Recognizer, items: list[tuple[Path, Loaded]], as_json: bool) -> int:
    """Run the network once over the inputs among ``items`` and write their lines. -> failures."""
    recs = iter(recognizer.recognize_prepared([x for _, x in items if not isinstance(x, ImageFileError)]))
    failures = 0
    for path, loaded in items:
        if isinstance(loaded, ImageFileError):
            failures += 1
            if not as_json:          # errors go to stderr, after the lines before them
                sys.stdout.flush()
                print(format_error(loaded, False), file=sys.stderr)
                continue
            line = format_error(loaded, True)
        else:
            line = format_line(path, next(recs), as_json)
        sys.stdout.write(line + "\n")
    return failures


def cmd_predict(paths: list[Path], weights: Path | None, as_json: bool,
                batch_size: int = 256, workers: int | None = None) -> int:
    """Print the digit of every image in ``paths`` (files or folders). -> exit code:
    0 all recognised, 1 some files could not be read, 2 nothing to do or bad arguments.
    WeightsError (bad weights file) propagates to the caller."""
    workers = (os.cpu_count() or 1) if workers is None else workers
    if batch_size < 1 or workers < 1:
        print("error: --batch-size and --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        files = iter_image_paths(paths)
    except ImageFileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not files:
        where = ", ".join(map(str, paths)) or "(no paths given)"
        print(f"error: no image files found in {where}", file=sys.stderr)
        return 2
    recognizer = Recognizer.from_weights(weights)
    failures, items = 0, []
    try:
        for item in load_inputs(files, workers):
            items.append(item)
            if len(items) >= batch_size:
                failures += _flush(recognizer, items, as_json)
                items = []
        failures += _flush(recognizer, items, as_json)
        sys.stdout.flush()
    except BrokenPipeError:          # e.g. piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 1 if failures else 0
