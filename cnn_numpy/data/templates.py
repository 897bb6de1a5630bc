"""One drawn template of each digit (strokes in the unit square, y downward), and jittered copies.

They stand in for real handwriting where none is at hand: the benchmarks draw them (no data needed),
and personalising replays them when the MNIST files are not found.
"""
from __future__ import annotations

import numpy as np


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float) -> np.ndarray:
    """Elliptic arc, 0 degrees at the top, clockwise, y downward."""
    t = np.radians(np.linspace(start, stop, max(3, int(abs(stop - start) / 10))))
    return np.stack([cx + rx * np.sin(t), cy - ry * np.cos(t)], axis=1)


def _line(*points: tuple[float, float]) -> np.ndarray:
    return np.asarray(points, dtype=np.float64)


TEMPLATES: dict[int, list[np.ndarray]] = {
    0: [_arc(0.5, 0.5, 0.28, 0.4, 0, 360)],
    1: [_line((0.4, 0.2), (0.55, 0.1), (0.55, 0.9))],
    2: [np.concatenate([_arc(0.5, 0.32, 0.25, 0.22, -80, 130), _line((0.25, 0.9), (0.78, 0.9))])],
    3: [_arc(0.5, 0.3, 0.24, 0.2, -80, 180), _arc(0.5, 0.7, 0.27, 0.2, 0, 250)],
    4: [_line((0.6, 0.1), (0.2, 0.62), (0.8, 0.62)), _line((0.62, 0.35), (0.62, 0.92))],
    5: [np.concatenate([_line((0.75, 0.1), (0.32, 0.1), (0.28, 0.45)), _arc(0.5, 0.65, 0.27, 0.25, -60, 230)])],
    6: [np.concatenate([_line((0.7, 0.1), (0.3, 0.55)), _arc(0.5, 0.7, 0.23, 0.2, -110, 250)])],
    7: [_line((0.2, 0.12), (0.8, 0.12), (0.4, 0.92))],
    8: [_arc(0.5, 0.3, 0.2, 0.2, 0, 360), _arc(0.5, 0.7, 0.25, 0.22, 0, 360)],
    9: [np.concatenate([_arc(0.5, 0.32, 0.24, 0.22, 90, 450), _line((0.74, 0.32), (0.62, 0.92))])],
}


def jittered(digit: int, rng: np.random.Generator, wobble: float = 0.005, slant: float = 0.25
             ) -> list[np.ndarray]:
    """The template of ``digit``, every point moved by Gaussian ``wobble`` and the whole slanted by a
    uniform shear in [-slant, slant] (a person's strokes are never the template's)."""
    strokes = [s + rng.normal(0, wobble, s.shape) for s in TEMPLATES[digit]]
    shear = rng.uniform(-slant, slant)
    return [np.stack([s[:, 0] + shear * (0.5 - s[:, 1]), s[:, 1]], axis=1) for s in strokes]
