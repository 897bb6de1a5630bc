"""open_image / iter_image_paths: every damaged or hostile file gives one ImageFileError naming it;
every ordinary kind of image loads and reaches preprocessing."""
from __future__ import annotations

import builtins
import errno
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFile

from cnn_numpy.data import image_files
from cnn_numpy.data.image_files import ImageFileError, iter_image_paths, open_image
from cnn_numpy.recognition.preprocess import preprocess


def digit_one(size: int = 56) -> Image.Image:
    """A '1': a white vertical bar on a black 'L' image."""
    im = Image.new("L", (size, size), 0)
    ImageDraw.Draw(im).line((size // 2, size // 5, size // 2, size * 4 // 5), fill=255, width=size // 10)
    return im


def write_blank_png(path: Path, width: int, height: int) -> Path:
    """A valid 1-bit PNG of the given size, all zeros: a few KB however large, written row by row."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    row, packer = b"\0" * (1 + (width + 7) // 8), zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def assert_refused(path: Path, *words: str) -> ImageFileError:
    with pytest.raises(ImageFileError) as err:
        open_image(path)
    message = str(err.value)
    assert str(path) in message and "\n" not in message
    for word in words:
        assert word in message
    return err.value


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any image data gets decoded."""
    def load(self):
        raise AssertionError("image data was decoded")
    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_missing_file_and_folder(tmp_path):
    assert_refused(tmp_path / "nope.png", "no such file")
    assert_refused(tmp_path, "folder")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
def test_pipe_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.png")
    assert_refused(tmp_path / "pipe.png", "not a regular file")


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.png"
    path.touch()
    assert_refused(path, "empty")


def test_text_file_named_png(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is not a picture\n")
    assert_refused(path, "not an image")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file(tmp_path, fmt):
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (200, 200), dtype=np.uint8))
    path = tmp_path / f"cut.{fmt.lower()}"
    noise.save(path, fmt)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert_refused(path, "truncated")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_over_pixel_limit_refused_from_header(tmp_path, no_decoding):
    path = write_blank_png(tmp_path / "big.png", 7000, 7000)   # 49 Mpx: under Pillow's own limit
    assert_refused(path, "too large", "7000x7000")


def test_20000_square_refused_before_decoding(tmp_path, no_decoding):
    path = write_blank_png(tmp_path / "huge.png", 20000, 20000)
    assert path.stat().st_size < 100_000
    assert_refused(path, "decompression bomb")


def test_decompression_bomb_warning_is_an_error(tmp_path, monkeypatch, no_decoding):
    monkeypatch.setattr(image_files, "MAX_PIXELS", 10 ** 12)      # only Pillow's check is left
    path = write_blank_png(tmp_path / "bomb.png", 10000, 10000)  # Pillow merely warns at this size
    assert_refused(path, "decompression bomb")


def _ink_matches(loaded: Image.Image, reference: np.ndarray) -> None:
    x = preprocess(loaded)
    assert x is not None and np.abs(x - reference).max() < 0.1


@pytest.mark.parametrize("mode, ext", [("P", "png"), ("CMYK", "jpg"), ("RGB", "bmp"), ("L", "tif"),
                                       ("RGB", "webp"), ("1", "png"), ("LA", "png")])
def test_modes_and_formats_load(tmp_path, mode, ext):
    reference = preprocess(digit_one())
    path = tmp_path / f"digit.{ext}"
    digit_one().convert(mode).save(path, **({"lossless": True} if ext == "webp" else {}))
    loaded = open_image(path)
    assert loaded.mode == (mode if ext != "webp" else "RGB")
    _ink_matches(loaded, reference)


def test_16_bit_png(tmp_path):
    arr = np.asarray(digit_one(), dtype=np.uint16) * 257
    path = tmp_path / "deep.png"
    Image.frombytes("I;16", (arr.shape[1], arr.shape[0]), arr.astype("<u2").tobytes()).save(path)
    loaded = open_image(path)
    assert loaded.mode.startswith("I")
    _ink_matches(loaded, preprocess(digit_one()))


def test_rgba_black_ink_on_transparent(tmp_path):
    path = tmp_path / "alpha.png"
    rgba = Image.new("RGBA", (56, 56), (0, 0, 0, 0))
    rgba.putalpha(digit_one())                    # black ink where the '1' is, transparent elsewhere
    rgba.save(path)
    loaded = open_image(path)
    assert loaded.mode == "RGBA"
    _ink_matches(loaded, preprocess(digit_one()))


def test_gif_first_frame(tmp_path):
    path = tmp_path / "anim.gif"
    digit_one().save(path, save_all=True, append_images=[Image.new("L", (56, 56), 0)])
    _ink_matches(open_image(path), preprocess(digit_one()))


def test_large_jpeg_decoded_reduced(tmp_path):
    path = tmp_path / "photo.jpg"
    photo = Image.new("RGB", (4400, 3300), "white")
    ImageDraw.Draw(photo).line((2200, 600, 2200, 2700), fill="black", width=200)
    photo.save(path)
    loaded = open_image(path)
    assert loaded.size == (2200, 1650) and loaded.mode == "L"
    assert preprocess(loaded) is not None


@pytest.mark.parametrize("name", ["sideways.jpg", "sideways.png", "sideways.webp"])
def test_exif_orientation_applied(tmp_path, name):
    path = tmp_path / name
    exif = Image.Exif()
    exif[0x0112] = 6                              # stored sideways: display rotated 90 degrees
    Image.new("L", (40, 20), 0).save(path, exif=exif)
    assert open_image(path).size == (20, 40)
    Image.new("L", (40, 20), 0).save(path)        # no orientation: as stored
    assert open_image(path).size == (40, 20)


def test_iter_image_paths(tmp_path):
    folder = tmp_path / "imgs"
    (folder / "sub").mkdir(parents=True)
    for name in ("b.PNG", "a.jpg", "c.tiff", "notes.txt", ".hidden.png", "sub/deep.png"):
        (folder / name).write_bytes(b"x")
    odd = tmp_path / "scan.dat"
    assert iter_image_paths([odd, folder, tmp_path / "missing.png"]) == [
        odd, folder / "a.jpg", folder / "b.PNG", folder / "c.tiff", tmp_path / "missing.png"]


def test_permission_denied_when_opening(tmp_path, monkeypatch):
    path = tmp_path / "locked.png"
    digit_one().save(path)
    original = builtins.open

    def open_(file, *args, **kwargs):
        if os.fspath(file) == str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(file))
        return original(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", open_)
    message = str(assert_refused(path, "cannot read: permission denied"))
    assert "damaged" not in message and "truncated" not in message


def test_permission_denied_on_stat(tmp_path, monkeypatch, deny):
    path = tmp_path / "locked" / "a.png"                          # inside a folder without search permission
    deny("stat", lambda p: p.parent == path.parent)
    assert_refused(path, "cannot read: permission denied")


def test_name_too_long(tmp_path):
    assert_refused(tmp_path / ("x" * 300 + ".png"), "cannot read: file name too long")


def test_out_of_memory_while_decoding(tmp_path, monkeypatch):
    path = tmp_path / "digit.png"
    digit_one().save(path)

    def load(self):
        raise MemoryError
    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    assert_refused(path, "not enough memory")


def test_iter_image_paths_keeps_unreadable_paths(tmp_path, monkeypatch, deny):
    """Paths whose type cannot be told are kept (opening them says why); a folder that cannot be
    listed is an ImageFileError in its place; the other paths are still expanded."""
    long_name = tmp_path / ("x" * 300 + ".png")
    locked, unlisted, folder = tmp_path / "locked", tmp_path / "unlisted", tmp_path / "imgs"
    for sub in (locked, unlisted, folder):
        sub.mkdir()
        (sub / "a.png").write_bytes(b"x")
    deny("stat", lambda p: p.parent == locked)      # lists, but no search permission
    deny("scandir", lambda p: p == unlisted)
    out = iter_image_paths([long_name, locked / "a.png", unlisted, locked, folder])
    assert out[:2] == [long_name, locked / "a.png"] and out[3:] == [locked / "a.png", folder / "a.png"]
    assert isinstance(out[2], ImageFileError) and out[2].path == unlisted
    assert str(out[2]) == f"{unlisted}: cannot list folder: permission denied"
