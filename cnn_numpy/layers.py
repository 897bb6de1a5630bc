"""Layers of the network, each a forward/backward pair (NumPy, vectorised, float32).

Notation for shapes: N batch, C channels, H x W image, FN filters, FH x FW filter,
OH x OW output, D features. Every layer keeps what its backward pass needs from
the last forward pass; ``backward(dout)`` returns the gradient of the loss with
respect to the layer's input and stores parameter gradients in ``dW`` / ``db``.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def output_size(size: int, field: int, stride: int, pad: int) -> int:
    """Spatial size of a convolution or pooling output; rejects shapes that do not fit."""
    span = size + 2 * pad - field
    if span < 0:
        raise ValueError(f"window {field} larger than padded input {size + 2 * pad}")
    return span // stride + 1


def im2col(x: np.ndarray, fh: int, fw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """(N, C, H, W) -> (N*OH*OW, C*FH*FW): one row per output position (stride tricks, one copy)."""
    n, c, h, w = x.shape
    oh, ow = output_size(h, fh, stride, pad), output_size(w, fw, stride, pad)
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(x, (fh, fw), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :oh, :ow]
    # (N, C, OH, OW, FH, FW) -> (N, OH, OW, C, FH, FW): rows are positions, columns C-FH-FW.
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * fh * fw)


def col2im(col: np.ndarray, x_shape: tuple[int, int, int, int], fh: int, fw: int,
           stride: int = 1, pad: int = 0) -> np.ndarray:
    """Inverse of :func:`im2col` for gradients: overlapping windows add up. -> (N, C, H, W).

    Loops over the FH*FW filter offsets only (25 for a 5x5 filter), each a strided add
    over the whole batch.
    """
    n, c, h, w = x_shape
    oh, ow = output_size(h, fh, stride, pad), output_size(w, fw, stride, pad)
    cols = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)  # N, C, FH, FW, OH, OW
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1), dtype=col.dtype)
    for i in range(fh):
        for j in range(fw):
            img[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += cols[:, :, i, j]
    return img[:, :, pad:pad + h, pad:pad + w]


class Convolution:
    """2-D convolution. x (N, C, H, W) -> (N, FN, OH, OW); W (FN, C, FH, FW), b (FN,).

    ``input_grad=False`` (the first layer) skips computing the gradient of the input.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0,
                 input_grad: bool = True):
        self.W, self.b, self.stride, self.pad, self.input_grad = W, b, stride, pad, input_grad
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self._x_shape: tuple[int, int, int, int] | None = None
        self._col: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        fn, _, fh, fw = self.W.shape
        n, _, h, w = x.shape
        oh, ow = output_size(h, fh, self.stride, self.pad), output_size(w, fw, self.stride, self.pad)
        col = im2col(x, fh, fw, self.stride, self.pad)               # (N*OH*OW, C*FH*FW)
        out = col @ self.W.reshape(fn, -1).T                           # (N*OH*OW, FN)
        out += self.b
        self._x_shape, self._col = x.shape, col
        return out.reshape(n, oh, ow, fn).transpose(0, 3, 1, 2)       # (N, FN, OH, OW) view

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        fn, c, fh, fw = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)             # (N*OH*OW, FN)
        self.db = dout.sum(axis=0)
        self.dW = (dout.T @ self._col).reshape(fn, c, fh, fw)
        if not self.input_grad:
            return None
        dcol = dout @ self.W.reshape(fn, -1)                           # (N*OH*OW, C*FH*FW)
        return col2im(dcol, self._x_shape, fh, fw, self.stride, self.pad)


