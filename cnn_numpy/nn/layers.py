"""Layers of the network, each a forward/backward pair (NumPy, vectorised, float32).

Notation for shapes: N batch, C channels, H x W image, FN filters, FH x FW filter,
OH x OW output, P = OH*OW output positions, K = C*FH*FW filter taps, D features. Every
layer keeps what its backward pass needs from the last forward pass; ``backward(dout)``
returns the gradient of the loss with respect to the layer's input and stores parameter
gradients in ``dW`` / ``db``.

Memory layout: every activation is C-contiguous (N, C, H, W), so that the flattening in
:class:`Affine` is free and element-wise work runs over contiguous memory. The convolution
works image by image on columns laid out (N, K + 1, P) (the last row is ones, for the
bias): one small matrix product per image, ``[W | b] (FN, K + 1) @ cols[n] -> (FN, P)``,
writes its output directly in (N, FN, OH, OW) order (OpenBLAS runs products this small on
one thread, so they do not stall waiting for a busy core). Operations stay in the input's
float type (float32 in the app; float64 only in gradient checks); masks are bool.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


class Layer:
    """Base of every layer: ``forward(x, train=False)``, ``backward(dout)``, and its parameters
    and their last gradients by local name ("W", "b"; empty for layers without parameters)."""

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError

    def input_gradient(self, dout: np.ndarray) -> np.ndarray:
        """Gradient with respect to the input of the last forward pass, no parameter gradients
        (layers without parameters: their backward)."""
        return self.backward(dout)

    def params(self) -> dict[str, np.ndarray]:
        return {}

    def grads(self) -> dict[str, np.ndarray]:
        return {}


class Weighted(Layer):
    """A layer with a weight ``W`` and a bias ``b`` (shared arrays, updated in place by optimisers)."""
    W: np.ndarray
    b: np.ndarray
    dW: np.ndarray | None
    db: np.ndarray | None

    def params(self) -> dict[str, np.ndarray]:
        return {"W": self.W, "b": self.b}

    def grads(self) -> dict[str, np.ndarray]:
        return {"W": self.dW, "b": self.db}


def output_size(size: int, field: int, stride: int, pad: int) -> int:
    """Spatial size of a convolution or pooling output; rejects shapes that do not fit."""
    span = size + 2 * pad - field
    if span < 0:
        raise ValueError(f"window {field} larger than padded input {size + 2 * pad}")
    return span // stride + 1


def _windows(x: np.ndarray, fh: int, fw: int, stride: int, pad: int, fill: float = 0.0,
             writeable: bool = False) -> np.ndarray:
    """(N, C, H, W) -> view (N, C, OH, OW, FH, FW) of every window (a padded copy if pad > 0)."""
    oh, ow = output_size(x.shape[2], fh, stride, pad), output_size(x.shape[3], fw, stride, pad)
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=fill)
    win = sliding_window_view(x, (fh, fw), axis=(2, 3), writeable=writeable)
    return win[:, :, ::stride, ::stride][:, :, :oh, :ow]


def im2col(x: np.ndarray, fh: int, fw: int, stride: int, pad: int,
           out: np.ndarray | None = None) -> np.ndarray:
    """(N, C, H, W) -> columns (N, C*FH*FW, OH*OW), one copy through stride tricks.

    Row k = (c, i, j) of image n holds x[n, c, i + s*oh, j + s*ow] for every output position,
    so each copied run is an output row of the image (contiguous reads for stride 1).
    Written into ``out`` (any array of that shape, e.g. part of a reused buffer) if given.
    """
    n, c = x.shape[:2]
    win = _windows(x, fh, fw, stride, pad)                        # (N, C, OH, OW, FH, FW)
    oh, ow = win.shape[2:4]
    if out is None:
        out = np.empty((n, c * fh * fw, oh * ow), x.dtype)
    np.copyto(out.reshape(n, c, fh, fw, oh, ow), win.transpose(0, 1, 4, 5, 2, 3))
    return out


def col2im(cols: np.ndarray, x_shape: tuple[int, int, int, int], fh: int, fw: int,
           stride: int, pad: int) -> np.ndarray:
    """Adjoint of :func:`im2col`: columns (N, C*FH*FW, OH*OW) -> (N, C, H, W), overlaps add up.

    One strided add per filter offset (FH*FW of them), each over the whole batch.
    """
    n, c, h, w = x_shape
    oh, ow = output_size(h, fh, stride, pad), output_size(w, fw, stride, pad)
    cols = cols.reshape(n, c, fh, fw, oh, ow)
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1), dtype=cols.dtype)
    for i in range(fh):
        for j in range(fw):
            img[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += cols[:, :, i, j]
    return img[:, :, pad:pad + h, pad:pad + w]


class Convolution(Weighted):
    """2-D convolution. x (N, C, H, W) -> (N, FN, OH, OW) C-contiguous; W (FN, C, FH, FW), b (FN,).

    The bias rides along in the matrix products as one more filter tap whose input is 1:
    the columns of x get a row of ones, (N, K + 1, P), in a buffer reused from batch to
    batch, and per image ``[W | b] (FN, K + 1) @ cols[n] (K + 1, P) -> (FN, P)``. Backward,
    ``sum_n dout[n] (FN, P) @ cols[n].T`` gives ``[dW | db]`` at once. ``input_grad=False``
    (the first layer) skips computing the gradient of the input.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0,
                 input_grad: bool = True):
        self.W, self.b, self.stride, self.pad, self.input_grad = W, b, stride, pad, input_grad
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self._x_shape: tuple[int, int, int, int] | None = None
        self._cols: np.ndarray | None = None                        # (N, K + 1, P), reused

    def _columns_and_ones(self, x: np.ndarray) -> np.ndarray:
        """Columns of x with a last row of ones: (N, K + 1, P), in the layer's buffer."""
        _, c, fh, fw = self.W.shape
        n, _, h, w = x.shape
        k, p = c * fh * fw, output_size(h, fh, self.stride, self.pad) * output_size(w, fw, self.stride, self.pad)
        if self._cols is None or self._cols.shape != (n, k + 1, p) or self._cols.dtype != x.dtype:
            self._cols = np.empty((n, k + 1, p), x.dtype)
            self._cols[:, k] = 1
        im2col(x, fh, fw, self.stride, self.pad, out=self._cols[:, :k])
        return self._cols

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        fn, _, fh, fw = self.W.shape
        n, _, h, w = x.shape
        oh, ow = output_size(h, fh, self.stride, self.pad), output_size(w, fw, self.stride, self.pad)
        cols = self._columns_and_ones(x)                               # (N, K + 1, P)
        self._x_shape = x.shape
        weights = np.concatenate([self.W.reshape(fn, -1), self.b[:, None]], axis=1)   # (FN, K + 1)
        return np.matmul(weights, cols).reshape(n, fn, oh, ow)

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        fn = self.W.shape[0]
        dout = dout.reshape(len(dout), fn, -1)                         # (N, FN, P)
        grads = np.matmul(dout, self._cols.transpose(0, 2, 1)).sum(axis=0)   # (FN, K + 1)
        self.dW = np.ascontiguousarray(grads[:, :-1]).reshape(self.W.shape)
        self.db = grads[:, -1].copy()
        return self.input_gradient(dout) if self.input_grad else None

    def input_gradient(self, dout: np.ndarray) -> np.ndarray:
        """Gradient of the input alone, whatever ``input_grad`` says (e.g. for saliency maps)."""
        fn, _, fh, fw = self.W.shape
        dcols = np.matmul(self.W.reshape(fn, -1).T, dout.reshape(len(dout), fn, -1))   # (N, K, P)
        return col2im(dcols, self._x_shape, fh, fw, self.stride, self.pad)


