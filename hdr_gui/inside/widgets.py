"""Widgets of the network view (ui/inside_view.ui): maps, grids of maps, colour bars, output bars,
training curves. They draw arrays and images they are given; they compute nothing about the network."""
from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_qt5agg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PyQt5.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, pyqtSignal
from PyQt5.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PyQt5.QtWidgets import QSizePolicy, QWidget

from cnn_numpy.training_log import TrainingCurves

from .colormap import colours, rgb_image

FRAME = QPen(QColor(0, 0, 0), 3)               # highlight: a black frame around a white one,
INNER_FRAME = QPen(QColor(255, 255, 255), 1)   # visible on every colour of every map
WINNER_COLOR = QColor(230, 97, 1)              # orange (PuOr's end): the answer
OTHER_COLOR = QColor(94, 60, 153)              # purple: the other digits
CJK_FONT_FILES = ("wqy", "cjk", "sourcehan", "notosanssc", "msyh", "simhei", "pingfang")


def _frame(painter: QPainter, rect: QRect) -> None:
    painter.setBrush(Qt.NoBrush)
    painter.setPen(FRAME)
    painter.drawRect(rect.adjusted(-2, -2, 1, 1))
    painter.setPen(INNER_FRAME)
    painter.drawRect(rect.adjusted(0, 0, -1, -1))


def _number(value: float) -> str:
    return f"{value:.3g}" if value != 0 else "0"


class _Hinted(QWidget):
    """A widget whose preferred and minimum sizes are the class's HINT and MINIMUM (w, h)."""
    HINT: tuple[int, int]
    MINIMUM: tuple[int, int]

    def sizeHint(self) -> QSize:
        return QSize(*self.HINT)

    def minimumSizeHint(self) -> QSize:
        return QSize(*self.MINIMUM)


