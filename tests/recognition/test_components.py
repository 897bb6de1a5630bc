"""Connected components by row runs, against a breadth-first flood fill."""
from __future__ import annotations

import time
from collections import deque

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cnn_numpy.recognition.components import components, dilate, is_connected, label_pixels, run_components

EIGHT = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]
FOUR = [(-1, 0), (1, 0), (0, -1), (0, 1)]


def flood_labels(binary: np.ndarray, diagonal: bool = True) -> np.ndarray:
    """Reference labelling by breadth-first search (8- or 4-connected), labels in order of first pixel."""
    labels = np.full(binary.shape, -1)
    count = 0
    for y, x in zip(*np.nonzero(binary)):
        if labels[y, x] >= 0:
            continue
        labels[y, x], todo = count, deque([(y, x)])
        while todo:
            cy, cx = todo.popleft()
            for dy, dx in EIGHT if diagonal else FOUR:
                ny, nx = cy + dy, cx + dx
                if 0 <= ny < binary.shape[0] and 0 <= nx < binary.shape[1] and binary[ny, nx] and labels[ny, nx] < 0:
                    labels[ny, nx] = count
                    todo.append((ny, nx))
        count += 1
    return labels


def same_partition(labels: np.ndarray, expected: np.ndarray, binary: np.ndarray) -> bool:
    """A one-to-one map between the two labellings of the True pixels."""
    pairs = np.unique(np.stack([labels[binary], expected[binary]]), axis=1)
    return len(np.unique(pairs[0])) == len(np.unique(pairs[1])) == pairs.shape[1]


@pytest.mark.parametrize("seed", range(4))
def test_components_match_a_flood_fill(seed):
    binary = np.random.default_rng(seed).random((40, 57)) < (0.3, 0.45, 0.55, 0.6)[seed]
    labels, boxes, areas = components(binary)
    expected = flood_labels(binary)
    assert (labels >= 0).tolist() == binary.tolist()
    assert same_partition(labels, expected, binary) and len(boxes) == expected.max() + 1
    for c in range(len(boxes)):
        ys, xs = np.nonzero(labels == c)
        assert tuple(boxes[c]) == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) and areas[c] == len(ys)


@pytest.mark.parametrize("seed", range(4))
def test_four_connected_components_match_a_flood_fill(seed):
    binary = np.random.default_rng(seed).random((33, 31)) < (0.4, 0.5, 0.6, 0.7)[seed]
    _, starts, ends, run_label, count = run_components(binary, diagonal=False)
    labels = label_pixels(binary, run_label, starts, ends)
    expected = flood_labels(binary, diagonal=False)
    assert same_partition(labels, expected, binary) and count == expected.max() + 1
    assert count > len(components(binary)[1])          # diagonal contacts join more at these densities


def test_is_connected_agrees_with_the_labelling():
    rng = np.random.default_rng(0)
    answers = []
    for size in range(1, 200):
        shape = (1 + size % 32, 1 + (size * 7) % 32)
        binary = rng.random(shape) < rng.uniform(0.3, 0.9)
        expected = flood_labels(binary, diagonal=False).max() + 1 <= 1
        assert is_connected(binary) == expected, (shape, binary.astype(int))
        answers.append(expected)
    assert 20 < sum(answers) < 180                       # both answers were checked
    assert is_connected(np.zeros((3, 4), bool))
    # touching only at a corner is not 4-connected; wrapping around a row end must not connect
    assert not is_connected(np.array([[1, 0], [0, 1]], bool))
    assert not is_connected(np.array([[0, 0, 1], [1, 0, 0]], bool))


def test_dilate_matches_a_shifted_or_and_connects_across_small_gaps():
    rng = np.random.default_rng(1)
    answers = []
    for size in range(1, 150):
        h, w = 1 + size % 33, 1 + (size * 5) % 33
        binary = rng.random((h, w)) < rng.uniform(0.02, 0.2)
        padded = np.pad(binary, 1)
        expected = np.zeros((h, w), bool)
        for dy in range(3):
            for dx in range(3):
                expected |= padded[dy:dy + h, dx:dx + w]
        grown = dilate(binary)
        assert grown.dtype == bool and np.array_equal(grown, expected), binary.astype(int)
        answers.append(is_connected(grown))
    assert 20 < sum(answers) < 130
    # cells with two empty cells between them are bridged, with three not; the row end does not wrap
    assert is_connected(dilate(np.array([[1, 0, 0, 1]], bool)))
    assert not is_connected(dilate(np.array([[1, 0, 0, 0, 1]], bool)))
    assert not is_connected(dilate(np.array([[0, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0]], bool)))


def test_components_of_a_big_image_are_quick():
    image = Image.new("L", (1200, 900), 0)
    draw = ImageDraw.Draw(image)
    rng = np.random.default_rng(0)
    for _ in range(400):                                  # a page of marks
        x, y = rng.uniform(0, 1180), rng.uniform(0, 880)
        draw.line((x, y, x + rng.uniform(-20, 20), y + 20), fill=255, width=3)
    binary = np.asarray(image) > 0
    begin = time.perf_counter()
    labels, boxes, _ = components(binary)
    assert time.perf_counter() - begin < 0.5
    assert 100 < len(boxes) <= 400