class Pooling(Layer):
    """Max or average pooling. x (N, C, H, W) -> (N, C, OH, OW) C-contiguous.

    Works cell by cell over the PH*PW positions of the window, each step one vectorised
    operation over the whole batch (4 steps for the network's 2x2 pooling). Max pooling
    stores no mask and no index map: backward finds each window's winner by comparing the
    input (kept by reference) with the output, the first cell in row-major order winning
    ties, as ``argmax`` would. Where windows tile the input exactly (2x2, stride 2, even
    sizes) every input cell is written once; otherwise gradients are accumulated.
    """

    def __init__(self, pool_h: int = 2, pool_w: int = 2, stride: int | None = None,
                 pad: int = 0, mode: str = "max"):
        if mode not in ("max", "avg"):
            raise ValueError(f"pooling mode must be 'max' or 'avg', not {mode!r}")
        self.pool_h, self.pool_w = pool_h, pool_w
        self.stride = pool_h if stride is None else stride
        self.pad, self.mode = pad, mode
        self._x: np.ndarray | None = None
        self._out: np.ndarray | None = None

    def _cells(self, win: np.ndarray) -> list[np.ndarray]:
        """(N, C, OH, OW, PH, PW) windows -> PH*PW views (N, C, OH, OW), one per window cell."""
        return [win[..., i, j] for i in range(self.pool_h) for j in range(self.pool_w)]

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        fill = -np.inf if self.mode == "max" else 0.0
        cells = self._cells(_windows(x, self.pool_h, self.pool_w, self.stride, self.pad, fill))
        combine = np.maximum if self.mode == "max" else np.add
        out = combine(cells[0], cells[1]) if len(cells) > 1 else cells[0].copy()   # (N, C, OH, OW)
        for cell in cells[2:]:
            combine(out, cell, out=out)
        if self.mode == "avg":
            out /= out.dtype.type(len(cells))
        self._x, self._out = x, out
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        n, c, h, w = self._x.shape
        ph, pw, s, p = self.pool_h, self.pool_w, self.stride, self.pad
        oh, ow = self._out.shape[2:]
        tiled = s == ph == pw and h + 2 * p == s * oh and w + 2 * p == s * ow
        dx = (np.empty if tiled else np.zeros)((n, c, h + 2 * p, w + 2 * p), dtype=dout.dtype)
        dcells = self._cells(_windows(dx, ph, pw, s, 0, writeable=True))
        if self.mode == "avg":
            share = dout / dout.dtype.type(ph * pw)
            for dcell in dcells:
                if tiled:
                    dcell[...] = share
                else:
                    dcell += share
            return dx[:, :, p:p + h, p:p + w]
        cells = self._cells(_windows(self._x, ph, pw, s, p, -np.inf))
        taken = np.zeros(self._out.shape, dtype=bool)                 # window already routed
        for cell, dcell in zip(cells, dcells, strict=True):
            winner = np.greater(cell == self._out, taken)             # holds the max, not yet routed
            taken |= winner
            if tiled:
                np.multiply(dout, winner, out=dcell)
            else:
                dcell += dout * winner
        return dx[:, :, p:p + h, p:p + w]


