"""SimpleConvNet: Conv - act - Pool - Affine - act - [Dropout] - Affine - Softmax.

The shipped network is Conv(30 filters, 5x5, stride 1, pad 0) - ReLU - MaxPool 2x2 -
Affine(4320 -> 1024) - ReLU - Affine(1024 -> 10) - Softmax. Other settings of
:class:`ConvNetConfig` exist for the ablation studies.

Shapes through the shipped network (N images), every array float32 and C-contiguous:
    x      (N, 1, 28, 28)  float32 in [0, 1], white ink on black
    conv   (N, 30, 24, 24) via columns (N, 25 + 1, 576): one (30, 26) @ (26, 576) product
                           per image, the bias as a 26th tap whose input is 1
    pool   (N, 30, 12, 12) max pooling, then ReLU (the same values and gradients as ReLU
                           then pooling, on a quarter of the values)
                           -> flattened channel-row-column to (N, 4320)
    hidden (N, 1024)
    logits (N, 10)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .layers import Affine, Convolution, Dropout, Layer, Pooling, Relu, Sigmoid, Tanh
from .model import Sequential

PARAM_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}


@dataclass(frozen=True)
class ConvNetConfig:
    """Hyper-parameters of the architecture. Defaults are the shipped network.

    hidden=1024 and dropout=0.1 are the shipped recipe, chosen on the validation split (5,000
    training images held out, 30 epochs; accuracy, loss): 256 units 99.44 %, 512 units 99.56 %
    (0.0152), 1024 units 99.62 % (0.0130), 1024 units with dropout 0.1 instead of 0.3 99.62 %
    (0.0125). docs/ablations/README.md measures the alternatives at a short budget.
    Dropout is identity at inference.
    """
    input_shape: tuple[int, int, int] = (1, 28, 28)
    filter_num: int = 30
    filter_size: int = 5
    stride: int = 1
    pad: int = 0
    pool: str = "max"          # "max", "avg" or "none"
    hidden: int = 1024
    activation: str = "relu"   # "relu", "sigmoid" or "tanh"
    dropout: float = 0.1
    classes: int = 10

    def __post_init__(self):
        if self.pool not in ("max", "avg", "none"):
            raise ValueError(f"pool must be 'max', 'avg' or 'none', not {self.pool!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, not {self.activation!r}")

    @property
    def conv_output(self) -> tuple[int, int]:
        """(OH, OW) of the convolution."""
        _, h, w = self.input_shape
        f, s, p = self.filter_size, self.stride, self.pad
        return (h + 2 * p - f) // s + 1, (w + 2 * p - f) // s + 1

    @property
    def flat_size(self) -> int:
        """Features entering the first Affine layer (4320 for the shipped network)."""
        oh, ow = self.conv_output
        if self.pool != "none":
            oh, ow = oh // 2, ow // 2
        return self.filter_num * oh * ow

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        c = self.input_shape[0]
        return {"W1": (self.filter_num, c, self.filter_size, self.filter_size), "b1": (self.filter_num,),
                "W2": (self.flat_size, self.hidden), "b2": (self.hidden,),
                "W3": (self.hidden, self.classes), "b3": (self.classes,)}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ConvNetConfig:
        d = dict(d)
        d["input_shape"] = tuple(d.get("input_shape", (1, 28, 28)))
        return cls(**d)


def init_params(config: ConvNetConfig, rng: np.random.Generator,
                dtype: type = np.float32) -> dict[str, np.ndarray]:
    """He initialisation (Xavier for sigmoid/tanh); zero biases."""
    params = {}
    for name, shape in config.param_shapes().items():
        if name.startswith("b"):
            params[name] = np.zeros(shape, dtype)
            continue
        fan_in = int(np.prod(shape[1:])) if name == "W1" else shape[0]
        gain = 2.0 if config.activation == "relu" else 1.0
        params[name] = (rng.standard_normal(shape) * np.sqrt(gain / fan_in)).astype(dtype)
    return params


class SimpleConvNet(Sequential):
    """The network: :class:`Sequential` layers built from a :class:`ConvNetConfig`, parameters W1..b3."""

    def __init__(self, config: ConvNetConfig | None = None, params: dict[str, np.ndarray] | None = None,
                 seed: int = 0, dtype: type = np.float32):
        self.config = config or ConvNetConfig()
        rng = np.random.default_rng(seed)
        if params is None:
            params = init_params(self.config, rng, dtype)
        self.check_shapes(params)
        p = {k: np.ascontiguousarray(params[k], dtype=dtype) for k in PARAM_NAMES}
        super().__init__(self._layers(p, rng), rng)

    def check_shapes(self, params: dict[str, np.ndarray]) -> None:
        """Raise ValueError naming the first missing or mis-shaped parameter."""
        for name, shape in self.config.param_shapes().items():
            if name not in params:
                raise ValueError(f"parameter {name} is missing")
            if tuple(params[name].shape) != shape:
                raise ValueError(f"parameter {name} has shape {tuple(params[name].shape)}, expected {shape}")

    def _layers(self, p: dict[str, np.ndarray], rng: np.random.Generator) -> list[Layer]:
        cfg = self.config
        act = ACTIVATIONS[cfg.activation]
        layers: list[Layer] = [Convolution(p["W1"], p["b1"], cfg.stride, cfg.pad, input_grad=False)]
        if cfg.pool == "max" and cfg.activation == "relu":
            # max(relu(x)) == relu(max(x)), gradients included (ties route a zero gradient
            # either way): pooling first leaves ReLU a quarter of the values.
            layers += [Pooling(2, 2, 2, mode="max"), Relu()]
        else:
            layers.append(act())
            if cfg.pool != "none":
                layers.append(Pooling(2, 2, 2, mode=cfg.pool))
        layers += [Affine(p["W2"], p["b2"]), act()]
        if cfg.dropout > 0:
            layers.append(Dropout(cfg.dropout, rng))
        layers.append(Affine(p["W3"], p["b3"]))
        return layers

    def astype(self, dtype: type) -> SimpleConvNet:
        """A copy of this network in another float type (float64 for gradient checks)."""
        return SimpleConvNet(self.config, {k: v.astype(dtype) for k, v in self.params.items()}, dtype=dtype)
