"""Early stopping: stop when the validation loss has not improved for ``patience`` epochs, and keep
a copy of the parameters of the best epoch (those that were validated), which are then shipped.

Its state goes into the checkpoint, so a resumed run stops at the same epoch with the same weights.
"""
from __future__ import annotations

import math

import numpy as np


class EarlyStopping:
    """The best validation loss so far, its epoch, the epochs since, and a copy of its parameters."""

    def __init__(self, params: dict[str, np.ndarray], patience: int):
        if patience < 1:
            raise ValueError(f"patience must be at least 1, not {patience}")
        self.patience = patience
        self.best_loss = math.inf
        self.best_epoch = 0
        self.waited = 0
        self.params = {k: v.copy() for k, v in params.items()}

    @property
    def stopped(self) -> bool:
        """True once ``patience`` epochs in a row did not improve on the best validation loss."""
        return self.waited >= self.patience

    def update(self, epoch: int, val_loss: float, params: dict[str, np.ndarray]) -> bool:
        """Record the validation loss of ``params`` after ``epoch`` (1-based); -> :attr:`stopped`."""
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch, self.waited = val_loss, epoch, 0
            for k, best in self.params.items():
                best[...] = params[k]
        else:
            self.waited += 1
        return self.stopped

    def state(self) -> dict[str, np.ndarray]:
        return {"best.loss": np.array(self.best_loss), "best.epoch": np.array(self.best_epoch),
                "best.waited": np.array(self.waited), **{f"best.{k}": v for k, v in self.params.items()}}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        self.best_loss, self.best_epoch = float(state["best.loss"]), int(state["best.epoch"])
        self.waited = int(state["best.waited"])
        for k in self.params:
            self.params[k][...] = state[f"best.{k}"]