class ArrayView(_Hinted):
    """One image, scaled to fit with square pixels; optional framed cells; hovering reports the cell."""

    cell_hovered = pyqtSignal(int)       # row * columns + column of the cell under the mouse, -1 outside
    MARGIN = 3                           # room for the frames of cells at the edge
    HINT, MINIMUM = (120, 120), (56, 56)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._marks: list[int] = []
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def set_image(self, image: QImage | None, marks: list[int] | None = None) -> None:
        """Show ``image`` (None: nothing) with the cells ``marks`` framed."""
        self._image, self._marks = image, marks or []
        self.update()

    def image(self) -> QImage | None:
        return self._image

    def image_rect(self) -> QRect:
        """Where the image is drawn: the largest rectangle of its aspect ratio, centred."""
        if self._image is None:
            return QRect()
        scale = min((self.width() - 2 * self.MARGIN) / self._image.width(),
                    (self.height() - 2 * self.MARGIN) / self._image.height())
        w, h = int(self._image.width() * scale), int(self._image.height() * scale)
        return QRect((self.width() - w) // 2, (self.height() - h) // 2, w, h)

    def cell_rect(self, index: int) -> QRect:
        area, columns = self.image_rect(), self._image.width()
        cw, ch = area.width() / columns, area.height() / self._image.height()
        row, column = divmod(index, columns)
        return QRect(round(area.x() + column * cw), round(area.y() + row * ch), round(cw), round(ch))

    def cell_at(self, pos: QPoint) -> int:
        area = self.image_rect()
        if self._image is None or not area.contains(pos):
            return -1
        column = min((pos.x() - area.x()) * self._image.width() // area.width(), self._image.width() - 1)
        row = min((pos.y() - area.y()) * self._image.height() // area.height(), self._image.height() - 1)
        return row * self._image.width() + column

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.cell_hovered.emit(self.cell_at(event.pos()))

    def leaveEvent(self, event: QEvent) -> None:
        self.cell_hovered.emit(-1)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._image is None:
            return
        painter = QPainter(self)
        painter.drawImage(self.image_rect(), self._image)
        for index in self._marks:
            _frame(painter, self.cell_rect(index))


class MapGrid(_Hinted):
    """K equally sized images in as many columns as makes them largest; one may be highlighted.
    Hovering or clicking an image reports its index."""

    hovered = pyqtSignal(int)       # index under the mouse, -1 when it leaves
    clicked = pyqtSignal(int)
    GAP = 5
    MARGIN = 3                      # room for the highlight frame
    HINT, MINIMUM = (240, 110), (80, 40)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images: list[QImage] = []
        self._highlight: int | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def set_images(self, images: list[QImage]) -> None:
        self._images = images
        self.update()

    def count(self) -> int:
        return len(self._images)

    def set_highlight(self, index: int | None) -> None:
        self._highlight = index
        self.update()

    def highlight(self) -> int | None:
        return self._highlight

    def _layout(self) -> tuple[int, int]:
        """(columns, side of one image in pixels) making the images largest in this widget."""
        count, best = max(len(self._images), 1), (1, 0)
        width, height = self.width() - 2 * self.MARGIN, self.height() - 2 * self.MARGIN
        for columns in range(1, count + 1):
            rows = math.ceil(count / columns)
            side = min((width - (columns - 1) * self.GAP) // columns, (height - (rows - 1) * self.GAP) // rows)
            if side > best[1]:
                best = (columns, side)
        return best

    def cell_rect(self, index: int) -> QRect:
        columns, side = self._layout()
        rows = math.ceil(len(self._images) / columns)
        left = (self.width() - columns * side - (columns - 1) * self.GAP) // 2
        top = (self.height() - rows * side - (rows - 1) * self.GAP) // 2
        row, column = divmod(index, columns)
        return QRect(left + column * (side + self.GAP), top + row * (side + self.GAP), side, side)

    def index_at(self, pos: QPoint) -> int:
        return next((i for i in range(len(self._images)) if self.cell_rect(i).contains(pos)), -1)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.hovered.emit(self.index_at(event.pos()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.pos())
        if event.button() == Qt.LeftButton and index >= 0:
            self.clicked.emit(index)

    def leaveEvent(self, event: QEvent) -> None:
        self.hovered.emit(-1)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().mid().color())
        for index, image in enumerate(self._images):
            rect = self.cell_rect(index)
            painter.drawImage(rect, image)
            painter.drawRect(rect.adjusted(-1, -1, 0, 0))
        if self._highlight is not None and 0 <= self._highlight < len(self._images):
            _frame(painter, self.cell_rect(self._highlight))


class ColorBar(QWidget):
    """The legend of a colour scale: the colours from low to high, with their values below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._low = self._high = 0.0
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)

    def set_scale(self, name: str | None, low: float = 0.0, high: float = 1.0) -> None:
        """Show the map ``name`` over [low, high]; None hides the scale."""
        self._low, self._high = low, high
        self._image = None if name is None else rgb_image(colours(np.linspace(low, high, 256)[None], name, low, high))
        self.update()

    def scale(self) -> tuple[float, float] | None:
        """(low, high) shown, or None."""
        return None if self._image is None else (self._low, self._high)

    def sizeHint(self) -> QSize:
        return QSize(160, 14 + self.fontMetrics().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(60, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._image is None:
            return
        painter = QPainter(self)
        text_height = self.fontMetrics().height()
        bar = QRect(0, 0, self.width() - 1, self.height() - text_height - 2)
        painter.drawImage(bar, self._image)
        painter.setPen(self.palette().mid().color())
        painter.drawRect(bar)
        painter.setPen(self.palette().text().color())
        below = QRectF(0, bar.bottom() + 2, self.width(), text_height)
        middle = (self._low + self._high) / 2
        painter.drawText(below, Qt.AlignLeft, _number(self._low))
        painter.drawText(below, Qt.AlignHCenter, _number(middle))
        painter.drawText(below, Qt.AlignRight, _number(self._high))


class OutputBars(QWidget):
    """Per digit: its logit as a bar from zero and its probability as a bar from 0 to 100 %; the answer
    is drawn in orange, bold and with a marker, the others in purple."""

    ROW_GAP = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._logits: np.ndarray | None = None
        self._probs: np.ndarray | None = None
        self._winner: int | None = None
        self._headers = ("logit", "p")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def set_headers(self, logit: str, probability: str) -> None:
        self._headers = (logit, probability)
        self.update()

    def set_outputs(self, logits: np.ndarray | None, probs: np.ndarray | None = None,
                    winner: int | None = None) -> None:
        """Show ten logits and probabilities with the answer ``winner``; None empties the chart."""
        self._logits, self._probs, self._winner = logits, probs, winner
        self.update()

    def outputs(self) -> tuple[np.ndarray | None, np.ndarray | None, int | None]:
        return self._logits, self._probs, self._winner

    def sizeHint(self) -> QSize:
        return QSize(320, 11 * self.fontMetrics().height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(220, 11 * self.fontMetrics().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = self.fontMetrics()
        row = (self.height() - metrics.height()) / 10
        label_w = metrics.horizontalAdvance("0 ◀ ")
        value_w = max(metrics.horizontalAdvance(text) for text in ("−00.0", "100.0%")) + metrics.averageCharWidth()
        half = (self.width() - label_w - 2 * value_w) / 2
        logit_x, prob_x = label_w, label_w + half + value_w
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(logit_x, 0, half + value_w, metrics.height()), Qt.AlignCenter, self._headers[0])
        painter.drawText(QRectF(prob_x, 0, half + value_w, metrics.height()), Qt.AlignCenter, self._headers[1])
        if self._logits is None:
            return
        limit = max(float(np.abs(self._logits).max()), 1e-6)
        zero = logit_x + half / 2
        bold = QFont(self.font())
        bold.setBold(True)
        for digit in range(10):
            top = metrics.height() + digit * row
            bar_h = max(row - self.ROW_GAP - 2, 2)
            text_rect = QRectF(0, top, label_w, row)
            winner = digit == self._winner
            color = WINNER_COLOR if winner else OTHER_COLOR
            painter.setFont(bold if winner else self.font())
            painter.setPen(self.palette().text().color())
            painter.drawText(text_rect, Qt.AlignVCenter | Qt.AlignLeft, f"{digit} ◀" if winner else str(digit))
            logit = float(self._logits[digit])
            width = logit / limit * half / 2
            painter.fillRect(QRectF(min(zero, zero + width), top + 1, abs(width), bar_h), color)
            painter.drawText(QRectF(logit_x + half, top, value_w, row), Qt.AlignVCenter | Qt.AlignRight,
                             f"{logit:+.1f}".replace("-", "−"))
            prob = float(self._probs[digit])
            painter.fillRect(QRectF(prob_x, top + 1, prob * half, bar_h), color)
            painter.drawText(QRectF(prob_x + half, top, value_w, row), Qt.AlignVCenter | Qt.AlignRight,
                             f"{100 * prob:.1f}%")
        painter.setFont(self.font())
        painter.setPen(self.palette().mid().color())
        painter.drawLine(QPoint(round(zero), metrics.height()), QPoint(round(zero), self.height()))


def plot_font_families() -> list[str]:
    """Font families for the plots: DejaVu Sans, then a CJK family for Chinese glyphs if the system has one
    (added to matplotlib when its font cache predates the font)."""
    from matplotlib import font_manager
    logging.getLogger(font_manager.__name__).setLevel(logging.ERROR)   # not "no weight 400 in WenQuanYi"
    manager = font_manager.fontManager

    def cjk() -> list[str]:
        return sorted({f.name for f in manager.ttflist if any(k in Path(f.fname).name.lower() for k in CJK_FONT_FILES)})
    if not cjk():
        for path in font_manager.findSystemFonts():
            if any(key in Path(path).name.lower() for key in CJK_FONT_FILES):
                manager.addfont(path)
    return ["DejaVu Sans", *cjk()[:1]]


class HistoryPlot(FigureCanvasQTAgg):
    """Training curves drawn with matplotlib: loss, accuracy and learning rate per epoch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Figure(figsize=(6, 2.4), layout="constrained"))
        self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(300, 150)
        self._curves: TrainingCurves | None = None

    def sizeHint(self) -> QSize:
        return QSize(480, 170)

    def curves(self) -> TrainingCurves | None:
        return self._curves

    def set_curves(self, curves: TrainingCurves | None, texts: dict[str, str]) -> None:
        """Draw ``curves`` (None: an empty figure) now; ``texts`` holds the translated titles and labels:
        loss, accuracy, lr, epoch, train, validation."""
        self._curves = curves
        figure = self.figure
        figure.clear()
        color = self.palette().window().color()
        figure.set_facecolor((color.redF(), color.greenF(), color.blueF()))
        if curves is None:
            self.draw()
            return
        font = {"family": plot_font_families(), "size": 8}
        loss, accuracy, lr = figure.subplots(1, 3)
        for name, label, style in (("train", texts["train"], "-"), ("val", texts["validation"], "--")):
            if not np.isnan(getattr(curves, f"{name}_loss")).all():
                loss.plot(curves.epoch, getattr(curves, f"{name}_loss"), style, color="#5e3c99", label=label)
            if not np.isnan(getattr(curves, f"{name}_acc")).all():
                accuracy.plot(curves.epoch, 100 * getattr(curves, f"{name}_acc"), style, color="#e66101", label=label)
        lr.plot(curves.epoch, curves.lr, color="#1b7837")
        for ax, title in ((loss, texts["loss"]), (accuracy, texts["accuracy"]), (lr, texts["lr"])):
            ax.set_title(title, fontdict=font)
            ax.set_xlabel(texts["epoch"], fontdict=font)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
        accuracy.yaxis.set_major_formatter("{x:.0f}%")
        lr.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
        lr.yaxis.get_offset_text().set_fontsize(7)
        for ax in (loss, accuracy):
            ax.legend(prop=font)
        self.draw()
