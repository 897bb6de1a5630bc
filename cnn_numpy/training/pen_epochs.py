"""Pen-drawn samples rendered afresh for every epoch, as a person draws them on the canvas.

Each epoch, every pen digit (and each chosen letter, scribble or noise image, the examples of
what is not a digit) is drawn on a 280x280 canvas with a random size, position and pen width,
some zeros and sevens in a synthesised style, then normalised by the app's own preprocessing.
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
from ..data.strokes import PenDigits, render_digit
from ..nn.layers import NOT_A_DIGIT
from ..recognition.preprocess import preprocess

HEIGHTS = (0.35, 0.9)     # digit height, fraction of the canvas (the evaluation draws 0.5-0.85)
PENS = (7.0, 28.0)        # pen width in px on the 280 px canvas (the evaluation draws 10-26)
FIELD = 28


@dataclass(frozen=True)
class PenMix:
    """What pen samples join each epoch."""
    renders: int = 2          # renders of every pen digit
    styles: float = 0.3       # share of the pen zeros and sevens drawn slashed or crossed
    letters: float = 0.0      # share of the letters drawn (labelled not-a-digit)
    noise: int = 0            # scribbles and noise images (labelled not-a-digit)


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
    return np.stack(xs)[:, None], np.array(ys, np.int64)


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
        self.size = (mix.renders * len(digits) + mix.noise
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
