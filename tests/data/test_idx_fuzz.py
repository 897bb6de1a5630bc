"""Property-based tests of the IDX reader: any file gives the right array or MnistError.

Never another exception, a hang (every property has a deadline) or a giant allocation.
"""
from __future__ import annotations

import gzip
import struct
import tempfile
import tracemalloc
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from cnn_numpy.data.mnist import (
    FILES,
    IMAGES_MAGIC,
    LABELS_MAGIC,
    MAX_BYTES,
    MnistError,
    MnistMissingError,
    load_mnist,
    read_idx,
)

FUZZ = settings(max_examples=60, deadline=timedelta(seconds=1),
                suppress_health_check=[HealthCheck.too_slow])
VALID_MAGICS = (0x801, 0x802, 0x803)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """One folder for the module; each example overwrites its file there."""
    return tmp_path_factory.mktemp("idx")


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file of unsigned bytes holding ``array``."""
    return struct.pack(f">I{array.ndim}I", 0x800 | array.ndim, *array.shape) + array.tobytes()


def header(dims: list[int]) -> bytes:
    """An IDX unsigned-byte header announcing ``dims``."""
    return struct.pack(f">I{len(dims)}I", 0x800 | len(dims), *dims)


def write(folder: Path, payload: bytes, gz: bool) -> Path:
    """Write ``payload`` to ``sample.idx`` or, gzip-compressed, to ``sample.idx.gz``."""
    path = folder / ("sample.idx.gz" if gz else "sample.idx")
    path.write_bytes(gzip.compress(payload, mtime=0) if gz else payload)
    return path


def read_or_error(path: Path, expected_magic: int | None = None) -> np.ndarray | None:
    """read_idx's array, or None when it raised MnistError (anything else propagates)."""
    try:
        return read_idx(path, expected_magic)
    except MnistError as e:
        assert str(path) in str(e)
        return None


uint8_arrays = arrays(np.uint8, array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=12))


@FUZZ
@given(array=uint8_arrays, gz=st.booleans())
def test_round_trip(workdir, array, gz):
    got = read_idx(write(workdir, idx_bytes(array), gz), expected_magic=0x800 | array.ndim)
    assert got.dtype == np.uint8 and got.shape == array.shape
    np.testing.assert_array_equal(got, array)


@FUZZ
@given(array=arrays(np.uint8, array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=12)),
       data=st.data(), gz=st.booleans())
def test_truncated_data_is_refused(workdir, array, data, gz):
    cut = data.draw(st.integers(1, array.size), label="bytes cut")
    path = write(workdir, idx_bytes(array)[:-cut], gz)
    with pytest.raises(MnistError, match="truncated"):
        read_idx(path)


@FUZZ
@given(array=uint8_arrays, data=st.data(), gz=st.booleans())
def test_truncated_header_is_refused(workdir, array, data, gz):
    payload = idx_bytes(array)
    cut = data.draw(st.integers(0, 4 + 4 * array.ndim - 1), label="header bytes kept")
    with pytest.raises(MnistError):
        read_idx(write(workdir, payload[:cut], gz))


@FUZZ
@given(array=uint8_arrays, extra=st.binary(min_size=1, max_size=64), gz=st.booleans())
def test_trailing_bytes_are_refused(workdir, array, extra, gz):
    with pytest.raises(MnistError, match="trailing"):
        read_idx(write(workdir, idx_bytes(array) + extra, gz))


@FUZZ
@given(magic=st.integers(0, 2 ** 32 - 1).filter(lambda m: m not in VALID_MAGICS),
       rest=st.binary(max_size=64), gz=st.booleans())
def test_wrong_magic_is_refused(workdir, magic, rest, gz):
    with pytest.raises(MnistError, match="magic"):
        read_idx(write(workdir, struct.pack(">I", magic) + rest, gz))


@FUZZ
@given(array=uint8_arrays, expected=st.sampled_from(VALID_MAGICS), gz=st.booleans())
def test_unexpected_magic_is_refused(workdir, array, expected, gz):
    assume(0x800 | array.ndim != expected)
    with pytest.raises(MnistError, match="expected 0x"):
        read_idx(write(workdir, idx_bytes(array), gz), expected)


