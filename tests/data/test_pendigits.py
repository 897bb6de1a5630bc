"""Reading the UCI pendigits files and extracting them from the UCI archive, on tiny synthetic files.

Only test_real_files reads the real data, from $HDR_PENDIGITS_DIR, and skips without it.
"""
from __future__ import annotations

import hashlib
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from unix_compress import compress

from cnn_numpy.data import pendigits
from cnn_numpy.data.pendigits import (
    PendigitsError,
    PendigitsMissingError,
    extract_archive,
    load_pendigits,
    parse_pendigits,
    resolve_pendigits_dir,
)
from cnn_numpy.errors import DataError

HEADER = [".INCLUDE        dene.doc", "", '.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"',
          ".HIERARCHY      DIGIT", ""]


def digit(index: int, label: int, writer: int, strokes: list[list[tuple[int, int]]]) -> list[str]:
    """The lines of one digit, laid out as in the real files."""
    lines = [f'.SEGMENT DIGIT {index:4d} ? "{label}"', f".COMMENT {label} {writer:2d} {index:4d}"]
    for stroke in strokes:
        lines += [".PEN_DOWN", *(f" {x:3d}  {y:3d}" for x, y in stroke), ".PEN_UP", ".DT 100"]
    return lines + [""]


# Line numbers: the 8 starts at line 6 (.COMMENT 7, .PEN_DOWN 8, points 9-11, .PEN_UP 12, .DT 13);
# the 4 starts at line 15 (.PEN_DOWN 17, points 18-19, .PEN_UP 20, .PEN_DOWN 22, point 23, .PEN_UP 24).
LINES = HEADER + digit(0, 8, 12, [[(267, 333), (267, 336), (266, 342)]]) + digit(1, 4, 3, [[(10, 20), (30, 40)],
                                                                                         [(50, 60)]])
TEXT = "\n".join(LINES) + "\n"


def edited(edits: dict[int, str | None]) -> str:
    """TEXT with 1-based line n replaced by edits[n], or removed where that is None."""
    lines = list(LINES)
    for n in sorted(edits, reverse=True):
        if edits[n] is None:
            del lines[n - 1]
        else:
            lines[n - 1] = edits[n]
    return "\n".join(lines) + "\n"


def test_parse_reads_labels_writers_and_strokes_with_y_down():
    digits = parse_pendigits(TEXT, "sample.tra")
    assert len(digits) == 2
    assert digits.labels.tolist() == [8, 4]
    assert digits.sources.tolist() == ["w12", "w3"]
    first, second = digits.strokes
    assert len(first) == 1 and len(second) == 2
    np.testing.assert_array_equal(first[0], [[267, -333], [267, -336], [266, -342]])
    np.testing.assert_array_equal(second[0], [[10, -20], [30, -40]])
    np.testing.assert_array_equal(second[1], [[50, -60]])
    assert all(s.dtype == np.float32 and s.shape[1] == 2 for strokes in digits.strokes for s in strokes)


def test_parse_names_writers_with_the_given_prefix():
    assert parse_pendigits(TEXT, "sample.tes", writer_prefix="test-w").sources.tolist() == ["test-w12", "test-w3"]


