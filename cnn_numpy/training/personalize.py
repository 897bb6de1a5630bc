"""Teach the network one person's handwriting: fine-tune shipped weights on their own samples.

A few samples of a user's digits (the ImageFolder layout of :mod:`cnn_numpy.data.samples`) are each
seen in many augmented views, mixed in every batch with replayed training data so that nothing else
is forgotten, and the result is written as *personal weights* beside, never over, the base weights.

Only the layers above the convolution move (W2, b2, W3, b3). Replay: MNIST training images when the
MNIST files are found (``--data-dir`` / $HDR_DATA_DIR / the user cache), every digit keeping its usual
share of each batch (:func:`_batch_plan`); without them, drawn templates of the ten digits
(:func:`drawn_replay`); with no replay at all, the fine-tuning is held near the base weights instead (an
L2 pull toward them, "L2-SP", Li et al. 2018). Samples that leave out some digit move only their digits'
outputs, and only until they are read surely (:func:`fine_tune`): they cannot show what learning them
costs the others.

Personal weights are ordinary weights (:func:`cnn_numpy.weights.save_weights`, loadable by
``Recognizer.from_weights``) whose metadata adds "personal": the base weights' file name and
SHA-256, the sample count per digit, the settings, the replay used and the date. The base
weights' calibration (temperature and verdict thresholds) is carried over unchanged: refitting it
needs validation writers the user does not have.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..data.augment import AugmentConfig, augment_batch
from ..data.mnist import MnistMissingError, load_mnist
from ..data.samples import load_samples
from ..data.strokes import render_digit
from ..data.templates import jittered
from ..errors import HdrError
from ..files import sha256_file
from ..nn.convnet import SimpleConvNet
from ..nn.layers import softmax
from ..nn.optimizers import Adam, cosine_lr
from ..paths import DEFAULT_WEIGHTS
from ..recognition.calibration import nll
from ..recognition.preprocess import preprocess
from ..weights import load_weights, pending_metadata_path, save_weights

OUTPUTS = ("W3", "b3")                   # the last layer: one column (and bias) per digit
AUTO = "auto"                            # replay MNIST training images when they are found, else drawn ones
MNIST_REPLAY = "MNIST training images"
DRAWN_REPLAY = "drawn templates of the ten digits"
NO_REPLAY = "none (pulled toward the base weights)"
GIVEN_REPLAY = "the images given"
DRAWN_COUNT = 2000                       # drawn replay images (200 of each digit)


class Replay(NamedTuple):
    """Everyone else's digits, replayed while fine-tuning: images uint8 (M, 28, 28), labels (M,), what they are."""
    images: np.ndarray
    labels: np.ndarray
    name: str = GIVEN_REPLAY


class PersonalizeError(HdrError):
    """Personalising cannot be done or was cancelled; nothing was written."""


class Cancelled(PersonalizeError):
    """The caller cancelled personalising; nothing was written."""


@dataclass(frozen=True)
class PersonalizeConfig:
    """The fine-tuning recipe (chosen on the pendigits test writers, see the README)."""
    steps: int = 100                 # optimiser steps (the time is about proportional)
    batch_size: int = 64             # images per step: views of the user's samples + replayed images
    sample_share: float = 0.5        # share of a digit's batch slots given to views of the user's samples of it
    lr: float = 3e-4                 # peak Adam learning rate (warm-up, then cosine decay)
    warmup: int = 10                 # warm-up steps
    trained: tuple[str, ...] = ("W2", "b2", "W3", "b3")   # parameters that move; the others stay
    anchor: float = 0.0              # L2 pull toward the base weights (with replay)
    anchor_no_replay: float = 1e-2   # the same without replay data
    check: int = 2000                # replayed images held out to check that everyone's digits are still read
    tolerance: float = 0.003         # accuracy they may lose; beyond it the change is scaled back (see _scale_back)
    loss_tolerance: float = 0.1      # ... and their mean log-loss may grow by at most this share of the base's
    fit_margin: float = 0.9          # samples leaving out a digit: learn a digit until its samples read this sure
    few_lr: float = 1e-3             # samples leaving out a digit: peak rate of their digits' output columns
    seed: int = 0
    aug: AugmentConfig = field(default_factory=AugmentConfig)

    def to_dict(self) -> dict:
        return asdict(self)


def default_replay(data_dir: Path | str | None = None) -> Replay:
    """The MNIST training images to replay, or drawn templates (:func:`drawn_replay`) when the MNIST files
    are not found."""
    try:
        return Replay(*load_mnist("train", data_dir), MNIST_REPLAY)
    except MnistMissingError:
        return drawn_replay()


