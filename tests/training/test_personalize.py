"""Personalising: personal weights learn the user's samples, load like any weights, record their base, and
every failure (cancel, full disk, unwritable folder, bad samples, base = output) writes nothing."""
from __future__ import annotations

import errno
import json
import os

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cnn_numpy import weights as weights_module
from cnn_numpy.data.augment import AugmentConfig
from cnn_numpy.data.mnist import load_mnist
from cnn_numpy.data.samples import SamplesError, load_samples, save_sample
from cnn_numpy.files import sha256_file
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.paths import DEFAULT_WEIGHTS
from cnn_numpy.recognition.calibration import nll
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.training.personalize import (
    DRAWN_REPLAY,
    GIVEN_REPLAY,
    NO_REPLAY,
    Cancelled,
    PersonalizeConfig,
    PersonalizeError,
    _batch_plan,
    _scale_back,
    drawn_replay,
    fine_tune,
    personal_base_matches,
    personalize,
)
from cnn_numpy.weights import export_int8, metadata_path, pending_metadata_path, read_metadata, save_weights

SHAPES = {0: [(10, 6, 30, 34)], 1: [(20, 5, 20, 35)], 4: [(8, 20, 32, 20), (20, 5, 20, 35)], 7: [(8, 6, 32, 6),
                                                                                               (32, 6, 14, 35)]}
CALIBRATION = {"temperature": 1.5, "not_digit_below": 0.2, "unsure_below": 0.6, "margin": 0.0}
QUICK = PersonalizeConfig(steps=4, batch_size=16)


def shape(digit: int, wobble: int = 0) -> Image.Image:
    """A 40x40 drawing of a few strokes per digit (0 is an ellipse), shifted by ``wobble`` px."""
    im = Image.new("L", (40, 40), 0)
    draw = ImageDraw.Draw(im)
    for x0, y0, x1, y1 in SHAPES[digit]:
        box = (x0 + wobble, y0, x1 + wobble, y1)
        draw.ellipse(box, outline=255, width=3) if digit == 0 else draw.line(box, fill=255, width=3)
    return im


@pytest.fixture
def base(tmp_path):
    path = tmp_path / "base" / "w.npz"
    save_weights(SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0), path, {"calibration": CALIBRATION})
    return path


@pytest.fixture
def folder(tmp_path):
    for digit in SHAPES:
        for wobble in (0, 2):
            save_sample(tmp_path / "samples", digit, shape(digit, wobble))
    return tmp_path / "samples"


def nothing_written(out) -> bool:
    return not out.exists() and not metadata_path(out).exists() and not pending_metadata_path(out).exists()


@pytest.mark.parametrize("with_replay", [False, True])
def test_personal_weights_learn_the_samples_and_load_like_any_weights(base, folder, tmp_path, with_replay):
    inputs, labels = load_samples(folder)
    replay = None
    if with_replay:   # everyone else's digits: here the same shapes, as uint8 images
        replay = ((inputs * 255).astype(np.uint8), labels)
    out = tmp_path / "personal.npz"
    before = Recognizer.from_weights(base).recognize_inputs(inputs).digits
    config = PersonalizeConfig(steps=80, batch_size=16, lr=1e-2, few_lr=1e-1, anchor_no_replay=0.0,
                               trained=("W1", "b1", "W2", "b2", "W3", "b3"), aug=AugmentConfig(rotation_deg=5))
    meta = personalize(base, folder, out, config, replay=replay)
    personal = Recognizer.from_weights(out)
    after = personal.recognize_inputs(inputs).digits
    assert (after == labels).mean() == 1.0 > (before == labels).mean()
    record = meta["personal"]
    assert record["base"] == "w.npz" and record["base_sha256"] == sha256_file(base)
    assert record["samples"] == 8 and record["per_digit"] == [2, 2, 0, 0, 2, 0, 0, 2, 0, 0]
    assert record["replay"] == (GIVEN_REPLAY if with_replay else NO_REPLAY)
    assert personal.calibration.to_dict() == CALIBRATION
    assert read_metadata(out)["personal"] == json.loads(json.dumps(record))


