"""Pen-drawn digits of 44 writers: UCI "Pen-Based Recognition of Handwritten Digits", original trajectories.

E. Alpaydin and F. Alimoglu, UCI Machine Learning Repository, dataset 81 (CC BY 4.0).
``pendigits-orig.tra`` holds the 30 training writers, ``pendigits-orig.tes`` 14 other writers.
Writers are numbered from 1 in each file, so writer 3 of the training file is not writer 3 of
the test file: :func:`load_pendigits` names them ``train-w3`` and ``test-w3``.

Where the files are looked for, first match wins:
    1. the ``--pendigits-dir`` option (``pendigits_dir`` argument),
    2. the ``HDR_PENDIGITS_DIR`` environment variable,
    3. the per-user cache ``$XDG_CACHE_HOME/hdr-numpy/pendigits`` (``~/.cache/hdr-numpy/pendigits``),
       where ``python main.py download-pendigits`` puts them (with :func:`extract_archive`).

The files are UNIPEN-style text::

    .SEGMENT DIGIT    0 ? "8"        a digit begins; its label is the quoted character
    .COMMENT 8 12  224               label, writer, sample number
    .PEN_DOWN                        a stroke begins
     267  333                        x y, integers, y pointing UP
    .PEN_UP                          the stroke ends
    .DT 100                          pause between strokes (ignored)
"""
from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import numpy as np

from ..errors import DataError
from ..files import sha256_file, write_bytes
from ..paths import data_folder
from ..reporting import ProgressFactory, Reporter, silent
from .download import Source, download
from .lzw import LzwError, decompress
from .strokes import PenDigits

PENDIGITS_FILES = {   # file name -> SHA-256 of the uncompressed file
    "pendigits-orig.tra": "a66225d68d7d68591e62944df1ad33b3f5aa608e2df2505844b41f5568a80da4",
    "pendigits-orig.tes": "ddb1c19e277a56c7ffe682cc024d6ab73696f9adcc1643ef9ed5aa753007e081",
}
SPLITS = {"train": "pendigits-orig.tra", "test": "pendigits-orig.tes"}
ARCHIVE_URL = "https://archive.ics.uci.edu/static/public/81/pen+based+recognition+of+handwritten+digits.zip"
MAX_FILE_BYTES = 32 << 20      # the larger file is 3.6 MB; its .Z member about 1 MB
HOW_TO_GET = ("run 'python main.py download-pendigits' (needs internet), or point --pendigits-dir or the "
              "HDR_PENDIGITS_DIR environment variable at a folder holding pendigits-orig.tra and pendigits-orig.tes")

HEADER_KEYWORDS = {".INCLUDE", ".LEXICON", ".HIERARCHY", ".DT"}   # all ignored
SEGMENT = re.compile(r'\.SEGMENT\s+DIGIT\s+\S+\s+\S+\s+"([^"]*)"\s*')
COMMENT = re.compile(r"\.COMMENT\s+(\d+)\s+(\d+)\s+(\d+)\s*")
POINT = re.compile(r"\s*-?\d+\s+-?\d+\s*")


class PendigitsError(DataError):
    """A pendigits file or archive is unreadable, damaged or not what it claims to be."""


class PendigitsMissingError(PendigitsError):
    """The pendigits files are not where they were looked for."""


def resolve_pendigits_dir(pendigits_dir: Path | str | None = None) -> Path:
    """The pendigits folder: ``pendigits_dir`` if given, else $HDR_PENDIGITS_DIR, else the user cache
    (where ``download-pendigits`` writes)."""
    return data_folder(pendigits_dir, "HDR_PENDIGITS_DIR", "pendigits")


def _error(name: str, line: int, problem: str) -> PendigitsError:
    return PendigitsError(f"{name} line {line}: {problem}.")


