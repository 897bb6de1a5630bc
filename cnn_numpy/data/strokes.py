"""Draw pen strokes the way the app's canvas does: white, round, antialiased, on black.

Strokes are lists of (K, 2) float arrays of x, y in screen orientation (y grows downward).
Rendering is supersampled 2x and averaged down, which antialiases like Qt's painter.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

CANVAS = 280
SUPERSAMPLE = 2


@dataclass
class PenDigits:
    """Samples of pen-drawn digits: strokes (y downward), labels and writer groups."""
    strokes: list[list[np.ndarray]]   # per sample, its strokes: (K, 2) float32 x, y
    labels: np.ndarray                # (S,) int
    sources: np.ndarray               # (S,) str: writer group (UNIPEN) or writer (pendigits)

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, keep: np.ndarray) -> PenDigits:
        """The samples where the boolean mask ``keep`` is true."""
        return PenDigits([s for s, k in zip(self.strokes, keep) if k], self.labels[keep], self.sources[keep])


def draw_strokes(strokes: list[np.ndarray], pen_width: float, size: int = CANVAS, height: int | None = None
                 ) -> Image.Image:
    """Render strokes already in canvas pixel coordinates -> 'L' image (size x size, or size wide and
    ``height`` tall)."""
    s = SUPERSAMPLE
    big = Image.new("L", (size * s, (height or size) * s), 0)
    draw = ImageDraw.Draw(big)
    width = max(1, round(pen_width * s))
    r = width / 2
    for stroke in strokes:
        pts = [(float(x) * s, float(y) * s) for x, y in stroke]
        if len(pts) > 1:
            draw.line(pts, fill=255, width=width, joint="curve")
        for x, y in (pts[0], pts[-1]) if len(pts) > 1 else pts:      # round caps
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return big.reduce(s)


def fit_strokes(strokes: list[np.ndarray], height: float, centre: tuple[float, float],
                max_width: float) -> list[np.ndarray]:
    """Scale strokes (any units, y already downward) so the digit is ``height`` px tall
    (or ``max_width`` px wide, whichever is smaller) and its box is centred on ``centre``."""
    pts = np.concatenate(strokes)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    extent = np.maximum(hi - lo, 1e-6)
    scale = min(height / extent[1], max_width / extent[0])
    mid = (lo + hi) / 2
    return [(s - mid) * scale + np.asarray(centre, np.float32) for s in strokes]


def render_digit(strokes: list[np.ndarray], rng: np.random.Generator, size: int = CANVAS,
                 height_range: tuple[float, float] = (0.5, 0.85),
                 pen_range: tuple[float, float] = (10.0, 26.0)) -> Image.Image:
    """Draw a digit as a person would on a ``size`` canvas: random height (fraction of the
    canvas), random position fully on the canvas, random pen width (px at 280 px)."""
    pen = rng.uniform(*pen_range) * size / CANVAS
    height = rng.uniform(*height_range) * size
    margin = pen / 2 + 1
    placed = fit_strokes(strokes, height, (0.0, 0.0), max_width=size - 2 * margin)
    pts = np.concatenate(placed)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    shift = [rng.uniform(margin - lo[i], size - margin - hi[i]) if size - margin - hi[i] > margin - lo[i]
             else size / 2 for i in range(2)]
    return draw_strokes([p + np.asarray(shift, np.float32) for p in placed], pen, size)


def render_all(digits: PenDigits, seed: int = 0, size: int = CANVAS) -> Iterator[Image.Image]:
    """Every sample drawn on a canvas with a seeded random size, position and pen width, one at a time."""
    rng = np.random.default_rng(seed)
    return (render_digit(s, rng, size) for s in digits.strokes)
