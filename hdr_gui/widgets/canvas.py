"""Black drawing canvas: white round-pen strokes kept in canvas-normalised coordinates.

The drawing area is ASPECT times as wide as it is high, room for a whole number. Strokes are
polylines with points in [0, ASPECT] x [0, 1], in units of the area's height, so the exported
image does not depend on the window size or the device pixel ratio. After a recognition the
canvas can show each digit's box and label over the drawing (see annotations.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PyQt5.QtCore import QPointF, QRectF, Qt, pyqtSignal
from PyQt5.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PyQt5.QtWidgets import QSizePolicy, QWidget

from .annotations import paint_reading

if TYPE_CHECKING:
    from cnn_numpy.recognition.numbers import NumberReading

EXPORT_SIZE = 280          # height of the exported image, in pixels
ASPECT = 2.0               # width / height of the drawing area (and of the exported image)
DEFAULT_PEN_WIDTH = 18     # pen width in pixels of the exported image


@dataclass
class Stroke:
    """One press-move-release of the mouse."""
    width: float                                   # fraction of the canvas height
    points: list[QPointF] = field(default_factory=list)


class DrawingCanvas(QWidget):
    """Wide black canvas drawn on with the left mouse button; supports undo and clear."""

    strokes_changed = pyqtSignal()      # a stroke was started, undone or cleared
    stroke_finished = pyqtSignal()      # a stroke was ended (the button released)
    ink_changed = pyqtSignal()          # the drawing changed in any way, mouse moves included

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[Stroke] = []
        self._drawing = False
        self._pen_width = DEFAULT_PEN_WIDTH
        self._placeholder = ""
        self._reading: NumberReading | None = None      # boxes shown over the drawing, in exported pixels
        self.setMinimumSize(round(EXPORT_SIZE * ASPECT), EXPORT_SIZE)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setCursor(Qt.CrossCursor)

    def set_pen_width(self, pixels: int) -> None:
        """Width, in pixels of the exported image, of the next strokes (earlier ones keep theirs)."""
        self._pen_width = pixels

    def set_placeholder(self, text: str) -> None:
        """Faint text shown while the canvas is empty."""
        self._placeholder = text
        self.update()

    def is_empty(self) -> bool:
        return not self._strokes

    def is_drawing(self) -> bool:
        """Whether a stroke is being drawn (the button is down)."""
        return self._drawing

    def stroke_count(self) -> int:
        return len(self._strokes)

    def undo(self) -> None:
        """Remove the last stroke."""
        if self._strokes:
            self._strokes.pop()
            self._drawing = False
            self._changed()

    def clear(self) -> None:
        """Remove all strokes."""
        if self._strokes:
            self._strokes.clear()
            self._drawing = False
            self._changed()

    def to_image(self, height: int = EXPORT_SIZE) -> QImage:
        """The drawing as a (height * ASPECT) x height Format_Grayscale8 image, white ink on black."""
        image = QImage(round(height * ASPECT), height, QImage.Format_Grayscale8)
        image.fill(Qt.black)
        painter = QPainter(image)
        self._paint_strokes(painter, height)
        painter.end()
        return image

    def show_reading(self, reading: NumberReading | None) -> None:
        """Draw each digit's box and label of ``reading`` (boxes in to_image() pixels) over the
        drawing, until the drawing changes; None removes them."""
        self._reading = reading
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.LeftButton:
            self._drawing = True
            self._strokes.append(Stroke(self._pen_width / EXPORT_SIZE, [self._normalised(event)]))
            self._changed()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing:
            self._strokes[-1].points.append(self._normalised(event))
            self.update()
            self.ink_changed.emit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.LeftButton and self._drawing:
            self._drawing = False
            self._strokes[-1].points.append(self._normalised(event))
            self.update()
            self.ink_changed.emit()
            self.stroke_finished.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        area = self.drawing_area()
        painter.fillRect(area, Qt.black)
        if self.is_empty() and self._placeholder:
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(area.adjusted(16, 16, -16, -16), Qt.AlignCenter | Qt.TextWordWrap, self._placeholder)
        painter.save()
        painter.setClipRect(area)         # a wide pen near the edge stops there, as in the exported picture
        painter.translate(area.topLeft())
        self._paint_strokes(painter, area.height())
        painter.restore()
        if self._reading is not None:
            paint_reading(painter, self._reading, area.height() / EXPORT_SIZE, area.topLeft())

    def _paint_strokes(self, painter: QPainter, height: float) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.scale(height, height)
        for stroke in self._strokes:
            painter.setPen(QPen(Qt.white, stroke.width, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
            if len(stroke.points) == 1:
                painter.drawPoint(stroke.points[0])
            else:
                painter.drawPolyline(QPolygonF(stroke.points))

    def drawing_area(self) -> QRectF:
        """The largest centred rectangle of the widget with the canvas's aspect ratio."""
        height = min(self.height(), self.width() / ASPECT)
        width = height * ASPECT
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def _normalised(self, event: QMouseEvent) -> QPointF:
        area = self.drawing_area()
        return QPointF((event.localPos().x() - area.x()) / area.height(),
                       (event.localPos().y() - area.y()) / area.height())

    def _changed(self) -> None:
        self._reading = None
        self.update()
        self.strokes_changed.emit()
        self.ink_changed.emit()
