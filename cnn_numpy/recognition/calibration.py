"""Confidence a user can trust, and a verdict for every answer.

Calibration: temperature scaling (Guo et al. 2017). The probabilities shown are
softmax(logits / T), with the one number T fitted by minimising the negative log-likelihood on
real writers' digits that no training saw. It changes no answer, only how sure the answer says
it is.

Verdicts, from the calibrated probabilities p of one image:
    blank       no ink
    not_digit   max p below ``not_digit_below``: the network spreads its probability, as it was
                taught to for letters, scribbles and noise (outlier exposure); or the ink is a
                solid blob (:func:`solid_blobs`: a dot, a smudge), which no stroke of a digit is,
                or a few scattered dots (:func:`scattered_dots`)
    unsure      a digit, but max p below ``unsure_below`` or the top two within ``margin``
    digit       otherwise
The thresholds are chosen on validation data (real digits, letters and noise of writers that no
training saw) by :func:`choose_thresholds` and stored with the weights' metadata.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .components import run_components

VERDICTS = ("digit", "unsure", "not_digit", "blank")


@dataclass(frozen=True)
class Calibration:
    """Temperature and verdict thresholds; the defaults are the uncalibrated fallback."""
    temperature: float = 1.0
    not_digit_below: float = 0.0     # max probability under which an answer is "not a digit" (0: never)
    unsure_below: float = 0.6        # max probability under which a digit is "unsure"
    margin: float = 0.0              # top-two difference under which a digit is "unsure"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Calibration:
        cal = cls(**{k: float(d[k]) for k in asdict(cls()) if k in d})
        if not (np.isfinite(cal.temperature) and cal.temperature > 0):
            raise ValueError(f"calibration temperature must be a positive number, not {cal.temperature}")
        return cal

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        """(N, K) logits -> (N, K) calibrated probabilities (float32)."""
        z = logits.astype(np.float64) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)

    def verdicts(self, probs: np.ndarray, present: np.ndarray, blobs: np.ndarray | None = None) -> np.ndarray:
        """(N,) verdict strings for calibrated probabilities (N, K) of images with or without ink
        (and, if given, which of them are solid blobs)."""
        top2 = -np.sort(-probs, axis=1)[:, :2] if probs.shape[1] > 1 else np.c_[probs, np.zeros(len(probs))]
        out = np.full(len(probs), "digit", dtype=object)
        out[(top2[:, 0] < self.unsure_below) | (top2[:, 0] - top2[:, 1] < self.margin)] = "unsure"
        out[top2[:, 0] < self.not_digit_below] = "not_digit"
        if blobs is not None:
            out[blobs] = "not_digit"
        out[~present] = "blank"
        return out


def solid_blobs(inputs: np.ndarray, fill: float = 0.7, squareness: float = 0.6, blocks: float = 0.48) -> np.ndarray:
    """(N,) bool for network inputs (N, 28, 28): the ink (> 0.5) covers more than ``fill`` of its
    bounding box, which is about as wide as tall (a dot, a smudge, a filled disk). Written digits
    are strokes: 2 of the 10,000 MNIST test digits and none of the 7,844 validation writers'
    digits are that solid; a dot of any size is (fill about 0.77). Also blocks meeting at their
    corners: ink filling more than ``blocks`` of its box, about as wide as tall, in two or more
    4-connected parts, each that solid (two squares of coarse noise touching at a corner were read
    as a sure 5 or 8 in a number; no MNIST digit of the 70,000 and no validation writer's digit is so)."""
    ink = inputs > 0.5
    rows, cols = ink.any(axis=2), ink.any(axis=1)
    n, size = len(inputs), inputs.shape[1]

    def extent(a: np.ndarray) -> np.ndarray:
        return size - a[:, ::-1].argmax(axis=1) - a.argmax(axis=1)
    h, w = extent(rows), extent(cols)
    area = np.maximum(h * w, 1)
    has_ink = rows.any(axis=1)
    count = ink.reshape(n, size * size).sum(axis=1)
    square = has_ink & (np.minimum(h, w) > squareness * np.maximum(h, w))
    out = square & (count > fill * area)
    for i in np.flatnonzero(square & ~out & (count > blocks * area)):
        out[i] = _solid_parts(ink[i], fill, squareness)
    return out


def _solid_parts(ink: np.ndarray, fill: float, squareness: float) -> bool:
    """Whether a (H, W) bool grid is two or more 4-connected parts, each a solid blob (see solid_blobs)."""
    parts = run_components(ink, diagonal=False)
    if parts[-1] < 2:
        return False
    w, h, area = _part_sizes(*parts)
    return bool(((area > fill * w * h) & (np.minimum(w, h) > squareness * np.maximum(w, h))).all())


def _part_sizes(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, label: np.ndarray, count: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The runs of a labelled grid (as :func:`run_components` gives them) -> each part's (width, height, pixels)."""
    left, right = np.full(count, np.iinfo(np.int64).max), np.zeros(count, np.int64)
    top, bottom = np.full(count, np.iinfo(np.int64).max), np.zeros(count, np.int64)
    np.minimum.at(left, label, starts)
    np.maximum.at(right, label, ends)
    np.minimum.at(top, label, rows)
    np.maximum.at(bottom, label, rows + 1)
    return right - left, bottom - top, np.bincount(label, weights=ends - starts, minlength=count)


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of the labels under softmax(logits / T)."""
    z = logits.astype(np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray, low: float = 0.05, high: float = 20.0) -> float:
    """The T minimising :func:`nll`, by golden-section search on log T (NLL is unimodal in it)."""
    a, b = np.log(low), np.log(high)
    g = (np.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    for _ in range(60):
        if nll(logits, labels, np.exp(c)) < nll(logits, labels, np.exp(d)):
            b, d = d, c
            c = b - g * (b - a)
        else:
            a, c = c, d
            d = a + g * (b - a)
    return float(np.exp((a + b) / 2))


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """ECE: the confidence-weighted gap between confidence and accuracy over ``bins`` equal bins."""
    conf, right = probs.max(axis=1), probs.argmax(axis=1) == labels
    which = np.minimum((conf * bins).astype(int), bins - 1)
    gap = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            gap += mask.mean() * abs(conf[mask].mean() - right[mask].mean())
    return float(gap)


def reliability(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per confidence bin: (mean confidence, accuracy, count); NaN where a bin is empty."""
    conf, right = probs.max(axis=1), probs.argmax(axis=1) == labels
    which = np.minimum((conf * bins).astype(int), bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore"):
        mean_conf = np.bincount(which, conf, bins) / count
        accuracy = np.bincount(which, right, bins) / count
    return mean_conf, accuracy, count


def choose_thresholds(digit_probs: np.ndarray, labels: np.ndarray, temperature: float,
                      max_digits_not_digit: float = 0.002, max_right_flagged: float = 0.02,
                      groups: np.ndarray | None = None) -> Calibration:
    """Thresholds from validation digits (calibrated probabilities): ``not_digit_below`` as high as
    keeps at most ``max_digits_not_digit`` of the real digits below it (so it rejects as many
    letters and scribbles as it can); then ``unsure_below`` as high as flags at most
    ``max_right_flagged`` of the right answers of every group (a collection of writers: ``groups``
    names each digit's) as anything but digit (so it catches as many wrong ones as it can). The targets
    are 1 % and 2 % of real digits (each collection), and 0.2 % of MNIST digits called not a digit:
    0.2 % of the validation digits is the strictest of them (0.5 %, the first choice, left 0.38 % of
    MNIST test called not a digit). Letters and scribbles between the two thresholds are "unsure"
    rather than "not a digit", never "digit", so this costs no letter answered as one."""
    top = digit_probs.max(axis=1)
    not_digit_below = float(np.quantile(top, max_digits_not_digit))
    right = digit_probs.argmax(axis=1) == labels
    groups = np.zeros(len(top), int) if groups is None else np.asarray(groups)
    unsure_below = min(_highest_below(top[right & (groups == g)], max_right_flagged) for g in np.unique(groups))
    return Calibration(temperature, not_digit_below, max(unsure_below, not_digit_below), 0.0)


def _highest_below(values: np.ndarray, share: float) -> float:
    """The highest threshold with at most ``share`` of ``values`` strictly below it (inf for no values)."""
    if not len(values):
        return float("inf")
    ordered = np.sort(values)
    return float(ordered[min(int(share * len(ordered)), len(ordered) - 1)])


def scattered_dots(inputs: np.ndarray, ink: float = 0.2, most: int = 60, parts: int = 3,
                   largest: float = 0.5, dot: int = 4) -> np.ndarray:
    """(N,) bool for network inputs (N, 28, 28): little ink (fewer than ``most`` pixels above ``ink``)
    in at least ``parts`` separate pieces, none holding ``largest`` of it, or in two or more pieces that
    are all dots (at most ``dot`` pixels both ways): a few dots, never a stroke. Three to eight specks
    scattered on an empty canvas were read as a digit 1-8 % of the time, as unsure a third of the time;
    two or three dots far apart were still read as a 0 or 2 at 0.71-0.74 (noise pictures of seeds other
    than the calibration's: 2 of the 1,500 of seeds 1, 2, 3, 7 and 123 called a digit, 1 with the dot
    rule). No MNIST digit (test and training, 70,000) and no validation writer's digit is flagged, by
    either rule (a faint MNIST digit falls apart only at higher ink levels, hence the low ``ink``)."""
    marked = inputs > ink
    out = np.zeros(len(inputs), bool)
    for i in np.flatnonzero(marked.sum(axis=(1, 2)) < most):
        pieces = run_components(marked[i], diagonal=True)
        count = pieces[-1]
        if count < 2:
            continue
        w, h, sizes = _part_sizes(*pieces)
        spread = count >= parts and sizes.max() < largest * sizes.sum()
        out[i] = spread or bool((w <= dot).all() and (h <= dot).all())
    return out
