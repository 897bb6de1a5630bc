"""Augmentation: identity when switched off, bilinear sampling, shift range, stroke width."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from cnn_numpy.data.augment import (
    AugmentConfig,
    augment_batch,
    bilinear_sample,
    elastic_field,
    random_affine,
    random_stroke,
)

NONE = AugmentConfig(rotation_deg=0.0, scale=(1.0, 1.0), shear=0.0, shift_px=0.0,
                     p_thick=0.0, p_thin=0.0)


def digits(n: int = 6, seed: int = 0) -> np.ndarray:
    """(n, 28, 28) solid blocks of ink with grey edges, away from the border."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 28, 28), np.float32)
    x[:, 8:20, 10:18] = 0.5 + 0.5 * rng.random((n, 12, 8), dtype=np.float32)
    x[:, 10:18, 12:16] = 1.0
    return x


def test_bilinear_sample_at_whole_pixels_is_the_image_and_zero_outside():
    x = digits(2)
    ys, xs = np.mgrid[0:28, 0:28].astype(np.float32)
    sx, sy = np.tile(xs.ravel(), (2, 1)), np.tile(ys.ravel(), (2, 1))
    np.testing.assert_array_equal(bilinear_sample(x, sx, sy), x)
    assert not bilinear_sample(x, sx + 40, sy).any()


def test_bilinear_sample_half_a_pixel_is_the_mean_of_neighbours():
    x = digits(1)
    ys, xs = np.mgrid[0:28, 0:28].astype(np.float32)
    out = bilinear_sample(x, (xs + 0.5).ravel()[None], ys.ravel()[None])
    np.testing.assert_allclose(out[0, :, :-1], (x[0, :, :-1] + x[0, :, 1:]) / 2, atol=1e-6)


def test_everything_off_is_the_identity():
    x = digits()
    np.testing.assert_allclose(augment_batch(x[:, None], np.random.default_rng(0), NONE)[:, 0], x, atol=1e-6)


def test_augmentation_is_seeded_bounded_and_keeps_the_ink():
    x = digits(50)[:, None]
    a = augment_batch(x, np.random.default_rng(1), AugmentConfig())
    b = augment_batch(x, np.random.default_rng(1), AugmentConfig())
    np.testing.assert_array_equal(a, b)
    assert a.shape == x.shape and a.dtype == np.float32
    assert a.min() >= 0 and a.max() <= 1
    assert not np.allclose(a, x)
    ratio = a.sum(axis=(1, 2, 3)) / x.sum(axis=(1, 2, 3))
    assert 0.5 < ratio.min() and ratio.max() < 2        # warped and re-stroked, never lost


def column_centre(x: np.ndarray) -> np.ndarray:
    """Horizontal centre of mass of each image (N, H, W) -> (N,)."""
    cols = np.arange(x.shape[2], dtype=np.float32)
    return (x.sum(axis=1) * cols).sum(axis=1) / x.sum(axis=(1, 2))


def test_affine_shift_moves_the_ink_by_at_most_the_range():
    x = digits(40)
    out = random_affine(x, np.random.default_rng(2), replace(NONE, shift_px=2.0))
    moved = np.abs(column_centre(out) - column_centre(x))
    assert moved.max() <= 2.0 + 1e-3 and moved.max() > 0.5


def test_elastic_field_is_smooth_and_as_large_as_asked():
    cfg = replace(NONE, elastic_px=1.5)
    field = elastic_field(400, 28, np.random.default_rng(3), cfg).reshape(400, 2, 28, 28)
    at_corners = field[:, :, [0, 0, -1, -1], [0, -1, 0, -1]]      # control points: the drawn values
    assert 1.3 < at_corners.std() < 1.7
    assert np.abs(np.diff(field, axis=3)).max() <= 2 * 3 * 1.5 * 6 / 27   # bilinear: bounded slope
    assert np.abs(field.mean()) < 0.05


def test_elastic_distortion_moves_ink_only_when_asked():
    x = digits(20)
    plain = random_affine(x, np.random.default_rng(4), NONE)
    warped = random_affine(x, np.random.default_rng(4), replace(NONE, elastic_px=1.0))
    np.testing.assert_allclose(plain, x, atol=1e-6)
    assert np.abs(warped - x).max() > 0.2
    ratio = warped.sum(axis=(1, 2)) / x.sum(axis=(1, 2))
    assert 0.7 < ratio.min() and ratio.max() < 1.3


@pytest.mark.parametrize("thick", [True, False])
def test_stroke_thickening_only_adds_and_thinning_only_removes(thick):
    x = digits(20)
    cfg = AugmentConfig(p_thick=1.0 if thick else 0.0, p_thin=0.0 if thick else 1.0)
    out = random_stroke(x, np.random.default_rng(3), cfg)
    assert (out >= x).all() if thick else (out <= x).all()
    assert not np.array_equal(out, x)


def test_thinning_never_erases_a_one_pixel_stroke():
    x = np.zeros((1, 28, 28), np.float32)
    x[0, 5:23, 14] = 1.0
    np.testing.assert_array_equal(random_stroke(x, np.random.default_rng(0), AugmentConfig(p_thick=0, p_thin=1)), x)
