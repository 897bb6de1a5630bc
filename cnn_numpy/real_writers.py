"""Accuracy on real writers' pen digits drawn as the canvas draws them.

Every UNIPEN sample is rendered on a 280x280 canvas (white round pen on black; digit height
50-85 % of the canvas, random position, pen 10-26 px, seeded) and goes through the same
:class:`Recognizer` as the app.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .evaluate import Scores
from .pen_digits import PenDigits, render_all
from .recognizer import Recognizer


@dataclass
class RealWriterResult:
    scores: Scores
    per_source: dict[str, float]
    images: list          # rendered canvases (PIL), for galleries
    inputs: np.ndarray    # (S, 28, 28) what the network received
    probs: np.ndarray     # (S, 10)


def evaluate_real_writers(recognizer: Recognizer, digits: PenDigits, seed: int = 0,
                          batch: int = 500) -> RealWriterResult:
    """Render, recognise and score every sample (blank results count as wrong)."""
    images = render_all(digits, seed)
    recs = []
    for i in range(0, len(images), batch):
        recs += recognizer.recognize_batch(images[i:i + batch])
    predictions = np.array([-1 if r.digit is None else r.digit for r in recs])
    scores = Scores.of("real writers (dev)", predictions, digits.labels)
    per_source = {str(s): float(np.mean(predictions[digits.sources == s] == digits.labels[digits.sources == s]))
                  for s in np.unique(digits.sources)}
    return RealWriterResult(scores, per_source, images, np.stack([r.input_image for r in recs]),
                            np.stack([r.probs for r in recs]))
