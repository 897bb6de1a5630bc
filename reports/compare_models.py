"""Compare the CNN with softmax regression, an MLP, kNN, SVMs and an LSTM on the same machine and data.

    python -m reports.compare_models --out docs/model_comparison.md

The baselines learn from the MNIST training images; every model is timed on the MNIST test images;
the real-writer column uses the same preprocessed UNIPEN dev inputs for every model. The CNN
is the shipped weights with their recorded training time, or, with ``--cnn-epochs E``, a CNN
trained here for E epochs on the same images as the baselines.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnn_numpy.evaluation.real_writers import RealWriterInputs, evaluate_real_writers
from cnn_numpy.files import write_text
from cnn_numpy.nn.dense import mlp, softmax_regression
from cnn_numpy.nn.lstm import HIDDEN, lstm_network
from cnn_numpy.nn.model import Sequential
from cnn_numpy.nn.svm import RFF_FEATURES, RandomFourierFeatures, linear_svm, median_distance, rbf_svm
from cnn_numpy.paths import DEFAULT_WEIGHTS
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.training.trainer import TrainConfig, Trainer, train
from cnn_numpy.weights import load_weights

from . import (
    cli,
    load_real_writers,
    load_split,
    markdown_table,
    parse,
    percent,
    report_parser,
)
from .baselines import KNN

MODULE = "reports.compare_models"
SEED = 0
SVM_DECAY = 1e-5     # lambda of the SVMs' regulariser lambda/2 ||W||^2 (the Trainer's weight decay)
SVM_LR = 3e-2        # the random features are small (sqrt(2/D) ~ 0.02): lr 1e-3 learns too slowly
LSTM_LR = 2e-3


@dataclass
class Row:
    model: str
    train_seconds: float | None
    test_seconds: float
    mnist_acc: float
    real_acc: float | None
    params: str
    budget: str


@dataclass
class Comparison:
    rows: list[Row]
    train_n: int
    test_n: int
    real_n: int | None   # None: no UNIPEN folder


def _score(name: str, recognizer: Recognizer, train_seconds: float | None, params: str,
           budget: str, x_test: np.ndarray, y_test: np.ndarray, real: RealWriterInputs | None) -> Row:
    started = time.perf_counter()
    mnist_acc = float(np.mean(recognizer.recognize_inputs(x_test[:, 0]).digits == y_test))
    test_seconds = time.perf_counter() - started
    real_acc = evaluate_real_writers(recognizer, real).scores.overall if real is not None else None
    return Row(name, train_seconds, test_seconds, mnist_acc, real_acc, params, budget)


def _network(name: str, model: Sequential, epochs: int, x: np.ndarray, y: np.ndarray,
             log: Callable[[str], None], lr: float = 1e-3, weight_decay: float = 0.0) -> tuple[float, str]:
    """(training seconds, budget) of a baseline network (softmax regression, MLP, SVMs, LSTM): the
    CNN's loop, without augmentation or weight averaging."""
    log(f"training {name} ({epochs} epochs)")
    started = time.perf_counter()
    cfg = TrainConfig(epochs=epochs, lr=lr, weight_decay=weight_decay, seed=SEED, augment=False, average=0)
    Trainer(model, cfg, log).fit(x, y)
    decay = f", weight decay {_short(weight_decay)}" if weight_decay else ""
    return time.perf_counter() - started, f"{epochs} epochs, Adam, lr {_short(lr)} (cosine), batch 100{decay}"


def _short(value: float) -> str:
    """1e-3 for 0.001, 3e-2 for 0.03."""
    return f"{value:.0e}".replace("e-0", "e-")


def _cnn(weights: Path, epochs: int | None, x: np.ndarray, y: np.ndarray,
         log: Callable[[str], None]) -> tuple[Sequential, float | None, str]:
    """(network, training seconds, budget) of the trained-here or shipped CNN."""
    if epochs:
        log(f"training the CNN ({epochs} epochs)")
        cfg = TrainConfig(epochs=epochs, seed=SEED)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            net, _ = train(cfg, x, y, x[:0], y[:0], Path(tmp), log=log)
        return net, time.perf_counter() - started, (f"trained here: {epochs} epochs, Adam, lr 1e-3 (cosine), "
                                                     "batch 100, augmentation")
    net, meta = load_weights(weights)
    training = meta.get("training", {})
    minutes = training.get("minutes")
    budget = f"shipped weights ({weights.name}), training time as recorded by: `{meta.get('command', 'unknown')}`"
    return net, None if minutes is None else minutes * 60, budget


