"""Saving and loading network weights: ``.npz`` arrays (never pickle) + ``.json`` metadata.

``simple_convnet.npz`` holds W1, b1, W2, b2, W3, b3. ``simple_convnet.json`` beside it holds
the architecture, how the weights were made (command, seed, epochs, data checksums), what they
score, and the SHA-256 of the .npz, which loading checks.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from .errors import HdrError
from .files import atomic_write, sha256_file, write_text
from .nn.convnet import PARAM_NAMES, ConvNetConfig, SimpleConvNet
from .paths import DEFAULT_WEIGHTS

RESTORE_HINT = "Restore the shipped file with 'git checkout weights/' or make new weights with 'python main.py train'."


class WeightsError(HdrError):
    """A weights file is missing, not an .npz of arrays, damaged, or does not fit the network."""


def metadata_path(weights_path: Path) -> Path:
    return Path(weights_path).with_suffix(".json")


def save_weights(net: SimpleConvNet, path: Path, metadata: dict | None = None) -> dict:
    """Write the parameters (.npz) and metadata (.json, with the .npz's SHA-256). Returns the metadata."""
    path = Path(path)
    atomic_write(path, lambda f: np.savez(f, **{k: net.params[k] for k in PARAM_NAMES}))
    meta = dict(metadata or {})
    meta["architecture"] = net.config.to_dict()
    meta["sha256"] = sha256_file(path)
    write_text(metadata_path(path), json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    return meta


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """All arrays of an .npz file, refusing pickled objects. WeightsError names the file."""
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"Weights file {path} not found. {RESTORE_HINT}")
    if path.suffix != ".npz":
        raise WeightsError(f"Weights file {path} is not an .npz file; only .npz weights are accepted.")
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise WeightsError(f"Weights file {path} is a single NumPy array, not an .npz archive. {RESTORE_HINT}")
        with data:
            return {k: data[k] for k in data.files}
    except ValueError as e:   # object arrays need pickle: refused
        raise WeightsError(f"Weights file {path} contains pickled objects and is refused ({e}).") from e
    except (OSError, zipfile.BadZipFile, EOFError, KeyError) as e:
        raise WeightsError(f"Weights file {path} is damaged or not a NumPy .npz archive ({e}). {RESTORE_HINT}") from e


def read_metadata(path: Path) -> dict:
    """The .json beside a weights file, or {} when there is none. WeightsError if unreadable."""
    meta_file = metadata_path(path)
    if not meta_file.is_file():
        return {}
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise WeightsError(f"Metadata file {meta_file} is unreadable ({e}). {RESTORE_HINT}") from e
    if not isinstance(meta, dict):
        raise WeightsError(f"Metadata file {meta_file} does not hold a JSON object. {RESTORE_HINT}")
    return meta


def load_weights(path: Path | str | None = None) -> tuple[SimpleConvNet, dict]:
    """(network, metadata) from an .npz (default: the shipped weights).

    Checks the SHA-256 recorded in the metadata (when there is metadata) and every
    parameter's shape; any problem raises WeightsError naming the file.
    """
    path = Path(path) if path else DEFAULT_WEIGHTS
    params = read_npz(path)
    meta = read_metadata(path)
    expected = meta.get("sha256")
    if expected and sha256_file(path) != expected:
        raise WeightsError(f"Weights file {path} does not match the SHA-256 recorded in "
                           f"{metadata_path(path).name}: it was changed or damaged. {RESTORE_HINT}")
    try:
        if "architecture" in meta:
            config = ConvNetConfig.from_dict(meta["architecture"])
        else:   # no metadata: the shipped architecture with the hidden size the file implies
            config = ConvNetConfig(hidden=int(params["W2"].shape[1]) if "W2" in params else ConvNetConfig().hidden)
        for name, array in params.items():
            if name in PARAM_NAMES and not np.issubdtype(array.dtype, np.floating):
                raise ValueError(f"parameter {name} has dtype {array.dtype}, expected floats")
        return SimpleConvNet(config, params), meta
    except (ValueError, TypeError, IndexError) as e:
        raise WeightsError(f"Weights file {path} does not fit the network: {e}. {RESTORE_HINT}") from e
