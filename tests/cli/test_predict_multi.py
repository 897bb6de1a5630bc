"""``predict --multi``: the number in each image, every digit boxed, plain and JSON; errors as predict's."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from number_drawings import canvas
from PIL import Image, ImageDraw

from cnn_numpy.recognition.segment import MAX_PIECES
from hdr_cli.commands import main

pytestmark = pytest.mark.needs_weights


@pytest.fixture
def folder(tmp_path, recognizer) -> Path:
    """a_number.png ("704"), b_blank.png, c_marks.png (more marks than MAX_PIECES), d_corrupt.png."""
    canvas(["7", "0", "4"]).save(tmp_path / "a_number.png")
    Image.new("L", (200, 100), 255).save(tmp_path / "b_blank.png")
    marks = Image.new("L", (1200, 200), 255)
    for i in range(MAX_PIECES + 8):
        ImageDraw.Draw(marks).line((10 + 25 * i, 60, 14 + 25 * i, 120), fill=0, width=5)
    marks.save(tmp_path / "c_marks.png")
    (tmp_path / "d_corrupt.png").write_text("not a picture")
    return tmp_path


def test_noise_reads_no_number(tmp_path, recognizer, capsys):
    for i, shape in enumerate([(300, 400), (600, 800)]):
        noise = np.random.default_rng(i).integers(0, 256, shape).astype(np.uint8)
        Image.fromarray(noise, "L").save(tmp_path / f"noise{i}.png")
    assert main(["predict", "--multi", str(tmp_path)]) == 0
    for i, line in enumerate(capsys.readouterr().out.splitlines()):
        assert line.startswith(f"{tmp_path / f'noise{i}.png'}: no ")
        assert line.endswith(": no digits (a texture, not writing)") or ": no number (" in line


def test_plain_lines(folder, capsys):
    assert main(["predict", "--multi", str(folder)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(re.escape(str(folder / "a_number.png")) + r": 704 \(7 \d+\.\d %, 0 \d+\.\d %, 4 \d+\.\d %\)",
                        lines[0])
    assert lines[1] == f"{folder / 'b_blank.png'}: no digits (blank image)"
    assert lines[2].endswith(f"; more than {MAX_PIECES} pieces, the rest ignored)")
    assert err.startswith(f"error: {folder / 'd_corrupt.png'}: ") and err.count("\n") == 1


def test_json_lines(folder, capsys):
    image = Image.open(folder / "a_number.png")
    assert main(["predict", "--multi", "--json", str(folder)]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(r["path"]).name for r in rows] == ["a_number.png", "b_blank.png", "c_marks.png", "d_corrupt.png"]
    number = rows[0]
    assert set(number) == {"path", "text", "digits"} and number["text"] == "704"
    assert [d["digit"] for d in number["digits"]] == [7, 0, 4]
    for d in number["digits"]:
        assert set(d) == {"digit", "confidence", "verdict", "box"} and d["verdict"] == "digit"
        x0, y0, x1, y1 = d["box"]
        assert 0 <= x0 < x1 <= image.width and 0 <= y0 < y1 <= image.height
    assert [d["box"][0] for d in number["digits"]] == sorted(d["box"][0] for d in number["digits"])
    assert rows[1] == {"path": str(folder / "b_blank.png"), "text": "", "digits": []}
    assert rows[2]["capped"] is True and len(rows[2]["digits"]) == MAX_PIECES
    assert set(rows[3]) == {"path", "error"}


def test_without_multi_predict_is_unchanged(folder, capsys):
    assert main(["predict", "--json", str(folder / "a_number.png")]) == 0
    row = json.loads(capsys.readouterr().out)
    assert set(row) == {"path", "digit", "confidence", "verdict", "probs"}
