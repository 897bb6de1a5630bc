"""The dense networks and kNN of the model comparison: gradients, kNN against a plain loop,
training through the shared Trainer."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from gradcheck import numerical_grad

from cnn_numpy.nn.dense import dense_network, mlp, softmax_regression
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.training.trainer import TrainConfig, Trainer
from reports.baselines import KNN


@pytest.mark.parametrize("sizes", [(6, 4), (6, 5, 4, 3)], ids=["softmax", "mlp"])
def test_gradient_matches_numerical(sizes):
    rng = np.random.default_rng(1)
    net = dense_network(sizes, seed=2, dtype=np.float64)
    for name, p in net.params.items():
        if name.startswith("b"):
            p[...] = rng.normal(0, 0.1, p.shape)    # non-zero biases: ReLU kinks away from 0
    x, y = rng.normal(size=(7, 6)), rng.integers(0, sizes[-1], 7)
    _, grads = net.gradient(x, y)
    for name, p in net.params.items():
        numeric = numerical_grad(lambda: net.loss_layer.forward(net.forward(x), y), p)
        assert np.allclose(grads[name], numeric, rtol=1e-5, atol=1e-8), name


def test_baseline_shapes_and_parameter_counts():
    assert [la.W.shape for la in mlp().layers if la.params()] == [(784, 512), (512, 256), (256, 10)]
    assert mlp().param_count == 784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10
    assert softmax_regression().param_count == 7850
    x = np.random.default_rng(0).random((3, 1, 28, 28), dtype=np.float32)
    probs = mlp().predict_proba(x)
    assert probs.shape == (3, 10) and probs.dtype == np.float32
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-5)


def brute_force_knn(train_x, train_y, queries, k):
    """One query at a time: sort by distance, vote, a tie goes to the nearest tied label."""
    out = []
    for q in queries:
        dist = [math.dist(q, t) for t in train_x]
        nearest = sorted(range(len(dist)), key=lambda i: (dist[i], i))[:k]
        votes = Counter(int(train_y[i]) for i in nearest)
        best = max(votes.values())
        out.append(next(int(train_y[i]) for i in nearest if votes[int(train_y[i])] == best))
    return np.array(out)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_knn_agrees_with_brute_force(k):
    rng = np.random.default_rng(0)
    train_x, train_y = rng.random((60, 8), dtype=np.float32), rng.integers(0, 4, 60)
    queries = rng.random((23, 8), dtype=np.float32)
    knn = KNN(k=k, block_rows=5).fit(train_x, train_y)       # several blocks, the last one short
    assert np.array_equal(knn.predict(queries), brute_force_knn(train_x, train_y, queries, k))
    idx, d2 = knn.neighbours(queries)
    assert np.all(np.diff(d2, axis=1) >= 0)
    assert np.allclose(d2, ((queries[:, None] - train_x[idx]) ** 2).sum(-1), atol=1e-5)


def test_knn_majority_then_nearest_on_ties():
    train_x = np.array([[1.0], [2.0], [3.0], [10.0]], np.float32)
    query = np.zeros((1, 1), np.float32)
    assert KNN(3).fit(train_x, np.array([5, 6, 7, 0])).predict(query)[0] == 5    # three-way tie: nearest
    assert KNN(3).fit(train_x, np.array([5, 6, 6, 0])).predict(query)[0] == 6    # majority beats nearest
    with pytest.raises(ValueError, match="at least k=3"):
        KNN(3).fit(train_x[:2], np.array([1, 2]))


def test_fit_learns_separable_data_and_is_reproducible():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, (3, 10)).astype(np.float32)
    y = rng.integers(0, 3, 300)
    x = centres[y] + rng.normal(0, 0.5, (300, 10)).astype(np.float32)
    runs = []
    for _ in range(2):
        net = dense_network((10, 16, 3), seed=4)
        trainer = Trainer(net, TrainConfig(epochs=5, batch_size=30, lr=3e-2, seed=7, augment=False, average=0))
        trainer.fit(x, y)
        rows = trainer.history.rows
        runs.append(net)
    assert rows[-1]["train_loss"] < rows[0]["train_loss"]
    assert np.mean(runs[0].predict_proba(x).argmax(axis=1) == y) > 0.98
    assert all(np.array_equal(runs[0].params[k], runs[1].params[k]) for k in runs[0].params)


def test_knn_probabilities_agree_with_its_votes_through_a_recognizer():
    rng = np.random.default_rng(3)
    train_x, train_y = rng.random((50, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 50)
    queries = rng.random((9, 28, 28), dtype=np.float32)
    knn = KNN(k=3).fit(train_x, train_y)
    recs = Recognizer(knn).recognize_inputs(queries)
    assert np.array_equal(recs.digits, knn.predict(queries))
    np.testing.assert_allclose(recs.probs.sum(axis=1), 1, rtol=1e-6)
