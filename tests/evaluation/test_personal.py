"""The personalising measurement: which samples are taken, which digits are hardest, what is read after."""
from __future__ import annotations

import numpy as np

from cnn_numpy.evaluation.personal import choose, hardest_digits, predictions
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet


def test_hardest_digits_are_the_most_misread_then_the_least_confident():
    labels = np.array([1, 1, 4, 4, 4, 7, 7, 9])
    predicted = np.array([1, 7, 9, 9, 4, 7, 7, 9])     # two 4s wrong, one 1 wrong
    probs_true = np.array([0.9, 0.4, 0.2, 0.3, 0.9, 0.6, 0.7, 0.99])
    assert hardest_digits(labels, predicted, probs_true) == [4, 1]
    assert hardest_digits(labels, labels, probs_true, count=1) == [4]   # no mistakes: least confident


def test_choose_takes_usable_samples_of_the_digits_asked():
    labels = np.array([0, 0, 0, 1, 1, 2])
    usable = np.array([True, False, True, True, True, True])
    picked = choose(labels, usable, [0, 1], 2, np.random.default_rng(0))
    assert sorted(picked.tolist()) == [0, 2, 3, 4]
    assert choose(labels, usable, [2], 5, np.random.default_rng(0)).tolist() == [5]   # fewer where fewer


def test_blank_inputs_count_as_no_answer():
    net = SimpleConvNet(ConvNetConfig(filter_num=2, hidden=8))
    out = predictions(net, [np.zeros((28, 28), np.float32), None])
    assert out[1] == -1 and 0 <= out[0] <= 9
