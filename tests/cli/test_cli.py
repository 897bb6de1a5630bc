"""The command line end to end: train --ship, evaluate, and clear errors for missing data."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from cnn_numpy.files import sha256_file
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.paths import DEFAULT_WEIGHTS, REPO_ROOT
from cnn_numpy.reporting import printable_command
from cnn_numpy.weights import load_weights, save_weights
from hdr_cli.commands import main


def test_train_ship_writes_weights_metadata_and_log(tmp_path, mnist_dir, capsys, monkeypatch):
    for var in ("HDR_UNIPEN_DIR", "HDR_PENDIGITS_DIR"):       # no validation writers: shipped uncalibrated
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    out, ship = tmp_path / "run", tmp_path / "w" / "net.npz"
    argv = ["train", "--subset", "600", "--epochs", "1", "--hidden", "16", "--styles", "0.2", "--seed", "4",
            "--pen-renders", "0", "--letters", "0", "--noise", "0",
            "--out", str(out), "--ship", str(ship), "--data-dir", str(mnist_dir)]
    monkeypatch.setattr(sys, "argv", ["main.py", *argv])
    assert main(argv) == 0
    net, meta = load_weights(ship)
    assert net.params["W2"].shape == (4320, 16)
    assert meta["sha256"] == sha256_file(ship)
    assert meta["seed"] == 4 and meta["epochs"] == 1
    assert "--data-dir" not in meta["command"] and meta["command"].startswith("python main.py train")
    assert set(meta["data_sha256_uncompressed"]) == {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                                     "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
    assert meta["mnist_test"]["samples"] == 10000 and len(meta["mnist_test"]["per_digit"]) == 10
    assert json.loads((ship.parent / "training_log.json").read_text())[0]["epoch"] == 1
    assert (out / "curves.png").is_file()
    out_err = capsys.readouterr()
    assert "all |" in out_err.out and "without validation writers or calibration" in out_err.err
    assert "calibration" not in meta


def test_evaluate_json_matches_the_shipped_metadata(recognizer, mnist_dir, capsys):
    assert main(["evaluate", "--json", "--data-dir", str(mnist_dir)]) == 0
    result = json.loads(capsys.readouterr().out)
    _, meta = load_weights(DEFAULT_WEIGHTS)
    assert result["accuracy"] == pytest.approx(meta["mnist_test"]["accuracy"], abs=1e-6)
    # The shipped level, guarded: 99.36 %, digit 9 at 98.51 %. The targets, 99.4 % and every digit
    # 99.0 %, are missed by these weights (README, "Targets, honestly"), which trade 0.2 MNIST points
    # for 4 points on European writers.
    assert result["accuracy"] >= 0.9935
    assert min(result["per_digit"].values()) >= 0.985


def test_missing_mnist_says_how_to_get_it(tmp_path, capsys):
    weights = tmp_path / "tiny.npz"
    save_weights(SimpleConvNet(ConvNetConfig(hidden=8)), weights)
    assert main(["evaluate", "--weights", str(weights), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "download-mnist" in err and str(tmp_path) in err


def test_train_refuses_zero_epochs(mnist_dir, capsys):
    with pytest.raises(SystemExit):
        main(["train", "--epochs", "0", "--data-dir", str(mnist_dir)])
    assert "--epochs: must be at least 1" in capsys.readouterr().err


def test_bad_weights_give_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "w.npz"
    bad.write_bytes(b"not a zip")
    assert main(["evaluate", "--weights", str(bad), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "Traceback" not in err


def test_printable_command_drops_machine_folders():
    argv = ["train", "--data-dir", "/x", "--epochs", "3", "--unipen-dir=/y", "--out", "a b"]
    assert printable_command("python main.py", argv) == "python main.py train --epochs 3 --out 'a b'"


def test_main_py_help_lists_the_commands():
    out = subprocess.run([sys.executable, str(REPO_ROOT / "main.py"), "--help"], capture_output=True, text=True,
                         check=True).stdout
    for command in ("train", "evaluate", "evaluate-real", "predict", "download-mnist"):
        assert command in out


def test_shipped_weights_are_float32_and_documented(recognizer):
    meta = recognizer.metadata
    assert all(v.dtype == np.float32 for v in recognizer.net.params.values())
    for key in ("command", "seed", "epochs", "data_sha256_uncompressed", "mnist_test", "sha256", "architecture"):
        assert key in meta
