"""The network view (ui/inside_view.ui): every layer of the CNN for the digit on the main window.

It follows the main window's current input (the drawing, or the drawn MNIST sample), refreshed
DEBOUNCE_MS after the last change while it is open, and shows the arrays that
:meth:`Recognizer.look_inside` returns; all the arithmetic is there, none here.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PyQt5 import uic
from PyQt5.QtCore import Qt, QTimer, pyqtSignal
from PyQt5.QtGui import QBrush, QColor, QShowEvent
from PyQt5.QtWidgets import QHeaderView, QTableWidgetItem, QWidget

from cnn_numpy.nn.inspect import Inside
from cnn_numpy.paths import INSIDE_VIEW_UI, shown_path
from cnn_numpy.recognition.numbers import read_number
from cnn_numpy.training_log import TrainingLogError, read_training_log, training_log_path

from ..main_window import MainWindow, Mode
from ..qimage_pil import qimage_to_pil
from ..slot_errors import guarded_slot
from .colormap import DIVERGING, GREY, SEQUENTIAL, colour, overlay_qimage, to_qimage, to_qimages

DEBOUNCE_MS = 150
STRONGEST = 5        # hidden units named


def _shape(array: np.ndarray, channels: bool = False) -> str:
    """The shape of one input's stage as the network has it, batch of one first (and one channel for the
    input): (1, 30, 24, 24), kept on one line."""
    return str((1, 1, *array.shape) if channels else (1, *array.shape)).replace(" ", "\u00a0")


def _upper(array: np.ndarray) -> float:
    """Top of a scale from zero: the largest value (1 when all are zero)."""
    peak = float(np.max(array))
    return peak if peak > 0 else 1.0


def _limit(array: np.ndarray) -> float:
    """Half-width of a symmetric scale around zero."""
    peak = float(np.max(np.abs(array)))
    return peak if peak > 0 else 1.0


class InsideWindow(QWidget):
    """Input, convolution, pooling, hidden layer, output, saliency and training curves, live."""

    refreshed = pyqtSignal()     # the view now shows the current input (or says why there is none)

    def __init__(self, main: MainWindow) -> None:
        super().__init__(main, Qt.Window)
        uic.loadUi(str(INSIDE_VIEW_UI), self)
        self._main = main
        self._inside: Inside | None = None
        self._chosen: int | None = None          # the filter clicked; None: the most active one
        self._hovered: int | None = None
        self._history_of: tuple[Path | None] | None = None    # (the log drawn,), None before the first
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self.weightTable.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.weightTable.verticalHeader().setSectionResizeMode(QHeaderView.Stretch)
        small = self.weightTable.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.weightTable.setFont(small)
        self.outputBars.set_headers("logit", self.tr("概率"))
        self.inputBar.set_scale(GREY, 0.0, 1.0)
        for grid in (self.filterGrid, self.mapGrid, self.poolGrid):
            grid.hovered.connect(self._grid_hovered)
            grid.clicked.connect(self._grid_clicked)
        self.hiddenView.cell_hovered.connect(self._unit_hovered)
        main.canvas.ink_changed.connect(self.schedule)
        main.sampleView.pixels_changed.connect(self.schedule)
        main.piece_shown.connect(self.schedule)
        main.modeCombo.currentIndexChanged.connect(self.schedule)

    def inside(self) -> Inside | None:
        """What is shown, or None."""
        return self._inside

    def pending(self) -> bool:
        """A refresh is waiting for the input to settle."""
        return self._timer.isActive()

    def focused_filter(self) -> int | None:
        """The filter whose maps are framed and whose weights are listed."""
        if self._inside is None:
            return None
        if self._hovered is not None:
            return self._hovered
        return self._chosen if self._chosen is not None else int(np.argmax(self._inside.conv.max(axis=(1, 2))))

    @guarded_slot()
    def schedule(self) -> None:
        """Refresh DEBOUNCE_MS after the last change (restarted by each change); nothing while hidden."""
        if self.isVisible():
            self._timer.start()

    @guarded_slot()
    def refresh(self) -> None:
        """Show every stage for the main window's current input."""
        self._timer.stop()
        self._show_history()
        x, reason = self._current_input()
        self.followLabel.setText(self.tr("跟随主窗口的「{mode}」：画板或图片一变，约 {ms} 毫秒后这里就更新。").format(
            mode=self._main.modeCombo.currentText(), ms=DEBOUNCE_MS))
        self.statusLabel.setText(reason)
        self.statusLabel.setVisible(bool(reason))
        self._inside = None if x is None else self._main.recognizer().look_inside(x)
        if self._inside is None:
            self._clear()
        else:
            self._show(self._inside)
        self.refreshed.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _current_input(self) -> tuple[np.ndarray | None, str]:
        """The main window's input as the network receives it (28, 28), or None and why there is none."""
        main = self._main
        if main.recognizer() is None:
            return None, self.tr("没有加载网络权重：无法显示网络内部。")
        if main.mode() == Mode.MNIST:
            pixels = main.sampleView.pixels()
            return pixels, "" if pixels is not None else self.tr("点击主窗口的「抽取」，从 MNIST 测试集取一张图片。")
        if main.mode() == Mode.PICTURE:
            reading = main.pictureView.reading()
            if reading is None or not reading.digits:
                return None, self.tr("在主窗口打开一张写有数字的图片，这里就会显示网络怎样看其中的一个数字。")
            return reading.digits[min(main.shown_piece(), len(reading.digits) - 1)].input_image, ""
        if main.canvas.is_empty():
            return None, self.tr("在主窗口的画板上写一个数字，这里就会一层一层地显示网络看到了什么。")
        reading = read_number(main.recognizer(), qimage_to_pil(main.canvas.to_image()), canvas=True)
        if not reading.digits:
            return None, self.tr("画板上没有看得出的笔迹：请把数字写大一些。")
        return reading.digits[min(main.shown_piece(), len(reading.digits) - 1)].input_image, ""

    def _show(self, inside: Inside) -> None:
        self.inputShape.setText(self.tr("取值 0–1 · 形状 {shape}").format(
            shape=_shape(inside.input, channels=True)))
        self.inputView.set_image(to_qimage(inside.input, GREY, 0.0, 1.0))
        count, size = inside.filters.shape[0], inside.filters.shape[1]
        self.convShape.setText(self.tr(
            "{count} 个 {size}×{size} 的滤波器在输入上滑动（步长 1）：每个滤波器得到一张特征图 · "
            "W1 {weights} → 输出 {shape}").format(count=count, size=size, weights=str((count, 1, size, size)),
                                                shape=_shape(inside.conv)))
        limit = _limit(inside.filters)
        self.filterGrid.set_images(to_qimages(inside.filters, DIVERGING, -limit, limit))
        self.filterBar.set_scale(DIVERGING, -limit, limit)
        top = _upper(inside.conv)
        self.mapGrid.set_images(to_qimages(inside.conv, SEQUENTIAL, 0.0, top))
        self.mapBar.set_scale(SEQUENTIAL, 0.0, top)
        self.poolShape.setText(self.tr("每个 2×2 小格只留下最大值：{before} → {after}，再展平成 {flat} 个数").format(
            before=_shape(inside.conv), after=_shape(inside.pooled), flat=inside.pooled.size))
        top = _upper(inside.pooled)
        self.poolGrid.set_images(to_qimages(inside.pooled, SEQUENTIAL, 0.0, top))
        self.poolBar.set_scale(SEQUENTIAL, 0.0, top)
        self._show_hidden(inside)
        self._show_output(inside)
        self._show_saliency(inside)
        self._show_focus()

    def _show_hidden(self, inside: Inside) -> None:
        units = inside.hidden.size
        side = math.ceil(math.sqrt(units))
        square = np.full(side * side, np.nan, np.float32)
        square[:units] = inside.hidden
        self.hiddenShape.setText(self.tr(
            "{units} 个单元（{side}×{side}），每个读入全部 {inputs} 个数；{active} 个不为零 · 形状 {shape}").format(
            units=units, side=side, inputs=inside.pooled.size, active=int(np.count_nonzero(inside.hidden)),
            shape=_shape(inside.hidden)))
        top = _upper(inside.hidden)
        strongest = inside.strongest_units(STRONGEST)
        self.hiddenView.set_image(to_qimage(square.reshape(side, side), SEQUENTIAL, 0.0, top),
                                  [i for i, _ in strongest])
        self.hiddenBar.set_scale(SEQUENTIAL, 0.0, top)
        self.strongestLabel.setText("\n".join([self.tr("最强的 {count} 个：").format(count=STRONGEST)]
                                              + [f"#{index}  {value:.2f}" for index, value in strongest]))
        self.unitLabel.clear()

    def _show_output(self, inside: Inside) -> None:
        self.outputShape.setText(self.tr("概率 = softmax(logit / T)，校准温度 T = {t:.2f} · 形状 {shape}").format(
            t=self._main.recognizer().calibration.temperature, shape=_shape(inside.logits)))
        self.outputBars.set_outputs(inside.logits, inside.probs, inside.winner)

    def _show_saliency(self, inside: Inside) -> None:
        limit = _limit(inside.saliency)
        self.saliencyView.set_image(overlay_qimage(inside.input, inside.saliency, limit))
        self.saliencyBar.set_scale(DIVERGING, -limit, limit)
        self.whyText.setText(self.tr(
            "数字 {digit} 的 logit 对每个输入像素的梯度，由网络自己的反向传播算出："
            "在橙色处多加墨水，{digit} 的得分会升高；在紫色处则会降低。灰色是输入的笔迹。").format(digit=inside.winner))

    def _show_focus(self) -> None:
        """Frame the focused filter in the three grids and list its weights."""
        index = self.focused_filter()
        for grid in (self.filterGrid, self.mapGrid, self.poolGrid):
            grid.set_highlight(index)
        if index is None:
            return
        inside = self._inside
        why = self.tr("悬停") if self._hovered is not None else (
            self.tr("已选中") if self._chosen is not None else self.tr("响应最强"))
        self.filterDetail.setText(self.tr(
            "滤波器 #{index}（{why}）· 偏置 {bias:+.3f} · 特征图最大值 {peak:.2f}").format(
            index=index, why=why, bias=float(inside.biases[index]), peak=float(inside.conv[index].max())))
        weights = inside.filters[index]
        limit = _limit(inside.filters)
        table = self.weightTable
        table.setRowCount(weights.shape[0])
        table.setColumnCount(weights.shape[1])
        for (row, column), value in np.ndenumerate(weights):
            item = QTableWidgetItem(f"{value:+.2f}".replace("-", "−"))
            item.setTextAlignment(Qt.AlignCenter)
            background = colour(float(value), DIVERGING, -limit, limit)
            item.setBackground(QBrush(background))
            item.setForeground(QBrush(QColor(Qt.white) if background.lightness() < 128 else QColor(Qt.black)))
            table.setItem(row, column, item)

    def _clear(self) -> None:
        for view in (self.inputView, self.hiddenView, self.saliencyView):
            view.set_image(None)
        for grid in (self.filterGrid, self.mapGrid, self.poolGrid):
            grid.set_images([])
            grid.set_highlight(None)
        for bar in (self.filterBar, self.mapBar, self.poolBar, self.hiddenBar, self.saliencyBar):
            bar.set_scale(None)
        for label in (self.inputShape, self.convShape, self.poolShape, self.hiddenShape, self.outputShape,
                      self.strongestLabel, self.unitLabel, self.whyText, self.filterDetail):
            label.clear()
        self.outputBars.set_outputs(None)
        self.weightTable.clearContents()

    def _show_history(self) -> None:
        """Draw the training curves of the recognizer's weights, when they are not drawn already."""
        recognizer = self._main.recognizer()
        path = None if recognizer is None or recognizer.weights_path is None else training_log_path(
            recognizer.weights_path)
        if self._history_of == (path,):
            return
        self._history_of = (path,)
        curves = None
        if path is None:
            self.historySource.setText(self.tr("这个网络没有训练记录（它不是从权重文件加载的）。"))
        else:
            try:
                curves = read_training_log(path)
                self.historySource.setText(self.tr("每个训练轮次的记录，来自 {path}").format(path=shown_path(path)))
            except TrainingLogError as error:
                self.historySource.setText(self.tr("没有训练曲线：{error}").format(error=error))
        self.historyPlot.set_curves(curves, {
            "loss": self.tr("损失（交叉熵）"), "accuracy": self.tr("准确率"), "lr": self.tr("学习率"),
            "epoch": self.tr("轮次"), "train": self.tr("训练集"), "validation": self.tr("验证集")})

    @guarded_slot(int)
    def _grid_hovered(self, index: int) -> None:
        self._hovered = index if index >= 0 else None
        self._show_focus()

    @guarded_slot(int)
    def _grid_clicked(self, index: int) -> None:
        self._chosen = None if index == self._chosen else index
        self._show_focus()

    @guarded_slot(int)
    def _unit_hovered(self, cell: int) -> None:
        if self._inside is None or not 0 <= cell < self._inside.hidden.size:
            self.unitLabel.clear()
            return
        self.unitLabel.setText(self.tr("单元 #{index}：{value:.3f}").format(
            index=cell, value=float(self._inside.hidden[cell])))
