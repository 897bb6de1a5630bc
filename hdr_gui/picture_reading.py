"""Open a picture (file, drop or paste) and read the number in it, away from the GUI thread.

``read_picture`` runs in a worker thread (see background.py): decoding a 12-megapixel photo
and reading it take longer than a window may stay blocked. QImage (unlike QPixmap) may be
made outside the GUI thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from PyQt5.QtGui import QImage

from cnn_numpy.data.image_files import open_image
from cnn_numpy.recognition.numbers import NumberReading, read_number
from cnn_numpy.recognition.recognizer import Recognitions, Recognizer

DISPLAY_SIDE = 2048          # the shown (and saved) copy of a picture is at most this many pixels a side


@dataclass(frozen=True)
class ReadPicture:
    """A picture ready to show, and what was read in it (None without weights)."""
    name: str                          # file name, or "" for a pasted picture
    image: Image.Image                 # the picture as read (EXIF-rotated; large JPEGs decoded smaller)
    picture: QImage                    # RGB copy at most DISPLAY_SIDE a side
    width: int                         # width of the image the boxes were measured on
    reading: NumberReading | None
    pieces: Recognitions | None        # each piece's probabilities, for the bars


def read_number_with_pieces(recognizer: Recognizer, image: Image.Image) -> tuple[NumberReading, Recognitions]:
    """The number in ``image`` and, for the probability bars, every piece's recognition."""
    reading = read_number(recognizer, image)
    return reading, recognizer.recognize_inputs([piece.input_image for piece in reading.digits])


def read_picture(source: Path | Image.Image, recognizer: Recognizer | None) -> ReadPicture:
    """Open ``source`` (a file, with the image file guards; or a pasted image) and read it.
    ImageFileError says why a file cannot be used."""
    image = open_image(source) if isinstance(source, Path) else source
    image.load()
    reading = pieces = None
    if recognizer is not None:
        reading, pieces = read_number_with_pieces(recognizer, image)
    return ReadPicture(source.name if isinstance(source, Path) else "", image, to_display_qimage(image),
                       image.width, reading, pieces)


def to_display_qimage(image: Image.Image) -> QImage:
    """RGB QImage copy of ``image``, shrunk to at most DISPLAY_SIDE a side; transparency shown on white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    elif image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        arr = np.asarray(image, dtype=np.float32)
        lo, hi = float(arr.min()), float(arr.max())
        image = Image.fromarray(((arr - lo) * (255.0 / max(hi - lo, 1e-6))).astype(np.uint8), "L")
    rgb = image.convert("RGB")
    rgb.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE), Image.Resampling.BILINEAR)
    data = np.ascontiguousarray(np.asarray(rgb))
    height, width = data.shape[:2]
    return QImage(data.data, width, height, 3 * width, QImage.Format_RGB888).copy()
