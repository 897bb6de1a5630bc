"""Timing helpers shared by the benchmark scripts."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(action: Callable[[], object], runs: int, warm_up: bool = False) -> list[float]:
    """Seconds taken by each of ``runs`` calls of ``action`` (after one untimed call with ``warm_up``)."""
    if warm_up:
        action()
    seconds = []
    for _ in range(runs):
        begin = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - begin)
    return seconds


def report(name: str, seconds: list[float]) -> None:
    """Print ``NAME_median`` and ``NAME_max`` in milliseconds."""
    print(f"{name}_median: {1000 * statistics.median(seconds):.1f} ms")
    print(f"{name}_max: {1000 * max(seconds):.1f} ms")
