"""Image files to network inputs, fast: the engine of ``python main.py predict``.

Decoding and preprocessing (the costly part) run in a pool of worker processes over chunks
of paths; the caller runs the network on batches of the resulting 28x28 inputs, in input
order. Only a bounded window of chunks is in flight, so memory does not grow with the number
of files. Small inputs are handled in-process (no pool start-up).

For throughput, BLAS should run single-threaded in this process (importing ``cnn_numpy``
before NumPy sets this default; see cnn_numpy/__init__.py): the workers already use every core, and
a multi-threaded BLAS spinning against them costs about a third of the throughput.
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
from .recognizer import Recognition, Recognizer

BATCH = 256              # images per network pass
POOL_MIN_FILES = 64      # fewer files than this: decode in-process
CHUNK = 32               # paths per task sent to a worker
AHEAD = 4                # chunks in flight per worker

Loaded = np.ndarray | None | ImageFileError   # network input, blank image, or why the file failed
Source = Path | ImageFileError                 # a file to read, or a path known to fail (see iter_image_paths)


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


def _load_chunk(sources: list[Source]) -> list[Loaded]:
    """Worker task: load every path of a chunk, failures as values."""
    return [_load_one(source) for source in sources]


def _path(source: Source) -> Path:
    return source.path if isinstance(source, ImageFileError) else source


def load_inputs(sources: list[Source], workers: int) -> Iterator[tuple[Path, Loaded]]:
    """(path, loaded) for every source, in order; decoded by ``workers`` processes when worth it."""
    if workers <= 1 or len(sources) < POOL_MIN_FILES:
        for source in sources:
            yield _path(source), _load_one(source)
        return
    chunks = iter([sources[i:i + CHUNK] for i in range(0, len(sources), CHUNK)])
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        pending = deque((chunk, pool.submit(_load_chunk, chunk)) for chunk in islice(chunks, workers * AHEAD))
        try:
            while pending:
                chunk, future = pending.popleft()
                for nxt in islice(chunks, 1):
                    pending.append((nxt, pool.submit(_load_chunk, nxt)))
                yield from zip(map(_path, chunk), future.result())
        finally:
            for _, future in pending:
                future.cancel()


def recognize_files(recognizer: Recognizer, sources: list[Source], batch_size: int = BATCH,
                    workers: int = 1) -> Iterator[tuple[Path, Recognition | ImageFileError]]:
    """(path, recognition or why the file failed) for every source (as iter_image_paths gives them),
    in order; the network runs once per ``batch_size`` files."""
    batch: list[tuple[Path, Loaded]] = []

    def flush() -> Iterator[tuple[Path, Recognition | ImageFileError]]:
        recs = iter(recognizer.recognize_inputs([x for _, x in batch if not isinstance(x, ImageFileError)]))
        for path, loaded in batch:
            yield path, loaded if isinstance(loaded, ImageFileError) else next(recs)
        batch.clear()

    for item in load_inputs(sources, workers):
        batch.append(item)
        if len(batch) >= batch_size:
            yield from flush()
    yield from flush()
