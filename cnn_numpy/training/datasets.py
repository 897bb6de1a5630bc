"""The training data of the shipped recipe: MNIST training images with a fixed validation split
and synthesised slashed zeros, plus the pendigits training writers' pen digits (and, as examples
of what is not a digit, letters, scribbles and noise) drawn afresh each epoch as on the canvas."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.mnist import load_mnist, to_input
from ..data.not_digits import load_letters, split_by_writer
from ..data.pendigits import load_pendigits
from ..data.styles import synthesize_styles
from .pen_epochs import PenEpochs, PenMix

SPLIT_SEED = 12345          # the validation split is the same whatever the training seed


@dataclass(frozen=True)
class DataConfig:
    """What the network is trained on. Defaults are the shipped recipe."""
    val_size: int = 5000          # MNIST training images held out for validation (at most a fifth)
    subset: int | None = None     # use only the first N MNIST training images (quick runs)
    styles: float = 0.5           # add slashed zeros made from this fraction of the MNIST training zeros
    pen_renders: int = 2          # canvas renders of every pendigits training digit per epoch (0: MNIST only)
    pen_styles: float = 0.3       # share of the pen zeros and sevens drawn slashed or crossed
    letters: float = 0.5          # share of the training letters drawn per epoch as not-a-digit (0: none)
    noise: int = 1000             # scribbles and noise images per epoch, as not-a-digit (0: none)
    pairs: int = 0                # touching pairs of pen digits per epoch, as not-a-digit (0: none)
    fragments: int = 3000         # pen digits and touching pairs cut wrongly, per epoch, as not-a-digit (0: none)


@dataclass
class TrainingData:
    """Arrays ready for :class:`~cnn_numpy.training.trainer.Trainer`: x (N, 1, 28, 28) float32, y (N,) int64."""
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    styled: int                    # synthesised slashed zeros among the MNIST training samples
    extra: PenEpochs | None        # each epoch's pen samples (None: MNIST only)


def training_data(cfg: DataConfig, seed: int, epochs: int, data_dir: Path | str | None = None,
                  pendigits_dir: Path | str | None = None, unipen_dir: Path | str | None = None) -> TrainingData:
    """MNIST training images split into training and validation, synthesised styles, and the pen
    samples of each epoch. Missing pendigits or letters raise their DataError (say how to get them)."""
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
    extra = None
    if cfg.pen_renders > 0 or cfg.letters > 0 or cfg.noise > 0 or cfg.pairs > 0 or cfg.fragments > 0:
        digits = load_pendigits("train", pendigits_dir)
        if cfg.pen_renders == 0 and cfg.pairs == 0 and cfg.fragments == 0:
            digits = digits.subset(np.zeros(len(digits), bool))
        letters = split_by_writer(load_letters(unipen_dir))[0] if cfg.letters > 0 else None
        mix = PenMix(cfg.pen_renders, cfg.pen_styles, cfg.letters, cfg.noise, cfg.pairs, cfg.fragments)
        extra = PenEpochs(digits, letters, mix, seed, epochs)
    return TrainingData(x_train, y_train, x[val_idx], y[val_idx], styled, extra)
