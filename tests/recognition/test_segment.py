"""Segmentation of an ink map into digit pieces: components, merges, specks, order, cap and cuts (no network)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from number_drawings import canvas
from PIL import Image, ImageDraw

from cnn_numpy.recognition.paper import ink_map
from cnn_numpy.recognition.preprocess import mask_stroke_width
from cnn_numpy.recognition.segment import (
    EVEN_CUTS,
    MAX_PIECES,
    PART_CUTS,
    SOLID_FILL,
    SPECKLE_PARTS,
    SPLIT_ASPECT,
    cut_candidates,
    drop_fall,
    merge_candidates,
    piece_mask,
    segment,
)


def pieces(image: Image.Image) -> list[tuple[int, int, int, int]]:
    return [p.box for p in segment(np.asarray(image)).pieces]


def test_two_separate_digits_left_to_right():
    boxes = pieces(canvas(["1", "0"]))
    assert len(boxes) == 2 and boxes[0][2] <= boxes[1][0]


@pytest.mark.parametrize("shape", ["5 with a detached flag", "crossed 7", "broken 1", "4"])
def test_pieces_of_one_digit_are_one_piece(shape):
    assert len(pieces(canvas(["1", shape, "0"]))) == 3


def test_order_is_left_to_right_whatever_the_stroke_order():
    image = canvas(["0", "7", "1", "0"])
    mirrored = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)   # stroke order reversed on the page
    for boxes in (pieces(image), pieces(mirrored)):
        assert [b[0] for b in boxes] == sorted(b[0] for b in boxes) and len(boxes) == 4


@pytest.mark.parametrize("gap", [0.1, 0.45])
def test_gaps_of_a_tenth_to_almost_half_a_digit_separate_digits(gap):
    assert len(pieces(canvas(["7", "0", "1", "4"], gap))) == 4


def test_specks_are_dropped():
    image = canvas(["1", "0"])
    ImageDraw.Draw(image).ellipse((5, 5, 8, 8), fill=255)
    assert len(pieces(image)) == 2


def test_touching_digits_are_one_piece_offered_cuts_between_them():
    image = canvas(["0", "0"], gap=-0.02)
    seg = segment(np.asarray(image))
    assert len(seg.pieces) == 1
    middle = (seg.pieces[0].box[0] + seg.pieces[0].box[2]) / 2
    cuts = cut_candidates(seg, seg.pieces[0])
    assert any(abs(left.box[2] - middle) < 0.1 * seg.line_height and abs(right.box[0] - middle) < 0.1 * seg.line_height
               for left, right in cuts)


def test_a_drop_fall_path_falls_straight_through_background():
    assert drop_fall(np.zeros((10, 8), bool), 3).tolist() == [3] * 10


def rings(radius: int = 30, width: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Two rings side by side, touching at one point -> (the ink, which pixels belong to the left ring)."""
    ys, xs = np.mgrid[:2 * radius + 1, :4 * radius + 1]
    left = np.abs(np.hypot(ys - radius, xs - radius) - (radius - width / 2)) <= width / 2
    right = np.abs(np.hypot(ys - radius, xs - 3 * radius + 1) - (radius - width / 2)) <= width / 2
    return left | right, left


@pytest.mark.parametrize("rightward", [False, True])
@pytest.mark.parametrize("upward", [False, True])
def test_a_drop_fall_path_between_touching_rings_cuts_only_where_they_meet(rightward, upward):
    ink, left = rings()
    path = drop_fall(ink, ink.shape[1] // 2 + 8, rightward, upward)   # started off the contact, over a ring
    cut = np.arange(ink.shape[1])[None, :] < path[:, None]
    assert (ink & cut & ~left).sum() + (ink & ~cut & left).sum() <= 24      # where they meet, of 2,064


@settings(max_examples=200, deadline=None)
@given(arrays(bool, array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=40)), st.integers(-5, 50),
       st.booleans(), st.booleans())
def test_a_drop_fall_path_ends_for_any_ink_and_stays_inside(ink, start, rightward, upward):
    path = drop_fall(ink, start, rightward, upward)
    assert path.shape == (ink.shape[0],) and path.min() >= 1 and path.max() <= max(1, ink.shape[1] - 1)


