"""``python main.py predict``: one output line per image file, in the order given."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from cnn_numpy.data.image_files import ImageFileError, iter_image_paths
from cnn_numpy.recognition.files import BATCH, recognize_files
from cnn_numpy.recognition.recognizer import Recognition, Recognizer


def format_line(path: Path, rec: Recognition, as_json: bool) -> str:
    """One output line for a recognised (or blank) image."""
    if as_json:
        return json.dumps({"path": str(path), "digit": rec.digit, "confidence": round(rec.confidence, 6),
                           "probs": [round(float(p), 6) for p in rec.probs]})
    if rec.digit is None:
        return f"{path}: no digit (blank image)"
    return f"{path}: {rec.digit} ({rec.confidence * 100:.1f} %)"


def format_error(error: ImageFileError, as_json: bool) -> str:
    if as_json:
        return json.dumps({"path": str(error.path), "error": error.reason})
    return f"error: {error}"


def run_predict(paths: list[Path], weights: Path | None, as_json: bool,
                batch_size: int = BATCH, workers: int | None = None) -> int:
    """Print the digit of every image in ``paths`` (files or folders). -> exit code:
    0 all recognised, 1 some files could not be read, 2 nothing to do.
    WeightsError (bad weights file) propagates to the caller."""
    workers = (os.cpu_count() or 1) if workers is None else workers
    try:
        files = iter_image_paths(paths)
    except ImageFileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not files:
        where = ", ".join(map(str, paths)) or "(no paths given)"
        print(f"error: no image files found in {where}", file=sys.stderr)
        return 2
    recognizer = Recognizer.from_weights(weights)
    failures = 0
    try:
        for path, result in recognize_files(recognizer, files, batch_size, workers):
            if isinstance(result, ImageFileError):
                failures += 1
                if not as_json:          # errors go to stderr, after the lines before them
                    sys.stdout.flush()
                    print(format_error(result, False), file=sys.stderr)
                    continue
                line = format_error(result, True)
            else:
                line = format_line(path, result, as_json)
            sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except BrokenPipeError:          # e.g. piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 1 if failures else 0
