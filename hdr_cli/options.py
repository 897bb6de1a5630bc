"""Option types that refuse bad values up front, in argparse's own error format
("argument --dropout: must be at least 0 and below 1, not 1.0")."""
from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path


def _number(kind: type, value: str):
    try:
        x = kind(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a{'n integer' if kind is int else ' number'}: {value!r}") from None
    if kind is float and not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"must be a finite number, not {value}")
    return x


def int_at_least(low: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        x = _number(int, value)
        if x < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, not {x}")
        return x
    parse.__name__ = "integer"
    return parse


def float_in(low: float, high: float | None = None, low_open: bool = False, high_open: bool = False,
             also: tuple[float, ...] = ()) -> Callable[[str], float]:
    """A finite float in [low, high] (ends open as asked), or one of ``also`` (e.g. 0 for "off")."""
    def parse(value: str) -> float:
        x = _number(float, value)
        if x in also:
            return x
        below = x <= low if low_open else x < low
        above = high is not None and (x >= high if high_open else x > high)
        if below or above:
            lo = f"above {low}" if low_open else f"at least {low}"
            hi = "" if high is None else f" and {'below' if high_open else 'at most'} {high}"
            alt = "".join(f" (or {a})" for a in also)
            raise argparse.ArgumentTypeError(f"must be {lo}{hi}{alt}, not {value}")
        return x
    parse.__name__ = "number"
    return parse


def output_folder(value: str) -> Path:
    """A folder to write into: refused when it is an existing file or lies under one."""
    path = Path(value)
    for p in (path, *path.parents):
        if p.exists():
            if not p.is_dir():
                raise argparse.ArgumentTypeError(f"{p} is a file, not a folder")
            break
    return path


def output_file(value: str) -> Path:
    """A file to write: refused when it is an existing folder or its folder is a file."""
    path = Path(value)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{path} is a folder; give a file name such as {path / 'weights.npz'}")
    output_folder(str(path.parent))
    return path


def http_url(value: str) -> str:
    """An http:// or https:// base URL."""
    scheme, _, rest = value.partition("://")
    if scheme.lower() not in ("http", "https") or not rest.strip("/"):
        raise argparse.ArgumentTypeError(f"not an http:// or https:// address: {value!r}")
    return value
