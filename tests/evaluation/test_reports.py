"""The reports, end to end on tiny synthetic data (no MNIST or UNIPEN needed)."""
from __future__ import annotations

import gzip
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cnn_numpy.data.pen_archives import load_pen_digits
from cnn_numpy.data.strokes import render_all
from cnn_numpy.evaluation.real_writers import RealWriterInputs, evaluate_real_writers
from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
from cnn_numpy.recognition.recognizer import Recognizer
from cnn_numpy.training.trainer import TrainConfig
from cnn_numpy.weights import save_weights
from reports import (
    ablations,
    command_line,
    compare_models,
    evaluation_report,
)

TRAIN, TEST = 300, 200


def write_idx(path: Path, array: np.ndarray) -> None:
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def synthetic_digits(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Digit d is a bar at row 4 + 2d, with noise: learnable in one epoch."""
    labels = (np.arange(n) % 10).astype(np.uint8)
    images = (rng.random((n, 28, 28)) * 60).astype(np.uint8)
    for i, d in enumerate(labels):
        images[i, 4 + 2 * d:6 + 2 * d, 6:22] = 255
    return images, labels


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A folder of MNIST-format files: 300 training and 200 test images."""
    folder = tmp_path_factory.mktemp("mnist")
    rng = np.random.default_rng(0)
    for split, n in (("train", TRAIN), ("t10k", TEST)):
        images, labels = synthetic_digits(n, rng)
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels)
    return folder


@pytest.fixture(scope="module")
def unipen_dir(tmp_path_factory) -> Path:
    """A strokes.npz of 12 pen digits (lines, circles, a 7) in the UNIPEN dev format."""
    folder = tmp_path_factory.mktemp("unipen")
    circle = [(50 * math.sin(t), 80 * math.cos(t)) for t in np.linspace(0, 2 * math.pi, 30)]
    shapes = {1: [[(0, 100), (3, 0)]], 0: [circle], 7: [[(0, 100), (60, 100), (20, 0)]]}
    strokes, labels = [], []
    for i in range(12):
        digit = (1, 0, 7)[i % 3]
        strokes.append([np.array(s, np.float32) * (1 + 0.1 * i) for s in shapes[digit]])
        labels.append(digit)
    counts = [len(s) for s in strokes]
    points = [p for sample in strokes for stroke in sample for p in stroke]
    lengths = [len(stroke) for sample in strokes for stroke in sample]
    np.savez(folder / "strokes.npz", labels=np.array(labels, np.int8), sources=np.array(["syn"] * 12),
             writers=np.array(["w"] * 12), sample_strokes=np.cumsum([0] + counts),
             stroke_points=np.cumsum([0] + lengths), points=np.array(points, np.float32))
    return folder


