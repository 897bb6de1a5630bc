"""Support vector machines for the model comparison, trained by the project's one Trainer.

    linear SVM   Affine(784 -> 10) - multiclass hinge loss
    RBF SVM      RandomFourierFeatures(784 -> D, fixed) - Affine(D -> 10) - multiclass hinge loss

The loss is Crammer and Singer's multiclass hinge (2001): for scores s (N, K) and labels y,
``mean_n max(0, 1 + max_{j != y_n} s_nj - s_ny_n)``. The regulariser ``lambda/2 ||W||^2`` is the
Trainer's weight decay (applied to weights, not biases). The RBF kernel
``k(x, x') = exp(-||x - x'||^2 / (2 sigma^2))`` is approximated by random Fourier features
(Rahimi and Recht 2007): ``z(x) = sqrt(2/D) cos(x W + b)``, W ~ N(0, 1/sigma^2), b ~ U(0, 2 pi),
so that ``z(x) . z(x') ~ k(x, x')`` and a linear SVM on z is an approximate kernel SVM.
Inputs are (N, 1, 28, 28) float32 like the CNN's.
"""
from __future__ import annotations

import numpy as np

from .layers import Affine, Layer, softmax
from .model import Sequential

RFF_FEATURES = 4000


class MulticlassHingeLoss:
    """Crammer-Singer multiclass hinge loss. scores (N, K), labels (N,) int in [0, K) -> scalar.

    Same interface as SoftmaxWithLoss: ``forward`` returns the batch mean, ``backward`` the
    gradient of that mean with respect to the scores, and ``probs`` (N, K) is the softmax of the
    scores (an SVM has no probabilities; the Trainer only takes their argmax, the best score).
    The subgradient puts +1 on the strongest wrong class and -1 on the true one for every
    sample inside the margin (the first wrong class in index order wins ties).
    """

    def __init__(self, margin: float = 1.0):
        self.margin = margin
        self.probs: np.ndarray | None = None
        self._active: np.ndarray | None = None      # (N,) bool, inside the margin
        self._rival: np.ndarray | None = None       # (N,) strongest wrong class
        self._labels: np.ndarray | None = None

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        labels = np.asarray(labels)
        if labels.size and labels.min() < 0:
            raise ValueError("the hinge loss needs class labels; not-a-digit samples (-1) need SoftmaxWithLoss")
        rows = np.arange(len(labels))
        self.probs = softmax(logits)
        true = logits[rows, labels]                                   # (N,)
        wrong = logits.copy()
        wrong[rows, labels] = -np.inf
        self._rival = wrong.argmax(axis=1)                            # (N,)
        margins = self.margin + wrong[rows, self._rival] - true       # (N,)
        self._active, self._labels = margins > 0, labels
        return float(np.mean(np.maximum(margins, 0))) if len(labels) else 0.0

    def backward(self) -> np.ndarray:
        n, k = self.probs.shape
        dx = np.zeros((n, k), self.probs.dtype)
        rows = np.flatnonzero(self._active)
        dx[rows, self._rival[rows]] = 1
        dx[rows, self._labels[rows]] = -1
        return dx / dx.dtype.type(max(n, 1))


class RandomFourierFeatures(Layer):
    """Fixed random features of an RBF kernel. x (N, ...) flattened to (N, d) -> (N, D).

    ``z = sqrt(2/D) cos(x W + b)``, W (d, D) ~ N(0, 1/sigma^2), b (D,) ~ U(0, 2 pi). Nothing is
    trained: ``params()`` is empty, so no optimiser touches W or b (they are attributes ``W_rff``
    and ``b_rff``, not parameters). ``backward`` returns the input gradient
    ``-sqrt(2/D) (dout * sin(x W + b)) W^T`` when ``input_grad`` (for gradient checks), else
    None (the first layer of a network: nothing below needs it, and it costs a matrix product).
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, input_grad: bool = True):
        self.W_rff, self.b_rff, self.input_grad = W, b, input_grad
        self._z: np.ndarray | None = None           # (N, D) pre-activation x W + b
        self._x_shape: tuple[int, ...] | None = None

    @classmethod
    def sample(cls, d: int, features: int, sigma: float, seed: int = 0, dtype: type = np.float32,
               input_grad: bool = True) -> RandomFourierFeatures:
        """Draw W (d, features) ~ N(0, 1/sigma^2) and b (features,) ~ U(0, 2 pi)."""
        rng = np.random.default_rng(seed)
        W = (rng.standard_normal((d, features)) / sigma).astype(dtype)
        b = rng.uniform(0, 2 * np.pi, features).astype(dtype)
        return cls(W, b, input_grad)

    @property
    def features(self) -> int:
        return self.W_rff.shape[1]

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        self._x_shape = x.shape
        z = x.reshape(len(x), -1) @ self.W_rff
        z += self.b_rff
        self._z = z
        return np.cos(z) * z.dtype.type(np.sqrt(2.0 / self.features))

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        return self.input_gradient(dout) if self.input_grad else None

    def input_gradient(self, dout: np.ndarray) -> np.ndarray:
        scale = dout.dtype.type(-np.sqrt(2.0 / self.features))
        return ((dout * np.sin(self._z) * scale) @ self.W_rff.T).reshape(self._x_shape)


def median_distance(x: np.ndarray, sample: int = 1000, seed: int = 0) -> float:
    """Median Euclidean distance between distinct pairs of up to ``sample`` rows of x (N, ...)."""
    rng = np.random.default_rng(seed)
    x = np.asarray(x, np.float64).reshape(len(x), -1)
    x = x[rng.permutation(len(x))[:sample]]
    sq = np.einsum("ij,ij->i", x, x)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * x @ x.T, 0)
    return float(np.sqrt(np.median(d2[np.triu_indices(len(x), k=1)])))


def linear_svm(inputs: int = 784, classes: int = 10, seed: int = 0, dtype: type = np.float32) -> Sequential:
    """Affine(inputs -> classes), small random weights, with the multiclass hinge loss."""
    rng = np.random.default_rng(seed)
    W = (rng.standard_normal((inputs, classes)) * 0.01).astype(dtype)
    return Sequential([Affine(W, np.zeros(classes, dtype))], rng, loss_layer=MulticlassHingeLoss())


def rbf_svm(sigma: float, inputs: int = 784, features: int = RFF_FEATURES, classes: int = 10,
            seed: int = 0, dtype: type = np.float32) -> Sequential:
    """RandomFourierFeatures(inputs -> features, bandwidth sigma) - linear SVM (features -> classes)."""
    rff = RandomFourierFeatures.sample(inputs, features, sigma, seed, dtype, input_grad=False)
    svm = linear_svm(features, classes, seed + 1, dtype)
    return Sequential([rff, *svm.layers], svm.rng, loss_layer=MulticlassHingeLoss())
