"""Widget showing a small grey-scale array scaled up with nearest-neighbour."""
from __future__ import annotations

import numpy as np
from PyQt5.QtCore import QRect, QSize, Qt, pyqtSignal
from PyQt5.QtGui import QColor, QImage, QPainter, QPaintEvent
from PyQt5.QtWidgets import QSizePolicy, QWidget


def array_to_qimage(pixels: np.ndarray) -> QImage:
    """(H, W) array, floats in [0, 1] or uint8, as a Format_Grayscale8 QImage (own copy)."""
    if pixels.dtype != np.uint8:
        pixels = np.clip(pixels * 255.0 + 0.5, 0, 255).astype(np.uint8)
    pixels = np.ascontiguousarray(pixels)
    height, width = pixels.shape
    return QImage(pixels.data, width, height, width, QImage.Format_Grayscale8).copy()


class PixelImageView(QWidget):
    """Square view of a grey-scale image with visible pixels, or a placeholder text."""

    pixels_changed = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixels: np.ndarray | None = None
        self._image: QImage | None = None
        self._placeholder = ""
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def pixels(self) -> np.ndarray | None:
        """The array shown, or None."""
        return self._pixels

    def set_pixels(self, pixels: np.ndarray | None) -> None:
        self._pixels = pixels
        self._image = None if pixels is None else array_to_qimage(pixels)
        self.update()
        self.pixels_changed.emit()

    def set_placeholder(self, text: str) -> None:
        """Text shown while no image is set."""
        self._placeholder = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(112, 112)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        side = min(self.width(), self.height())
        area = QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)
        painter.fillRect(area, Qt.black)
        if self._image is not None:
            painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
            painter.drawImage(area, self._image)
        elif self._placeholder:
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(area.adjusted(12, 12, -12, -12), Qt.AlignCenter | Qt.TextWordWrap, self._placeholder)
