"""Training: one mini-batch loop (:class:`Trainer`) for every network of the project, with
validation, weight averaging, logs, curves, atomic checkpoints and resume.

Any :class:`~cnn_numpy.nn.model.Sequential` trains here: the CNN (:func:`train`) and the
baselines of the model comparison alike.

Reproducibility: every epoch draws its shuffling, augmentation and dropout from a generator
seeded by (seed, epoch), so a run resumed from the checkpoint of epoch k continues exactly
as the uninterrupted run would have. With ``patience``, training stops early when the validation
loss has not improved for that many epochs, and the best epoch's parameters are returned.
"""
from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from ..data.augment import AugmentConfig, augment_batch
from ..errors import HdrError
from ..evaluation.figures import plot_curves
from ..files import atomic_write, write_text
from ..nn.averaging import WeightAverage
from ..nn.convnet import ConvNetConfig, SimpleConvNet
from ..nn.model import Sequential
from ..nn.optimizers import cosine_lr, make_optimizer
from ..reporting import NoProgress, ProgressFactory, Reporter, silent
from .early_stopping import EarlyStopping

CHECKPOINT = "checkpoint.npz"


class TrainingError(HdrError):
    """Training cannot go on: a checkpoint that does not fit, a loss that is not finite, a full disk."""


@dataclass
class TrainConfig:
    """Everything that decides the result of a training run."""
    epochs: int = 24
    batch_size: int = 100
    lr: float = 1e-3
    optimizer: str = "adam"
    weight_decay: float = 0.0
    warmup_epochs: float = 0.5
    seed: int = 0
    augment: bool = True
    average: float = 0.999     # decay of the weight average that is validated and shipped; 0: off
    patience: int = 0          # stop after this many epochs without a lower validation loss; 0: off
    net: ConvNetConfig = field(default_factory=ConvNetConfig)
    aug: AugmentConfig = field(default_factory=AugmentConfig)


@dataclass
class History:
    """Per-epoch figures, as written to the JSON/CSV logs."""
    rows: list[dict] = field(default_factory=list)

    def add(self, **row) -> None:
        self.rows.append(row)

    def write(self, out_dir: Path) -> None:
        write_text(out_dir / "log.json", json.dumps(self.rows, indent=1) + "\n")
        if self.rows:
            buf = io.StringIO()
            writer = csv.DictWriter(buf, fieldnames=list(self.rows[0]))
            writer.writeheader()
            writer.writerows(self.rows)
            write_text(out_dir / "log.csv", buf.getvalue())


def evaluate_loss_acc(model: Sequential, x: np.ndarray, y: np.ndarray, batch: int = 1000) -> tuple[float, float]:
    """Mean loss and accuracy over (x, y) in batches (x not empty)."""
    losses, hits = [], 0
    for i in range(0, len(x), batch):
        logits = model.forward(x[i:i + batch])
        losses.append(model.loss_layer.forward(logits, y[i:i + batch]) * len(logits))
        hits += int((logits.argmax(axis=1) == y[i:i + batch]).sum())
    return float(sum(losses) / len(x)), hits / len(x)


def save_checkpoint(path: Path, model: Sequential, optimizer, epoch: int, cfg: TrainConfig,
                    history: History, average: WeightAverage | None = None,
                    stopper: EarlyStopping | None = None) -> None:
    """Parameters, optimiser, weight-average and early-stopping state, epoch, config and history in one
    .npz, written atomically."""
    arrays = dict(model.params)
    for part in (optimizer, average, stopper):
        if part:
            arrays.update({f"opt.{k}": v for k, v in part.state().items()})
    arrays["epoch"] = np.array(epoch)
    arrays["config"] = np.array(json.dumps(asdict(cfg)))
    arrays["history"] = np.array(json.dumps(history.rows))
    atomic_write(path, lambda f: np.savez(f, **arrays))


def load_checkpoint(path: Path, names: tuple[str, ...]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray],
                                                                 int, dict, list]:
    """(params ``names``, optimiser state, epochs done, config dict, history rows) of a checkpoint;
    TrainingError if it is damaged or incomplete."""
    try:
        with np.load(path, allow_pickle=False) as d:
            params = {k: d[k] for k in names}
            opt = {k[4:]: d[k] for k in d.files if k.startswith("opt.")}
            return params, opt, int(d["epoch"]), json.loads(str(d["config"])), json.loads(str(d["history"]))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
        raise TrainingError(f"The checkpoint {path} is damaged or incomplete ({e}): delete it to start again, "
                            "or choose another --out folder.") from e


def config_from_dict(d: dict) -> TrainConfig:
    d = dict(d)
    d["net"] = ConvNetConfig.from_dict(d["net"])
    aug = dict(d["aug"])
    aug["scale"] = tuple(aug["scale"])
    d["aug"] = AugmentConfig(**aug)
    return TrainConfig(**d)


