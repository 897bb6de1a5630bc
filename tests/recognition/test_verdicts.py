"""The shipped weights' verdicts on what people give a digit recogniser that is no digit."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cnn_numpy.data.strokes import draw_strokes
from cnn_numpy.nn.convnet import SimpleConvNet
from cnn_numpy.recognition.recognizer import Recognizer

pytestmark = pytest.mark.needs_weights


def canvas(fill: int = 0) -> Image.Image:
    return Image.new("L", (280, 280), fill)


def test_shipped_weights_are_calibrated(recognizer):
    assert recognizer.calibrated and recognizer.calibration.not_digit_below > 0


@pytest.mark.parametrize("fill", [0, 255])
def test_full_black_or_white_field_is_blank(recognizer, fill):
    assert recognizer.recognize_images([canvas(fill)])[0].verdict == "blank"


@pytest.mark.parametrize("seed", range(6))
def test_random_noise_is_never_a_digit(recognizer, seed):
    rng = np.random.default_rng(seed)
    grain = (1, 2, 4, 7, 10, 14)[seed]
    cells = rng.uniform(0, 255, (280 // grain + 1,) * 2)
    noise = Image.fromarray(np.kron(cells, np.ones((grain, grain)))[:280, :280].astype(np.uint8), "L")
    assert recognizer.recognize_images([noise])[0].verdict != "digit"


def test_a_single_dot_is_not_a_confident_digit(recognizer):
    image = canvas()
    ImageDraw.Draw(image).ellipse((130, 130, 146, 146), fill=255)
    assert recognizer.recognize_images([image])[0].verdict != "digit"


def test_a_huge_scribble_is_not_a_digit(recognizer):
    rng = np.random.default_rng(3)
    strokes = [rng.uniform(5, 275, (40, 2)).astype(np.float32)]
    assert recognizer.recognize_images([draw_strokes(strokes, 14)])[0].verdict != "digit"


def test_a_clear_digit_is_a_digit(recognizer):
    one = [np.array([[120, 70], [150, 40], [150, 240]], np.float32)]
    result = recognizer.recognize_images([draw_strokes(one, 16)])[0]
    assert (result.digit, result.verdict) == (1, "digit")


def test_an_empty_batch_gives_empty_recognitions():
    recs = Recognizer(SimpleConvNet(seed=0)).recognize_inputs([])
    assert len(recs) == 0 and recs.probs.shape == (0, 10) and recs.verdicts.shape == (0,)
