"""Training-time augmentation of whole batches (NumPy, no per-image Python loops).

    random_affine   rotation, scale, shear and shift around the centre of mass, plus an optional
                    smooth elastic displacement (Simard et al. 2003), bilinear
    random_stroke   thicken (2x2 dilation) or thin (2x2 erosion, skipped where it would
                    erase the digit) so that thin and thick pens both look familiar
Images are (N, 28, 28) float32 in [0, 1].
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AugmentConfig:
    """Ranges of the random transforms (uniform in [-x, x] unless a pair is given)."""
    rotation_deg: float = 12.0
    scale: tuple[float, float] = (0.9, 1.1)
    shear: float = 0.25
    shift_px: float = 1.5
    p_thick: float = 0.25
    p_thin: float = 0.35
    elastic_px: float = 0.0    # std of the elastic displacement at its control points, pixels; 0: off
    elastic_grid: int = 4      # control points per side; the field between them is bilinear


def elastic_field(n: int, size: int, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """(n, 2, size*size) smooth random displacements (x, y): Gaussian values on a coarse
    ``elastic_grid`` x ``elastic_grid`` lattice spread bilinearly over the image."""
    g = cfg.elastic_grid
    coarse = rng.normal(0.0, cfg.elastic_px, (n, 2, g, g)).astype(np.float32)
    step = (size - 1) / (g - 1)
    up = np.maximum(0.0, 1.0 - np.abs(np.arange(size)[:, None] - np.arange(g)[None] * step) / step)
    up = up.astype(np.float32)                                            # (size, g), rows sum to 1
    return np.einsum("ik,nckl,jl->ncij", up, coarse, up, optimize=True).reshape(n, 2, size * size)


def random_affine(x: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """Each image warped by its own random affine map (bilinear, zero outside)."""
    n, h, w = x.shape
    angle = np.deg2rad(rng.uniform(-cfg.rotation_deg, cfg.rotation_deg, n))
    scale = rng.uniform(*cfg.scale, n)
    shear = rng.uniform(-cfg.shear, cfg.shear, n)
    shift = rng.uniform(-cfg.shift_px, cfg.shift_px, (n, 2))
    cos, sin = np.cos(angle), np.sin(angle)
    # forward map A = R(angle) @ Shear(shear) * scale; sample the source at A^-1 (p - c) + c
    a = np.stack([np.stack([cos, cos * shear - sin], -1), np.stack([sin, sin * shear + cos], -1)], -2)
    a *= scale[:, None, None]
    inv = np.linalg.inv(a).astype(np.float32)                        # (N, 2, 2) rows x, y
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    centre = np.float32(h / 2)
    d = np.stack([xs.ravel() - centre, ys.ravel() - centre])         # (2, H*W)
    src = inv @ d + centre - shift[:, :, None].astype(np.float32)    # (N, 2, H*W)
    if cfg.elastic_px > 0:
        src += elastic_field(n, h, rng, cfg)
    return bilinear_sample(x, src[:, 0], src[:, 1])


def bilinear_sample(x: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """Sample images x (N, H, W) at float coordinates sx, sy (N, P) -> (N, H, W); zeros outside."""
    n, h, w = x.shape
    padded = np.zeros((n, h + 2, w + 2), np.float32)
    padded[:, 1:-1, 1:-1] = x
    flat = padded.reshape(n, -1)
    sx = np.clip(sx + 1, 0, w + 0.999)                  # padded coordinates; the frame is zero
    sy = np.clip(sy + 1, 0, h + 0.999)
    x0, y0 = sx.astype(np.int32), sy.astype(np.int32)
    fx, fy = sx - x0, sy - y0
    base = y0 * (w + 2) + x0
    rows = np.arange(n)[:, None]
    top = flat[rows, base] * (1 - fx) + flat[rows, base + 1] * fx
    bottom = flat[rows, base + w + 2] * (1 - fx) + flat[rows, base + w + 3] * fx
    return (top * (1 - fy) + bottom * fy).reshape(n, h, w).astype(np.float32, copy=False)


def _window2(x: np.ndarray, reduce) -> np.ndarray:
    """2x2 neighbourhood max/min of (N, H, W), same size (edge rows/cols repeat)."""
    p = np.pad(x, ((0, 0), (0, 1), (0, 1)), mode="edge")
    return reduce(reduce(p[:, :-1, :-1], p[:, 1:, :-1]), reduce(p[:, :-1, 1:], p[:, 1:, 1:]))


def random_stroke(x: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """Thicken or thin a random share of the batch."""
    u = rng.random(len(x))
    thick, thin = u < cfg.p_thick, (u >= cfg.p_thick) & (u < cfg.p_thick + cfg.p_thin)
    out = x.copy()
    if thick.any():
        out[thick] = _window2(x[thick], np.maximum)
    if thin.any():
        eroded = _window2(x[thin], np.minimum)
        kept = eroded.sum(axis=(1, 2)) >= 0.4 * x[thin].sum(axis=(1, 2))   # not erased
        idx = np.flatnonzero(thin)[kept]
        out[idx] = eroded[kept]
    return out


def augment_batch(x: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig = AugmentConfig()) -> np.ndarray:
    """(N, 1, 28, 28) -> augmented (N, 1, 28, 28): stroke width first, then geometry."""
    imgs = random_stroke(x[:, 0], rng, cfg)
    return random_affine(imgs, rng, cfg)[:, None]