def drawn_replay(count: int = DRAWN_COUNT, seed: int = 0) -> Replay:
    """``count`` digits drawn from the ten templates (jittered, slanted, sized and placed as on the canvas,
    then preprocessed as the app does), the ten in turn: a stand-in for everyone else's handwriting when
    the MNIST files are missing, measured against replaying nothing in the README."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    images = np.stack([preprocess(render_digit(jittered(int(d), rng, wobble=0.01, slant=0.3), rng)) for d in labels])
    return Replay((images * 255).round().astype(np.uint8), labels, DRAWN_REPLAY)


def _layer_slots(net: SimpleConvNet, names: tuple[str, ...]) -> dict[str, tuple[int, str]]:
    """name -> (index of the layer holding the parameter, its local name), for ``names``."""
    slots = {}
    for i, layer in enumerate(net.layers):
        for key, array in layer.params().items():
            slots.update({name: (i, key) for name in names if net.params[name] is array})
    return slots


def _gradient(net: SimpleConvNet, x: np.ndarray, y: np.ndarray, slots: dict[str, tuple[int, str]]
              ) -> tuple[float, dict[str, np.ndarray]]:
    """(mean loss, gradients of the parameters in ``slots``), back-propagating only down to the lowest
    layer that holds one of them (the frozen layers below need no gradient)."""
    loss = net.loss(x, y, train=True)
    dout = net.loss_layer.backward()
    lowest = min(i for i, _ in slots.values())
    for layer in reversed(net.layers[lowest + 1:]):
        dout = layer.backward(dout)
    net.layers[lowest].backward(dout)
    return loss, {name: net.layers[i].grads()[key] for name, (i, key) in slots.items()}


def _batch_plan(labels: np.ndarray, size: int, share: float, rng: np.random.Generator,
                replay_labels: np.ndarray | None, learning: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(digit of every slot of a batch (size,), which slots take a view of the user's samples (size,) bool).

    With replay, the digits are drawn uniformly and a digit the user gave samples of takes one of them
    with probability ``share``, else a replayed image (a user's sample when the replay has none of that
    digit): the batch keeps every digit's usual share, so a few samples of one digit teach that digit
    without making the network prefer it. ``learning`` (10,) bool, default all: digits whose samples
    are still wanted; the others' slots all replay. Without replay every slot is a user's sample, drawn
    uniformly."""
    if replay_labels is None:
        return labels[rng.integers(0, len(labels), size)], np.ones(size, bool)
    has_own = np.bincount(labels, minlength=10) > 0
    has_replay = np.bincount(replay_labels, minlength=10)[:10] > 0
    learn = has_own if learning is None else has_own & learning
    digits = rng.choice(np.flatnonzero(has_own | has_replay), size)
    return digits, (learn[digits] & (rng.random(size) < share)) | (has_own[digits] & ~has_replay[digits])


def _unsure_digits(net: SimpleConvNet, features: np.ndarray, y: np.ndarray, margin: float, start: int) -> np.ndarray:
    """(10,) bool: the digits of which ``net`` gives some sample (``features``: what its layers below ``start``
    make of the samples, see Sequential.features; y (N,)) a probability of its own digit below ``margin``."""
    sure = softmax(net.predict_logits(features, start=start))[np.arange(len(y)), y] >= margin
    return np.bincount(y[~sure], minlength=10)[:10] > 0


