"""Optimiser and weight-average updates in parts on several threads give the same bits as one pass."""
from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_numpy.nn import parallel
from cnn_numpy.nn.averaging import WeightAverage
from cnn_numpy.nn.optimizers import Adam


def adam_one_pass(p, m, v, g, t, lr, b1=0.9, b2=0.999, eps=1e-8):
    """The textbook Adam step, whole arrays at once, float32 as the optimiser computes it."""
    f = np.float32
    step = f(lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t))
    m += (g - m) * f(1 - b1)
    v += (g * g - v) * f(1 - b2)
    p -= (m * step) / (np.sqrt(v) + f(eps))


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of 1,000 elements from 4,000 on, so a test-sized array is cut into many parts."""
    monkeypatch.setattr(parallel, "PIECE", 1000)
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 4000)


@pytest.mark.parametrize("order", ["C", "F"])
def test_adam_in_parts_equals_one_pass(small_parts, order):
    rng = np.random.default_rng(0)
    shape = (97, 83)                                  # 8,051 elements: uneven parts
    p = rng.standard_normal(shape).astype(np.float32)
    params, ref = {"W": np.array(p, order=order)}, p.copy()
    m, v = np.zeros_like(ref), np.zeros_like(ref)
    adam = Adam()
    for t in range(1, 4):
        g = rng.standard_normal(shape).astype(np.float32)
        adam.update(params, {"W": np.asfortranarray(g) if t == 2 else g}, 1e-2)
        adam_one_pass(ref, m, v, g, t, 1e-2)
    np.testing.assert_array_equal(params["W"], ref)
    np.testing.assert_array_equal(adam.m["W"], m)
    assert not np.array_equal(ref, p)                 # the step moved the weights


def test_weight_average_in_parts_equals_one_pass(small_parts):
    rng = np.random.default_rng(1)
    w = rng.standard_normal(9001).astype(np.float32)
    avg, ref = WeightAverage({"W": w}, decay=0.9), w.copy()
    for step in range(1, 4):
        new = rng.standard_normal(9001).astype(np.float32)
        avg.update({"W": new})
        ref += (new - ref) * np.float32(1 - min(0.9, (1 + step) / (10 + step)))
    np.testing.assert_array_equal(avg.params["W"], ref)


def test_every_element_is_updated_exactly_once(small_parts):
    counts = np.zeros(10_007, np.int32)

    def bump(a):
        a += 1

    parallel.update_in_parts(bump, counts)
    assert (counts == 1).all()


def test_train_step_bench_prints_every_part(monkeypatch, capsys):
    from bench import train_step
    monkeypatch.setattr("sys.argv", ["train_step", "--steps", "1", "--rounds", "1"])
    assert train_step.main() == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [*train_step.PARTS, "training step"]
    assert all(float(line.split(": ")[1].split()[0]) > 0 for line in lines)


def test_a_forked_child_updates_in_parts_too(small_parts):
    """The pool's threads do not survive a fork: a child made after the parent used them starts its own."""
    import multiprocessing
    counts = np.zeros(10_007, np.int32)
    parallel.update_in_parts(lambda a: np.add(a, 1, out=a), counts)       # the parent's pool exists now
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        assert pool.apply_async(_count_in_child).get(timeout=20) == 10_007


def _count_in_child() -> int:
    parallel.PIECE, parallel.SERIAL_BELOW = 1000, 4000
    counts = np.zeros(10_007, np.int32)
    parallel.update_in_parts(lambda a: np.add(a, 1, out=a), counts)
    return int(counts.sum())
