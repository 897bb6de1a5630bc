"""Main window: wires the Designer form (ui/main_window.ui) to the recognizer and MNIST."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import IntEnum

import numpy as np
from PyQt5 import uic
from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtGui import QCloseEvent, QGuiApplication, QKeySequence
from PyQt5.QtWidgets import (
    QHeaderView,
    QMainWindow,
    QShortcut,
    QTableWidgetItem,
    QWidget,
)

from cnn_numpy.data.mnist import MnistError, MnistMissingError, load_mnist
from cnn_numpy.paths import MAIN_WINDOW_UI
from cnn_numpy.recognition.recognizer import Recognition, Recognizer

from .background import BackgroundCall
from .i18n import install_language, resolve_language
from .mnist_draws import MnistDraws, Sample, Tally
from .qimage_pil import qimage_to_pil
from .scoring import GroupScoring
from .slot_errors import guarded_slot, show_error

MnistLoader = Callable[[str], tuple[np.ndarray, np.ndarray]]
RIGHT_STYLE = "color: #2e7d32;"
WRONG_STYLE = "color: #c62828;"
MAX_WINDOW_PIXELS = 16384    # per side, in device pixels: Qt's backing store crashes on windows near 32767 px

log = logging.getLogger(__name__)


class Mode(IntEnum):
    """Entries of the mode combo box, in order."""
    HANDWRITING = 0
    MNIST = 1


class MainWindow(QMainWindow):
    """Draw or draw-at-random a digit, recognise it, and show how sure the network is."""

    mnist_load_finished = pyqtSignal()      # the MNIST test set was read, or failed to be

    def __init__(self, recognizer: Recognizer | None = None, mnist_loader: MnistLoader = load_mnist,
                 lang: str | None = None, rng: np.random.Generator | None = None,
                 parent: QWidget | None = None) -> None:
        """`mnist_loader("test")` returns the test images and labels or raises MnistError."""
        install_language(resolve_language(lang))
        super().__init__(parent)
        uic.loadUi(str(MAIN_WINDOW_UI), self)
        self._recognizer: Recognizer | None = None
        self._mnist_loader = mnist_loader
        self._rng = rng if rng is not None else np.random.default_rng()
        self._draws: MnistDraws | None = None
        self._mnist_loading: BackgroundCall | None = None
        self._mnist_error: Exception | None = None     # why MNIST failed to load; retried when the user asks
        self._sample: Sample | None = None
        self._sample_counted = False
        self._tally = Tally()
        self._scoring: GroupScoring | None = None
        self._inside: QWidget | None = None              # the network view, made when first opened
        self.canvas.set_placeholder(self.tr("在这里用鼠标写一个数字"))
        self.canvas.set_pen_width(self.penWidthSlider.value())
        self._fit_score_table()
        self._cap_window_size()
        self._connect_signals()
        self._add_shortcuts()
        self._show_tally()
        self.set_recognizer(recognizer)
        self._apply_mode()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._mnist_loading is not None:
            self._mnist_loading.wait()       # a QThread must not be destroyed while running
        super().closeEvent(event)

    def mode(self) -> Mode:
        return Mode(self.modeCombo.currentIndex())

    def recognizer(self) -> Recognizer | None:
        return self._recognizer

    def set_recognizer(self, recognizer: Recognizer | None) -> None:
        """Use `recognizer`; None (no weights) leaves drawing possible but recognition off."""
        self._recognizer = recognizer
        if recognizer is None:
            self.statusbar.showMessage(self.tr("没有加载网络权重：可以写字，但不能识别。"))
        else:
            self.statusbar.clearMessage()
        self._update_buttons()

    @guarded_slot()
    def recognize(self) -> None:
        """Recognise the drawing or the drawn MNIST sample and show the answer."""
        if self._recognizer is None:
            self._show_prompt(self.tr("没有加载网络权重，无法识别。"))
        elif self.mode() == Mode.MNIST:
            self._recognize_sample()
        else:
            self._recognize_drawing()

    @guarded_slot()
    def clear(self) -> None:
        """Clear the canvas (or the drawn sample) and the result."""
        if self.mode() == Mode.MNIST:
            self._sample = None
            self.sampleView.set_pixels(None)
            self.sampleCaption.clear()
        else:
            self.canvas.clear()
        self._clear_result()

    @guarded_slot()
    def undo(self) -> None:
        if self.mode() == Mode.HANDWRITING:
            self.canvas.undo()

    @guarded_slot()
    def draw_sample(self) -> None:
        """Show a random MNIST test image and its true label."""
        if self._draws is None:
            return
        self._sample = self._draws.draw()
        self._sample_counted = False
        self.sampleView.set_pixels(self._sample.image)
        self.sampleCaption.setText(self.tr("测试集第 {index} 张 · 真实标签 {label}").format(
            index=self._sample.index, label=self._sample.label))
        self._clear_result()

    @guarded_slot()
    def show_inside(self) -> None:
        """Open (or raise) the window showing every layer of the network for the current input."""
        if self._inside is None:
            from .inside.view import InsideWindow  # matplotlib is loaded when the view is first opened
            self._inside = InsideWindow(self)
        self._inside.show()
        self._inside.raise_()
        self._inside.activateWindow()

    @guarded_slot()
    def score_hundred_draws(self) -> None:
        """Start the 10 x 10 random-draw experiment; rows appear as groups finish."""
        if self._draws is None or self._recognizer is None or self._scoring is not None:
            return
        self.scoreTable.setRowCount(0)
        self._scoring = GroupScoring(self._recognizer, self._draws, parent=self)
        self._scoring.group_scored.connect(self._add_group_row)
        self._scoring.finished.connect(self._scoring_finished)
        self._scoring.failed.connect(self._scoring_failed)
        self._update_buttons()
        self._scoring.start()

    @guarded_slot(int)
    def _mode_changed(self, index: int) -> None:
        self._mnist_error = None          # choosing MNIST mode again is the user's way to retry a failed load
        self._apply_mode()

    @guarded_slot(int)
    def _pen_width_changed(self, pixels: int) -> None:
        self.canvas.set_pen_width(pixels)
        self.penWidthValue.setText(str(pixels))

    @guarded_slot()
    def _strokes_changed(self) -> None:
        self._update_buttons()

    @guarded_slot(int, int, int)
    def _add_group_row(self, group: int, right: int, size: int) -> None:
        self._append_score_row(self.tr("第 {group} 组").format(group=group), right, size)

    @guarded_slot(int, int)
    def _scoring_finished(self, right: int, total: int) -> None:
        self._append_score_row(self.tr("合计"), right, total)
        self.statusbar.showMessage(self.tr("100 次随机抽取的准确率：{percent:.0f}%").format(
            percent=100 * right / total))
        self._end_scoring()

    @guarded_slot(object)
    def _scoring_failed(self, error: Exception) -> None:
        self._end_scoring()
        show_error(self, error)

    def _connect_signals(self) -> None:
        self.modeCombo.currentIndexChanged.connect(self._mode_changed)
        self.drawButton.clicked.connect(self.draw_sample)
        self.clearButton.clicked.connect(self.clear)
        self.undoButton.clicked.connect(self.undo)
        self.recognizeButton.clicked.connect(self.recognize)
        self.scoreButton.clicked.connect(self.score_hundred_draws)
        self.insideButton.clicked.connect(self.show_inside)
        self.penWidthSlider.valueChanged.connect(self._pen_width_changed)
        self.canvas.strokes_changed.connect(self._strokes_changed)

    def _add_shortcuts(self) -> None:
        shortcuts = [(QKeySequence.Undo, self.undo),
                     (Qt.Key_Escape, self.clear), (Qt.Key_Delete, self.clear),
                     (Qt.Key_Return, self.recognize), (Qt.Key_Enter, self.recognize),
                     (Qt.CTRL | Qt.Key_I, self.show_inside)]
        for key, slot in shortcuts:
            QShortcut(QKeySequence(key), self).activated.connect(slot)

    def _apply_mode(self) -> None:
        """Show the widgets of the current mode; start reading MNIST when it is needed and has not failed."""
        mnist = self.mode() == Mode.MNIST
        if mnist and self._draws is None and self._mnist_loading is None and self._mnist_error is None:
            self._start_loading_mnist()
        if not mnist:
            self.inputStack.setCurrentWidget(self.canvasPage)
            self.hintLabel.setText(self.tr(
                "用鼠标在黑色画板上写一个数字（0–9），然后点击「识别」或按 Enter。"))
        elif self._draws is not None:
            self.inputStack.setCurrentWidget(self.samplePage)
            self.hintLabel.setText(self.tr("点击「抽取」从 MNIST 测试集随机取一张图片，再点击「识别」。"))
        else:
            self.inputStack.setCurrentWidget(self.mnistStatusPage)
            self.hintLabel.setText(self.tr("MNIST 模式需要 MNIST 数据；手写输入模式照常可用。"))
        self.penPanel.setVisible(not mnist)
        self.mnistGroup.setVisible(mnist)
        self._clear_result()
        self._update_buttons()

    def _start_loading_mnist(self) -> None:
        self.mnistStatusLabel.setText(self.tr("正在读取 MNIST 测试集……"))
        self._mnist_loading = BackgroundCall(lambda: self._mnist_loader("test"), self)
        self._mnist_loading.succeeded.connect(self._mnist_loaded)
        self._mnist_loading.failed.connect(self._mnist_failed)
        self._mnist_loading.start()

    @guarded_slot(object)
    def _mnist_loaded(self, images_labels: tuple[np.ndarray, np.ndarray]) -> None:
        self._draws = MnistDraws(*images_labels, self._rng)
        self.sampleView.set_placeholder(self.tr("点击「抽取」"))
        self._finish_loading_mnist()

    @guarded_slot(object)
    def _mnist_failed(self, error: Exception) -> None:
        self._mnist_error = error
        self._finish_loading_mnist()
        self.mnistStatusLabel.setText(self._mnist_help(error))
        if not isinstance(error, MnistError):
            raise error
        log.warning("MNIST unavailable: %s", error)

    def _finish_loading_mnist(self) -> None:
        self._mnist_loading.wait()
        self._mnist_loading.deleteLater()
        self._mnist_loading = None
        if self.mode() == Mode.MNIST:
            self._apply_mode()
        self.mnist_load_finished.emit()

    def _mnist_help(self, error: Exception) -> str:
        headline = (self.tr("没有找到 MNIST 数据。") if isinstance(error, MnistMissingError)
                    else self.tr("MNIST 数据无法读取。"))
        return headline + "\n\n" + self.tr(
            "获取方法：运行\n  python main.py download-mnist\n"
            "或者把环境变量 HDR_DATA_DIR（或参数 --data-dir）设为包含四个 IDX .gz 文件的文件夹。"
        ) + "\n" + self.tr("然后重新选择「MNIST 随机抽取」模式即可再读取一次。") + "\n\n" + self.tr(
            "详情：{error}").format(error=error)

    def _update_buttons(self) -> None:
        mnist = self.mode() == Mode.MNIST
        mnist_ready = mnist and self._draws is not None
        self.drawButton.setEnabled(mnist_ready)
        self.undoButton.setEnabled(not mnist and not self.canvas.is_empty())
        self.recognizeButton.setEnabled(self._recognizer is not None and (mnist_ready or not mnist))
        self.scoreButton.setEnabled(mnist_ready and self._recognizer is not None and self._scoring is None)

    def _recognize_drawing(self) -> None:
        if self.canvas.is_empty():
            self._show_prompt(self.tr("画板是空的：请先用鼠标写一个数字。"))
            return
        result = self._timed(lambda: self._recognizer.recognize_images([qimage_to_pil(self.canvas.to_image())])[0])
        if result.digit is None:
            self._show_prompt(self.tr("画板上没有看得出的笔迹：请把数字写大一些。"))
            return
        self._show_recognition(result)
        self._set_verdict(self._verdict_text(result), WRONG_STYLE)

    def _recognize_sample(self) -> None:
        if self._sample is None:
            self._show_prompt(self.tr("请先点击「抽取」随机取一张测试图片。"))
            return
        result = self._timed(lambda: self._recognizer.recognize_inputs(self._sample.image[None])[0])
        self._show_recognition(result)
        correct = result.digit == self._sample.label
        if not self._sample_counted:
            self._tally.add(correct)
            self._sample_counted = True
            self._show_tally()
        verdict = (self.tr("真实标签 {label} · ✓ 正确") if correct
                   else self.tr("真实标签 {label} · ✗ 错误")).format(label=self._sample.label)
        doubt = self._verdict_text(result)
        self._set_verdict(verdict + ("\n" + doubt if doubt else ""), RIGHT_STYLE if correct else WRONG_STYLE)

    def _timed(self, recognise: Callable[[], Recognition]) -> Recognition:
        start = time.perf_counter()
        result = recognise()
        self.statusbar.showMessage(self.tr("识别用时 {ms:.1f} 毫秒").format(
            ms=1000 * (time.perf_counter() - start)))
        return result

    def _show_recognition(self, result: Recognition) -> None:
        self.digitLabel.setText("?" if result.verdict == "not_digit" else str(result.digit))
        self.confidenceLabel.setText(self.tr("置信度 {percent:.1f}%").format(percent=100 * result.confidence))
        self.probabilityBars.set_probabilities(result.probs, result.digit)
        self.networkInputView.set_pixels(result.input_image)

    def _verdict_text(self, result: Recognition) -> str:
        """What the answer's verdict says beyond the digit: nothing for a plain digit."""
        if result.verdict == "not_digit":
            return self.tr("这不像一个数字（最像 {digit}，{percent:.0f}%）").format(
                digit=result.digit, percent=100 * result.confidence)
        if result.unsure:
            return self.tr("不太确定：也可能是 {digit}").format(digit=result.runner_up)
        return ""

    def _show_prompt(self, text: str) -> None:
        self._clear_result()
        self._set_verdict(text, "")

    def _set_verdict(self, text: str, style: str) -> None:
        self.verdictLabel.setStyleSheet(style)
        self.verdictLabel.setText(text)

    def _clear_result(self) -> None:
        self.digitLabel.clear()
        self.confidenceLabel.clear()
        self._set_verdict("", "")
        self.probabilityBars.set_probabilities(None)
        self.networkInputView.set_pixels(None)

    def _show_tally(self) -> None:
        self.tallyLabel.setText(self.tr("正确 {right} / 共 {drawn} 张").format(
            right=self._tally.right, drawn=self._tally.drawn))

    def _cap_window_size(self) -> None:
        """Keep the window (in device pixels) within what Qt can paint, on the densest screen."""
        ratio = max((screen.devicePixelRatio() for screen in QGuiApplication.screens()), default=1.0)
        side = int(MAX_WINDOW_PIXELS / ratio)
        self.setMaximumSize(side, side)

    def _fit_score_table(self) -> None:
        """Columns share the width; the height shows all ten groups and the total."""
        table = self.scoreTable
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        table.setMinimumHeight(11 * table.verticalHeader().defaultSectionSize()
                               + table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth())

    def _append_score_row(self, name: str, right: int, total: int) -> None:
        row = self.scoreTable.rowCount()
        self.scoreTable.insertRow(row)
        for column, text in enumerate((name, f"{right}/{total}", f"{100 * right / total:.0f}%")):
            self.scoreTable.setItem(row, column, QTableWidgetItem(text))
        self.scoreTable.scrollToBottom()

    def _end_scoring(self) -> None:
        self._scoring.deleteLater()
        self._scoring = None
        self._update_buttons()
