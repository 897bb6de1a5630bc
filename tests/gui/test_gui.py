"""GUI tests (pytest-qt). Without a display, tests/conftest.py chooses Qt's offscreen platform."""
from __future__ import annotations

import gzip
import logging
import os
import subprocess
import sys
from functools import partial

import numpy as np
import pytest
from gui_fakes import ONE, SEVEN, ZERO, FakeRecognizer, draw, ink, synthetic_mnist
from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtGui import QColor, QImage
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication

from cnn_numpy.data.mnist import MnistMissingError, load_mnist
from cnn_numpy.errors import HdrError
from cnn_numpy.paths import REPO_ROOT
from cnn_numpy.recognition.recognizer import UNSURE_THRESHOLD, Recognitions
from hdr_gui import app as gui_app
from hdr_gui.i18n import resolve_language
from hdr_gui.main_window import MainWindow, Mode
from hdr_gui.qimage_pil import qimage_to_pil

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
needs_x11_or_wayland = pytest.mark.skipif(sys.platform in ("win32", "darwin"),
                                          reason="Qt needs no DISPLAY on Windows and macOS")

def missing_mnist(split: str) -> tuple[np.ndarray, np.ndarray]:
    raise MnistMissingError("/nowhere/t10k-images-idx3-ubyte.gz: not found.")


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
    image = ink(window)
    assert image.shape == (280, 560)
    assert image[140, 140] == 255                 # on the vertical line
    assert image[140, 60] == 0 and image[140, 220] == 0
    seen = fake.batches[0][0]                     # the network saw a thin upright stroke
    assert seen[4:24, 14].min() > 0.5 and seen[:, :10].max() == 0
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


def test_a_wide_pen_stops_at_the_edge_of_the_black_canvas(make_window):
    window = make_window()
    window.penWidthSlider.setValue(window.penWidthSlider.maximum())
    canvas = window.canvas
    canvas.resize(canvas.width(), round(canvas.drawing_area().height() + 100))    # a margin above and below
    draw(canvas, [[(0.2, 0.0), (1.0, 0.0)]])                                     # along the top edge
    shot = canvas.grab().toImage()
    top = round(canvas.drawing_area().top())
    assert shot.pixelColor(canvas.width() // 2, top + 2).lightness() > 200           # ink inside
    assert shot.pixelColor(canvas.width() // 2, top - 4) == canvas.palette().window().color()   # none above


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
    assert fake.batches == []
    assert "请先用鼠标写一个数字" in window.verdictLabel.text()
    assert window.digitLabel.text() == ""


def test_ink_the_network_cannot_see_is_not_guessed(make_window, fake, monkeypatch, qtbot):
    window = make_window(fake)
    def nothing_seen(inputs) -> Recognitions:
        n = len(inputs)
        return Recognitions(np.zeros((n, 10), np.float32), np.zeros((n, 28, 28), np.float32), np.zeros(n, bool),
                            np.full(n, "blank"))
    monkeypatch.setattr(fake, "recognize_inputs", nothing_seen)
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


@pytest.mark.parametrize("lang, words", [("zh", "这不像一个数字"), ("en", "doesn't look like a digit")])
def test_not_a_digit_is_said_plainly_with_the_best_guess_small(make_window, qtbot, lang, words):
    window = make_window(FakeRecognizer(digit=4, confidence=0.15, verdict="not_digit"), lang=lang)
    draw(window.canvas, ZERO)
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert window.digitLabel.text() == "?"
    assert words in window.verdictLabel.text() and "4" in window.verdictLabel.text()


def test_a_scribble_over_most_of_the_canvas_is_called_a_texture(make_window, fake, qtbot):
    # Judged from the exported picture, the white was paper and the black gaps were read as digits.
    window = make_window(fake)
    window.penWidthSlider.setValue(window.penWidthSlider.maximum())
    rng = np.random.default_rng(0)
    draw(window.canvas, [[(x, y) for x, y in zip(rng.uniform(0, 2, 60), rng.uniform(0, 1, 60))]])
    assert (ink(window) > 127).mean() > 0.5
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert "纹理" in window.verdictLabel.text() and window.digitLabel.text() == "" and fake.batches == []


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


def test_the_drawing_is_read_between_strokes_so_recognising_reads_no_ink_twice(make_window, fake, qtbot,
                                                                               monkeypatch):
    window = make_window(fake)
    ones = [[(x + dx, y) for x, y in ONE[0]] for dx in (-0.3, 0.2, 0.7)]     # three pieces: each one read alone
    with qtbot.waitSignal(window._read_ahead_timer.timeout):
        draw(window.canvas, ones)
    assert len(window.reading_memo) > 0
    reads = []
    monkeypatch.setattr(fake, "probabilities", lambda x: reads.append(len(x)) or np.tile(fake.net.probs, (len(x), 1)))
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert window.digitLabel.text() == "777" and reads == []


def test_a_failed_reading_between_strokes_is_left_for_recognise_to_report(make_window, fake, message_boxes, qtbot):
    window = make_window(fake)
    fake.error = RuntimeError("network exploded")
    with qtbot.waitSignal(window._read_ahead_timer.timeout):
        draw(window.canvas, SEVEN)
    assert message_boxes == [] and len(window.reading_memo) == 0
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert len(message_boxes) == 1 and "network exploded" in message_boxes[0][1]


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


@pytest.mark.parametrize("content", [None, "bomb"])
def test_unreadable_mnist_is_read_once_until_the_user_asks_again(make_window, fake, qtbot, tmp_path, caplog, content):
    if content == "bomb":   # a header announcing one image, then 8 MB more that gzip squeezes to a few KB
        with gzip.open(tmp_path / "t10k-images-idx3-ubyte.gz", "wb") as f:
            f.write(bytes([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28]) + bytes(784 + (8 << 20)))
        (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 1, 0]))
    calls: list[str] = []

    def loader(split: str) -> tuple[np.ndarray, np.ndarray]:
        calls.append(split)
        return load_mnist(split, data_dir=tmp_path)

    def explanations() -> int:
        return sum(r.name == "hdr_gui.main_window" and r.levelno == logging.WARNING for r in caplog.records)

    window = make_window(fake, loader=loader)
    set_mode(qtbot, window, Mode.MNIST)
    with qtbot.assertNotEmitted(window.mnist_load_finished, wait=100):   # no reload loop
        pass
    assert calls == ["test"] and explanations() == 1
    assert str(tmp_path) in window.mnistStatusLabel.text() and not window.drawButton.isEnabled()
    set_mode(qtbot, window, Mode.HANDWRITING)
    set_mode(qtbot, window, Mode.MNIST)                                   # choosing MNIST again retries, once
    with qtbot.assertNotEmitted(window.mnist_load_finished, wait=100):
        pass
    assert calls == ["test", "test"] and explanations() == 2


