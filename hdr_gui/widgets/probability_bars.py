"""Bar chart of the ten digit probabilities."""
from __future__ import annotations

import numpy as np
from PyQt5.QtCore import QRectF, QSize, Qt
from PyQt5.QtGui import QColor, QPainter, QPaintEvent
from PyQt5.QtWidgets import QSizePolicy, QWidget

BAR_COLOR = QColor(120, 144, 176)
WINNER_COLOR = QColor(46, 125, 50)
LABEL_HEIGHT = 18


class ProbabilityBars(QWidget):
    """One vertical bar per digit 0-9, its percentage above it; the chosen digit highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._probs = np.zeros(10, dtype=np.float32)
        self._highlight: int | None = None
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def probabilities(self) -> np.ndarray:
        return self._probs

    def set_probabilities(self, probs: np.ndarray | None, highlight: int | None = None) -> None:
        """Show `probs` (10 values in [0, 1]); None shows empty bars."""
        self._probs = np.zeros(10, dtype=np.float32) if probs is None else np.asarray(probs, dtype=np.float32)
        self._highlight = highlight
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, 140)

    def minimumSizeHint(self) -> QSize:
        return QSize(220, 100)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        column = self.width() / 10
        small = self.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        bar_top, bar_bottom = LABEL_HEIGHT, self.height() - LABEL_HEIGHT
        painter.setPen(self.palette().mid().color())
        painter.drawLine(0, int(bar_bottom), self.width(), int(bar_bottom))
        for digit, prob in enumerate(self._probs):
            x = digit * column
            color = WINNER_COLOR if digit == self._highlight else BAR_COLOR
            height = float(prob) * (bar_bottom - bar_top)
            painter.fillRect(QRectF(x + column * 0.2, bar_bottom - height, column * 0.6, height), color)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(x, bar_bottom, column, LABEL_HEIGHT), Qt.AlignCenter, str(digit))
            if prob >= 0.005:
                painter.setPen(color)
                painter.setFont(small)
                painter.drawText(QRectF(x - column / 2, bar_bottom - height - LABEL_HEIGHT, 2 * column, LABEL_HEIGHT),
                                 Qt.AlignCenter, f"{prob * 100:.0f}%")
                painter.setFont(self.font())