def test_fine_tuning_leaves_the_base_network_and_file_alone(base, folder):
    digest = sha256_file(base)
    net, _ = weights_module.load_weights(base)
    params = {k: v.copy() for k, v in net.params.items()}
    inputs, labels = load_samples(folder)
    tuned, kept = fine_tune(net, inputs, labels, PersonalizeConfig(steps=3, batch_size=8, lr=1e-2), None)
    assert kept == 1.0                                                     # nothing to check against
    assert all(np.array_equal(params[k], net.params[k]) for k in params)
    assert not np.array_equal(tuned.params["W3"], net.params["W3"])
    assert np.array_equal(tuned.params["W1"], net.params["W1"])          # not in the trained layers
    assert sha256_file(base) == digest


def test_progress_runs_to_one(base, folder, tmp_path):
    seen = []
    personalize(base, folder, tmp_path / "p.npz", QUICK, progress=seen.append, replay=None)
    assert seen == [(i + 1) / QUICK.steps for i in range(QUICK.steps)]


def test_cancel_writes_nothing(base, folder, tmp_path):
    calls = []
    out = tmp_path / "p.npz"
    with pytest.raises(Cancelled, match="nothing was written"):
        personalize(base, folder, out, QUICK, cancelled=lambda: calls.append(1) or len(calls) > 2, replay=None)
    assert nothing_written(out)


def test_full_disk_writes_nothing(base, folder, tmp_path, monkeypatch):
    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(weights_module, "write_bytes", full)
    out = tmp_path / "p.npz"
    with pytest.raises(PersonalizeError, match="No space left on device.*base weights are untouched"):
        personalize(base, folder, out, QUICK, replay=None)
    assert nothing_written(out)


def test_unwritable_output_folder_is_said_before_training(base, folder, tmp_path, deny):
    deny("mkdir", lambda p: p.name == "locked")
    steps = []
    with pytest.raises(PersonalizeError, match="locked"):
        personalize(base, folder, tmp_path / "locked" / "p.npz", QUICK, progress=steps.append, replay=None)
    assert steps == []


def test_bad_samples_and_bad_outputs_are_refused(base, folder, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(SamplesError, match="no sample images"):
        personalize(base, tmp_path / "empty", tmp_path / "p.npz", QUICK, replay=None)
    for out in (base, DEFAULT_WEIGHTS):
        with pytest.raises(PersonalizeError, match="never over"):
            personalize(base, folder, out, QUICK, replay=None)
    export_int8(base, tmp_path / "w8.npz", "test")
    with pytest.raises(PersonalizeError, match="int8"):
        personalize(tmp_path / "w8.npz", folder, tmp_path / "p.npz", QUICK, replay=None)
    assert nothing_written(tmp_path / "p.npz")


def test_one_sample_is_enough(base, tmp_path):
    save_sample(tmp_path / "one", 7, shape(7))
    meta = personalize(base, tmp_path / "one", tmp_path / "p.npz", QUICK, replay=None)
    assert meta["personal"]["per_digit"][7] == 1


def test_a_changed_base_is_recognised(base, folder, tmp_path):
    meta = personalize(base, folder, tmp_path / "p.npz", QUICK, replay=None)
    assert personal_base_matches(meta, base)
    assert not personal_base_matches({"command": "train"}, base)          # not personal weights
    save_weights(SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=1), base)
    assert not personal_base_matches(meta, base)
    base.unlink()
    assert not personal_base_matches(meta, base)


def test_a_change_that_costs_everyone_else_is_scaled_back():
    net = SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0)
    x = np.random.default_rng(1).random((200, 1, 28, 28), dtype=np.float32)
    check = x, net.predict_logits(x).argmax(axis=1)                       # the base reads all of them "right"
    base = {k: v.copy() for k, v in net.params.items()}
    same = SimpleConvNet(net.config, base)
    assert _scale_back(net, same, base, check, 0.0, 0.0) == 1.0
    harmful = SimpleConvNet(net.config, {**base, "b3": base["b3"] + np.float32(50) * np.eye(10, dtype=np.float32)[3]})
    share = _scale_back(net, harmful, base, check, 0.01, np.inf)        # the accuracy alone
    assert share < 1.0
    assert np.mean(harmful.predict_logits(x).argmax(axis=1) == check[1]) >= 0.99
    assert np.allclose(harmful.params["b3"], base["b3"] + np.float32(50 * share) * np.eye(10)[3])


