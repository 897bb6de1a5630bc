"""The predict command: one line per file in input order, errors reported, exit codes, JSON."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnn_numpy.data.strokes import draw_strokes
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.paths import REPO_ROOT
from cnn_numpy.recognition import files
from cnn_numpy.recognition.files import POOL_MIN_FILES
from cnn_numpy.weights import save_weights
from hdr_cli.commands import main
from hdr_cli.predict import run_predict as cmd_predict

SIZE = 84


def one() -> list[np.ndarray]:
    return [np.array([[36, 22], [46, 14], [46, 70]], np.float32)]


def zero() -> list[np.ndarray]:
    t = np.linspace(0, 2 * np.pi, 40)
    return [np.stack([42 + 16 * np.sin(t), 42 - 26 * np.cos(t)], axis=1).astype(np.float32)]


@pytest.fixture(scope="module")
def weights(tmp_path_factory) -> Path:
    """A small untrained network saved as a calibrated weights file (answers are arbitrary but well-formed;
    every answer is at least "unsure": its probabilities are near 0.1)."""
    path = tmp_path_factory.mktemp("weights") / "small.npz"
    calibration = {"temperature": 1.0, "not_digit_below": 0.0, "unsure_below": 0.6, "margin": 0.0}
    save_weights(SimpleConvNet(ConvNetConfig(hidden=16), seed=0), path, {"calibration": calibration})
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """a_one.png, b_zero.png, c_blank.png and d_corrupt.png (text, not an image)."""
    draw_strokes(one(), 8, SIZE).save(tmp_path / "a_one.png")
    draw_strokes(zero(), 8, SIZE).save(tmp_path / "b_zero.png")
    Image.new("L", (SIZE, SIZE), 0).save(tmp_path / "c_blank.png")
    (tmp_path / "d_corrupt.png").write_text("not a picture")
    return tmp_path


def test_text_output_and_error(folder, weights, capsys):
    assert cmd_predict([folder], weights, as_json=False, workers=1) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    names = ("a_one.png", "b_zero.png", "c_blank.png")
    assert [line.split(":")[0] for line in lines] == [str(folder / n) for n in names]
    assert all(re.fullmatch(r".*: \d \(\d{1,3}\.\d %, unsure: perhaps \d\)", line) for line in lines[:2])
    assert lines[2].endswith(": no digit (blank image)")
    assert str(folder / "d_corrupt.png") in err and err.count("\n") == 1


def test_json_output(folder, weights, capsys):
    assert cmd_predict([folder], weights, as_json=True, workers=1) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(r["path"]).name for r in rows] == ["a_one.png", "b_zero.png", "c_blank.png", "d_corrupt.png"]
    for row in rows[:3]:
        assert set(row) == {"path", "digit", "confidence", "verdict", "probs"} and len(row["probs"]) == 10
    for row in rows[:2]:
        assert sum(row["probs"]) == pytest.approx(1, abs=1e-4)
        assert row["digit"] == int(np.argmax(row["probs"])) and row["confidence"] == max(row["probs"])
    assert rows[2]["digit"] is None and rows[2]["confidence"] == 0 and not any(rows[2]["probs"])
    assert [r["verdict"] for r in rows[:3]] == ["unsure", "unsure", "blank"]
    assert set(rows[3]) == {"path", "error"} and rows[3]["error"]


def test_all_readable_exits_0(folder, weights, capsys):
    (folder / "d_corrupt.png").unlink()
    assert cmd_predict([folder / "a_one.png", folder / "c_blank.png"], weights, as_json=False) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_nothing_to_do_exits_2(tmp_path, weights, capsys):
    assert cmd_predict([tmp_path], weights, as_json=False) == 2
    assert "no image files" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["predict", "--batch-size", "0", str(tmp_path)])
    assert exit_.value.code == 2 and "--batch-size: must be at least 1" in capsys.readouterr().err


def test_pool_gives_the_same_lines_in_order(tmp_path, weights, capsys):
    rng = np.random.default_rng(0)
    count = POOL_MIN_FILES + 9
    for i in range(count):
        path = tmp_path / f"{i:03d}.png"
        if i % 17 == 5:
            path.write_bytes(b"\x89PNG broken")
        elif i % 13 == 0:
            Image.new("L", (SIZE, SIZE), 255).save(path)
        else:
            strokes = [s + rng.normal(0, 2, s.shape).astype(np.float32) for s in (one() if i % 2 else zero())]
            draw_strokes(strokes, rng.uniform(4, 10), SIZE).save(path)
    outputs = []
    for workers in (1, 2):
        assert cmd_predict([tmp_path], weights, as_json=True, batch_size=16, workers=workers) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    rows = [json.loads(line) for line in outputs[1].splitlines()]
    assert [r["path"] for r in rows] == [str(tmp_path / f"{i:03d}.png") for i in range(count)]
    assert sum("error" in r for r in rows) == len(range(5, count, 17))


def test_shipped_weights_read_drawn_digits(recognizer, folder, capsys):
    (folder / "d_corrupt.png").unlink()
    assert cmd_predict([folder], None, as_json=True) == 0
    digits = [json.loads(line)["digit"] for line in capsys.readouterr().out.splitlines()]
    assert digits == [1, 0, None]


def test_main_py_predict(folder, weights):
    run = subprocess.run([sys.executable, str(REPO_ROOT / "main.py"), "predict", "--json", "--weights", str(weights),
                          str(folder)], check=False, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(rows) == 4 and "error" in rows[3] and rows[2]["digit"] is None


def run_main_py(folder: Path, weights: Path, *options: str) -> subprocess.CompletedProcess:
    """``python main.py predict`` with strict UTF-8 standard streams (as PYTHONIOENCODING=utf-8
    gives under a UTF-8 locale): a character that cannot be encoded raises instead of being replaced."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    return subprocess.run([sys.executable, str(REPO_ROOT / "main.py"), "predict", *options, "--weights", str(weights),
                           str(folder)], check=False, capture_output=True, text=True, timeout=120, env=env)


