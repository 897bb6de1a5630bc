"""Reading numbers with the shipped weights: canvas and paper, one piece as one digit, bad input."""
from __future__ import annotations

import io
import time

import numpy as np
import pytest
from number_drawings import PEN, canvas, number_strokes
from PIL import Image, ImageDraw, ImageFilter

from cnn_numpy.data.strokes import draw_strokes
from cnn_numpy.recognition import numbers
from cnn_numpy.recognition.numbers import (
    LONE_ASPECT,
    PIECE_FLOOR,
    DigitReading,
    NumberReading,
    read_number,
    read_number_file,
    warm_up,
)
from cnn_numpy.recognition.paper import WORK_SIDE, ink_map
from cnn_numpy.recognition.segment import MAX_PIECES, SPLIT_ASPECT, cut_candidates, segment

pytestmark = pytest.mark.needs_weights


def paper(shapes: list[str], scale: float = 1.0, gap: float = 0.35, colour: bool = False) -> Image.Image:
    """The number in dark ink on paper lit from one side, with a shadow over a third, noise, blur and
    JPEG re-encoding."""
    strokes, width = number_strokes(shapes, gap)
    ink = np.asarray(draw_strokes([s * scale for s in strokes], PEN * scale / 2, round(width * scale),
                                  round(280 * scale)), np.float32) / 255
    h, w = ink.shape
    light = np.linspace(235, 150, w, dtype=np.float32)[None, :] * np.ones((h, 1), np.float32)
    light[:, : w // 3] *= 0.6                                       # a shadow edge
    pixels = light * (1 - 0.85 * ink) + np.random.default_rng(0).normal(0, 4, ink.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L").filter(ImageFilter.GaussianBlur(0.8))
    if colour:
        image = Image.merge("RGB", (image, image, image.point(lambda v: min(255, int(v * 1.1) + 10))))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60)
    return Image.open(io.BytesIO(buffer.getvalue()))


def test_a_number_on_the_canvas(recognizer):
    reading = read_number(recognizer, canvas(["1", "0", "7", "4"]))
    assert reading.text == "1074" and not reading.capped
    boxes = [d.box for d in reading.digits]
    assert all(a[2] <= b[0] for a, b in zip(boxes, boxes[1:]))
    assert all(d.input_image.shape == (28, 28) and d.input_image.dtype == np.float32 for d in reading.digits)


def test_merged_strokes_read_as_their_digit(recognizer):
    assert read_number(recognizer, canvas(["5 with a detached flag", "crossed 7", "broken 1"])).text == "571"


@pytest.mark.parametrize("shapes", [["0", "0"], ["4", "7"], ["7", "0"]])
def test_touching_digits_are_split(recognizer, shapes):
    assert read_number(recognizer, canvas(["1"] + shapes, gap=[0.35, -0.02])).text == "1" + "".join(shapes)


def test_only_cuts_that_could_win_are_read(recognizer, monkeypatch):
    """A wide piece read surer than 1 - SPLIT_MARGIN keeps whatever its halves read: it is offered no cuts."""
    offered = []

    def spy(seg, piece, *args, **kwargs):
        offered.append(piece.box)
        return cut_candidates(seg, piece, *args, **kwargs)
    monkeypatch.setattr(numbers, "cut_candidates", spy)
    image = canvas(["4", "1", "0", "0"], gap=[0.35, 0.35, -0.02])        # a wide 4; "00" touching
    seg = segment(np.asarray(image))
    four, _, pair = seg.pieces
    assert min(four.width, pair.width) > SPLIT_ASPECT * seg.line_height
    assert read_number(recognizer, image).text == "4100"
    assert four.box not in offered and pair.box in offered


def test_a_narrow_piece_read_as_no_digit_is_cut(recognizer):
    image = canvas(["0", "0", "1"], gap=[0.35, -0.15])    # "01" touching, narrower than SPLIT_ASPECT
    seg = segment(np.asarray(image))
    assert len(seg.pieces) == 2 and seg.pieces[1].width <= SPLIT_ASPECT * seg.line_height
    assert read_number(recognizer, image).text == "001"


@pytest.mark.parametrize("shapes", [["0", "0"], ["4", "0"], ["7", "7"]])
def test_touching_digits_alone_read_as_no_digit_are_cut(recognizer, shapes):
    image = canvas(shapes, gap=-0.02)
    seg = segment(np.asarray(image))
    assert len(seg.pieces) == 1 and seg.pieces[0].width >= LONE_ASPECT * seg.line_height
    alone = recognizer.recognize_images([image])[0]      # in a number: not a digit (see PIECE_FLOOR)
    assert alone.verdict == "not_digit" or alone.confidence < PIECE_FLOOR
    assert read_number(recognizer, image).text == "".join(shapes)


def test_three_specks_are_no_digit(recognizer):
    """Specks scattered on an empty canvas: not a digit, alone (scattered_dots) and as a number."""
    image = Image.new("L", (280, 280))
    draw = ImageDraw.Draw(image)
    for x, y in ((40, 60), (150, 200), (230, 90)):
        draw.rectangle((x, y, x + 5, y + 5), fill=255)
    assert recognizer.recognize_images([image])[0].verdict == "not_digit"
    assert read_number(recognizer, image).text == ""


@pytest.mark.parametrize("shape", ["ellipse", "rectangle"])
@pytest.mark.parametrize("side", [5, 8, 16, 24])
def test_dots_are_not_cut_into_ones(recognizer, shape, side):
    """Dots and squares are never cut (MIN_CUT_HEIGHT, solid blobs): cuts left slivers read as sure 1s ("111")."""
    image = Image.new("L", (600, 280))
    draw = ImageDraw.Draw(image)
    for k in range(3):
        getattr(draw, shape)((80 + 110 * k, 100, 80 + 110 * k + side, 100 + side), fill=255)
    reading = read_number(recognizer, image)
    assert len(reading.digits) == 3 and reading.text == ""
    assert all(d.verdict == "not_digit" for d in reading.digits)


def test_speckle_beside_a_number_is_not_read_as_digits(recognizer):
    """A clump of equal specks (segment.SPECKLE_PARTS) is one piece read as not a digit, never cut into digits;
    the number beside it is read as before."""
    image = canvas(["7", "0"])
    speckled = Image.new("L", (image.width + 120, image.height))
    speckled.paste(image, (0, 0))
    draw = ImageDraw.Draw(speckled)
    for k in range(10):                          # a column of squares, every other one shifted: 10 components
        x, y = image.width + 30 + 6 * (k % 2), 30 + 22 * k
        draw.rectangle((x, y, x + 14, y + 14), fill=255)
    seg = segment(np.asarray(speckled))
    assert seg.pieces[-1].speckle
    reading = read_number(recognizer, speckled)
    assert reading.text == read_number(recognizer, image).text == "70"
    assert reading.digits[-1].verdict == "not_digit"


def _piece(verdict: str, digit: int = 3, confidence: float = 0.6) -> DigitReading:
    return DigitReading(digit, confidence, verdict, 8, (0, 0, 1, 1), np.zeros((28, 28), np.float32),
                        np.zeros(10, np.float32))


def test_unsure_marks_among_non_digits_are_no_digits():
    """A picture most of whose pieces are not digits is marks: its unsure pieces and its digits read less sure than
    MARKS_SURE do not enter the number, its sure digits do; in a picture of digits an unsure piece stays a digit."""
    marks = numbers._doubt_marks([_piece("not_digit"), _piece("unsure"), _piece("not_digit"), _piece("not_digit"),
                                  _piece("not_digit"), _piece("digit", 5, 0.95), _piece("digit", 8, 0.8)])
    assert [d.verdict for d in marks] == ["not_digit"] * 5 + ["digit", "not_digit"]
    assert NumberReading(marks, False).text == "5"
    half = numbers._doubt_marks([_piece("not_digit"), _piece("unsure"), _piece("not_digit"), _piece("digit", 5)])
    assert NumberReading(half, False).text == "35"


@pytest.mark.parametrize("letter", ["A", "n", "H"])
def test_a_letter_alone_is_not_cut_into_digits(recognizer, letter):
    """A lone piece read as not a digit is cut only from LONE_ASPECT line heights: a letter, narrower, is not
    read as two digits (an A was "14", an n "17")."""
    image = canvas([letter])
    seg = segment(np.asarray(image))
    assert len(seg.pieces) == 1 and seg.pieces[0].width < LONE_ASPECT * seg.line_height
    assert recognizer.recognize_images([image])[0].verdict == "not_digit"
    reading = read_number(recognizer, image)
    assert len(reading.digits) == 1 and reading.digits[0].verdict == "not_digit" and reading.text == ""


def test_touching_digits_alone_read_as_a_sure_digit_are_one_digit(recognizer):
    image = canvas(["7", "1"], gap=-0.02)
    reading, expected = read_number(recognizer, image), recognizer.recognize_images([image])[0]
    assert expected.verdict == "digit" and len(reading.digits) == 1 and reading.digits[0].digit == expected.digit


def test_one_piece_reads_exactly_as_recognize_images(recognizer):
    image = canvas(["7"])
    reading, expected = read_number(recognizer, image), recognizer.recognize_images([image])[0]
    assert len(reading.digits) == 1
    digit = reading.digits[0]
    assert np.array_equal(digit.input_image, expected.input_image)
    assert (digit.digit, digit.confidence, digit.verdict, digit.runner_up) == \
        (expected.digit, expected.confidence, expected.verdict, expected.runner_up)


@pytest.mark.parametrize("fill", [0, 255])
def test_blank_picture_reads_nothing(recognizer, fill):
    reading = read_number(recognizer, Image.new("L", (300, 200), fill))
    assert reading == NumberReading((), False) and reading.text == ""


@pytest.mark.parametrize("colour", [False, True], ids=["grey", "colour"])
def test_a_photo_of_paper_with_uneven_light_and_a_shadow(recognizer, colour):
    reading = read_number(recognizer, paper(["7", "0", "1", "4"], colour=colour))
    assert reading.text == "7014"


def test_boxes_are_in_the_original_pixels_of_a_big_photo(recognizer):
    small = paper(["1", "0"]).convert("L")
    image = small.resize((small.width * 8, small.height * 8))     # read at the working resolution
    assert max(image.size) > WORK_SIDE
    reading, small_reading = read_number(recognizer, image), read_number(recognizer, small)
    assert reading.text == small_reading.text == "10"
    for big, little in zip(reading.digits, small_reading.digits):
        assert np.allclose(big.box, np.array(little.box) * 8, atol=8 * 4)


def huge_scribble(seed: int, width: int) -> Image.Image:
    """A zigzag through 60 random points of a 280-px-tall canvas, white pen 20 px wide on black: ink over
    most of the canvas and its border."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (width, 280))
    points = rng.uniform(0, 1, (60, 2)) * [width, 280]
    ImageDraw.Draw(image).line([tuple(p) for p in points], fill="white", width=20, joint="curve")
    return image


@pytest.mark.parametrize("seed,width", [(0, 840), (2, 560), (5, 560)])
def test_a_scribble_over_most_of_the_canvas_is_a_texture_not_a_number(recognizer, seed, width):
    # Judged from the picture alone, so much white was paper and the black gaps between the strokes its
    # ink, read as sure digits ("5223223", "9733"); the app says the picture is its canvas.
    reading = read_number(recognizer, huge_scribble(seed, width), canvas=True)
    assert reading.capped and reading.digits == ()


def test_a_canvas_reads_its_number_as_any_picture_does(recognizer):
    image = canvas(["1", "0", "7", "4"])
    told, judged = read_number(recognizer, image, canvas=True), read_number(recognizer, image)
    assert told.text == judged.text == "1074"
    for a, b in zip(told.digits, judged.digits):
        assert a.box == b.box and np.array_equal(a.input_image, b.input_image) and a.confidence == b.confidence


@pytest.mark.parametrize("levels,blur", [((90, 166), 1), ((0, 256), 0)], ids=["grey grain", "full noise"])
def test_texture_alone_gives_no_digits(recognizer, levels, blur):
    rng = np.random.default_rng(1)
    texture = Image.fromarray(rng.integers(*levels, (600, 800)).astype(np.uint8), "L").filter(ImageFilter.BoxBlur(blur))
    begin = time.perf_counter()
    reading = read_number(recognizer, texture)
    assert time.perf_counter() - begin < 2 and reading.digits == ()


def test_a_page_of_marks_is_capped(recognizer):
    strokes = [np.array([[20 + 14 * i, 40 + 60 * row], [24 + 14 * i, 80 + 60 * row]], np.float32)
               for i in range(60) for row in range(4)]
    reading = read_number(recognizer, draw_strokes(strokes, 4, 900, 300))
    assert reading.capped and len(reading.digits) == MAX_PIECES


def test_a_strip_of_one_by_forty_million_pixels(recognizer):
    strip = Image.new("L", (40_000_000, 1), 255)
    begin = time.perf_counter()
    reading = read_number(recognizer, strip)
    assert time.perf_counter() - begin < 5 and reading.digits == ()


def test_a_transparent_png(recognizer, tmp_path):
    ink = canvas(["1", "0"])
    rgba = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    rgba.putalpha(ink)                                 # black ink, transparent background
    rgba.save(tmp_path / "t.png")
    assert read_number_file(recognizer, tmp_path / "t.png").text == "10"


def test_an_exif_rotated_jpeg_is_read_upright(recognizer, tmp_path):
    upright = paper(["1", "0", "7"]).convert("L")
    stored = upright.transpose(Image.Transpose.ROTATE_90)         # the camera's sensor orientation
    exif = Image.Exif()
    exif[0x0112] = 6                                   # "rotate 90 clockwise to view"
    stored.save(tmp_path / "photo.jpg", exif=exif, quality=90)
    reading = read_number_file(recognizer, tmp_path / "photo.jpg")
    assert reading.text == "107"
    assert all(d.box[2] <= upright.width and d.box[3] <= upright.height for d in reading.digits)


def test_a_twelve_megapixel_photo_is_quick(recognizer, tmp_path):
    image = paper(["7", "0", "4"]).convert("L").resize((4000, 3000))
    image.save(tmp_path / "big.jpg", quality=85)
    begin = time.perf_counter()
    reading = read_number_file(recognizer, tmp_path / "big.jpg")
    assert time.perf_counter() - begin < 3 and reading.text == "704"
    assert ink_map(image).ink.shape[1] == WORK_SIDE


def test_a_digit_drawn_in_two_pieces_apart_reads_as_one(recognizer):
    image = Image.new("L", (280, 280))
    pen = ImageDraw.Draw(image)
    pen.line([(110, 60), (80, 170), (160, 170)], fill=255, width=14)     # the open part of a 4
    pen.line([(180, 90), (180, 230)], fill=255, width=14)                # its upright, 13 px apart
    assert len(segment(np.asarray(image)).pieces) == 2
    reading = read_number(recognizer, image)
    assert reading.text == "4" and len(reading.digits) == 1
    assert reading.digits[0].box[0] <= 80 and reading.digits[0].box[2] >= 180


def test_warm_up_reads_one_stroke_through_the_network(recognizer, monkeypatch):
    passes = []
    original = recognizer.recognize_inputs

    def counted(inputs, known=None):
        passes.append(len(inputs))
        return original(inputs, known)
    monkeypatch.setattr(recognizer, "recognize_inputs", counted)
    assert warm_up(recognizer) is None
    assert passes and passes[0] >= 1
