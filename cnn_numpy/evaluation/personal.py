"""How much personalising helps, measured on writers the network never trained on.

For each writer of a set (the 14 pendigits test writers), drawn as on the canvas:
    full   ``per_digit`` samples of every digit are the writer's samples; the network is personalised
           on them and then reads the writer's OTHER digits, before and after, and the personal
           weights read the 10,000 MNIST test images (everyone else's handwriting).
    few    ``few`` samples of each of the writer's two hardest digits only (most misread by the base
           weights, then least confident): the writer's digits of the eight others must not get worse,
           and their other digits of those two should be read better.
Samples are chosen at random (seeded) among the writer's renders that have ink.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..nn.convnet import SimpleConvNet
from ..training.personalize import PersonalizeConfig, Replay, fine_tune
from .real_writers import RealWriterInputs


@dataclass
class WriterResult:
    """One writer's figures (accuracies in [0, 1]; ``mnist`` None when not measured)."""
    writer: str
    digits: list[int]     # the digits of the samples personalised on
    samples: int          # how many samples
    others: int           # the writer's other digits read
    before: float         # accuracy on them with the base weights
    after: float          # ... with the personal weights
    mnist: float | None   # MNIST test accuracy of the personal weights
    kept: float           # share of the fine-tuning's change kept (see personalize._scale_back)
    seconds: float        # fine-tuning time
    learned: int          # the writer's other digits of the digits personalised on (few: of those two)
    learned_before: float  # accuracy on them with the base weights
    learned_after: float   # ... with the personal weights


def predictions(net: SimpleConvNet, inputs: list[np.ndarray | None]) -> np.ndarray:
    """(S,) predicted digits of network inputs, -1 where an input is None (no ink: counted wrong)."""
    out = np.full(len(inputs), -1, np.int64)
    present = [i for i, x in enumerate(inputs) if x is not None]
    if present:
        out[present] = net.predict_logits(np.stack([inputs[i] for i in present])[:, None]).argmax(axis=1)
    return out


def hardest_digits(labels: np.ndarray, predicted: np.ndarray, probs_true: np.ndarray, count: int = 2) -> list[int]:
    """The ``count`` digits a writer's samples (labels, base predictions, base probability of the true digit)
    most often misread, ties broken by the lowest mean probability of the true digit."""
    digits = np.unique(labels)
    errors = [-(predicted[labels == d] != d).sum() for d in digits]
    confidence = [probs_true[labels == d].mean() for d in digits]
    return [int(d) for _, _, d in sorted(zip(errors, confidence, digits))[:count]]


def choose(labels: np.ndarray, usable: np.ndarray, digits: list[int], per_digit: int,
           rng: np.random.Generator) -> np.ndarray:
    """Indices of ``per_digit`` random usable samples of each of ``digits`` (fewer where there are fewer)."""
    picked = [rng.permutation(np.flatnonzero((labels == d) & usable))[:per_digit] for d in digits]
    return np.sort(np.concatenate(picked)).astype(np.int64)


def evaluate_writer(net: SimpleConvNet, writers: RealWriterInputs, writer: str, config: PersonalizeConfig,
                    replay: Replay | None, per_digit: int, few: int, mnist: tuple[np.ndarray, np.ndarray] | None,
                    seed: int = 0) -> tuple[WriterResult, WriterResult]:
    """(full, few) results for one writer (see the module's docstring)."""
    mine = np.flatnonzero(writers.sources == writer)
    inputs = [writers.inputs[i] for i in mine]
    labels = writers.labels[mine]
    usable = np.array([x is not None for x in inputs])
    base = predictions(net, inputs)
    rng = np.random.default_rng([seed, int(mine[0])])
    full = choose(labels, usable, list(range(10)), per_digit, rng)
    blank = np.zeros((28, 28), np.float32)
    logits = net.predict_logits(np.stack([x if x is not None else blank for x in inputs])[:, None])
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    hard = hardest_digits(labels, base, np.where(usable, probs[np.arange(len(labels)), labels], 0))
    few_idx = choose(labels, usable, hard, few, rng)
    results = []
    for chosen, others in ((full, np.setdiff1d(np.arange(len(labels)), full)),
                           (few_idx, np.flatnonzero(~np.isin(labels, hard)))):
        started = time.perf_counter()
        tuned, kept = fine_tune(net, np.stack([inputs[i] for i in chosen]), labels[chosen], config, replay)
        seconds = time.perf_counter() - started
        now = predictions(tuned, inputs)              # every render of the writer, read once
        learned = np.setdiff1d(np.flatnonzero(np.isin(labels, labels[chosen])), chosen)
        mnist_acc = None
        if mnist is not None:
            mnist_acc = float(np.mean(tuned.predict_logits(mnist[0]).argmax(axis=1) == mnist[1]))
        results.append(WriterResult(writer, sorted({int(d) for d in labels[chosen]}), len(chosen), len(others),
                                    float(np.mean(base[others] == labels[others])),
                                    float(np.mean(now[others] == labels[others])), mnist_acc, kept, seconds,
                                    len(learned), float(np.mean(base[learned] == labels[learned])),
                                    float(np.mean(now[learned] == labels[learned]))))
    return results[0], results[1]


def evaluate_personalization(net: SimpleConvNet, writers: RealWriterInputs, config: PersonalizeConfig,
                             replay: Replay | None, per_digit: int = 2, few: int = 3,
                             mnist: tuple[np.ndarray, np.ndarray] | None = None, seed: int = 0,
                             done: Callable[[WriterResult, WriterResult], None] | None = None
                             ) -> list[tuple[WriterResult, WriterResult]]:
    """(full, few) results of every writer in ``writers`` (``mnist``: inputs (M, 1, 28, 28), labels, or None);
    ``done`` is called after each writer."""
    out = []
    for writer in sorted(np.unique(writers.sources), key=lambda w: (len(w), w)):
        pair = evaluate_writer(net, writers, str(writer), config, replay, per_digit, few, mnist, seed)
        out.append(pair)
        if done is not None:
            done(*pair)
    return out
