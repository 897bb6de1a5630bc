"""Weights files: a faithful round trip, and refusal (WeightsError naming the file) of anything else."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from cnn_numpy.files import sha256_file
from cnn_numpy.nn.convnet import PARAM_NAMES, ConvNetConfig, SimpleConvNet
from cnn_numpy.weights import WeightsError, load_weights, metadata_path, save_weights


@pytest.fixture
def net() -> SimpleConvNet:
    return SimpleConvNet(ConvNetConfig(hidden=8), seed=0)


@pytest.fixture
def saved(net, tmp_path) -> Path:
    """``net`` saved with its metadata as w.npz + w.json."""
    path = tmp_path / "w.npz"
    save_weights(net, path, {"seed": 0})
    return path


def refused(path: Path) -> str:
    """load_weights(path)'s WeightsError message, checked to name the file, with the path cut out
    (the path holds the test's name, which must not satisfy the caller's checks)."""
    with pytest.raises(WeightsError) as info:
        load_weights(path)
    message = str(info.value)
    assert str(path) in message, message
    return message.replace(str(path), "<path>")


def savez_params(path: Path, params: dict[str, np.ndarray]) -> None:
    """Write ``params`` as an .npz at exactly ``path`` (whatever its suffix)."""
    with open(path, "wb") as f:
        np.savez(f, **params)


def test_round_trip_gives_identical_params_and_predictions(net, saved):
    loaded, meta = load_weights(saved)
    for name in PARAM_NAMES:
        assert loaded.params[name].dtype == net.params[name].dtype
        np.testing.assert_array_equal(loaded.params[name], net.params[name])
    x = np.random.default_rng(1).random((3, 1, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(loaded.predict_proba(x), net.predict_proba(x))
    assert meta["seed"] == 0 and meta["sha256"] == sha256_file(saved)
    assert loaded.config == net.config


def test_pickle_renamed_npz_is_refused(net, tmp_path):
    path = tmp_path / "w.npz"
    path.write_bytes(pickle.dumps(dict(net.params)))
    assert "pickle" in refused(path)


def test_npz_with_object_array_is_refused(net, tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, **{**net.params, "W1": np.array([{"payload": 1}], dtype=object)})
    assert "pickle" in refused(path)


@pytest.mark.parametrize("suffix", [".npy", ".pkl", ".pt", ""])
def test_non_npz_suffix_is_refused(net, tmp_path, suffix):
    path = tmp_path / f"w{suffix}"
    savez_params(path, net.params)   # a perfectly good archive, under the wrong name
    assert ".npz" in refused(path)


@pytest.mark.parametrize("keep_json", [True, False], ids=["with-json", "without-json"])
def test_truncated_npz_is_refused(saved, keep_json):
    data = saved.read_bytes()
    saved.write_bytes(data[:len(data) // 2])
    if not keep_json:
        metadata_path(saved).unlink()
    assert "damaged" in refused(saved)


@pytest.mark.parametrize("w2_shape, keep_json", [
    ("bigger-hidden", True),     # metadata says hidden=8, W2 has 16 columns
    ("bigger-hidden", False),    # hidden inferred as 16 from W2, then b2 and W3 do not fit
    ("wrong-input", False),      # W2 has one row too many for the conv output
], ids=["hidden16-json", "hidden16-nojson", "rows-nojson"])
def test_wrong_shapes_are_refused(net, saved, w2_shape, keep_json):
    flat, hidden = net.params["W2"].shape
    shape = (flat, 2 * hidden) if w2_shape == "bigger-hidden" else (flat + 1, hidden)
    savez_params(saved, {**net.params, "W2": np.zeros(shape, np.float32)})
    meta_file = metadata_path(saved)
    if keep_json:   # a consistent checksum, so it is the shape check that must refuse
        meta = json.loads(meta_file.read_text())
        meta_file.write_text(json.dumps({**meta, "sha256": sha256_file(saved)}))
    else:
        meta_file.unlink()
    message = refused(saved)
    assert "does not fit the network" in message and "shape" in message


def test_integer_params_are_refused(net, saved):
    metadata_path(saved).unlink()
    savez_params(saved, {**net.params, "W3": net.params["W3"].astype(np.int32)})
    assert "dtype" in refused(saved)


def test_sha256_mismatch_is_detected(net, saved):
    before = saved.read_bytes()
    savez_params(saved, {**net.params, "W1": net.params["W1"] + 1})   # same shapes, json kept
    assert saved.read_bytes() != before
    message = refused(saved)
    assert "SHA-256" in message and metadata_path(saved).name in message


def test_missing_file_says_how_to_restore(tmp_path):
    message = refused(tmp_path / "gone.npz")
    assert "not found" in message and "git checkout weights/" in message and "python main.py train" in message


def test_unreadable_metadata_is_refused(saved):
    metadata_path(saved).write_text("{not json")
    with pytest.raises(WeightsError) as info:
        load_weights(saved)
    assert str(metadata_path(saved)) in str(info.value)


def test_npy_renamed_npz_is_refused(net, tmp_path):
    path = tmp_path / "w.npz"
    with open(path, "wb") as f:
        np.save(f, net.params["W1"])
    refused(path)


def test_one_dimensional_w2_without_json_is_refused(net, saved):
    metadata_path(saved).unlink()
    savez_params(saved, {**net.params, "W2": np.zeros(5, np.float32)})
    refused(saved)


def test_metadata_that_is_not_an_object_is_refused(saved):
    metadata_path(saved).write_text("[1, 2]")
    with pytest.raises(WeightsError) as info:
        load_weights(saved)
    assert str(metadata_path(saved)) in str(info.value)
