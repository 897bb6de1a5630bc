"""The training data of the shipped recipe: MNIST training images, a fixed validation split,
and synthesised writing styles added to the training part."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.mnist import load_mnist, to_input
from ..data.styles import synthesize_styles

SPLIT_SEED = 12345   # the validation split is the same whatever the training seed


@dataclass(frozen=True)
class DataConfig:
    """What the network is trained on. Defaults are the shipped recipe."""
    val_size: int = 5000          # training images held out for validation (at most a fifth)
    subset: int | None = None     # use only the first N training images (quick runs)
    styles: float = 0.5           # add slashed zeros made from this fraction of the training zeros


@dataclass
class TrainingData:
    """Arrays ready for :class:`~cnn_numpy.training.trainer.Trainer`: x (N, 1, 28, 28) float32, y (N,) int64."""
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    styled: int                   # synthesised samples among the training ones


def training_data(cfg: DataConfig, seed: int, data_dir: Path | str | None = None) -> TrainingData:
    """MNIST training images split into training and validation, plus synthesised styles."""
    images, labels = load_mnist("train", data_dir)
    if cfg.subset:
        images, labels = images[:cfg.subset], labels[:cfg.subset]
    val = min(cfg.val_size, len(images) // 5)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(images))
    val_idx, train_idx = order[:val], order[val:]
    x, y = to_input(images), labels.astype(np.int64)
    x_train, y_train = x[train_idx], y[train_idx]
    styled = 0
    if cfg.styles > 0:
        sx, sy = synthesize_styles(x_train[:, 0], y_train, np.random.default_rng([seed, 777]), cfg.styles)
        x_train, y_train = np.concatenate([x_train, sx[:, None]]), np.concatenate([y_train, sy])
        styled = len(sy)
    return TrainingData(x_train, y_train, x[val_idx], y[val_idx], styled)
