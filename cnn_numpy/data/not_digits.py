"""Examples of what is *not* a digit: handwritten letters (UNIPEN ``letters.npz``), scribbles, scrawls and noise.

Only letters that do not look like a digit are used. Left out, with the digit each resembles:
O o D Q C c (0), I l i j J T t (1, 7), Z z (2), S s (5), G b e (6), B (8), a d g q y (9 or 4).
Kept: A E F H K L M N P R U V W X Y and f h k m n r w x, which no reasonable reader takes for
a digit. (Letters are from the UNIPEN development writers; their files differ from those of
the development digits.)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .pen_archives import UnipenMissingError, read_samples, resolve_unipen_dir
from .strokes import PenDigits

NOT_DIGIT_LETTERS = "AEFHKLMNPRUVWXY" + "fhkmnrwx"
VAL_FRACTION = 0.2   # letter writers held out of training, for choosing and checking the not-a-digit verdict


def load_letters(unipen_dir: Path | str | None = None, letters: str = NOT_DIGIT_LETTERS) -> PenDigits:
    """The chosen letters of ``letters.npz``: strokes (y downward), labels = Unicode code points,
    sources = the writer (file) of each sample."""
    samples = read_samples(resolve_unipen_dir(unipen_dir) / "letters.npz", group="writers")
    return samples.subset(np.isin(samples.labels, [ord(c) for c in letters]))


def letters_if_present(unipen_dir: Path | str | None = None) -> PenDigits | None:
    """:func:`load_letters`, or None when there is no UNIPEN folder or letters.npz."""
    try:
        return load_letters(unipen_dir)
    except UnipenMissingError:
        return None


def split_by_writer(samples: PenDigits, val_fraction: float = VAL_FRACTION,
                    seed: int = 0) -> tuple[PenDigits, PenDigits]:
    """(training, validation) samples, no writer in both; about ``val_fraction`` of the writers validate."""
    writers = np.unique(samples.sources)
    rng = np.random.default_rng(seed)
    val_writers = rng.choice(writers, max(1, round(val_fraction * len(writers))), replace=False)
    is_val = np.isin(samples.sources, val_writers)
    return samples.subset(~is_val), samples.subset(is_val)


def scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """A zigzag of 8-20 random points in a box: ink that is no character."""
    n = int(rng.integers(8, 21))
    return [rng.uniform(0, 1, (n, 2)).astype(np.float32) * np.array([rng.uniform(0.5, 1.5), 1], np.float32)]


def scrawl(rng: np.random.Generator, height: int = 280) -> Image.Image:
    """A scrawl over a whole canvas ``height`` px tall and 1-3 heights wide: a zigzag through 20-120
    random points, white pen 6-25 px wide on black (ink over much of the canvas and its border)."""
    width = height * int(rng.integers(1, 4))
    image = Image.new("L", (width, height))
    points = rng.uniform(0, 1, (int(rng.integers(20, 121)), 2)) * [width, height]
    ImageDraw.Draw(image).line([tuple(p) for p in points], fill=255, width=int(rng.integers(6, 26)), joint="curve")
    return image


def noise_canvas(rng: np.random.Generator, size: int = 280) -> Image.Image:
    """Random noise on black, one of three kinds: speckle of random density and grain, grey noise
    (every pixel uniform, at a random grain), or a few scattered blobs."""
    grain = int(rng.integers(1, 12))
    cells = size // grain + 1
    kind = rng.integers(3)
    if kind == 0:
        field = (rng.random((cells, cells)) < rng.uniform(0.05, 0.6)) * rng.uniform(120, 255)
    elif kind == 1:
        field = rng.uniform(0, 255, (cells, cells))
    else:
        field = (rng.random((cells, cells)) < rng.uniform(0.002, 0.02)) * 255.0
    big = np.kron(field, np.ones((grain, grain)))[:size, :size]
    return Image.fromarray(big.astype(np.uint8), "L")
