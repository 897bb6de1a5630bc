"""Image files to recognitions, fast: the engine of ``python main.py predict``.

Files are read in batches: each batch is decoded, preprocessed and recognised in one network pass,
by a pool of worker processes (each holding the recognizer) over batches of paths, the results
coming back in input order. The workers do all of the work, so the caller only writes the answers:
the network running in the caller instead would be a third busy process on two cores, costing a
fifth of the throughput. Only a bounded window of batches is in flight, so memory does not grow with
the number of files. Small inputs are handled in-process (no pool start-up).

BLAS should run single-threaded (importing ``cnn_numpy`` before NumPy sets this default; see
cnn_numpy/__init__.py): the workers already use every core, and a multi-threaded BLAS in each
would spin against the others.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path

import numpy as np

from ..data.image_files import ImageFileError, open_image
from .preprocess import preprocess
from .recognizer import Recognition, Recognitions, Recognizer

BATCH = 128              # images per network pass, and per task of a worker
POOL_MIN_FILES = 64      # fewer files than this: read in-process
AHEAD = 4                # batches in flight per worker

Loaded = np.ndarray | None | ImageFileError   # network input, blank image, or why the file failed
Source = Path | ImageFileError                 # a file to read, or a path known to fail (see iter_image_paths)
Answer = Recognition | ImageFileError

_RECOGNIZER: Recognizer | None = None          # in a worker process: the recognizer it was started with


def load_input(path: Path) -> np.ndarray | None:
    """File -> (28, 28) float32 network input, None if the image has no ink; ImageFileError if unusable."""
    image = open_image(path)
    try:
        return preprocess(image)
    except ValueError as e:          # e.g. a colour mode Pillow cannot convert to grey (LAB)
        raise ImageFileError(path, f"unsupported image mode {image.mode} ({e})") from None
    except MemoryError:
        raise ImageFileError(path, f"not enough memory to process a {image.width}x{image.height} image") from None


def _load_one(source: Source) -> Loaded:
    if isinstance(source, ImageFileError):
        return source
    try:
        return load_input(source)
    except ImageFileError as e:
        return e


def _path(source: Source) -> Path:
    return source.path if isinstance(source, ImageFileError) else source


def recognize_batch(sources: list[Source], recognizer: Recognizer | None = None
                    ) -> tuple[list[ImageFileError | None], Recognitions | None]:
    """Read and recognise a batch of sources in one network pass (a worker's task: with its recognizer)
    -> (why each source failed, None where it did not; the recognitions of the others, in order, as
    arrays: one object to send back, not one per image)."""
    recognizer = recognizer or _RECOGNIZER
    loaded = [_load_one(source) for source in sources]
    failed = [x if isinstance(x, ImageFileError) else None for x in loaded]
    inputs = [x for x, error in zip(loaded, failed) if error is None]
    return failed, recognizer.recognize_inputs(inputs) if inputs else None


def _answers(batch: list[Source], result: tuple[list[ImageFileError | None], Recognitions | None]
             ) -> Iterator[tuple[Path, Answer]]:
    failed, recs = result
    done = iter(recs or ())
    return ((_path(source), error or next(done)) for source, error in zip(batch, failed))


def _start_worker(recognizer: Recognizer) -> None:
    global _RECOGNIZER
    _RECOGNIZER = recognizer


def recognize_files(recognizer: Recognizer, sources: list[Source], batch_size: int = BATCH,
                    workers: int = 1) -> Iterator[tuple[Path, Answer]]:
    """(path, recognition or why the file failed) for every source (as iter_image_paths gives them),
    in order; the network runs once per ``batch_size`` files, in ``workers`` processes when worth it."""
    batches = (sources[i:i + batch_size] for i in range(0, len(sources), batch_size))
    if workers <= 1 or len(sources) < POOL_MIN_FILES:
        for batch in batches:
            yield from _answers(batch, recognize_batch(batch, recognizer))
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=_start_worker,
                             initargs=(recognizer,)) as pool:
        pending = deque((batch, pool.submit(recognize_batch, batch)) for batch in islice(batches, workers * AHEAD))
        try:
            while pending:
                batch, future = pending.popleft()
                for nxt in islice(batches, 1):
                    pending.append((nxt, pool.submit(recognize_batch, nxt)))
                yield from _answers(batch, future.result())
        finally:
            for _, future in pending:
                future.cancel()
