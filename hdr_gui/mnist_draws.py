"""Random draws from the MNIST test set, and the right/drawn tally (Qt-free)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_numpy.data.mnist import to_input


@dataclass(frozen=True)
class Sample:
    """One MNIST test image."""
    index: int
    image: np.ndarray      # (28, 28) float32 in [0, 1], white on black
    label: int


class MnistDraws:
    """Draws random images from a loaded test set."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> None:
        self._images = images
        self._labels = labels
        self._rng = rng

    def __len__(self) -> int:
        return len(self._labels)

    def draw(self) -> Sample:
        index = int(self._rng.integers(len(self)))
        return Sample(index, to_input(self._images[index:index + 1])[0, 0], int(self._labels[index]))

    def draw_group(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """`size` distinct random images (N, 28, 28) float32 in [0, 1] and their labels."""
        indices = self._rng.choice(len(self), size=size, replace=False)
        return to_input(self._images[indices])[:, 0], self._labels[indices]


@dataclass
class Tally:
    """How many recognised draws were right."""
    right: int = 0
    drawn: int = 0

    def add(self, correct: bool) -> None:
        self.right += int(correct)
        self.drawn += 1
