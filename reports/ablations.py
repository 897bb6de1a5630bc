"""Ablations of the CNN: one factor at a time around a reference configuration.

    python -m reports.ablations --out docs/ablations

Every run trains on the same images for the same fixed budget and seed, then is scored on
MNIST test and on the real writers (dev). Each result is cached as JSON under OUT/cache,
keyed by the run's settings and budget, so a re-run or an ``--only`` subset trains only what
is missing. Writes OUT/README.md (table) and OUT/ablations.png (bar chart).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from cnn_numpy.data.strokes import PenDigits
from cnn_numpy.data.styles import synthesize_styles
from cnn_numpy.evaluation.figures import pyplot, save_figure
from cnn_numpy.evaluation.real_writers import RealWriterInputs, evaluate_real_writers
from cnn_numpy.files import write_text
from cnn_numpy.nn.convnet import ConvNetConfig
from cnn_numpy.nn.deeper import TwoStageConvNet
from cnn_numpy.nn.model import Sequential
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.training.trainer import History, TrainConfig, Trainer, train

from . import (
    cli,
    load_digits,
    load_split,
    markdown_table,
    parse,
    percent,
    report_parser,
)

MODULE = "reports.ablations"
SEED = 0
FACTORS: dict[str, tuple[str, ...]] = {      # the first value of each is the reference
    "pool": ("max", "avg", "none"),
    "filters": ("30", "10", "60"),
    "kernel": ("5", "3", "7"),
    "hidden": ("512", "100", "256", "1024"),
    "dropout": ("0.3", "0", "0.5"),
    "optimizer": ("adam", "sgd", "momentum"),
    "activation": ("relu", "sigmoid", "tanh"),
    "augment": ("on", "off"),
    "conv-layers": ("1", "2"),   # 2: TwoStageConvNet (a second stage, Conv 30@3x3 - act - pool), not a ConvNetConfig
}
LEARNING_RATES = {"adam": 1e-3, "momentum": 1e-2, "sgd": 1e-1}   # a usual peak rate for each optimiser


@dataclass(frozen=True)
class Run:
    factor: str | None     # None: the reference configuration
    value: str

    @property
    def name(self) -> str:
        return "reference" if self.factor is None else f"{self.factor}={self.value}"


def select_runs(only: list[str] | None = None) -> list[Run]:
    """The reference run, then every other value of the chosen factors (all by default)."""
    factors = list(FACTORS) if not only else only
    unknown = [f for f in factors if f not in FACTORS]
    if unknown:
        raise ValueError(f"unknown factor(s) {', '.join(unknown)}; choose from {', '.join(FACTORS)}")
    return [Run(None, "")] + [Run(f, v) for f in FACTORS if f in factors for v in FACTORS[f][1:]]


def train_config(run: Run, epochs: int) -> TrainConfig:
    """The TrainConfig of a run: the reference values of FACTORS (TrainConfig defaults otherwise)
    with one factor changed. The conv-layers factor changes the model, not the TrainConfig
    (see :func:`cache_key` and :func:`fit`)."""
    s = {f: values[0] for f, values in FACTORS.items()}
    if run.factor is not None:
        s[run.factor] = run.value
    net = ConvNetConfig(filter_num=int(s["filters"]), filter_size=int(s["kernel"]), pool=s["pool"],
                        hidden=int(s["hidden"]), activation=s["activation"], dropout=float(s["dropout"]))
    return TrainConfig(epochs=epochs, lr=LEARNING_RATES[s["optimizer"]], optimizer=s["optimizer"], seed=SEED,
                       augment=s["augment"] == "on", net=net)


@dataclass
class Budget:
    """What every run is given and scored on."""
    epochs: int
    train_size: int       # MNIST training images (the first N)
    styles: float         # fraction of 0s, 1s and 7s re-drawn in other styles, as `main.py train`
    test_size: int        # MNIST test images (the first N)
    real_size: int | None  # real-writer samples; None: no UNIPEN folder


class Data:
    """The test sets, and the training set and real-writer inputs built once, when first needed."""

    def __init__(self, data_dir: Path | None, digits: PenDigits | None, train_size: int, styles: float,
                 subset: int | None):
        self.data_dir, self.digits, self.train_size, self.styles = data_dir, digits, train_size, styles
        self.x_test, self.y_test = load_split("test", data_dir, subset)

    @cached_property
    def train(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = load_split("train", self.data_dir, self.train_size)
        if self.styles > 0:
            sx, sy = synthesize_styles(x[:, 0], y, np.random.default_rng([SEED, 777]), self.styles)
            x, y = np.concatenate([x, sx[:, None]]), np.concatenate([y, sy])
        return x, y

    @cached_property
    def real(self) -> RealWriterInputs | None:
        return None if self.digits is None else RealWriterInputs.of(self.digits)


def cache_key(run: Run, cfg: TrainConfig, budget: Budget) -> dict:
    """What a run's result depends on. "conv_layers" is in it only when not 1, and "patience" only
    when on, so that the keys of the earlier runs stay what they were before those existed."""
    config = asdict(cfg)
    if not config["patience"]:          # early stopping off (added later): results as before it existed
        del config["patience"]
    key = {"config": config, **asdict(budget)}
    if run.factor == "conv-layers" and run.value != FACTORS["conv-layers"][0]:
        key["conv_layers"] = int(run.value)
    return key


def fit(run: Run, cfg: TrainConfig, x: np.ndarray, y: np.ndarray,
        log: Callable[[str], None]) -> tuple[Sequential, History]:
    """Train the run's network: SimpleConvNet through ``train`` (as ``main.py train``), or for
    conv-layers=2 a TwoStageConvNet of ``cfg.net`` through the same Trainer."""
    if run.factor != "conv-layers" or run.value == FACTORS["conv-layers"][0]:
        with tempfile.TemporaryDirectory() as tmp:
            return train(cfg, x, y, x[:0], y[:0], Path(tmp), log=log)
    if run.value != "2":
        raise ValueError(f"conv-layers={run.value} is not built; 1 or 2")
    model = TwoStageConvNet(cfg.net, seed=cfg.seed)
    trainer = Trainer(model, cfg, log)
    params = trainer.fit(x, y)
    return (model if params is model.params else model.with_params(params)), trainer.history


def cache_path(cache_dir: Path, run: Run, key: dict) -> Path:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:12]
    return cache_dir / f"{run.name.replace('=', '_')}-{digest}.json"


def run_one(run: Run, budget: Budget, data: Data, cache_dir: Path, log: Callable[[str], None] = print) -> dict:
    """The result of one run: from the cache if it is there, else trained and scored now."""
    cfg = train_config(run, budget.epochs)
    key = cache_key(run, cfg, budget)
    path = cache_path(cache_dir, run, key)
    if path.is_file():
        log(f"{run.name}: cached ({path.name})")
        return json.loads(path.read_text(encoding="utf-8"))
    log(f"{run.name}: training {budget.epochs} epochs")
    x, y = data.train
    started = time.perf_counter()
    net, history = fit(run, cfg, x, y, log)
    seconds = time.perf_counter() - started
    recognizer, real = Recognizer(net), data.real
    result = {"name": run.name, "factor": run.factor, "value": run.value, "key": key,
              "mnist_acc": float(np.mean(recognizer.recognize_inputs(data.x_test[:, 0]).digits == data.y_test)),
              "real_acc": None if real is None else evaluate_real_writers(recognizer, real).scores.overall,
              "train_seconds": round(seconds, 1), "params": net.param_count,
              "history": history.rows}
    write_text(path, json.dumps(result, indent=1) + "\n")
    log(f"{run.name}: MNIST test {percent(result['mnist_acc'])}, real writers {percent(result['real_acc'])}, "
        f"{seconds:.0f} s")
    return result


def plot_ablations(results: list[dict], path: Path, caption: str) -> None:
    """Horizontal bars per run (grouped by factor) for MNIST test and real-writer accuracy."""
    plt = pyplot()
    panels = [("mnist_acc", "MNIST test")] + ([("real_acc", "real writers (dev)")]
                                              if results[0]["real_acc"] is not None else [])
    names = [r["name"] for r in results][::-1]
    colours = {f: plt.cm.tab10(i) for i, f in enumerate([None, *FACTORS])}
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 0.38 * len(results) + 1.6), squeeze=False)
    for ax, (key, title) in zip(axes[0], panels, strict=True):
        values = np.array([r[key] for r in results][::-1]) * 100
        bars = ax.barh(names, values, color=[colours[r["factor"]] for r in results][::-1])
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=2)
        ax.axvline(results[0][key] * 100, color="grey", ls="--", lw=1)
        low, high = max(0.0, values.min() - 2), values.max()
        ax.set(xlim=(low, high + 0.15 * (high - low) + 0.5), xlabel="accuracy (%)", title=title)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Ablations: one factor changed from the reference (dashed line)", fontsize=10)
    save_figure(fig, path, caption)


def to_markdown(results: list[dict], budget: Budget, command: str, chart: str) -> str:
    base = results[0]

    def delta(r: dict, key: str) -> str:
        return "" if r is base or r[key] is None else f"{(r[key] - base[key]) * 100:+.2f}"
    table = markdown_table(
        ["run", "MNIST test acc", "Δ (points)", "real-writer acc", "Δ (points)", "train time (s)", "parameters"],
        [[r["name"], percent(r["mnist_acc"]), delta(r, "mnist_acc"), percent(r["real_acc"]), delta(r, "real_acc"),
          f"{r['train_seconds']:.0f}", f"{r['params']:,}"] for r in results])
    real = (f"the first {budget.real_size:,} real-writer dev samples (UNIPEN, rendered as the canvas draws them, "
            "seed 0; blank renders count as wrong)" if budget.real_size is not None
            else "no real-writer samples (no UNIPEN folder)")
    lrs = ", ".join(f"{k} {v:g}" for k, v in LEARNING_RATES.items())
    return f"""# Ablations of the CNN