def test_an_upward_drop_fall_is_the_downward_one_of_the_mirror_image():
    ink, _ = rings()
    ink = ink.copy()
    ink[:20, :] = False                                                       # not symmetric top to bottom
    assert np.array_equal(drop_fall(ink, 40, upward=True), drop_fall(ink[::-1], 40)[::-1])


def test_a_narrow_piece_is_offered_cuts_only_from_the_width_asked():
    image = canvas(["0", "1", "1"], gap=[0.35, -0.02])     # "11" touching: narrower than SPLIT_ASPECT
    seg = segment(np.asarray(image))
    piece = seg.pieces[1]
    assert len(seg.pieces) == 2 and piece.width <= SPLIT_ASPECT * seg.line_height
    assert cut_candidates(seg, piece) == []
    assert cut_candidates(seg, piece, aspect=piece.width / seg.line_height - 0.01)


def test_no_cut_leaves_a_sliver_when_asked():
    image = Image.new("L", (220, 280), 0)
    draw = ImageDraw.Draw(image)
    draw.line((60, 60, 60, 220), fill=255, width=12)         # a stroke
    draw.line((60, 60, 200, 60), fill=255, width=12)         # and a bar: cut where the stroke ends, a short end
    seg = segment(np.asarray(image))
    piece = seg.pieces[0]
    cuts = cut_candidates(seg, piece, aspect=0.0)
    smallest = [min(max(h.width, h.height) for h in pair) / seg.line_height for pair in cuts]
    assert min(smallest) < 0.35 < max(smallest)
    kept = cut_candidates(seg, piece, aspect=0.0, min_half=0.35)
    assert [(a.box, b.box) for a, b in kept] == [(a.box, b.box) for (a, b), s in zip(cuts, smallest) if s >= 0.35]


def test_no_cut_leaves_a_half_thinner_than_its_strokes_when_asked():
    image = Image.new("L", (220, 280), 0)
    draw = ImageDraw.Draw(image)
    draw.line((60, 60, 60, 220), fill=255, width=12)
    draw.line((60, 60, 200, 60), fill=255, width=12)
    seg = segment(np.asarray(image))
    piece = seg.pieces[0]
    stroke = mask_stroke_width(piece_mask(seg, piece))
    cuts = cut_candidates(seg, piece, aspect=0.0)
    thinnest = [min(h.width for h in pair) / stroke for pair in cuts]
    assert 6 < stroke <= 12 and min(thinnest) < 1 < max(thinnest)      # the pen is 12 px (the estimate is lower)
    kept = cut_candidates(seg, piece, aspect=0.0, min_width=1.0)
    assert [(a.box, b.box) for a, b in kept] == [(a.box, b.box) for (a, b), t in zip(cuts, thinnest) if t >= 1]


def test_a_flag_beside_its_body_is_offered_as_one_piece():
    image = Image.new("L", (400, 280), 0)
    draw = ImageDraw.Draw(image)
    draw.line((60, 60, 60, 220), fill=255, width=12)        # a 1
    draw.arc((150, 120, 260, 220), -120, 140, fill=255, width=12)   # a 5's body, its stem crossing the bowl
    draw.line((170, 60, 170, 170), fill=255, width=12)
    draw.line((272, 60, 330, 60), fill=255, width=12)         # its flag, apart and to the right
    seg = segment(np.asarray(image))
    assert len(seg.pieces) == 3
    body, flag = seg.pieces[1], seg.pieces[2]
    assert any(i == 1 and merged.box[0] == body.box[0] and merged.box[2] == flag.box[2]
               for i, merged in merge_candidates(seg))


def test_hundreds_of_marks_are_capped():
    image = Image.new("L", (2000, 300), 0)
    draw = ImageDraw.Draw(image)
    for i in range(200):
        draw.line((10 + 10 * i, 100, 10 + 10 * i, 160), fill=255, width=4)
    seg = segment(np.asarray(image))
    assert seg.capped and len(seg.pieces) == MAX_PIECES
    assert [p.box[0] for p in seg.pieces] == sorted(p.box[0] for p in seg.pieces)