class Pooling:
    """Max or average pooling. x (N, C, H, W) -> (N, C, OH, OW).

    Max pooling remembers, for each output, the index of the winning cell inside its
    window (an int8 map of the output's size), not a mask of the input's size.
    """

    def __init__(self, pool_h: int = 2, pool_w: int = 2, stride: int | None = None,
                 pad: int = 0, mode: str = "max"):
        if mode not in ("max", "avg"):
            raise ValueError(f"pooling mode must be 'max' or 'avg', not {mode!r}")
        self.pool_h, self.pool_w = pool_h, pool_w
        self.stride = pool_h if stride is None else stride
        self.pad, self.mode = pad, mode
        self._x_shape: tuple[int, int, int, int] | None = None
        self._argmax: np.ndarray | None = None

    def _windows(self, x: np.ndarray) -> np.ndarray:
        """(N, C, H, W) -> (N, C, OH, OW, PH*PW), copying only the windows."""
        n, c, h, w = x.shape
        ph, pw, s, p = self.pool_h, self.pool_w, self.stride, self.pad
        oh, ow = output_size(h, ph, s, p), output_size(w, pw, s, p)
        if p:
            fill = -np.inf if self.mode == "max" else 0
            x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
        win = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s][:, :, :oh, :ow]
        return win.reshape(n, c, oh, ow, ph * pw)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x_shape = x.shape
        if self.mode == "avg":
            return self._windows(x).mean(axis=-1, dtype=x.dtype)
        win = self._windows(x)
        self._argmax = win.argmax(axis=-1).astype(np.int8 if win.shape[-1] < 128 else np.int32)
        return np.take_along_axis(win, self._argmax[..., None], axis=-1)[..., 0]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        n, c, h, w = self._x_shape
        ph, pw, s, p = self.pool_h, self.pool_w, self.stride, self.pad
        oh, ow = dout.shape[2], dout.shape[3]
        dx = np.zeros((n, c, h + 2 * p + s, w + 2 * p + s), dtype=dout.dtype)
        if self.mode == "avg":
            share = dout / (ph * pw)
        for k in range(ph * pw):                      # one strided add per window cell
            i, j = divmod(k, pw)
            grad = share if self.mode == "avg" else np.where(self._argmax == k, dout, 0)
            dx[:, :, i:i + s * oh:s, j:j + s * ow:s] += grad
        return dx[:, :, p:p + h, p:p + w]


class Relu:
    """max(0, x), any shape."""

    def __init__(self):
        self._mask: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._mask = x > 0
        return np.where(self._mask, x, 0).astype(x.dtype, copy=False)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return np.where(self._mask, dout, 0).astype(dout.dtype, copy=False)


class Sigmoid:
    """1 / (1 + exp(-x)), any shape."""

    def __init__(self):
        self._out: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._out = (0.5 * (1 + np.tanh(0.5 * x))).astype(x.dtype, copy=False)  # overflow-free
        return self._out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self._out * (1 - self._out)


class Tanh:
    """tanh(x), any shape."""

    def __init__(self):
        self._out: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._out = np.tanh(x)
        return self._out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * (1 - self._out ** 2)


class Affine:
    """Fully connected layer. x (N, ...) flattened to (N, D) -> (N, M); W (D, M), b (M,)."""

    def __init__(self, W: np.ndarray, b: np.ndarray):
        self.W, self.b = W, b
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self._x: np.ndarray | None = None
        self._x_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x_shape = x.shape
        self._x = x.reshape(x.shape[0], -1)          # C-order: channel, row, column
        out = self._x @ self.W
        out += self.b
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self.dW = self._x.T @ dout
        self.db = dout.sum(axis=0)
        return (dout @ self.W.T).reshape(self._x_shape)


class Dropout:
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


class SoftmaxWithLoss:
    """Softmax + mean cross-entropy. logits (N, K), labels (N,) int -> scalar loss.

    Uses log-sum-exp, so the loss stays finite for logits of +/-1e4.
    """

    def __init__(self):
        self.probs: np.ndarray | None = None
        self._labels: np.ndarray | None = None

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        z = logits - logits.max(axis=1, keepdims=True)
        log_sum = np.log(np.exp(z).sum(axis=1))
        self.probs = np.exp(z - log_sum[:, None])
        self._labels = labels
        rows = np.arange(len(labels))
        return float(np.mean(log_sum - z[rows, labels]))

    def backward(self) -> np.ndarray:
        n = len(self._labels)
        dx = self.probs.copy()
        dx[np.arange(n), self._labels] -= 1
        return dx / dx.dtype.type(n)
