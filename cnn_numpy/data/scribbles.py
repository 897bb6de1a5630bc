"""Ink that is no character: random zigzags and speckle, examples of what is not a digit."""
from __future__ import annotations

import numpy as np
from PIL import Image


def scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """A zigzag of 8-20 random points in a box: ink that is no character."""
    n = int(rng.integers(8, 21))
    return [rng.uniform(0, 1, (n, 2)).astype(np.float32) * np.array([rng.uniform(0.5, 1.5), 1], np.float32)]


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
