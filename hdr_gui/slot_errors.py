"""Keep the window alive when a slot raises: log the error and show it in a message box."""
from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PyQt5.QtCore import QCoreApplication, QObject, pyqtSlot
from PyQt5.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger(__name__)


def show_error(parent: QObject | None, error: BaseException) -> None:
    """Tell the user that an action failed and why, over the window that ``parent`` belongs to."""
    while parent is not None and not isinstance(parent, QWidget):     # a controller: its window
        parent = parent.parent()
    QMessageBox.critical(
        parent,
        QCoreApplication.translate("MainWindow", "出错了"),
        QCoreApplication.translate("MainWindow", "操作没有完成：\n{error}").format(error=error),
    )


def guarded_slot(*types: type) -> Callable[[Callable[..., Any]], Any]:
    """Like pyqtSlot(*types), but an exception is logged and shown instead of propagating."""
    def decorate(slot: Callable[..., Any]) -> Any:
        @functools.wraps(slot)
        def wrapper(self: QObject, *args: Any) -> Any:
            try:
                return slot(self, *args)
            except Exception as error:
                log.exception("%s failed", slot.__name__)
                show_error(self, error)
                return None
        return pyqtSlot(*types)(wrapper)
    return decorate


def install_excepthook() -> None:
    """Last line of defence for errors outside guarded slots (e.g. in paint events).

    Replacing sys.excepthook also stops PyQt5 from aborting the process.
    """
    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.error("Unhandled exception", exc_info=(kind, error, tb))
        show_error(QApplication.activeWindow(), error)

    sys.excepthook = hook
