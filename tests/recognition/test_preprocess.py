"""Preprocessing: the same digit, however it is drawn or stored, gives the same centred input."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from cnn_numpy.data.strokes import draw_strokes, fit_strokes
from cnn_numpy.paths import REPO_ROOT
from cnn_numpy.recognition.preprocess import ink_image, max_filter, normalize_ink, pixels, preprocess

# A "2": a hook, a diagonal and a base, in arbitrary units (y downward).
TWO = [np.array([[0, 2], [1, 0.3], [3, 0], [4.5, 0.8], [4.6, 2.5], [3, 4.5], [0, 8], [5, 8]], np.float32)]


def canvas(height: float, centre: tuple[float, float], size: int = 280) -> Image.Image:
    """The digit drawn white on black, pen width in proportion to its height."""
    return draw_strokes(fit_strokes(TWO, height, centre, max_width=size), pen_width=height / 12, size=size)


def centre_of_mass(x: np.ndarray) -> tuple[float, float]:
    ys, xs = np.mgrid[:28, :28]
    return float((x * ys).sum() / x.sum()), float((x * xs).sum() / x.sum())


REFERENCE = preprocess(canvas(180, (140, 140)))


def assert_same_input(x: np.ndarray | None, tolerance: float = 0.06) -> None:
    assert x is not None and x.shape == (28, 28) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() == pytest.approx(1.0)
    cy, cx = centre_of_mass(x)
    assert abs(cy - 14) <= 0.6 and abs(cx - 14) <= 0.6
    rows = np.flatnonzero(x.max(axis=1) > 0.3)
    assert 19 <= rows[-1] - rows[0] + 1 <= 21                     # longer side (height) is 20 px
    assert np.abs(x - REFERENCE).mean() < tolerance


def test_reference_is_mnist_like():
    assert_same_input(REFERENCE, tolerance=1e-6)


@pytest.mark.parametrize("height,centre", [(80, (50, 50)), (80, (230, 225)), (30, (140, 140)),
                                           (270, (140, 140)), (120, (200, 90))],
                         ids=["top-left corner", "bottom-right corner", "tiny", "huge", "off-centre"])
def test_size_and_position_do_not_matter(height, centre):
    assert_same_input(preprocess(canvas(height, centre)))


def test_black_on_white():
    assert_same_input(preprocess(ImageOps.invert(canvas(180, (140, 140)))))


def test_the_app_canvas_keeps_white_ink_over_its_border():
    # A frame drawn round the canvas, over most of its border: judged from the border, the white was
    # the background and the black the ink; told it is the canvas, the ink stays the white strokes.
    image = canvas(180, (140, 140))
    ImageDraw.Draw(image).rectangle((0, 0, image.width - 1, image.height - 1), outline=255, width=12)
    told, judged = ink_image(image, canvas=True), ink_image(image)
    assert pixels(told)[5, 140] == 255 and pixels(told)[140, 40] == 0
    assert pixels(judged)[5, 140] == 0 and pixels(judged)[140, 40] == 255


def test_grey_paper_and_colour_ink():
    ink = np.asarray(canvas(180, (140, 140)), np.float32) / 255
    paper = np.array([200, 190, 170], np.float32)
    pen = np.array([20, 30, 140], np.float32)
    rgb = paper * (1 - ink[..., None]) + pen * ink[..., None]
    assert_same_input(preprocess(Image.fromarray(rgb.astype(np.uint8), "RGB")))


def test_rgba_with_transparent_background():
    alpha = canvas(180, (140, 140))
    rgba = Image.merge("RGBA", [Image.new("L", alpha.size, 0)] * 3 + [alpha])   # black ink on transparent
    assert_same_input(preprocess(rgba))


def test_sixteen_bit_greyscale():
    arr = np.asarray(canvas(180, (140, 140)), np.uint16) * 257
    assert_same_input(preprocess(Image.fromarray(arr)))


def test_a_speck_of_noise_is_ignored():
    img = canvas(180, (140, 140))
    ImageDraw.Draw(img).ellipse((262, 262, 268, 268), fill=255)     # a stray dot in the corner
    assert_same_input(preprocess(img))


def test_faint_background_noise_is_ignored():
    rng = np.random.default_rng(0)
    arr = np.asarray(canvas(180, (140, 140)), np.float32) + rng.uniform(0, 40, (280, 280))
    assert_same_input(preprocess(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))))


def test_separate_strokes_of_one_digit_are_kept():
    """A 5 drawn in two strokes (body, then the top bar apart from it) keeps its bar."""
    body = np.array([[2, 0], [1, 4], [4, 4], [5, 6], [4, 9], [0, 9]], np.float32)
    bar = np.array([[2.6, 0], [6, 0]], np.float32)
    img = draw_strokes(fit_strokes([body, bar], 200, (140, 140), 280), 16)
    x = preprocess(img)
    assert x[4:8, 16:24].max() > 0.5     # the bar's right end, top right of the box


@pytest.mark.parametrize("image", [Image.new("L", (280, 280), 0), Image.new("L", (280, 280), 255),
                                   Image.new("RGB", (50, 20), (30, 30, 30)), Image.new("RGBA", (10, 10))],
                         ids=["black", "white", "flat colour", "transparent"])
def test_blank_images_give_no_digit(image):
    assert preprocess(image) is None


def test_thin_one_stays_thin():
    one = [np.array([[0, 0], [0, 10]], np.float32)]
    x = preprocess(draw_strokes(fit_strokes(one, 200, (140, 140), 280), 12))
    cols = np.flatnonzero(x.max(axis=0) > 0.2)
    assert len(cols) <= 3                      # not stretched into a 20-px-wide block
    assert x.sum(axis=1).nonzero()[0].size >= 19


def test_normalize_ink_agrees_with_preprocess():
    img = canvas(150, (120, 160))
    np.testing.assert_allclose(normalize_ink(np.asarray(img, np.float32) / 255), preprocess(img), atol=1 / 255)


@pytest.mark.parametrize("k", [1, 3, 5, 9])
def test_max_filter_matches_a_naive_loop(k):
    a = (np.random.default_rng(k).random((13, 17)) * 255 * (np.random.default_rng(k + 1).random((13, 17)) > 0.8))
    a = a.astype(np.uint8)
    r = k // 2
    zero_padded = np.pad(a, 2 * r)
    naive = np.array([[zero_padded[i:i + k, j:j + k].max() for j in range(a.shape[1] + 2 * r)]
                      for i in range(a.shape[0] + 2 * r)], np.uint8)
    np.testing.assert_array_equal(max_filter(a, k), naive)


def test_specks_are_dropped_in_a_long_strip():
    """The speck mask lines up with the image when its side is not a multiple of the coarse cell."""
    strip = Image.new("L", (3001, 40), 0)
    draw = ImageDraw.Draw(strip)
    draw.rectangle((10, 10, 2000, 29), fill=255)
    clean = preprocess(strip)
    draw.rectangle((2985, 15, 2995, 25), fill=255)                # a speck in the last, partial cell
    np.testing.assert_array_equal(preprocess(strip), clean)


# Preprocesses a (w, h) 'L' image holding two dashes far apart along its long side (two components
# of the coarse grid, so the speck mask is built) with the address space limited to what the
# process already uses plus ``budget`` bytes: Pillow's allocations count too, which tracemalloc misses.
BOUNDED_CHILD = """
import resource, sys
from PIL import Image, ImageDraw
from cnn_numpy.recognition.preprocess import preprocess
w, h, budget = map(int, sys.argv[1:])
image = Image.new("L", (w, h), 0)
n = max(w, h)
for a, b in ((n // 400, n * 3 // 8), (n * 3 // 4, n * 4 // 5)):
    ImageDraw.Draw(image).rectangle((a, 0, b, h - 1) if w >= h else (0, a, w - 1, b), fill=255)
used = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (used + budget, resource.getrlimit(resource.RLIMIT_AS)[1]))
x = preprocess(image)
print(x is not None and x.shape == (28, 28) and round(float(x.max()), 3))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="address-space limit read from /proc")
@pytest.mark.parametrize("width,height", [(400_000, 10), (10, 400_000), (4_000_000, 1)],
                         ids=["wide", "tall", "one row"])
def test_extreme_aspect_ratio_memory_is_bounded_by_the_image(width, height):
    """4-megapixel strips (4 MB as 'L') preprocess within 32 bytes a pixel; the speck mask alone
    used to be the coarse grid times its cell, 5 GB for the wide strip and 500 GB for the row."""
    budget = 32 * width * height
    run = subprocess.run([sys.executable, "-c", BOUNDED_CHILD, str(width), str(height), str(budget)],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0 and run.stdout.split() == ["1.0"], run.stderr[-2000:]


@pytest.mark.parametrize("mode", ["L", "F", "RGB"])
def test_pixels_are_the_image_as_an_array(mode):
    image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (7, 13), dtype=np.uint8)).convert(mode)
    assert np.array_equal(pixels(image), np.asarray(image)) and pixels(image).dtype == np.asarray(image).dtype
