"""Fitting the calibration of trained weights on validation writers, and measuring it.

The temperature and the verdict thresholds are fitted on real writers that no training saw (the
UNIPEN development writers and the pendigits test writers, drawn as on the canvas) and on the
held-out fifth of the letter writers; :func:`measure_calibration` reports, on any such data,
the figures the verdicts are judged by.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..data.not_digits import noise_canvas, scribble, split_by_writer
from ..data.strokes import PenDigits, render_digit
from ..nn.model import Sequential
from ..recognition.calibration import (
    Calibration,
    choose_thresholds,
    expected_calibration_error,
    fit_temperature,
)
from ..recognition.preprocess import preprocess
from ..recognition.recognizer import Recognitions, Recognizer
from .real_writers import RealWriterInputs


@dataclass
class CalibrationFigures:
    """How well the verdicts serve on one set of real digits (and, optionally, non-digits)."""
    samples: int
    accuracy: float
    ece: float                       # expected calibration error, 15 bins
    wrong_flagged: float             # share of the wrong answers whose verdict is not "digit"
    right_flagged: float             # share of the right answers whose verdict is not "digit"
    digits_not_digit: float          # share of the real digits called "not_digit"
    others_digit: float | None       # share of the non-digits (letters, noise) whose verdict is "digit"

    def to_dict(self) -> dict:
        return {k: (None if v is None else round(float(v), 6)) for k, v in self.__dict__.items()}


def _present(prepared: RealWriterInputs) -> tuple[np.ndarray, np.ndarray]:
    keep = np.array([x is not None for x in prepared.inputs])
    return np.stack([x for x in prepared.inputs if x is not None]), prepared.labels[keep]


def measure_calibration(recognizer: Recognizer, digits: RealWriterInputs,
                        others: RealWriterInputs | None = None) -> CalibrationFigures:
    """Accuracy, ECE and verdict rates of ``recognizer`` on real digits (and non-digits)."""
    x, labels = _present(digits)
    recs = recognizer.recognize_inputs(x)
    others_digit = None
    if others is not None:
        other_recs = recognizer.recognize_inputs(others.inputs)
        others_digit = float(np.mean(other_recs.verdicts == "digit"))
    return CalibrationFigures(len(labels), float(np.mean(recs.digits == labels)),
                              expected_calibration_error(recs.probs, labels), **verdict_rates(recs, labels),
                              others_digit=others_digit)


def verdict_rates(recs: Recognitions, labels: np.ndarray) -> dict[str, float]:
    """Shares of the wrong and of the right answers flagged (verdict not "digit"), and of all the
    digits called not a digit."""
    right = recs.digits == labels
    flagged = recs.verdicts != "digit"
    return {"wrong_flagged": float(flagged[~right].mean()) if (~right).any() else 0.0,
            "right_flagged": float(flagged[right].mean()) if right.any() else 0.0,
            "digits_not_digit": float(np.mean(recs.verdicts == "not_digit"))}


def fit_calibration(recognizer: Recognizer, prepared: list[RealWriterInputs]) -> Calibration:
    """Temperature by NLL and thresholds (calibration.choose_thresholds, each writer set held to the
    targets) on real writers' digits."""
    present = [_present(p) for p in prepared]
    x = np.concatenate([xs for xs, _ in present])
    labels = np.concatenate([ys for _, ys in present])
    groups = np.concatenate([np.full(len(ys), k) for k, (_, ys) in enumerate(present)])
    logits = recognizer.net.predict_logits(x[:, None])
    temperature = fit_temperature(logits, labels)
    probs = Calibration(temperature).probabilities(logits)
    return choose_thresholds(probs, labels, temperature, groups=groups)


def letters_for_checking(letters: PenDigits, seed: int = 0) -> RealWriterInputs:
    """The held-out letter writers (never trained on), drawn as on the canvas."""
    return RealWriterInputs.of(split_by_writer(letters)[1], seed)


def noise_images(count: int = 600, seed: int = 99) -> list[Image.Image]:
    """Scribbles and noise pictures (alternately), drawn with another seed than any training epoch's."""
    rng = np.random.default_rng(seed)
    return [noise_canvas(rng) if k % 2 else render_digit(scribble(rng), rng) for k in range(count)]


def noise_for_checking(count: int = 600, seed: int = 99) -> RealWriterInputs:
    """:func:`noise_images`, preprocessed."""
    images = noise_images(count, seed)
    return RealWriterInputs([preprocess(im) for im in images], np.full(count, -1), np.full(count, "noise"))


def calibrate(net: Sequential, writers: dict[str, RealWriterInputs], letters: PenDigits | None,
              seed: int = 0) -> tuple[Calibration, dict]:
    """Fit the calibration of ``net`` on the validation ``writers`` (name -> digits drawn and
    preprocessed once) and measure it there, on the held-out letter writers and on noise.
    -> (calibration, figures by set)."""
    raw = Recognizer(net)
    calibration = fit_calibration(raw, list(writers.values()))
    calibrated = Recognizer(net, calibration=calibration)
    figures = {}
    for name, prepared in writers.items():
        figures[name] = {"uncalibrated": measure_calibration(raw, prepared).to_dict(),
                         "calibrated": measure_calibration(calibrated, prepared).to_dict()}
    others = {"noise and scribbles": noise_for_checking()}
    if letters is not None:
        others["letters (held-out writers)"] = letters_for_checking(letters, seed)
    for name, prepared in others.items():
        verdicts = calibrated.recognize_inputs(prepared.inputs).verdicts
        figures[name] = {"samples": len(verdicts), "called_digit": round(float(np.mean(verdicts == "digit")), 6),
                         "called_not_digit": round(float(np.mean(verdicts == "not_digit")), 6)}
    return calibration, figures
