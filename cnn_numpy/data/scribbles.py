"""Ink that is no character: random zigzags and speckle, examples of what is not a digit."""
from __future__ import annotations

import numpy as np
from PIL import Image


def scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """A zigzag of 8-20 random points in a box: ink that is no character."""
    n = int(rng.integers(8, 21))
    return [rng.uniform(0, 1, (n, 2)).astype(np.float32) * np.array([rng.uniform(0.5, 1.5), 1], np.float32)]


def noise_canvas(rng: np.random.Generator, size: int = 280) -> Image.Image:
    """Random speckle of random density and grain on black."""
    grain = int(rng.integers(1, 12))
    cells = rng.random((size // grain + 1,) * 2) < rng.uniform(0.05, 0.6)
    big = np.kron(cells, np.ones((grain, grain), bool))[:size, :size]
    return Image.fromarray((big * rng.uniform(120, 255)).astype(np.uint8), "L")
