"""Handwritten letters (UNIPEN ``letters.npz``) as examples of what is *not* a digit.

Only letters that do not look like a digit are used. Left out, with the digit each resembles:
O o D Q C c (0), I l i j J T t (1, 7), Z z (2), S s (5), G b e (6), B (8), a d g q y (9 or 4).
Kept: A E F H K L M N P R U V W X Y and f h k m n r w x, which no reasonable reader takes for
a digit. (Letters are from the UNIPEN development writers; their files differ from those of
the development digits.)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .strokes import PenDigits
from .unipen import read_samples, resolve_unipen_dir

NOT_DIGIT_LETTERS = "AEFHKLMNPRUVWXY" + "fhkmnrwx"
VAL_FRACTION = 0.2   # letter writers held out of training, for choosing and checking the not-a-digit verdict


def load_letters(unipen_dir: Path | str | None = None, letters: str = NOT_DIGIT_LETTERS) -> PenDigits:
    """The chosen letters of ``letters.npz``: strokes (y downward), labels = Unicode code points,
    sources = the writer (file) of each sample."""
    samples = read_samples(resolve_unipen_dir(unipen_dir) / "letters.npz", group="writers")
    return samples.subset(np.isin(samples.labels, [ord(c) for c in letters]))


def split_by_writer(samples: PenDigits, val_fraction: float = VAL_FRACTION,
                    seed: int = 0) -> tuple[PenDigits, PenDigits]:
    """(training, validation) samples, no writer in both; about ``val_fraction`` of the writers validate."""
    writers = np.unique(samples.sources)
    rng = np.random.default_rng(seed)
    val_writers = rng.choice(writers, max(1, round(val_fraction * len(writers))), replace=False)
    is_val = np.isin(samples.sources, val_writers)
    return samples.subset(~is_val), samples.subset(is_val)
