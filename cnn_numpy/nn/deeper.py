"""TwoStageConvNet: the "number of convolution layers" ablation, two convolution stages.

Conv(30, 5x5) - act - Pool 2x2 - Conv(30, 3x3) - act - Pool 2x2 - Affine(hidden) - act - [Dropout]
- Affine(10) - Softmax. It exists for reports/ablations.py only: the shipped network is
:class:`~cnn_numpy.nn.convnet.SimpleConvNet` (one stage), and weights files hold that one.

The first stage, the hidden layer, the activation, the pooling mode and dropout come from a
:class:`~cnn_numpy.nn.convnet.ConvNetConfig` (``pool="none"`` is refused: two unpooled stages
are not this ablation); the second stage has ``second_filters`` filters of ``second_size`` squared,
stride 1, no padding. Parameters W1, b1 (first conv), W2, b2 (second conv), W3, b3 (hidden
Affine), W4, b4 (output Affine).

Shapes with the ablations' reference configuration (N images, float32, C-contiguous):
    x      (N, 1, 28, 28)
    conv   (N, 30, 24, 24)  W1 (30, 1, 5, 5)
    pool   (N, 30, 12, 12)
    conv   (N, 30, 10, 10)  W2 (30, 30, 3, 3); computes its input gradient
    pool   (N, 30, 5, 5)    -> flattened channel-row-column to (N, 750)
    hidden (N, hidden)      W3 (750, hidden)
    logits (N, 10)          W4 (hidden, 10)
"""
from __future__ import annotations

import numpy as np

from .convnet import ACTIVATIONS, ConvNetConfig
from .layers import Affine, Convolution, Dropout, Layer, Pooling, output_size
from .model import Sequential


class TwoStageConvNet(Sequential):
    """Two convolution stages before the hidden layer; see the module docstring."""

    def __init__(self, config: ConvNetConfig | None = None, seed: int = 0, dtype: type = np.float32,
                 second_filters: int = 30, second_size: int = 3):
        self.config = config or ConvNetConfig()
        if self.config.pool == "none":
            raise ValueError("TwoStageConvNet pools after each stage: pool must be 'max' or 'avg'")
        self.second_filters, self.second_size = second_filters, second_size
        rng = np.random.default_rng(seed)
        p = {name: self._init(name, shape, rng, dtype) for name, shape in self.param_shapes().items()}
        super().__init__(self._layers(p, rng), rng)

    def stage_shapes(self) -> list[tuple[int, int, int]]:
        """(C, H, W) after conv 1, pool 1, conv 2, pool 2."""
        cfg = self.config
        _, h, w = cfg.input_shape
        shapes = []
        for fn, f, s, p in ((cfg.filter_num, cfg.filter_size, cfg.stride, cfg.pad),
                            (self.second_filters, self.second_size, 1, 0)):
            h, w = output_size(h, f, s, p), output_size(w, f, s, p)
            shapes.append((fn, h, w))
            h, w = output_size(h, 2, 2, 0), output_size(w, 2, 2, 0)
            shapes.append((fn, h, w))
        return shapes

    @property
    def flat_size(self) -> int:
        """Features entering the hidden Affine layer (750 for the reference configuration)."""
        return int(np.prod(self.stage_shapes()[-1]))

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        cfg = self.config
        c, f2, k2 = cfg.input_shape[0], self.second_filters, self.second_size
        return {"W1": (cfg.filter_num, c, cfg.filter_size, cfg.filter_size), "b1": (cfg.filter_num,),
                "W2": (f2, cfg.filter_num, k2, k2), "b2": (f2,),
                "W3": (self.flat_size, cfg.hidden), "b3": (cfg.hidden,),
                "W4": (cfg.hidden, cfg.classes), "b4": (cfg.classes,)}

    def _init(self, name: str, shape: tuple[int, ...], rng: np.random.Generator, dtype: type) -> np.ndarray:
        """He initialisation (Xavier for sigmoid/tanh), as SimpleConvNet; zero biases."""
        if name.startswith("b"):
            return np.zeros(shape, dtype)
        fan_in = int(np.prod(shape[1:])) if len(shape) == 4 else shape[0]
        gain = 2.0 if self.config.activation == "relu" else 1.0
        return np.ascontiguousarray(rng.standard_normal(shape) * np.sqrt(gain / fan_in), dtype=dtype)

    def _stage(self) -> list[Layer]:
        """Activation and 2x2 pooling after a convolution (pooling first when that is equivalent)."""
        cfg, act = self.config, ACTIVATIONS[self.config.activation]
        if cfg.pool == "max" and cfg.activation == "relu":       # max(relu(x)) == relu(max(x))
            return [Pooling(2, 2, 2, mode="max"), act()]
        return [act(), Pooling(2, 2, 2, mode=cfg.pool)]

    def _layers(self, p: dict[str, np.ndarray], rng: np.random.Generator) -> list[Layer]:
        cfg, act = self.config, ACTIVATIONS[self.config.activation]
        layers: list[Layer] = [Convolution(p["W1"], p["b1"], cfg.stride, cfg.pad, input_grad=False),
                               *self._stage(),
                               Convolution(p["W2"], p["b2"], 1, 0, input_grad=True),
                               *self._stage(),
                               Affine(p["W3"], p["b3"]), act()]
        if cfg.dropout > 0:
            layers.append(Dropout(cfg.dropout, rng))
        layers.append(Affine(p["W4"], p["b4"]))
        return layers
