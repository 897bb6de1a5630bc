"""Arrays to QImages through colour maps that colour-blind readers can read (display work only).

SEQUENTIAL (viridis) for values from zero up (activations), DIVERGING (PuOr, orange for positive,
purple for negative, near-white at zero) for signed values (weights, gradients), GREY for the
network's input as it is drawn. Each map is a 256-colour lookup table taken from matplotlib.
"""
from __future__ import annotations

import functools

import numpy as np
from matplotlib import colormaps
from PyQt5.QtGui import QColor, QImage

SEQUENTIAL = "viridis"
DIVERGING = "PuOr_r"
GREY = "gray"
MISSING = (200, 200, 200)     # cells with no value (NaN), e.g. the padding of a square grid


@functools.cache
def lookup_table(name: str) -> np.ndarray:
    """(256, 3) uint8 colours of the matplotlib colour map ``name``, from low to high."""
    return np.round(colormaps[name](np.linspace(0, 1, 256))[:, :3] * 255).astype(np.uint8)


def colours(values: np.ndarray, name: str, low: float, high: float) -> np.ndarray:
    """(..., 3) uint8 colours of ``values`` on the map ``name`` stretched over [low, high]."""
    span = high - low if high > low else 1.0
    scaled = np.nan_to_num((np.asarray(values, np.float32) - low) * (255 / span), nan=0.0)
    out = lookup_table(name)[np.clip(scaled + 0.5, 0, 255).astype(np.uint8)]
    out[np.isnan(values)] = MISSING
    return out


def colour(value: float, name: str, low: float, high: float) -> QColor:
    """One value's colour on the map."""
    r, g, b = colours(np.array([value], np.float32), name, low, high)[0]
    return QColor(int(r), int(g), int(b))


def rgb_image(rgb: np.ndarray) -> QImage:
    """(H, W, 3) uint8 array as a Format_RGB888 QImage (own copy)."""
    rgb = np.ascontiguousarray(rgb)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format_RGB888).copy()


def to_qimage(values: np.ndarray, name: str, low: float, high: float) -> QImage:
    """(H, W) values as an image on the map ``name`` over [low, high]."""
    return rgb_image(colours(values, name, low, high))


def to_qimages(stack: np.ndarray, name: str, low: float, high: float) -> list[QImage]:
    """(K, H, W) values as K images on one shared scale."""
    return [rgb_image(rgb) for rgb in colours(stack, name, low, high)]


def overlay_qimage(ink: np.ndarray, signed: np.ndarray, limit: float) -> QImage:
    """Signed values (H, W) on the DIVERGING map over [-limit, limit], laid over ``ink`` (H, W) in [0, 1]
    drawn grey on white: each pixel's colour covers the ink as much as its value's share of ``limit``."""
    paper = (255 - 150 * np.clip(ink, 0, 1))[..., None].astype(np.float32)
    cover = np.clip(np.abs(signed) / (limit if limit > 0 else 1.0), 0, 1)[..., None]
    mixed = (1 - cover) * paper + cover * colours(signed, DIVERGING, -limit, limit)
    return rgb_image(np.round(mixed).astype(np.uint8))
