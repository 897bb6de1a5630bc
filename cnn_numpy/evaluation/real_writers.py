"""Accuracy on real writers' pen digits drawn as the canvas draws them.

Every sample is rendered on a 280x280 canvas (white round pen on black; digit height 50-85 %
of the canvas, random position, pen 10-26 px, seeded), preprocessed by the app's own code,
and read through :meth:`Recognizer.recognize_inputs`, like the app's canvas.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.pen_archives import UnipenMissingError, load_pen_digits
from ..data.pendigits import PendigitsMissingError, load_pendigits
from ..data.strokes import PenDigits, render_all
from ..recognition.preprocess import preprocess
from ..recognition.recognizer import Recognitions, Recognizer
from .scores import Scores

REAL_WRITERS = "real writers (dev)"
UNIPEN_DEV = "UNIPEN dev writers"
PENDIGITS_TEST = "pendigits test writers"


@dataclass
class RealWriterInputs:
    """Real writers' digits as the app's canvas draws them, after the app's preprocessing:
    rendered and preprocessed once, so that every model scored on them sees the same inputs."""
    inputs: list[np.ndarray | None]   # (28, 28) float32 each; None where the render had no ink
    labels: np.ndarray                # (S,) int64
    sources: np.ndarray               # (S,) str: writer group or writer

    @classmethod
    def of(cls, digits: PenDigits, seed: int = 0) -> RealWriterInputs:
        inputs = [preprocess(image) for image in render_all(digits, seed)]
        return cls(inputs, np.asarray(digits.labels, np.int64), np.asarray(digits.sources))


@dataclass
class RealWriterResult:
    scores: Scores
    per_source: dict[str, float]      # accuracy per writer group
    recognitions: Recognitions        # what the network received and answered, sample by sample


def evaluate_real_writers(recognizer: Recognizer, writers: PenDigits | RealWriterInputs, seed: int = 0,
                          name: str = REAL_WRITERS) -> RealWriterResult:
    """Recognise and score every sample (blank results count as wrong); ``seed`` draws the
    sizes, positions and pen widths when ``writers`` are still strokes."""
    if isinstance(writers, PenDigits):
        writers = RealWriterInputs.of(writers, seed)
    recognitions = recognizer.recognize_inputs(writers.inputs)
    predictions = recognitions.digits
    scores = Scores.of(name, predictions, writers.labels)
    per_source = {str(s): float(np.mean(predictions[writers.sources == s] == writers.labels[writers.sources == s]))
                  for s in np.unique(writers.sources)}
    return RealWriterResult(scores, per_source, recognitions)


def writer_sets(unipen_dir: Path | str | None = None, pendigits_dir: Path | str | None = None,
                unipen_group: str = "sources") -> dict[str, tuple[str, PenDigits]]:
    """The validation writers that are available: key -> (name, digits). "dev": the UNIPEN
    development writers (``unipen_dir`` or $HDR_UNIPEN_DIR); "pendigits": the 14 pendigits test
    writers (``pendigits_dir``, $HDR_PENDIGITS_DIR or the user cache). Neither is ever trained on.
    Raises the missing set's DataError when neither is found."""
    sets, missing = {}, []
    for key, name, load in (("dev", UNIPEN_DEV, lambda: load_pen_digits(unipen_dir, unipen_group)),
                            ("pendigits", PENDIGITS_TEST, lambda: load_pendigits("test", pendigits_dir))):
        try:
            sets[key] = (name, load())
        except (UnipenMissingError, PendigitsMissingError) as e:
            missing.append(e)
    if not sets:
        raise missing[0]
    return sets