def parse_pendigits(text: str, name: str, writer_prefix: str = "w") -> PenDigits:
    """The digits in a pendigits file's ``text``; ``name`` is used in error messages.

    Sources are ``writer_prefix`` + the writer number (e.g. ``w12``). Strokes are float32 with
    y pointing down (the file's y negated). Raises PendigitsError naming the file and the line
    for anything malformed or out of place.
    """
    lines = text.splitlines()
    labels: list[int] = []
    writers: list[str] = []
    digits: list[list[tuple[int, int]]] = []   # per digit, its strokes as (first, end) point indices
    point_lines: list[int] = []                # 1-based line number of every point, in file order
    segment_line = 0                           # line of the current .SEGMENT, 0 before the first
    has_comment = False
    stroke_line = 0                            # line of the open .PEN_DOWN, 0 when no stroke is open
    stroke_start = 0                           # index in point_lines of the open stroke's first point

    def end_digit() -> None:
        if segment_line and not digits[-1]:
            raise _error(name, segment_line, "this digit has no strokes (no .PEN_DOWN ... .PEN_UP block)")

    for n, line in enumerate(lines, 1):
        if not line.startswith("."):
            if stroke_line:
                point_lines.append(n)            # checked below, all at once
            elif line.strip():
                raise _error(name, n, f"point {line.strip()!r} is outside a .PEN_DOWN ... .PEN_UP block")
            continue
        keyword = line.split(maxsplit=1)[0]
        if stroke_line and keyword != ".PEN_UP":
            raise _error(name, n, f"{keyword} inside the stroke begun at line {stroke_line} (missing .PEN_UP)")
        if keyword == ".SEGMENT":
            end_digit()
            match = SEGMENT.fullmatch(line)
            if not match:
                raise _error(name, n, 'malformed .SEGMENT line, expected .SEGMENT DIGIT <index> <quality> "<digit>"')
            label = match[1]
            if len(label) != 1 or label not in "0123456789":
                raise _error(name, n, f'label "{label}" is not a single digit')
            labels.append(int(label))
            digits.append([])
            segment_line, has_comment = n, False
        elif keyword == ".COMMENT":
            if not segment_line:
                raise _error(name, n, ".COMMENT before the first .SEGMENT line")
            if has_comment:
                raise _error(name, n, f"second .COMMENT for the digit at line {segment_line}")
            match = COMMENT.fullmatch(line)
            if not match:
                raise _error(name, n, "malformed .COMMENT line, expected .COMMENT <label> <writer> <sample>")
            if int(match[1]) != labels[-1]:
                raise _error(name, n, f"label {match[1]} does not match the digit's label {labels[-1]} "
                                      f"at line {segment_line}")
            writers.append(f"{writer_prefix}{int(match[2])}")
            has_comment = True
        elif keyword == ".PEN_DOWN":
            if not segment_line:
                raise _error(name, n, ".PEN_DOWN before the first .SEGMENT line")
            if not has_comment:
                raise _error(name, n, f"the digit at line {segment_line} has no .COMMENT line before its strokes")
            stroke_line, stroke_start = n, len(point_lines)
        elif keyword == ".PEN_UP":
            if not stroke_line:
                raise _error(name, n, ".PEN_UP without a .PEN_DOWN")
            if len(point_lines) == stroke_start:
                raise _error(name, n, f"the stroke begun at line {stroke_line} has no points")
            digits[-1].append((stroke_start, len(point_lines)))
            stroke_line = 0
        elif keyword not in HEADER_KEYWORDS:
            raise _error(name, n, f"unknown keyword {keyword}")
    if stroke_line:
        raise _error(name, stroke_line, "the file ends inside the stroke begun here (truncated: no .PEN_UP)")
    end_digit()
    if not labels:
        raise PendigitsError(f"{name}: no digits found (no .SEGMENT lines).")

    rows = [lines[n - 1] for n in point_lines]
    for n, row in zip(point_lines, rows, strict=True):
        if not POINT.fullmatch(row):
            raise _error(name, n, f"expected a point 'x y' of two integers, found {row!r}")
    points = np.loadtxt(rows, dtype=np.float32, ndmin=2) * np.array([1, -1], np.float32)   # y down
    strokes = [[points[a:b] for a, b in digit] for digit in digits]
    return PenDigits(strokes, np.array(labels, np.int64), np.array(writers, str))


def load_pendigits(split: str, pendigits_dir: Path | str | None = None, verify: bool = True) -> PenDigits:
    """The "train" (.tra, 30 writers) or "test" (.tes, 14 other writers) digits, writers named
    ``train-w<n>`` / ``test-w<n>``. With ``verify``, the file must have its published SHA-256."""
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    name = SPLITS[split]
    path = resolve_pendigits_dir(pendigits_dir) / name
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise PendigitsMissingError(f"{path} not found: {HOW_TO_GET}.") from e
    except OSError as e:
        raise PendigitsError(f"{path} cannot be read ({e}).") from e
    if verify:
        found, expected = hashlib.sha256(data).hexdigest(), PENDIGITS_FILES[name]
        if found != expected:
            raise PendigitsError(f"{path} has SHA-256 {found}, expected {expected}: it is damaged or another "
                                 f"version; download it again with 'python main.py download-pendigits'.")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as e:
        raise PendigitsError(f"{path} is not a pendigits text file (byte {e.start} is not ASCII).") from e
    return parse_pendigits(text, str(path), writer_prefix=f"{split}-w")


