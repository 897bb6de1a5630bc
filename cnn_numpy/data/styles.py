"""Writing styles MNIST rarely shows, synthesised from MNIST training digits.

    slashed zero   a stroke through the loop from lower left to upper right (Ø)
The new digit is drawn at 4x scale with a round pen of the digit's own stroke width, then
normalised by the same code as canvas input (crop, 20 px box, centre of mass).

Measured and dropped (30 epochs, seed 0, dev = real-writer development set): ones with a short
flag (and sometimes a foot) and sevens with a crossbar. Together with slashed zeros they took
MNIST test from 99.53 % to 99.27 % (7: 99.5 -> 98.2 %, 1: 99.3 -> 98.7 %) and real ones from
96.7 % to 95.5 %, while slashed zeros alone lift real zeros from 97.9 % to 99 %+. Flagged ones
and crossed sevens are already recognised from MNIST's own variety (real 7s: 99.2 %).
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from ..recognition.preprocess import normalize_ink, stroke_width

SCALE = 4   # draw at 112 x 112


def _ink_box(a: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero((a > 0.3).any(axis=1)), np.flatnonzero((a > 0.3).any(axis=0))
    return rows[0], rows[-1], cols[0], cols[-1]


def _stroke_width(x28: np.ndarray) -> float:
    """Pen width of an MNIST digit in 28-px units (preprocessing's estimate, kept in 1.2-4)."""
    gray = Image.fromarray((x28 * 255).round().astype(np.uint8), "L")
    return float(np.clip(stroke_width(gray), 1.2, 4.0))


def _draw(x28: np.ndarray, lines: list[tuple[float, float, float, float]], width: float) -> np.ndarray | None:
    """Upscale, draw round-capped lines (coordinates in the 4x image), re-normalise to 28x28."""
    big = Image.fromarray((x28 * 255).astype(np.uint8), "L").resize((28 * SCALE,) * 2, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(big)
    w = max(2, round(width * SCALE))
    for x0, y0, x1, y1 in lines:
        draw.line((x0, y0, x1, y1), fill=255, width=w)
        for x, y in ((x0, y0), (x1, y1)):
            draw.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=255)
    return normalize_ink(np.asarray(big, dtype=np.float32) / 255.0)


def slashed_zero(x28: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    big = np.kron(x28, np.ones((SCALE, SCALE)))
    top, bottom, left, right = _ink_box(big)
    h, w = bottom - top, right - left
    over = rng.uniform(0.0, 0.2, 2)
    jitter = rng.uniform(-0.15, 0.15, 2)
    line = (left + (jitter[0] - over[0]) * w, bottom + over[0] * h,
            right + (jitter[1] + over[1]) * w, top - over[1] * h)
    return _draw(x28, [line], _stroke_width(x28))


STYLES = {0: slashed_zero}


def synthesize_styles(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator,
                      fraction: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """New styled digits from a ``fraction`` of the digits in STYLES (N, 28, 28) in [0, 1].

    Returns (M, 28, 28) float32 images and (M,) labels.
    """
    out, out_labels = [], []
    for digit, make in STYLES.items():
        idx = np.flatnonzero(labels == digit)
        for i in rng.choice(idx, int(len(idx) * fraction), replace=False):
            styled = make(images[i], rng)
            if styled is not None:
                out.append(styled)
                out_labels.append(digit)
    if not out:
        return np.zeros((0, 28, 28), np.float32), np.zeros(0, np.int64)
    return np.stack(out).astype(np.float32), np.array(out_labels, np.int64)
