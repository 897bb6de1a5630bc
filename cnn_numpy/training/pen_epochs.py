"""Pen-drawn samples rendered afresh for every epoch, as a person draws them on the canvas.

Each epoch, every pen digit (and each chosen letter, scribble or noise image, the examples of
what is not a digit) is drawn on a 280x280 canvas with a random size, position and pen width,
some zeros and sevens in a synthesised style, then normalised by the app's own preprocessing.
Optionally (``pairs``; not in the shipped recipe, measured in the README's "Reading numbers"), also
not a digit: two digits of one writer pushed together until their inks touch, as in a number
(:func:`touching_pair`), so that the network learns not to read a touching pair as one digit.
The draws are seeded by (seed, epoch), so a resumed run sees the same samples. The next epoch
is drawn in a background process while the current one trains (the trainer uses one core).
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..data.not_digits import noise_canvas, scribble
from ..data.pen_styles import with_style
from ..data.strokes import CANVAS, PenDigits, draw_strokes, fit_strokes, render_digit
from ..nn.layers import NOT_A_DIGIT
from ..recognition.preprocess import preprocess

HEIGHTS = (0.35, 0.9)     # digit height, fraction of the canvas (the evaluation draws 0.5-0.85)
PENS = (7.0, 28.0)        # pen width in px on the 280 px canvas (the evaluation draws 10-26)
FIELD = 28
PAIR_HEIGHTS = (0.25, 0.55)   # a touching pair's digit height, fraction of the canvas height
PAIR_PENS = (0.04, 0.2)       # its pen width, fraction of the digit height (numbers on canvas and paper)
PAIR_OVERLAP = 0.3            # the inks overlap by up to this share of the pen width


@dataclass(frozen=True)
class PenMix:
    """What pen samples join each epoch."""
    renders: int = 2          # renders of every pen digit
    styles: float = 0.3       # share of the pen zeros and sevens drawn slashed or crossed
    letters: float = 0.0      # share of the letters drawn (labelled not-a-digit)
    noise: int = 0            # scribbles and noise images (labelled not-a-digit)
    pairs: int = 0            # touching pairs of digits (labelled not-a-digit)


def _input(image: Image.Image) -> np.ndarray:
    x = preprocess(image)
    return np.zeros((FIELD, FIELD), np.float32) if x is None else x


def render_epoch(digits: PenDigits, letters: PenDigits | None, mix: PenMix, seed: int,
                 epoch: int) -> tuple[np.ndarray, np.ndarray]:
    """(x (M, 1, 28, 28) float32, y (M,) int64) of one epoch; letters and noise get NOT_A_DIGIT."""
    rng = np.random.default_rng([seed, epoch, 2])
    xs: list[np.ndarray] = []
    ys: list[int] = []
    for _ in range(mix.renders):
        for strokes, label in zip(digits.strokes, digits.labels):
            drawn = with_style(strokes, label, rng, mix.styles)
            xs.append(_input(render_digit(drawn, rng, height_range=HEIGHTS, pen_range=PENS)))
            ys.append(int(label))
    if letters is not None and mix.letters > 0:
        for i in np.flatnonzero(rng.random(len(letters)) < mix.letters):
            xs.append(_input(render_digit(letters.strokes[i], rng, height_range=HEIGHTS, pen_range=PENS)))
            ys.append(NOT_A_DIGIT)
    for k in range(mix.noise):
        image = (render_digit(scribble(rng), rng, height_range=HEIGHTS, pen_range=PENS) if k % 2
                 else noise_canvas(rng))
        xs.append(_input(image))
        ys.append(NOT_A_DIGIT)
    if mix.pairs and len(digits):
        for first in rng.integers(len(digits), size=mix.pairs):
            second = rng.choice(np.flatnonzero(digits.sources == digits.sources[first]))
            xs.append(_input(touching_pair(digits.strokes[first], digits.strokes[second], rng)))
            ys.append(NOT_A_DIGIT)
    return np.stack(xs)[:, None], np.array(ys, np.int64)


def touching_pair(first: list[np.ndarray], second: list[np.ndarray], rng: np.random.Generator,
                  size: int = CANVAS) -> Image.Image:
    """Two digits (strokes, any units) drawn side by side with one pen, the second 0.85-1.15 times the
    first's height and a little higher or lower, pushed left until the inks touch: overlapping by
    up to PAIR_OVERLAP of the pen in the rows where they come closest -> the pair, cropped to its ink."""
    height = rng.uniform(*PAIR_HEIGHTS) * size
    pen = height * rng.uniform(*PAIR_PENS)
    drawn = []
    for strokes, scale, dy in ((first, 1.0, 0.0), (second, rng.uniform(0.85, 1.15), rng.normal(0, 0.04))):
        placed = fit_strokes(strokes, height * scale, (size / 2, size / 2 + dy * height), max_width=0.9 * size)
        drawn.append(np.asarray(draw_strokes(placed, pen, size)))
    left, right = drawn
    rows = left.any(axis=1) & right.any(axis=1)
    if rows.any():      # per row, the right digit's leftmost ink minus the left digit's rightmost, in their pictures
        gap = int((np.argmax(right[rows] > 0, axis=1) - (size - 1 - np.argmax(left[rows, ::-1] > 0, axis=1))).min())
    else:               # no row in common: the boxes meet
        gap = int(np.flatnonzero(right.any(axis=0))[0] - np.flatnonzero(left.any(axis=0))[-1])
    shift = 1 - gap - int(rng.uniform(0, PAIR_OVERLAP) * pen)    # the right picture's first column in the pair's
    pair = np.zeros((size, 2 * size), np.uint8)
    pair[:, :size] = left
    window = pair[:, max(0, shift):shift + size]
    np.maximum(window, right[:, max(0, -shift):max(0, -shift) + window.shape[1]], out=window)
    image = Image.fromarray(pair, "L")
    return image.crop(image.getbbox())


_SHARED: tuple | None = None     # (digits, letters, mix, seed) in the background process


def _init(digits: PenDigits, letters: PenDigits | None, mix: PenMix, seed: int) -> None:
    global _SHARED
    _SHARED = (digits, letters, mix, seed)


def _render(epoch: int) -> tuple[np.ndarray, np.ndarray]:
    return render_epoch(*_SHARED[:3], _SHARED[3], epoch)


class PenEpochs:
    """``pen_epochs(epoch) -> (x, y)``, each epoch's draws, prepared one epoch ahead in the background."""

    def __init__(self, digits: PenDigits, letters: PenDigits | None, mix: PenMix, seed: int, epochs: int):
        self.epochs = epochs
        self.size = (mix.renders * len(digits) + mix.noise + (mix.pairs if len(digits) else 0)
                     + (round(mix.letters * len(letters)) if letters is not None else 0))   # about
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(method), initializer=_init,
                                         initargs=(digits, letters, mix, seed))
        self._ahead: dict[int, Future] = {}

    def __call__(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        future = self._ahead.pop(epoch, None) or self._pool.submit(_render, epoch)
        if epoch + 1 < self.epochs:
            self._ahead[epoch + 1] = self._pool.submit(_render, epoch + 1)
        return future.result()

    def close(self) -> None:
        for future in self._ahead.values():
            future.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
