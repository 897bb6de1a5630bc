"""Paint what was read over a picture: a red box around each digit and its label in green.

As users know it from the web version: red box, green digit above it, and the confidence in small
type below it. A piece that is not a digit gets a grey dashed box and "?"; an unsure digit is "7?".
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt5.QtCore import QPointF, QRectF, Qt
from PyQt5.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

if TYPE_CHECKING:
    from cnn_numpy.recognition.numbers import DigitReading, NumberReading

BOX_RED = QColor(229, 57, 53)
LABEL_GREEN = QColor(0, 230, 118)
NOT_DIGIT_GREY = QColor(158, 158, 158)
LABEL_BACKGROUND = QColor(0, 0, 0, 170)
FONT_PIXELS = (12, 30)          # label font size limits, in painted pixels


def label_text(piece: DigitReading) -> str:
    """'7', '7?' for an unsure digit, '?' for a piece that is not a digit."""
    if piece.verdict == "not_digit":
        return "?"
    return f"{piece.digit}?" if piece.verdict == "unsure" else str(piece.digit)


def paint_reading(painter: QPainter, reading: NumberReading, scale: float, offset: QPointF) -> None:
    """Boxes and labels of ``reading`` (boxes in image pixels), drawn where the image is shown
    ``scale`` times its size with its top-left corner at ``offset``."""
    if not reading.digits:
        return
    rects = [QRectF(offset.x() + x0 * scale, offset.y() + y0 * scale, (x1 - x0) * scale, (y1 - y0) * scale)
             for x0, y0, x1, y1 in (piece.box for piece in reading.digits)]
    heights = sorted(rect.height() for rect in rects)
    big = QFont(painter.font())
    big.setBold(True)
    big.setPixelSize(round(min(max(0.3 * heights[len(heights) // 2], FONT_PIXELS[0]), FONT_PIXELS[1])))
    small = QFont(painter.font())
    small.setPixelSize(max(FONT_PIXELS[0] - 2, round(0.5 * big.pixelSize())))
    painter.save()
    painter.setRenderHint(QPainter.Antialiasing)
    for piece, rect in zip(reading.digits, rects):
        grey = piece.verdict == "not_digit"
        pen = QPen(NOT_DIGIT_GREY if grey else BOX_RED, 2, Qt.DashLine if grey else Qt.SolidLine)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(rect)
        colour = NOT_DIGIT_GREY if grey else LABEL_GREEN
        _label(painter, big, label_text(piece), rect, above=True, colour=colour)
        if not grey:
            _label(painter, small, f"{100 * piece.confidence:.0f}%", rect, above=False, colour=colour)
    painter.restore()


def _label(painter: QPainter, font: QFont, text: str, box: QRectF, above: bool, colour: QColor) -> None:
    """``text`` on a dark patch centred above (or below) ``box``; inside the box when there is no room."""
    metrics = QFontMetricsF(font)
    patch = QRectF(0, 0, metrics.horizontalAdvance(text) + 6, metrics.height() + 2)
    limit = painter.device().height() if painter.device() is not None else box.bottom() + patch.height()
    if above:
        top = box.top() - patch.height() if box.top() >= patch.height() else box.top()
    else:
        top = box.bottom() if box.bottom() + patch.height() <= limit else box.bottom() - patch.height()
    patch.moveTo(box.center().x() - patch.width() / 2, top)
    painter.setFont(font)
    painter.fillRect(patch, LABEL_BACKGROUND)
    painter.setPen(colour)
    painter.drawText(patch, Qt.AlignCenter, text)


def annotated_image(image: QImage, reading: NumberReading, scale: float = 1.0) -> QImage:
    """A copy of ``image`` with the boxes and labels painted in; ``scale`` is the image's size
    relative to the picture the boxes were measured on."""
    out = image.convertToFormat(QImage.Format_RGB32)
    painter = QPainter(out)
    paint_reading(painter, reading, scale, QPointF(0, 0))
    painter.end()
    return out
