"""Training: mini-batch loop, validation, logs, curves, atomic checkpoints and resume.

Reproducibility: every epoch draws its shuffling, augmentation and dropout from a generator
seeded by (seed, epoch), so a run resumed from the checkpoint of epoch k continues exactly
as the uninterrupted run would have.
"""
from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .augment import AugmentConfig, augment_batch
from .averaging import WeightAverage
from .figures import pyplot, save_figure
from .files import atomic_write, write_text
from .network import PARAM_NAMES, ConvNetConfig, SimpleConvNet
from .optimizers import cosine_lr, make_optimizer
from .progress import ProgressBar

CHECKPOINT = "checkpoint.npz"


@dataclass
class TrainConfig:
    """Everything that decides the result of a training run."""
    epochs: int = 30
    batch_size: int = 100
    lr: float = 1e-3
    optimizer: str = "adam"
    weight_decay: float = 0.0
    warmup_epochs: float = 0.5
    seed: int = 0
    augment: bool = True
    average: float = 0.999     # decay of the weight average that is validated and shipped; 0: off
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


def evaluate_loss_acc(net: SimpleConvNet, x: np.ndarray, y: np.ndarray, batch: int = 1000) -> tuple[float, float]:
    """Mean loss and accuracy over (x, y) in batches (x not empty)."""
    losses, hits = [], 0
    for i in range(0, len(x), batch):
        logits = net.forward(x[i:i + batch])
        losses.append(net.loss_layer.forward(logits, y[i:i + batch]) * len(logits))
        hits += int((logits.argmax(axis=1) == y[i:i + batch]).sum())
    return float(sum(losses) / len(x)), hits / len(x)


def save_checkpoint(path: Path, net: SimpleConvNet, optimizer, epoch: int, cfg: TrainConfig,
                    history: History, average: WeightAverage | None = None) -> None:
    """Parameters, optimiser and weight-average state, epoch, config and history in one .npz,
    written atomically."""
    arrays = {k: net.params[k] for k in PARAM_NAMES}
    arrays.update({f"opt.{k}": v for k, v in optimizer.state().items()})
    if average:
        arrays.update({f"opt.{k}": v for k, v in average.state().items()})
    arrays["epoch"] = np.array(epoch)
    arrays["config"] = np.array(json.dumps(asdict(cfg)))
    arrays["history"] = np.array(json.dumps(history.rows))
    atomic_write(path, lambda f: np.savez(f, **arrays))


def load_checkpoint(path: Path) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], int, dict, list]:
    """(params, optimiser state, epochs done, config dict, history rows) of a checkpoint."""
    with np.load(path, allow_pickle=False) as d:
        params = {k: d[k] for k in PARAM_NAMES}
        opt = {k[4:]: d[k] for k in d.files if k.startswith("opt.")}
        return params, opt, int(d["epoch"]), json.loads(str(d["config"])), json.loads(str(d["history"]))


def config_from_dict(d: dict) -> TrainConfig:
    d = dict(d)
    d["net"] = ConvNetConfig.from_dict(d["net"])
    aug = dict(d["aug"])
    aug["scale"] = tuple(aug["scale"])
    d["aug"] = AugmentConfig(**aug)
    return TrainConfig(**d)


