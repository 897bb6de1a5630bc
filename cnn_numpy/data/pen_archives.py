"""Real writers' pen digits (UNIPEN, stroke coordinates) as the app's canvas would show them.

The data folder is given by ``--unipen-dir`` or the ``HDR_UNIPEN_DIR`` environment variable
and holds ``strokes.npz`` (see ../shared/unipen-dev/README.md). It is for measuring only,
never for training.

Format (``numpy.load``, no pickle): S samples, K strokes, P points.

    labels          (S,) integers: the digit 0-9 (strokes.npz) or a Unicode code point (letters.npz)
    sources         (S,) str: the writer group; ``writers`` (S,) str: the file (writer or session)
    sample_strokes  (S+1,) integers rising from 0 to K: sample i has strokes sample_strokes[i] .. [i+1]-1
    stroke_points   (K+1,) integers rising from 0 to P: stroke k has points stroke_points[k] .. [k+1]-1
    points          (P, 2) finite numbers: x, y in tablet units, y growing upward

Every sample has at least one stroke and every stroke at least one point. Anything else is
refused with a :class:`UnipenError` naming the file.
"""
from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ..errors import DataError
from .strokes import PenDigits

FORMAT_HINT = "format: cnn_numpy/data/pen_archives.py"


class UnipenError(DataError):
    """A UNIPEN-format .npz is missing, unreadable or not in the format above."""


class UnipenMissingError(UnipenError):
    """strokes.npz is not where it was looked for."""


def resolve_unipen_dir(unipen_dir: Path | str | None = None) -> Path:
    if unipen_dir:
        return Path(unipen_dir)
    env = os.environ.get("HDR_UNIPEN_DIR")
    if env:
        return Path(env)
    raise UnipenMissingError("No UNIPEN folder given: pass --unipen-dir or set HDR_UNIPEN_DIR "
                             "to a folder holding strokes.npz.")


def read_samples(path: Path, group: str = "sources") -> PenDigits:
    """The samples of a UNIPEN-format ``.npz`` (strokes.npz or letters.npz), y flipped downward;
    ``group`` names the array that becomes :attr:`PenDigits.sources` ("sources" or "writers").
    UnipenMissingError if there is no such file, UnipenError if it is not in the format above."""
    if not path.is_file():
        raise UnipenMissingError(f"{path} not found: pass --unipen-dir or set HDR_UNIPEN_DIR.")
    arrays = _read_arrays(path, ("labels", group, "sample_strokes", "stroke_points", "points"))
    problem = _format_problem(arrays, group)
    if problem:
        raise _malformed(path, problem)
    flipped = arrays["points"].astype(np.float32) * np.array([1, -1], np.float32)   # tablet y grows upward
    sample_strokes, stroke_points = arrays["sample_strokes"].tolist(), arrays["stroke_points"].tolist()
    strokes = [[flipped[stroke_points[k]:stroke_points[k + 1]] for k in range(first, end)]
               for first, end in zip(sample_strokes[:-1], sample_strokes[1:])]
    return PenDigits(strokes, arrays["labels"].astype(int), arrays[group])


def load_pen_digits(unipen_dir: Path | str | None = None, group: str = "sources") -> PenDigits:
    """The UNIPEN development writers' digits (``strokes.npz``), grouped by writer group ("sources")
    or by single writer ("writers")."""
    path = resolve_unipen_dir(unipen_dir) / "strokes.npz"
    digits = read_samples(path, group)
    not_digits = digits.labels[(digits.labels < 0) | (digits.labels > 9)]
    if len(not_digits):
        raise _malformed(path, f"labels must be digits 0-9, not {not_digits[0]}")
    return digits


def _malformed(path: Path, problem: str) -> UnipenError:
    return UnipenError(f"{path} is not a valid UNIPEN-format file: {problem} ({FORMAT_HINT}).")


def _read_arrays(path: Path, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The arrays ``names`` of the .npz at ``path``, never unpickling; UnipenError for anything else."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:   # ValueError: would need pickle
        raise _malformed(path, "it is not a NumPy .npz archive") from e
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise _malformed(path, "it holds a single array, not an .npz archive of arrays")
    with archive:
        missing = [name for name in names if name not in archive.files]
        if missing:
            raise _malformed(path, f"it lacks the array{'s' * (len(missing) > 1)} {', '.join(missing)}")
        arrays = {}
        for name in names:
            try:
                arrays[name] = archive[name]
            except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as e:
                reason = " ".join(str(e).split())          # e.g. object arrays, which would need pickle
                raise _malformed(path, f"its array {name} cannot be read ({reason})") from e
    return arrays


def _format_problem(arrays: dict[str, np.ndarray], group: str) -> str | None:
    """What makes ``arrays`` break the format above, or None."""
    labels, sources, points = arrays["labels"], arrays[group], arrays["points"]
    for name in ("labels", "sample_strokes", "stroke_points"):
        if arrays[name].ndim != 1 or not np.issubdtype(arrays[name].dtype, np.integer):
            return f"{name} must be a 1-D array of integers, not {arrays[name].dtype} of shape {arrays[name].shape}"
    if sources.dtype.kind not in "US" or sources.shape != labels.shape:
        return f"{group} must be {len(labels)} strings, one per label, not {sources.dtype} of shape {sources.shape}"
    if points.ndim != 2 or points.shape[1] != 2 or points.dtype.kind not in "iuf":
        return f"points must be (x, y) pairs of numbers, shape (P, 2), not {points.dtype} of shape {points.shape}"
    if not np.isfinite(points).all():
        return "points must be finite numbers, but some are NaN or infinite"
    if not len(labels):
        return "it holds no samples"
    sample_strokes = arrays["sample_strokes"]
    if len(sample_strokes) != len(labels) + 1:
        return f"sample_strokes has {len(sample_strokes)} entries; {len(labels)} samples need {len(labels) + 1}"
    strokes = max(len(arrays["stroke_points"]) - 1, 0)
    return (_offsets_problem("sample_strokes", sample_strokes, "each sample needs a stroke",
                             strokes, f"stroke_points describes {strokes} strokes")
            or _offsets_problem("stroke_points", arrays["stroke_points"], "each stroke needs a point",
                                len(points), f"points holds {len(points)} points"))


def _offsets_problem(name: str, offsets: np.ndarray, why: str, end: int, end_text: str) -> str | None:
    """What keeps ``offsets`` (not empty) from rising strictly from 0 to ``end``, or None."""
    offsets = offsets.astype(np.int64)
    if offsets[0] != 0:
        return f"{name} must start at 0, not {offsets[0]}"
    falls = np.flatnonzero(np.diff(offsets) <= 0)
    if len(falls):
        i = falls[0]
        return f"{name} must increase ({why}), but entry {i + 1} is {offsets[i + 1]} after {offsets[i]}"
    if offsets[-1] != end:
        return f"{name} ends at {offsets[-1]}, but {end_text}"
    return None
