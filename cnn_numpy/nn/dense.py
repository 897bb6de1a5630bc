"""Fully connected networks for the model comparison: Affine layers with ReLU between them.

    softmax regression  Affine(784 -> 10) - Softmax
    MLP                 Affine(784 -> 512) - ReLU - Affine(512 -> 256) - ReLU - Affine(256 -> 10) - Softmax

Inputs are (N, 1, 28, 28) float32 like the CNN's (Affine flattens them to (N, 784)).
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from .layers import Affine, Layer, Relu
from .model import Sequential

MLP_SIZES = (784, 512, 256, 10)
SOFTMAX_SIZES = (784, 10)


def dense_network(sizes: Sequence[int], seed: int = 0, dtype: type = np.float32) -> Sequential:
    """Affine layers of the given sizes, ReLU between them, He-initialised, zero biases."""
    rng = np.random.default_rng(seed)
    layers: list[Layer] = []
    for i, (fan_in, fan_out) in enumerate(pairwise(sizes)):
        if i:
            layers.append(Relu())
        W = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(dtype)
        layers.append(Affine(W, np.zeros(fan_out, dtype)))
    return Sequential(layers, rng)


def softmax_regression(seed: int = 0, dtype: type = np.float32) -> Sequential:
    return dense_network(SOFTMAX_SIZES, seed, dtype)


def mlp(seed: int = 0, dtype: type = np.float32) -> Sequential:
    return dense_network(MLP_SIZES, seed, dtype)
