"""How long-running library calls (training, downloads) tell their caller what they are doing.

The library never prints: it calls a ``Reporter`` with one line of text, and reports progress
through an object made by a ``ProgressFactory``. The command line passes ``print`` and its
progress bar; tests and reports pass nothing (silence) or their own collectors.
"""
from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    """Progress of one task with ``total`` steps (0: unknown)."""

    def update(self, done: int, info: str = "") -> None: ...

    def close(self) -> None: ...


Reporter = Callable[[str], None]                    # one line of news
ProgressFactory = Callable[[int, str], Progress]   # (total, label) -> Progress


class NoProgress:
    """The silent :class:`Progress` (the default)."""

    def __init__(self, total: int = 0, label: str = ""):
        pass

    def update(self, done: int, info: str = "") -> None:
        pass

    def close(self) -> None:
        pass


def silent(line: str) -> None:
    """The silent :data:`Reporter` (the default)."""


MACHINE_OPTIONS = ("--data-dir", "--unipen-dir", "--pendigits-dir")   # left out of recorded commands


def printable_command(prefix: str, argv: list[str]) -> str:
    """``prefix ARGS`` as run, quoted, without the machine-specific data folders: the command
    recorded in weights' metadata and printed under figures."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in MACHINE_OPTIONS:
            skip = True
        elif not a.startswith(tuple(o + "=" for o in MACHINE_OPTIONS)):
            out.append(shlex.quote(a))
    return " ".join([prefix, *out])
