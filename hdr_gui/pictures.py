"""Pictures: open one (file, drop or paste), read the number in it away from the GUI thread, and
save it annotated.

``read_picture`` runs in a worker thread (PictureLoader, see background.py): decoding a
12-megapixel photo and reading it take longer than a window may stay blocked. QImage (unlike
QPixmap) may be made outside the GUI thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from PyQt5.QtCore import QMimeData, QObject, pyqtSignal
from PyQt5.QtGui import QImage

from cnn_numpy.data.image_files import open_image
from cnn_numpy.recognition.numbers import NumberReading, read_number
from cnn_numpy.recognition.reading_memo import ReadingMemo
from cnn_numpy.recognition.recognizer import Recognitions, Recognizer

from .background import BackgroundCall
from .qimage_pil import qimage_to_pil

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


def read_number_with_pieces(recognizer: Recognizer, image: Image.Image, canvas: bool = False,
                            memo: ReadingMemo | None = None) -> tuple[NumberReading, Recognitions]:
    """The number in ``image`` (``canvas``: the app's canvas, bright ink on black; ``memo``: what was read of it
    before) and, for the probability bars, every piece's recognition."""
    reading = read_number(recognizer, image, canvas=canvas, memo=memo)
    probs = np.array([piece.probs for piece in reading.digits], np.float32).reshape(-1, 10)
    inputs = np.array([piece.input_image for piece in reading.digits], np.float32).reshape(-1, 28, 28)
    verdicts = np.array([piece.verdict for piece in reading.digits], dtype=str)
    return reading, Recognitions(probs, inputs, probs.any(axis=1), verdicts)    # no probabilities: no ink seen


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


def picture_in(mime: QMimeData | None) -> Path | Image.Image | None:
    """The first local file, or else the image, that ``mime`` (a drop, the clipboard) carries."""
    if mime is None:
        return None
    files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    if files:
        return Path(files[0])
    if mime.hasImage():
        image = QImage(mime.imageData())
        if not image.isNull():
            return qimage_to_pil(image)
    return None


class PictureLoader(QObject):
    """Reads one picture at a time in a worker thread; a newer picture replaces one still being read
    (whose result is dropped)."""

    read = pyqtSignal(object)          # ReadPicture
    failed = pyqtSignal(object)        # the exception (ImageFileError: the file cannot be used)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: BackgroundCall | None = None
        self._stale: set[BackgroundCall] = set()      # replaced, still finishing

    def load(self, source: Path | Image.Image, recognizer: Recognizer | None) -> None:
        stale = self._current
        if stale is not None:
            stale.succeeded.disconnect()
            stale.failed.disconnect()
            self._stale.add(stale)
            stale.finished.connect(lambda: self._stale.discard(stale))
            stale.finished.connect(stale.deleteLater)
        self._current = BackgroundCall(lambda: read_picture(source, recognizer), self)
        self._current.succeeded.connect(lambda result: self._finish(self.read, result))
        self._current.failed.connect(lambda error: self._finish(self.failed, error))
        self._current.start()

    def wait(self) -> None:
        """Let every reading finish (a QThread must not be destroyed while running)."""
        for worker in (self._current, *self._stale):
            if worker is not None:
                worker.wait()

    def _finish(self, signal, value: object) -> None:
        self._current.wait()
        self._current.deleteLater()
        self._current = None
        signal.emit(value)
