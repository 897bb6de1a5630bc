"""A user's own samples of their handwriting, as image files in the ImageFolder layout.

    SAMPLES/0/*.png   samples of the digit 0
    ...
    SAMPLES/9/*.png   samples of the digit 9

the layout torchvision's ``ImageFolder`` reads. The app saves each corrected answer here as a PNG
(:func:`save_sample`, atomically, under a new unique name), ``python main.py personalize SAMPLES``
learns from the folder (:func:`load_samples`), and exporting or importing samples copies such a
folder (:func:`export_samples`, :func:`import_samples`, which merges and never overwrites).

Any image format :func:`~cnn_numpy.data.image_files.open_image` accepts may be in the folders, with
its guards against hostile files; hidden files and files without an image extension are ignored.
Every image goes through the app's own preprocessing, so a sample is read as the canvas is.

At most :data:`MAX_SAMPLES` samples: loading takes about a millisecond each, so 10,000 load in about
10 s; the app adds them one correction at a time, and a larger collection is a data set to train on
(``python main.py train``), not a person's corrections.
"""
from __future__ import annotations

import hashlib
import io
import secrets
import time
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import HdrError
from ..files import write_bytes
from ..recognition.preprocess import preprocess
from .image_files import MAX_PIXELS, ImageFileError, iter_image_paths, open_image

DIGITS = tuple(str(d) for d in range(10))
MAX_SAMPLES = 10_000
PNG_MODES = ("1", "L", "LA", "P", "RGB", "RGBA", "I;16")   # saved as they are; others as RGB(A)
FIELD = 28


class SamplesError(HdrError):
    """A samples folder is missing, empty, laid out wrongly, holds an unusable image, or cannot be written."""


def sample_files(folder: Path | str) -> list[tuple[Path, int]]:
    """(image file, digit) of every sample in ``folder``, by digit then name. SamplesError when the folder
    is missing or empty, has a sub-folder not named 0-9, or holds more than MAX_SAMPLES images."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SamplesError(f"The samples folder {folder} does not exist or is not a folder.")
    try:
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError as e:
        raise SamplesError(f"The samples folder {folder} cannot be listed ({e.strerror or e}).") from e
    wrong = [p.name for p in entries if p.is_dir() and p.name not in DIGITS]
    if wrong:
        raise SamplesError(f"The samples folder {folder} has a sub-folder named {wrong[0]!r}: sub-folders must be "
                           "named 0 to 9, one per digit.")
    files: list[tuple[Path, int]] = []
    for sub in (p for p in entries if p.name in DIGITS):
        if not sub.is_dir():
            raise SamplesError(f"{sub} is a file, but each digit needs a sub-folder of image files.")
        for path in iter_image_paths([sub]):
            if isinstance(path, ImageFileError):
                raise SamplesError(f"The samples folder {path.path} cannot be read ({path.reason}).")
            files.append((path, int(sub.name)))
        if len(files) > MAX_SAMPLES:
            raise SamplesError(f"The samples folder {folder} holds more than {MAX_SAMPLES:,} images, more than "
                               f"personalising takes; keep fewer, or train on them with 'python main.py train'.")
    if not files:
        raise SamplesError(f"The samples folder {folder} holds no sample images: put each in the sub-folder of its "
                           "digit (0/ to 9/).")
    return files


def count_samples(folder: Path | str) -> int:
    """How many sample images ``folder`` holds (0 when it is missing, empty or cannot be read)."""
    try:
        return len(sample_files(folder))
    except SamplesError:
        return 0


def _sample_image(path: Path) -> Image.Image:
    try:
        return open_image(path)
    except ImageFileError as e:
        raise SamplesError(f"The sample {e.path} cannot be used ({e.reason}); remove or replace it.") from None


def _input(path: Path, image: Image.Image) -> np.ndarray:
    x = preprocess(image)
    if x is None:
        raise SamplesError(f"The sample {path} has no ink (a blank image); remove or replace it.")
    return x


def load_samples(folder: Path | str) -> tuple[np.ndarray, np.ndarray]:
    """(inputs (N, 28, 28) float32 as the network receives them, labels (N,) int64) of every sample in
    ``folder``. SamplesError names the folder or the file for anything unusable."""
    files = sample_files(folder)
    inputs = np.empty((len(files), FIELD, FIELD), np.float32)
    for i, (path, _) in enumerate(files):
        inputs[i] = _input(path, _sample_image(path))
    return inputs, np.array([digit for _, digit in files], np.int64)


def _png(image: Image.Image) -> bytes:
    if image.mode not in PNG_MODES:
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _write_new(folder: Path, digit: int, data: bytes) -> Path:
    """Write ``data`` atomically as a new PNG in ``folder/digit/``, under a name no file there has."""
    sub = folder / str(digit)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    while (path := sub / f"{stamp}-{secrets.token_hex(4)}.png").exists():
        pass
    try:
        write_bytes(path, data)
    except OSError as e:
        raise SamplesError(f"Cannot save a sample in {sub} ({e.strerror or e}); nothing was written.") from e
    return path


def save_sample(folder: Path | str, digit: int, image: Image.Image) -> Path:
    """Save ``image`` as a new PNG sample of ``digit`` in ``folder`` (created if needed), atomically.
    -> its path. SamplesError when the image is empty or too large, or the folder cannot be written."""
    if digit not in range(10):
        raise ValueError(f"digit must be 0 to 9, not {digit!r}")
    if not 0 < image.width * image.height <= MAX_PIXELS:
        raise SamplesError(f"A sample of {image.width}x{image.height} pixels cannot be saved (1 to "
                           f"{MAX_PIXELS:,} pixels).")
    return _write_new(Path(folder), digit, _png(image))


def _fingerprint(image: Image.Image) -> str:
    """SHA-256 of an image's mode, size and pixels (the same picture in another file gives the same)."""
    return hashlib.sha256(f"{image.mode}{image.size}".encode() + image.tobytes()).hexdigest()


