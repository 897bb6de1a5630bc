"""Opening image files safely: every way a file can fail becomes one ImageFileError naming it.

Only PNG, JPEG, BMP, GIF (first frame), TIFF and WebP are tried, so no other Pillow plugin
(e.g. EPS, which runs Ghostscript) ever sees the file.
Memory stays bounded: the pixel count is checked from the header before anything is decoded,
Pillow's decompression-bomb warning is treated as an error, and big JPEGs are decoded reduced.
Truncated files are errors (``ImageFile.LOAD_TRUNCATED_IMAGES`` is left False); a file the system
will not let us read says so (e.g. "cannot read: permission denied"). Photos are turned upright
according to their EXIF orientation.
"""
from __future__ import annotations

import os
import stat
import struct
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import HdrError

FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")   # JPEG includes cameras' MPO
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".bmp", ".gif", ".tif", ".tiff", ".webp"})
MAX_PIXELS = 40_000_000      # refused above this, before decoding
DRAFT_SIDE = 2000            # JPEGs longer than this are decoded at 1/2, 1/4 or 1/8 scale, down to this

# Formats whose orientation, if any, is in one of these info keys (Pillow's getexif reads them from there).
_NO_EXIF_FORMATS = frozenset({"PNG", "GIF", "BMP"})
_ORIENTATION_KEYS = frozenset({"exif", "Raw profile type exif", "XML:com.adobe.xmp", "xmp"})

# What Pillow raises on malformed files: OSError without an errno (truncation, decoder errors) and more.
# An OSError with an errno comes from the system (permission, I/O) and is reported as such.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


class ImageFileError(HdrError):
    """A file that cannot be used as an image; ``str()`` is one line starting with the path."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(Path(path), " ".join(reason.split()))    # args pickle (worker -> parent)
        self.path, self.reason = self.args

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def open_image(path: Path | str) -> Image.Image:
    """Decode the image in ``path`` (first frame) fully into memory, or raise ImageFileError."""
    path = Path(path)
    _check_file(path)
    try:
        with warnings.catch_warnings(), open(path, "rb") as fp:
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(fp, formats=FORMATS)
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise ImageFileError(path, f"image too large: {w}x{h} pixels (limit {MAX_PIXELS:,})")
            if max(w, h) > DRAFT_SIDE:   # only JPEG decoders implement draft; others ignore it
                im.draft("L", (max(1, w * DRAFT_SIDE // max(w, h)), max(1, h * DRAFT_SIDE // max(w, h))))
            im.load()
            # Upright as viewers show it: photos often store their orientation in EXIF. The first frame
            # is decoded, so the image outlives the file (read through our own file object, which Pillow
            # does not close); a copy where EXIF may turn it, made while the file is open (a camera's
            # MPO reads its other frames' data from it).
            if im.format in _NO_EXIF_FORMATS and not _ORIENTATION_KEYS.intersection(im.info):
                return im                # nothing can turn it: no EXIF parsing, no copy (a fifth of the decoding)
            return ImageOps.exif_transpose(im)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ImageFileError(path, f"refused as a possible decompression bomb ({e})") from None
    except UnidentifiedImageError:
        raise ImageFileError(path, "not an image file (accepted: PNG, JPEG, BMP, GIF, TIFF, WebP)") from None
    except MemoryError:
        raise ImageFileError(path, "not enough memory to decode the image") from None
    except _DECODE_ERRORS as e:
        if isinstance(e, OSError) and e.errno is not None:
            raise ImageFileError(path, cannot("read", e)) from None
        raise ImageFileError(path, f"damaged or truncated image ({type(e).__name__}: {e})") from None


def cannot(action: str, error: OSError) -> str:
    """'cannot read: permission denied': what failed and the system's reason, without the path."""
    return f"cannot {action}: {(error.strerror or str(error)).lower()}"


def _check_file(path: Path) -> None:
    """Raise ImageFileError unless ``path`` is a non-empty regular file (a pipe would block)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ImageFileError(path, "no such file") from None
    except OSError as e:
        raise ImageFileError(path, cannot("read", e)) from None
    if stat.S_ISDIR(st.st_mode):
        raise ImageFileError(path, "is a folder, not an image file")
    if not stat.S_ISREG(st.st_mode):
        raise ImageFileError(path, "not a regular file")
    if st.st_size == 0:
        raise ImageFileError(path, "empty file (0 bytes)")


def iter_image_paths(paths: list[Path]) -> list[Path | ImageFileError]:
    """Expand folders into the image files directly inside them; keep other paths as given.

    A folder contributes its files with an image extension (case-insensitive), sorted by name,
    not recursing into subfolders and skipping hidden files (such as macOS '._x.png'). Paths
    that are not folders are kept, whatever their extension, even if missing or if the system
    will not say what they are (no permission, name too long), so that opening them gives a
    clear error instead of the file being silently skipped. A folder that cannot be listed
    becomes an ImageFileError in its place: nothing raises, every path gets its answer.
    """
    out: list[Path | ImageFileError] = []
    for path in map(Path, paths):
        if not _is(path, Path.is_dir, False):
            out.append(path)
            continue
        try:
            with os.scandir(path) as listing:      # the entries' types come with the listing: no stat each
                names = sorted((e.name for e in listing if os.path.splitext(e.name)[1].lower() in IMAGE_EXTENSIONS
                                and not e.name.startswith(".") and _is(e, os.DirEntry.is_file, True)),
                               key=os.path.normcase)   # as Paths sort
        except OSError as e:
            out.append(ImageFileError(path, cannot("list folder", e)))
            continue
        out += [path / name for name in names]
    return out


def _is(path: Path | os.DirEntry, test: Callable[[Path | os.DirEntry], bool], otherwise: bool) -> bool:
    """``test(path)``, or ``otherwise`` when the system cannot tell (Python < 3.14 raises then)."""
    try:
        return test(path)
    except OSError:
        return otherwise
