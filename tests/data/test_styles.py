"""Synthesised writing styles: a slashed zero is a zero with a diagonal, normalised like canvas input."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from cnn_numpy.data.styles import slashed_zero, synthesize_styles


def ring() -> np.ndarray:
    """An MNIST-like zero: an ellipse outline, 20 px tall, centred."""
    img = Image.new("L", (28, 28), 0)
    ImageDraw.Draw(img).ellipse((8, 4, 20, 24), outline=255, width=2)
    return np.asarray(img, np.float32) / 255


def test_slashed_zero_crosses_the_hole():
    zero = ring()
    assert zero[12:16, 12:16].max() == 0                  # the hole is empty
    slashed = slashed_zero(zero, np.random.default_rng(0))
    assert slashed.shape == (28, 28) and slashed.dtype == np.float32
    assert slashed[11:17, 11:17].max() > 0.5              # the slash runs through it
    rows = np.flatnonzero(slashed.max(axis=1) > 0.3)
    assert rows[-1] - rows[0] + 1 in (19, 20, 21)         # re-normalised to the 20-px box


def test_synthesize_only_touches_zeros_and_is_seeded():
    images = np.stack([ring()] * 6)
    labels = np.array([0, 0, 0, 0, 5, 5])
    a, la = synthesize_styles(images, labels, np.random.default_rng(3), fraction=0.5)
    b, _ = synthesize_styles(images, labels, np.random.default_rng(3), fraction=0.5)
    assert len(a) == 2 and set(la) == {0}
    np.testing.assert_array_equal(a, b)
    assert synthesize_styles(images[4:], labels[4:], np.random.default_rng(0))[0].shape == (0, 28, 28)
