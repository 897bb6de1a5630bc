"""``python main.py predict``: one output line per image file, in the order given.

Whatever the file names hold, each file gets exactly one line and printing never fails: in plain
text, control characters are escaped as repr does (a newline as \\n), bytes that are not valid in
the file system's encoding as \\xff, and characters the output's encoding lacks as \\u6570; JSON
escapes all of these itself (``ensure_ascii``), the bytes as surrogates Python reads back losslessly.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from cnn_numpy.data.image_files import ImageFileError, iter_image_paths
from cnn_numpy.recognition.files import BATCH, Source, recognize_files
from cnn_numpy.recognition.numbers import DigitReading, NumberReading, read_number_file
from cnn_numpy.recognition.recognizer import Recognition, Recognizer
from cnn_numpy.recognition.segment import MAX_PIECES


def printable(text: str) -> str:
    """``text`` as one printable line: unprintable characters escaped as repr does (\\n, \\x1b),
    undecodable file-name bytes (surrogate escapes) as the bytes they stand for (\\xff)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    if "\udc80" <= char <= "\udcff":          # os.fsdecode's stand-in for an undecodable byte
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


UNCALIBRATED = ("note: {weights} carry no calibration, so confidences are the raw softmax and no answer is "
                "called not-a-digit (python main.py calibrate --weights W adds one).")


def format_line(path: Path, rec: Recognition, as_json: bool) -> str:
    """One output line for a recognised (or blank) image."""
    if as_json:
        return json.dumps({"path": str(path), "digit": rec.digit, "confidence": round(rec.confidence, 6),
                           "verdict": rec.verdict, "probs": [round(float(p), 6) for p in rec.probs]})
    name = printable(str(path))
    if rec.verdict == "blank":
        return f"{name}: no digit (blank image)"
    if rec.verdict == "not_digit":
        return f"{name}: not a digit (best guess {rec.digit}, {rec.confidence * 100:.1f} %)"
    if rec.verdict == "unsure":
        return f"{name}: {rec.digit} ({rec.confidence * 100:.1f} %, unsure: perhaps {rec.runner_up})"
    return f"{name}: {rec.digit} ({rec.confidence * 100:.1f} %)"


def format_number_line(path: Path, reading: NumberReading, as_json: bool) -> str:
    """One output line for the number read in an image (``predict --multi``)."""
    if as_json:
        line = {"path": str(path), "text": reading.text,
                "digits": [{"digit": d.digit, "confidence": round(d.confidence, 6), "verdict": d.verdict,
                            "box": list(d.box)} for d in reading.digits]}
        return json.dumps(line | {"capped": True} if reading.capped else line)
    name = printable(str(path))
    if not reading.digits:
        return f"{name}: no digits ({'a texture, not writing' if reading.capped else 'blank image'})"
    pieces = ", ".join(_piece(d) for d in reading.digits)
    capped = f"; more than {MAX_PIECES} pieces, the rest ignored" if reading.capped else ""
    return f"{name}: {reading.text or 'no number'} ({pieces}{capped})"


def _piece(d: DigitReading) -> str:
    if d.verdict == "not_digit":
        return f"not a digit (best guess {d.digit}, {d.confidence * 100:.1f} %)"
    unsure = f" unsure: perhaps {d.runner_up}" if d.verdict == "unsure" else ""
    return f"{d.digit} {d.confidence * 100:.1f} %{unsure}"


def read_numbers(recognizer: Recognizer, sources: list[Source]
                 ) -> Iterator[tuple[Path, NumberReading | ImageFileError]]:
    """(path, the number read, or why the file failed) for every source, in order, one at a time."""
    for source in sources:
        if isinstance(source, ImageFileError):
            yield source.path, source
            continue
        try:
            yield source, read_number_file(recognizer, source)
        except ImageFileError as e:
            yield source, e


def format_error(error: ImageFileError, as_json: bool) -> str:
    """One output line for a file that could not be used."""
    if as_json:
        return json.dumps({"path": str(error.path), "error": error.reason})
    return f"error: {printable(str(error))}"


def write_line(stream: TextIO, line: str) -> None:
    """Write ``line`` and a newline; characters the stream cannot encode become backslash escapes."""
    encoding = stream.encoding or "utf-8"
    stream.write(line.encode(encoding, "backslashreplace").decode(encoding) + "\n")


def run_predict(paths: list[Path], weights: Path | None, as_json: bool,
                batch_size: int = BATCH, workers: int | None = None, multi: bool = False) -> int:
    """Print the digit of every image in ``paths`` (files or folders), or with ``multi`` the number
    (every digit, boxed). -> exit code: 0 all recognised, 1 some paths could not be read, 2 nothing to do.
    WeightsError (bad weights file) propagates to the caller."""
    workers = (os.cpu_count() or 1) if workers is None else workers
    files = iter_image_paths(paths)
    if not files:
        where = ", ".join(printable(str(path)) for path in paths) or "(no paths given)"
        write_line(sys.stderr, f"error: no image files found in {where}")
        return 2
    recognizer = Recognizer.from_weights(weights)
    if not recognizer.calibrated:
        write_line(sys.stderr, UNCALIBRATED.format(weights=weights or "the shipped weights"))
    failures = 0
    results = read_numbers(recognizer, files) if multi else recognize_files(recognizer, files, batch_size, workers)
    try:
        for path, result in results:
            if isinstance(result, ImageFileError):
                failures += 1
                if not as_json:          # errors go to stderr, after the lines before them
                    sys.stdout.flush()
                    write_line(sys.stderr, format_error(result, False))
                    continue
                line = format_error(result, True)
            elif isinstance(result, NumberReading):
                line = format_number_line(path, result, as_json)
            else:
                line = format_line(path, result, as_json)
            write_line(sys.stdout, line)
        sys.stdout.flush()
    except BrokenPipeError:          # e.g. piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 1 if failures else 0
