"""Weights files: a faithful round trip, and refusal (WeightsError naming the file) of anything else."""
from __future__ import annotations

import io
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cnn_numpy.files import sha256_file
from cnn_numpy.nn.convnet import PARAM_NAMES, ConvNetConfig, SimpleConvNet
from cnn_numpy.paths import DEFAULT_WEIGHTS, REPO_ROOT
from cnn_numpy.weights import (
    COVERED_METADATA,
    WeightsError,
    load_weights,
    metadata_checksum,
    metadata_path,
    save_weights,
    upgrade_metadata,
)


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


def reseal(path: Path) -> None:
    """Record the .npz's new SHA-256 and checksum in its metadata, as if it had been written with it."""
    meta_file = metadata_path(path)
    meta = json.loads(meta_file.read_text())
    sha = sha256_file(path)
    meta_file.write_text(json.dumps({**meta, "sha256": sha,
                                     "checksum": {**meta["checksum"], "sha256": metadata_checksum(meta, sha)}}))


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


def keep_or_drop_json(saved: Path, keep: bool, seal) -> None:
    """Re-seal the .json's checksum over the edited .npz with ``seal``, or delete the .json."""
    if keep:
        seal(saved)
    else:
        metadata_path(saved).unlink()


@pytest.mark.parametrize("w2_shape, keep_json", [
    ("bigger-hidden", True),     # metadata says hidden=8, W2 has 16 columns
    ("bigger-hidden", False),    # hidden inferred as 16 from W2, then b2 and W3 do not fit
    ("wrong-input", False),      # W2 has one row too many for the conv output
], ids=["hidden16-json", "hidden16-nojson", "rows-nojson"])
def test_wrong_shapes_are_refused(net, saved, w2_shape, keep_json):
    flat, hidden = net.params["W2"].shape
    shape = (flat, 2 * hidden) if w2_shape == "bigger-hidden" else (flat + 1, hidden)
    savez_params(saved, {**net.params, "W2": np.zeros(shape, np.float32)})
    keep_or_drop_json(saved, keep_json, reseal)   # a consistent checksum: the shape check must refuse
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


# ---- bad input, second round ---------------------------------------------------------------------------------

def reseal_old_style(path: Path) -> dict:
    """Make w.json old-style (no "checksum") with the SHA-256 of the .npz as it is now, so that the check
    under test, not the checksum, is what must refuse. -> the metadata written."""
    meta_file = metadata_path(path)
    meta = {k: v for k, v in json.loads(meta_file.read_text()).items() if k != "checksum"}
    meta["sha256"] = sha256_file(path)
    meta_file.write_text(json.dumps(meta))
    return meta


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def npy_claiming(shape: tuple[int, ...], present: bytes = b"\0" * 64) -> bytes:
    """A .npy member whose header announces ``shape`` float32 but holds only ``present``."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f4", "fortran_order": False, "shape": shape})
    return buffer.getvalue() + present


def refused_without_traceback(path: Path, peak_limit: int = 32 << 20) -> str:
    """refused(path), also checking that loading allocated less than ``peak_limit`` bytes on the way."""
    tracemalloc.start()
    try:
        message = refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < peak_limit, f"load_weights allocated {peak} bytes before refusing"
    return message


@pytest.mark.parametrize("member", ["notes.txt", "W1"], ids=["extra-text-member", "W1-without-npy-suffix"])
def test_member_that_is_not_a_npy_is_refused(net, saved, member):
    members = {f"{k}.npy": npy_bytes(v) for k, v in net.params.items() if not (member == "W1" and k == "W1")}
    write_zip(saved, {**members, member: b"hello, not an array"})
    reseal_old_style(saved)
    message = refused(saved)
    assert member in message and ".npy" in message and "pickle" not in message


def test_npy_member_with_garbage_content_is_refused_as_damaged(net, saved):
    write_zip(saved, {**{f"{k}.npy": npy_bytes(v) for k, v in net.params.items()}, "W1.npy": b"garbage" * 20})
    reseal_old_style(saved)
    message = refused(saved)
    assert "damaged" in message and "W1" in message and "pickle" not in message


@pytest.mark.parametrize("shape", [(10 ** 6, 10 ** 6), (4320, 10 ** 5), (2 ** 62,)], ids=["1e12", "1.7GB", "2^62"])
@pytest.mark.parametrize("keep_json", [True, False], ids=["with-json", "without-json"])
def test_npy_header_claiming_a_giant_array_is_refused_before_reading(net, saved, shape, keep_json):
    members = {f"{k}.npy": npy_bytes(v) for k, v in net.params.items()}
    write_zip(saved, {**members, "W2.npy": npy_claiming(shape)})
    if keep_json:
        reseal_old_style(saved)
    else:
        metadata_path(saved).unlink()
    message = refused_without_traceback(saved)
    assert "W2" in message


def test_header_matching_the_metadata_but_without_its_data_is_damaged(net, saved):
    members = {f"{k}.npy": npy_bytes(v) for k, v in net.params.items()}
    write_zip(saved, {**members, "W2.npy": npy_claiming(net.params["W2"].shape)})
    reseal_old_style(saved)
    message = refused_without_traceback(saved)
    assert "damaged" in message and "W2" in message


def edit_architecture(path: Path, **changes) -> Path:
    """Change w.json's architecture (old-style metadata, so that validation, not the checksum, must refuse)."""
    meta = reseal_old_style(path)
    meta["architecture"] = {**meta["architecture"], **changes}
    metadata_path(path).write_text(json.dumps(meta))
    return metadata_path(path)


