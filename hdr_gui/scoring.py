"""The seed paper's experiment: 10 groups of 10 random MNIST test images, scored per group."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PyQt5.QtCore import QObject, QTimer, pyqtSignal

if TYPE_CHECKING:
    from cnn_numpy.recognition.recognizer import Recognizer

    from .mnist_draws import MnistDraws

log = logging.getLogger(__name__)


class GroupScoring(QObject):
    """Scores one group per turn of the event loop, so the window never freezes."""

    group_scored = pyqtSignal(int, int, int)   # group number from 1, right, group size
    finished = pyqtSignal(int, int)            # right, total
    failed = pyqtSignal(object)                # the exception

    def __init__(self, recognizer: Recognizer, draws: MnistDraws, groups: int = 10, size: int = 10,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recognizer = recognizer
        self._draws = draws
        self._groups = groups
        self._size = size
        self._done = 0
        self._right = 0

    def start(self) -> None:
        QTimer.singleShot(0, self._score_next_group)

    def _score_next_group(self) -> None:
        try:
            images, labels = self._draws.draw_group(self._size)
            results = self._recognizer.recognize_inputs(images)
        except Exception as error:
            log.exception("Scoring failed")
            self.failed.emit(error)
            return
        right = sum(result.digit == label for result, label in zip(results, labels))
        self._done += 1
        self._right += right
        self.group_scored.emit(self._done, right, self._size)
        if self._done < self._groups:
            QTimer.singleShot(0, self._score_next_group)
        else:
            self.finished.emit(self._right, self._done * self._size)