def test_out_of_memory_in_one_image_is_its_error_line(folder, weights, monkeypatch, capsys):
    """A MemoryError while preprocessing one image is that file's error; the run goes on."""
    draw_strokes(one(), 8, SIZE * 2).save(folder / "b_big.png")
    preprocess = files.preprocess

    def short_of_memory(image):
        if image.width > SIZE:
            raise MemoryError
        return preprocess(image)
    monkeypatch.setattr(files, "preprocess", short_of_memory)
    assert cmd_predict([folder], weights, as_json=False, workers=1) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3 and str(folder / "b_big.png") not in out
    assert f"error: {folder / 'b_big.png'}: not enough memory" in err and err.count("\n") == 2


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_unreadable_paths_each_get_an_error_line(folder, weights, monkeypatch, capsys, as_json, deny):
    """A name over 255 bytes, a file in a folder without search permission and a folder that cannot
    be listed each get their own error line, in order; the other paths are answered."""
    long_name = folder / ("x" * 300 + ".png")
    locked, unlisted = folder / "locked", folder / "unlisted"
    for sub in (locked, unlisted):
        sub.mkdir()
        draw_strokes(one(), 8, SIZE).save(sub / "a.png")
    deny("stat", lambda p: p.parent == locked)
    deny("scandir", lambda p: p == unlisted)
    paths = [long_name, locked / "a.png", unlisted, folder / "a_one.png"]
    assert cmd_predict(paths, weights, as_json=as_json, workers=1) == 1
    out, err = capsys.readouterr()
    reasons = ["cannot read: file name too long", "cannot read: permission denied",
               "cannot list folder: permission denied"]
    if as_json:
        rows = [json.loads(line) for line in out.splitlines()]
        assert rows[:3] == [{"path": str(p), "error": r} for p, r in zip(paths, reasons)]
        assert rows[3]["path"] == str(folder / "a_one.png") and rows[3]["digit"] in range(10) and len(rows) == 4
    else:
        assert err.splitlines() == [f"error: {p}: {r}" for p, r in zip(paths, reasons)]
        assert len(out.splitlines()) == 1 and out.startswith(f"{folder / 'a_one.png'}: ")


@pytest.mark.skipif(sys.platform != "linux", reason="file names of arbitrary bytes")
def test_non_utf8_names_with_strict_utf8_output(tmp_path, weights):
    """Names that are not UTF-8 print as their bytes escaped (\\xff); in JSON as the lossless
    surrogate escape Python reads back (os.fsencode gives the original bytes)."""
    good, bad = os.fsencode(tmp_path) + b"/\xff.png", os.fsencode(tmp_path) + b"/\xfe_bad.png"
    with open(good, "wb") as f:
        draw_strokes(one(), 8, SIZE).save(f, "PNG")
    with open(bad, "wb") as f:
        f.write(b"not a picture")
    text = run_main_py(tmp_path, weights)
    assert text.returncode == 1, text.stderr
    assert re.fullmatch(rf"{re.escape(str(tmp_path))}/\\xff\.png: \d \(\d+\.\d %, unsure: perhaps \d\)\n", text.stdout)
    assert text.stderr.startswith(f"error: {tmp_path}/\\xfe_bad.png: not an image file")
    assert text.stderr.count("\n") == 1
    as_json = run_main_py(tmp_path, weights, "--json")
    assert as_json.returncode == 1, as_json.stderr
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [os.fsencode(r["path"]) for r in rows] == [bad, good] and "error" in rows[0] and "digit" in rows[1]


def test_control_characters_in_names_keep_one_line_per_file(tmp_path, weights, capsys):
    """A newline (or any control character) in a name is escaped as repr does: one file, one line."""
    draw_strokes(one(), 8, SIZE).save(tmp_path / "a\nb.png")
    (tmp_path / "c\r\x1bd.png").write_text("not a picture")
    assert cmd_predict([tmp_path], weights, as_json=False, workers=1) == 1
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and out.startswith(f"{tmp_path}/a\\nb.png: ")
    assert err.count("\n") == 1 and err.startswith(f"error: {tmp_path}/c\\r\\x1bd.png: not an image file")


def test_names_the_output_cannot_encode_are_escaped(tmp_path, weights, monkeypatch):
    """On an ASCII-only standard output a Chinese name is written with backslash escapes, not a crash."""
    draw_strokes(one(), 8, SIZE).save(tmp_path / "数字.png")
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", stdout)
    assert cmd_predict([tmp_path], weights, as_json=False, workers=1) == 0
    stdout.flush()
    assert stdout.buffer.getvalue().decode("ascii").startswith(f"{tmp_path}/\\u6570\\u5b57.png: ")


def test_weights_without_calibration_are_used_raw_and_said_once(folder, tmp_path, capsys):
    (folder / "d_corrupt.png").unlink()
    raw = tmp_path / "raw.npz"
    save_weights(SimpleConvNet(ConvNetConfig(hidden=16), seed=0), raw)
    assert cmd_predict([folder], raw, as_json=True, workers=1) == 0
    out, err = capsys.readouterr()
    assert err.count("no calibration") == 1 and "python main.py calibrate" in err
    assert all(json.loads(line)["verdict"] in ("unsure", "digit", "blank") for line in out.splitlines())

