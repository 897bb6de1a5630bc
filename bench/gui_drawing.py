"""Draw on the app's canvas by sending real mouse events (used by the GUI bench scripts)."""
from __future__ import annotations

import math

from PyQt5.QtCore import QEvent, QPointF, Qt
from PyQt5.QtGui import QMouseEvent
from PyQt5.QtWidgets import QApplication, QWidget

Stroke = list[tuple[float, float]]     # points in fractions of the drawing area's height (x from its left edge)


def _arc(cx: float, cy: float, rx: float, ry: float, degrees: range) -> Stroke:
    """Points of an elliptic arc; 0 degrees is the top, angles grow clockwise."""
    return [(cx + rx * math.sin(math.radians(d)), cy - ry * math.cos(math.radians(d))) for d in degrees]


THREE: list[Stroke] = [_arc(0.5, 0.33, 0.2, 0.12, range(-70, 181, 10)),
                       _arc(0.5, 0.67, 0.22, 0.14, range(0, 251, 10))]


def drag_strokes(canvas: QWidget, strokes: list[Stroke]) -> None:
    """Press, move through every point and release, once per stroke, with the left button."""
    area = canvas.drawing_area()
    for stroke in strokes:
        points = [QPointF(area.left() + x * area.height(), area.top() + y * area.height()) for x, y in stroke]
        kinds = [QEvent.MouseButtonPress] + [QEvent.MouseMove] * (len(points) - 2) + [QEvent.MouseButtonRelease]
        for kind, point in zip(kinds, points):
            button = Qt.NoButton if kind == QEvent.MouseMove else Qt.LeftButton
            held = Qt.NoButton if kind == QEvent.MouseButtonRelease else Qt.LeftButton
            QApplication.sendEvent(canvas, QMouseEvent(kind, point, button, held, Qt.NoModifier))