def _fingerprints(folder: Path) -> set[str]:
    """Fingerprints of the samples already in ``folder`` (none when it holds none, or is not a samples folder
    yet: importing lays it out)."""
    if count_samples(folder) == 0:
        return set()
    return {f"{digit}:{_fingerprint(_sample_image(path))}" for path, digit in sample_files(folder)}


def import_samples(src: Path | str, dest: Path | str) -> int:
    """Add the samples of ``src`` to ``dest`` as new PNGs: every file of ``src`` is checked first (nothing is
    written when one is unusable), samples ``dest`` already holds are skipped, no file is overwritten.
    -> how many were added."""
    src, dest = Path(src), Path(dest)
    if src.resolve() == dest.resolve():
        raise SamplesError(f"{src} is the samples folder itself; choose another folder to import.")
    known = _fingerprints(dest)
    new: list[tuple[Path, int]] = []
    for path, digit in sample_files(src):
        image = _sample_image(path)
        _input(path, image)
        key = f"{digit}:{_fingerprint(image)}"
        if key not in known:
            known.add(key)
            new.append((path, digit))
    if len(known) > MAX_SAMPLES:
        raise SamplesError(f"Importing would make {len(known):,} samples, more than {MAX_SAMPLES:,}; nothing was "
                           "imported.")
    for path, digit in new:
        _write_new(dest, digit, _png(_sample_image(path)))
    return len(new)


def export_samples(src: Path | str, dest: Path | str) -> int:
    """Copy the samples of ``src`` into ``dest`` (missing or empty) in the same layout. -> how many.
    SamplesError when ``dest`` already holds files or cannot be written."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise SamplesError(f"Export needs a new or empty folder, and {dest} is not; choose another.")
    files = sample_files(src)
    for path, digit in files:
        target = dest / str(digit) / path.name
        try:
            write_bytes(target, path.read_bytes())
        except OSError as e:
            raise SamplesError(f"Cannot export {path} to {target} ({e.strerror or e}); the samples themselves "
                               "are untouched.") from e
    return len(files)