One factor at a time around a reference configuration (Conv 30×5×5 - ReLU - max pool - Affine 512 - ReLU -
dropout 0.3 - Affine 10, Adam, augmentation on, weight average). It is `python main.py train` except for two
settings chosen afterwards at the full budget on a validation split (see the project README): the shipped
network has 1024 hidden units and dropout 0.1. `conv-layers=2` is another network, not a setting of the
shipped one: a second stage, Conv 30×3×3 - ReLU - max pool, before the hidden layer (30×5×5 = 750
features enter it instead of 30×12×12 = 4,320), trained by the same Trainer.

- Budget of every run: seed {SEED}, {budget.epochs} epochs on the first {budget.train_size:,} MNIST training images
  plus the slashed zeros `main.py train` adds (fraction {budget.styles:g}); batch 100; cosine learning rate
  with half an epoch of warm-up; peak rate per optimiser: {lrs}.
- Scored on the first {budget.test_size:,} MNIST test images and {real}.
- Train time: wall-clock on one machine ({os.cpu_count()} CPUs).

A short, fixed budget ranks the choices but does not reach the shipped network's accuracy, and it
favours what learns fast (no augmentation, no dropout, Adam): options that pay off over longer
training can rank lower here than they would at the shipped budget.

{table}

![ablations]({chart})

    {command}