def _read_members(zip_path: Path) -> dict[str, tuple[str, bytes]]:
    """For each file of PENDIGITS_FILES: (its .Z member's name in the zip, the member's bytes)."""
    packed = {}
    try:
        with zipfile.ZipFile(zip_path) as archive:
            by_basename = {PurePosixPath(info.filename).name: info for info in archive.infolist()}
            for name in PENDIGITS_FILES:
                info = by_basename.get(name + ".Z")
                if info is None:
                    raise PendigitsError(f"{zip_path} has no member {name}.Z: it is not the UCI pendigits "
                                         f"archive ({ARCHIVE_URL}).")
                with archive.open(info) as member:
                    data = member.read(MAX_FILE_BYTES + 1)    # bounded even if the zip's header lies
                if len(data) > MAX_FILE_BYTES:
                    raise PendigitsError(f"{info.filename} in {zip_path} is larger than {MAX_FILE_BYTES >> 20} MiB: "
                                         "it is not a pendigits file.")
                packed[name] = (info.filename, data)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as e:
        raise PendigitsError(f"{zip_path} cannot be read as a zip archive ({e}).") from e
    return packed


def extract_archive(zip_path: Path, dest: Path) -> list[Path]:
    """Decompress the two ``.Z`` files of the UCI zip at ``zip_path`` into ``dest``; return their paths.

    Both are checked against PENDIGITS_FILES before either is written (atomically, under its
    final name), so a damaged or unexpected archive leaves ``dest`` untouched.
    """
    zip_path, dest = Path(zip_path), Path(dest)
    contents = {}
    for name, (member, packed) in _read_members(zip_path).items():
        try:
            data = decompress(packed, max_output=MAX_FILE_BYTES)
        except LzwError as e:
            raise PendigitsError(f"{member} in {zip_path} does not decompress ({e}).") from e
        found, expected = hashlib.sha256(data).hexdigest(), PENDIGITS_FILES[name]
        if found != expected:
            raise PendigitsError(f"{member} in {zip_path} decompresses to SHA-256 {found}, expected {expected}, "
                                 "so nothing was written: the archive is damaged or UCI changed it.")
        contents[name] = data
    paths = []
    for name, data in contents.items():
        try:
            write_bytes(dest / name, data)
        except OSError as e:
            raise PendigitsError(f"Cannot write {dest / name} ({e}).") from e
        paths.append(dest / name)
    return paths


ARCHIVE = Source("pendigits", {ARCHIVE_URL.rsplit("/", 1)[1]: None}, (ARCHIVE_URL.rsplit("/", 1)[0] + "/",),
                 "copy pendigits-orig.tra and pendigits-orig.tes into {dest} yourself, or point --pendigits-dir "
                 "/ HDR_PENDIGITS_DIR at a folder that has them.", max_bytes=MAX_FILE_BYTES)


def download_pendigits(dest: Path | str | None = None, mirrors: Sequence[str] | None = None, timeout: float = 30,
                       report: Reporter | None = None, progress: ProgressFactory | None = None) -> list[Path]:
    """The two pendigits files, verified, in ``dest`` (default: as :func:`resolve_pendigits_dir`).

    Files already there with the right SHA-256 are kept; otherwise UCI's archive is downloaded
    beside them, its two ``.Z`` members decompressed and checked (:func:`extract_archive`), and
    the archive deleted. The archive itself has no published checksum: what counts is that the
    files inside match the SHA-256s of PENDIGITS_FILES, and a mismatch says what was found.
    """
    dest = resolve_pendigits_dir(dest)
    finals = [dest / name for name in PENDIGITS_FILES]
    if all(p.is_file() and sha256_file(p) == PENDIGITS_FILES[p.name] for p in finals):
        (report or silent)("pendigits files already present, checksums OK")
        return finals
    (archive,) = download(ARCHIVE, dest, mirrors, timeout, report, progress)
    try:
        return extract_archive(archive, dest)
    finally:
        archive.unlink(missing_ok=True)
