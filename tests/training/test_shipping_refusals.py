"""ship() refuses weights holding NaN or infinities before evaluating them, and writes nothing."""
from __future__ import annotations

import numpy as np
import pytest

from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.training.datasets import DataConfig
from cnn_numpy.training.shipping import ship
from cnn_numpy.training.trainer import TrainConfig
from cnn_numpy.weights import WeightsError


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_ship_refuses_non_finite_weights_before_evaluating(tmp_path, bad):
    net = SimpleConvNet(ConvNetConfig(hidden=8), seed=0)
    net.params["b1"][0] = bad
    no_mnist = tmp_path / "no-mnist"        # evaluating would raise MnistMissingError: refused before that
    with pytest.raises(WeightsError, match="b1 holds NaN or infinite values"):
        ship(net, tmp_path / "w" / "w.npz", "python main.py train", TrainConfig(), DataConfig(), [], 1.0, no_mnist)
    assert not (tmp_path / "w").exists()
