"""Numerical gradients for the gradient checks of every layer and network."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cnn_numpy.nn.convnet import ConvNetConfig

SMALL_CONFIGS = [   # small networks in float64 for whole-network gradient checks, one per pooling/activation
    ConvNetConfig(input_shape=(1, 10, 10), filter_num=3, filter_size=3, hidden=6),
    ConvNetConfig(input_shape=(1, 9, 9), filter_num=2, filter_size=3, pad=1, hidden=5, pool="avg", activation="tanh"),
    ConvNetConfig(input_shape=(1, 8, 8), filter_num=2, filter_size=5, hidden=4, pool="none", activation="sigmoid"),
]


def numerical_grad(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar f() with respect to every entry of x (changed in place)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
