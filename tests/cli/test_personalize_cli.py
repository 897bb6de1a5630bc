"""python main.py personalize and evaluate-personal, end to end on tiny data: a progress bar, personal
weights that predict/evaluate take, and one-line errors with exit code 2 that write nothing."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from pen_files import LINE, RING, SEVEN, pendigits_text
from PIL import Image, ImageDraw

from cnn_numpy.data import pendigits
from cnn_numpy.data.samples import save_sample
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.training import personalize as personalize_module
from cnn_numpy.training.personalize import DRAWN_REPLAY, drawn_replay
from cnn_numpy.weights import load_weights, metadata_path, save_weights
from hdr_cli import commands
from hdr_cli.commands import main


@pytest.fixture
def base(tmp_path):
    path = tmp_path / "base.npz"
    save_weights(SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0), path)
    return path


@pytest.fixture
def samples(tmp_path):
    for digit in (1, 7):
        for x in (15, 20):
            im = Image.new("L", (40, 40), 0)
            ImageDraw.Draw(im).line((x, 5, x + digit, 35), fill=255, width=3)
            save_sample(tmp_path / "samples", digit, im)
    return tmp_path / "samples"


def test_personalize_writes_weights_that_predict_takes(base, samples, tmp_path, capsys):
    out = tmp_path / "me" / "personal.npz"
    argv = ["personalize", str(samples), "--out", str(out), "--weights", str(base), "--steps", "3", "--replay", "none"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "personalising [" in captured.err and "100.0%" in captured.err
    assert f"wrote {out}" in captured.out and "4 samples" in captured.out
    _, meta = load_weights(out)
    assert meta["personal"]["settings"]["steps"] == 3 and meta["personal"]["samples"] == 4
    assert main(["predict", "--json", "--weights", str(out), str(samples / "1")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_without_mnist_drawn_digits_are_replayed_and_said(base, samples, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(personalize_module, "drawn_replay", lambda: drawn_replay(count=30))   # quicker
    out = tmp_path / "p.npz"
    assert main(["personalize", str(samples), "--out", str(out), "--weights", str(base), "--steps", "3",
                 "--data-dir", str(tmp_path / "no-mnist")]) == 0
    assert "drawn templates of the ten digits are replayed instead" in capsys.readouterr().err
    assert load_weights(out)[1]["personal"]["replay"] == DRAWN_REPLAY


@pytest.mark.parametrize("folder, words", [("missing", "does not exist"), ("empty", "holds no sample images"),
                                           ("badname", "'ones'")])
def test_bad_sample_folders_give_one_line_and_exit_2(base, tmp_path, capsys, folder, words):
    (tmp_path / "empty").mkdir()
    (tmp_path / "badname" / "ones").mkdir(parents=True)
    out = tmp_path / "p.npz"
    assert main(["personalize", str(tmp_path / folder), "--out", str(out), "--weights", str(base),
                 "--replay", "none"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and words in err and "\n" not in err
    assert not out.exists() and not metadata_path(out).exists()


def test_output_must_be_an_npz_file(samples, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["personalize", str(samples), "--out", str(tmp_path / "p.txt")])
    assert ".npz" in capsys.readouterr().err


def test_evaluate_personal_reports_every_writer(base, tmp_path, capsys, monkeypatch):
    rng = np.random.default_rng(0)   # a stand-in for the MNIST test set, which the real run reads
    monkeypatch.setattr(commands, "load_mnist", lambda split, folder: (
        rng.integers(0, 256, (40, 28, 28), dtype=np.uint8), np.arange(40, dtype=np.uint8) % 10))
    shapes, labels = [LINE, RING, SEVEN] * 8, [1, 0, 7] * 8
    text = pendigits_text(shapes, labels, [1 + i % 2 for i in range(24)]).encode()
    (tmp_path / "pendigits-orig.tes").write_bytes(text)
    monkeypatch.setitem(pendigits.PENDIGITS_FILES, "pendigits-orig.tes", hashlib.sha256(text).hexdigest())
    argv = ["evaluate-personal", "--weights", str(base), "--pendigits-dir", str(tmp_path), "--steps", "2",
            "--replay", "none", "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["writers"] == 2 and [r["full"]["writer"] for r in report["per_writer"]] == ["test-w1", "test-w2"]
    first = report["per_writer"][0]
    assert first["full"]["samples"] == 6 and first["full"]["others"] == 6     # 2 of each of 0, 1, 7 of 12
    assert first["few"]["samples"] == 6 and first["few"]["others"] == 4       # 3 of two digits; the third's 4
    assert 0 <= report["after"] <= 1 and 0 <= first["full"]["mnist"] <= 1 and np.isfinite(report["seconds"])