def huge_dims() -> st.SearchStrategy[list[int]]:
    """Dims that multiply to 10**6 .. 2**62 bytes (more than MAX_BYTES or far more than present)."""
    return st.one_of(st.lists(st.integers(10 ** 6, 2 ** 32 - 1), min_size=1, max_size=1),
                     st.lists(st.integers(10 ** 3, 2 ** 31), min_size=2, max_size=2),
                     st.lists(st.integers(10 ** 2, 2 ** 20), min_size=3, max_size=3))


@FUZZ
@given(dims=huge_dims(), present=st.binary(max_size=1024), gz=st.booleans())
@example(dims=[10 ** 9, 28, 28], present=b"\0" * 784, gz=False)      # a billion images
@example(dims=[10 ** 9], present=b"\1" * 10, gz=True)                # a billion labels: under MAX_BYTES
@example(dims=[MAX_BYTES + 1], present=b"", gz=False)
def test_huge_claims_fail_fast_without_allocating(workdir, dims, present, gz):
    path = write(workdir, header(dims) + present, gz)
    tracemalloc.start()
    try:
        with pytest.raises(MnistError, match="refusing|truncated"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"read_idx allocated {peak} bytes for a {len(present)}-byte body"


@pytest.mark.parametrize("dims", [[2 ** 32 - 1, 2 ** 32 - 1], [2 ** 22, 2 ** 21, 2 ** 21]])
def test_dims_overflowing_int64_raise_mnist_error(workdir, dims):
    with pytest.raises(MnistError):
        read_idx(write(workdir, header(dims), gz=False))


idx_like = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda magic, rest: struct.pack(">I", magic) + rest, st.sampled_from(VALID_MAGICS),
              st.binary(max_size=200)),
    st.builds(lambda dims, body: header(dims) + body, st.lists(st.integers(0, 2 ** 32 - 1), min_size=1, max_size=3),
              st.binary(max_size=64)),
)


@FUZZ
@given(payload=idx_like, gz=st.booleans(), expected=st.sampled_from((None,) + VALID_MAGICS))
def test_random_bytes_give_array_or_mnist_error(workdir, payload, gz, expected):
    result = read_or_error(write(workdir, payload, gz), expected)
    if result is not None:
        assert result.dtype == np.uint8 and idx_bytes(result) == payload


@FUZZ
@given(payload=st.binary(max_size=200).filter(lambda b: b[:2] != b"\x1f\x8b"))
def test_non_gzip_bytes_named_gz_are_refused(workdir, payload):
    path = workdir / "sample.idx.gz"
    path.write_bytes(payload)
    with pytest.raises(MnistError) as info:
        read_idx(path)
    assert str(path) in str(info.value)


@FUZZ
@given(array=uint8_arrays, data=st.data())
def test_corrupt_gzip_gives_same_array_or_mnist_error(workdir, array, data):
    packed = bytearray(gzip.compress(idx_bytes(array), mtime=0))
    damage = data.draw(st.sampled_from(["truncate", "flip", "append"]), label="damage")
    if damage == "truncate":
        packed = packed[:data.draw(st.integers(0, len(packed) - 1), label="kept")]
    elif damage == "flip":
        packed[data.draw(st.integers(0, len(packed) - 1), label="at")] ^= data.draw(st.integers(1, 255), label="xor")
    else:
        packed += data.draw(st.binary(min_size=1, max_size=32), label="garbage")
    path = workdir / "sample.idx.gz"
    path.write_bytes(bytes(packed))
    result = read_or_error(path)
    if result is not None:
        np.testing.assert_array_equal(result, array)
        assert result.shape == array.shape


def write_split(folder: Path, images: np.ndarray, labels: np.ndarray, gz: bool, split: str = "test") -> None:
    """Write an MNIST-named image file and label file of ``split`` into ``folder``."""
    img_stem, lbl_stem = FILES[split]
    for stem, array in ((img_stem, images), (lbl_stem, labels)):
        payload = idx_bytes(array)
        if gz:
            (folder / (stem + ".gz")).write_bytes(gzip.compress(payload, mtime=0))
        else:
            (folder / stem).write_bytes(payload)