def test_no_ink_no_pieces():
    seg = segment(np.zeros((50, 80), np.uint8))
    assert seg.pieces == () and not seg.capped


def test_a_piece_of_many_components_gets_few_cuts():
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (300, 400)).astype(np.uint8), "L")
    seg = segment(ink_map(noise).ink)                 # read as one piece of thousands of components
    piece = max(seg.pieces, key=lambda p: len(p.parts))
    assert len(piece.parts) > PART_CUTS
    assert len(cut_candidates(seg, piece, aspect=0.0)) <= 1 + EVEN_CUTS + 8     # seams, drop-falls: not 4,730 halves


def test_scattered_speckle_is_a_texture():
    """Clumps all over the picture (no row): no pieces, capped, as for dense noise."""
    rng = np.random.default_rng(3)
    cells = (rng.random((35, 35)) < 0.15) * 255
    speckle = np.kron(cells, np.ones((8, 8)))[:280, :280].astype(np.uint8)
    seg = segment(speckle)
    assert seg.pieces == () and seg.capped


def test_a_slanting_row_is_not_scattered():
    """Eight bars written uphill, rising 0.9 bar heights in all: still a row, eight pieces."""
    image = Image.new("L", (700, 280))
    draw = ImageDraw.Draw(image)
    for i in range(8):
        top = 150 - 10 * i
        draw.line((40 + 80 * i, top, 40 + 80 * i, top + 80), fill=255, width=8)
    seg = segment(np.asarray(image))
    assert len(seg.pieces) == 8 and not seg.capped


def clump(image: Image.Image, x: int, parts: int, side: int = 10) -> None:
    """A column of ``parts`` squares of one size a few pixels apart: one piece of many equal components."""
    draw = ImageDraw.Draw(image)
    for k in range(parts):
        draw.rectangle((x + 4 * (k % 2), 40 + (side + 4) * k, x + 4 * (k % 2) + side, 40 + (side + 4) * k + side),
                       fill=255)


def test_a_clump_of_many_equal_specks_is_speckle_never_cut_nor_merged():
    """SPECKLE_PARTS components, none holding most of the ink: speckle. Fewer, or one holding most of the
    ink (a broken stroke): writing."""
    image = Image.new("L", (400, 280))
    clump(image, 60, SPECKLE_PARTS)
    clump(image, 200, SPECKLE_PARTS - 1)
    seg = segment(np.asarray(image))
    assert [p.speckle for p in seg.pieces] == [True, False]
    assert len(seg.pieces[0].parts) == SPECKLE_PARTS
    assert cut_candidates(seg, seg.pieces[0], aspect=0.0) == []
    assert cut_candidates(seg, seg.pieces[1], aspect=0.0) != []
    assert all(not p.speckle for p in segment(np.asarray(canvas(["broken 1", "5 with a detached flag"]))).pieces)


def test_a_short_piece_beside_speckle_is_not_offered_as_part_of_it():
    image = Image.new("L", (400, 280))
    clump(image, 60, SPECKLE_PARTS, side=30)
    ImageDraw.Draw(image).line((120, 150, 140, 150), fill=255, width=6)   # a short dash beside it
    seg = segment(np.asarray(image))
    assert len(seg.pieces) == 2 and seg.pieces[0].speckle
    assert merge_candidates(seg) == []


def test_a_solid_block_is_never_cut_a_ring_of_its_size_is():
    """Ink filling more than SOLID_FILL of its box is a block: cut, it left slivers read as sure 1s."""
    for fill, expect_cuts in ((255, False), (None, True)):
        image = Image.new("L", (300, 200))
        ImageDraw.Draw(image).rectangle((50, 50, 170, 110), fill=fill, outline=255, width=8)
        seg = segment(np.asarray(image))
        mask = np.asarray(image)[50:111, 50:171] > 0
        assert (mask.mean() > SOLID_FILL) == (fill is not None)
        assert bool(cut_candidates(seg, seg.pieces[0], aspect=0.0)) == expect_cuts
