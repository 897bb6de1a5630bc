"""Digits drawn as strokes for the number-reading tests: unit-height shapes placed left to right."""
from __future__ import annotations

import numpy as np
from PIL import Image

from cnn_numpy.data.strokes import draw_strokes


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float) -> np.ndarray:
    t = np.radians(np.linspace(start, stop, 40))
    return np.stack([cx + rx * np.sin(t), cy - ry * np.cos(t)], axis=1).astype(np.float32)


def _line(*points: tuple[float, float]) -> np.ndarray:
    return np.asarray(points, np.float32)


# Shapes in units of the digit height (y downward); each a list of strokes.
SHAPES: dict[str, list[np.ndarray]] = {
    "1": [_line((0.3, 0.2), (0.55, 0.0), (0.55, 1.0))],
    "0": [_arc(0.5, 0.5, 0.35, 0.5, 0, 360)],
    "7": [_line((0.05, 0.0), (0.9, 0.0), (0.4, 1.0))],
    "crossed 7": [_line((0.05, 0.0), (0.9, 0.0), (0.4, 1.0)), _line((0.35, 0.5), (0.85, 0.5))],
    "4": [_line((0.6, 0.0), (0.05, 0.65), (0.95, 0.65)), _line((0.7, 0.3), (0.7, 1.0))],
    "5 with a detached flag": [
        np.concatenate([_line((0.28, 0.02), (0.22, 0.45)), _arc(0.5, 0.68, 0.32, 0.3, -60, 220)]),
        _line((0.36, 0.0), (0.85, 0.0))],
    "broken 1": [_line((0.3, 0.2), (0.55, 0.0), (0.55, 0.45)), _line((0.55, 0.55), (0.55, 1.0))],
    # letters, which no reader takes for a digit
    "A": [_line((0.05, 1.0), (0.35, 0.0), (0.65, 1.0)), _line((0.16, 0.62), (0.54, 0.62))],
    "n": [_line((0.1, 0.35), (0.1, 1.0)), np.concatenate([_arc(0.35, 0.62, 0.25, 0.27, -90, 90),
                                                           _line((0.6, 0.62), (0.6, 1.0))])],
    "H": [_line((0.1, 0.0), (0.1, 1.0)), _line((0.1, 0.5), (0.7, 0.5)), _line((0.7, 0.0), (0.7, 1.0))],
}
HEIGHT, PEN, TOP, MARGIN = 150, 14, 65, 30


def number_strokes(shapes: list[str], gap: float | list[float] = 0.35) -> tuple[list[np.ndarray], int]:
    """The shapes' strokes placed left to right, ``gap`` digit heights apart (one for all, or one
    per neighbouring pair; negative: overlapping boxes), in canvas pixels -> (strokes, canvas width)."""
    gaps = list(gap) + [0.0] if isinstance(gap, list) else [gap] * (len(shapes) - 1) + [0.0]
    strokes, x = [], float(MARGIN)
    for name, after in zip(shapes, gaps):
        pts = np.concatenate(SHAPES[name])
        left = x - pts[:, 0].min() * HEIGHT
        strokes += [s * HEIGHT + np.array([left, TOP], np.float32) for s in SHAPES[name]]
        x += (pts[:, 0].max() - pts[:, 0].min() + after) * HEIGHT
    return strokes, int(x + MARGIN)


def canvas(shapes: list[str], gap: float | list[float] = 0.35) -> Image.Image:
    """The number on a black canvas 280 px tall, white pen, as the app draws it."""
    strokes, width = number_strokes(shapes, gap)
    return draw_strokes(strokes, PEN, width, 280)