@pytest.fixture(scope="module")
def weights(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("weights") / "w.npz"
    save_weights(SimpleConvNet(ConvNetConfig(filter_num=4, hidden=16), seed=0), path, {"command": "test"})
    return path


@pytest.fixture
def no_unipen(monkeypatch, tmp_path) -> None:
    """No validation writers unless a test passes a folder: neither UNIPEN nor pendigits is found."""
    monkeypatch.delenv("HDR_UNIPEN_DIR", raising=False)
    monkeypatch.delenv("HDR_PENDIGITS_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))


def test_command_line_leaves_out_machine_folders():
    argv = ["--data-dir", "/x", "--subset", "5", "--unipen-dir=/y", "--out", "a b"]
    assert command_line("reports.ablations", argv) == "python -m reports.ablations --subset 5 --out 'a b'"


def test_prepared_real_writer_inputs_give_the_apps_predictions(unipen_dir, weights):
    recognizer = Recognizer.from_weights(weights)
    digits = load_pen_digits(unipen_dir)
    app = recognizer.recognize_images(list(render_all(digits)))        # as the canvas: picture by picture
    prepared = evaluate_real_writers(recognizer, RealWriterInputs.of(digits))
    assert np.array_equal(prepared.recognitions.inputs, app.inputs)
    assert np.array_equal(prepared.scores.predictions, app.digits)
    assert prepared.scores.overall == np.mean(app.digits == digits.labels)


def test_evaluation_report(tmp_path, data_dir, unipen_dir, weights):
    log = tmp_path / "log.json"
    log.write_text(json.dumps([{"epoch": e, "train_loss": 1 / e, "train_acc": 0.5 + e / 10, "val_loss": 1.2 / e,
                                "val_acc": 0.5 + e / 11, "lr": 1e-3, "seconds": 1.0} for e in (1, 2)]))
    out = tmp_path / "report"
    cm = evaluation_report.build_report(weights, out, log, data_dir, unipen_dir, 100, "python -m x", log=print)
    assert cm.shape == (10, 10) and cm.sum() == 100
    readme = (out / "README.md").read_text()
    for name in ("confusion.png", "mistakes.png", "curves.png", "per_digit.png", "reliability.png"):
        assert (out / name).stat().st_size > 1000
        assert f"]({name})" in readme
    assert readme.count("    python -m x") == 5 and "ECE" in readme


def test_evaluation_report_cli_without_log_or_unipen(tmp_path, data_dir, weights, no_unipen, capsys):
    out = tmp_path / "report"
    assert evaluation_report.main(["--weights", str(weights), "--out", str(out), "--log", str(tmp_path / "none"),
                                   "--subset", "50", "--data-dir", str(data_dir)]) == 0
    assert not (out / "curves.png").exists() and (out / "per_digit.png").exists()
    assert "validation writers skipped" in (out / "README.md").read_text()
    assert "real-writer figures skipped" in capsys.readouterr().out


@pytest.mark.parametrize("with_unipen", [True, False])
def test_per_digit_report(tmp_path, data_dir, unipen_dir, weights, no_unipen, with_unipen):
    png = tmp_path / "per_digit.png"
    scores = evaluation_report.per_digit_report(weights, data_dir, unipen_dir if with_unipen else None, png,
                                                caption="cmd")
    assert [s.name for s in scores] == ["MNIST test", "UNIPEN dev writers"][:1 + with_unipen]
    assert int(scores[0].counts.sum()) == TEST and png.stat().st_size > 1000


def test_compare_models(tmp_path, data_dir, unipen_dir):
    out = tmp_path / "comparison.md"
    assert compare_models.main(["--subset", "250", "--epochs", "1", "--cnn-epochs", "1", "--out", str(out),
                                "--data-dir", str(data_dir), "--unipen-dir", str(unipen_dir)]) == 0
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "model" not in line]
    assert [r.split(" | ")[0][2:] for r in rows] == ["softmax regression", "MLP 784-512-256-10", "kNN (k=3)",
                                                     "linear SVM (hinge)",
                                                     "SVM, RBF kernel via random Fourier features",
                                                     "LSTM (64 units, rows as a sequence)", "SimpleConvNet (CNN)"]
    assert "Training: 250 MNIST training images" in text and "12 UNIPEN dev samples" in text
    assert "    python -m reports.compare_models --subset 250 --epochs 1 --cnn-epochs 1 --out" in text
    assert "--data-dir" not in text


def test_ablation_runs_are_one_factor_from_the_reference():
    runs = ablations.select_runs()
    assert len(runs) == 18 and len({r.name for r in runs}) == 18 and runs[0].name == "reference"
    reference = ablations.train_config(runs[0], 3)
    assert reference == TrainConfig(epochs=3, net=replace(ConvNetConfig(), hidden=512, dropout=0.3))
    assert ablations.train_config(ablations.Run("hidden", "1024"), 3).net.hidden == 1024
    budget = ablations.Budget(3, 100, 0.0, 50, None)
    reference_key = ablations.cache_key(runs[0], reference, budget)
    assert "conv_layers" not in reference_key          # the one-stage runs' keys predate the factor
    for run in runs[1:]:
        changed = ablations.train_config(run, 3)
        if run.factor == "conv-layers":                  # another network, same settings
            assert changed == reference and ablations.cache_key(run, changed, budget) != reference_key
        else:
            assert changed != reference, run.name
    with pytest.raises(ValueError, match="unknown factor"):
        ablations.select_runs(["pooling"])


def test_ablations_end_to_end_and_cached(tmp_path, data_dir, unipen_dir, monkeypatch):
    out = tmp_path / "ablations"
    argv = ["--only", "hidden,conv-layers", "--budget-epochs", "1", "--subset", "200", "--styles", "0",
            "--out", str(out), "--data-dir", str(data_dir), "--unipen-dir", str(unipen_dir)]
    assert ablations.main(argv) == 0
    readme = (out / "README.md").read_text()
    assert [line.split(" | ")[0][2:] for line in readme.splitlines() if line.startswith("| ")][1:] == \
        ["reference", "hidden=100", "hidden=256", "hidden=1024", "conv-layers=2"]
    assert (out / "ablations.png").stat().st_size > 1000
    assert "    python -m reports.ablations --only hidden,conv-layers --budget-epochs 1" in readme
    assert len(list((out / "cache").glob("*.json"))) == 5
    two_stage = json.loads(next((out / "cache").glob("conv-layers_2-*.json")).read_text())
    assert two_stage["params"] == 780 + 8130 + 750 * 512 + 512 + 5130 and two_stage["key"]["conv_layers"] == 2

    def no_training(*args, **kwargs):
        raise AssertionError("a cached run was trained again")
    monkeypatch.setattr(ablations, "train", no_training)
    monkeypatch.setattr(ablations, "Trainer", no_training)
    assert ablations.main(argv) == 0
    assert (out / "README.md").read_text() == readme


def test_missing_data_or_bad_options_end_with_status_2(tmp_path, weights, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert evaluation_report.main(["--weights", str(weights), "--out", str(tmp_path / "r"),
                                   "--data-dir", str(empty)]) == 2
    assert "t10k-images-idx3-ubyte" in capsys.readouterr().err
    assert compare_models.main(["--unipen-dir", str(empty), "--data-dir", str(empty)]) == 2
    with pytest.raises(SystemExit) as exit_info:
        ablations.main(["--only", "pooling"])
    assert exit_info.value.code == 2
