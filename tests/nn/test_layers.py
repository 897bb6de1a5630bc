"""Every layer: analytic gradients against numerical ones (float64), convolution and pooling
against naive loop implementations, and softmax stability."""
from __future__ import annotations

import numpy as np
import pytest
from gradcheck import numerical_grad

from cnn_numpy.nn.layers import (
    Affine,
    Convolution,
    Dropout,
    Pooling,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
    col2im,
    im2col,
    softmax,
)

RNG = np.random.default_rng(0)


def check_layer(layer, x: np.ndarray, params: tuple[str, ...] = ()) -> None:
    """The gradient of sum(forward(x) * w) for a random w, by backward and numerically."""
    w = RNG.standard_normal(layer.forward(x).shape)

    def loss() -> float:
        return float((layer.forward(x) * w).sum())
    loss()
    dx = layer.backward(w)
    if dx is not None:
        np.testing.assert_allclose(dx, numerical_grad(loss, x), rtol=1e-5, atol=1e-7)
    for name in params:
        loss()
        layer.backward(w)
        analytic = getattr(layer, "d" + name).copy()
        np.testing.assert_allclose(analytic, numerical_grad(loss, getattr(layer, name)), rtol=1e-5, atol=1e-7)


def naive_conv(x, W, b, stride, pad):
    n, _, h, w = x.shape
    fn, _, fh, fw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    out = np.zeros((n, fn, oh, ow))
    for i in range(n):
        for f in range(fn):
            for y in range(oh):
                for z in range(ow):
                    patch = xp[i, :, y * stride:y * stride + fh, z * stride:z * stride + fw]
                    out[i, f, y, z] = (patch * W[f]).sum() + b[f]
    return out


def naive_pool(x, size, stride, pad, reduce):
    n, c, h, w = x.shape
    fill = -np.inf if reduce is np.max else 0
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=fill)
    oh, ow = (h + 2 * pad - size) // stride + 1, (w + 2 * pad - size) // stride + 1
    out = np.zeros((n, c, oh, ow))
    for y in range(oh):
        for z in range(ow):
            out[:, :, y, z] = reduce(xp[:, :, y * stride:y * stride + size, z * stride:z * stride + size], axis=(2, 3))
    return out


@pytest.mark.parametrize("stride,pad,size", [(1, 0, 5), (2, 1, 3), (3, 2, 4), (1, 1, 1)])
def test_convolution_matches_naive_loops(stride, pad, size):
    x = RNG.standard_normal((3, 2, 9, 8)).astype(np.float32)
    W = RNG.standard_normal((4, 2, size, size)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    out = Convolution(W, b, stride, pad).forward(x)
    np.testing.assert_allclose(out, naive_conv(x, W, b, stride, pad), rtol=1e-4, atol=1e-4)
    assert out.dtype == np.float32


@pytest.mark.parametrize("stride,pad", [(1, 0), (2, 1), (2, 0)])
def test_convolution_gradients(stride, pad):
    x = RNG.standard_normal((2, 2, 7, 6))
    layer = Convolution(RNG.standard_normal((3, 2, 3, 3)), RNG.standard_normal(3), stride, pad)
    check_layer(layer, x, ("W", "b"))


def test_first_layer_skips_input_gradient():
    layer = Convolution(RNG.standard_normal((3, 1, 3, 3)), np.zeros(3), input_grad=False)
    layer.forward(RNG.standard_normal((2, 1, 6, 6)))
    assert layer.backward(RNG.standard_normal((2, 3, 4, 4))) is None
    assert layer.dW.shape == (3, 1, 3, 3)


def test_col2im_is_the_adjoint_of_im2col():
    """<im2col(x), c> == <x, col2im(c)> for every x, c: the gradient identity."""
    x = RNG.standard_normal((2, 3, 7, 7))
    col = im2col(x, 3, 3, 2, 1)
    c = RNG.standard_normal(col.shape)
    assert np.isclose((col * c).sum(), (x * col2im(c, x.shape, 3, 3, 2, 1)).sum())


@pytest.mark.parametrize("mode,size,stride,pad", [("max", 2, 2, 0), ("max", 3, 1, 1), ("max", 3, 2, 0),
                                                  ("avg", 2, 2, 0), ("avg", 3, 2, 1)])
def test_pooling_matches_naive_and_gradients(mode, size, stride, pad):
    x = RNG.standard_normal((2, 3, 7, 7))
    layer = Pooling(size, size, stride, pad, mode)
    reduce = np.max if mode == "max" else np.mean
    np.testing.assert_allclose(layer.forward(x), naive_pool(x, size, stride, pad, reduce), rtol=1e-12)
    check_layer(layer, x)


@pytest.mark.parametrize("cls", [Relu, Sigmoid, Tanh])
def test_activation_gradients(cls):
    x = RNG.standard_normal((4, 5)) + 0.01     # keep away from ReLU's kink at 0
    check_layer(cls(), x)


def test_sigmoid_is_finite_for_huge_inputs():
    out = Sigmoid().forward(np.array([-1e4, 0.0, 1e4], np.float32))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])


