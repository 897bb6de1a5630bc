"""Optimisers (in-place updates of the parameter dict) and learning-rate schedules.

Every optimiser has ``update(params, grads, lr)``; parameters are changed in place, so the
layers that share those arrays see the new values. L2 weight decay applies to weights
(names starting with "W"), never to biases.
"""
from __future__ import annotations

import math

import numpy as np

from .parallel import update_in_parts


class Optimizer:
    """Base class: weight decay and the ``state`` used for checkpoints."""

    def __init__(self, weight_decay: float = 0.0):
        self.weight_decay = weight_decay

    def _decayed(self, name: str, param: np.ndarray, grad: np.ndarray) -> np.ndarray:
        if self.weight_decay and name.startswith("W"):
            return grad + param.dtype.type(self.weight_decay) * param
        return grad

    def state(self) -> dict[str, np.ndarray]:
        """Arrays to checkpoint (name -> array)."""
        return {}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        """Restore what :meth:`state` returned."""


class SGD(Optimizer):
    """p -= lr * g."""

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], lr: float) -> None:
        for name, p in params.items():
            g = self._decayed(name, p, grads[name])
            p -= p.dtype.type(lr) * g


class Momentum(Optimizer):
    """v = momentum * v - lr * g; p += v."""

    def __init__(self, momentum: float = 0.9, weight_decay: float = 0.0):
        super().__init__(weight_decay)
        self.momentum = momentum
        self.v: dict[str, np.ndarray] = {}

    def update(self, params, grads, lr):
        for name, p in params.items():
            g = self._decayed(name, p, grads[name])
            if name not in self.v:
                self.v[name] = np.zeros_like(p)
            v = self.v[name]
            v *= p.dtype.type(self.momentum)
            v -= p.dtype.type(lr) * g
            p += v

    def state(self):
        return {f"v.{k}": v for k, v in self.v.items()}

    def load_state(self, state):
        self.v = {k[2:]: v.copy() for k, v in state.items() if k.startswith("v.")}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction; L2 decay added to the gradient.

    The update runs in place through two work arrays per parameter (not checkpointed), with
    the same operations in the same order as the textbook expressions in the comments, in
    cache-sized parts on every core (:mod:`.parallel`).
    """

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(weight_decay)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}
        self._work: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def update(self, params, grads, lr):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step = lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        for name, p in params.items():
            g = self._decayed(name, p, grads[name])
            if name not in self.m:
                self.m[name], self.v[name] = np.zeros_like(p), np.zeros_like(p)
            if name not in self._work:
                self._work[name] = np.empty_like(p), np.empty_like(p)
            m, v, (a, d), f = self.m[name], self.v[name], self._work[name], p.dtype.type
            update_in_parts(self._step(f(step)), np.ascontiguousarray(g), m, v, a, d, p)

    def _step(self, step: np.floating):
        f, b1, b2, eps = type(step), self.beta1, self.beta2, self.eps

        def update(g, m, v, a, d, p) -> None:
            np.subtract(g, m, out=a)                    # m += (1 - b1) * (g - m)
            a *= f(1 - b1)
            m += a
            np.multiply(g, g, out=a)                    # v += (1 - b2) * (g * g - v)
            a -= v
            a *= f(1 - b2)
            v += a
            np.sqrt(v, out=d)                           # p -= step * m / (sqrt(v) + eps)
            d += f(eps)
            np.multiply(m, step, out=a)
            a /= d
            p -= a
        return update

    def state(self):
        out = {f"m.{k}": a for k, a in self.m.items()}
        out.update({f"v.{k}": a for k, a in self.v.items()})
        out["t"] = np.array(self.t)
        return out

    def load_state(self, state):
        self.t = int(state["t"])
        self.m = {k[2:]: a.copy() for k, a in state.items() if k.startswith("m.")}
        self.v = {k[2:]: a.copy() for k, a in state.items() if k.startswith("v.")}


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, weight_decay: float = 0.0) -> Optimizer:
    """An optimiser by name: 'sgd', 'momentum' or 'adam'."""
    try:
        return OPTIMIZERS[name](weight_decay=weight_decay)
    except KeyError:
        raise ValueError(f"unknown optimiser {name!r}; choose from {', '.join(OPTIMIZERS)}") from None


def cosine_lr(base_lr: float, step: int, total_steps: int, warmup_steps: int = 0,
              final_fraction: float = 0.01) -> float:
    """Linear warm-up, then cosine decay from ``base_lr`` to ``base_lr * final_fraction``."""
    if warmup_steps and step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    low = base_lr * final_fraction
    return low + 0.5 * (base_lr - low) * (1 + math.cos(math.pi * progress))