def _svms_and_lstm(epochs: int, lstm_epochs: int, x: np.ndarray, y: np.ndarray, log: Callable[[str], None]
                   ) -> list[tuple[str, Sequential, float, str, str]]:
    """(name, network, training seconds, parameters, budget) of the linear SVM, the RBF SVM and the LSTM."""
    sigma = median_distance(x, seed=SEED) / 2
    log(f"RBF bandwidth sigma = half the median pairwise distance of 1,000 training images = {sigma:.2f}")
    out = []
    for name, model, about in (
            ("linear SVM (hinge)", linear_svm(seed=SEED), "Crammer-Singer multiclass hinge"),
            ("SVM, RBF kernel via random Fourier features", rbf_svm(sigma, seed=SEED),
             f"Crammer-Singer hinge on D = {RFF_FEATURES:,} fixed random Fourier features, sigma = {sigma:.2f} "
             "(half the median pairwise distance of 1,000 training images)")):
        seconds, budget = _network(name, model, epochs, x, y, log, lr=SVM_LR, weight_decay=SVM_DECAY)
        fixed = sum(la.W_rff.size + la.b_rff.size for la in model.layers if isinstance(la, RandomFourierFeatures))
        params = f"{model.param_count:,}" + (f" (+ {fixed:,} fixed random values)" if fixed else "")
        out.append((name, model, seconds, params, f"{about}; {budget}"))
    name, model = f"LSTM ({HIDDEN} units, rows as a sequence)", lstm_network(seed=SEED)
    seconds, budget = _network(name, model, lstm_epochs, x, y, log, lr=LSTM_LR)
    out.append((name, model, seconds, f"{model.param_count:,}",
                f"28 rows of 28 pixels as 28 steps, last hidden state -> Affine; softmax cross-entropy; {budget}"))
    return out


def compare(data_dir: Path | None, unipen_dir: Path | None, subset: int | None, epochs: int,
            cnn_weights: Path, cnn_epochs: int | None, log: Callable[[str], None] = print,
            lstm_epochs: int = 5) -> Comparison:
    """Train and score the seven models; one :class:`Row` each."""
    x_train, y_train = load_split("train", data_dir, subset)
    x_test, y_test = load_split("test", data_dir, subset)
    real = load_real_writers(unipen_dir, subset, log=log)
    rows = []
    for name, model in (("softmax regression", softmax_regression(SEED)), ("MLP 784-512-256-10", mlp(SEED))):
        seconds, budget = _network(name, model, epochs, x_train, y_train, log)
        rows.append(_score(name, Recognizer(model), seconds, f"{model.param_count:,}", budget, x_test, y_test, real))
    log("kNN (k=3)")
    started = time.perf_counter()
    knn = KNN(k=3).fit(x_train, y_train)
    rows.append(_score("kNN (k=3)", Recognizer(knn), time.perf_counter() - started,
                       f"0 (stores {knn.stored_values:,} pixel values)", "no training: stores the training set",
                       x_test, y_test, real))
    for name, model, seconds, params, budget in _svms_and_lstm(epochs, lstm_epochs, x_train, y_train, log):
        rows.append(_score(name, Recognizer(model), seconds, params, budget, x_test, y_test, real))
    net, seconds, budget = _cnn(cnn_weights, cnn_epochs, x_train, y_train, log)
    rows.append(_score("SimpleConvNet (CNN)", Recognizer(net), seconds, f"{net.param_count:,}", budget,
                       x_test, y_test, real))
    return Comparison(rows, len(y_train), len(y_test), None if real is None else len(real.labels))


def to_markdown(c: Comparison, command: str) -> str:
    def secs(s: float | None) -> str:
        return "n/a" if s is None else f"{s:.2f}"
    table = markdown_table(
        ["model", "training time (s)", "test time (s)", "MNIST test accuracy", "real-writer accuracy", "parameters"],
        [[r.model, secs(r.train_seconds), f"{r.test_seconds:.2f}", percent(r.mnist_acc), percent(r.real_acc), r.params]
         for r in c.rows])
    budgets = "\n".join(f"- **{r.model}**: {r.budget}" for r in c.rows)
    real = (f"{c.real_n:,} UNIPEN dev samples, rendered as the canvas draws them (seed 0) and preprocessed once"
            if c.real_n is not None else "not measured (no UNIPEN folder: pass --unipen-dir or set HDR_UNIPEN_DIR)")
    return f"""# Model comparison

All models from scratch in NumPy, on one machine ({platform.machine()}, {os.cpu_count()} CPUs, NumPy {np.__version__}),
seed {SEED}. Training: {c.train_n:,} MNIST training images. Test time: predicting {c.test_n:,} MNIST test images.
Real-writer accuracy: {real}; blank renders count as wrong.

{table}

Budgets:
{budgets}

Command:

    {command}
"""


def build_parser() -> argparse.ArgumentParser:
    p = report_parser(MODULE, __doc__, Path("docs/model_comparison.md"), "markdown file to write",
                      "use only the first N training, test and real-writer samples (quick runs)")
    p.add_argument("--epochs", type=int, default=10, help="epochs of softmax regression, the MLP and the SVMs")
    p.add_argument("--lstm-epochs", type=int, default=5, help="epochs of the LSTM")
    p.add_argument("--cnn-weights", type=Path, default=DEFAULT_WEIGHTS,
                   help="CNN weights to score, with the training time recorded in their metadata")
    p.add_argument("--cnn-epochs", type=int, default=None,
                   help="instead of --cnn-weights, train the CNN here for this many epochs")
    return p


@cli
def main(argv: list[str] | None = None) -> int:
    args, command = parse(build_parser(), MODULE, argv)
    comparison = compare(args.data_dir, args.unipen_dir, args.subset, args.epochs, args.cnn_weights, args.cnn_epochs,
                         lstm_epochs=args.lstm_epochs)
    text = to_markdown(comparison, command)
    write_text(args.out, text)
    print(text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
