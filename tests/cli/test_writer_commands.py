"""evaluate-real on both validation sets, and calibrate: fitted, recorded, checksummed, used by predict."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from pen_files import LINE, RING, SEVEN, pendigits_text, write_unipen

from cnn_numpy.data import pendigits
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.weights import load_weights, save_weights
from hdr_cli.commands import main


@pytest.fixture
def folders(tmp_path, monkeypatch) -> tuple:
    """(unipen dir with strokes.npz and letters.npz, pendigits dir with a .tes file), tiny."""
    shapes, labels = [LINE, RING, SEVEN] * 6, [1, 0, 7] * 6
    unipen = tmp_path / "unipen"
    write_unipen(unipen / "strokes.npz", shapes, labels, ["g1"] * 18)
    write_unipen(unipen / "letters.npz", [SEVEN, LINE] * 10, [ord("A"), ord("H")] * 10, [f"w{i}" for i in range(20)])
    folder = tmp_path / "pendigits"
    folder.mkdir()
    text = pendigits_text(shapes, labels, [1 + i % 3 for i in range(18)]).encode()
    (folder / "pendigits-orig.tes").write_bytes(text)
    monkeypatch.setitem(pendigits.PENDIGITS_FILES, "pendigits-orig.tes", hashlib.sha256(text).hexdigest())
    return unipen, folder


@pytest.fixture
def weights(tmp_path):
    path = tmp_path / "w.npz"
    save_weights(SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0), path)
    return path


def test_evaluate_real_scores_both_validation_sets(folders, weights, tmp_path, capsys):
    unipen, pen = folders
    argv = ["evaluate-real", "--weights", str(weights), "--unipen-dir", str(unipen), "--pendigits-dir", str(pen),
            "--out", str(tmp_path / "figs"), "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["dev"]["samples"] == 18 and result["pendigits"]["samples"] == 18
    assert set(result["pendigits"]["per_source"]) == {"test-w1", "test-w2", "test-w3"}
    assert all((tmp_path / "figs" / f"{kind}_{key}.png").is_file()
               for kind in ("confusion", "mistakes") for key in ("dev", "pendigits"))


def test_calibrate_records_a_checksummed_calibration_that_predict_uses(folders, weights, capsys):
    unipen, pen = folders
    assert not Recognizer.from_weights(weights).calibrated
    assert main(["calibrate", "--weights", str(weights), "--unipen-dir", str(unipen), "--pendigits-dir", str(pen)]) == 0
    out = capsys.readouterr().out
    assert "temperature" in out and "letters (held-out writers)" in out and "noise and scribbles" in out
    net, meta = load_weights(weights)
    recognizer = Recognizer(net, meta)
    assert recognizer.calibrated and recognizer.calibration.temperature > 0
    assert "calibration" in meta["checksum"]["covers"]
    assert set(meta["calibration_figures"]) >= {"UNIPEN dev writers", "pendigits test writers"}
    edited = dict(meta, calibration={**meta["calibration"], "temperature": 99.0})
    weights.with_suffix(".json").write_text(json.dumps(edited))
    assert main(["evaluate-real", "--weights", str(weights), "--unipen-dir", str(unipen),
                 "--out", str(weights.parent / "f")]) == 2                        # an edited calibration is refused
    assert str(weights) in capsys.readouterr().err


def test_probabilities_are_calibrated_and_answers_unchanged(folders, weights):
    unipen, pen = folders
    assert main(["calibrate", "--weights", str(weights), "--unipen-dir", str(unipen), "--pendigits-dir", str(pen)]) == 0
    net, meta = load_weights(weights)
    x = np.random.default_rng(0).random((5, 28, 28), np.float32)
    raw, calibrated = Recognizer(net).recognize_inputs(x), Recognizer(net, meta).recognize_inputs(x)
    assert np.array_equal(raw.digits, calibrated.digits)
    np.testing.assert_allclose(calibrated.probs.sum(axis=1), 1, rtol=1e-5)
