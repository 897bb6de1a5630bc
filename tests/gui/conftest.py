"""GUI fixtures: windows whose user data live in a temporary folder, a fake recognizer, message boxes
recorded instead of shown."""
from __future__ import annotations

import numpy as np
import pytest
from gui_fakes import FakeRecognizer, synthetic_mnist
from PyQt5.QtWidgets import QMessageBox

from hdr_gui.main_window import MainWindow


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch) -> list[tuple[str, str]]:
    """(title, text) of every QMessageBox.critical, which is not shown (a modal box would block the test)."""
    calls: list[tuple[str, str]] = []

    def critical(parent, title, text, *args):
        calls.append((title, text))
        return QMessageBox.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    return calls


@pytest.fixture
def make_window(qtbot, tmp_path):
    def make(recognizer=None, loader=synthetic_mnist, lang="zh") -> MainWindow:
        window = MainWindow(recognizer=recognizer, mnist_loader=loader, lang=lang, rng=np.random.default_rng(0),
                            data_dir=tmp_path / "user")
        qtbot.addWidget(window)
        with qtbot.waitActive(window):     # shortcuts need the active window
            window.show()
            window.activateWindow()
        return window
    return make


@pytest.fixture
def fake() -> FakeRecognizer:
    return FakeRecognizer()