@pytest.mark.parametrize("edits,line,words", [
    ({10: " 267  abc"}, 10, "expected a point 'x y'"),
    ({10: " 1 2 3"}, 10, "expected a point 'x y'"),
    ({10: ""}, 10, "expected a point 'x y'"),
    ({6: '.SEGMENT DIGIT    0 ? "12"'}, 6, 'label "12" is not a single digit'),
    ({6: '.SEGMENT DIGIT    0 ? "a"'}, 6, 'label "a" is not a single digit'),
    ({6: ".SEGMENT DIGIT    0"}, 6, "malformed .SEGMENT line"),
    ({14: " 5  5"}, 14, "outside a .PEN_DOWN"),
    ({7: ".COMMENT 3 12 0"}, 7, "label 3 does not match the digit's label 8 at line 6"),
    ({7: ".COMMENT 8 twelve 0"}, 7, "malformed .COMMENT line"),
    ({7: ""}, 8, "the digit at line 6 has no .COMMENT line"),
    ({2: ".COMMENT 1 2 3"}, 2, ".COMMENT before the first .SEGMENT"),
    ({13: ".COMMENT 8 12 0"}, 13, "second .COMMENT for the digit at line 6"),
    ({2: ".PEN_DOWN"}, 2, ".PEN_DOWN before the first .SEGMENT"),
    ({8: "", 9: "", 10: "", 11: "", 12: "", 13: ""}, 6, "this digit has no strokes"),
    ({9: None, 10: None, 11: None}, 9, "the stroke begun at line 8 has no points"),
    ({13: ".PEN_UP"}, 13, ".PEN_UP without a .PEN_DOWN"),
    ({10: ".PEN_DOWN"}, 10, ".PEN_DOWN inside the stroke begun at line 8 (missing .PEN_UP)"),
    ({10: ".DT 100"}, 10, ".DT inside the stroke begun at line 8"),
    ({14: ".FOO bar"}, 14, "unknown keyword .FOO"),
])
def test_parse_names_the_file_and_line_of_each_problem(edits, line, words):
    with pytest.raises(PendigitsError, match=rf"^bad\.tra line {line}: .*{re.escape(words)}.*\.$") as info:
        parse_pendigits(edited(edits), "bad.tra")
    assert isinstance(info.value, DataError)


def test_parse_reports_a_truncated_file_at_its_open_stroke():
    cut = "\n".join(LINES[:23])              # ends after the point on line 23, before its .PEN_UP
    with pytest.raises(PendigitsError, match=r"^cut\.tes line 22: .*truncated"):
        parse_pendigits(cut, "cut.tes")


