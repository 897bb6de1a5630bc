"""The numbers development set and evaluate-numbers: one writer per number, touching pairs counted,
error kinds aligned, single digits read both ways, the command's table and JSON."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from pen_files import LINE, RING, SEVEN, pendigits_text, write_unipen

from cnn_numpy.data import pendigits
from cnn_numpy.data.strokes import PenDigits, render_all
from cnn_numpy.evaluation.calibrate import noise_images
from cnn_numpy.evaluation.number_sets import MEDIA, canvas_number, canvas_strokes, number_samples
from cnn_numpy.evaluation.numbers import error_kinds, not_digit_check, scrawls, single_digit_check
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.weights import save_weights
from hdr_cli import commands
from hdr_cli.commands import main


@pytest.mark.parametrize("read,truth,kinds", [("2026", "2026", (0, 0, 0)), ("20726", "2026", (1, 0, 0)),
                                              ("226", "2026", (0, 1, 0)), ("2027", "2026", (0, 0, 1)),
                                              ("", "12", (0, 2, 0)), ("9", "", (1, 0, 0))])
def test_error_kinds(read, truth, kinds):
    assert error_kinds(read, truth) == kinds


@pytest.mark.parametrize("medium", MEDIA)
def test_numbers_are_by_one_writer_and_reproducible(medium):
    shapes = [np.asarray(s, np.float32) for shape in (LINE, RING, SEVEN) for s in shape]
    strokes = [[s * (1 + 0.1 * w)] for w in range(3) for s in shapes]
    labels = np.array([1, 0, 7] * 3)
    writers = np.repeat(["a", "b", "c"], 3)
    digits = PenDigits(strokes, labels, writers)
    first, again = number_samples(digits, 12, medium, seed=3), number_samples(digits, 12, medium, seed=3)
    assert [s.text for s in first] == [s.text for s in again]
    assert np.array_equal(np.asarray(first[0].image), np.asarray(again[0].image))
    for sample in first:
        assert 2 <= len(sample.text) <= 6 and set(sample.text) <= {"0", "1", "7"} and sample.touching >= 0
        if medium == "canvas":
            assert sample.image.mode == "L" and sample.image.height == 280
        else:
            assert sample.image.format == "JPEG" and sample.image.mode in ("L", "RGB")
    assert {s.writer for s in first} == {"a", "b", "c"}


def test_a_number_written_stroke_by_stroke_ends_as_the_number_drawn():
    strokes = [[np.asarray(s, np.float32) for s in shape] for shape in (LINE, RING, SEVEN)]
    written = canvas_strokes(strokes, 1.0, np.random.default_rng(5))
    image, touching = canvas_number(strokes, 1.0, np.random.default_rng(5))
    assert touching == written.touching and np.array_equal(np.asarray(written.draw()), np.asarray(image))
    inks = [np.asarray(written.draw(count)) > 0 for count in range(1, len(written.strokes) + 1)]
    assert all((a <= b).all() and a.sum() < b.sum() for a, b in zip(inks, inks[1:]))     # each stroke adds ink


def test_single_digit_check_counts_both_readings():
    shapes = [np.asarray(s, np.float32) for shape in (LINE, RING, SEVEN) for s in shape]
    digits = PenDigits([[s] for s in shapes] * 2, np.array([1, 0, 7] * 2), np.repeat(["a", "b"], 3))
    recognizer = Recognizer(SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0))
    seen = []
    check = single_digit_check(recognizer, digits, on_sample=lambda: seen.append(1))
    assert check.digits == 6 == len(seen)
    assert 0 <= check.changed <= 6 and 0 <= check.right_single <= 6 and 0 <= check.right_number <= 6
    assert abs(check.right_single - check.right_number) <= check.changed
    assert check == single_digit_check(recognizer, digits)


def test_not_digit_check_counts_both_readings():
    shapes = [np.asarray(s, np.float32) for shape in (LINE, RING, SEVEN) for s in shape]
    letters = PenDigits([[s] for s in shapes] * 2, np.array([ord(c) for c in "AHN"] * 2), np.repeat(["a", "b"], 3))
    recognizer = Recognizer(SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0))
    check = not_digit_check(recognizer, render_all(letters))
    assert check.pictures == 6
    assert 0 <= check.digit_number <= check.text_number <= 6 and 0 <= check.digit_single <= 6
    assert check == not_digit_check(recognizer, render_all(letters))


def test_scrawls_cover_the_canvas_and_its_border_and_are_drawn_alike():
    first, again = list(scrawls(3, count=5)), list(scrawls(3, count=5))
    for image, same in zip(first, again):
        ink = np.asarray(image) > 127
        assert image.height == 280 and image.width in (280, 560, 840) and np.array_equal(ink, np.asarray(same) > 127)
        assert ink.mean() > 0.1 and ink[[0, -1]].any() and ink[:, [0, -1]].any()


def test_evaluate_numbers_command(tmp_path, monkeypatch, capsys):
    shapes, labels = [LINE, RING, SEVEN] * 4, [1, 0, 7] * 4
    unipen = tmp_path / "unipen"
    write_unipen(unipen / "strokes.npz", shapes, labels, ["w1"] * 6 + ["w2"] * 6)
    folder = tmp_path / "pendigits"
    folder.mkdir()
    text = pendigits_text(shapes, labels, [1 + i % 2 for i in range(12)]).encode()
    (folder / "pendigits-orig.tes").write_bytes(text)
    monkeypatch.setitem(pendigits.PENDIGITS_FILES, "pendigits-orig.tes", hashlib.sha256(text).hexdigest())
    weights = tmp_path / "w.npz"
    save_weights(SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0), weights)
    argv = ["evaluate-numbers", "--weights", str(weights), "--unipen-dir", str(unipen), "--pendigits-dir", str(folder),
            "--count", "3"]
    assert main(argv + ["--single-digits", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    keys = {f"{k}_{m}" for k in ("dev", "pendigits") for m in MEDIA}
    assert keys <= set(result) and result["split"] == "network"
    for key in keys:
        assert result[key]["numbers"] == 3 and 0 <= result[key]["exact"] <= 1
    singles = result["single_digits"]
    assert set(singles) == {"dev", "pendigits"} and all(c["digits"] == 12 for c in singles.values())
    assert main(argv + ["--single-digits"]) == 0
    out = capsys.readouterr().out.splitlines()
    numbers = [line for line in out if " single digits: " not in line]
    assert numbers[0].startswith("writers_medium") and len(numbers) == 6 and numbers[-1].startswith("split: network")
    assert len(out) - len(numbers) == 2
    assert main(argv + ["--not-digits"]) == 2            # no letters.npz beside strokes.npz
    assert "letters.npz" in capsys.readouterr().err
    write_unipen(unipen / "letters.npz", [SEVEN, LINE] * 10, [ord("A"), ord("H")] * 10, [f"w{i}" for i in range(20)])
    monkeypatch.setattr(commands, "noise_images", lambda: noise_images(40))         # fewer than 600 for speed
    monkeypatch.setattr(commands, "scrawls", lambda seed: scrawls(seed, 20))        # and than 200
    assert main(argv + ["--not-digits", "--json"]) == 0
    others = json.loads(capsys.readouterr().out)["not_digits"]
    assert {k: c["pictures"] for k, c in others.items()} == {"letters": 4, "scribbles": 20,
                                                             "scrawls over the canvas": 20, "noise": 20}
    assert all(0 <= c["digit_number"] <= c["text_number"] <= c["pictures"] for c in others.values())