def train(cfg: TrainConfig, x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray,
          y_val: np.ndarray, out_dir: Path, resume: bool = False, log=print) -> tuple[SimpleConvNet, History]:
    """Train and return (network, history). x: (N, 1, 28, 28) float32, y: (N,) int.

    The network returned (and validated each epoch) holds the averaged weights when
    ``cfg.average`` is set, else the last step's.

    Writes ``out_dir``/checkpoint.npz after every epoch, log.json, log.csv and curves.png.
    With ``resume``, continues from the checkpoint in ``out_dir``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    net = SimpleConvNet(cfg.net, seed=cfg.seed)
    optimizer = make_optimizer(cfg.optimizer, cfg.weight_decay)
    average = WeightAverage(net.params, cfg.average) if cfg.average else None
    final = SimpleConvNet(cfg.net, average.params) if average else net   # shares the arrays
    history, start = History(), 0
    ckpt = out_dir / CHECKPOINT
    for stale in out_dir.glob(CHECKPOINT + ".*.tmp"):     # left by a run killed mid-write
        stale.unlink()
    if resume and ckpt.is_file():
        params, opt_state, start, saved_cfg, rows = load_checkpoint(ckpt)
        if config_from_dict(saved_cfg) != cfg:
            raise ValueError(f"{ckpt} was made with other settings; resume with the same options "
                             "or choose another --out folder")
        for k in PARAM_NAMES:
            net.params[k][...] = params[k]
        optimizer.load_state(opt_state)
        if average:
            average.load_state(opt_state)
        history.rows = rows
        log(f"resuming from {ckpt} after epoch {start}")
    elif resume:
        log(f"no checkpoint in {out_dir}: starting from the beginning")
    y_train = y_train.astype(np.int64)
    y_val = y_val.astype(np.int64)
    steps_per_epoch = -(-len(x_train) // cfg.batch_size)
    total, warmup = cfg.epochs * steps_per_epoch, int(cfg.warmup_epochs * steps_per_epoch)
    for epoch in range(start, cfg.epochs):
        rng = np.random.default_rng([cfg.seed, epoch])
        net.rng.bit_generator.state = np.random.default_rng([cfg.seed, epoch, 1]).bit_generator.state
        order = rng.permutation(len(x_train))
        started, loss_sum, hits = time.perf_counter(), 0.0, 0
        bar = ProgressBar(steps_per_epoch, f"epoch {epoch + 1}/{cfg.epochs}")
        for step in range(steps_per_epoch):
            idx = order[step * cfg.batch_size:(step + 1) * cfg.batch_size]
            xb, yb = x_train[idx], y_train[idx]
            if cfg.augment:
                xb = augment_batch(xb, rng, cfg.aug)
            loss, grads = net.gradient(xb, yb)
            lr = cosine_lr(cfg.lr, epoch * steps_per_epoch + step, total, warmup)
            optimizer.update(net.params, grads, lr)
            if average:
                average.update(net.params)
            loss_sum += loss * len(idx)
            hits += int((net.loss_layer.probs.argmax(axis=1) == yb).sum())
            bar.update(step + 1, f"loss {loss:.4f}")
        bar.close()
        seconds = time.perf_counter() - started
        val_loss, val_acc = evaluate_loss_acc(final, x_val, y_val) if len(x_val) else (None, None)
        history.add(epoch=epoch + 1, train_loss=loss_sum / len(x_train), train_acc=hits / len(x_train),
                    val_loss=val_loss, val_acc=val_acc, lr=lr, seconds=round(seconds, 2))
        save_checkpoint(ckpt, net, optimizer, epoch + 1, cfg, history, average)
        history.write(out_dir)
        val_text = "no validation split" if val_loss is None else f"val loss {val_loss:.4f} acc {val_acc:.4f}"
        log(f"epoch {epoch + 1}/{cfg.epochs}: train loss {loss_sum / len(x_train):.4f} "
            f"acc {hits / len(x_train):.4f} | {val_text} | {seconds:.1f} s")
    plot_curves(history.rows, out_dir / "curves.png")
    return final, history


def plot_curves(rows: list[dict], path: Path, caption: str = "") -> None:
    """Loss and accuracy per epoch (training and validation) as a PNG, with an optional caption."""
    if not rows:
        return
    epochs = [r["epoch"] for r in rows]
    fig, (ax1, ax2) = pyplot().subplots(1, 2, figsize=(10, 4))
    sets = (("train", "training"), ("val", "validation")) if rows[0]["val_loss"] is not None else (("train", "training"),)
    for prefix, label in sets:
        ax1.plot(epochs, [r[f"{prefix}_loss"] for r in rows], marker="o", label=label)
        ax2.plot(epochs, [r[f"{prefix}_acc"] for r in rows], marker="o", label=label)
    ax1.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    ax2.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend()
    save_figure(fig, path, caption)

