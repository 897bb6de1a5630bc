"""Widget showing an opened picture scaled to fit, with the digits read boxed and labelled."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt5.QtCore import QPointF, QRectF, QSize, Qt
from PyQt5.QtGui import QColor, QImage, QPainter, QPaintEvent
from PyQt5.QtWidgets import QSizePolicy, QWidget

from .annotations import paint_reading

if TYPE_CHECKING:
    from cnn_numpy.recognition.numbers import NumberReading


class PictureView(QWidget):
    """Shows ``picture`` (a copy at display resolution of an image ``original_width`` pixels wide)
    and, once read, the boxes of a NumberReading measured on the original; or a placeholder text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._picture: QImage | None = None
        self._original_width = 1
        self._reading: NumberReading | None = None
        self._placeholder = ""
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def picture(self) -> QImage | None:
        return self._picture

    def reading(self) -> NumberReading | None:
        return self._reading

    def set_picture(self, picture: QImage | None, original_width: int = 1) -> None:
        """Show ``picture`` (None: the placeholder); any earlier reading is removed."""
        self._picture = picture
        self._original_width = max(1, original_width)
        self._reading = None
        self.update()

    def set_reading(self, reading: NumberReading | None) -> None:
        self._reading = reading
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def picture_scale(self) -> float:
        """Size of the shown picture relative to the original the boxes were measured on."""
        return self._picture.width() / self._original_width if self._picture is not None else 1.0

    def sizeHint(self) -> QSize:
        return QSize(560, 280)

    def shown_area(self) -> QRectF:
        """Where the picture is drawn: as large as fits, centred, aspect ratio kept."""
        if self._picture is None or self._picture.isNull():
            return QRectF(self.rect())
        scale = min(self.width() / self._picture.width(), self.height() / self._picture.height())
        width, height = self._picture.width() * scale, self._picture.height() * scale
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(48, 48, 48))
        if self._picture is None:
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(QRectF(self.rect()).adjusted(16, 16, -16, -16), Qt.AlignCenter | Qt.TextWordWrap,
                             self._placeholder)
            return
        area = self.shown_area()
        painter.setRenderHint(QPainter.SmoothPixmapTransform)
        painter.drawImage(area, self._picture)
        if self._reading is not None:
            scale = area.width() / self._picture.width() * self.picture_scale()
            paint_reading(painter, self._reading, scale, QPointF(area.x(), area.y()))