@pytest.mark.parametrize("changes", [
    {"stride": 0}, {"stride": -1}, {"stride": 1.5}, {"stride": True}, {"filter_size": 0}, {"filter_size": 40},
    {"filter_num": 0}, {"pad": -1}, {"pad": 9}, {"hidden": 0}, {"hidden": "8"}, {"hidden": 8.0},
    {"hidden": 10 ** 9}, {"classes": 3}, {"classes": None}, {"input_shape": [1, 0, 28]}, {"input_shape": [3, 28, 28]},
    {"input_shape": "28x28"}, {"input_shape": [1, 28]}, {"pool": "min"}, {"pool": ["max"]}, {"activation": "softplus"},
    {"activation": {"relu": 1}}, {"dropout": 1.0}, {"dropout": -0.1}, {"dropout": "0.1"}, {"layers": 3},
], ids=lambda c: json.dumps(c))
def test_impossible_architecture_in_metadata_is_refused(saved, changes):
    meta_file = edit_architecture(saved, **changes)
    with pytest.raises(WeightsError) as info:
        load_weights(saved)
    message = str(info.value)
    assert str(meta_file) in message and "architecture" in message and "git checkout weights/" in message
    assert next(iter(changes)) in message


@pytest.mark.parametrize("architecture", [[1, 2], "relu", None], ids=["list", "string", "null"])
def test_architecture_that_is_not_an_object_is_refused(saved, architecture):
    meta = reseal_old_style(saved)
    metadata_path(saved).write_text(json.dumps({**meta, "architecture": architecture}))
    with pytest.raises(WeightsError) as info:
        load_weights(saved)
    assert str(metadata_path(saved)) in str(info.value) and "architecture" in str(info.value)


def test_metadata_nested_100000_levels_deep_is_refused(saved):
    metadata_path(saved).write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(WeightsError) as info:
        load_weights(saved)
    assert str(metadata_path(saved)) in str(info.value) and "nested" in str(info.value)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("keep_json", [True, False], ids=["with-json", "without-json"])
def test_non_finite_parameters_are_refused_at_load(net, saved, bad, keep_json):
    b2 = net.params["b2"].copy()
    b2[3] = bad
    savez_params(saved, {**net.params, "b2": b2})
    keep_or_drop_json(saved, keep_json, reseal_old_style)
    message = refused(saved)
    assert "b2" in message and "NaN or infinite" in message


def test_save_weights_refuses_non_finite_parameters_and_keeps_the_old_pair(net, saved):
    before = saved.read_bytes(), metadata_path(saved).read_bytes()
    diverged = SimpleConvNet(net.config, {**net.params, "W3": np.full_like(net.params["W3"], np.nan)})
    with pytest.raises(WeightsError) as info:
        save_weights(diverged, saved, {"seed": 1})
    assert str(saved) in str(info.value) and "W3" in str(info.value) and "NaN or infinite" in str(info.value)
    assert (saved.read_bytes(), metadata_path(saved).read_bytes()) == before
    assert sorted(p.name for p in saved.parent.iterdir()) == ["w.json", "w.npz"]


