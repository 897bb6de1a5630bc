"""Numbers written by real writers, for developing and measuring number reading.

Each number is 2-6 digits of ONE writer (the pendigits test writers, or a UNIPEN development
writer; never a training writer), laid left to right as a person writes: digit heights in the
writer's own proportions, bottoms near one line, gaps of 0.1-0.45 of the digit height, and about
one pair in ten (TOUCH) pushed together until their strokes touch. Two media:

    canvas  the app's canvas: white round pen on black (data/strokes.py), 280 px tall.
    paper   a photo of paper: the strokes as ink of reflectance 0.05-0.4 on paper lit unevenly
            (brightness 150-250, a gradient of up to 40 %, half of them with a shadow edge
            darkening a side by 15-50 %), some in colour (paper tint, blue or black ink), blurred,
            with sensor noise, JPEG re-encoded at quality 35-90.
Everything is drawn from a seeded generator, so a set is the same on every machine.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from ..data.strokes import PenDigits, draw_strokes, fit_strokes
from .real_writers import writer_sets

MEDIA = ("canvas", "paper")
LENGTHS = (2, 6)              # digits per number, inclusive
GAPS = (0.1, 0.45)            # gap between neighbours, fraction of the digit height
TOUCH = 0.1                   # share of neighbouring pairs that touch
CANVAS_HEIGHT = 280
COLOUR = 0.3                  # share of paper photos in colour


@dataclass(frozen=True)
class NumberSample:
    image: Image.Image   # the rendered number
    text: str            # its digits, left to right
    writer: str
    touching: int        # pairs of neighbours that touch


def number_writer_sets(unipen_dir: Path | str | None = None, pendigits_dir: Path | str | None = None
                       ) -> dict[str, tuple[str, PenDigits]]:
    """The development writers that are available, grouped by single writer: key -> (name, digits).
    "dev": UNIPEN development writers; "pendigits": the 14 pendigits test writers. Raises the
    missing set's DataError when neither is found."""
    return writer_sets(unipen_dir, pendigits_dir, unipen_group="writers")


def number_samples(digits: PenDigits, count: int, medium: str, seed: int = 0) -> list[NumberSample]:
    """``count`` numbers of the writers in ``digits`` (taking turns), drawn on ``medium``."""
    rng = np.random.default_rng([seed, MEDIA.index(medium)])
    by_writer = {w: np.flatnonzero(digits.sources == w) for w in np.unique(digits.sources)}
    writers = [w for w, idx in by_writer.items() if len(idx) >= LENGTHS[0]]
    rng.shuffle(writers)
    out = []
    for k in range(count):
        writer = writers[k % len(writers)]
        pool = by_writer[writer]
        length = int(rng.integers(LENGTHS[0], LENGTHS[1] + 1))
        chosen = rng.choice(pool, size=length, replace=len(pool) < length)
        text = "".join(str(int(digits.labels[i])) for i in chosen)
        raw_heights = np.array([_extent(digits.strokes[i])[1] for i in pool])
        strokes = [digits.strokes[i] for i in chosen]
        draw = canvas_number if medium == "canvas" else paper_number
        image, touching = draw(strokes, float(np.median(raw_heights)), rng)
        out.append(NumberSample(image, text, str(writer), touching))
    return out


def _extent(strokes: list[np.ndarray]) -> np.ndarray:
    pts = np.concatenate(strokes)
    return np.maximum(pts.max(axis=0) - pts.min(axis=0), 1e-6)


def layout(strokes: list[list[np.ndarray]], writer_height: float, height: float, pen: float,
           rng: np.random.Generator, touch: float = TOUCH) -> tuple[list[np.ndarray], int]:
    """Digits (strokes in the writer's units) -> (all their strokes placed left to right, in pixels;
    the number of touching pairs): digit height ``height`` times the digit's size relative to the
    writer's median (0.7-1.15), bottoms within 4 % of the height of one line, gaps GAPS, a share
    ``touch`` of the pairs (TOUCH: one in ten) touching."""
    placed: list[np.ndarray] = []
    right_edge, touching = 0.0, 0
    for digit in strokes:
        size = float(np.clip(_extent(digit)[1] / writer_height, 0.7, 1.15))
        h = height * size
        bottom = height + rng.normal(0, 0.04) * height
        shaped = fit_strokes(digit, h, (0.0, bottom - h / 2), max_width=1.2 * height)
        left = np.concatenate(shaped)[:, 0].min()
        if not placed:
            x = -left
        elif rng.random() < touch:
            x = _touching_shift(placed, shaped, right_edge - left, pen, height)
            touching += 1
        else:
            x = right_edge - left + rng.uniform(*GAPS) * height
        moved = [s + np.array([x, 0], np.float32) for s in shaped]
        placed += moved
        right_edge = max(right_edge, float(np.concatenate(moved)[:, 0].max()))
    return placed, touching


def _dense(strokes: list[np.ndarray], step: float) -> np.ndarray:
    """Points along the strokes, at most ``step`` apart."""
    out = []
    for s in strokes:
        out.append(s[:1])
        for a, b in zip(s[:-1], s[1:]):
            n = int(np.ceil(np.hypot(*(b - a)) / step))
            if n > 0:
                out.append(a + (b - a) * (np.arange(1, n + 1)[:, None] / n))
    return np.concatenate(out).astype(np.float32)


def _touching_shift(placed: list[np.ndarray], shaped: list[np.ndarray], start: float, pen: float,
                    height: float) -> float:
    """The x shift (from ``start``, where the boxes meet, leftwards) at which the new digit's strokes
    first touch the digits already placed: their centre lines 0.9 pen widths apart, so the inks just
    overlap."""
    old, new = _dense(placed, pen / 3), _dense(shaped, pen / 3)
    old = old[old[:, 0] > old[:, 0].max() - 1.5 * height]
    for dx in np.arange(0.0, 0.6 * height, pen / 4):
        gap = np.sqrt(((old[:, None, :] - (new + [start - dx, 0])[None]) ** 2).sum(-1)).min()
        if gap <= pen * 0.9:
            return start - dx
    return start - 0.6 * height


