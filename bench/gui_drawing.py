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
TWO: list[Stroke] = [_arc(0.5, 0.36, 0.2, 0.18, range(-80, 131, 10)) + [(0.3, 0.82), (0.74, 0.82)]]
ZERO: list[Stroke] = [_arc(0.5, 0.5, 0.19, 0.32, range(0, 361, 10))]
SIX: list[Stroke] = [[(0.64, 0.2), (0.5, 0.3), (0.38, 0.45)] + _arc(0.5, 0.64, 0.17, 0.18, range(250, 611, 15))]
SHAPES = {"0": ZERO, "2": TWO, "3": THREE, "6": SIX}


def _line(points: list[tuple[float, float]], step: float = 0.02) -> Stroke:
    """A polyline through ``points`` with a point every ``step`` or so (one mouse move each)."""
    out = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        n = max(1, round(math.hypot(x1 - x0, y1 - y0) / step))
        out += [(x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) for k in range(1, n + 1)]
    return out


LETTER_A: list[Stroke] = [_line([(0.28, 0.86), (0.5, 0.14), (0.72, 0.86)]), _line([(0.37, 0.6), (0.63, 0.6)])]


def number(text: str, left: float = 0.35, step: float = 0.4, scale: float = 0.6) -> list[Stroke]:
    """The strokes of ``text`` (digits of SHAPES), ``scale`` times their size, written left to right
    with centres ``step`` apart, the first at ``left``."""
    return [[(left + step * i + scale * (x - 0.5), 0.5 + scale * (y - 0.5)) for x, y in stroke]
            for i, c in enumerate(text) for stroke in SHAPES[c]]


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