class EpochExtra(Protocol):
    """Samples that join the training set for one epoch, drawn afresh each epoch (seeded by it)."""
    size: int      # about how many each epoch (sets the learning-rate schedule's length)

    def __call__(self, epoch: int) -> tuple[np.ndarray, np.ndarray]: ...


class Trainer:
    """Trains a model with mini-batches: Adam/SGD/momentum, cosine schedule with warm-up,
    optional augmentation and weight averaging, a validation pass and a checkpoint per epoch.

    ``log`` receives one line per epoch; ``progress(total, label)`` makes a per-epoch
    progress reporter (see :class:`Progress`). Both default to silence.
    """

    def __init__(self, model: Sequential, cfg: TrainConfig, log: Reporter | None = None,
                 progress: ProgressFactory | None = None):
        self.model, self.cfg = model, cfg
        self.log = log or silent
        self.progress = progress or NoProgress
        self.optimizer = make_optimizer(cfg.optimizer, cfg.weight_decay)
        self.average = WeightAverage(model.params, cfg.average) if cfg.average else None
        validated = self.average.params if self.average else model.params
        self.stopper = EarlyStopping(validated, cfg.patience) if cfg.patience else None
        self.history = History()

    def _resume(self, ckpt: Path) -> int:
        """Load the checkpoint's state; -> epochs already done."""
        params, opt_state, start, saved_cfg, rows = load_checkpoint(ckpt, tuple(self.model.params))
        try:
            same = config_from_dict(saved_cfg) == self.cfg
        except (KeyError, TypeError, ValueError):
            same = False
        if not same or any(params[k].shape != p.shape for k, p in self.model.params.items()):
            raise TrainingError(f"The checkpoint {ckpt} was made with other settings: resume with the same "
                                "options, or choose another --out folder.")
        for k, p in self.model.params.items():
            p[...] = params[k]
        self.optimizer.load_state(opt_state)
        for part in (self.average, self.stopper):
            if part:
                part.load_state(opt_state)
        self.history.rows = rows
        self.log(f"resuming from {ckpt} after epoch {start}")
        return start

    def fit(self, x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray | None = None,
            y_val: np.ndarray | None = None, out_dir: Path | None = None,
            resume: bool = False, extra: EpochExtra | None = None) -> dict[str, np.ndarray]:
        """Train on (x_train (N, ...) float32, y_train (N,) int, -1 for not-a-digit samples), plus
        each epoch's ``extra`` samples; -> the parameters to use (the weight average when
        ``cfg.average`` is set, else the last step's; with ``cfg.patience``, those of the epoch with the lowest
        validation loss).

        With ``out_dir``: writes checkpoint.npz after every epoch, log.json, log.csv and
        curves.png there, and with ``resume`` continues from its checkpoint.
        """
        cfg, model = self.cfg, self.model
        final = self.average.params if self.average else model.params
        evaluated = model.with_params(final) if self.average else model
        start = 0
        ckpt = Path(out_dir) / CHECKPOINT if out_dir is not None else None
        if ckpt is not None:
            try:
                ckpt.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise TrainingError(f"Cannot create the folder {ckpt.parent} ({e.strerror or e}): "
                                    "choose another --out folder.") from e
            for stale in ckpt.parent.glob(CHECKPOINT + ".*.tmp"):     # left by a run killed mid-write
                stale.unlink()
            if resume and ckpt.is_file():
                start = self._resume(ckpt)
            elif resume:
                self.log(f"no checkpoint in {out_dir}: starting from the beginning")
        y_train = y_train.astype(np.int64)
        has_val = x_val is not None and len(x_val) > 0
        if self.stopper and not has_val:
            raise TrainingError(f"Early stopping (patience {cfg.patience}) needs a validation split: hold out "
                                "some training images, or train without it.")
        y_val = y_val.astype(np.int64) if has_val else None
        nominal = -(-(len(x_train) + (extra.size if extra else 0)) // cfg.batch_size)   # steps per epoch
        total, warmup = cfg.epochs * nominal, int(cfg.warmup_epochs * nominal)
        for epoch in range(start, cfg.epochs):
            if self.stopper and self.stopper.stopped:
                break
            x_epoch, y_epoch = x_train, y_train
            if extra is not None:
                x_more, y_more = extra(epoch)
                x_epoch, y_epoch = np.concatenate([x_train, x_more]), np.concatenate([y_train, y_more])
            steps_per_epoch = -(-len(x_epoch) // cfg.batch_size)
            rng = np.random.default_rng([cfg.seed, epoch])
            model.rng.bit_generator.state = np.random.default_rng([cfg.seed, epoch, 1]).bit_generator.state
            order = rng.permutation(len(x_epoch))
            started, loss_sum, hits, labelled = time.perf_counter(), 0.0, 0, int((y_epoch >= 0).sum())
            bar = self.progress(steps_per_epoch, f"epoch {epoch + 1}/{cfg.epochs}")
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):   # divergence is caught below
                for step in range(steps_per_epoch):
                    idx = order[step * cfg.batch_size:(step + 1) * cfg.batch_size]
                    xb, yb = x_epoch[idx], y_epoch[idx]
                    if cfg.augment:
                        xb = augment_batch(xb, rng, cfg.aug)
                    loss, grads = model.gradient(xb, yb)
                    if not np.isfinite(loss):
                        raise TrainingError(f"The loss became {loss} at epoch {epoch + 1}, step {step + 1}: lower "
                                            f"the learning rate (--lr {cfg.lr:g}) or weight decay; nothing was "
                                            f"shipped{_kept(ckpt)}")
                    lr = cosine_lr(cfg.lr, epoch * nominal + step, total, warmup)
                    self.optimizer.update(model.params, grads, lr)
                    if self.average:
                        self.average.update(model.params)
                    loss_sum += loss * len(idx)
                    hits += int((model.loss_layer.probs.argmax(axis=1) == yb).sum())
                    bar.update(step + 1, f"loss {loss:.4f}")
            bar.close()
            bad = [k for k, p in final.items() if not np.isfinite(p).all()]
            if bad:
                raise TrainingError(f"The weights became NaN or infinite in epoch {epoch + 1} ({', '.join(bad)}): "
                                    f"lower the learning rate (--lr {cfg.lr:g}); nothing was shipped{_kept(ckpt)}")
            seconds = time.perf_counter() - started
            val_loss, val_acc = evaluate_loss_acc(evaluated, x_val, y_val) if has_val else (None, None)
            train_loss, train_acc = loss_sum / len(x_epoch), hits / max(1, labelled)
            row = dict(epoch=epoch + 1, train_loss=train_loss, train_acc=train_acc, val_loss=val_loss,
                       val_acc=val_acc, lr=lr, seconds=round(seconds, 2))
            if self.stopper:
                row["stopped_early"] = self.stopper.update(epoch + 1, val_loss, final) and epoch + 1 < cfg.epochs
                row["best_epoch"] = self.stopper.best_epoch
            self.history.add(**row)
            if ckpt is not None:
                try:
                    save_checkpoint(ckpt, model, self.optimizer, epoch + 1, cfg, self.history, self.average,
                                    self.stopper)
                    self.history.write(ckpt.parent)
                except OSError as e:
                    raise TrainingError(f"Could not write the checkpoint of epoch {epoch + 1} in {ckpt.parent} "
                                        f"({e.strerror or e}){_kept(ckpt)}") from e
            val_text = "no validation split" if val_loss is None else f"val loss {val_loss:.4f} acc {val_acc:.4f}"
            self.log(f"epoch {epoch + 1}/{cfg.epochs}: train loss {train_loss:.4f} "
                     f"acc {train_acc:.4f} | {val_text} | {seconds:.1f} s")
            if row.get("stopped_early"):
                self.log(f"stopping early after epoch {epoch + 1}: the validation loss has not improved for "
                         f"{cfg.patience} epoch{'s' * (cfg.patience > 1)}; keeping epoch "
                         f"{self.stopper.best_epoch}'s weights (val loss {self.stopper.best_loss:.4f})")
        if ckpt is not None:
            plot_curves(self.history.rows, ckpt.parent / "curves.png")
        return self.stopper.params if self.stopper else final


def _kept(ckpt: Path | None) -> str:
    """The end of a sentence saying what survives a failed run."""
    if ckpt is None:
        return "."
    return f", and {ckpt} still holds the last good epoch." if ckpt.is_file() else ", and no checkpoint was written."


def train(cfg: TrainConfig, x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray,
          y_val: np.ndarray, out_dir: Path, resume: bool = False, log: Reporter | None = None,
          progress: ProgressFactory | None = None, extra: EpochExtra | None = None) -> tuple[SimpleConvNet, History]:
    """Train the CNN of ``cfg.net`` and return (network, history). x: (N, 1, 28, 28) float32, y: (N,) int.

    The network returned holds the averaged weights when ``cfg.average`` is set, else the
    last step's. See :meth:`Trainer.fit` for what is written to ``out_dir``.
    """
    net = SimpleConvNet(cfg.net, seed=cfg.seed)
    trainer = Trainer(net, cfg, log, progress)
    params = trainer.fit(x_train, y_train, x_val, y_val, out_dir, resume, extra)
    final = net if params is net.params else net.with_params(params)
    return final, trainer.history
