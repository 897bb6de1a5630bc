"""int8 weights: export, a faithful round trip (within half a scale step), loading wherever weights load, and
refusal (one WeightsError naming the file) of hostile int8 files."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_weights_files import reseal

from cnn_numpy.files import sha256_file
from cnn_numpy.nn.convnet import PARAM_NAMES, ConvNetConfig, SimpleConvNet
from cnn_numpy.nn.quantize import CHANNEL_AXIS, dequantize, quantize
from cnn_numpy.weights import (
    INT8_SCHEME,
    WeightsError,
    load_weights,
    metadata_checksum,
    metadata_path,
    npz_headers,
    save_int8_weights,
    save_weights,
)
from hdr_cli.commands import main

CALIBRATION = {"temperature": 1.5, "not_digit_below": 0.3, "unsure_below": 0.6, "margin": 0.0}


@pytest.fixture
def net() -> SimpleConvNet:
    """A small random network with non-zero biases."""
    net = SimpleConvNet(ConvNetConfig(hidden=16), seed=0)
    rng = np.random.default_rng(1)
    for name in ("b1", "b2", "b3"):
        net.params[name][...] = rng.normal(0, 0.1, net.params[name].shape)
    return net


@pytest.fixture
def source(net, tmp_path) -> Path:
    path = tmp_path / "float.npz"
    save_weights(net, path, {"calibration": CALIBRATION})
    return path


@pytest.fixture
def int8(source, tmp_path) -> Path:
    """``source`` exported as int8 weights by the command line."""
    out = tmp_path / "int8.npz"
    assert main(["export-int8", "--weights", str(source), "--out", str(out)]) == 0
    return out


def members(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def test_export_writes_int8_members_with_metadata_and_checksum(source, int8):
    headers = npz_headers(int8)
    for name in CHANNEL_AXIS:
        assert headers[f"{name}.q"][1] == np.int8 and headers[f"{name}.scale"][1] == np.float32
        assert name not in headers
    assert all(headers[b][1] == np.float32 for b in ("b1", "b2", "b3"))
    meta = json.loads(metadata_path(int8).read_text())
    assert meta["quantization"] == {"scheme": INT8_SCHEME, "source": source.name,
                                    "source_sha256": sha256_file(source)}
    assert meta["calibration"] == CALIBRATION
    assert meta["checksum"]["sha256"] == metadata_checksum(meta, sha256_file(int8))
    assert int8.stat().st_size < source.stat().st_size / 3


def test_round_trip_stays_within_half_a_step_and_predicts_as_the_float_network(net, source, int8):
    loaded, meta = load_weights(int8)
    q = members(int8)
    for name in PARAM_NAMES:
        assert loaded.params[name].dtype == np.float32
    for name, axis in CHANNEL_AXIS.items():
        others = tuple(i for i in range(net.params[name].ndim) if i != axis)
        error = np.abs(loaded.params[name] - net.params[name]).max(axis=others)
        assert (error <= q[f"{name}.scale"] / 2 * (1 + 1e-5)).all()
    for name in ("b1", "b2", "b3"):
        np.testing.assert_array_equal(loaded.params[name], net.params[name])
    x = np.random.default_rng(2).random((200, 1, 28, 28), dtype=np.float32)
    expected, got = net.predict_proba(x), loaded.predict_proba(x)
    np.testing.assert_allclose(got, expected, atol=0.01)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).mean() >= 0.97
    assert meta["calibration"] == CALIBRATION


def test_quantize_keeps_zero_channels_and_the_extremes():
    w = np.array([[0.0, 1.0], [0.0, -0.5], [0.0, 0.25]], np.float32)
    q, scale = quantize(w, axis=1)
    assert q.dtype == np.int8 and scale.dtype == np.float32
    assert q[:, 1].tolist() == [127, -64, 32] and q[:, 0].tolist() == [0, 0, 0] and scale[0] == 1
    np.testing.assert_allclose(dequantize(q, scale, axis=1), w, atol=float(scale[1]) / 2)


def test_int8_weights_work_with_the_commands(int8, tmp_path, capsys):
    image = tmp_path / "one.png"
    canvas = np.zeros((280, 280), np.uint8)
    canvas[40:240, 130:150] = 255
    Image.fromarray(canvas).save(image)
    assert main(["predict", "--json", "--weights", str(int8), str(image)]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] in ("digit", "unsure", "not_digit")


def test_calibrate_keeps_int8_weights_int8(net, int8):
    loaded, meta = load_weights(int8)
    save_int8_weights(loaded, int8, meta)           # what 'calibrate' does with int8 weights
    again, _ = load_weights(int8)
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(again.params[name], loaded.params[name])


def hostile(int8: Path, keep_json: bool, **changes: np.ndarray | None) -> None:
    """Rewrite ``int8`` with ``changes`` (None removes a member), the metadata resealed or removed."""
    arrays = {k: v for k, v in {**members(int8), **changes}.items() if v is not None}
    with open(int8, "wb") as f:
        np.savez(f, **arrays)
    if keep_json:   # a consistent checksum, so it is the int8 checks that must refuse
        reseal(int8)
    else:
        metadata_path(int8).unlink()


def scales(name: str, value: float, at: int = 0):
    """A function of the int8 members giving ``name``'s scales with one of them set to ``value``."""
    def change(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        scale = arrays[f"{name}.scale"].copy()
        scale[at] = value
        return {f"{name}.scale": scale}
    return change


@pytest.mark.parametrize("change, problem", [
    (lambda a: {"W1.q": a["W1.q"].astype(np.int16)}, "parameter W1.q has dtype int16, expected int8"),
    (lambda a: {"W2.q": a["W2.q"].astype(np.float32)}, "parameter W2.q has dtype float32, expected int8"),
    (lambda a: {"W3.q": np.full(a["W3.q"].shape, 300, np.int16)}, "parameter W3.q has dtype int16, expected int8"),
    (lambda a: {"W2.q": a["W2.q"].astype(np.uint8)}, "parameter W2.q has dtype uint8, expected int8"),
    (lambda a: {"W1.q": np.full(a["W1.q"].shape, -128, np.int8)}, "holds -128 in W1.q, outside the symmetric"),
    (lambda a: {"W2.scale": a["W2.scale"][:-1]}, "parameter W2.scale has shape (15,), expected (16,)"),
    (lambda a: {"W1.scale": a["W1.scale"][:, None]}, "parameter W1.scale has shape (30, 1), expected (30,)"),
    (lambda a: {"W3.scale": a["W3.scale"].astype(np.int32)}, "parameter W3.scale has dtype int32, expected floats"),
    (lambda a: {"W1.scale": None}, "parameter W1.scale is missing"),
    (lambda a: {"W3.q": None}, "parameter W3.q is missing"),
    (scales("W2", np.nan), "holds NaN or infinite values in W2.scale"),
    (scales("W3", np.inf, 3), "holds NaN or infinite values in W3.scale"),
    (scales("W1", 0.0, 5), "holds a zero or negative scale in W1.scale"),
    (scales("W2", -0.01), "holds a zero or negative scale in W2.scale"),
], ids=["W1.q-int16", "W2.q-float", "W3.q-300", "W2.q-uint8", "W1.q-minus128", "W2.scale-short",
        "W1.scale-2d", "W3.scale-int", "W1.scale-missing", "W3.q-missing", "nan-scale", "inf-scale", "zero-scale",
        "negative-scale"])
@pytest.mark.parametrize("keep_json", [True, False], ids=["with-json", "without-json"])
def test_hostile_int8_files_are_refused_in_one_sentence(int8, change, problem, keep_json, capsys):
    hostile(int8, keep_json, **change(members(int8)))
    with pytest.raises(WeightsError) as info:
        load_weights(int8)
    assert str(int8) in str(info.value) and problem in str(info.value)
    assert main(["predict", "--weights", str(int8), str(int8)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: Weights file {int8}") and err.count("\n") == 1 and "Traceback" not in err


def test_export_refuses_bad_options_and_bad_sources(int8, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["export-int8", "--out", str(tmp_path / "w.bin")])
    assert exit_info.value.code == 2
    assert "argument --out: weights are written as .npz" in capsys.readouterr().err
    assert main(["export-int8", "--weights", str(tmp_path / "gone.npz"), "--out", str(tmp_path / "w.npz")]) == 2
    assert capsys.readouterr().err.startswith(f"error: Weights file {tmp_path / 'gone.npz'} not found.")
    assert not (tmp_path / "w.npz").exists()
