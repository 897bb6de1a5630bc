"""Writing styles drawn on pen strokes, and the ink that is no character."""
from __future__ import annotations

import numpy as np
import pytest

from cnn_numpy.data.not_digits import noise_canvas, scribble
from cnn_numpy.data.pen_styles import crossed_seven, slashed_zero, with_style

SEVEN = [np.array([[0, 0], [60, 0], [20, 100]], np.float32)]           # bar, then the stem down-left
ZERO = [np.stack([30 + 30 * np.sin(t := np.linspace(0, 2 * np.pi, 40)), 50 - 50 * np.cos(t)], 1).astype(np.float32)]


def test_slash_crosses_the_zero_from_lower_left_to_upper_right():
    slash = slashed_zero(ZERO, np.random.default_rng(0))[-1]
    (x0, y0), (x1, y1) = slash
    assert x0 < x1 and y0 > y1                    # y grows downward: it rises to the right
    assert y0 >= 100 and y1 <= 0                   # from below the loop to above it


def test_crossbar_sits_on_the_stem_below_mid_height():
    for seed in range(20):
        bar = crossed_seven(SEVEN, np.random.default_rng(seed))[-1]
        mid_x, mid_y = bar.mean(axis=0)
        assert 45 <= mid_y <= 65
        stem_x = 60 - 40 * mid_y / 100                # the stem from (60, 0) to (20, 100)
        assert abs(mid_x - stem_x) < 1e-3
        assert abs(bar[1, 1] - bar[0, 1]) < 0.1 * 100  # nearly horizontal


@pytest.mark.parametrize("label", [1, 2, 3, 4, 5, 6, 8, 9])
def test_other_digits_are_never_restyled(label):
    strokes = [np.array([[0, 0], [1, 1]], np.float32)]
    assert with_style(strokes, label, np.random.default_rng(0), 1.0) is strokes


def test_style_share_follows_the_fraction():
    rng = np.random.default_rng(3)
    styled = sum(len(with_style(ZERO, 0, rng, 0.3)) == 2 for _ in range(2000))
    assert 520 < styled < 680
    assert all(len(with_style(ZERO, 0, rng, 0.0)) == 1 for _ in range(50))


def test_scribbles_and_noise_have_ink():
    rng = np.random.default_rng(0)
    assert all(s.shape[1] == 2 and len(s) >= 8 for s in scribble(rng))
    for _ in range(12):
        image = np.asarray(noise_canvas(rng))
        assert image.shape == (280, 280) and image.max() > 0
