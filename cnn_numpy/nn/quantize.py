"""Symmetric per-output-channel int8 quantization of the network's weight matrices.

Each output channel (a filter of W1, a column of W2 and W3) gets one float32 scale, its largest
absolute weight / 127, and its weights become round(w / scale) in -127..127, so that
``q * scale`` is within scale / 2 of ``w``. Biases are not quantized.
"""
from __future__ import annotations

import numpy as np

LEVELS = 127
CHANNEL_AXIS = {"W1": 0, "W2": 1, "W3": 1}    # the output channel of each quantized parameter


def _per_channel(scale: np.ndarray, ndim: int, axis: int) -> np.ndarray:
    """``scale`` (channels,) shaped to broadcast along ``axis`` of an array of ``ndim`` dimensions."""
    return np.expand_dims(scale, tuple(i for i in range(ndim) if i != axis))


def quantize(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """(int8 values, float32 scales of shape (w.shape[axis],)) of a finite float array; an all-zero
    channel gets scale 1."""
    peak = np.abs(w).max(axis=tuple(i for i in range(w.ndim) if i != axis)).astype(np.float32)
    scale = np.where(peak > 0, peak / np.float32(LEVELS), np.float32(1)).astype(np.float32)
    q = np.rint(w / _per_channel(scale, w.ndim, axis))
    return np.clip(q, -LEVELS, LEVELS).astype(np.int8), scale


def dequantize(q: np.ndarray, scale: np.ndarray, axis: int) -> np.ndarray:
    """The float32 weights ``q * scale``, channel by channel along ``axis``."""
    return q.astype(np.float32) * _per_channel(scale.astype(np.float32), q.ndim, axis)
