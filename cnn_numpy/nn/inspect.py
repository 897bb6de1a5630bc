"""Look inside the network: every stage of a convolutional network for one input (Qt-free).

:func:`look_inside` runs one forward pass through the network's own layers and keeps what each
stage made of the input, then one backward pass (:meth:`Sequential.input_gradient`, no parameter
gradients) for the saliency map. Shapes for the shipped network (C = 30 filters, H = 1024 hidden
units); all arrays are in the network's float type (float32 in the app):

    input       (28, 28)       what the network received, white ink on black in [0, 1]
    filters     (C, 5, 5)      the learned weights W1 of the first Convolution (one input channel)
    biases      (C,)           its biases b1
    conv        (C, 24, 24)    Convolution output after the activation (ReLU): one map per filter
    pooled      (C, 12, 12)    after MaxPooling 2x2 (and ReLU): what the hidden Affine layer reads
    hidden      (H,)           hidden units after ReLU (dropout is off at inference)
    logits      (10,)          the last Affine layer's output
    probs       (10,)          softmax(logits / temperature): the calibrated probabilities
    saliency    (28, 28)       d logits[winner] / d input: where more ink would raise (> 0) or
                               lower (< 0) the winning digit's logit
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .layers import Affine, Convolution, Relu, Sigmoid, Tanh, softmax
from .model import Sequential

ACTIVATION_LAYERS = (Relu, Sigmoid, Tanh)


@dataclass(frozen=True)
class Inside:
    """What every stage of the network made of one input (shapes in the module docstring)."""
    input: np.ndarray
    filters: np.ndarray
    biases: np.ndarray
    conv: np.ndarray
    pooled: np.ndarray
    hidden: np.ndarray
    logits: np.ndarray
    probs: np.ndarray
    saliency: np.ndarray

    @property
    def winner(self) -> int:
        """The digit with the largest logit (and probability)."""
        return int(np.argmax(self.logits))

    def strongest_units(self, count: int = 5) -> list[tuple[int, float]]:
        """(index, value) of the ``count`` most active hidden units, strongest first."""
        order = np.argsort(self.hidden, kind="stable")[::-1][:count]
        return [(int(i), float(self.hidden[i])) for i in order]


def look_inside(net: Sequential, image: np.ndarray, temperature: float = 1.0) -> Inside:
    """The stages of ``net`` (a Convolution, then two or more Affine layers) for one ``image`` (H, W)
    in [0, 1]; ``temperature`` calibrates the probabilities as the Recognizer does."""
    layers = net.layers
    conv_at = next((i for i, layer in enumerate(layers) if isinstance(layer, Convolution)), None)
    affine_at = [i for i, layer in enumerate(layers) if isinstance(layer, Affine)]
    if conv_at is None or len(affine_at) < 2 or affine_at[0] < conv_at:
        raise ValueError("look_inside needs a Convolution followed by at least two Affine layers")
    activation = next(layer for layer in layers[conv_at:affine_at[0]] if isinstance(layer, ACTIVATION_LAYERS))
    x = np.asarray(image, dtype=net.dtype)[None, None]
    outputs = []
    for layer in layers:
        x = layer.forward(x)
        outputs.append(x)
    logits = outputs[-1]
    winner = int(np.argmax(logits[0]))
    dlogits = np.zeros_like(logits)
    dlogits[0, winner] = 1
    saliency = net.input_gradient(dlogits)[0, 0]
    conv = layers[conv_at]
    return Inside(
        input=np.asarray(image, dtype=net.dtype),
        filters=conv.W[:, 0].copy(),
        biases=conv.b.copy(),
        conv=type(activation)().forward(outputs[conv_at])[0],       # a fresh layer: the net's keeps its state
        pooled=outputs[affine_at[0] - 1][0],
        hidden=outputs[affine_at[-1] - 1][0],
        logits=logits[0],
        probs=softmax(logits[0] / logits.dtype.type(temperature)),
        saliency=saliency,
    )
