"""GUI test helpers: a fake network behind the real recognition path, synthetic MNIST, strokes and
mouse drawing on the canvas."""
from __future__ import annotations

import math

import numpy as np
from PyQt5.QtCore import QEvent, QPoint, QPointF, Qt
from PyQt5.QtGui import QMouseEvent
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication

from cnn_numpy.recognition.recognizer import UNSURE_THRESHOLD, Recognitions, Recognizer
from hdr_gui.main_window import MainWindow
from hdr_gui.qimage_pil import qimage_to_pil

# Strokes in fractions of the drawing area's height, x from its left edge.
ONE = [[(0.5, 0.15 + 0.1 * i) for i in range(8)]]
SEVEN = [[(0.28, 0.22), (0.45, 0.22), (0.72, 0.22), (0.62, 0.45), (0.52, 0.65), (0.45, 0.85)]]
ZERO = [[(0.5 + 0.2 * math.sin(2 * math.pi * i / 24), 0.5 - 0.3 * math.cos(2 * math.pi * i / 24))
         for i in range(25)]]


class FakeNet:
    """A 'network' that answers `digit` with `confidence` for every input."""
    classes = 10

    def __init__(self, digit: int, confidence: float) -> None:
        self.probs = np.full(10, (1 - confidence) / 9, np.float32)
        self.probs[digit] = confidence
        self.probs[(digit + 1) % 10] += 1e-3         # a definite runner-up

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return np.tile(self.probs, (len(x), 1))


class FakeRecognizer(Recognizer):
    """The real recognition path (preprocessing, segmentation) over a fake network that answers `digit`;
    records the inputs of every network pass."""

    def __init__(self, digit: int = 7, confidence: float = 0.9, verdict: str | None = None) -> None:
        super().__init__(FakeNet(digit, confidence))
        self.digit = digit
        self.confidence = confidence
        self.verdict = verdict           # None: "unsure" below UNSURE_THRESHOLD, else "digit"
        self.batches: list[np.ndarray] = []
        self.error: Exception | None = None

    def recognize_inputs(self, inputs, known=None) -> Recognitions:
        if self.error is not None:
            raise self.error
        recs = super().recognize_inputs(inputs, known)
        self.batches.append(recs.inputs)
        verdict = self.verdict or ("unsure" if self.confidence < UNSURE_THRESHOLD else "digit")
        return Recognitions(recs.probs, recs.inputs, recs.present, np.where(recs.present, verdict, "blank"))


def synthetic_mnist(split: str) -> tuple[np.ndarray, np.ndarray]:
    """20 tiny 'test images': a bar whose column depends on the index; labels 0-9 twice."""
    images = np.zeros((20, 28, 28), np.uint8)
    for i in range(20):
        images[i, 4:24, 4 + i:7 + i] = 255
    return images, (np.arange(20) % 10).astype(np.uint8)


def draw(canvas, strokes) -> None:
    """Drag the mouse along each stroke (in fractions of the drawing area's height, x from its left
    edge) with the left button down.

    Moves are sent as QMouseEvents: Qt5's QTest.mouseMove only moves the cursor, which
    reaches no widget on the offscreen platform and carries no button.
    """
    area = canvas.drawing_area()
    for stroke in strokes:
        points = [QPoint(round(area.left() + x * area.height()), round(area.top() + y * area.height()))
                  for x, y in stroke]
        QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, points[0])
        for point in points[1:]:
            move = QMouseEvent(QEvent.MouseMove, QPointF(point), Qt.NoButton, Qt.LeftButton, Qt.NoModifier)
            QApplication.sendEvent(canvas, move)
        QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, points[-1])


def ink(window: MainWindow) -> np.ndarray:
    """The exported canvas as a (280, 560) array."""
    return np.asarray(qimage_to_pil(window.canvas.to_image()))