def test_parse_rejects_a_file_without_digits():
    with pytest.raises(PendigitsError, match="empty.tra: no digits"):
        parse_pendigits("\n".join(HEADER), "empty.tra")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def synthetic(monkeypatch) -> dict[str, bytes]:
    """Two small synthetic files, with PENDIGITS_FILES patched to their checksums."""
    files = {"pendigits-orig.tra": TEXT.encode("ascii"),
             "pendigits-orig.tes": "\n".join(HEADER + digit(0, 7, 2, [[(1, 2), (3, 4)]])).encode("ascii")}
    monkeypatch.setattr(pendigits, "PENDIGITS_FILES", {name: sha256(data) for name, data in files.items()})
    return files


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_resolve_dir_prefers_the_option_then_the_environment_then_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("HDR_PENDIGITS_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert resolve_pendigits_dir(tmp_path / "option") == tmp_path / "option"
    assert resolve_pendigits_dir() == tmp_path / "env"
    monkeypatch.delenv("HDR_PENDIGITS_DIR")
    assert resolve_pendigits_dir() == tmp_path / "cache" / "hdr-numpy" / "pendigits"


def test_load_verifies_and_names_writers_by_split(synthetic, tmp_path):
    folder = write_files(tmp_path, synthetic)
    train, test = load_pendigits("train", folder), load_pendigits("test", folder)
    assert train.labels.tolist() == [8, 4] and train.sources.tolist() == ["train-w12", "train-w3"]
    assert test.labels.tolist() == [7] and test.sources.tolist() == ["test-w2"]


def test_load_rejects_a_file_with_the_wrong_checksum(synthetic, tmp_path):
    changed = TEXT.replace(" 267  333", " 268  333").encode("ascii")
    folder = write_files(tmp_path, {**synthetic, "pendigits-orig.tra": changed})
    with pytest.raises(PendigitsError) as info:
        load_pendigits("train", folder)
    message = str(info.value)
    assert str(folder / "pendigits-orig.tra") in message
    assert sha256(changed) in message and sha256(synthetic["pendigits-orig.tra"]) in message
    assert "python main.py download-pendigits" in message
    assert len(load_pendigits("train", folder, verify=False)) == 2


def test_load_says_where_it_looked_and_how_to_get_the_files(tmp_path):
    with pytest.raises(PendigitsMissingError) as info:
        load_pendigits("test", tmp_path)
    message = str(info.value)
    for words in (str(tmp_path / "pendigits-orig.tes"), "python main.py download-pendigits", "--pendigits-dir",
                  "HDR_PENDIGITS_DIR"):
        assert words in message
    with pytest.raises(ValueError, match="split"):
        load_pendigits("validation", tmp_path)


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def uci_zip(path: Path, packed: dict[str, bytes]) -> Path:
    """A zip laid out like UCI's: ``packed`` (file name -> its .Z bytes) in a folder, beside another file."""
    members = {f"pendigits/{name}.Z": data for name, data in packed.items()}
    return make_zip(path, {"pendigits/pendigits.names": b"description", **members})


def packed(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: compress(data) for name, data in files.items()}


def test_extract_archive_writes_both_files_and_they_load(synthetic, tmp_path):
    dest = tmp_path / "cache" / "pendigits"
    paths = extract_archive(uci_zip(tmp_path / "uci.zip", packed(synthetic)), dest)
    assert paths == [dest / "pendigits-orig.tra", dest / "pendigits-orig.tes"]
    assert all(path.read_bytes() == synthetic[path.name] for path in paths)
    assert sorted(p.name for p in dest.iterdir()) == ["pendigits-orig.tes", "pendigits-orig.tra"]
    assert load_pendigits("test", dest).labels.tolist() == [7]


@pytest.fixture
def dest_with_old_file(tmp_path) -> Path:
    """A destination holding an older file under a final name, which a failed extraction must keep."""
    return write_files(tmp_path / "dest", {"pendigits-orig.tra": b"old"})


def assert_untouched(dest: Path) -> None:
    assert [p.name for p in dest.iterdir()] == ["pendigits-orig.tra"]
    assert (dest / "pendigits-orig.tra").read_bytes() == b"old"


def test_extract_archive_rejects_a_member_that_does_not_decompress(synthetic, tmp_path, dest_with_old_file):
    broken = b"\x1f\x9d\x90\xff\xff\xff"             # its first code, 511, is not a byte
    archive = uci_zip(tmp_path / "uci.zip", {**packed(synthetic), "pendigits-orig.tes": broken})
    with pytest.raises(PendigitsError, match=r"pendigits/pendigits-orig\.tes\.Z in .*uci\.zip does not decompress"):
        extract_archive(archive, dest_with_old_file)
    assert_untouched(dest_with_old_file)


def test_extract_archive_writes_nothing_when_a_checksum_differs(synthetic, tmp_path, dest_with_old_file):
    other = synthetic["pendigits-orig.tes"] + b"\n"
    archive = uci_zip(tmp_path / "uci.zip", {**packed(synthetic), "pendigits-orig.tes": compress(other)})
    with pytest.raises(PendigitsError) as info:
        extract_archive(archive, dest_with_old_file)
    message = str(info.value)
    assert "pendigits-orig.tes.Z" in message and "nothing was written" in message
    assert sha256(other) in message and sha256(synthetic["pendigits-orig.tes"]) in message
    assert_untouched(dest_with_old_file)


def test_extract_archive_rejects_a_zip_without_the_members(synthetic, tmp_path, dest_with_old_file):
    archive = make_zip(tmp_path / "other.zip", {"pendigits-orig.tra.Z": compress(synthetic["pendigits-orig.tra"])})
    with pytest.raises(PendigitsError, match=r"other\.zip has no member pendigits-orig\.tes\.Z"):
        extract_archive(archive, dest_with_old_file)
    assert_untouched(dest_with_old_file)


def test_extract_archive_rejects_a_corrupt_zip(tmp_path, dest_with_old_file):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(PendigitsError, match=r"broken\.zip cannot be read as a zip archive"):
        extract_archive(archive, dest_with_old_file)
    assert_untouched(dest_with_old_file)


REAL_DIR = os.environ.get("HDR_PENDIGITS_DIR")


@pytest.mark.skipif(not (REAL_DIR and all((Path(REAL_DIR) / name).is_file() for name in pendigits.PENDIGITS_FILES)),
                    reason="the real pendigits files are not in $HDR_PENDIGITS_DIR")
def test_real_files():
    train, test = load_pendigits("train"), load_pendigits("test")
    assert (len(train), len(set(train.sources))) == (7494, 30)
    assert (len(test), len(set(test.sources))) == (3498, 14)
    assert not set(train.sources) & set(test.sources)
    assert set(train.labels) == set(test.labels) == set(range(10))
