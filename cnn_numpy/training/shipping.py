"""Shipping trained weights: score them, calibrate their confidence, then write the weights,
their metadata (how they were made, on which data, what they score, the calibration) and the
training log, side by side."""
from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from ..data.mnist import content_sha256
from ..data.not_digits import letters_if_present
from ..data.pendigits import PENDIGITS_FILES
from ..errors import DataError
from ..evaluation.calibrate import calibrate
from ..evaluation.real_writers import RealWriterInputs, evaluate_real_writers, writer_sets
from ..evaluation.scores import Scores, evaluate_mnist_test
from ..files import write_text
from ..nn.convnet import SimpleConvNet
from ..recognition.recognizer import Recognizer
from ..reporting import Reporter, silent
from ..weights import check_writable, save_weights
from .datasets import DataConfig
from .trainer import TrainConfig

TRAINING_LOG = "training_log.json"


def ship(net: SimpleConvNet, path: Path, command: str, cfg: TrainConfig, data: DataConfig, rows: list[dict],
         minutes: float, data_dir: Path | str | None = None, pendigits_dir: Path | str | None = None,
         unipen_dir: Path | str | None = None, log: Reporter = silent) -> list[Scores]:
    """Evaluate on MNIST test and on the validation writers that are available (UNIPEN dev,
    pendigits test), fit the calibration on those writers, then write ``path`` (.npz), its
    metadata (.json) and ``training_log.json`` beside it. -> the scores.
    Weights holding NaN or infinite values are refused (WeightsError) before any evaluation."""
    check_writable(net, path)
    recognizer = Recognizer(net)
    scores = [evaluate_mnist_test(recognizer, data_dir)]
    meta = {
        "command": command,
        "seed": cfg.seed, "epochs": cfg.epochs,
        "training": {"batch_size": cfg.batch_size, "lr": cfg.lr, "optimizer": cfg.optimizer,
                     "weight_decay": cfg.weight_decay, "augment": cfg.augment,
                     "elastic_px": cfg.aug.elastic_px, "average": cfg.average,
                     "patience": cfg.patience,
                     **asdict(data), "minutes": round(minutes, 1), "final_epoch": rows[-1] if rows else None},
        "data_sha256_uncompressed": content_sha256(data_dir),
        "mnist_test": scores[0].to_dict(),
    }
    if data.pen_renders or data.letters or data.noise or data.pairs or data.fragments:
        meta["pendigits_sha256"] = dict(PENDIGITS_FILES)
    try:
        sets = writer_sets(unipen_dir, pendigits_dir)
    except DataError as e:
        log(f"note: weights shipped without validation writers or calibration ({e})")
        sets = {}
    meta["validation_writers"], prepared = {}, {}
    for key, (name, digits) in sets.items():
        prepared[name] = RealWriterInputs.of(digits)          # drawn once: scored, then calibrated on
        real = evaluate_real_writers(recognizer, prepared[name], name=name)
        scores.append(real.scores)
        meta["validation_writers"][key] = {**real.scores.to_dict(), "per_source": real.per_source}
    if sets:
        calibration, figures = calibrate(net, prepared, letters_if_present(unipen_dir))
        meta.update(calibration=calibration.to_dict(), calibration_figures=figures)
    meta["created"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    save_weights(net, path, meta)
    write_text(Path(path).parent / TRAINING_LOG, json.dumps(rows, indent=1) + "\n")
    return scores
