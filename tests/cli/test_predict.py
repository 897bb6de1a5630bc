"""The predict command: one line per file in input order, errors reported, exit codes, JSON."""
from __future__ import annotations

import json
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
    """A small untrained network saved as a weights file (answers are arbitrary but well-formed)."""
    path = tmp_path_factory.mktemp("weights") / "small.npz"
    save_weights(SimpleConvNet(ConvNetConfig(hidden=16), seed=0), path)
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
    assert all(re.fullmatch(r".*: \d \(\d{1,3}\.\d %\)", line) for line in lines[:2])
    assert lines[2].endswith(": no digit (blank image)")
    assert str(folder / "d_corrupt.png") in err and err.count("\n") == 1


def test_json_output(folder, weights, capsys):
    assert cmd_predict([folder], weights, as_json=True, workers=1) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(r["path"]).name for r in rows] == ["a_one.png", "b_zero.png", "c_blank.png", "d_corrupt.png"]
    for row in rows[:3]:
        assert set(row) == {"path", "digit", "confidence", "probs"} and len(row["probs"]) == 10
    for row in rows[:2]:
        assert sum(row["probs"]) == pytest.approx(1, abs=1e-4)
        assert row["digit"] == int(np.argmax(row["probs"])) and row["confidence"] == max(row["probs"])
    assert rows[2]["digit"] is None and rows[2]["confidence"] == 0 and not any(rows[2]["probs"])
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