def test_checksum_covers_the_architecture(saved):
    meta_file = metadata_path(saved)
    meta = json.loads(meta_file.read_text())
    assert meta["checksum"]["covers"] == [".npz", *(k for k in COVERED_METADATA if k in meta)]
    meta_file.write_text(json.dumps({**meta, "architecture": {**meta["architecture"], "activation": "sigmoid"}}))
    message = refused(saved)
    assert "checksum" in message and meta_file.name in message and "architecture" in message


def test_checksum_covers_calibration_added_removed_or_edited(net, tmp_path):
    path = tmp_path / "w.npz"
    save_weights(net, path, {"calibration": {"temperature": 1.5}})
    load_weights(path)
    meta_file = metadata_path(path)
    meta = json.loads(meta_file.read_text())
    assert "calibration" in meta["checksum"]["covers"]
    without = {k: v for k, v in meta.items() if k != "calibration"}
    for edited in ({**meta, "calibration": {"temperature": 2.0}}, without):
        meta_file.write_text(json.dumps(edited))
        assert "checksum" in refused(path)
    save_weights(net, path)
    meta_file.write_text(json.dumps({**json.loads(meta_file.read_text()), "calibration": {"temperature": 1.0}}))
    assert "checksum" in refused(path)


def test_checksum_ignores_the_formatting_of_the_json(saved):
    meta_file = metadata_path(saved)
    meta = json.loads(meta_file.read_text())
    meta["architecture"] = dict(reversed(list(meta["architecture"].items())))
    meta_file.write_text(json.dumps(meta, indent=7) + "\n\n")
    load_weights(saved)


def test_old_style_metadata_is_accepted_with_the_npz_check_only(net, saved):
    meta = reseal_old_style(saved)
    loaded, got = load_weights(saved)
    assert "checksum" not in got and loaded.config == net.config
    savez_params(saved, {**net.params, "b3": net.params["b3"] + 1})
    metadata_path(saved).write_text(json.dumps(meta))
    assert "SHA-256" in refused(saved)


def test_upgrade_metadata_adds_the_checksum_to_old_style_metadata(net, saved):
    meta = reseal_old_style(saved)
    upgraded = upgrade_metadata(saved)
    on_disk = json.loads(metadata_path(saved).read_text())
    assert on_disk == upgraded and {k: v for k, v in on_disk.items() if k != "checksum"} == meta
    assert list(on_disk) == [*meta, "checksum"]                                 # only a key appended
    loaded, _ = load_weights(saved)
    np.testing.assert_array_equal(loaded.params["W1"], net.params["W1"])
    on_disk["architecture"]["activation"] = "sigmoid"
    metadata_path(saved).write_text(json.dumps(on_disk))
    assert "checksum" in refused(saved)


def test_upgrade_metadata_refuses_a_changed_npz(net, saved):
    reseal_old_style(saved)
    before = metadata_path(saved).read_text()
    savez_params(saved, {**net.params, "b3": net.params["b3"] + 1})
    with pytest.raises(WeightsError, match="SHA-256"):
        upgrade_metadata(saved)
    assert metadata_path(saved).read_text() == before


def test_upgrade_metadata_refuses_metadata_without_a_sha256(saved):
    meta = reseal_old_style(saved)
    del meta["sha256"]
    metadata_path(saved).write_text(json.dumps(meta))
    with pytest.raises(WeightsError, match="records no SHA-256"):
        upgrade_metadata(saved)
    assert json.loads(metadata_path(saved).read_text()) == meta


def test_giant_metadata_is_refused_without_reading_it(saved):
    meta = reseal_old_style(saved)
    metadata_path(saved).write_text(json.dumps({**meta, "notes": "x" * (2 << 20)}))
    with pytest.raises(WeightsError, match="too large") as info:
        load_weights(saved)
    assert str(metadata_path(saved)) in str(info.value)


def test_shipped_metadata_records_the_sha256_of_the_npz():
    meta = json.loads(metadata_path(DEFAULT_WEIGHTS).read_text())
    assert meta["sha256"] == sha256_file(DEFAULT_WEIGHTS)


