"""The .Z (Unix compress) decoder, checked against a small compressor written here for the tests.

When ``gzip`` is installed (it decodes .Z files), it cross-checks that the test compressor
writes the real format, so the round trips below are not one misunderstanding shared twice.
"""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from unix_compress import compress, encode

from cnn_numpy.data.lzw import CLEAR, LzwError, decompress
from cnn_numpy.errors import DataError


def pendigits_like_text(size: int, seed: int = 0) -> bytes:
    """About ``size`` bytes shaped like a pendigits file: keywords and random-walk "x y" lines."""
    rng = np.random.default_rng(seed)
    parts, total, index = [], 0, 0
    while total < size:
        label = int(rng.integers(10))
        lines = [f'.SEGMENT DIGIT {index:4d} ? "{label}"', f".COMMENT {label} {rng.integers(1, 31)} {index}"]
        for _ in range(int(rng.integers(1, 3))):
            walk = np.cumsum(rng.integers(-6, 7, size=(int(rng.integers(10, 60)), 2)), axis=0) + 250
            lines += [".PEN_DOWN", *(f" {x:3d}  {y:3d}" for x, y in walk), ".PEN_UP", ".DT 100"]
        part = "\n".join(lines) + "\n\n"
        parts.append(part)
        total, index = total + len(part), index + 1
    return "".join(parts).encode("ascii")


def gzip_decompress(z: bytes) -> bytes:
    """What ``gzip -dc`` makes of ``z``; skips the test where gzip is not installed."""
    gzip = shutil.which("gzip")
    if gzip is None:
        pytest.skip("gzip is not installed")
    return subprocess.run([gzip, "-dc"], input=z, capture_output=True, check=True, timeout=60).stdout


TEXT = pendigits_like_text(300_000)
NOISE = np.random.default_rng(1).integers(0, 256, 40_000, dtype=np.uint8).tobytes()
BIG = TEXT + NOISE      # the text reaches 16-bit codes; the noise then fills the table: CLEAR
SAMPLES = {
    "empty": b"",
    "one byte": b"a",
    "repeats (KwKwK codes)": b"a" * 5000,
    "classic": b"TOBEORNOTTOBEORTOBEORNOT#" * 40,
    "every byte value": bytes(range(256)) * 8,
    "random bytes": NOISE[:20_000],
    "pendigits text": TEXT[:40_000],
}


def test_decodes_a_handmade_stream_with_clear_padding():
    # 'a' and CLEAR fill 18 bits of a 9-byte group of 8 codes; the rest is padding, and 'b'
    # starts the next group: a reader that does not skip the padding reads code 0 instead.
    group1 = (ord("a") | CLEAR << 9).to_bytes(9, "little")
    stream = b"\x1f\x9d\x90" + group1 + ord("b").to_bytes(2, "little")
    assert decompress(stream) == b"ab"
    assert decompress(b"\x1f\x9d\x90") == b""


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("max_bits", [9, 12, 16])
def test_round_trip(name, max_bits):
    data = SAMPLES[name]
    assert decompress(compress(data, max_bits)) == data


@pytest.mark.parametrize("clear_after", [1, 7, 300, 1001, 5000])
def test_round_trip_with_clear_codes_mid_group(clear_after):
    data = TEXT[:60_000]
    writer = encode(data, 16, True, clear_after)
    assert writer.clears > 1
    assert decompress(writer.output()) == data


@pytest.mark.parametrize("max_bits", [9, 12, 16])
def test_round_trip_without_block_mode(max_bits):
    # Without block mode the first width change comes after 257 codes, mid-group: padding.
    data = TEXT[:60_000]
    z = compress(data, max_bits, block_mode=False)
    assert z[2] == max_bits
    assert decompress(z) == data


def test_large_input_reaches_16_bits_and_clears():
    writer = encode(BIG, 16, True, None)
    assert writer.widest == 16 and writer.clears >= 1
    assert decompress(writer.output()) == BIG


def test_handmade_stream_agrees_with_gzip():
    group1 = (ord("a") | CLEAR << 9).to_bytes(9, "little")
    assert gzip_decompress(b"\x1f\x9d\x90" + group1 + b"b\x00") == b"ab"


@pytest.mark.parametrize("max_bits,block_mode,clear_after", [
    (16, True, None), (12, True, None), (10, True, 1001), (16, True, 777), (13, False, None), (16, False, None),
])
def test_test_compressor_agrees_with_gzip(max_bits, block_mode, clear_after):
    # gzip, like ncompress, widens 9-bit streams to 10 bits once the table is full: max_bits 9 is left out.
    z = compress(BIG, max_bits, block_mode, clear_after)
    assert gzip_decompress(z) == BIG


@pytest.mark.parametrize("stream,words", [
    (b"", "truncated"),
    (b"\x1f\x9d", "truncated"),
    (b"PK\x03\x04 not compress", "magic number 50 4b"),
    (b"\x1f\x8b\x08\x00", "magic number 1f 8b"),
    (b"\x1f\x9d\x91", "flags byte 0x91"),             # 17 bits
    (b"\x1f\x9d\x88", "flags byte 0x88"),             # 8 bits
    (b"\x1f\x9d\xf0", "flags byte 0xf0"),             # reserved bits set
    (b"\x1f\x9d\x90\x61", "truncated"),               # 8 bits: less than one 9-bit code
    (b"\x1f\x9d\x90" + (0x61 | 300 << 9).to_bytes(3, "little"), "invalid code 300"),
    (b"\x1f\x9d\x90" + (257).to_bytes(2, "little"), "invalid code 257"),   # first code must be a byte
])
def test_rejects_broken_streams(stream, words):
    with pytest.raises(LzwError, match=words) as info:
        decompress(stream)
    assert isinstance(info.value, DataError)


def test_rejects_a_stream_cut_inside_a_code():
    # compress ends the stream with the last code's bytes, so fewer than 8 bits are left over.
    z = compress(b"abcdefghij")          # 10 codes of 9 bits: a group of 9 bytes, then 3 bytes
    assert len(z) == 3 + 9 + 3
    assert decompress(z[:14]) == b"abcdefghi"          # 16 bits: one code and 7 bits of padding
    with pytest.raises(LzwError, match="truncated"):
        decompress(z[:13])                              # 8 bits: no code, but more than padding
    writer = encode(TEXT, 16, True, None)
    assert (writer.bits, writer.clears) == (16, 0)
    with pytest.raises(LzwError, match="truncated"):   # its last code is 2 bytes: keep only one
        decompress(writer.output()[:-1])


def test_output_limit_stops_decompression_bombs():
    bomb = compress(b"\0" * 300_000)
    assert len(bomb) < 2_000
    with pytest.raises(LzwError, match="1000-byte limit"):
        decompress(bomb, max_output=1000)
    assert decompress(bomb, max_output=300_000) == b"\0" * 300_000
