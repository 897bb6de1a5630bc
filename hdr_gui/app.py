"""Entry point of the GUI: `run()` builds the application and shows the main window."""
from __future__ import annotations

import functools
import logging
import os
import pathlib
import sys
from collections.abc import Mapping

from PyQt5.QtCore import QCoreApplication, Qt, QTimer
from PyQt5.QtWidgets import QApplication, QMessageBox, QWidget

from cnn_numpy.data.mnist import load_mnist
from cnn_numpy.errors import HdrError
from cnn_numpy.paths import DEFAULT_WEIGHTS
from cnn_numpy.recognition.numbers import warm_up
from cnn_numpy.recognition.recognizer import Recognizer

from .main_window import MainWindow
from .slot_errors import install_excepthook

log = logging.getLogger(__name__)
APP_NAME = "hdr-numpy"
DISPLAY_PLATFORMS = ("xcb", "wayland")     # Qt platforms that draw through a display server (prefixes)


class NoDisplayError(HdrError):
    """The app cannot open a window: there is no display to open it on."""


def display_missing(environ: Mapping[str, str] = os.environ) -> bool:
    """True where Qt would abort for want of a display: on an X11/Wayland system with neither DISPLAY nor
    WAYLAND_DISPLAY set, unless QT_QPA_PLATFORM offers a platform that needs none (offscreen, vnc, ...)."""
    if sys.platform in ("win32", "darwin") or environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return False
    platforms = [p.split(":")[0].strip() for p in environ.get("QT_QPA_PLATFORM", "").split(";") if p.strip()]
    return all(p.startswith(DISPLAY_PLATFORMS) for p in platforms)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (existing one reused), with high-DPI scaling enabled."""
    app = QApplication.instance()
    if app is None:
        QApplication.setAttribute(Qt.AA_EnableHighDpiScaling)
        QApplication.setAttribute(Qt.AA_UseHighDpiPixmaps)
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName(APP_NAME)      # the user's data folder: AppDataLocation/hdr-numpy
    return app


def load_recognizer(weights: pathlib.Path | None, parent: QWidget | None = None) -> Recognizer | None:
    """The recognizer for `weights` (None = shipped file); on failure explain and return None."""
    path = weights if weights is not None else DEFAULT_WEIGHTS
    try:
        return Recognizer.from_weights(weights)
    except Exception as error:  # noqa: BLE001 - a damaged file may fail in any way; same advice
        log.error("Cannot load weights %s: %s", path, error)
        QMessageBox.critical(
            parent,
            QCoreApplication.translate("MainWindow", "无法加载网络权重"),
            QCoreApplication.translate(
                "MainWindow",
                "无法加载网络权重文件：\n{path}\n\n{error}\n\n"
                "恢复方法：\n  git checkout weights/    （取回仓库里的权重）\n"
                "或\n  python main.py train    （重新训练）\n\n"
                "在此之前可以写字，但不能识别。").format(path=path, error=error),
        )
        return None


def start(weights: pathlib.Path | None = None, data_dir: pathlib.Path | None = None,
          lang: str | None = None) -> MainWindow:
    """Show the main window, then load the weights (a failure is explained over the window)."""
    window = MainWindow(mnist_loader=functools.partial(load_mnist, data_dir=data_dir), lang=lang)
    window.show()
    recognizer = load_recognizer(weights, parent=window)
    window.set_recognizer(recognizer)
    if recognizer is not None:               # once the window is painted: the first answer then is quick too
        QTimer.singleShot(0, functools.partial(warm_up, recognizer))
    return window


def run(weights: pathlib.Path | None = None, data_dir: pathlib.Path | None = None,
        lang: str | None = None, argv: list[str] | None = None) -> int:
    """Run the GUI until its window is closed; returns the exit code. NoDisplayError without a display."""
    if display_missing():
        raise NoDisplayError("The app needs a display and none was found (DISPLAY and WAYLAND_DISPLAY are not "
                             "set); commands such as 'python main.py predict' work without one.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_application(argv)
    install_excepthook()
    window = start(weights, data_dir, lang)  # noqa: F841 - the reference keeps the window alive
    return app.exec_()
