"""Pen samples drawn afresh each epoch: shapes, labels, reproducibility, and the trainer using them."""
from __future__ import annotations

import numpy as np
import pytest

from cnn_numpy.data.strokes import PenDigits
from cnn_numpy.nn.convnet import ConvNetConfig
from cnn_numpy.nn.layers import NOT_A_DIGIT
from cnn_numpy.recognition.components import components
from cnn_numpy.training import trainer
from cnn_numpy.training.pen_epochs import PenEpochs, PenMix, render_epoch, touching_pair, wrong_cut
from cnn_numpy.training.trainer import TrainConfig, train

LINE = [np.array([[0, 0], [0, 100]], np.float32)]
RING = [np.stack([np.sin(t := np.linspace(0, 6.3, 30)), np.cos(t)], 1).astype(np.float32) * 50]


def digits(n: int = 6) -> PenDigits:
    return PenDigits([LINE if i % 2 else RING for i in range(n)], np.array([i % 2 for i in range(n)]),
                     np.array(["w"] * n))


def test_an_epoch_holds_every_render_and_the_not_digits():
    letters = PenDigits([LINE, RING, LINE, RING], np.array([65, 66, 67, 68]), np.array(["a"] * 4))
    x, y = render_epoch(digits(), letters, PenMix(renders=2, letters=1.0, noise=3), seed=1, epoch=0)
    assert x.shape == (12 + 4 + 3, 1, 28, 28) and x.dtype == np.float32
    assert list(y[:12]) == [0, 1] * 6 and all(y[12:] == NOT_A_DIGIT)
    assert 0 <= x.min() and x.max() <= 1 and all(x[i].max() > 0.5 for i in range(12))


def test_epochs_differ_but_repeat_exactly_and_the_background_agrees():
    mix = PenMix(renders=1, styles=0.5, noise=2)
    a, _ = render_epoch(digits(), None, mix, seed=3, epoch=0)
    b, _ = render_epoch(digits(), None, mix, seed=3, epoch=1)
    assert not np.array_equal(a, b)
    epochs = PenEpochs(digits(), None, mix, seed=3, epochs=2)
    try:
        for epoch, expected in ((0, a), (1, b)):
            got, labels = epochs(epoch)
            assert np.array_equal(got, expected) and len(labels) == epochs.size
    finally:
        epochs.close()


def test_training_with_pen_epochs_and_outliers_resumes_exactly(tmp_path, monkeypatch):
    """Stopped after epoch 1 and resumed, a run with per-epoch pen samples (and not-a-digit
    noise) ends with the same weights as an uninterrupted one."""
    rng = np.random.default_rng(0)
    x = rng.random((60, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 2, 60)
    cfg = TrainConfig(epochs=2, batch_size=20, seed=2, augment=False, net=ConvNetConfig(filter_num=2, hidden=8))

    def run(out, resume=False):
        extra = PenEpochs(digits(), None, PenMix(renders=1, noise=4), seed=2, epochs=cfg.epochs)
        try:
            return train(cfg, x, y, x[:0], y[:0], out, resume=resume, extra=extra)
        finally:
            extra.close()

    full, history = run(tmp_path / "full")
    assert len(history.rows) == 2 and np.isfinite(history.rows[-1]["train_loss"])
    real_save = trainer.save_checkpoint

    def save_then_stop(path, model, optimizer, epoch, *rest):
        real_save(path, model, optimizer, epoch, *rest)
        if epoch == 1:
            raise KeyboardInterrupt
    monkeypatch.setattr(trainer, "save_checkpoint", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "cut")
    monkeypatch.setattr(trainer, "save_checkpoint", real_save)
    resumed, _ = run(tmp_path / "cut", resume=True)
    for k in full.params:
        np.testing.assert_array_equal(full.params[k], resumed.params[k])


def test_touching_pairs_touch_and_are_not_digits():
    rng = np.random.default_rng(0)
    for first, second in ((LINE, RING), (RING, RING), (LINE, LINE)):
        pair = np.asarray(touching_pair(first, second, rng)) > 0
        _, boxes, _ = components(pair)
        assert len(boxes) == 1                             # the two digits' inks touch: one piece
        assert pair.any(axis=0).all()                      # no empty column between them either
        if first is RING and second is RING:               # side by side: "00" is about twice as wide as tall
            assert pair.shape[1] > 1.5 * pair.shape[0]
    x, y = render_epoch(digits(), None, PenMix(renders=1, pairs=5), seed=1, epoch=0)
    assert len(x) == 6 + 5 and all(y[6:] == NOT_A_DIGIT) and all(x[i].max() > 0.5 for i in range(6, 11))


def test_a_wrong_cut_is_a_fragment_never_a_whole_digit():
    """wrong_cut keeps a half holding less than FRAGMENT_COVER of each digit's ink: two rings touching ("00")
    cut anywhere but between them, or one ring cut anywhere; never one whole ring."""
    rng = np.random.default_rng(0)
    got = [wrong_cut(RING, second, rng) for second in (None, RING) * 6]
    fragments = [x for x in got if x is not None]
    assert len(fragments) >= 8
    for x in fragments:
        assert x.shape == (28, 28) and x.dtype == np.float32 and x.max() > 0.5
        ink = x > 0.5
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        left, right = ink[:, :14].sum(), ink[:, 14:].sum()
        # a whole ring, normalised, is a closed loop about as wide as tall with ink on both sides: a fragment of a
        # ring (an arc) is lopsided, or a ring with a part of the other (wider than tall)
        loop = abs(len(rows) - len(cols)) <= 3 and min(left, right) > 0.4 * max(left, right)
        assert not loop
    x, y = render_epoch(digits(), None, PenMix(renders=1, fragments=6), seed=1, epoch=0)
    assert 6 < len(x) <= 12 and all(y[6:] == NOT_A_DIGIT)


def test_a_wrong_cut_of_a_stroke_is_left_out():
    """A straight stroke (a 1) cut gives only strokes, narrower than FRAGMENT_ASPECT of their height: no fragment."""
    rng = np.random.default_rng(1)
    assert all(wrong_cut(LINE, None, rng) is None for _ in range(5))
