"""SimpleConvNet as a whole: shapes, the whole-network gradient check, dtype, configurations."""
from __future__ import annotations

import numpy as np
import pytest
from gradcheck import SMALL_CONFIGS, numerical_grad

from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet


def test_shipped_architecture_shapes():
    net = SimpleConvNet(ConvNetConfig(), seed=0)
    shapes = {k: v.shape for k, v in net.params.items()}
    assert shapes == {"W1": (30, 1, 5, 5), "b1": (30,), "W2": (4320, 1024), "b2": (1024,),
                      "W3": (1024, 10), "b3": (10,)}
    assert all(v.dtype == np.float32 for v in net.params.values())
    probs = net.predict_proba(np.random.default_rng(0).random((3, 1, 28, 28), np.float32))
    assert probs.shape == (3, 10) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)


def test_he_initialisation_scale():
    net = SimpleConvNet(ConvNetConfig(), seed=0)
    assert net.params["W2"].std() == pytest.approx(np.sqrt(2 / 4320), rel=0.02)
    assert net.params["W1"].std() == pytest.approx(np.sqrt(2 / 25), rel=0.1)


@pytest.mark.parametrize("cfg", SMALL_CONFIGS)
def test_whole_network_gradient(cfg):
    net = SimpleConvNet(cfg, seed=1, dtype=np.float64)
    rng = np.random.default_rng(0)
    x = rng.random((3, *cfg.input_shape))
    labels = np.array([1, 7, 3])
    _, grads = net.gradient(x, labels, train=False)
    for name, param in net.params.items():
        numeric = numerical_grad(lambda: net.loss(x, labels), param)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-4, atol=1e-7, err_msg=name)


def test_shape_mismatch_is_named():
    params = SimpleConvNet(ConvNetConfig(hidden=8), seed=0).params
    params["W3"] = np.zeros((9, 10), np.float32)
    with pytest.raises(ValueError, match="W3"):
        SimpleConvNet(ConvNetConfig(hidden=8), params)


def test_invalid_config_is_refused():
    with pytest.raises(ValueError, match="pool"):
        ConvNetConfig(pool="median")


@pytest.mark.parametrize("stop", [0, 3, 6])
def test_logits_from_features_are_the_logits_bit_for_bit(stop):
    """Reading images once through the layers below ``stop`` and the rest later (fine-tuning's checks) gives the
    same logits as one pass, in the same batches."""
    net = SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0)
    x = np.random.default_rng(0).random((25, 1, 28, 28), dtype=np.float32)
    features = net.features(x, stop, batch_size=10)
    assert features.shape[0] == 25 and (stop == 0 or features.shape[1:] != x.shape[1:])
    assert np.array_equal(net.predict_logits(features, batch_size=10, start=stop), net.predict_logits(x, batch_size=10))
