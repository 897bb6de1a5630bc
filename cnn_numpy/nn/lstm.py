"""An LSTM for the model comparison: the 28 rows of an image read top to bottom as a sequence.

    input (N, 1, 28, 28) -> sequence (N, T=28, D=28) -> LSTM(64) -> last hidden state (N, 64)
                         -> Affine(64 -> 10) -> Softmax

Notation: N batch, T steps, D inputs per step, H hidden units. Gates in the order input i,
forget f, output o, candidate g, each H wide in one (N, 4H) pre-activation per step:

    a_t = x_t Wx + h_{t-1} Wh + b    (Wx = W[:D], Wh = W[D:], so W is (D + H, 4H), b (4H,))
    i, f, o = sigmoid(a_t[:, :3H]);  g = tanh(a_t[:, 3H:])
    c_t = f * c_{t-1} + i * g;       h_t = o * tanh(c_t)

The input part x_t Wx of every step is one matrix product over all N*T rows; the recurrent
part is one (N, H) @ (H, 4H) product per step. Backward through time walks the steps in
reverse, then gets dW and dx from whole-sequence products.
"""
from __future__ import annotations

import numpy as np

from .layers import Affine, Weighted, sigmoid
from .model import Sequential

HIDDEN = 64


class LSTM(Weighted):
    """LSTM over a sequence. x (N, T, D) or (N, 1, T, D) -> last hidden state (N, H).

    W (D + H, 4H) stacks the input and recurrent weights, b (4H,); h_0 = c_0 = 0.
    Keeps every step's gates, cells and hidden states for backward: (N, T, 4H) + 2 x (N, T, H).
    """

    def __init__(self, W: np.ndarray, b: np.ndarray):
        self.W, self.b = W, b
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self._cache: tuple[np.ndarray, ...] | None = None
        self._x_shape: tuple[int, ...] | None = None

    @classmethod
    def init(cls, inputs: int, hidden: int, seed: int = 0, dtype: type = np.float32) -> LSTM:
        """Weights ~ U(-1/sqrt(H), 1/sqrt(H)), biases 0 except the forget gate's, 1 (remember by default)."""
        rng = np.random.default_rng(seed)
        bound = 1 / np.sqrt(hidden)
        W = rng.uniform(-bound, bound, (inputs + hidden, 4 * hidden)).astype(dtype)
        b = np.zeros(4 * hidden, dtype)
        b[hidden:2 * hidden] = 1
        return cls(W, b)

    @property
    def hidden(self) -> int:
        return self.b.shape[0] // 4

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        self._x_shape = x.shape
        n, t, d = x.shape[0], x.shape[-2], x.shape[-1]
        x = x.reshape(n, t, d)
        h_size = self.hidden
        Wx, Wh = self.W[:d], self.W[d:]
        pre = (x.reshape(n * t, d) @ Wx).reshape(n, t, 4 * h_size)   # (N, T, 4H), x part of every step
        pre += self.b
        gates = np.empty_like(pre)                                  # (N, T, 4H) i, f, o, g after nonlinearity
        cells = np.empty((n, t, h_size), x.dtype)                   # c_t
        hs = np.empty((n, t + 1, h_size), x.dtype)                  # h_0 .. h_T
        hs[:, 0] = 0
        c = np.zeros((n, h_size), x.dtype)
        for step in range(t):
            a = pre[:, step] + hs[:, step] @ Wh                     # (N, 4H)
            g = gates[:, step]
            g[:, :3 * h_size] = sigmoid(a[:, :3 * h_size])
            g[:, 3 * h_size:] = np.tanh(a[:, 3 * h_size:])
            c = g[:, h_size:2 * h_size] * c + g[:, :h_size] * g[:, 3 * h_size:]
            cells[:, step] = c
            hs[:, step + 1] = g[:, 2 * h_size:3 * h_size] * np.tanh(c)
        self._cache = (x, gates, cells, hs)
        return hs[:, t].copy()

    def _through_time(self, dout: np.ndarray) -> np.ndarray:
        """Gradient of the pre-activations of every step, (N, T, 4H), from dout = dL/dh_T (N, H)."""
        x, gates, cells, hs = self._cache
        n, t, d = x.shape
        h_size = self.hidden
        Wh = self.W[d:]
        da = np.empty_like(gates)
        dh, dc = dout, np.zeros_like(dout)
        for step in reversed(range(t)):
            g = gates[:, step]
            i, f, o, cand = g[:, :h_size], g[:, h_size:2 * h_size], g[:, 2 * h_size:3 * h_size], g[:, 3 * h_size:]
            tanh_c = np.tanh(cells[:, step])
            dc = dc + dh * o * (1 - tanh_c ** 2)
            c_prev = cells[:, step - 1] if step else np.zeros_like(dc)
            d = da[:, step]
            d[:, :h_size] = dc * cand * i * (1 - i)
            d[:, h_size:2 * h_size] = dc * c_prev * f * (1 - f)
            d[:, 2 * h_size:3 * h_size] = dh * tanh_c * o * (1 - o)
            d[:, 3 * h_size:] = dc * i * (1 - cand ** 2)
            dh = d @ Wh.T                                           # into h_{t-1}
            dc = dc * f                                             # into c_{t-1}
        return da

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x, _, _, hs = self._cache
        n, t, d = x.shape
        da = self._through_time(dout).reshape(n * t, -1)            # (N*T, 4H)
        inputs = np.concatenate([x, hs[:, :t]], axis=2).reshape(n * t, -1)   # (N*T, D + H): [x_t, h_{t-1}]
        self.dW = inputs.T @ da
        self.db = da.sum(axis=0)
        return (da @ self.W[:d].T).reshape(self._x_shape)

    def input_gradient(self, dout: np.ndarray) -> np.ndarray:
        x = self._cache[0]
        n, t, d = x.shape
        da = self._through_time(dout).reshape(n * t, -1)
        return (da @ self.W[:d].T).reshape(self._x_shape)


def lstm_network(inputs: int = 28, hidden: int = HIDDEN, classes: int = 10, seed: int = 0,
                 dtype: type = np.float32) -> Sequential:
    """LSTM(inputs -> hidden) over the rows (any number), Affine(hidden -> classes) on the last hidden state."""
    rng = np.random.default_rng(seed)
    lstm = LSTM.init(inputs, hidden, seed, dtype)
    W = (rng.standard_normal((hidden, classes)) * np.sqrt(1.0 / hidden)).astype(dtype)
    return Sequential([lstm, Affine(W, np.zeros(classes, dtype))], rng)
