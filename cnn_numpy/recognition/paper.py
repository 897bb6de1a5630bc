"""Any picture (the canvas, a photo or scan of paper) -> an ink map at a working resolution.

    1. upright      EXIF orientation applied (a photo shows as its viewer shows it).
    2. grey         any mode, as preprocessing reads it (transparent backgrounds: alpha is the ink).
    3. resolution   pictures longer than WORK_SIDE are shrunk to it (area averaging), so a
                    12-megapixel photo costs about as much as a 1-megapixel one; ``scale`` maps
                    the ink map's pixels back to the picture's.
    4. ink          a dark background (the canvas) is cleaned as preprocessing does for one digit.
                    A light background (paper) is normalised: the background is estimated as the
                    brightest level around each point (a closing: maximum then minimum over
                    BACKGROUND_WINDOW of a coarse copy, which removes strokes but keeps the edges of
                    shadows; then smoothed), each pixel divided by it, so uneven light and shadows become
                    flat paper; darkness (1 - ratio) under INK_THRESHOLD, or under THRESHOLD_SHARE
                    of the strongest darkness, is paper.
The thresholds were chosen on the paper renders of the numbers development set
(cnn_numpy/evaluation/number_sets.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from .preprocess import _border, clean_grey, grey_image, pixels

WORK_SIDE = 1200          # longer side of the ink map (px)
DECIDE_SIDE = 128         # longer side of the copy that decides between canvas and paper
DECIDE_WINDOW = 9         # its median filter (px, odd)
DECIDE_NOISE = 10         # departures from the median up to this many levels are noise
COARSE_SIDE = 96          # longer side of the copy the background is estimated on
BACKGROUND_WINDOW = 7     # cells of the coarse copy (odd): wider than any pen stroke
INK_THRESHOLD = 0.2       # darkness (fraction of the paper's brightness) below which it is paper
THRESHOLD_SHARE = 0.35    # ... or below this share of the strongest darkness (the 99.9th percentile)


@dataclass(frozen=True)
class InkMap:
    ink: np.ndarray          # (H, W) uint8, ink bright on 0, at the working resolution
    scale: tuple[float, float]   # picture pixels per ink-map pixel, x and y
    size: tuple[int, int]    # the upright picture's width and height
    paper: bool              # the background was light and was normalised


def upright(image: Image.Image) -> Image.Image:
    """The picture turned as its EXIF orientation says (itself when there is none)."""
    return ImageOps.exif_transpose(image) if image.getexif().get(0x0112, 1) != 1 else image


def ink_map(image: Image.Image, canvas: bool = False) -> InkMap:
    """Any picture (upright already, see :func:`upright`) -> its ink map at the working resolution.
    ``canvas``: the picture is the app's canvas, bright ink on black (see preprocess.ink_image)."""
    gray, alpha_is_ink = grey_image(image)
    w, h = gray.size
    factor = max(w, h) / WORK_SIDE
    if factor > 1:
        gray = gray.resize((max(1, round(w / factor)), max(1, round(h / factor))), Image.Resampling.BOX)
    scale = (w / gray.width, h / gray.height)
    paper = not canvas and not alpha_is_ink and light_background(gray)
    ink = _paper_ink(gray) if paper else np.asarray(clean_grey(gray, alpha_is_ink, canvas))
    return InkMap(ink, scale, (w, h), paper)


def light_background(gray: Image.Image) -> bool:
    """Whether the ink is darker than the background, on a copy at most DECIDE_SIDE px long: the
    local median (over DECIDE_WINDOW px) is the background, whatever its light, since the ink is
    the minority; the pixels departing from it by more than DECIDE_NOISE levels go further below
    than above it in total. Global brightness cannot tell: a photo of paper in poor light or half
    in shadow is darker than 127 over much of it. A border all black (the canvas) or all white (a
    clean scan) decides at once."""
    border = np.percentile(_border(pixels(gray)), (10, 90))
    if border[1] <= DECIDE_NOISE or border[0] >= 255 - DECIDE_NOISE:     # a clean black canvas, a white scan
        return bool(border[0] >= 255 - DECIDE_NOISE)
    step = max(1, -(-max(gray.size) // DECIDE_SIDE))
    small = gray.reduce(step) if step > 1 else gray
    median = small.filter(ImageFilter.MedianFilter(DECIDE_WINDOW))
    departure = np.asarray(small, np.float32) - np.asarray(median, np.float32)
    below = np.maximum(-departure - DECIDE_NOISE, 0).sum()
    return bool(below > np.maximum(departure - DECIDE_NOISE, 0).sum())


def background(gray: Image.Image) -> np.ndarray:
    """(H, W) float32 estimate of the paper's brightness under every pixel of ``gray``."""
    step = max(1, -(-max(gray.size) // COARSE_SIDE))
    coarse = gray.reduce(step) if step > 1 else gray
    coarse = coarse.filter(ImageFilter.MaxFilter(BACKGROUND_WINDOW)).filter(ImageFilter.MinFilter(BACKGROUND_WINDOW))
    coarse = coarse.filter(ImageFilter.BoxBlur(BACKGROUND_WINDOW // 2))
    return np.asarray(coarse.resize(gray.size, Image.Resampling.BILINEAR), np.float32)


def _paper_ink(gray: Image.Image) -> np.ndarray:
    """Light-background 'L' image -> (H, W) uint8 ink map: darkness relative to the paper."""
    darkness = 1.0 - np.asarray(gray, np.float32) / np.maximum(background(gray), 1.0)
    peak = float(np.percentile(darkness, 99.9)) if darkness.size else 0.0
    threshold = max(INK_THRESHOLD, THRESHOLD_SHARE * peak)
    if peak <= threshold:
        return np.zeros(darkness.shape, np.uint8)
    ink = np.clip(darkness / peak, 0.0, 1.0) * 255
    return np.where(darkness >= threshold, ink, 0).round().astype(np.uint8)
