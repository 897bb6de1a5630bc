"""Run a slow call (e.g. reading MNIST) in a worker thread so the window stays responsive."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt5.QtCore import QObject, QThread, pyqtSignal


class BackgroundCall(QThread):
    """Calls `function()` once in a worker thread; its result or exception arrives as a signal."""

    succeeded = pyqtSignal(object)
    failed = pyqtSignal(object)

    def __init__(self, function: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._function = function

    def run(self) -> None:
        try:
            result = self._function()
        except Exception as error:  # noqa: BLE001 - handed to the GUI thread, which decides
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)
