"""The seed paper's experiment: 10 groups of 10 random MNIST test images, scored per group, shown
row by row in the window's table."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PyQt5.QtCore import QObject, QTimer, pyqtSignal
from PyQt5.QtWidgets import QHeaderView, QStatusBar, QTableWidget, QTableWidgetItem

from .slot_errors import guarded_slot, show_error

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


class HundredDraws(QObject):
    """Runs GroupScoring into ``table`` (one row per group, then the total) and puts the accuracy in
    ``status``; ``running_changed`` fires when it starts and ends."""

    running_changed = pyqtSignal()

    def __init__(self, table: QTableWidget, status: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._table, self._status = table, status
        self._scoring: GroupScoring | None = None
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)    # the height shows all rows
        table.setMinimumHeight(11 * table.verticalHeader().defaultSectionSize()
                               + table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth())

    def running(self) -> bool:
        return self._scoring is not None

    def start(self, recognizer: Recognizer, draws: MnistDraws) -> None:
        if self._scoring is not None:
            return
        self._table.setRowCount(0)
        self._scoring = GroupScoring(recognizer, draws, parent=self)
        self._scoring.group_scored.connect(self._add_group_row)
        self._scoring.finished.connect(self._finished)
        self._scoring.failed.connect(self._failed)
        self.running_changed.emit()
        self._scoring.start()

    @guarded_slot(int, int, int)
    def _add_group_row(self, group: int, right: int, size: int) -> None:
        self._append_row(self.tr("第 {group} 组").format(group=group), right, size)

    @guarded_slot(int, int)
    def _finished(self, right: int, total: int) -> None:
        self._append_row(self.tr("合计"), right, total)
        self._status.showMessage(self.tr("100 次随机抽取的准确率：{percent:.0f}%").format(percent=100 * right / total))
        self._end()

    @guarded_slot(object)
    def _failed(self, error: Exception) -> None:
        self._end()
        show_error(self, error)

    def _append_row(self, name: str, right: int, total: int) -> None:
        row = self._table.rowCount()
        self._table.insertRow(row)
        for column, text in enumerate((name, f"{right}/{total}", f"{100 * right / total:.0f}%")):
            self._table.setItem(row, column, QTableWidgetItem(text))
        self._table.scrollToBottom()

    def _end(self) -> None:
        self._scoring.deleteLater()
        self._scoring = None
        self.running_changed.emit()
