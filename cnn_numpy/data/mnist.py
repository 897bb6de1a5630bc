"""MNIST: find the IDX files, read and validate them.

Where the files are looked for, first match wins:
    1. the ``--data-dir`` option (``data_dir`` argument),
    2. the ``HDR_DATA_DIR`` environment variable,
    3. the per-user cache ``$XDG_CACHE_HOME/hdr-numpy/mnist`` (``~/.cache/hdr-numpy/mnist``),
       where ``python main.py download-mnist`` puts them.
Each file may be gzip-compressed (``.gz``) or raw.
"""
from __future__ import annotations

import gzip
import hashlib
import math
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..errors import DataError
from ..files import read_exactly
from ..paths import data_folder, user_cache_dir

FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801
MAX_BYTES = 1 << 30            # no MNIST-like file is larger than 1 GiB of pixels
CHUNK = 1 << 20
HOW_TO_GET = ("Run 'python main.py download-mnist' (needs internet), or point --data-dir or the "
              "HDR_DATA_DIR environment variable at a folder holding the four MNIST IDX files "
              "(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
              "t10k-labels-idx1-ubyte.gz).")
REDOWNLOAD = "Download the MNIST files again with 'python main.py download-mnist'."


class MnistError(DataError):
    """An MNIST file is unreadable, truncated or not what it claims to be."""


class MnistMissingError(MnistError):
    """The MNIST files are not where they were looked for."""


def default_cache_dir() -> Path:
    """The per-user folder ``download-mnist`` writes to."""
    return user_cache_dir("mnist")


def resolve_data_dir(data_dir: Path | str | None = None) -> Path:
    """The data folder: ``data_dir`` if given, else $HDR_DATA_DIR, else the user cache."""
    return data_folder(data_dir, "HDR_DATA_DIR", "mnist")


def find_file(stem: str, data_dir: Path | str | None = None) -> Path:
    """The path of ``stem`` (.gz or raw) in the data folder; MnistMissingError if absent."""
    folder = resolve_data_dir(data_dir)
    for name in (stem + ".gz", stem):
        if (folder / name).is_file():
            return folder / name
    raise MnistMissingError(f"MNIST file {stem}(.gz) not found in {folder}. {HOW_TO_GET}")


def _read_exact(stream: BinaryIO, size: int, path: Path) -> bytearray:
    """Exactly ``size`` bytes of data (files.read_exactly); MnistError names the file otherwise."""
    try:
        return read_exactly(stream, size, CHUNK)
    except EOFError:
        raise MnistError(f"{path}: truncated: expected {size} bytes of data, found fewer") from None
    except ValueError:
        raise MnistError(f"{path}: has trailing bytes after the {size} bytes its header announces") from None


@contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    """``path`` open for reading (gzip or raw); read errors inside the block become MnistError naming it."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            yield f
    except (OSError, EOFError, zlib.error) as e:
        if isinstance(e, FileNotFoundError):
            raise MnistMissingError(f"{path}: not found. {HOW_TO_GET}") from e
        raise MnistError(f"{path}: cannot be read ({e})") from e


def _read_header(f: BinaryIO, path: Path, expected_magic: int | None) -> list[int]:
    """The dimensions announced by the IDX header at the start of ``f``, checked for plausibility."""
    header = f.read(4)
    if len(header) < 4:
        raise MnistError(f"{path}: too short to be an IDX file")
    magic = int.from_bytes(header, "big")
    zero, dtype_code, ndim = magic >> 16, (magic >> 8) & 0xFF, magic & 0xFF
    if zero != 0 or dtype_code != 0x08 or not 1 <= ndim <= 3:
        raise MnistError(f"{path}: not an IDX file of unsigned bytes (magic 0x{magic:08x})")
    if expected_magic is not None and magic != expected_magic:
        raise MnistError(f"{path}: magic number 0x{magic:08x}, expected 0x{expected_magic:08x}")
    dims_raw = f.read(4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise MnistError(f"{path}: truncated header")
    dims = [int.from_bytes(dims_raw[4 * i:4 * i + 4], "big") for i in range(ndim)]
    size = math.prod(dims)
    if size > MAX_BYTES:
        raise MnistError(f"{path}: header claims {dims} = {size} bytes; refusing (limit {MAX_BYTES})")
    return dims


def read_idx_header(path: Path | str, expected_magic: int | None = None) -> list[int]:
    """The dimensions an IDX file's header announces, checked as :func:`read_idx` checks them, reading no data."""
    path = Path(path)
    with _opened(path) as f:
        return _read_header(f, path, expected_magic)


def read_idx(path: Path | str, expected_magic: int | None = None,
             expected_dims: list[int] | None = None) -> np.ndarray:
    """Read an IDX file of unsigned bytes (gzip or raw) into a uint8 array of its dimensions.

    Raises MnistError with the file name for a wrong magic number, an implausible header or one
    announcing other dimensions than ``expected_dims`` (checked before reading data), a truncated
    or corrupt file.
    """
    path = Path(path)
    with _opened(path) as f:
        dims = _read_header(f, path, expected_magic)
        if expected_dims is not None and dims != expected_dims:
            raise MnistError(f"{path}: header announces {dims}, expected {expected_dims}. {REDOWNLOAD}")
        data = _read_exact(f, math.prod(dims), path)
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


def load_mnist(split: str, data_dir: Path | str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (N, 28, 28), labels uint8 (N,)) of the "train" or "test" split.

    Both headers are checked first (28x28 images, as many images as labels, at least one), so a
    mismatched pair is refused before any pixel is read; labels are read before images.
    """
    if split not in FILES:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    img_path, lbl_path = (find_file(stem, data_dir) for stem in FILES[split])
    dims = read_idx_header(img_path, IMAGES_MAGIC)
    (count,) = read_idx_header(lbl_path, LABELS_MAGIC)
    if dims[1:] != [28, 28]:
        raise MnistError(f"{img_path}: images are {dims[1]}x{dims[2]}, expected 28x28. {REDOWNLOAD}")
    if dims[0] != count:
        raise MnistError(f"{img_path} holds {dims[0]} images but {lbl_path} holds {count} labels: they are not "
                         f"the two files of one split. {REDOWNLOAD}")
    if count == 0:
        raise MnistError(f"{img_path} holds no images (and {lbl_path} no labels). {REDOWNLOAD}")
    labels = read_idx(lbl_path, LABELS_MAGIC, [count])
    if labels.max() > 9:
        raise MnistError(f"{lbl_path}: label {labels.max()} is not a digit. {REDOWNLOAD}")
    return read_idx(img_path, IMAGES_MAGIC, dims), labels


def to_input(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> network input float32 (N, 1, 28, 28) in [0, 1]."""
    return (images.astype(np.float32) / 255.0)[:, None]


def content_sha256(data_dir: Path | str | None = None) -> dict[str, str]:
    """SHA-256 of the uncompressed content of each of the four files (recorded with weights)."""
    out = {}
    for stems in FILES.values():
        for stem in stems:
            path = find_file(stem, data_dir)
            opener = gzip.open if path.suffix == ".gz" else open
            h = hashlib.sha256()
            with opener(path, "rb") as f:
                for chunk in iter(lambda: f.read(CHUNK), b""):
                    h.update(chunk)
            out[stem] = h.hexdigest()
    return out
