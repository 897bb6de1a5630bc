"""GUI tests (pytest-qt). Run offscreen: QT_QPA_PLATFORM=offscreen pytest tests/test_gui.py"""
from __future__ import annotations

import math
import sys
from functools import partial

import numpy as np
import pytest
from PyQt5.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
from PyQt5.QtGui import QColor, QImage, QMouseEvent
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication, QMessageBox

from cnn_numpy.data.mnist import MnistMissingError, load_mnist
from cnn_numpy.recognition.recognizer import UNSURE_THRESHOLD, Recognition
from hdr_gui import app as gui_app
from hdr_gui.i18n import resolve_language
from hdr_gui.main_window import MainWindow, Mode
from hdr_gui.qimage_pil import qimage_to_pil

# Strokes in fractions of the square drawing area.
ONE = [[(0.5, 0.15 + 0.1 * i) for i in range(8)]]
SEVEN = [[(0.28, 0.22), (0.45, 0.22), (0.72, 0.22), (0.62, 0.45), (0.52, 0.65), (0.45, 0.85)]]
ZERO = [[(0.5 + 0.2 * math.sin(2 * math.pi * i / 24), 0.5 - 0.3 * math.cos(2 * math.pi * i / 24))
         for i in range(25)]]


class FakeRecognizer:
    """Same methods as cnn_numpy.recognition.recognizer.Recognizer; answers `digit` and records its inputs."""

    def __init__(self, digit: int = 7, confidence: float = 0.9) -> None:
        self.digit = digit
        self.confidence = confidence
        self.images: list = []           # PIL images given to recognize_images()
        self.batches: list[np.ndarray] = []
        self.error: Exception | None = None

    def _answer(self, x: np.ndarray) -> Recognition:
        probs = np.full(10, (1 - self.confidence) / 9, np.float32)
        probs[self.digit] = self.confidence
        runner_up = (self.digit + 1) % 10
        probs[runner_up] += 1e-3
        return Recognition(self.digit, self.confidence, probs, x.astype(np.float32), runner_up)

    def recognize_images(self, images: list) -> list[Recognition]:
        if self.error is not None:
            raise self.error
        self.images += images
        return [self._answer(np.zeros((28, 28))) for _ in images]

    def recognize_inputs(self, x: np.ndarray) -> list[Recognition]:
        self.batches.append(x)
        return [self._answer(xi) for xi in x]


def synthetic_mnist(split: str) -> tuple[np.ndarray, np.ndarray]:
    """20 tiny 'test images': a bar whose column depends on the index; labels 0-9 twice."""
    images = np.zeros((20, 28, 28), np.uint8)
    for i in range(20):
        images[i, 4:24, 4 + i:7 + i] = 255
    return images, (np.arange(20) % 10).astype(np.uint8)


def missing_mnist(split: str) -> tuple[np.ndarray, np.ndarray]:
    raise MnistMissingError("/nowhere/t10k-images-idx3-ubyte.gz: not found.")


@pytest.fixture
def message_boxes(monkeypatch) -> list[tuple[str, str]]:
    """(title, text) of every QMessageBox.critical, which is not shown (it would block)."""
    calls: list[tuple[str, str]] = []

    def critical(parent, title, text, *args):
        calls.append((title, text))
        return QMessageBox.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    return calls


@pytest.fixture
def make_window(qtbot):
    def make(recognizer=None, loader=synthetic_mnist, lang="zh") -> MainWindow:
        window = MainWindow(recognizer=recognizer, mnist_loader=loader, lang=lang, rng=np.random.default_rng(0))
        qtbot.addWidget(window)
        with qtbot.waitActive(window):     # shortcuts need the active window
            window.show()
            window.activateWindow()
        return window
    return make


@pytest.fixture
def fake() -> FakeRecognizer:
    return FakeRecognizer()