class Relu(Layer):
    """max(0, x), any shape; remembers where x > 0 as a boolean mask."""

    def __init__(self):
        self._mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        self._mask = x > 0
        return x * self._mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self._mask


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) in x's float type, without overflow (through tanh)."""
    return (0.5 * (1 + np.tanh(0.5 * x))).astype(x.dtype, copy=False)


class Sigmoid(Layer):
    """1 / (1 + exp(-x)), any shape."""

    def __init__(self):
        self._out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        self._out = sigmoid(x)
        return self._out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self._out * (1 - self._out)


class Tanh(Layer):
    """tanh(x), any shape."""

    def __init__(self):
        self._out: np.ndarray | None = None

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        self._out = np.tanh(x)
        return self._out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * (1 - self._out ** 2)


class Affine(Weighted):
    """Fully connected layer. x (N, ...) flattened to (N, D) -> (N, M); W (D, M), b (M,).

    The flattening is a free reshape of a C-contiguous input (channel, row, column order).
    """

    def __init__(self, W: np.ndarray, b: np.ndarray):
        self.W, self.b = W, b
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self._x: np.ndarray | None = None
        self._x_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        self._x_shape = x.shape
        self._x = x.reshape(x.shape[0], -1)          # C-order: channel, row, column
        out = self._x @ self.W
        out += self.b
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self.dW = self._x.T @ dout
        self.db = dout.sum(axis=0)
        return self.input_gradient(dout)

    def input_gradient(self, dout: np.ndarray) -> np.ndarray:
        return (dout @ self.W.T).reshape(self._x_shape)


class Dropout(Layer):
    """Inverted dropout: in training, zero a fraction ``rate`` and scale the rest by 1/(1-rate)."""

    def __init__(self, rate: float = 0.5, rng: np.random.Generator | None = None):
        if not 0 <= rate < 1:
            raise ValueError(f"dropout rate must be in [0, 1), not {rate}")
        self.rate = rate
        self.rng = rng if rng is not None else np.random.default_rng()
        self._mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        if not train or self.rate == 0:
            self._mask = None
            return x
        keep = 1.0 - self.rate
        self._mask = (self.rng.random(x.shape, dtype=np.float32) < keep).astype(x.dtype) / x.dtype.type(keep)
        return x * self._mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout if self._mask is None else dout * self._mask


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of (N, K) logits; finite for any finite logits (shifted by the row max)."""
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


NOT_A_DIGIT = -1   # the label of a training sample that is no class at all (a letter, a scribble, noise)


class SoftmaxWithLoss:
    """Softmax + mean cross-entropy. logits (N, K), labels (N,) int -> scalar loss.

    A label of NOT_A_DIGIT (-1) marks an outlier (outlier exposure, Hendrycks et al. 2019): its
    target is the uniform distribution, so the network learns to spread its probability over the
    classes for such inputs; its loss counts ``outlier_weight`` times a labelled sample's.
    Uses log-sum-exp, so the loss stays finite for logits of +/-1e4.
    """

    def __init__(self, outlier_weight: float = 0.5):
        self.outlier_weight = outlier_weight
        self.probs: np.ndarray | None = None
        self._labels: np.ndarray | None = None
        self._outliers: np.ndarray | None = None

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        z = logits - logits.max(axis=1, keepdims=True)
        log_sum = np.log(np.exp(z).sum(axis=1))
        self.probs = np.exp(z - log_sum[:, None])
        self._labels = labels
        outliers = labels < 0
        self._outliers = outliers if outliers.any() else None
        rows = np.arange(len(labels))
        if self._outliers is None:
            return float(np.mean(log_sum - z[rows, labels]))
        losses = log_sum - z[rows, np.where(outliers, 0, labels)]
        losses[outliers] = self.outlier_weight * (log_sum[outliers] - z[outliers].mean(axis=1))
        return float(np.mean(losses))

    def backward(self) -> np.ndarray:
        n = len(self._labels)
        dx = self.probs.copy()
        if self._outliers is None:
            dx[np.arange(n), self._labels] -= 1
        else:
            inliers = np.flatnonzero(~self._outliers)
            dx[inliers, self._labels[inliers]] -= 1
            k = dx.shape[1]
            dx[self._outliers] = self.outlier_weight * (dx[self._outliers] - dx.dtype.type(1 / k))
        return dx / dx.dtype.type(n)
