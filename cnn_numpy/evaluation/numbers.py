"""How well numbers are read: exact-read rates and digit-level error kinds on the development numbers.

Each sample's text read (digits whose verdict is "digit" or "unsure") is aligned with the true
text by edit distance; the alignment counts extra pieces (insertions), missing pieces
(deletions) and wrong digits (substitutions). :func:`single_digit_check` measures what reading
numbers costs single digits: every validation writer's digit drawn as on the canvas (as
evaluate-real draws it), read by ``read_number`` and by ``recognize_images``; :func:`not_digit_check`
what it costs pictures of no digit (letters drawn alone, scribbles, noise), read both ways.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass

import numpy as np
from PIL import Image

from ..data.not_digits import scrawl
from ..data.strokes import PenDigits, render_all
from ..recognition.numbers import read_number
from ..recognition.preprocess import preprocess
from ..recognition.recognizer import Recognizer
from .number_sets import NumberSample


@dataclass(frozen=True)
class NumberScores:
    numbers: int
    exact: float          # share of numbers read exactly
    touching: int         # numbers with at least one pair of touching digits
    exact_touching: float  # share of those read exactly
    exact_apart: float    # share of the others read exactly
    digits: int           # true digits in all numbers
    extra: int            # pieces read that are not there
    missing: int          # digits not read
    wrong: int            # digits read as another digit
    ms_per_number: float  # mean time of read_number

    def to_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def error_kinds(read: str, truth: str) -> tuple[int, int, int]:
    """(extra, missing, wrong) of the cheapest alignment of ``read`` with ``truth`` (edit distance,
    substitutions preferred to an insertion plus a deletion at equal cost)."""
    n, m = len(read), len(truth)
    cost = np.zeros((n + 1, m + 1), np.int64)
    cost[:, 0], cost[0, :] = np.arange(n + 1), np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i, j] = min(cost[i - 1, j] + 1, cost[i, j - 1] + 1, cost[i - 1, j - 1] + (read[i - 1] != truth[j - 1]))
    extra = missing = wrong = 0
    i, j = n, m
    while i or j:
        if i and j and cost[i, j] == cost[i - 1, j - 1] + (read[i - 1] != truth[j - 1]):
            wrong += read[i - 1] != truth[j - 1]
            i, j = i - 1, j - 1
        elif i and cost[i, j] == cost[i - 1, j] + 1:
            extra, i = extra + 1, i - 1
        else:
            missing, j = missing + 1, j - 1
    return extra, missing, wrong


def score_numbers(recognizer: Recognizer, samples: list[NumberSample], split: str = "network",
                  on_sample: Callable[[], None] | None = None) -> NumberScores:
    """Read every sample and score the readings."""
    exact, kinds, seconds = np.zeros(len(samples), bool), np.zeros(3, np.int64), 0.0
    for i, sample in enumerate(samples):
        begin = time.perf_counter()
        text = read_number(recognizer, sample.image, split).text
        seconds += time.perf_counter() - begin
        exact[i] = text == sample.text
        kinds += error_kinds(text, sample.text)
        if on_sample:
            on_sample()
    touching = np.array([s.touching > 0 for s in samples], bool)

    def share(which: np.ndarray) -> float:
        return float(exact[which].mean()) if which.any() else 0.0
    return NumberScores(len(samples), share(np.ones(len(samples), bool)), int(touching.sum()), share(touching),
                        share(~touching), sum(len(s.text) for s in samples), int(kinds[0]), int(kinds[1]),
                        int(kinds[2]), 1000 * seconds / max(1, len(samples)))


@dataclass(frozen=True)
class SingleDigitCheck:
    digits: int
    changed: int          # digits whose read_number text differs from recognize_images' answer
    right_single: int     # recognize_images' answer right (the digit, verdict "digit" or "unsure")
    right_number: int     # read_number's text is exactly the digit

    def to_dict(self) -> dict:
        return asdict(self)


def single_digit_check(recognizer: Recognizer, digits: PenDigits, seed: int = 0,
                       on_sample: Callable[[], None] | None = None) -> SingleDigitCheck:
    """Every digit of ``digits`` drawn alone on the canvas (real_writers' renders, ``seed``), read
    both ways; a digit read as not a digit answers ""."""
    changed = right_single = right_number = 0
    for image, label in zip(render_all(digits, seed), digits.labels):
        rec = recognizer.recognize_images([image])[0]
        single = str(rec.digit) if rec.verdict in ("digit", "unsure") else ""
        text = read_number(recognizer, image).text
        changed += text != single
        right_single += single == str(label)
        right_number += text == str(label)
        if on_sample:
            on_sample()
    return SingleDigitCheck(len(digits), changed, right_single, right_number)


@dataclass(frozen=True)
class NotDigitCheck:
    pictures: int
    digit_single: int     # recognize_images' verdict is "digit"
    digit_number: int     # read_number reads at least one piece with the verdict "digit"
    text_number: int      # read_number's text is not empty (pieces read as "digit" or "unsure")

    def to_dict(self) -> dict:
        return asdict(self)


SCRAWLS = 200     # scrawls over the canvas in evaluate-numbers --not-digits


def scrawls(seed: int = 0, count: int = SCRAWLS) -> Iterator[Image.Image]:
    """``count`` scrawls over a whole canvas (:func:`cnn_numpy.data.not_digits.scrawl`), drawn one by one."""
    rng = np.random.default_rng([seed, 5])
    return (scrawl(rng) for _ in range(count))


def not_digit_check(recognizer: Recognizer, images: Iterable[Image.Image], canvas: bool = False) -> NotDigitCheck:
    """Pictures of no digit (letters drawn alone on the canvas, scribbles, noise), read by the one-digit
    path and by ``read_number``; ``canvas``: as the app reads its canvas (bright ink on black, not judged),
    else as ``predict --multi`` reads a file."""
    count = single = number = text = 0
    for image in images:
        count += 1
        single += recognizer.recognize_inputs([preprocess(image, canvas)])[0].verdict == "digit"
        reading = read_number(recognizer, image, canvas=canvas)
        number += any(d.verdict == "digit" for d in reading.digits)
        text += reading.text != ""
    return NotDigitCheck(count, single, number, text)