def draw(canvas, strokes) -> None:
    """Drag the mouse along each stroke (fractions of the square drawing area) with the left
    button down.

    Moves are sent as QMouseEvents: Qt5's QTest.mouseMove only moves the cursor, which
    reaches no widget on the offscreen platform and carries no button.
    """
    side = min(canvas.width(), canvas.height())
    left, top = (canvas.width() - side) / 2, (canvas.height() - side) / 2
    for stroke in strokes:
        points = [QPoint(round(left + x * side), round(top + y * side)) for x, y in stroke]
        QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, points[0])
        for point in points[1:]:
            move = QMouseEvent(QEvent.MouseMove, QPointF(point), Qt.NoButton, Qt.LeftButton, Qt.NoModifier)
            QApplication.sendEvent(canvas, move)
        QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, points[-1])


def ink(window: MainWindow) -> np.ndarray:
    """The exported canvas as a (280, 280) array."""
    return np.asarray(qimage_to_pil(window.canvas.to_image()))


def set_mode(qtbot, window: MainWindow, mode: Mode) -> None:
    """Choose `mode` in the combo box; entering MNIST mode, wait until the test set is read."""
    if mode == Mode.MNIST:
        with qtbot.waitSignal(window.mnist_load_finished):
            window.modeCombo.setCurrentIndex(mode)
    else:
        window.modeCombo.setCurrentIndex(mode)
    assert window.mode() == mode


# --- QImage -> PIL ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", [QImage.Format_Grayscale8, QImage.Format_RGB32])
def test_qimage_to_pil_drops_row_padding(fmt):
    image = QImage(27, 3, fmt)                     # 27 grey bytes per row are padded to 28
    image.fill(QColor(0, 0, 0))
    image.setPixelColor(26, 2, QColor(200, 200, 200))
    image.setPixelColor(0, 1, QColor(90, 90, 90))
    pil = qimage_to_pil(image)
    grey = np.asarray(pil.convert("L"))
    assert pil.size == (27, 3)
    assert grey[2, 26] == 200 and grey[1, 0] == 90 and grey.sum() == 290


# --- canvas ----------------------------------------------------------------------------------

def test_recognised_image_has_ink_where_drawn(make_window, fake, qtbot):
    window = make_window(fake)
    draw(window.canvas, ONE)
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    image = np.asarray(fake.images[0].convert("L"))
    assert image.shape == (280, 280)
    assert image[140, 140] == 255                 # on the vertical line
    assert image[140, 60] == 0 and image[140, 220] == 0
    assert window.digitLabel.text() == "7"
    assert window.confidenceLabel.text() == "置信度 90.0%"


def test_fast_mouse_draws_connected_line(make_window):
    window = make_window()
    draw(window.canvas, [[(0.1, 0.2), (0.9, 0.8), (0.9, 0.8)]])  # one big jump between two events
    diagonal = ink(window)[np.arange(60, 220), np.round(28 + (np.arange(60, 220) - 56) * 4 / 3).astype(int)]
    assert (diagonal > 200).all()


def test_export_does_not_depend_on_window_size(make_window, qtbot):
    window = make_window()
    draw(window.canvas, SEVEN)
    before = ink(window)
    window.resize(window.width() + 300, window.height() + 200)
    qtbot.waitUntil(lambda: window.canvas.width() > 400)
    assert np.array_equal(ink(window), before)


def test_pen_width_slider_sets_stroke_width(make_window):
    window = make_window()
    window.penWidthSlider.setValue(10)
    draw(window.canvas, ONE)
    thin = (ink(window) > 127).sum()
    window.canvas.clear()
    window.penWidthSlider.setValue(30)
    draw(window.canvas, ONE)
    assert window.penWidthValue.text() == "30"
    assert (ink(window) > 127).sum() > 2.5 * thin


def test_undo_with_ctrl_z_removes_last_stroke(make_window):
    window = make_window()
    draw(window.canvas, ONE)
    draw(window.canvas, ZERO)
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.canvas.stroke_count() == 1
    assert ink(window)[140, 140] == 255 and ink(window)[140, 84] == 0   # the 1 stays, the 0 is gone
    QTest.mouseClick(window.undoButton, Qt.LeftButton)
    assert window.canvas.is_empty() and not window.undoButton.isEnabled()


# --- recognition display -----------------------------------------------------------------------

def test_empty_canvas_asks_to_draw_instead_of_guessing(make_window, fake, qtbot):
    window = make_window(fake)
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert fake.images == []
    assert "请先用鼠标写一个数字" in window.verdictLabel.text()
    assert window.digitLabel.text() == ""