"""


def build_parser() -> argparse.ArgumentParser:
    p = report_parser(MODULE, __doc__, Path("docs/ablations"), "folder for README.md, chart, cache",
                      "quick runs: at most N training, test and real-writer samples")
    p.add_argument("--only", type=lambda s: [f for f in s.split(",") if f], default=None,
                   help=f"comma-separated factors to run (default: all): {','.join(FACTORS)}")
    p.add_argument("--budget-epochs", type=int, default=6, help="epochs of every run")
    p.add_argument("--train-size", type=int, default=30000, help="MNIST training images of every run (the first N)")
    p.add_argument("--styles", type=float, default=0.5, help="slashed-zero fraction, as main.py train (0: off)")
    return p


@cli
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, command = parse(parser, MODULE, argv)
    try:
        runs = select_runs(args.only)
    except ValueError as e:
        parser.error(str(e))
    digits = load_digits(args.unipen_dir, args.subset)
    train_size = min(args.train_size, args.subset or args.train_size)
    data = Data(args.data_dir, digits, train_size, args.styles, args.subset)
    budget = Budget(args.budget_epochs, train_size, args.styles, len(data.y_test),
                    None if digits is None else len(digits))
    results = [run_one(run, budget, data, args.out / "cache") for run in runs]
    plot_ablations(results, args.out / "ablations.png", command)
    text = to_markdown(results, budget, command, "ablations.png")
    write_text(args.out / "README.md", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