def fine_tune(net: SimpleConvNet, inputs: np.ndarray, labels: np.ndarray, config: PersonalizeConfig,
              replay: Replay | None, progress: Callable[[float], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> tuple[SimpleConvNet, float]:
    """(a copy of ``net`` fine-tuned on ``inputs`` (N, 28, 28) float32 with ``labels`` (N,) int64, the share of
    the change kept by :func:`_scale_back`). Each batch mixes augmented views of the samples with images of
    ``replay`` (:func:`_batch_plan`), of which the last ``config.check`` are held out for the check; without
    replay, an L2 pull toward ``net`` instead, and no check. ``progress(fraction)`` is called after every
    step; Cancelled when ``cancelled()`` turns true. ``net`` itself is left unchanged.

    Samples that leave out some digit say nothing about the user's other digits, so the network moves
    only as far as they need: only the output columns of their digits (W3's columns and b3's entries, at
    ``config.few_lr``) move, the layers below and the other digits' outputs stay as they were (moving
    them, learning a writer's 4s and 9s made three of their 7s read as 2); fine-tuning ends early once
    ``net`` reads every sample (un-augmented) with a probability of at least ``config.fit_margin``, and
    with replay a digit's slots go back to replay as soon as all of its samples are so read. Samples of
    every digit show those conflicts and train ``config.trained`` for the full course."""
    if len(inputs) == 0:
        raise PersonalizeError("There are no samples to learn from.")
    base = {k: v.copy() for k, v in net.params.items()}
    tuned = SimpleConvNet(net.config, {k: v.copy() for k, v in base.items()}, seed=config.seed)
    x_own, y_own = np.asarray(inputs, np.float32)[:, None], np.asarray(labels, np.int64)
    partial = len(np.unique(y_own)) < 10
    names, lr = (OUTPUTS, config.few_lr) if partial else (config.trained, config.lr)
    columns = np.isin(np.arange(10), y_own) if partial else None    # the outputs that may move
    trained = {k: tuned.params[k] for k in names}
    slots = _layer_slots(tuned, names)
    anchor = np.float32(config.anchor if replay is not None else config.anchor_no_replay)
    rng = np.random.default_rng(config.seed)
    own_of = [np.flatnonzero(y_own == d) for d in range(10)]
    check = None
    if replay is not None and len(replay[1]) > 2 * config.check > 0:
        check = ((replay[0][-config.check:].astype(np.float32) / 255)[:, None],
                 np.asarray(replay[1][-config.check:], np.int64))
        replay = replay[0][:-config.check], replay[1][:-config.check]
    replay_labels = np.asarray(replay[1], np.int64) if replay is not None else None
    replay_of = [np.flatnonzero(replay_labels == d) for d in range(10)] if replay is not None else []
    every = max(1, len(y_own) // config.batch_size)    # check every so often: about a batch's forward pass a step
    frozen = min(i for i, _ in slots.values())          # the layers below it never change: read them once
    own_features = tuned.features(x_own, frozen) if partial else None
    learning = None
    optimizer = Adam()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for step in range(config.steps):
            if cancelled is not None and cancelled():
                raise Cancelled("Personalising was cancelled; nothing was written.")
            if partial and step % every == 0:
                learning = _unsure_digits(tuned, own_features, y_own, config.fit_margin, frozen)
                if not learning.any():                 # every sample is read surely: done early
                    if progress is not None:
                        progress(1.0)
                    break
            digits, own = _batch_plan(y_own, config.batch_size, config.sample_share, rng, replay_labels, learning)
            xb = np.empty((config.batch_size, 1, 28, 28), np.float32)
            picks = np.array([rng.choice(own_of[d]) for d in digits[own]], np.int64)
            if own.any():
                xb[own] = augment_batch(x_own[picks], rng, config.aug)
            if (~own).any():
                more = np.array([rng.choice(replay_of[d]) for d in digits[~own]], np.int64)
                xb[~own] = (replay[0][more].astype(np.float32) / 255)[:, None]
            loss, grads = _gradient(tuned, xb, digits, slots)
            if columns is not None:
                grads = {k: g * columns for k, g in grads.items()}
            if not np.isfinite(loss):
                raise PersonalizeError(f"The loss became {loss} at step {step + 1}: lower the learning rate; "
                                       "nothing was written.")
            if anchor:
                grads = {k: grads[k] + anchor * (trained[k] - base[k]) for k in trained}
            optimizer.update(trained, grads, cosine_lr(lr, step, config.steps, config.warmup))
            if progress is not None:
                progress((step + 1) / config.steps)
    kept = (_scale_back(net, tuned, base, check, config.tolerance, config.loss_tolerance, frozen)
            if check is not None else 1.0)
    return tuned, kept


def _check_scores(net: SimpleConvNet, check: tuple[np.ndarray, np.ndarray], start: int) -> tuple[float, float]:
    """(accuracy, mean log-loss) of ``net`` on the check images (``check[0]``: what the layers below ``start``
    make of them), from one pass."""
    logits = net.predict_logits(check[0], start=start)
    return float(np.mean(logits.argmax(axis=1) == check[1])), nll(logits, check[1], 1.0)


def _scale_back(net: SimpleConvNet, tuned: SimpleConvNet, base: dict[str, np.ndarray],
                check: tuple[np.ndarray, np.ndarray], tolerance: float, loss_tolerance: float, frozen: int = 0
                ) -> float:
    """Keep the largest share of the fine-tuning's change (1, 3/4, 1/2, 1/4, 0; ``tuned``'s parameters
    moved back along the straight line to ``base``) with which ``tuned`` reads the ``check`` images
    (x (M, 1, 28, 28), y (M,)) at most ``tolerance`` less accurately than ``net``, with a mean log-loss
    at most ``loss_tolerance`` times higher. -> that share.

    A writer's digit can look like another digit of everyone else (a 6 drawn as a straight stroke with a
    tiny loop is most people's 1): learning it fully would misread everyone's 1s. The check images are
    training images, read so surely that a few flips hide in the accuracy; the log-loss shows the drift
    (test-w5's 6s: 0.0113 -> 0.0252, every other development writer's change lowered it or kept it within 4 %).
    The layers below ``frozen`` are the same in both networks: the check images go through them once."""
    check = net.features(check[0], frozen), check[1]
    accuracy, loss = _check_scores(net, check, frozen)
    floor, ceiling = accuracy - tolerance, loss * (1 + loss_tolerance)
    change = {k: tuned.params[k] - base[k] for k in tuned.params}
    for share in (1.0, 0.75, 0.5, 0.25):
        for k, p in tuned.params.items():
            np.add(base[k], np.float32(share) * change[k], out=p)
        accuracy, loss = _check_scores(tuned, check, frozen)
        if accuracy >= floor and loss <= ceiling:
            return share
    for k, p in tuned.params.items():
        p[...] = base[k]
    return 0.0


def personalize(base: Path | str | None, samples: Path | str, out: Path | str,
                config: PersonalizeConfig = PersonalizeConfig(), progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] | None = None, replay: Replay | None | str = AUTO,
                command: str = "") -> dict:
    """Fine-tune the weights at ``base`` (None: the shipped ones) on the samples in ``samples`` (one
    sub-folder per digit) and write personal weights to ``out`` (.npz + .json, atomically). ``replay``:
    :data:`AUTO` (MNIST training images if found), an (images, labels) pair, or None (no replay).
    -> the metadata written. SamplesError, WeightsError or PersonalizeError (Cancelled) say what is wrong;
    on any of them nothing is written."""
    base, out = Path(base) if base else DEFAULT_WEIGHTS, Path(out)
    if out.resolve() in (base.resolve(), DEFAULT_WEIGHTS.resolve()):
        raise PersonalizeError(f"The personal weights would overwrite {out}, which they are made beside, never "
                               "over; choose another output file.")
    inputs, labels = load_samples(samples)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PersonalizeError(f"Cannot create the folder {out.parent} for the personal weights "
                               f"({e.strerror or e}); choose another output file.") from e
    net, base_meta = load_weights(base)
    base_sha256 = sha256_file(base)
    if "quantization" in base_meta:
        raise PersonalizeError(f"{base} holds int8 weights; personalise the float32 weights they came from.")
    if replay == AUTO:
        replay = default_replay()
    started = time.perf_counter()
    tuned, kept = fine_tune(net, inputs, labels, config, replay, progress, cancelled)
    meta = {
        "command": command,
        "personal": {
            "base": base.name, "base_sha256": base_sha256,
            "samples": int(len(labels)), "per_digit": np.bincount(labels, minlength=10).tolist(),
            "replay": getattr(replay, "name", GIVEN_REPLAY) if replay is not None else NO_REPLAY,
            "settings": config.to_dict(), "kept": kept, "seconds": round(time.perf_counter() - started, 1),
            "calibration": "carried over from the base weights",
        },
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if "calibration" in base_meta:
        meta["calibration"] = base_meta["calibration"]
    if cancelled is not None and cancelled():
        raise Cancelled("Personalising was cancelled; nothing was written.")
    try:
        return save_weights(tuned, out, meta)
    except OSError as e:
        _drop_stray_metadata(out)
        raise PersonalizeError(f"Cannot write the personal weights {out} ({e.strerror or e}); nothing was "
                               "written and the base weights are untouched.") from e


def _drop_stray_metadata(out: Path) -> None:
    """Remove the pending metadata a failed :func:`save_weights` left beside ``out``, unless ``out`` is the
    .npz it describes (the save failed after renaming it in, and loading needs it)."""
    pending = pending_metadata_path(out)
    try:
        described = json.loads(pending.read_text(encoding="utf-8")).get("sha256")
        if not out.is_file() or sha256_file(out) != described:
            pending.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def personal_base_matches(personal_meta: dict, base: Path | str | None = None) -> bool:
    """Whether personal weights (their metadata) were made from the weights now at ``base`` (None: the
    shipped ones): False when the base file changed since, is missing, or the metadata is not personal."""
    record = personal_meta.get("personal")
    base = Path(base) if base else DEFAULT_WEIGHTS
    if not isinstance(record, dict) or not base.is_file():
        return False
    try:
        return record.get("base_sha256") == sha256_file(base)
    except OSError:
        return False