def test_ink_the_network_cannot_see_is_not_guessed(make_window, fake, monkeypatch, qtbot):
    window = make_window(fake)
    blank = Recognition(None, 0.0, np.zeros(10, np.float32), np.zeros((28, 28), np.float32), None)
    monkeypatch.setattr(fake, "recognize_images", lambda images: [blank])
    draw(window.canvas, [[(0.5, 0.5)]])                        # a single dot
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert window.digitLabel.text() == "" and "写大一些" in window.verdictLabel.text()


def test_enter_recognises_and_escape_clears(make_window, fake):
    window = make_window(fake)
    draw(window.canvas, SEVEN)
    QTest.keyClick(window, Qt.Key_Return)
    assert window.digitLabel.text() == "7"
    assert window.probabilityBars.probabilities()[7] == pytest.approx(0.9)
    assert window.networkInputView.pixels() is not None
    QTest.keyClick(window, Qt.Key_Escape)
    assert window.canvas.is_empty()
    assert window.digitLabel.text() == "" and window.networkInputView.pixels() is None


def test_clear_button_empties_canvas(make_window, fake, qtbot):
    window = make_window(fake)
    draw(window.canvas, ZERO)
    qtbot.mouseClick(window.clearButton, Qt.LeftButton)
    assert window.canvas.is_empty() and not ink(window).any()


def test_low_confidence_says_unsure_and_shows_runner_up(make_window, qtbot):
    window = make_window(FakeRecognizer(digit=4, confidence=UNSURE_THRESHOLD / 2))
    draw(window.canvas, ONE)
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert "不太确定" in window.verdictLabel.text() and "5" in window.verdictLabel.text()


def test_exception_in_slot_is_shown_and_window_survives(make_window, fake, message_boxes, qtbot):
    window = make_window(fake)
    fake.error = RuntimeError("network exploded")
    draw(window.canvas, SEVEN)
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert len(message_boxes) == 1 and "network exploded" in message_boxes[0][1]
    assert window.isVisible() and window.canvas.stroke_count() == 1   # the drawing stays
    fake.error = None
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert window.digitLabel.text() == "7"


# --- MNIST mode ------------------------------------------------------------------------------

def test_draw_button_enabled_only_in_mnist_mode(make_window, fake, qtbot):
    window = make_window(fake)
    assert window.mode() == Mode.HANDWRITING and not window.drawButton.isEnabled()
    set_mode(qtbot, window, Mode.MNIST)
    assert window.drawButton.isEnabled() and not window.penPanel.isVisible()
    set_mode(qtbot, window, Mode.HANDWRITING)
    assert not window.drawButton.isEnabled() and window.canvas.isVisible()


def test_mnist_draw_shows_image_label_verdict_and_tally(make_window, fake, qtbot):
    window = make_window(fake)
    set_mode(qtbot, window, Mode.MNIST)
    images, labels = synthetic_mnist("test")
    verdicts = []
    for _ in range(3):
        qtbot.mouseClick(window.drawButton, Qt.LeftButton)
        shown = window.sampleView.pixels()
        index = next(i for i in range(len(images)) if np.array_equal(shown * 255, images[i]))
        assert f"真实标签 {labels[index]}" in window.sampleCaption.text()
        qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
        qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)   # counted once per draw
        assert np.array_equal(fake.batches[-1][0], shown)
        verdicts.append(labels[index] == 7)
        assert ("✓ 正确" if verdicts[-1] else "✗ 错误") in window.verdictLabel.text()
    assert window.tallyLabel.text() == f"正确 {sum(verdicts)} / 共 3 张"


def test_score_hundred_draws_shows_ten_groups_and_total(make_window, qtbot):
    recognizer = FakeRecognizer(digit=3)
    window = make_window(recognizer)
    set_mode(qtbot, window, Mode.MNIST)
    qtbot.mouseClick(window.scoreButton, Qt.LeftButton)
    assert not window.scoreButton.isEnabled()
    qtbot.waitUntil(lambda: window.scoreTable.rowCount() == 11)
    assert [batch.shape for batch in recognizer.batches] == [(10, 28, 28)] * 10
    assert window.scoreTable.item(0, 0).text() == "第 1 组"
    assert window.scoreTable.item(10, 0).text() == "合计"
    rights = [int(window.scoreTable.item(row, 1).text().split("/")[0]) for row in range(10)]
    assert window.scoreTable.item(10, 1).text() == f"{sum(rights)}/100"
    assert window.scoreTable.item(10, 2).text() == f"{sum(rights)}%"
    assert window.scoreButton.isEnabled()