SHIP_AND_DIE = textwrap.dedent("""
    import os, signal
    from cnn_numpy.nn.convnet import ConvNetConfig, SimpleConvNet
    from cnn_numpy.weights import save_weights
    real_replace, renames = os.replace, []
    def replace_or_die(src, dst):
        renames.append(dst)
        if len(renames) == {kill_at}:            # killed just before this rename
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)
    os.replace = replace_or_die
    save_weights(SimpleConvNet(ConvNetConfig(hidden=8), seed=1), {path!r}, {{"seed": 1}})
""")


def ship_and_die(path: Path, kill_at: int) -> None:
    """save_weights(new network, seed 1) in a child process SIGKILLed just before its ``kill_at``-th rename."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-c", SHIP_AND_DIE.format(path=str(path), kill_at=kill_at)],
                          env=env, capture_output=True, timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()


def assert_ships_cleanly_again(path: Path) -> None:
    """The next ship leaves exactly the pair (no pending metadata), and it loads."""
    again = SimpleConvNet(ConvNetConfig(hidden=8), seed=2)
    save_weights(again, path, {"seed": 2})
    loaded, meta = load_weights(path)
    assert meta["seed"] == 2 and meta["sha256"] == sha256_file(path)
    np.testing.assert_array_equal(loaded.params["W2"], again.params["W2"])
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(".tmp")) == ["w.json", "w.npz"]


@pytest.mark.parametrize("kill_at", [1, 2, 3])
def test_ship_killed_at_any_rename_leaves_a_pair_that_loads(net, saved, kill_at):
    ship_and_die(saved, kill_at)
    loaded, meta = load_weights(saved)            # the old pair or the new one, never a mix
    shipped = {0: net, 1: SimpleConvNet(ConvNetConfig(hidden=8), seed=1)}[meta["seed"]]
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(loaded.params[name], shipped.params[name])
    assert_ships_cleanly_again(saved)


def test_first_ship_killed_before_its_metadata_still_loads(tmp_path):
    path = tmp_path / "w.npz"
    ship_and_die(path, kill_at=3)                  # the .npz is in place, its .json is not
    loaded, meta = load_weights(path)
    assert meta["seed"] == 1 and loaded.config == ConvNetConfig(hidden=8)
    assert_ships_cleanly_again(path)


def test_truncated_npy_member_is_damaged_not_pickled(net, saved):
    members = {f"{k}.npy": npy_bytes(v) for k, v in net.params.items()}
    write_zip(saved, {**members, "W2.npy": members["W2.npy"][:len(members["W2.npy"]) // 2]})
    reseal_old_style(saved)
    message = refused(saved)
    assert "damaged" in message and "W2" in message and "pickle" not in message


@pytest.mark.parametrize("content", [b"just some text\n", b"", b"\x00" * 100], ids=["text", "empty", "zeros"])
def test_file_that_is_not_a_zip_is_not_an_npz_archive(tmp_path, content):
    path = tmp_path / "w.npz"
    path.write_bytes(content)
    message = refused(path)
    assert "not an .npz archive" in message and "pickle" not in message and "git checkout weights/" in message


def test_weights_path_that_is_a_folder_says_so(tmp_path):
    folder = tmp_path / "w.npz"
    folder.mkdir()
    message = refused(folder)
    assert "folder" in message and "not found" not in message


@pytest.mark.parametrize("seed", range(40))
def test_random_damage_to_a_weights_file_gives_weights_or_weights_error(net, saved, seed):
    """Flip, cut or insert bytes anywhere in the .npz (no .json): the right arrays or WeightsError, nothing else."""
    metadata_path(saved).unlink()
    rng = np.random.default_rng(seed)
    data = bytearray(saved.read_bytes())
    at = int(rng.integers(len(data)))
    damage = ("flip", "cut", "insert")[seed % 3]
    if damage == "flip":
        data[at] ^= int(rng.integers(1, 256))
    elif damage == "cut":
        del data[at:]
    else:
        data[at:at] = rng.bytes(int(rng.integers(1, 64)))
    saved.write_bytes(bytes(data))
    try:
        loaded, _ = load_weights(saved)
    except WeightsError as e:
        assert str(saved) in str(e)
        return
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(loaded.params[name], net.params[name])
