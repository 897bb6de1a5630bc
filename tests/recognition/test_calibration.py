"""Calibration: temperature fitting, ECE, verdicts, and calibrated weights through the Recognizer."""
from __future__ import annotations

import numpy as np
import pytest

from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.recognition.calibration import (
    Calibration,
    choose_thresholds,
    expected_calibration_error,
    fit_temperature,
    nll,
    reliability,
    scattered_dots,
    solid_blobs,
)
from cnn_numpy.recognition.recognizer import Recognizer


def sampled(temperature: float, n: int = 20000, k: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits, and labels drawn from softmax(logits / temperature): ``temperature`` is the right answer."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 4, (n, k))
    p = Calibration(temperature).probabilities(logits).astype(np.float64)
    labels = (p.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    return logits, labels


@pytest.mark.parametrize("true_t", [0.5, 1.0, 2.5])
def test_fit_temperature_recovers_the_temperature_of_the_data(true_t):
    logits, labels = sampled(true_t)
    t = fit_temperature(logits, labels)
    assert t == pytest.approx(true_t, rel=0.06)
    assert nll(logits, labels, t) <= min(nll(logits, labels, t * 1.2), nll(logits, labels, t / 1.2))


def test_ece_is_zero_when_confidence_equals_accuracy_and_measures_the_gap():
    labels = np.zeros(10, int)
    probs = np.tile([0.8, 0.2], (10, 1))
    probs[:2] = [0.2, 0.8]                               # 8 of 10 right at confidence 0.8
    assert expected_calibration_error(probs, labels) == pytest.approx(0.0)
    overconfident = np.tile([0.99, 0.01], (10, 1))
    overconfident[:5] = [0.01, 0.99]                     # half right at 0.99
    assert expected_calibration_error(overconfident, labels) == pytest.approx(0.49)
    conf, acc, count = reliability(overconfident, labels)
    assert count.sum() == 10 and np.nanmax(conf) == pytest.approx(0.99) and np.nanmax(acc) == pytest.approx(0.5)


def test_verdicts_follow_the_thresholds():
    cal = Calibration(1.0, not_digit_below=0.3, unsure_below=0.7, margin=0.1)
    probs = np.array([[0.9, 0.1], [0.65, 0.35], [0.25, 0.75], [0.5, 0.5], [0.2, 0.2], [0, 0]], np.float32)
    present = np.array([True, True, True, True, True, False])
    assert list(cal.verdicts(probs, present)) == ["digit", "unsure", "digit", "unsure", "not_digit", "blank"]


def test_choose_thresholds_keeps_the_promised_rates():
    logits, labels = sampled(1.0, n=5000, seed=2)
    probs = Calibration().probabilities(logits)
    cal = choose_thresholds(probs, labels, 1.0, max_digits_not_digit=0.01, max_right_flagged=0.02)
    verdicts = cal.verdicts(probs, np.ones(len(probs), bool))
    right = probs.argmax(axis=1) == labels
    assert np.mean(verdicts == "not_digit") <= 0.011
    assert np.mean(verdicts[right] != "digit") <= 0.021
    assert np.mean(verdicts[~right] != "digit") > np.mean(verdicts[right] != "digit")   # it catches mistakes


def test_choose_thresholds_holds_every_group_to_the_rate():
    """Two writer collections, one read less surely: pooled, it would get more than its share flagged."""
    rng = np.random.default_rng(0)
    sure, unsure = rng.uniform(0.9, 1.0, 1000), rng.uniform(0.5, 1.0, 1000)
    top = np.concatenate([sure, unsure])
    probs = np.stack([top, 1 - top], axis=1)
    labels, groups = np.zeros(2000, int), np.repeat([0, 1], 1000)
    cal = choose_thresholds(probs, labels, 1.0, max_right_flagged=0.02, groups=groups)
    flagged = top < cal.unsure_below
    assert flagged[groups == 1].mean() <= 0.02 and flagged[groups == 0].mean() <= 0.02
    assert flagged[groups == 1].mean() >= 0.019                     # as high as the rate allows
    pooled = choose_thresholds(probs, labels, 1.0, max_right_flagged=0.02)
    assert (top[groups == 1] < pooled.unsure_below).mean() > 0.03    # the pooled rule lets group 1 exceed it


def test_calibration_from_metadata_is_applied_and_bad_values_refused():
    net = SimpleConvNet(ConvNetConfig(filter_num=2, hidden=8), seed=1)
    x = np.random.default_rng(0).random((4, 28, 28), np.float32)
    plain = Recognizer(net).recognize_inputs(x)
    hot = Recognizer(net, {"calibration": {"temperature": 3.0, "unsure_below": 0.5}}).recognize_inputs(x)
    assert not Recognizer(net).calibrated and Recognizer(net, {"calibration": {"temperature": 3.0}}).calibrated
    assert np.array_equal(plain.digits, hot.digits)                         # same answers
    assert np.all(hot.confidence <= plain.confidence + 1e-6)                # softer confidence
    np.testing.assert_allclose(hot.probs, Calibration(3.0).probabilities(net.predict_logits(x[:, None])), rtol=1e-6)
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="temperature"):
            Calibration.from_dict({"temperature": bad})


def test_scattered_dots_are_not_strokes():
    x = np.zeros((5, 28, 28), np.float32)
    for r, c in ((5, 6), (14, 20), (22, 9)):
        x[0, r:r + 2, c:c + 2] = 1                          # three specks
    x[1, 4:24, 13:15] = 1                                   # a 1
    x[2, 4:12, 13:15] = x[2, 15:24, 13:15] = 1              # a 1 broken in two
    x[3, 4:24, 13:14] = 0.3                                 # a faint 1, and three specks beside it
    for r in (6, 14, 22):
        x[3, r, 20] = 1
    assert list(scattered_dots(x)) == [True, False, False, False, False]     # the last is blank


def test_two_dots_far_apart_are_not_strokes():
    x = np.zeros((3, 28, 28), np.float32)
    x[0, 7:10, 21:24] = x[0, 19:22, 4:7] = 1                # two dots, one holding half of the ink
    x[1, 7:10, 21:24] = x[1, 12:18, 13:15] = 1              # a dot and a short stroke, 6 pixels tall
    x[2, 8:12, 8:12] = x[2, 16:20, 16:20] = 1               # two 4-pixel dots
    assert list(scattered_dots(x)) == [True, False, True]
    assert list(scattered_dots(x, dot=3)) == [True, False, False]


def test_blocks_meeting_at_a_corner_are_not_strokes():
    x = np.zeros((4, 28, 28), np.float32)
    x[0, 4:14, 14:24] = x[0, 14:24, 4:14] = 1               # two squares touching at a corner (coarse noise)
    x[1, 4:14, 4:14] = x[1, 14:24, 14:24] = x[1, 4:14, 14:24] = 1   # three: an L of blocks, no stroke either
    x[2, 4:14, 14:24] = x[2, 14:24, 4:14] = 1
    x[2, 14:24, 14] = 1                                      # the same with a stroke down from the corner: one part
    x[3, 4:24, 4:8] = x[3, 4:8, 4:24] = x[3, 20:24, 4:24] = 1      # a bold square bracket: one part, not solid
    assert list(solid_blobs(x)) == [True, True, False, False]


def test_solid_blobs_are_dots_not_strokes():
    x = np.zeros((4, 28, 28), np.float32)
    yy, xx = np.mgrid[:28, :28]
    x[0][(yy - 14) ** 2 + (xx - 14) ** 2 <= 100] = 1              # a filled disk, 20 px as preprocessing makes it
    x[1][((yy - 14) ** 2 + (xx - 14) ** 2 <= 64) & ((yy - 14) ** 2 + (xx - 14) ** 2 >= 25)] = 1   # a ring: a 0
    x[2][4:24, 13:15] = 1                                                         # a stroke: a 1
    assert list(solid_blobs(x)) == [True, False, False, False]                    # the last is blank
    verdicts = Calibration().verdicts(np.full((4, 10), 0.1, np.float32) + np.eye(10)[:4] * 0.9,
                                      np.array([True, True, True, False]), solid_blobs(x))
    assert list(verdicts) == ["not_digit", "digit", "digit", "blank"]
