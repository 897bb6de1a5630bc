"""Element-wise updates of large parameter arrays on every core.

NumPy runs an element-wise operation on one core, and an optimiser step over the 4.4 million
weights of the first Affine layer is a dozen passes over memory: a quarter of a training step.
:func:`update_in_parts` hands slices of the flattened arrays to a few threads (NumPy releases the GIL
inside its loops); each slice is cut into cache-sized pieces, so the passes of one piece run
while its data is still in cache. Every element sees the same operations in the same order as
a single pass over the whole array would apply, so the results are bit for bit the same.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

PIECE = 1 << 18            # elements per piece: 1 MB of float32 per array
SERIAL_BELOW = 1 << 20     # smaller arrays are updated in one go, without threads
_pool: ThreadPoolExecutor | None = None


def _forget_pool() -> None:
    """A forked child has none of its parent's threads: it starts its own pool when it needs one."""
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):           # no fork on Windows
    os.register_at_fork(after_in_child=_forget_pool)


def _threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def update_in_parts(update: Callable[..., None], *arrays: np.ndarray) -> None:
    """Call ``update(*parts)`` on matching parts of equally sized ``arrays`` until every element
    has been covered once: threads and cache-sized parts for large C-contiguous arrays, else
    one call on the arrays themselves. ``update`` must work element by element, in place."""
    global _pool
    size, threads = arrays[0].size, _threads()
    if (size < SERIAL_BELOW or threads == 1 or any(a.size != size for a in arrays)
            or not all(a.flags.c_contiguous for a in arrays)):
        update(*arrays)
        return
    flats = [a.reshape(-1) for a in arrays]          # views: in-place updates reach the arrays
    if _pool is None:
        _pool = ThreadPoolExecutor(threads, thread_name_prefix="nn-update")
    bounds = np.linspace(0, size, threads + 1).astype(int)

    def run(start: int, stop: int) -> None:
        for lo in range(start, stop, PIECE):
            part = slice(lo, min(stop, lo + PIECE))
            update(*(f[part] for f in flats))

    for job in [_pool.submit(run, int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]:
        job.result()
