"""Saving and loading network weights: ``.npz`` arrays (never pickle) + ``.json`` metadata.

``simple_convnet.npz`` holds W1, b1, W2, b2, W3, b3. ``simple_convnet.json`` beside it holds
the architecture, how the weights were made (command, seed, epochs, data checksums), what they
score, the SHA-256 of the .npz ("sha256") and a checksum of the .npz together with the metadata
that changes what the network computes ("checksum": {"sha256", "covers"}, see :func:`metadata_checksum`).
Loading checks both. Old-style metadata, written before "checksum" existed, is accepted with the
.npz's SHA-256 checked alone; :func:`upgrade_metadata` adds the checksum to it.

Loading reads nothing it has not checked: the architecture is validated, every .npy header (shape,
dtype) is compared with it before any array data is read, the data is read in bounded chunks, and
NaN or infinite values are refused.

int8 weights (:func:`export_int8`) hold, instead of W1, W2 and W3, ``W1.q`` (int8) and ``W1.scale`` (float32,
one per output channel) and so on, and "quantization" in their metadata; loading detects the int8 members,
checks them and dequantizes them to float32 (:mod:`cnn_numpy.nn.quantize`), so they work wherever weights do.

Saving is atomic across the pair: the new metadata goes to ``NAME.json.new``, then the new .npz is
renamed in, then the metadata. A kill at any moment leaves the old pair (a stray ``.json.new`` does
not match its .npz and is ignored) or the new .npz beside its ``.json.new``, which loading then uses.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import IO

import numpy as np

from .errors import HdrError
from .files import read_exactly, sha256_file, write_bytes, write_text
from .nn.convnet import ACTIVATIONS, PARAM_NAMES, ConvNetConfig, SimpleConvNet
from .nn.quantize import CHANNEL_AXIS, LEVELS, dequantize, quantize
from .paths import DEFAULT_WEIGHTS

RESTORE_HINT = "Restore the shipped file with 'git checkout weights/' or make new weights with 'python main.py train'."
COVERED_METADATA = ("architecture", "calibration")   # metadata that changes what the network computes
MAX_PARAMETERS = 1 << 27          # 134 million (the shipped network has 4.4 million)
MAX_METADATA_BYTES = 1 << 20      # the shipped metadata is 3 kB
CHUNK = 1 << 20
INPUT_SHAPE = [1, 28, 28]         # what the Recognizer feeds the network
CLASSES = 10
POOLS = ("max", "avg", "none")
MINIMUM = {"filter_num": 1, "filter_size": 1, "stride": 1, "pad": 0, "hidden": 1}   # integer fields
Header = tuple[tuple[int, ...], np.dtype, bool]   # shape, dtype, Fortran order of a .npy member
INT8_SCHEME = "symmetric per-channel int8"
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError)


class WeightsError(HdrError):
    """A weights file is missing, not an .npz of arrays, damaged, or does not fit the network."""


def metadata_path(weights_path: Path) -> Path:
    return Path(weights_path).with_suffix(".json")


def pending_metadata_path(weights_path: Path) -> Path:
    """Where :func:`save_weights` keeps the new metadata until the new .npz is in place."""
    return Path(weights_path).with_suffix(".json.new")


def metadata_checksum(meta: Mapping, npz_sha256: str) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) of {".npz": the .npz's SHA-256, and each key of
    :data:`COVERED_METADATA` present in ``meta`` with its value}: the .npz and what the network computes."""
    covered = {".npz": npz_sha256, **{key: meta[key] for key in COVERED_METADATA if key in meta}}
    return hashlib.sha256(json.dumps(covered, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _checksum_record(meta: Mapping, npz_sha256: str) -> dict:
    return {"sha256": metadata_checksum(meta, npz_sha256),
            "covers": [".npz", *(key for key in COVERED_METADATA if key in meta)]}


def _json_text(meta: dict) -> str:
    return json.dumps(meta, indent=2, ensure_ascii=False) + "\n"


def check_writable(net: SimpleConvNet, path: Path) -> None:
    """WeightsError if ``net`` must not be written to ``path``: a parameter holds NaN or an infinity."""
    for name in PARAM_NAMES:
        if not np.isfinite(net.params[name]).all():
            raise WeightsError(f"Refusing to write {path}: parameter {name} holds NaN or infinite values "
                               "(the training diverged; train again, e.g. with a lower --lr).")


def save_weights(net: SimpleConvNet, path: Path, metadata: dict | None = None) -> dict:
    """Write the parameters (.npz) and metadata (.json, with the .npz's SHA-256 and the checksum) as an
    atomic pair (see the module's docstring). Refuses non-finite parameters. Returns the metadata."""
    check_writable(net, path)
    return _save_arrays({k: net.params[k] for k in PARAM_NAMES}, net.config, path, metadata)


def save_int8_weights(net: SimpleConvNet, path: Path, metadata: dict | None = None) -> dict:
    """:func:`save_weights` with W1, W2 and W3 quantized to int8 per output channel (``NAME.q``, ``NAME.scale``)."""
    check_writable(net, path)
    arrays = {k: net.params[k] for k in PARAM_NAMES if k not in CHANNEL_AXIS}
    for name, axis in CHANNEL_AXIS.items():
        arrays[f"{name}.q"], arrays[f"{name}.scale"] = quantize(net.params[name], axis)
    return _save_arrays(arrays, net.config, path, metadata)


def export_int8(source: Path | str | None, out: Path, command: str) -> dict:
    """Write the weights at ``source`` (default: the shipped ones) as int8 weights at ``out``, with their
    calibration and a "quantization" record naming the source's SHA-256. Returns the new metadata."""
    source = Path(source) if source else DEFAULT_WEIGHTS
    net, meta = load_weights(source)
    metadata = {"command": command,
                "quantization": {"scheme": INT8_SCHEME, "source": source.name, "source_sha256": sha256_file(source)}}
    if "calibration" in meta:
        metadata["calibration"] = meta["calibration"]
    return save_int8_weights(net, out, metadata)


def _save_arrays(arrays: dict[str, np.ndarray], config: ConvNetConfig, path: Path, metadata: dict | None) -> dict:
    """Write ``arrays`` (.npz) and the metadata (.json) of a network of ``config`` as an atomic pair."""
    path = Path(path)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    data = buffer.getvalue()
    meta = dict(metadata or {})
    meta["architecture"] = config.to_dict()
    meta["sha256"] = hashlib.sha256(data).hexdigest()
    meta["checksum"] = _checksum_record(meta, meta["sha256"])
    pending = pending_metadata_path(path)
    write_text(pending, _json_text(meta))
    write_bytes(path, data)
    os.replace(pending, metadata_path(path))
    return meta


def upgrade_metadata(path: Path | str) -> dict:
    """Add the "checksum" to the old-style metadata of weights that load (their .npz matching the recorded
    "sha256"), keeping every other entry as it is. Returns the metadata written."""
    path = Path(path)
    _, meta = load_weights(path)
    if "sha256" not in meta:
        raise WeightsError(f"Metadata file {metadata_path(path)} records no SHA-256 of {path.name}, so nothing "
                           f"shows the pair belongs together; make new weights with 'python main.py train'.")
    meta["checksum"] = _checksum_record(meta, meta["sha256"])
    write_text(metadata_path(path), _json_text(meta))
    return meta


def _open_npz(path: Path) -> zipfile.ZipFile:
    """The .npz at ``path`` as an open zip archive; WeightsError naming the file for anything else."""
    if path.is_dir():
        raise WeightsError(f"Weights path {path} is a folder, not a weights file; give the path of an .npz file.")
    if not path.is_file():
        raise WeightsError(f"Weights file {path} not found. {RESTORE_HINT}")
    if path.suffix != ".npz":
        raise WeightsError(f"Weights file {path} is not an .npz file; only .npz weights are accepted.")
    try:
        with open(path, "rb") as f:
            start = f.read(len(np.lib.format.MAGIC_PREFIX))
        if start == np.lib.format.MAGIC_PREFIX:
            raise WeightsError(f"Weights file {path} is a single NumPy array, not an .npz archive. {RESTORE_HINT}")
        if start[:1] == b"\x80" and start[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
            raise WeightsError(f"Weights file {path} is a Python pickle, not an .npz archive; pickles are refused "
                               f"because loading one can run code. {RESTORE_HINT}")
        return zipfile.ZipFile(path)
    except DAMAGED as e:
        raise WeightsError(f"Weights file {path} is damaged or not an .npz archive ({e}). {RESTORE_HINT}") from e


def _npy_header(member: IO[bytes]) -> Header:
    """(shape, dtype, Fortran order) from a .npy header, leaving ``member`` at the array data."""
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(member)
    else:
        raise ValueError(f".npy format version {version[0]}.{version[1]} is not supported")
    return shape, dtype, fortran_order


def _npz_headers(archive: zipfile.ZipFile, path: Path) -> dict[str, Header]:
    """Name -> header of every array of the archive, reading no array data; WeightsError for any member
    that is not a .npy array, is damaged, or holds Python objects (pickle)."""
    headers = {}
    for info in archive.infolist():
        if info.is_dir() or not info.filename.endswith(".npy"):
            raise WeightsError(f"Weights file {path} holds {info.filename!r}, which is not a .npy array: it is "
                               f"damaged or not a NumPy .npz archive. {RESTORE_HINT}")
        name = info.filename[:-len(".npy")]
        try:
            with archive.open(info) as member:
                headers[name] = _npy_header(member)
        except DAMAGED as e:
            raise WeightsError(f"Weights file {path} is damaged: its member {info.filename} is not a readable "
                               f".npy array ({e}). {RESTORE_HINT}") from e
        if headers[name][1].hasobject:
            raise WeightsError(f"Weights file {path} holds Python objects in {name}, which need pickle; refused "
                               f"because loading a pickle can run code. {RESTORE_HINT}")
    return headers


def npz_headers(path: Path) -> dict[str, Header]:
    """Name -> (shape, dtype, Fortran order) of every array of an .npz, from the .npy headers alone."""
    path = Path(path)
    with _open_npz(path) as archive:
        return _npz_headers(archive, path)


def _read_array(archive: zipfile.ZipFile, name: str, path: Path) -> np.ndarray:
    """The array ``name`` of the archive, read in chunks (memory grows only with data present) to the member's
    end, so its CRC is checked."""
    try:
        with archive.open(name + ".npy") as member:
            shape, dtype, fortran_order = _npy_header(member)
            try:
                data = read_exactly(member, math.prod(shape) * dtype.itemsize, CHUNK)
            except (EOFError, ValueError) as e:
                raise type(e)(f"{name}.npy: {e}") from None
    except DAMAGED as e:
        raise WeightsError(f"Weights file {path} is damaged ({e}). {RESTORE_HINT}") from e
    array = np.frombuffer(data, dtype)
    return array.reshape(shape[::-1]).T if fortran_order else array.reshape(shape)


def read_npz(path: Path, shapes: Mapping[str, tuple[int, ...]], int8: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """The arrays named in ``shapes`` from an .npz (int8 those named in ``int8``, floats the others), each header
    checked against its shape before any data is read; refuses pickled objects and NaN or infinite values.
    WeightsError names the file."""
    path = Path(path)
    with _open_npz(path) as archive:
        headers = _npz_headers(archive, path)
        for name, expected in shapes.items():
            if name not in headers:
                problem = f"parameter {name} is missing"
            elif name in int8 and headers[name][1] != np.int8:
                problem = f"parameter {name} has dtype {headers[name][1]}, expected int8"
            elif name not in int8 and headers[name][1].kind != "f":
                problem = f"parameter {name} has dtype {headers[name][1]}, expected floats"
            elif tuple(headers[name][0]) != tuple(expected):
                problem = f"parameter {name} has shape {tuple(headers[name][0])}, expected {tuple(expected)}"
            else:
                continue
            raise WeightsError(f"Weights file {path} does not fit the network: {problem}. {RESTORE_HINT}")
        params = {name: _read_array(archive, name, path) for name in shapes}
    for name, array in params.items():
        if name not in int8 and not np.isfinite(array).all():
            raise WeightsError(f"Weights file {path} holds NaN or infinite values in {name}: it is damaged or "
                               f"comes from a training run that diverged. {RESTORE_HINT}")
    return params


def _read_json(meta_file: Path) -> dict:
    """The JSON object in ``meta_file``, or {} when there is no such file. WeightsError if unreadable."""
    if not meta_file.is_file():
        return {}
    try:
        if meta_file.stat().st_size > MAX_METADATA_BYTES:
            raise WeightsError(f"Metadata file {meta_file} is larger than {MAX_METADATA_BYTES} bytes, too large for "
                               f"weights metadata. {RESTORE_HINT}")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise WeightsError(f"Metadata file {meta_file} is unreadable ({e}). {RESTORE_HINT}") from e
    except RecursionError as e:
        raise WeightsError(f"Metadata file {meta_file} is nested too deeply to be weights metadata. "
                           f"{RESTORE_HINT}") from e
    if not isinstance(meta, dict):
        raise WeightsError(f"Metadata file {meta_file} does not hold a JSON object. {RESTORE_HINT}")
    return meta


def read_metadata(path: Path) -> dict:
    """The .json beside a weights file, or {} when there is none. WeightsError if unreadable."""
    return _read_json(metadata_path(path))


def _mismatch(meta: dict, npz_sha256: str) -> str | None:
    """Which recorded checksum of ``meta`` ("SHA-256" or "checksum") the .npz does not match, or None."""
    if "sha256" in meta and meta["sha256"] != npz_sha256:
        return "SHA-256"
    if "checksum" in meta:
        record = meta["checksum"]
        if not isinstance(record, dict) or record.get("sha256") != metadata_checksum(meta, npz_sha256):
            return "checksum"
    return None


def _verified_metadata(path: Path) -> tuple[dict, Path]:
    """(metadata, its file) of the .npz at ``path``, its checksums verified: the .json, or the pending metadata
    of a ship interrupted after renaming the .npz in; ({}, .json path) when there is none."""
    meta_file, pending_file = metadata_path(path), pending_metadata_path(path)
    meta = _read_json(meta_file)
    npz_sha256 = sha256_file(path)
    problem = _mismatch(meta, npz_sha256)
    if (problem or not meta) and pending_file.is_file():
        try:
            pending = _read_json(pending_file)
        except WeightsError:
            pending = {}
        if "checksum" in pending and _mismatch(pending, npz_sha256) is None:
            return pending, pending_file
    if problem == "SHA-256":
        raise WeightsError(f"Weights file {path} does not match the SHA-256 recorded in {meta_file.name}: it was "
                           f"changed or damaged. {RESTORE_HINT}")
    if problem:
        covered = ", ".join(key for key in COVERED_METADATA if key in meta) or "nothing else"
        raise WeightsError(f"Weights file {path} does not match the checksum recorded in {meta_file.name}, which "
                           f"covers the .npz and the metadata's {covered}: one of them was changed or damaged. "
                           f"{RESTORE_HINT}")
    return meta, meta_file


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value: object) -> str:
    """``value`` as JSON, cut to 40 characters (for a message)."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def checked_config(architecture: object) -> ConvNetConfig:
    """The ConvNetConfig an architecture (a dict of ConvNetConfig fields, as in metadata) describes, if the
    Recognizer can run it; ValueError naming the first impossible field."""
    if not isinstance(architecture, dict):
        raise ValueError(f"the architecture must be an object of named values, not {_shown(architecture)}")
    unknown = sorted(set(architecture) - {f.name for f in fields(ConvNetConfig)})
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not an architecture field")
    for name, minimum in MINIMUM.items():
        value = architecture.get(name, minimum)
        if not _is_int(value) or value < minimum:
            raise ValueError(f"{name} must be an integer of at least {minimum}, not {_shown(value)}")
    input_shape = architecture.get("input_shape", INPUT_SHAPE)
    classes = architecture.get("classes", CLASSES)
    dropout = architecture.get("dropout", 0.0)
    checks = {
        "input_shape": (isinstance(input_shape, list) and all(map(_is_int, input_shape)) and input_shape == INPUT_SHAPE,
                        f"must be {INPUT_SHAPE} (one 28x28 channel)"),
        "classes": (_is_int(classes) and classes == CLASSES, f"must be {CLASSES} (the digits)"),
        "pool": (architecture.get("pool", "max") in POOLS, f"must be one of {list(POOLS)}"),
        "activation": (architecture.get("activation", "relu") in list(ACTIVATIONS),
                       f"must be one of {sorted(ACTIVATIONS)}"),
        "dropout": (isinstance(dropout, (int, float)) and not isinstance(dropout, bool) and 0 <= dropout < 1,
                    "must be a number from 0 up to (not including) 1"),
    }
    for name, (fine, rule) in checks.items():
        if not fine:
            raise ValueError(f"{name} {rule}, not {_shown(architecture[name])}")
    config = ConvNetConfig.from_dict(architecture)
    if config.pad >= config.filter_size:
        raise ValueError(f"pad must be smaller than filter_size ({config.filter_size}), not {config.pad}")
    if min(config.conv_output) < 1:
        raise ValueError(f"filter_size {config.filter_size} is larger than the 28x28 input padded by {config.pad}")
    if config.flat_size < 1:
        raise ValueError(f"the convolution output {config.conv_output} with stride {config.stride} is too small "
                         f"to pool")
    count = sum(math.prod(shape) for shape in config.param_shapes().values())
    if count > MAX_PARAMETERS:
        raise ValueError(f"filter_num {config.filter_num}, filter_size {config.filter_size}, stride {config.stride} "
                         f"and hidden {config.hidden} make {count:,} parameters, more than {MAX_PARAMETERS:,}")
    return config


def load_weights(path: Path | str | None = None) -> tuple[SimpleConvNet, dict]:
    """(network, metadata) from an .npz (default: the shipped weights).

    Checks the .npz's headers, the SHA-256 and checksum recorded in the metadata (when there is
    metadata), the architecture, then every parameter's shape and dtype before reading it, and its
    values after; any problem raises WeightsError naming the file. int8 weights are dequantized to float32.
    """
    path = Path(path) if path else DEFAULT_WEIGHTS
    headers = npz_headers(path)
    meta, meta_file = _verified_metadata(path)
    if "architecture" in meta:
        try:
            config = checked_config(meta["architecture"])
        except ValueError as e:
            raise WeightsError(f"Metadata file {meta_file} describes an architecture the app cannot run: {e}. "
                               f"{RESTORE_HINT}") from e
    else:   # no metadata: the shipped architecture with the hidden size W2 implies
        w2 = next((headers[k][0] for k in ("W2", "W2.q") if k in headers), ())
        try:
            config = checked_config({"hidden": w2[1]} if len(w2) == 2 else {})
        except ValueError as e:
            raise WeightsError(f"Weights file {path} does not fit the network: W2 has shape {w2}, but {e}. "
                               f"{RESTORE_HINT}") from e
    if any(f"{name}.q" in headers for name in CHANNEL_AXIS):
        return SimpleConvNet(config, _read_int8(path, config)), meta
    return SimpleConvNet(config, read_npz(path, config.param_shapes())), meta


def _read_int8(path: Path, config: ConvNetConfig) -> dict[str, np.ndarray]:
    """The float32 parameters of the int8 weights at ``path``: each ``NAME.q`` (int8, -127..127) times its
    ``NAME.scale`` (positive float32, one per output channel). WeightsError names the file and the problem."""
    shapes = config.param_shapes()
    for name, axis in CHANNEL_AXIS.items():
        shape = shapes.pop(name)
        shapes[f"{name}.q"], shapes[f"{name}.scale"] = shape, (shape[axis],)
    arrays = read_npz(path, shapes, int8=tuple(f"{name}.q" for name in CHANNEL_AXIS))
    for name, axis in CHANNEL_AXIS.items():
        q, scale = arrays.pop(f"{name}.q"), arrays.pop(f"{name}.scale")
        if not (scale > 0).all():
            raise WeightsError(f"Weights file {path} holds a zero or negative scale in {name}.scale, which int8 "
                               f"weights cannot have. {RESTORE_HINT}")
        if (q < -LEVELS).any():
            raise WeightsError(f"Weights file {path} holds -128 in {name}.q, outside the symmetric int8 range "
                               f"-{LEVELS}..{LEVELS}. {RESTORE_HINT}")
        arrays[name] = dequantize(q, scale, axis)
    return arrays