@dataclass(frozen=True)
class CanvasStrokes:
    """A number's strokes as placed on the app's canvas, in the order they are written."""
    strokes: list[np.ndarray]   # (n, 2) x, y in canvas pixels each
    pen: float                  # pen width, pixels
    width: int                  # canvas width, pixels (CANVAS_HEIGHT tall)
    touching: int               # pairs of neighbours that touch

    def draw(self, count: int | None = None) -> Image.Image:
        """The canvas with the first ``count`` strokes drawn (all by default), as the user sees it then."""
        return draw_strokes(self.strokes[:count], self.pen, self.width, CANVAS_HEIGHT)


def canvas_strokes(strokes: list[list[np.ndarray]], writer_height: float, rng: np.random.Generator,
                   touch: float = TOUCH) -> CanvasStrokes:
    """Digits (strokes in the writer's units, ``writer_height`` the writer's median digit height)
    -> the number written on the app's canvas: 280 px tall, digits 100-190 px, pen 8-22 px."""
    height, pen = rng.uniform(100, 190), rng.uniform(8, 22)
    placed, touching = layout(strokes, writer_height, height, pen, rng, touch)
    framed, width = _frame(placed, pen, rng.uniform(15, 40), CANVAS_HEIGHT)
    return CanvasStrokes(framed, pen, width, touching)


def canvas_number(strokes: list[list[np.ndarray]], writer_height: float, rng: np.random.Generator,
                  touch: float = TOUCH) -> tuple[Image.Image, int]:
    """Digits as for :func:`canvas_strokes` -> (the number on the app's canvas, white on black; its number
    of touching pairs)."""
    written = canvas_strokes(strokes, writer_height, rng, touch)
    return written.draw(), written.touching


def _frame(placed: list[np.ndarray], pen: float, margin: float, canvas_height: int, width: int | None = None
           ) -> tuple[list[np.ndarray], int]:
    """Strokes moved to ``margin`` px from the left and right edges, centred vertically in ``canvas_height``;
    with ``width``, centred in that width instead -> (the strokes, the picture's width)."""
    pts = np.concatenate(placed)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    if width is not None:
        margin = (width - (hi[0] - lo[0]) - pen) / 2
    width = width or int(np.ceil(hi[0] - lo[0] + 2 * margin + pen))
    shift = np.array([margin + pen / 2 - lo[0], (canvas_height - (hi[1] - lo[1])) / 2 - lo[1]], np.float32)
    return [s + shift for s in placed], width


def _draw(placed: list[np.ndarray], pen: float, margin: float, canvas_height: int, width: int | None = None
          ) -> Image.Image:
    """Strokes drawn as :func:`_frame` places them."""
    framed, width = _frame(placed, pen, margin, canvas_height, width)
    return draw_strokes(framed, pen, width, canvas_height)


def paper_number(strokes: list[list[np.ndarray]], writer_height: float, rng: np.random.Generator,
                 size: tuple[int, int] | None = None) -> tuple[Image.Image, int]:
    """Digits as for :func:`canvas_number` -> (the number photographed on paper, see the module's
    description; its number of touching pairs). Digits are 40-160 px tall, the picture 2-4 digit
    heights tall; with ``size`` (w, h), the picture has that size and the digits are h / 8 tall."""
    height = rng.uniform(40, 160) if size is None else size[1] / 8
    pen = height * rng.uniform(0.04, 0.12)
    placed, touching = layout(strokes, writer_height, height, pen, rng)
    if size is None:
        coverage = _draw(placed, pen, height * rng.uniform(0.5, 2.0), int(height * rng.uniform(2.0, 4.0)))
    else:
        coverage = _draw(placed, pen, 0, size[1], size[0])
    a = np.asarray(coverage, np.float32)[..., None] / 255
    h, w = a.shape[:2]
    ys, xs = np.mgrid[:h, :w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    along = (xs * np.cos(angle) + ys * np.sin(angle)) / max(h, w)
    light = rng.uniform(150, 250) * (1 - rng.uniform(0, 0.4) * (along - along.min()))
    if rng.random() < 0.5:                                        # a shadow edge across the picture
        angle = rng.uniform(0, 2 * np.pi)
        side = (xs - rng.uniform(0, w)) * np.cos(angle) + (ys - rng.uniform(0, h)) * np.sin(angle)
        soft = max(h, w) * rng.uniform(0.02, 0.2)
        light = light * (1 - rng.uniform(0.15, 0.5) / (1 + np.exp(-side / soft)))
    colour = rng.random() < COLOUR
    tint = np.array([1.0, rng.uniform(0.9, 1.0), rng.uniform(0.75, 1.0)], np.float32) if colour else np.ones(1)
    reflect = rng.uniform(0.05, 0.4)
    ink = (np.array([reflect, reflect * 1.3, min(1.0, reflect * 3)], np.float32) if colour and rng.random() < 0.5
           else np.full(1, reflect, np.float32))
    pixels = light[..., None] * tint * (1 - a * (1 - ink))
    mode = "RGB" if colour else "L"
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8).squeeze(), mode)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.0, 1.2)))
    noisy = np.asarray(image, np.float32) + rng.normal(0, rng.uniform(2, 8), np.asarray(image).shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), mode).save(buffer, "JPEG",
                                                                       quality=int(rng.integers(35, 91)))
    return Image.open(io.BytesIO(buffer.getvalue())), touching