def test_a_change_that_keeps_every_answer_but_drifts_is_scaled_back_by_the_loss():
    """A change toward one digit that flips no answer of the check images (so the accuracy sees nothing) but
    raises their log-loss past loss_tolerance is scaled back until the loss is within it."""
    net = SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0)
    net.params["W3"] *= np.float32(10)                                    # sure answers, as trained weights give
    x = np.random.default_rng(1).random((200, 1, 28, 28), dtype=np.float32)
    logits = net.predict_logits(x)
    check = x, logits.argmax(axis=1)
    base = {k: v.copy() for k, v in net.params.items()}
    others = np.setdiff1d(np.arange(10), check[1])
    runner_up = int(others[logits[:, others].mean(axis=0).argmax()])    # the likeliest digit no image is read as
    room = (logits.max(axis=1) - logits[:, runner_up]).min()            # pushed less than this: no answer flips
    toward = np.float32(0.9 * room) * np.eye(10, dtype=np.float32)[runner_up]
    drifted = SimpleConvNet(net.config, {**base, "b3": base["b3"] + toward})
    base_loss = nll(logits, check[1], 1.0)
    assert np.array_equal(drifted.predict_logits(x).argmax(axis=1), check[1])          # no answer flips
    assert nll(drifted.predict_logits(x), check[1], 1.0) > 1.1 * base_loss            # but the loss grows
    assert _scale_back(net, drifted, base, check, 0.0, np.inf) == 1.0       # the accuracy alone keeps it all
    drifted.params["b3"][...] = base["b3"] + toward
    share = _scale_back(net, drifted, base, check, 0.0, 0.1)
    assert share < 1.0 and nll(drifted.predict_logits(x), check[1], 1.0) <= 1.1 * base_loss


def test_batches_keep_every_digit_share_when_samples_are_of_one_digit():
    rng = np.random.default_rng(0)
    digits, own = _batch_plan(np.array([4, 4, 4]), 20000, 0.5, rng, np.arange(1000) % 10)
    shares = np.bincount(digits, minlength=10) / len(digits)
    assert np.allclose(shares, 0.1, atol=0.01)
    assert set(digits[own]) == {4} and abs(own.mean() - 0.05) < 0.01
    digits, own = _batch_plan(np.array([4, 4, 1]), 300, 0.5, rng, None)
    assert own.all() and set(digits) == {1, 4}
    digits, own = _batch_plan(np.array([4, 4, 1]), 300, 0.5, rng, np.array([1, 2]))   # no 4s to replay
    assert set(digits) == {1, 2, 4} and own[digits == 4].all() and not own[digits == 2].any()


def test_a_digit_whose_samples_are_read_surely_gives_its_slots_to_replay():
    rng = np.random.default_rng(0)
    learning = np.zeros(10, bool)
    learning[1] = True
    digits, own = _batch_plan(np.array([4, 4, 1]), 20000, 0.5, rng, np.arange(1000) % 10, learning)
    assert set(digits[own]) == {1} and abs(own.mean() - 0.05) < 0.01


def test_samples_of_some_digits_stop_once_read_surely_and_of_every_digit_train_the_full_course(base, folder):
    net, _ = weights_module.load_weights(base)
    inputs, labels = load_samples(folder)
    replay = ((inputs * 255).astype(np.uint8), labels)
    seen = []
    sure = PersonalizeConfig(steps=5, batch_size=8, lr=1e-2, fit_margin=0.0)    # every sample counts as read surely
    tuned, _ = fine_tune(net, inputs, labels, sure, replay, progress=seen.append)
    assert seen == [1.0] and all(np.array_equal(tuned.params[k], net.params[k]) for k in net.params)
    every_digit = np.concatenate([inputs, inputs[:2]]), np.arange(10)   # the same shapes, labelled as all ten digits
    tuned, _ = fine_tune(net, *every_digit, sure, replay, progress=seen.append)
    assert len(seen) == 6 and not np.array_equal(tuned.params["W3"], net.params["W3"])


