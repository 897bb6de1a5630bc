"""Where a training step of the shipped recipe spends its time, part by part.

    python -m bench.train_step [--steps 50] [--rounds 3]

A batch of 100 random images through what ``Trainer.fit`` does each step: the augmentation, the
network's forward and backward pass, the Adam update and the weight average (decay 0.999), with
the shipped network's shape and one BLAS thread, as ``python main.py train`` runs (its drawing
process has the other core). Prints the median milliseconds of each part over ``--rounds`` rounds
of ``--steps`` steps (after 10 warm-up steps), then the whole step. No data needed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

import cnn_numpy  # noqa: F401  (first: one BLAS thread, as `main.py train` runs)

# isort: split
import numpy as np

from cnn_numpy.data.augment import augment_batch
from cnn_numpy.nn.averaging import WeightAverage
from cnn_numpy.nn.convnet import SimpleConvNet
from cnn_numpy.nn.optimizers import Adam
from cnn_numpy.training.trainer import TrainConfig

PARTS = ("augmentation", "gradient", "Adam update", "weight average")


def one_round(net: SimpleConvNet, steps: int, cfg: TrainConfig, rng: np.random.Generator) -> dict[str, float]:
    """Milliseconds per step of each part, averaged over ``steps`` steps."""
    opt, avg = Adam(), WeightAverage(net.params, cfg.average)
    x = rng.random((cfg.batch_size, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, cfg.batch_size)
    spent = dict.fromkeys(PARTS, 0.0)
    for step in range(steps + 10):
        t0 = time.perf_counter()
        xb = augment_batch(x, rng, cfg.aug)
        t1 = time.perf_counter()
        _, grads = net.gradient(xb, y)
        t2 = time.perf_counter()
        opt.update(net.params, grads, 1e-4)
        t3 = time.perf_counter()
        avg.update(net.params)
        t4 = time.perf_counter()
        if step >= 10:
            for part, seconds in zip(PARTS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                spent[part] += seconds
    return {part: seconds / steps * 1000 for part, seconds in spent.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.steps < 1 or args.rounds < 1:
        parser.error("--steps and --rounds must be at least 1")
    cfg = TrainConfig()
    net = SimpleConvNet(cfg.net)
    rng = np.random.default_rng(0)
    rounds = [one_round(net, args.steps, cfg, rng) for _ in range(args.rounds)]
    for part in PARTS:
        print(f"{part}: {statistics.median(r[part] for r in rounds):.2f} ms")
    print(f"training step: {statistics.median(sum(r.values()) for r in rounds):.2f} ms "
          f"(batch {cfg.batch_size}, {cfg.net.hidden} hidden units)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
