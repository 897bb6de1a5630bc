"""Real writers' pen digits (UNIPEN, stroke coordinates) as the app's canvas would show them.

The data folder is given by ``--unipen-dir`` or the ``HDR_UNIPEN_DIR`` environment variable
and holds ``strokes.npz`` (see ../shared/unipen-dev/README.md). It is for measuring only,
never for training.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import DataError
from .strokes import PenDigits


class UnipenMissingError(DataError):
    """strokes.npz is not where it was looked for."""


def resolve_unipen_dir(unipen_dir: Path | str | None = None) -> Path:
    if unipen_dir:
        return Path(unipen_dir)
    env = os.environ.get("HDR_UNIPEN_DIR")
    if env:
        return Path(env)
    raise UnipenMissingError("No UNIPEN folder given: pass --unipen-dir or set HDR_UNIPEN_DIR "
                             "to a folder holding strokes.npz.")


def load_pen_digits(unipen_dir: Path | str | None = None) -> PenDigits:
    path = resolve_unipen_dir(unipen_dir) / "strokes.npz"
    if not path.is_file():
        raise UnipenMissingError(f"{path} not found: pass --unipen-dir or set HDR_UNIPEN_DIR.")
    with np.load(path, allow_pickle=False) as d:
        labels, sources = d["labels"].astype(int), d["sources"]
        sample_strokes, stroke_points, points = d["sample_strokes"], d["stroke_points"], d["points"]
    flipped = points * np.array([1, -1], np.float32)          # tablet y grows upward
    strokes = []
    for i in range(len(labels)):
        ks = range(sample_strokes[i], sample_strokes[i + 1])
        strokes.append([flipped[stroke_points[k]:stroke_points[k + 1]] for k in ks])
    return PenDigits(strokes, labels, sources)