@pytest.mark.parametrize("with_replay", [False, True])
def test_samples_of_some_digits_move_only_their_outputs(base, folder, with_replay):
    net, _ = weights_module.load_weights(base)
    inputs, labels = load_samples(folder)
    some = np.isin(labels, (1, 7))
    replay = ((inputs * 255).astype(np.uint8), labels) if with_replay else None
    config = PersonalizeConfig(steps=5, batch_size=8, fit_margin=1.1, check=0)   # never read surely enough
    tuned, _ = fine_tune(net, inputs[some], labels[some], config, replay)
    moved = ~np.isclose(tuned.params["W3"], net.params["W3"]).all(axis=0)
    assert moved.tolist() == [d in (1, 7) for d in range(10)]
    assert (tuned.params["b3"] != net.params["b3"]).tolist() == moved.tolist()
    assert all(np.array_equal(tuned.params[k], net.params[k]) for k in net.params if k not in ("W3", "b3"))
    every, _ = fine_tune(net, np.concatenate([inputs, inputs[:2]]), np.arange(10), config, replay)
    assert not np.array_equal(every.params["W2"], net.params["W2"])             # all ten: the layers below too


@pytest.mark.needs_weights
def test_drawn_replay_is_every_digit_in_turn_and_readable(recognizer):
    replay = drawn_replay(count=100)
    assert replay.images.shape == (100, 28, 28) and replay.images.dtype == np.uint8
    assert np.bincount(replay.labels).tolist() == [10] * 10 and replay.name == DRAWN_REPLAY
    assert (replay.images.reshape(100, -1).max(axis=1) == 255).all()            # ink, normalised as the app does
    read = recognizer.net.predict_logits((replay.images / np.float32(255))[:, None]).argmax(axis=1)
    assert np.mean(read == replay.labels) >= 0.9                                   # they look like their digits


@pytest.mark.needs_mnist
def test_a_handful_of_samples_of_two_digits_changes_little_else(recognizer, mnist_dir):
    """3 samples of each of two digits that the base weights misread (so that there is something to learn)
    change few answers on the other digits' inputs; the same measure sees the harm of a bad recipe."""
    images, labels = load_mnist("test", mnist_dir)
    x, y = (images[:2000].astype(np.float32) / 255)[:, None], labels[:2000].astype(np.int64)
    top = len(recognizer.net.layers) - 1       # samples of two digits move only the output layer (tested above)
    hidden = recognizer.net.features(x, top)    # so the images go through the layers below it once
    before = recognizer.net.predict_logits(hidden, start=top).argmax(axis=1)
    own = np.concatenate([np.flatnonzero((y == d) & (before != d))[:3] for d in (4, 9)])
    others = np.flatnonzero(~np.isin(y, (4, 9)))
    replay = images[2000:], labels[2000:]                   # other images than those scored

    def changed(config: PersonalizeConfig, replayed: tuple | None = replay) -> float:
        tuned, _ = fine_tune(recognizer.net, x[own, 0], y[own], config, replayed)
        assert all(np.array_equal(tuned.params[k], recognizer.net.params[k]) for k in ("W1", "b1", "W2", "b2"))
        return float(np.mean(tuned.predict_logits(hidden[others], start=top).argmax(axis=1) != before[others]))

    assert changed(PersonalizeConfig()) <= 0.005                 # measured 0.06 % (these are the harder images)
    harmful = PersonalizeConfig(steps=30, few_lr=3e-2, anchor_no_replay=0.0, fit_margin=1.1)   # nothing holds back
    assert changed(harmful, None) > 0.05                           # measured 60 %: the measure sees harm
