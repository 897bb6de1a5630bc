"""look_inside: the stages of the network for one input, their shapes, their values, the saliency."""
from __future__ import annotations

import numpy as np
import pytest
from gradcheck import SMALL_CONFIGS, numerical_grad

from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.nn.dense import dense_network
from cnn_numpy.nn.inspect import look_inside
from cnn_numpy.nn.layers import softmax
from cnn_numpy.recognition.calibration import Calibration
from cnn_numpy.recognition.recognizer import Recognizer


@pytest.fixture(scope="module")
def shipped_shape_net() -> SimpleConvNet:
    return SimpleConvNet(ConvNetConfig(), seed=3)


@pytest.fixture(scope="module")
def digit() -> np.ndarray:
    x = np.zeros((28, 28), np.float32)
    x[5:23, 12:16] = 1.0                       # a thick 1
    x[5:8, 9:13] = 0.6
    return x


def test_shapes_of_every_stage(shipped_shape_net, digit):
    inside = look_inside(shipped_shape_net, digit)
    shapes = {name: getattr(inside, name).shape for name in
              ("input", "filters", "biases", "conv", "pooled", "hidden", "logits", "probs", "saliency")}
    assert shapes == {"input": (28, 28), "filters": (30, 5, 5), "biases": (30,), "conv": (30, 24, 24),
                      "pooled": (30, 12, 12), "hidden": (1024,), "logits": (10,), "probs": (10,),
                      "saliency": (28, 28)}
    for name, _ in shapes.items():
        assert getattr(inside, name).dtype == np.float32, name


def test_stages_are_the_networks_forward_pass(shipped_shape_net, digit):
    net = shipped_shape_net
    inside = look_inside(net, digit)
    p = net.params
    assert np.array_equal(inside.logits, net.forward(digit[None, None])[0])
    windows = np.lib.stride_tricks.sliding_window_view(digit, (5, 5))            # (24, 24, 5, 5)
    conv = np.einsum("ijkl,fkl->fij", windows, p["W1"][:, 0]) + p["b1"][:, None, None]
    np.testing.assert_allclose(inside.conv, np.maximum(conv, 0), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(inside.pooled, inside.conv.reshape(30, 12, 2, 12, 2).max(axis=(2, 4)))
    hidden = np.maximum(inside.pooled.reshape(-1) @ p["W2"] + p["b2"], 0)
    np.testing.assert_allclose(inside.hidden, hidden, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(inside.logits, inside.hidden @ p["W3"] + p["b3"], rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(inside.filters, p["W1"][:, 0])
    assert inside.winner == int(np.argmax(inside.logits))


def test_probabilities_are_the_recognizers_calibrated_ones(shipped_shape_net, digit):
    recognizer = Recognizer(shipped_shape_net, calibration=Calibration(temperature=1.7))
    inside = recognizer.look_inside(digit)
    np.testing.assert_allclose(inside.probs, recognizer.probabilities(digit[None])[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(look_inside(shipped_shape_net, digit).probs, softmax(inside.logits), rtol=1e-6)


@pytest.mark.parametrize("cfg", SMALL_CONFIGS)
def test_saliency_is_the_gradient_of_the_winning_logit(cfg):
    net = SimpleConvNet(cfg, seed=2, dtype=np.float64)
    x = np.random.default_rng(1).random(cfg.input_shape[1:])
    inside = look_inside(net, x)
    numeric = numerical_grad(lambda: float(net.forward(x[None, None])[0, inside.winner]), x)
    np.testing.assert_allclose(inside.saliency, numeric, rtol=1e-5, atol=1e-8)
    assert not net.layers[0].input_grad            # the first layer still skips input gradients in training


def test_strongest_units_are_named_by_index_and_value(shipped_shape_net, digit):
    inside = look_inside(shipped_shape_net, digit)
    top = inside.strongest_units(5)
    assert [value for _, value in top] == sorted(inside.hidden, reverse=True)[:5]
    assert all(inside.hidden[i] == value for i, value in top)


def test_a_network_without_convolution_is_refused():
    with pytest.raises(ValueError, match="Convolution"):
        look_inside(dense_network((784, 16, 10)), np.zeros((28, 28), np.float32))
