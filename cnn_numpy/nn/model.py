"""Sequential: a stack of layers with softmax cross-entropy on top, its parameters by name.

Every network of the project (the CNN and the baselines of the model comparison) is one, so
that one training loop (:mod:`cnn_numpy.training.trainer`) and one recognition path serve all.
Parameters are named by the layer that holds them, counting the layers that have parameters
from 1: ``W1, b1`` (first such layer), ``W2, b2``, ... The names are fixed when the model is
built; gradients are looked up through the same (layer, local name) pairs.
"""
from __future__ import annotations

import copy
from typing import Protocol

import numpy as np

from .layers import Layer, SoftmaxWithLoss, softmax


class LossLayer(Protocol):
    """A loss on top of the logits: ``forward(logits (N, K), labels (N,)) -> mean loss``,
    ``backward() -> dlogits (N, K)``, and ``probs`` (N, K) of the last forward pass (the Trainer
    counts accuracy from them). SoftmaxWithLoss by default; MulticlassHingeLoss for SVMs."""
    probs: np.ndarray | None

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float: ...

    def backward(self) -> np.ndarray: ...


class Sequential:
    """Layers applied in order: x (N, ...) -> logits (N, classes)."""

    def __init__(self, layers: list[Layer], rng: np.random.Generator | None = None,
                 loss_layer: LossLayer | None = None):
        self.layers = layers
        self.rng = rng if rng is not None else np.random.default_rng(0)   # dropout masks
        self.loss_layer: LossLayer = loss_layer if loss_layer is not None else SoftmaxWithLoss()
        self._slots: dict[str, tuple[Layer, str]] = {}                   # name -> (layer, local name)
        for number, layer in enumerate((la for la in layers if la.params()), 1):
            for key in layer.params():
                self._slots[f"{key}{number}"] = (layer, key)
        self.params: dict[str, np.ndarray] = {name: layer.params()[key] for name, (layer, key) in self._slots.items()}

    @property
    def dtype(self) -> np.dtype:
        return next(iter(self.params.values())).dtype

    @property
    def classes(self) -> int:
        return next(layer.params()["b"] for layer in reversed(self.layers) if layer.params()).shape[0]

    @property
    def param_count(self) -> int:
        return sum(p.size for p in self.params.values())

    def with_params(self, params: dict[str, np.ndarray]) -> Sequential:
        """A model computing like this one with other parameter arrays of the same names and
        shapes, shared, not copied (e.g. the weight average, validated while training goes on)."""
        clone = copy.copy(self)
        copies = {id(layer): copy.copy(layer) for layer in self.layers}
        clone.layers = [copies[id(layer)] for layer in self.layers]
        clone._slots = {name: (copies[id(layer)], key) for name, (layer, key) in self._slots.items()}
        for name, (layer, key) in clone._slots.items():
            setattr(layer, key, params[name])
        clone.params = {name: params[name] for name in self.params}
        clone.loss_layer = copy.copy(self.loss_layer)   # same kind of loss, its own cached batch
        return clone

    def forward(self, x: np.ndarray, train: bool = False, start: int = 0, stop: int | None = None) -> np.ndarray:
        """(N, ...) -> logits (N, classes); ``train`` switches dropout on. With ``start`` and ``stop``, only
        layers[start:stop]: ``x`` is then what the layers below ``start`` made of the images."""
        x = np.asarray(x, dtype=self.dtype)
        for layer in self.layers[start:stop]:
            x = layer.forward(x, train)
        return x

    def predict_proba(self, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
        """(N, ...) -> class probabilities (N, classes), in batches to bound memory."""
        out = [softmax(self.forward(x[i:i + batch_size])) for i in range(0, len(x), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.classes), self.dtype)

    def predict_logits(self, x: np.ndarray, batch_size: int = 1000, start: int = 0) -> np.ndarray:
        """(N, ...) -> logits (N, classes), in batches to bound memory; with ``start``, ``x`` is what
        :meth:`features` made of the images with that ``stop`` (the same logits, bit for bit)."""
        out = [self.forward(x[i:i + batch_size], start=start) for i in range(0, len(x), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.classes), self.dtype)

    def features(self, x: np.ndarray, stop: int, batch_size: int = 1000) -> np.ndarray:
        """(N, ...) -> what layers[:stop] make of the images, in the batches :meth:`predict_logits` reads: to read
        them again cheaply while only the layers from ``stop`` up change (fine-tuning the top layers)."""
        out = [self.forward(x[i:i + batch_size], stop=stop) for i in range(0, len(x), batch_size)]
        return np.concatenate(out) if out else np.asarray(x, self.dtype)[:0]

    def input_gradient(self, dout: np.ndarray) -> np.ndarray:
        """The gradient with respect to the input of the last forward pass, given ``dout``, the gradient
        with respect to its logits (N, classes): back-propagation without parameter gradients."""
        for layer in reversed(self.layers):
            dout = layer.input_gradient(dout)
        return dout

    def loss(self, x: np.ndarray, labels: np.ndarray, train: bool = False) -> float:
        """Mean cross-entropy of a batch."""
        return self.loss_layer.forward(self.forward(x, train), labels)

    def gradient(self, x: np.ndarray, labels: np.ndarray, train: bool = True) -> tuple[float, dict[str, np.ndarray]]:
        """Back-propagation: (mean cross-entropy, gradient of every parameter by name)."""
        loss = self.loss(x, labels, train)
        dout = self.loss_layer.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return loss, {name: layer.grads()[key] for name, (layer, key) in self._slots.items()}
