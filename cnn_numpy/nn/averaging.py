"""Exponential moving average of the weights (Polyak averaging; Keras: ``use_ema``).

After optimiser step t, ``avg = d * avg + (1 - d) * params`` with d = min(decay, (1 + t) / (10 + t)),
so that early on (and in short runs) the average follows the weights closely instead of
remembering the initialisation. The averaged weights smooth out the last steps' noise and are
the ones validated and shipped.
"""
from __future__ import annotations

import numpy as np

from .parallel import update_in_parts


class WeightAverage:
    """Running average of a parameter dict (same names and shapes, float32)."""

    def __init__(self, params: dict[str, np.ndarray], decay: float = 0.999):
        if not 0 < decay < 1:
            raise ValueError(f"averaging decay must be in (0, 1), not {decay}")
        self.decay = decay
        self.steps = 0
        self.params = {k: v.copy() for k, v in params.items()}
        self._work = {k: np.empty_like(v) for k, v in params.items()}

    def update(self, params: dict[str, np.ndarray]) -> None:
        """Move the average towards ``params`` (in place)."""
        self.steps += 1
        rate = 1 - min(self.decay, (1 + self.steps) / (10 + self.steps))
        for k, avg in self.params.items():
            update_in_parts(self._toward(avg.dtype.type(rate)), np.ascontiguousarray(params[k]), avg, self._work[k])

    @staticmethod
    def _toward(rate: np.floating):
        def update(new, avg, work) -> None:
            np.subtract(new, avg, out=work)
            work *= rate
            avg += work
        return update

    def state(self) -> dict[str, np.ndarray]:
        return {"avg.steps": np.array(self.steps), **{f"avg.{k}": v for k, v in self.params.items()}}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        self.steps = int(state["avg.steps"])
        for k in self.params:
            self.params[k][...] = state[f"avg.{k}"]
