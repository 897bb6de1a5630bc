"""The one recognition path: image -> preprocessing -> network -> probabilities.

The GUI, ``python main.py predict``, the evaluation scripts and the tests all go through
:class:`Recognizer`; nothing here knows about Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .network import SimpleConvNet
from .preprocess import preprocess
from .weights import load_weights

UNSURE_THRESHOLD = 0.6   # below this probability the app says it is unsure and shows the runner-up


@dataclass(frozen=True)
class Recognition:
    """What the network made of one image."""
    digit: int | None          # None when the image has no ink
    confidence: float          # probability of ``digit`` (0.0 when there is no digit)
    probs: np.ndarray          # (10,) float32; all zeros when there is no ink
    input_image: np.ndarray    # (28, 28) float32 in [0, 1]: what the network received
    runner_up: int | None      # the second most probable digit

    @property
    def unsure(self) -> bool:
        return self.digit is not None and self.confidence < UNSURE_THRESHOLD

    @classmethod
    def from_probs(cls, probs: np.ndarray, x: np.ndarray) -> Recognition:
        order = np.argsort(probs)[::-1]
        return cls(int(order[0]), float(probs[order[0]]), probs.astype(np.float32), x, int(order[1]))

    @classmethod
    def blank(cls) -> Recognition:
        return cls(None, 0.0, np.zeros(10, np.float32), np.zeros((28, 28), np.float32), None)


class Recognizer:
    """A trained network with the preprocessing that feeds it."""

    def __init__(self, net: SimpleConvNet, metadata: dict | None = None):
        self.net = net
        self.metadata = metadata or {}

    @classmethod
    def from_weights(cls, path: Path | str | None = None) -> Recognizer:
        """Load weights (default: the shipped file); WeightsError names a bad file."""
        net, meta = load_weights(path)
        return cls(net, meta)

    def recognize_inputs(self, x: np.ndarray) -> list[Recognition]:
        """Already-normalised images (N, 28, 28) float32 in [0, 1] (e.g. MNIST samples)."""
        x = np.asarray(x, dtype=np.float32).reshape(-1, 28, 28)
        probs = self.net.predict_proba(x[:, None])
        return [Recognition.from_probs(p, xi) for p, xi in zip(probs, x)]

    def recognize_input(self, x: np.ndarray) -> Recognition:
        return self.recognize_inputs(x[None])[0]

    def recognize_prepared(self, inputs: list[np.ndarray | None]) -> list[Recognition]:
        """Preprocessed inputs ((28, 28), or None for a blank image) -> one Recognition each,
        in one network pass."""
        present = [i for i, x in enumerate(inputs) if x is not None]
        out = [Recognition.blank() for _ in inputs]
        if present:
            for i, rec in zip(present, self.recognize_inputs(np.stack([inputs[i] for i in present]))):
                out[i] = rec
        return out

    def recognize_batch(self, images: list[Image.Image]) -> list[Recognition]:
        """Pictures of digits (any size and mode) -> one Recognition each, in one network pass."""
        return self.recognize_prepared([preprocess(im) for im in images])

    def recognize(self, image: Image.Image) -> Recognition:
        return self.recognize_batch([image])[0]