def test_missing_mnist_explains_and_handwriting_still_works(make_window, fake, qtbot):
    window = make_window(fake, loader=missing_mnist)
    set_mode(qtbot, window, Mode.MNIST)
    text = window.mnistStatusLabel.text()
    assert window.mnistStatusLabel.isVisible()
    assert "python main.py download-mnist" in text and "HDR_DATA_DIR" in text and "--data-dir" in text
    assert not window.drawButton.isEnabled() and not window.scoreButton.isEnabled()
    set_mode(qtbot, window, Mode.HANDWRITING)
    draw(window.canvas, ONE)
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert window.digitLabel.text() == "7"


# --- weights, language, entry point ------------------------------------------------------------

@pytest.mark.parametrize("content", [None, b"not a zip file"])
def test_bad_weights_show_how_to_restore(tmp_path, message_boxes, content):
    path = tmp_path / "simple_convnet.npz"
    if content is not None:
        path.write_bytes(content)
    assert gui_app.load_recognizer(path) is None
    (_title, text), = message_boxes
    assert str(path) in text and "git checkout weights/" in text and "python main.py train" in text
    assert "Traceback" not in text


def test_window_without_weights_still_draws(make_window, qtbot):
    window = make_window(recognizer=None)
    assert not window.recognizeButton.isEnabled()
    draw(window.canvas, ONE)
    assert window.canvas.stroke_count() == 1
    QTest.keyClick(window, Qt.Key_Return)
    assert "权重" in window.verdictLabel.text()


def test_english_translation(make_window, qtbot):
    window = make_window(lang="en")
    assert window.recognizeButton.text() == "Recognise"
    assert window.modeCombo.itemText(Mode.MNIST) == "MNIST random sample"
    set_mode(qtbot, window, Mode.MNIST)
    assert window.scoreButton.text() == "Score 100 draws"
    assert window.tallyLabel.text() == "Right 0 / drawn 0"
    chinese = make_window(lang="zh")
    assert chinese.recognizeButton.text() == "识别"


def test_language_choice():
    assert resolve_language("en") == "en" and resolve_language("zh") == "zh"
    assert resolve_language(None) in ("en", "zh")
    with pytest.raises(ValueError):
        resolve_language("fr")


def test_run_shows_window_and_returns_exit_code(message_boxes, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)   # run() installs its own; restore afterwards
    shown = []

    def quit_when_shown():
        shown.extend(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        QApplication.instance().exit(3)

    QTimer.singleShot(0, quit_when_shown)
    assert gui_app.run(weights=tmp_path / "missing.npz", data_dir=tmp_path, lang="en") == 3
    assert shown and len(message_boxes) == 1
    for window in shown:
        window.close()


# --- with the shipped weights (fixtures `recognizer` and `mnist_dir` from conftest.py) --------------

@pytest.mark.needs_weights
@pytest.mark.parametrize("digit, strokes", [(1, ONE), (7, SEVEN), (0, ZERO)])
def test_real_network_reads_drawn_digits(make_window, recognizer, qtbot, digit, strokes):
    window = make_window(recognizer)
    draw(window.canvas, strokes)
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert window.digitLabel.text() == str(digit)
    assert window.networkInputView.pixels().shape == (28, 28)


@pytest.mark.needs_weights
@pytest.mark.needs_mnist
def test_real_network_scores_hundred_mnist_draws(make_window, recognizer, mnist_dir, qtbot):
    window = make_window(recognizer, loader=partial(load_mnist, data_dir=mnist_dir))
    set_mode(qtbot, window, Mode.MNIST)
    qtbot.mouseClick(window.scoreButton, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.scoreTable.rowCount() == 11)
    assert int(window.scoreTable.item(10, 2).text().rstrip("%")) >= 90
