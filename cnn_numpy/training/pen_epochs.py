"""Pen-drawn samples rendered afresh for every epoch, as a person draws them on the canvas.

Each epoch, every pen digit (and each chosen letter, scribble or noise image, the examples of
what is not a digit) is drawn on a 280x280 canvas with a random size, position and pen width,
some zeros and sevens in a synthesised style, then normalised by the app's own preprocessing.
Optionally (``pairs``; not in the shipped recipe, measured in the README's "Reading numbers"), also
not a digit: two digits of one writer pushed together until their inks touch, as in a number
(:func:`touching_pair`), so that the network learns not to read a touching pair as one digit.
In the shipped recipe (``fragments``), also not a digit: pen digits, alone or touching, cut as the
number reader cuts them and a half that is no whole digit kept (:func:`wrong_cut`), so that a wrong
cut's halves are not read as sure digits.
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
from ..recognition.preprocess import normalize, preprocess
from ..recognition.segment import cut_candidates, piece_ink, piece_mask, segment

HEIGHTS = (0.35, 0.9)     # digit height, fraction of the canvas (the evaluation draws 0.5-0.85)
PENS = (7.0, 28.0)        # pen width in px on the 280 px canvas (the evaluation draws 10-26)
FIELD = 28
PAIR_HEIGHTS = (0.25, 0.55)   # a touching pair's digit height, fraction of the canvas height
PAIR_PENS = (0.04, 0.2)       # its pen width, fraction of the digit height (numbers on canvas and paper)
PAIR_OVERLAP = 0.3            # the inks overlap by up to this share of the pen width
FRAGMENT_COVER = 0.6          # a cut half holding less than this share of each digit's ink ...
FRAGMENT_PURE = 0.8           # ... or made less than this much of one digit's ink is a fragment, not a digit
FRAGMENT_ASPECT = 0.45        # fragments narrower than this share of their height are left out (strokes are 1s),
FRAGMENT_SHARE = 0.15         # and so are those holding less than this share of the piece's ink (cut-off corners)


@dataclass(frozen=True)
class PenMix:
    """What pen samples join each epoch."""
    renders: int = 2          # renders of every pen digit
    styles: float = 0.3       # share of the pen zeros and sevens drawn slashed or crossed
    letters: float = 0.0      # share of the letters drawn (labelled not-a-digit)
    noise: int = 0            # scribbles and noise images (labelled not-a-digit)
    pairs: int = 0            # touching pairs of digits (labelled not-a-digit)
    fragments: int = 0        # digits and touching pairs cut wrongly: halves that are no whole digit (not-a-digit)


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
    if mix.fragments and len(digits):
        for first in rng.integers(len(digits), size=mix.fragments):
            second = rng.choice(np.flatnonzero(digits.sources == digits.sources[first])) if rng.random() < 0.5 else None
            x = wrong_cut(digits.strokes[first], None if second is None else digits.strokes[second], rng)
            if x is not None:
                xs.append(x)
                ys.append(NOT_A_DIGIT)
    return np.stack(xs)[:, None], np.array(ys, np.int64)


def touching_pair(first: list[np.ndarray], second: list[np.ndarray], rng: np.random.Generator,
                  size: int = CANVAS) -> Image.Image:
    """Two digits (strokes, any units) drawn side by side with one pen, the second 0.85-1.15 times the
    first's height and a little higher or lower, pushed left until the inks touch: overlapping by
    up to PAIR_OVERLAP of the pen in the rows where they come closest -> the pair, cropped to its ink."""
    image = Image.fromarray(np.maximum(*_placed_pair(first, second, rng, size)), "L")
    return image.crop(image.getbbox())


def _placed_pair(first: list[np.ndarray], second: list[np.ndarray] | None, rng: np.random.Generator,
                 size: int) -> tuple[np.ndarray, np.ndarray]:
    """The two digits of :func:`touching_pair`, each alone where it lies in the pair: two (size, 2 * size) uint8
    (``second`` None: the first alone, drawn as in a pair, and no ink)."""
    height = rng.uniform(*PAIR_HEIGHTS) * size
    pen = height * rng.uniform(*PAIR_PENS)
    drawn = []
    for strokes, scale, dy in ((first, 1.0, 0.0), (second, rng.uniform(0.85, 1.15), rng.normal(0, 0.04))):
        if strokes is not None:
            placed = fit_strokes(strokes, height * scale, (size / 2, size / 2 + dy * height), max_width=0.9 * size)
            drawn.append(np.asarray(draw_strokes(placed, pen, size)))
    if second is None:
        return np.pad(drawn[0], ((0, 0), (0, size))), np.zeros((size, 2 * size), np.uint8)
    left, right = drawn
    rows = left.any(axis=1) & right.any(axis=1)
    if rows.any():      # per row, the right digit's leftmost ink minus the left digit's rightmost, in their pictures
        gap = int((np.argmax(right[rows] > 0, axis=1) - (size - 1 - np.argmax(left[rows, ::-1] > 0, axis=1))).min())
    else:               # no row in common: the boxes meet
        gap = int(np.flatnonzero(right.any(axis=0))[0] - np.flatnonzero(left.any(axis=0))[-1])
    shift = 1 - gap - int(rng.uniform(0, PAIR_OVERLAP) * pen)    # the right picture's first column in the pair's
    placed_left, placed_right = np.zeros((2, size, 2 * size), np.uint8)
    placed_left[:, :size] = left
    window = placed_right[:, max(0, shift):shift + size]
    window[:] = right[:, max(0, -shift):max(0, -shift) + window.shape[1]]
    return placed_left, placed_right


def wrong_cut(first: list[np.ndarray], second: list[np.ndarray] | None, rng: np.random.Generator,
              size: int = CANVAS) -> np.ndarray | None:
    """A digit alone, or two touching (:func:`touching_pair`), cut as the number reader cuts ink
    (:func:`~cnn_numpy.recognition.segment.cut_candidates`, at any width): a random half that is not one
    whole digit (it holds less than FRAGMENT_COVER of each digit's ink, or is less than FRAGMENT_PURE one
    digit's) -> its (28, 28) network input; None if there is none. Halves narrower than FRAGMENT_ASPECT of
    their height are left out: a stroke alone is a 1."""
    inks = _placed_pair(first, second, rng, size)
    ink = np.maximum(*inks)
    seg = segment(ink)
    if not seg.pieces:
        return None
    inked = [np.count_nonzero(piece_mask(seg, p)) for p in seg.pieces]
    piece, whole = seg.pieces[int(np.argmax(inked))], max(inked)
    digits = [d > 0 for d in inks]
    totals = [max(1, np.count_nonzero(d)) for d in digits]
    halves = [half for pair in cut_candidates(seg, piece, aspect=0.0) for half in pair]
    for k in rng.permutation(len(halves)):
        half = halves[k]
        x0, y0, x1, y1 = half.box
        if half.width < FRAGMENT_ASPECT * half.height:
            continue
        mask = piece_mask(seg, half)
        held = [np.count_nonzero(mask & d[y0:y1, x0:x1]) for d in digits]
        area = max(1, np.count_nonzero(mask))
        whole_digit = any(h >= FRAGMENT_COVER * t and h >= FRAGMENT_PURE * area for h, t in zip(held, totals))
        if area >= FRAGMENT_SHARE * whole and not whole_digit:
            return normalize(piece_ink(ink, seg, half))
    return None


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
        self.size = (mix.renders * len(digits) + mix.noise + (mix.pairs + mix.fragments if len(digits) else 0)
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
