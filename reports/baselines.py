"""k-nearest neighbours for the model comparison: k = 3 nearest training images by Euclidean
distance, majority vote. (The comparison's networks, softmax regression and the MLP, are
built by cnn_numpy.nn.dense and trained by the project's one Trainer.)
"""
from __future__ import annotations

import numpy as np


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

    def _vote(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(votes (N, classes) int64, winner (N,)): the majority of the k nearest; a tie goes to
        the nearest tied label."""
        idx, _ = self.neighbours(x)
        labels = self.train_y[idx]                                    # (N, k), nearest first
        rows = np.arange(len(labels))[:, None]
        votes = np.zeros((len(labels), self.classes), np.int64)
        np.add.at(votes, (rows, labels), 1)
        winner = votes[rows, labels] == votes.max(axis=1, keepdims=True)
        return votes, labels[rows[:, 0], winner.argmax(axis=1)]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """(N, ...) -> (N,) majority label of the k nearest; a tie goes to the nearest tied label."""
        return self._vote(x)[1]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """(N, ...) -> (N, classes) float32 vote shares, the winner of :meth:`predict` given half a
        vote more so that it is the unique most probable class (so a Recognizer can use a kNN)."""
        votes, winner = self._vote(x)
        votes = votes.astype(np.float32)
        votes[np.arange(len(votes)), winner] += 0.5
        return votes / votes.sum(axis=1, keepdims=True)
