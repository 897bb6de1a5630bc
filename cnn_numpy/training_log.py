"""The per-epoch training log shipped beside the weights (``training_log.json``), as curves.

Each row of the log is one epoch: ``epoch``, ``train_loss``, ``train_acc``, ``val_loss``,
``val_acc``, ``lr`` (the validation figures are null when training held nothing out).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError
from .paths import TRAINING_LOG_NAME

COLUMNS = ("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr")
MAX_LOG_BYTES = 1 << 20     # the shipped log is 5 kB


class TrainingLogError(DataError):
    """A training log is missing, too large or not a list of per-epoch rows."""


@dataclass(frozen=True)
class TrainingCurves:
    """One float64 array (epochs,) per column of the log, NaN where a value is null."""
    epoch: np.ndarray
    train_loss: np.ndarray
    train_acc: np.ndarray
    val_loss: np.ndarray
    val_acc: np.ndarray
    lr: np.ndarray


def training_log_path(weights_path: Path | str) -> Path:
    """Where the training log of a weights file lies: beside it."""
    return Path(weights_path).with_name(TRAINING_LOG_NAME)


def read_training_log(path: Path | str) -> TrainingCurves:
    """The curves of a training log; TrainingLogError in one sentence naming the file."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_LOG_BYTES:
            raise TrainingLogError(f"{path} is larger than {MAX_LOG_BYTES:,} bytes: not a training log.")
        rows = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rows, list) or not rows or not all(isinstance(row, dict) for row in rows):
            raise ValueError("expected a non-empty list of per-epoch rows")
        columns = {name: np.array([np.nan if row.get(name) is None else float(row[name]) for row in rows])
                   for name in COLUMNS}
    except FileNotFoundError as e:
        raise TrainingLogError(f"{path} not found: these weights came without a training log.") from e
    except (OSError, UnicodeDecodeError) as e:
        raise TrainingLogError(f"{path} cannot be read: {e}.") from e
    except (ValueError, TypeError) as e:
        raise TrainingLogError(f"{path} is not a training log: {e}.") from e
    return TrainingCurves(**columns)
