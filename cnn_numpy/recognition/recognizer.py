"""The one recognition path: image -> preprocessing -> network -> probabilities.

Two entry points, both batched: :meth:`Recognizer.recognize_images` for pictures (any size
and mode; the app's canvas, files) and :meth:`Recognizer.recognize_inputs` for inputs already
in the network's 28x28 form (MNIST samples, renders preprocessed once for a report). The GUI,
``python main.py predict``, every evaluation and the tests go through them; nothing here
knows about Qt.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image

from ..nn.inspect import Inside, look_inside
from ..paths import DEFAULT_WEIGHTS
from ..weights import load_weights
from .calibration import Calibration, scattered_dots, solid_blobs
from .preprocess import preprocess

UNSURE_THRESHOLD = Calibration().unsure_below   # without a calibration: unsure below this probability
FIELD = 28


@dataclass(frozen=True)
class Recognition:
    """What the network made of one image."""
    digit: int | None          # None when the image has no ink
    confidence: float          # probability of ``digit`` (0.0 when there is no digit)
    probs: np.ndarray          # (10,) float32; all zeros when there is no ink
    input_image: np.ndarray    # (28, 28) float32 in [0, 1]: what the network received
    runner_up: int | None      # the second most probable digit
    verdict: str = "digit"     # "digit", "unsure", "not_digit" or "blank" (see calibration.py)

    @property
    def unsure(self) -> bool:
        return self.verdict == "unsure"


@dataclass(frozen=True)
class Recognitions:
    """What the network made of a batch of N images, as arrays; ``batch[i]`` is one :class:`Recognition`."""
    probs: np.ndarray      # (N, 10) float32, calibrated; rows of zeros for blank images
    inputs: np.ndarray     # (N, 28, 28) float32: what the network received (zeros when blank)
    present: np.ndarray    # (N,) bool: the image had ink
    verdicts: np.ndarray   # (N,) str: "digit", "unsure", "not_digit" or "blank"

    def __len__(self) -> int:
        return len(self.present)

    @property
    def digits(self) -> np.ndarray:
        """(N,) int64: the most probable digit, -1 for a blank image."""
        return np.where(self.present, self.probs.argmax(axis=1), -1)

    @property
    def confidence(self) -> np.ndarray:
        """(N,) float32: the probability of the most probable digit (0 when blank)."""
        return self.probs.max(axis=1) if len(self) else np.zeros(0, np.float32)

    def __getitem__(self, i: int) -> Recognition:
        if not self.present[i]:
            return Recognition(None, 0.0, self.probs[i], self.inputs[i], None, "blank")
        order = np.argsort(self.probs[i])[::-1]
        return Recognition(int(order[0]), float(self.probs[i, order[0]]), self.probs[i], self.inputs[i],
                           int(order[1]), str(self.verdicts[i]))

    def __iter__(self) -> Iterator[Recognition]:
        return (self[i] for i in range(len(self)))


class Classifier(Protocol):
    """What the Recognizer needs of a model: every network of the project (Sequential), or the
    kNN of the model comparison (which has no logits, and so no calibration)."""
    classes: int

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """(N, 1, 28, 28) float32 -> (N, classes) probabilities."""


class Recognizer:
    """A trained model with the preprocessing that feeds it and the calibration of its confidence.

    ``calibration`` comes from the weights' metadata; weights without one are used uncalibrated
    (temperature 1, no not-digit verdict, unsure below 60 %), and ``calibrated`` says so.
    ``weights_path`` is the file the network was loaded from (None when it was built in memory).
    """

    def __init__(self, net: Classifier, metadata: dict | None = None, calibration: Calibration | None = None,
                 weights_path: Path | None = None):
        self.net = net
        self.metadata = metadata or {}
        self.weights_path = weights_path
        if calibration is None and "calibration" in self.metadata:
            calibration = Calibration.from_dict(self.metadata["calibration"])
        self.calibrated = calibration is not None
        self.calibration = calibration or Calibration()

    @classmethod
    def from_weights(cls, path: Path | str | None = None) -> Recognizer:
        """Load weights (default: the shipped file); WeightsError names a bad file."""
        net, meta = load_weights(path)
        return cls(net, meta, weights_path=Path(path) if path else DEFAULT_WEIGHTS)

    def recognize_inputs(self, inputs: np.ndarray | Sequence[np.ndarray | None],
                         known: dict[int, np.ndarray] | None = None) -> Recognitions:
        """Network inputs (N, 28, 28) float32 in [0, 1], or a list of (28, 28) inputs with None
        for blank images -> their recognitions, in one network pass. ``known``: the calibrated probabilities
        (classes,) of some of them by index, from an earlier pass (numbers.ReadingMemo): only the others are
        read by the network."""
        if isinstance(inputs, np.ndarray):
            x = np.asarray(inputs, dtype=np.float32).reshape(-1, FIELD, FIELD)
            present = np.ones(len(x), bool)
        else:
            present = np.array([item is not None for item in inputs], bool)
            x = np.zeros((len(inputs), FIELD, FIELD), np.float32)
            for i in np.flatnonzero(present):
                x[i] = inputs[i]
        probs = np.zeros((len(x), self.net.classes), np.float32)
        todo = present.copy()
        for i, p in (known or {}).items():
            probs[i], todo[i] = p, False
        if todo.any():
            probs[todo] = self.probabilities(x[todo] if not todo.all() else x)
        no_strokes = (solid_blobs(x) | scattered_dots(x)) & present
        return Recognitions(probs, x, present, self.calibration.verdicts(probs, present, no_strokes))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Network inputs (N, 28, 28) -> calibrated probabilities (N, classes) float32."""
        if self.calibration.temperature == 1.0:
            return self.net.predict_proba(x[:, None])
        return self.calibration.probabilities(self.net.predict_logits(x[:, None]))

    def recognize_images(self, images: Sequence[Image.Image]) -> Recognitions:
        """Pictures of digits (any size and mode) -> their recognitions, in one network pass."""
        return self.recognize_inputs([preprocess(image) for image in images])

    def look_inside(self, x: np.ndarray) -> Inside:
        """Every stage of the network (a SimpleConvNet) for one input (28, 28), with the calibrated
        probabilities (see :mod:`cnn_numpy.nn.inspect`)."""
        return look_inside(self.net, x, self.calibration.temperature)
