"""Accuracy on real writers' pen digits drawn as the canvas draws them.

Every sample is rendered on a 280x280 canvas (white round pen on black; digit height 50-85 %
of the canvas, random position, pen 10-26 px, seeded), preprocessed by the app's own code,
and read through :meth:`Recognizer.recognize_inputs`, like the app's canvas.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.strokes import PenDigits, render_all
from ..recognition.preprocess import preprocess
from ..recognition.recognizer import Recognitions, Recognizer
from .scores import Scores

REAL_WRITERS = "real writers (dev)"


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
