"""TwoStageConvNet (the conv-layers ablation): shapes, the whole-network gradient check, refusals."""
from __future__ import annotations

import numpy as np
import pytest
from gradcheck import numerical_grad

from cnn_numpy.nn.convnet import ConvNetConfig
from cnn_numpy.nn.deeper import TwoStageConvNet
from cnn_numpy.nn.layers import Convolution


def test_two_stage_shapes():
    net = TwoStageConvNet(ConvNetConfig(hidden=512, dropout=0.3), seed=0)
    assert net.stage_shapes() == [(30, 24, 24), (30, 12, 12), (30, 10, 10), (30, 5, 5)]
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (30, 1, 5, 5), "b1": (30,), "W2": (30, 30, 3, 3), "b2": (30,),
        "W3": (750, 512), "b3": (512,), "W4": (512, 10), "b4": (10,)}
    assert net.param_count == 780 + 8130 + 384512 + 5130
    x = np.random.default_rng(0).random((3, 1, 28, 28), np.float32)
    shapes = []
    for layer in net.layers:
        x = layer.forward(x)
        shapes.append(x.shape)
    assert shapes[:6] == [(3, 30, 24, 24), (3, 30, 12, 12), (3, 30, 12, 12),
                          (3, 30, 10, 10), (3, 30, 5, 5), (3, 30, 5, 5)]
    assert shapes[-1] == (3, 10) and x.dtype == np.float32
    convs = [layer for layer in net.layers if isinstance(layer, Convolution)]
    assert [c.input_grad for c in convs] == [False, True]
    probs = net.predict_proba(np.zeros((2, 1, 28, 28), np.float32))
    assert probs.shape == (2, 10) and net.classes == 10


@pytest.mark.parametrize("cfg", [
    ConvNetConfig(input_shape=(1, 14, 14), filter_num=3, filter_size=3, hidden=5, dropout=0.3),
    ConvNetConfig(input_shape=(1, 13, 13), filter_num=2, filter_size=3, pad=1, hidden=4, pool="avg",
                  activation="tanh", dropout=0),
])
def test_two_stage_whole_network_gradient(cfg):
    net = TwoStageConvNet(cfg, seed=1, dtype=np.float64, second_filters=3)
    rng = np.random.default_rng(0)
    x = rng.random((3, *cfg.input_shape))
    labels = np.array([1, 7, 3])
    _, grads = net.gradient(x, labels, train=False)
    assert set(grads) == {"W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"}
    for name, param in net.params.items():
        numeric = numerical_grad(lambda: net.loss(x, labels), param)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-4, atol=1e-7, err_msg=name)


def test_two_stage_refuses_no_pooling():
    with pytest.raises(ValueError, match="pool"):
        TwoStageConvNet(ConvNetConfig(pool="none"))
