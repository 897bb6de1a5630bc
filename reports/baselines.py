"""Baselines for the model comparison, from scratch in NumPy.

    softmax regression  Affine(784 -> 10) - Softmax
    MLP                 Affine(784 -> 512) - ReLU - Affine(512 -> 256) - ReLU - Affine(256 -> 10) - Softmax
    kNN                 k = 3 nearest training images by Euclidean distance, majority vote

The two networks reuse the layers of cnn_numpy.layers and the optimisers and learning-rate
schedule of cnn_numpy.optimizers. Inputs are (N, 1, 28, 28) float32, like the CNN's.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np

from cnn_numpy.layers import Affine, Relu, SoftmaxWithLoss, softmax
from cnn_numpy.optimizers import cosine_lr, make_optimizer

MLP_SIZES = (784, 512, 256, 10)
SOFTMAX_SIZES = (784, 10)


class LayerNet:
    """Affine layers with ReLU between them and softmax cross-entropy on top.

    Parameters W1, b1, W2, b2, ... are shared with the layers (optimisers update them in place).
    """

    def __init__(self, sizes: Sequence[int], seed: int = 0, dtype: type = np.float32):
        rng = np.random.default_rng(seed)
        self.sizes = tuple(sizes)
        self.params: dict[str, np.ndarray] = {}
        self.layers: list = []
        self._affine: list[Affine] = []
        for i, (fan_in, fan_out) in enumerate(pairwise(self.sizes), 1):
            W = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(dtype)   # He
            b = np.zeros(fan_out, dtype)
            self.params[f"W{i}"], self.params[f"b{i}"] = W, b
            if i > 1:
                self.layers.append(Relu())
            self._affine.append(Affine(W, b))
            self.layers.append(self._affine[-1])
        self.loss_layer = SoftmaxWithLoss()

    @property
    def dtype(self) -> np.dtype:
        return self.params["W1"].dtype

    @property
    def param_count(self) -> int:
        return sum(p.size for p in self.params.values())

    def forward(self, x: np.ndarray) -> np.ndarray:
        """(N, ...) -> logits (N, classes)."""
        x = np.asarray(x, dtype=self.dtype).reshape(len(x), -1)
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def gradient(self, x: np.ndarray, labels: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Back-propagation: (mean cross-entropy, gradients of every parameter)."""
        loss = self.loss_layer.forward(self.forward(x), labels)
        dout = self.loss_layer.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        grads = {}
        for i, layer in enumerate(self._affine, 1):
            grads[f"W{i}"], grads[f"b{i}"] = layer.dW, layer.db
        return loss, grads

    def predict_proba(self, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
        out = [softmax(self.forward(x[i:i + batch_size])) for i in range(0, len(x), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.sizes[-1]), self.dtype)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.predict_proba(x).argmax(axis=1)


def softmax_regression(seed: int = 0, dtype: type = np.float32) -> LayerNet:
    return LayerNet(SOFTMAX_SIZES, seed, dtype)


def mlp(seed: int = 0, dtype: type = np.float32) -> LayerNet:
    return LayerNet(MLP_SIZES, seed, dtype)


def fit(model: LayerNet, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int = 100, lr: float = 1e-3,
        optimizer: str = "adam", seed: int = 0, log: Callable[[str], None] = print) -> list[dict]:
    """Mini-batch training with the CNN's schedule (half-epoch warm-up, cosine decay).

    Each epoch's shuffle is seeded by (seed, epoch). Returns one row per epoch.
    """
    opt = make_optimizer(optimizer)
    y = np.asarray(y, np.int64)
    steps = -(-len(x) // batch_size)
    total, warmup = epochs * steps, steps // 2
    rows = []
    for epoch in range(epochs):
        order = np.random.default_rng([seed, epoch]).permutation(len(x))
        started, loss_sum, hits = time.perf_counter(), 0.0, 0
        for step in range(steps):
            idx = order[step * batch_size:(step + 1) * batch_size]
            loss, grads = model.gradient(x[idx], y[idx])
            opt.update(model.params, grads, cosine_lr(lr, epoch * steps + step, total, warmup))
            loss_sum += loss * len(idx)
            hits += int((model.loss_layer.probs.argmax(axis=1) == y[idx]).sum())
        rows.append({"epoch": epoch + 1, "train_loss": loss_sum / len(x), "train_acc": hits / len(x),
                     "seconds": round(time.perf_counter() - started, 2)})
        log(f"epoch {epoch + 1}/{epochs}: loss {loss_sum / len(x):.4f} acc {hits / len(x):.4f}")
    return rows


class KNN:
    """k-nearest neighbours, Euclidean distance; ties in the vote go to the nearest tied class.

    Squared distances ||a||^2 + ||b||^2 - 2 a.b come from one float32 matrix product per
    block of ``block_rows`` query rows, so memory stays at block_rows x training size x 12 bytes
    (float32 distances + int64 partition indices): 92 MB for 128 rows against 60,000 images.
    """

    def __init__(self, k: int = 3, block_rows: int = 128, classes: int = 10):
        self.k, self.block_rows, self.classes = k, block_rows, classes

    def fit(self, x: np.ndarray, y: np.ndarray) -> KNN:
        if len(x) < self.k:
            raise ValueError(f"kNN needs at least k={self.k} training samples, got {len(x)}")
        self.train_x = np.ascontiguousarray(np.asarray(x, np.float32).reshape(len(x), -1))
        self.train_sq = np.einsum("ij,ij->i", self.train_x, self.train_x)
        self.train_y = np.asarray(y, np.int64)
        return self

    @property
    def stored_values(self) -> int:
        """Numbers kept from training (a kNN has no learned parameters; it keeps the data)."""
        return self.train_x.size

    def neighbours(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(indices, squared distances), each (N, k), nearest first."""
        x = np.asarray(x, np.float32).reshape(len(x), -1)
        idx_out = np.empty((len(x), self.k), np.int64)
        d_out = np.empty((len(x), self.k), np.float32)
        for start in range(0, len(x), self.block_rows):
            a = x[start:start + self.block_rows]
            d2 = a @ self.train_x.T                       # (B, M) float32
            d2 *= -2
            d2 += self.train_sq
            d2 += np.einsum("ij,ij->i", a, a)[:, None]
            idx = np.argpartition(d2, self.k - 1, axis=1)[:, :self.k]
            dist = np.take_along_axis(d2, idx, axis=1)
            order = np.lexsort((idx, dist), axis=1)      # by distance, then index: deterministic
            idx_out[start:start + len(a)] = np.take_along_axis(idx, order, axis=1)
            d_out[start:start + len(a)] = np.take_along_axis(dist, order, axis=1)
        return idx_out, d_out

    def predict(self, x: np.ndarray) -> np.ndarray:
        """(N, ...) -> (N,) majority label of the k nearest; a tie goes to the nearest tied label."""
        idx, _ = self.neighbours(x)
        labels = self.train_y[idx]                                    # (N, k), nearest first
        rows = np.arange(len(labels))[:, None]
        votes = np.zeros((len(labels), self.classes), np.int64)
        np.add.at(votes, (rows, labels), 1)
        winner = votes[rows, labels] == votes.max(axis=1, keepdims=True)
        return labels[rows[:, 0], winner.argmax(axis=1)]
