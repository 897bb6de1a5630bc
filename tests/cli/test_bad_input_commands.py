"""Bad weights and empty MNIST splits through the commands: one error line and exit 2, never an answer of NaN."""
from __future__ import annotations

import gzip
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnn_numpy.data.mnist import FILES
from cnn_numpy.files import sha256_file
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.weights import metadata_path, save_weights
from hdr_cli.commands import main


@pytest.fixture
def nan_weights(tmp_path) -> Path:
    """A small network whose W2 holds one NaN, with old-style metadata whose SHA-256 matches it."""
    net = SimpleConvNet(ConvNetConfig(hidden=8), seed=0)
    path = tmp_path / "nan.npz"
    save_weights(net, path)
    w2 = net.params["W2"].copy()
    w2[0, 0] = np.nan
    np.savez(path, **{**net.params, "W2": w2})
    meta = {k: v for k, v in json.loads(metadata_path(path).read_text()).items() if k != "checksum"}
    metadata_path(path).write_text(json.dumps({**meta, "sha256": sha256_file(path)}))
    return path


def one_error_line(capsys, *names: str) -> None:
    """Nothing on stdout, one line on stderr naming ``names``, no NaN anywhere."""
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert all(name in err for name in names), err
    assert "nan %" not in err.lower()


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_predict_with_nan_weights_refuses_them(nan_weights, tmp_path, capsys, as_json):
    Image.new("L", (28, 28), 255).save(tmp_path / "digit.png")
    argv = ["predict", "--weights", str(nan_weights), str(tmp_path / "digit.png")]
    assert main(argv + (["--json"] if as_json else [])) == 2
    one_error_line(capsys, str(nan_weights), "NaN")


def test_evaluate_with_nan_weights_refuses_them(nan_weights, tmp_path, capsys):
    assert main(["evaluate", "--weights", str(nan_weights), "--data-dir", str(tmp_path)]) == 2
    one_error_line(capsys, str(nan_weights), "NaN")


def write_empty_split(folder: Path, split: str) -> None:
    """MNIST files of ``split`` holding 0 images and 0 labels."""
    images, labels = FILES[split]
    (folder / (images + ".gz")).write_bytes(gzip.compress(struct.pack(">IIII", 0x803, 0, 28, 28)))
    (folder / (labels + ".gz")).write_bytes(gzip.compress(struct.pack(">II", 0x801, 0)))


def test_evaluate_on_an_empty_test_set_is_refused(tmp_path, capsys):
    write_empty_split(tmp_path, "test")
    weights = tmp_path / "w.npz"
    save_weights(SimpleConvNet(ConvNetConfig(hidden=8)), weights)
    assert main(["evaluate", "--json", "--weights", str(weights), "--data-dir", str(tmp_path)]) == 2
    one_error_line(capsys, FILES["test"][0], "no images")


def test_training_on_an_empty_training_set_is_refused(tmp_path, capsys):
    write_empty_split(tmp_path, "train")
    argv = ["train", "--epochs", "1", "--val-size", "0", "--out", str(tmp_path / "run"), "--data-dir", str(tmp_path)]
    assert main(argv) == 2
    one_error_line(capsys, FILES["train"][0], "no images")