@settings(max_examples=50, deadline=timedelta(seconds=1))
@given(n_images=st.integers(0, 4), n_labels=st.integers(0, 4), side=st.sampled_from([(28, 28), (28, 27), (14, 56)]),
       top_label=st.integers(0, 255), gz=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_load_mnist_accepts_exactly_valid_splits(n_images, n_labels, side, top_label, gz, seed):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n_images, *side), dtype=np.uint8)
    labels = rng.integers(0, 10, n_labels, dtype=np.uint8)
    if n_labels:
        labels[0] = top_label
    valid = n_images == n_labels > 0 and side == (28, 28) and top_label <= 9
    with tempfile.TemporaryDirectory() as folder:
        write_split(Path(folder), images, labels, gz)
        if not valid:
            with pytest.raises(MnistError):
                load_mnist("test", folder)
            return
        got_images, got_labels = load_mnist("test", folder)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


def test_load_mnist_refuses_swapped_files(tmp_path):
    images, labels = np.zeros((2, 28, 28), np.uint8), np.array([3, 4], np.uint8)
    write_split(tmp_path, labels, images, gz=False)
    with pytest.raises(MnistError, match=f"expected 0x{IMAGES_MAGIC:08x}"):
        load_mnist("test", tmp_path)


def test_load_mnist_missing_file_says_how_to_get_it(tmp_path):
    write_split(tmp_path, np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.uint8), gz=True)
    (tmp_path / (FILES["test"][1] + ".gz")).unlink()
    with pytest.raises(MnistMissingError, match="download-mnist") as info:
        load_mnist("test", tmp_path)
    assert FILES["test"][1] in str(info.value) and str(tmp_path) in str(info.value)


def write_zero_images(path: Path, dims: tuple[int, ...], magic: int) -> None:
    """A gzip IDX file announcing ``dims`` and holding all of their bytes, zeros (small on disk, big inside)."""
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(struct.pack(f">I{len(dims)}I", magic, *dims))
        row = bytes(784 * 1000)
        size = int(np.prod(dims))
        for start in range(0, size, len(row)):
            f.write(row[:size - start])


def peak_of(call) -> int:
    """Peak bytes allocated (tracemalloc) while ``call()`` runs."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


BIG = 20_000     # 15.7 MB of pixels, about 60 kB gzip-compressed


@pytest.mark.parametrize("images, labels", [
    ((BIG, 28, 28), (10,)),           # many real images, few labels
    ((10, 28, 28), (BIG * 784,)),     # few images, many real labels
    ((BIG, 28, 27), (BIG,)),          # counts agree, images are not 28x28
], ids=["many-images", "many-labels", "not-28x28"])
def test_split_whose_headers_disagree_is_refused_before_reading_data(tmp_path, images, labels):
    img_stem, lbl_stem = FILES["test"]
    write_zero_images(tmp_path / (img_stem + ".gz"), images, IMAGES_MAGIC)
    write_zero_images(tmp_path / (lbl_stem + ".gz"), labels, LABELS_MAGIC)

    errors = []

    def load() -> None:
        with pytest.raises(MnistError) as info:
            load_mnist("test", tmp_path)
        errors.append(str(info.value))
    peak = peak_of(load)
    assert peak < 4 << 20, f"load_mnist allocated {peak} bytes before refusing a split whose headers disagree"
    assert img_stem in errors[0] and "download-mnist" in errors[0]


def test_reading_a_split_needs_little_more_memory_than_its_pixels(tmp_path):
    img_stem, lbl_stem = FILES["test"]
    write_zero_images(tmp_path / (img_stem + ".gz"), (BIG, 28, 28), IMAGES_MAGIC)
    write_zero_images(tmp_path / (lbl_stem + ".gz"), (BIG,), LABELS_MAGIC)
    shapes = []
    peak = peak_of(lambda: shapes.extend(a.shape for a in load_mnist("test", tmp_path)))
    assert shapes == [(BIG, 28, 28), (BIG,)]
    assert peak < 1.3 * BIG * 785 + (2 << 20), f"{peak} bytes allocated to read {BIG * 785} bytes"


@pytest.mark.parametrize("split", ["train", "test"])
def test_empty_split_is_refused(tmp_path, split):
    write_split(tmp_path, np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8), gz=True, split=split)
    with pytest.raises(MnistError, match="no images") as info:
        load_mnist(split, tmp_path)
    assert FILES[split][0] in str(info.value) and "download-mnist" in str(info.value)