def test_english_mnist_help_says_how_to_retry(make_window, qtbot):
    window = make_window(loader=missing_mnist, lang="en")
    set_mode(qtbot, window, Mode.MNIST)
    text = window.mnistStatusLabel.text()
    assert text.startswith("The MNIST data was not found.") and "choose “MNIST random sample” again" in text


def test_window_size_is_capped_below_what_qt_can_paint(qtbot):
    window = MainWindow(lang="en")
    qtbot.addWidget(window)          # not shown: without the cap, painting 32767 x 32767 would crash the run
    window.resize(32767, 32767)
    assert window.width() == window.maximumWidth() <= 16384
    assert window.height() == window.maximumHeight() <= 16384
    assert window.maximumWidth() >= 4096


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


@pytest.mark.parametrize("environ, missing", [
    ({}, True), ({"DISPLAY": ":0"}, False), ({"WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"QT_QPA_PLATFORM": "offscreen"}, False), ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, False),
    ({"QT_QPA_PLATFORM": "xcb"}, True), ({"QT_QPA_PLATFORM": "wayland;xcb"}, True),
    ({"QT_QPA_PLATFORM": "wayland;offscreen"}, False),
])
@needs_x11_or_wayland
def test_display_missing(environ, missing):
    assert gui_app.display_missing(environ) is missing


@needs_x11_or_wayland
def test_run_without_display_raises_before_qt_aborts(monkeypatch):
    for name in DISPLAY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(HdrError, match="display.*predict"):
        gui_app.run(lang="en")


def _without_display() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES}


@needs_x11_or_wayland
def test_main_without_display_says_so_in_one_line():
    done = subprocess.run([sys.executable, "main.py"], cwd=REPO_ROOT, env=_without_display(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("error: ")
    assert "display" in done.stderr and "predict" in done.stderr and "Fatal Python error" not in done.stderr


@needs_x11_or_wayland
def test_readme_test_command_runs_without_display():
    """tests/conftest.py chooses the offscreen platform itself (CI no longer sets it)."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                           "tests/gui/test_gui.py", "-k", "test_clear_button_empties_canvas"],
                          cwd=REPO_ROOT, env=_without_display(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout


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


@pytest.mark.needs_weights
def test_start_warms_the_recognizer_up_once_the_window_is_shown(qtbot, monkeypatch, tmp_path):
    """The first answer of a process would pay for NumPy's lazy imports (about 20 ms): the app reads a
    stroke itself right after showing its window."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))        # the user's data folder: a temporary one
    warmed = []
    monkeypatch.setattr(gui_app, "warm_up", warmed.append)
    window = gui_app.start(lang="en")
    qtbot.addWidget(window)
    assert window.isVisible() and not warmed                  # not before the event loop has run
    qtbot.waitUntil(lambda: warmed == [window.recognizer()])
