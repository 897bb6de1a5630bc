"""Personalising in a child process, so that the window never waits for the fine-tuning (Qt-free).

The child runs cnn_numpy.training.personalize and reports on a queue: ("progress", fraction) after
every step, then ("done", metadata) or ("error", exception). Setting the ``stop`` event cancels it
between two steps (it raises Cancelled and writes nothing).
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from queue import Empty

from cnn_numpy.training.personalize import PersonalizeError, personalize

POLL_SECONDS = 0.1          # how often the parent looks at the child while no message comes


def _child(queue: Queue, stop: Event, base: Path | None, samples: Path, out: Path, options: dict) -> None:
    try:
        meta = personalize(base, samples, out, progress=lambda f: queue.put(("progress", f)),
                           cancelled=stop.is_set, **options)
    except Exception as error:  # noqa: BLE001 - every failure goes back to the parent, which explains it
        queue.put(("error", error))
    else:
        queue.put(("done", meta))


def learn_in_child(base: Path | None, samples: Path, out: Path, options: dict,
                   cancelled: Callable[[], bool]) -> Iterator[float | dict]:
    """Personalise in a child process: yields each progress fraction, then the metadata written.
    Raises what the child raised (Cancelled once ``cancelled()`` turned true), or PersonalizeError
    when the child died without a word."""
    context = multiprocessing.get_context("spawn")     # no fork of a process that runs Qt threads
    queue, stop = context.Queue(), context.Event()
    child = context.Process(target=_child, args=(queue, stop, base, samples, out, options), daemon=True)
    child.start()
    try:
        while True:
            if cancelled():
                stop.set()
            try:
                kind, value = queue.get(timeout=POLL_SECONDS)
            except Empty:
                if not child.is_alive() and queue.empty():
                    raise PersonalizeError(f"The learning process stopped unexpectedly (exit code {child.exitcode}); "
                                           "nothing was written.") from None
                continue
            if kind == "progress":
                yield value
            elif kind == "done":
                yield value
                return
            else:
                raise value
    finally:
        stop.set()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
