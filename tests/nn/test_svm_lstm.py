"""SVMs (hinge loss, random Fourier features) and the LSTM of the model comparison: gradient
checks in float64 on tiny shapes, and learning a tiny separable toy set through the shared Trainer."""
from __future__ import annotations

import numpy as np
import pytest
from gradcheck import numerical_grad

from cnn_numpy.nn.layers import Affine
from cnn_numpy.nn.lstm import LSTM, lstm_network
from cnn_numpy.nn.model import Sequential
from cnn_numpy.nn.svm import (
    MulticlassHingeLoss,
    RandomFourierFeatures,
    linear_svm,
    median_distance,
    rbf_svm,
)
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.training.trainer import TrainConfig, Trainer


def test_hinge_loss_value_and_gradient():
    loss = MulticlassHingeLoss()
    logits = np.array([[2.0, 1.5, -1.0], [0.0, 3.0, 0.2], [1.0, 0.0, 5.0]])
    labels = np.array([0, 1, 2])
    # margins: 1 + 1.5 - 2 = 0.5; 1 + 0.2 - 3 < 0; 1 + 1 - 5 < 0
    assert loss.forward(logits, labels) == pytest.approx(0.5 / 3)
    assert np.allclose(loss.backward(), [[-1 / 3, 1 / 3, 0], [0, 0, 0], [0, 0, 0]])
    assert np.allclose(loss.probs.sum(axis=1), 1)
    with pytest.raises(ValueError, match="class labels"):
        loss.forward(logits, np.array([0, -1, 2]))


def test_hinge_loss_gradient_matches_numerical():
    rng = np.random.default_rng(0)
    logits, labels = rng.normal(0, 1, (8, 5)), rng.integers(0, 5, 8)
    loss = MulticlassHingeLoss()
    loss.forward(logits, labels)
    analytic = loss.backward()
    numeric = numerical_grad(lambda: loss.forward(logits, labels), logits)
    assert np.allclose(analytic, numeric, atol=1e-7)


def test_random_features_input_gradient_and_kernel():
    rng = np.random.default_rng(1)
    rff = RandomFourierFeatures.sample(6, 7, sigma=1.5, seed=2, dtype=np.float64)
    assert rff.params() == {} and rff.grads() == {}
    x, dout = rng.normal(size=(4, 1, 2, 3)), rng.normal(size=(4, 7))
    rff.forward(x)
    analytic = rff.backward(dout)
    numeric = numerical_grad(lambda: float(np.sum(rff.forward(x) * dout)), x)
    assert analytic.shape == x.shape and np.allclose(analytic, numeric, atol=1e-8)
    # many features: z(x) . z(x') approximates exp(-|x - x'|^2 / (2 sigma^2))
    big = RandomFourierFeatures.sample(3, 20000, sigma=1.0, seed=3, dtype=np.float64)
    a, b = np.array([[0.0, 0.0, 0.0]]), np.array([[0.6, -0.3, 0.5]])
    approx = float((big.forward(a) @ big.forward(b).T)[0, 0])
    assert approx == pytest.approx(np.exp(-np.sum((a - b) ** 2) / 2), abs=0.03)


def test_random_features_are_not_trained():
    net = rbf_svm(sigma=2.0, inputs=5, features=8, classes=3)
    assert list(net.params) == ["W1", "b1"] and net.params["W1"].shape == (8, 3)
    before = net.layers[0].W_rff.copy()
    x, y = np.random.default_rng(0).normal(size=(20, 5)).astype(np.float32), np.arange(20) % 3
    Trainer(net, TrainConfig(epochs=2, batch_size=10, seed=0, augment=False, average=0)).fit(x, y)
    assert np.array_equal(net.layers[0].W_rff, before)


def test_linear_svm_gradient_matches_numerical():
    rng = np.random.default_rng(2)
    net = linear_svm(inputs=6, classes=4, seed=1, dtype=np.float64)
    net.params["W1"][...] = rng.normal(0, 0.5, net.params["W1"].shape)
    x, y = rng.normal(size=(9, 6)), rng.integers(0, 4, 9)
    _, grads = net.gradient(x, y)
    for name, p in net.params.items():
        numeric = numerical_grad(lambda: net.loss(x, y), p)
        assert np.allclose(grads[name], numeric, atol=1e-7), name