def test_affine_gradients_with_image_input():
    layer = Affine(RNG.standard_normal((12, 4)), RNG.standard_normal(4))
    check_layer(layer, RNG.standard_normal((3, 3, 2, 2)), ("W", "b"))


def test_affine_flattens_channel_row_column():
    x = np.arange(2 * 3 * 2 * 2, dtype=np.float64).reshape(2, 3, 2, 2)
    W = np.zeros((12, 1))
    W[5, 0] = 1.0                               # channel 1, row 0, column 1
    assert Affine(W, np.zeros(1)).forward(x)[0, 0] == x[0, 1, 0, 1]


def test_dropout_scales_and_masks_consistently():
    layer = Dropout(0.5, np.random.default_rng(1))
    x = np.ones((200, 50), np.float32)
    out = layer.forward(x, train=True)
    assert set(np.unique(out)) == {0.0, 2.0}
    assert 0.4 < (out == 0).mean() < 0.6
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), out)
    np.testing.assert_array_equal(layer.forward(x, train=False), x)


def test_softmax_with_loss_gradient():
    logits = RNG.standard_normal((4, 10))
    labels = np.array([0, 3, 9, 3])
    layer = SoftmaxWithLoss()
    layer.forward(logits, labels)
    analytic = layer.backward()
    numeric = numerical_grad(lambda: layer.forward(logits, labels), logits)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_outliers_learn_the_uniform_distribution():
    """Label -1 (not a digit): the gradient check, and the loss is smallest for uniform probabilities."""
    rng = np.random.default_rng(5)
    logits, labels = rng.normal(size=(6, 4)), np.array([0, -1, 3, -1, 2, 1])
    layer = SoftmaxWithLoss(outlier_weight=0.5)
    layer.forward(logits, labels)
    analytic = layer.backward()
    numeric = numerical_grad(lambda: layer.forward(logits, labels), logits)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)
    outlier = np.array([-1])
    uniform = layer.forward(np.zeros((1, 4)), outlier)
    assert uniform == pytest.approx(0.5 * np.log(4))
    assert layer.forward(np.array([[3.0, 0, 0, 0]]), outlier) > uniform
    layer.forward(np.zeros((1, 4)), outlier)
    np.testing.assert_allclose(layer.backward(), 0, atol=1e-12)  # uniform is the optimum


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_is_stable_for_huge_logits(dtype):
    logits = np.array([[1e4, -1e4, 0, 5], [-1e4, -1e4, -1e4, -1e4], [1e4, 1e4, -1e4, 0]], dtype)
    labels = np.array([0, 2, 3])
    layer = SoftmaxWithLoss()
    loss = layer.forward(logits, labels)
    assert np.isfinite(loss)
    # row 0 is right with certainty (0), row 1 uniform (log 4), row 2 wrong by 1e4
    assert loss == pytest.approx((0 + np.log(4) + 1e4 + np.log(2)) / 3, rel=1e-5)
    assert np.all(np.isfinite(layer.backward()))
    probs = softmax(logits)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-6)
