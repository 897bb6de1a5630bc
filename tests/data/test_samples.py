"""The user's samples folder (ImageFolder layout): saved atomically, loaded as network inputs, exported and
imported without overwriting; every bad folder or file gives one SamplesError naming it."""
from __future__ import annotations

import errno
import os

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cnn_numpy.data import samples
from cnn_numpy.data.samples import (
    SamplesError,
    count_samples,
    export_samples,
    import_samples,
    load_samples,
    sample_files,
    save_sample,
)
from cnn_numpy.recognition.preprocess import preprocess


def drawn(digit: int, size: int = 40) -> Image.Image:
    """A small white-on-black drawing that differs by digit (a bar leaning by ``digit``)."""
    im = Image.new("L", (size, size), 0)
    ImageDraw.Draw(im).line((size // 2 - digit, size // 6, size // 2 + digit, size * 5 // 6), fill=255,
                            width=max(2, size // 10))
    return im


def one_line_error(call, *words: str) -> str:
    with pytest.raises(SamplesError) as err:
        call()
    message = str(err.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message
    return message


def test_round_trip_gives_the_preprocessed_inputs_and_labels(tmp_path):
    paths = [save_sample(tmp_path, d, drawn(d)) for d in (3, 1, 3)]
    assert all(p.parent.name == str(d) and p.suffix == ".png" for p, d in zip(paths, (3, 1, 3)))
    assert len(set(paths)) == 3 and count_samples(tmp_path) == 3
    inputs, labels = load_samples(tmp_path)
    assert inputs.shape == (3, 28, 28) and inputs.dtype == np.float32
    assert labels.tolist() == [1, 3, 3] and labels.dtype == np.int64
    np.testing.assert_allclose(inputs[0], preprocess(drawn(1)))


def test_save_keeps_colour_and_odd_modes_as_png(tmp_path):
    cmyk = drawn(5).convert("CMYK")
    path = save_sample(tmp_path, 5, cmyk)
    assert Image.open(path).format == "PNG"
    with pytest.raises(ValueError):
        save_sample(tmp_path, 10, drawn(1))


def test_a_failed_save_leaves_no_file(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "fsync", full)
    one_line_error(lambda: save_sample(tmp_path, 4, drawn(4)), "No space left on device", "nothing was written")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_unwritable_folder_is_one_message(tmp_path, deny):
    deny("mkdir", lambda p: p.name == "7")
    one_line_error(lambda: save_sample(tmp_path, 7, drawn(7)), str(tmp_path / "7"))


def test_missing_empty_and_misnamed_folders(tmp_path):
    one_line_error(lambda: load_samples(tmp_path / "nope"), "does not exist")
    one_line_error(lambda: load_samples(tmp_path), "holds no sample images")
    (tmp_path / "3").mkdir()
    (tmp_path / "notes.txt").write_text("not a sample")
    one_line_error(lambda: load_samples(tmp_path), "holds no sample images")
    (tmp_path / "seven").mkdir()
    one_line_error(lambda: load_samples(tmp_path), "'seven'", "0 to 9")
    (tmp_path / "seven").rmdir()
    (tmp_path / "4").write_bytes(b"")
    one_line_error(lambda: load_samples(tmp_path), str(tmp_path / "4"), "sub-folder")
    assert count_samples(tmp_path) == 0


def test_hidden_and_non_image_files_are_ignored(tmp_path):
    save_sample(tmp_path, 2, drawn(2))
    (tmp_path / "2" / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "2" / "readme.txt").write_text("junk")
    (tmp_path / ".trash").mkdir()
    assert count_samples(tmp_path) == 1


@pytest.mark.parametrize("content, reason", [(b"not a png at all", "not an image file"),
                                             (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "damaged or truncated")])
def test_unreadable_or_hostile_images_are_named(tmp_path, content, reason):
    save_sample(tmp_path, 1, drawn(1))
    bad = tmp_path / "6" / "bad.png"
    bad.parent.mkdir()
    bad.write_bytes(content)
    one_line_error(lambda: load_samples(tmp_path), str(bad), reason)


def test_blank_image_is_named(tmp_path):
    blank = save_sample(tmp_path, 0, Image.new("L", (30, 30), 0))
    one_line_error(lambda: load_samples(tmp_path), str(blank), "no ink")


def test_one_sample_is_enough(tmp_path):
    save_sample(tmp_path, 9, drawn(9))
    inputs, labels = load_samples(tmp_path)
    assert inputs.shape == (1, 28, 28) and labels.tolist() == [9]


def test_thousands_of_samples_load_and_too_many_are_refused(tmp_path, monkeypatch):
    tiny = drawn(3, size=8)
    for d in range(10):
        (tmp_path / str(d)).mkdir()
        for i in range(100):
            tiny.save(tmp_path / str(d) / f"{i}.png")
    inputs, labels = load_samples(tmp_path)
    assert inputs.shape == (1000, 28, 28) and np.bincount(labels).tolist() == [100] * 10
    monkeypatch.setattr(samples, "MAX_SAMPLES", 999)
    one_line_error(lambda: sample_files(tmp_path), "more than 999")


def test_export_copies_and_refuses_a_folder_in_use(tmp_path):
    src, dest = tmp_path / "mine", tmp_path / "export"
    for d in (0, 8, 8):
        save_sample(src, d, drawn(d))
    assert export_samples(src, dest) == 3
    assert sorted(p.relative_to(dest) for p in dest.rglob("*.png")) == sorted(
        p.relative_to(src) for p in src.rglob("*.png"))
    one_line_error(lambda: export_samples(src, dest), str(dest), "new or empty")


def test_import_merges_skips_known_samples_and_never_overwrites(tmp_path):
    mine, other = tmp_path / "mine", tmp_path / "other"
    kept = save_sample(mine, 5, drawn(5))
    before = kept.read_bytes()
    (other / "5").mkdir(parents=True)
    drawn(5).save(other / "5" / kept.name)                  # same picture, same name
    drawn(6).convert("RGB").save(other / "5" / "b.jpg")     # another picture, another format
    save_sample(other, 2, drawn(2))
    assert import_samples(other, mine) == 2
    assert kept.read_bytes() == before and count_samples(mine) == 3
    assert import_samples(other, mine) == 0                 # importing again adds nothing
    fresh = tmp_path / "fresh"
    (fresh / "3").mkdir(parents=True)                       # laid out, no samples yet
    assert import_samples(other, fresh) == 3
    one_line_error(lambda: import_samples(mine, mine), "itself")


def test_import_writes_nothing_when_one_file_is_bad(tmp_path):
    mine, other = tmp_path / "mine", tmp_path / "other"
    save_sample(other, 1, drawn(1))
    (other / "2").mkdir()
    (other / "2" / "evil.png").write_bytes(b"GIF89a" + b"\xff" * 20)
    one_line_error(lambda: import_samples(other, mine), "evil.png")
    assert count_samples(mine) == 0