@pytest.mark.parametrize("shape", [(3, 4, 3), (2, 1, 5, 2)], ids=["sequence", "image"])
def test_lstm_gradients_match_numerical(shape):
    rng = np.random.default_rng(3)
    d = shape[-1]
    lstm = LSTM.init(d, 5, seed=4, dtype=np.float64)
    lstm.b[...] += rng.normal(0, 0.3, lstm.b.shape)
    head = Affine(rng.normal(0, 0.5, (5, 3)), rng.normal(0, 0.1, 3))
    net = Sequential([lstm, head])
    x, y = rng.normal(size=shape), rng.integers(0, 3, shape[0])
    _, grads = net.gradient(x, y)

    def loss() -> float:
        return net.loss(x, y)

    for name, p in net.params.items():
        assert np.allclose(grads[name], numerical_grad(loss, p), rtol=1e-5, atol=1e-8), name
    net.loss(x, y)
    dx = net.input_gradient(net.loss_layer.backward())
    assert dx.shape == shape and np.allclose(dx, numerical_grad(loss, x), rtol=1e-5, atol=1e-8)
    lstm.forward(x)
    dout = rng.normal(size=(shape[0], 5))
    assert np.allclose(lstm.input_gradient(dout), lstm.backward(dout))


def test_lstm_shapes_and_parameter_count():
    net = lstm_network()
    assert net.params["W1"].shape == (28 + 64, 256) and net.params["W2"].shape == (64, 10)
    assert net.param_count == 92 * 256 + 256 + 64 * 10 + 10
    assert np.all(net.params["b1"][64:128] == 1)                       # forget gate bias
    x = np.random.default_rng(0).random((3, 1, 28, 28), dtype=np.float32)
    probs = net.predict_proba(x)
    assert probs.shape == (3, 10) and probs.dtype == np.float32
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-5)


def test_median_distance():
    x = np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])       # distances 5, 10, 5
    assert median_distance(x) == pytest.approx(5.0)


def blobs(n: int, dim: int, classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (classes, dim)).astype(np.float32)
    y = rng.integers(0, classes, n)
    return centres[y] + rng.normal(0, 0.5, (n, dim)).astype(np.float32), y


def fit(net: Sequential, x: np.ndarray, y: np.ndarray, epochs: int, lr: float) -> Trainer:
    trainer = Trainer(net, TrainConfig(epochs=epochs, batch_size=30, lr=lr, seed=7, augment=False, average=0,
                                       weight_decay=1e-4))
    trainer.fit(x, y)
    return trainer


def test_linear_svm_learns_separable_blobs():
    x, y = blobs(300, 10, 3, seed=0)
    net = linear_svm(inputs=10, classes=3)
    rows = fit(net, x, y, epochs=5, lr=3e-2).history.rows
    assert rows[-1]["train_loss"] < rows[0]["train_loss"]
    assert np.mean(net.predict_proba(x).argmax(axis=1) == y) > 0.98


def test_rbf_svm_learns_rings_a_linear_svm_cannot():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 400)
    radius = np.where(y == 0, 1.0, 3.0) + rng.normal(0, 0.2, 400)
    angle = rng.uniform(0, 2 * np.pi, 400)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1).astype(np.float32)
    rbf = rbf_svm(sigma=median_distance(x) / 2, inputs=2, features=300, classes=2)
    fit(rbf, x, y, epochs=20, lr=3e-2)
    lin = linear_svm(inputs=2, classes=2)
    fit(lin, x, y, epochs=20, lr=3e-2)
    assert np.mean(rbf.predict_proba(x).argmax(axis=1) == y) > 0.97
    assert np.mean(lin.predict_proba(x).argmax(axis=1) == y) < 0.8


def test_lstm_learns_which_row_holds_the_bar():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 4, 200)
    x = rng.random((200, 1, 8, 6), dtype=np.float32) * 0.2
    x[np.arange(200), 0, 1 + 2 * y] += 1                      # class c: a bar on row 1 + 2c
    net = lstm_network(inputs=6, hidden=8, classes=4)
    rows = fit(net, x, y, epochs=15, lr=2e-2).history.rows
    assert rows[-1]["train_loss"] < rows[0]["train_loss"]
    assert np.mean(net.predict_proba(x).argmax(axis=1) == y) > 0.95
    recs = Recognizer(lstm_network()).recognize_inputs(rng.random((2, 28, 28), dtype=np.float32))
    assert recs.probs.shape == (2, 10)
