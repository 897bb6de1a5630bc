"""Shipping trained weights: score them, then write the weights, their metadata (how they were
made, on which data, what they score) and the training log, side by side."""
from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from ..data.mnist import content_sha256
from ..data.unipen import load_pen_digits
from ..evaluation.real_writers import evaluate_real_writers
from ..evaluation.scores import Scores, evaluate_mnist_test
from ..files import write_text
from ..nn.convnet import SimpleConvNet
from ..recognition.recognizer import Recognizer
from ..weights import save_weights
from .datasets import DataConfig
from .trainer import TrainConfig

TRAINING_LOG = "training_log.json"


def ship(net: SimpleConvNet, path: Path, command: str, cfg: TrainConfig, data: DataConfig, rows: list[dict],
         minutes: float, data_dir: Path | str | None = None, unipen_dir: Path | str | None = None) -> list[Scores]:
    """Evaluate on MNIST test (and on the UNIPEN writers when ``unipen_dir`` is given), then write
    ``path`` (.npz), its metadata (.json) and ``training_log.json`` beside it. -> the scores."""
    recognizer = Recognizer(net)
    scores = [evaluate_mnist_test(recognizer, data_dir)]
    meta = {
        "command": command,
        "seed": cfg.seed, "epochs": cfg.epochs,
        "training": {"batch_size": cfg.batch_size, "lr": cfg.lr, "optimizer": cfg.optimizer,
                     "weight_decay": cfg.weight_decay, "augment": cfg.augment, "average": cfg.average,
                     **asdict(data), "minutes": round(minutes, 1), "final_epoch": rows[-1] if rows else None},
        "data_sha256_uncompressed": content_sha256(data_dir),
        "mnist_test": scores[0].to_dict(),
    }
    if unipen_dir:
        real = evaluate_real_writers(recognizer, load_pen_digits(unipen_dir))
        scores.append(real.scores)
        meta["real_writers_dev"] = {**real.scores.to_dict(), "per_source": real.per_source,
                                    "command": "python main.py evaluate-real"}
    meta["created"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    save_weights(net, path, meta)
    write_text(Path(path).parent / TRAINING_LOG, json.dumps(rows, indent=1) + "\n")
    return scores
