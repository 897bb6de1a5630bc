"""strokes.npz (UNIPEN format): a malformed file gives one sentence naming it, never a traceback."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cnn_numpy.data.pen_archives import UnipenError, UnipenMissingError, load_pen_digits
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.weights import save_weights
from hdr_cli.commands import main


def arrays() -> dict[str, np.ndarray]:
    """Three digits in the format of ../shared/unipen-dev: a 1 (one stroke), a 7 (two strokes), a dot-like 0."""
    strokes = [[[(0, 0), (1, 9)]], [[(0, 9), (5, 9)], [(5, 9), (2, 0)]], [[(3, 3)]]]
    points = [p for sample in strokes for stroke in sample for p in stroke]
    return {"labels": np.array([1, 7, 0], np.int8), "sources": np.array(["aga", "apa", "aga"]),
            "writers": np.array(["a.dat", "b.dat", "a.dat"]),
            "sample_strokes": np.cumsum([0] + [len(s) for s in strokes]),
            "stroke_points": np.cumsum([0] + [len(stroke) for sample in strokes for stroke in sample]),
            "points": np.array(points, np.float32)}


def write(folder: Path, **changes) -> Path:
    """strokes.npz with ``changes`` to the valid arrays (None: array left out)."""
    content = {k: v for k, v in (arrays() | changes).items() if v is not None}
    np.savez(folder / "strokes.npz", **content)
    return folder / "strokes.npz"


def refusal(folder: Path) -> str:
    """The message of loading ``folder``'s strokes.npz, checked to be one sentence naming the file."""
    with pytest.raises(UnipenError) as info:
        load_pen_digits(folder)
    message = str(info.value)
    assert str(folder / "strokes.npz") in message and "\n" not in message and message.endswith(".")
    return message


def test_valid_file_loads_with_y_flipped(tmp_path):
    write(tmp_path)
    digits = load_pen_digits(tmp_path)
    assert list(digits.labels) == [1, 7, 0] and list(digits.sources) == ["aga", "apa", "aga"]
    assert [len(s) for s in digits.strokes] == [1, 2, 1]
    assert np.array_equal(digits.strokes[1][1], np.array([(5, -9), (2, 0)], np.float32))


def test_missing_file_is_a_unipen_error(tmp_path):
    with pytest.raises(UnipenMissingError, match="strokes.npz not found"):
        load_pen_digits(tmp_path)


@pytest.mark.parametrize("content, words", [
    (b"labels,points\n1,2\n", "not a NumPy .npz archive"),
    (b"", "not a NumPy .npz archive"),
    ("truncated", "not a NumPy .npz archive"),
    ("single array", "a single array"),
])
def test_files_that_are_not_npz_archives(tmp_path, content, words):
    path = tmp_path / "strokes.npz"
    if content == "truncated":
        write(tmp_path)
        path.write_bytes(path.read_bytes()[:300])
    elif content == "single array":
        with path.open("wb") as f:
            np.save(f, np.arange(3))
    else:
        path.write_bytes(content)
    assert words in refusal(tmp_path)


def test_damaged_member_is_refused(tmp_path):
    path = write(tmp_path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("points.npy")
    data = bytearray(path.read_bytes())
    name_size, extra_size = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    end = info.header_offset + 30 + name_size + extra_size + info.compress_size
    data[end - 8:end] = bytes(b ^ 0xFF for b in data[end - 8:end])      # the last two points: checksum fails
    path.write_bytes(bytes(data))
    assert "its array points cannot be read" in refusal(tmp_path)


def test_missing_arrays_are_named(tmp_path):
    write(tmp_path, points=None, sources=None)
    assert "lacks the arrays sources, points" in refusal(tmp_path)


def test_object_arrays_are_refused(tmp_path):
    np.savez(tmp_path / "strokes.npz", **(arrays() | {"sources": np.array(["aga", 3, None], dtype=object)}))
    message = refusal(tmp_path)
    assert "its array sources cannot be read" in message and "pickle" in message


@pytest.mark.parametrize("changes, words", [
    ({"labels": np.array([1.0, 7.0, 0.0])}, "labels must be a 1-D array of integers"),
    ({"labels": np.array([[1, 7, 0]])}, "labels must be a 1-D array of integers"),
    ({"labels": np.array([1, 12, 0])}, "labels must be digits 0-9"),
    ({"labels": np.array([1, 7])}, "sources must be 2 strings"),
    ({"sources": np.array([1, 2, 3])}, "sources must be 3 strings"),
    ({"labels": np.zeros(0, np.int8), "sources": np.array([], str), "sample_strokes": np.array([0])},
     "holds no samples"),
    ({"sample_strokes": np.array([0, 1, 3])}, "sample_strokes has 3 entries; 3 samples need 4"),
    ({"sample_strokes": np.array([0, 2, 1, 4])}, "sample_strokes must increase"),
    ({"sample_strokes": np.array([0, 1, 1, 4])}, "sample_strokes must increase"),      # a sample without strokes
    ({"sample_strokes": np.array([1, 2, 3, 4])}, "sample_strokes must start at 0"),
    ({"sample_strokes": np.array([0, 1, 3, 9])}, "sample_strokes ends at 9, but stroke_points describes 4 strokes"),
    ({"sample_strokes": np.array([0, 1, 3, 4], np.uint64)}, None),
    ({"sample_strokes": np.array([0, 2, 1, 4], np.uint64)}, "sample_strokes must increase"),
    ({"stroke_points": np.array([0, 2, 4, 3, 7])}, "stroke_points must increase"),
    ({"stroke_points": np.array([-2, 2, 4, 6, 7])}, "stroke_points must start at 0"),
    ({"stroke_points": np.array([0, 2, 4, 6, 70])}, "stroke_points ends at 70, but points holds 7 points"),
    ({"stroke_points": np.array([0, 2, 4, 6, 2 ** 62])}, "stroke_points ends at"),
    ({"points": np.zeros((7, 3), np.float32)}, "points must be (x, y) pairs of numbers"),
    ({"points": np.array(["a"] * 14).reshape(7, 2)}, "points must be (x, y) pairs of numbers"),
    ({"points": np.full((7, 2), np.inf, np.float32)}, "points must be finite numbers"),
])
def test_malformed_arrays_are_refused(tmp_path, changes, words):
    write(tmp_path, **changes)
    if words is None:                                         # unsigned offsets are fine when they are right
        assert len(load_pen_digits(tmp_path)) == 3
    else:
        assert words in refusal(tmp_path)


def test_evaluate_real_says_one_sentence_and_exits_2(tmp_path, capsys):
    weights = tmp_path / "tiny.npz"
    save_weights(SimpleConvNet(ConvNetConfig(hidden=8)), weights)
    (tmp_path / "u").mkdir()
    write(tmp_path / "u", sample_strokes=np.array([0, 3, 2, 4]))
    argv = ["evaluate-real", "--weights", str(weights), "--unipen-dir", str(tmp_path / "u"),
            "--pendigits-dir", str(tmp_path / "none"), "--out", str(tmp_path / "out")]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith(f"error: {tmp_path / 'u' / 'strokes.npz'} ") and "Traceback" not in captured.err
