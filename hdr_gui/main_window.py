"""Main window: wires the Designer form (ui/main_window.ui) to the recognizer and MNIST."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path

import numpy as np
from PIL import Image
from PyQt5 import uic
from PyQt5.QtCore import Qt, QTimer, pyqtSignal
from PyQt5.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QKeySequence
from PyQt5.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QShortcut,
    QWidget,
)

from cnn_numpy.data.image_files import ImageFileError
from cnn_numpy.data.mnist import MnistError, MnistMissingError, load_mnist
from cnn_numpy.paths import MAIN_WINDOW_UI
from cnn_numpy.recognition.numbers import NumberReading, read_number
from cnn_numpy.recognition.reading_memo import ReadingMemo
from cnn_numpy.recognition.recognizer import Recognition, Recognitions, Recognizer

from .background import BackgroundCall
from .i18n import install_language, resolve_language
from .mnist_draws import MnistDraws, Sample, Tally
from .personal import PersonalHandwriting, default_data_dir
from .pictures import PictureLoader, ReadPicture, picture_in, read_number_with_pieces
from .qimage_pil import qimage_to_pil
from .scoring import HundredDraws
from .slot_errors import guarded_slot
from .widgets.annotations import annotated_image

MnistLoader = Callable[[str], tuple[np.ndarray, np.ndarray]]
RIGHT_STYLE = "color: #2e7d32;"
WRONG_STYLE = "color: #c62828;"
MAX_WINDOW_PIXELS = 16384    # per side, in device pixels: Qt's backing store crashes on windows near 32767 px

log = logging.getLogger(__name__)


PICTURE_FILTER = "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp *.ppm *.pgm"
DIGIT_POINTS = (60, 40, 28)     # font size of the answer: one digit, up to four, more
READ_AHEAD_MS = 30              # the drawing is read this long after a stroke ends (the stroke is painted first)
SAMPLE_MARGIN = 0.15            # a corrected piece of a number is kept with this margin (of its longer side)


class Mode(IntEnum):
    """Entries of the mode combo box, in order."""
    HANDWRITING = 0
    MNIST = 1
    PICTURE = 2


class MainWindow(QMainWindow):
    """Write a number, draw an MNIST digit at random or open a picture; recognise every digit and show
    how sure the network is of each."""

    mnist_load_finished = pyqtSignal()      # the MNIST test set was read, or failed to be
    piece_shown = pyqtSignal()              # another digit of a number (or another picture) is shown
    picture_finished = pyqtSignal()         # a picture was read, or failed to be

    def __init__(self, recognizer: Recognizer | None = None, mnist_loader: MnistLoader = load_mnist,
                 lang: str | None = None, rng: np.random.Generator | None = None,
                 data_dir: Path | None = None, parent: QWidget | None = None) -> None:
        """`mnist_loader("test")` returns the test images and labels or raises MnistError; the user's
        samples and personal weights live in `data_dir` (default: Qt's AppDataLocation)."""
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
        self._scoring = HundredDraws(self.scoreTable, self.statusbar, self)
        self._inside: QWidget | None = None              # the network view, made when first opened
        self._reading: NumberReading | None = None        # the last number read (canvas or picture)
        self._pieces: Recognitions | None = None          # its pieces' recognitions
        self._piece = 0                                   # the piece shown in the bars
        self._pictures = PictureLoader(self)
        self._picture_pieces: Recognitions | None = None  # the pieces of the picture shown
        self._picture_name = ""
        self._picture_image = None                         # the PIL image the picture's boxes refer to
        self._read_image = None                            # the PIL image of the number shown
        self.reading_memo = ReadingMemo()                  # what was read of the drawing, stroke by stroke
        self._read_ahead_timer = QTimer(self)              # reads the drawing once a stroke is painted
        self._read_ahead_timer.setSingleShot(True)
        self._read_ahead_timer.setInterval(READ_AHEAD_MS)
        self.personal = PersonalHandwriting(self, data_dir or default_data_dir(), self._current_sample,
                                            self._use_recognizer)
        self.setAcceptDrops(True)
        self.canvas.set_placeholder(self.tr("在这里用鼠标写一个数字，或者一串数字"))
        self.pictureView.set_placeholder(self.tr(
            "点击「打开图片…」(Ctrl+O)，把图片拖到这里，或按 Ctrl+V 粘贴。\n"
            "白纸黑字的照片、扫描件和黑底白字的图片都可以。"))
        self.canvas.set_pen_width(self.penWidthSlider.value())
        self._cap_window_size()
        self._connect_signals()
        self._add_shortcuts()
        self._show_tally()
        self.set_recognizer(recognizer)
        self._apply_mode()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._mnist_loading is not None:
            self._mnist_loading.wait()       # a QThread must not be destroyed while running
        self._pictures.wait()
        self.personal.wait()
        super().closeEvent(event)

    def mode(self) -> Mode:
        return Mode(self.modeCombo.currentIndex())

    def recognizer(self) -> Recognizer | None:
        return self._recognizer

    def shown_piece(self) -> int:
        """Which digit of the number read is shown in the bars (0 for the first, or a single digit)."""
        return self._piece

    def set_recognizer(self, recognizer: Recognizer | None) -> None:
        """Use `recognizer` (or the personal weights made from it, if the user chose them); None (no
        weights) leaves drawing possible but recognition off."""
        self.personal.set_base(recognizer)

    def _use_recognizer(self, recognizer: Recognizer | None) -> None:
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
        elif self.mode() == Mode.PICTURE:
            self._reread_picture()
        else:
            self._recognize_drawing()

    @guarded_slot()
    def clear(self) -> None:
        """Clear the canvas (or the drawn sample) and the result."""
        if self.mode() == Mode.MNIST:
            self._sample = None
            self.sampleView.set_pixels(None)
            self.sampleCaption.clear()
        elif self.mode() == Mode.PICTURE:
            self._picture_name = ""
            self._picture_image = self._picture_pieces = None
            self.pictureView.set_picture(None)
        else:
            self.canvas.clear()
        self._clear_result()
        self._update_buttons()

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
    def open_picture_dialog(self) -> None:
        """Ask for a picture file and read it."""
        name, _ = QFileDialog.getOpenFileName(self, self.tr("打开图片"), "",
                                              self.tr("图片") + f" ({PICTURE_FILTER});;" + self.tr("所有文件") + " (*)")
        if name:
            self.open_picture(Path(name))

    def open_picture(self, source: Path | QImage | Image.Image) -> None:
        """Show the picture mode and read ``source`` (a file or an image) in the background; a file
        that cannot be used is explained in one sentence where the picture would be."""
        if isinstance(source, QImage):
            source = qimage_to_pil(source)
        if self.mode() != Mode.PICTURE:
            self.modeCombo.setCurrentIndex(Mode.PICTURE)
        self._clear_result()
        self.pictureView.set_picture(None)
        self.pictureView.set_placeholder(self.tr("正在读取图片……"))
        self._pictures.load(source, self._recognizer)
        self._update_buttons()

    @guarded_slot()
    def paste_picture(self) -> None:
        """Read the picture (or picture file) on the clipboard."""
        source = picture_in(QApplication.clipboard().mimeData())
        if source is None:
            self._show_prompt(self.tr("剪贴板里没有图片。"))
        else:
            self.open_picture(source)

    @guarded_slot()
    def save_annotated(self) -> None:
        """Save the opened picture with its boxes and labels as a PNG."""
        picture, reading = self.pictureView.picture(), self.pictureView.reading()
        if picture is None or reading is None:
            return
        stem = Path(self._picture_name).stem or self.tr("图片")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("保存标注图"), f"{stem}-read.png", "PNG (*.png)")
        if not name:
            return
        if not name.lower().endswith(".png"):
            name += ".png"
        if annotated_image(picture, reading, self.pictureView.picture_scale()).save(name, "PNG"):
            self.statusbar.showMessage(self.tr("已保存：{name}").format(name=name))
        else:
            self._show_prompt(self.tr("无法保存到 {name}：请换一个文件夹或文件名。").format(name=name))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasImage() or any(url.isLocalFile() for url in mime.urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        source = picture_in(event.mimeData())
        if source is not None:
            event.acceptProposedAction()
            self.open_picture(source)

    @guarded_slot()
    def show_previous_piece(self) -> None:
        self._show_piece(self._piece - 1)

    @guarded_slot()
    def show_next_piece(self) -> None:
        self._show_piece(self._piece + 1)

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
        if self._draws is not None and self._recognizer is not None:
            self._scoring.start(self._recognizer, self._draws)

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

    def _connect_signals(self) -> None:
        self.modeCombo.currentIndexChanged.connect(self._mode_changed)
        self.drawButton.clicked.connect(self.draw_sample)
        self.clearButton.clicked.connect(self.clear)
        self.undoButton.clicked.connect(self.undo)
        self.recognizeButton.clicked.connect(self.recognize)
        self.scoreButton.clicked.connect(self.score_hundred_draws)
        self._scoring.running_changed.connect(self._update_buttons)
        self.insideButton.clicked.connect(self.show_inside)
        self.openButton.clicked.connect(self.open_picture_dialog)
        self.saveButton.clicked.connect(self.save_annotated)
        self.previousPieceButton.clicked.connect(self.show_previous_piece)
        self.nextPieceButton.clicked.connect(self.show_next_piece)
        self.penWidthSlider.valueChanged.connect(self._pen_width_changed)
        self.canvas.strokes_changed.connect(self._strokes_changed)
        self.canvas.stroke_finished.connect(self._read_ahead_timer.start)
        self._read_ahead_timer.timeout.connect(self._read_ahead)
        self._pictures.read.connect(self._picture_read)
        self._pictures.failed.connect(self._picture_failed)

    def _add_shortcuts(self) -> None:
        shortcuts = [(QKeySequence.Undo, self.undo),
                     (Qt.Key_Escape, self.clear), (Qt.Key_Delete, self.clear),
                     (Qt.Key_Return, self.recognize), (Qt.Key_Enter, self.recognize),
                     (Qt.CTRL | Qt.Key_I, self.show_inside), (QKeySequence.Open, self.open_picture_dialog),
                     (QKeySequence.Paste, self.paste_picture), (QKeySequence.Save, self.save_annotated)]
        for key, slot in shortcuts:
            QShortcut(QKeySequence(key), self).activated.connect(slot)
        for digit in range(10):
            QShortcut(QKeySequence(Qt.CTRL | (Qt.Key_0 + digit)), self).activated.connect(
                lambda digit=digit: self.personal.correct(digit))

    def _apply_mode(self) -> None:
        """Show the widgets of the current mode; start reading MNIST when it is needed and has not failed."""
        mnist = self.mode() == Mode.MNIST
        if mnist and self._draws is None and self._mnist_loading is None and self._mnist_error is None:
            self._start_loading_mnist()
        if self.mode() == Mode.PICTURE:
            self.inputStack.setCurrentWidget(self.picturePage)
            self.hintLabel.setText(self.tr(
                "打开一张写有数字的图片：每个数字会被框出并标上识别结果。"))
        elif not mnist:
            self.inputStack.setCurrentWidget(self.canvasPage)
            self.hintLabel.setText(self.tr(
                "用鼠标在黑色画板上写一个数字（0–9）或一串数字，然后点击「识别」或按 Enter。"))
        elif self._draws is not None:
            self.inputStack.setCurrentWidget(self.samplePage)
            self.hintLabel.setText(self.tr("点击「抽取」从 MNIST 测试集随机取一张图片，再点击「识别」。"))
        else:
            self.inputStack.setCurrentWidget(self.mnistStatusPage)
            self.hintLabel.setText(self.tr("MNIST 模式需要 MNIST 数据；手写输入模式照常可用。"))
        self.penPanel.setVisible(self.mode() == Mode.HANDWRITING)
        self.saveButton.setVisible(self.mode() == Mode.PICTURE)
        self.mnistGroup.setVisible(mnist)
        self._clear_result()
        if self.mode() == Mode.PICTURE and self.pictureView.picture() is not None:
            self._show_picture_reading()
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
        mode = self.mode()
        mnist_ready = mode == Mode.MNIST and self._draws is not None
        picture_ready = mode == Mode.PICTURE and self.pictureView.picture() is not None
        self.drawButton.setEnabled(mnist_ready)
        self.undoButton.setEnabled(mode == Mode.HANDWRITING and not self.canvas.is_empty())
        self.recognizeButton.setEnabled(self._recognizer is not None and (
            mnist_ready or picture_ready or mode == Mode.HANDWRITING))
        self.saveButton.setEnabled(picture_ready and self.pictureView.reading() is not None)
        self.scoreButton.setEnabled(mnist_ready and self._recognizer is not None and not self._scoring.running())

    def reading_ahead(self) -> bool:
        """Whether the drawing is still to be read since its last stroke (see :meth:`_read_ahead`)."""
        return self._read_ahead_timer.isActive()

    def _read_ahead(self) -> None:
        """Read the drawing as it stands and keep what was read (``reading_memo``), between strokes, so that
        识别 then costs only the ink drawn since: a touching 8-digit number about 10 ms instead of 60
        (``python -m bench.numbers_speed``). Nothing is shown; a stroke being drawn waits for its end, and a
        failure is left for 识别 to report."""
        if (self._recognizer is None or self.mode() != Mode.HANDWRITING or self.canvas.is_empty()
                or self.canvas.is_drawing()):
            return
        try:
            read_number(self._recognizer, qimage_to_pil(self.canvas.to_image()), canvas=True, memo=self.reading_memo)
        except Exception:                # noqa: BLE001 (the user asked for nothing yet)
            log.debug("reading ahead failed", exc_info=True)

    def _recognize_drawing(self) -> None:
        self._read_ahead_timer.stop()
        if self.canvas.is_empty():
            self._show_prompt(self.tr("画板是空的：请先用鼠标写一个数字。"))
            return
        start = time.perf_counter()
        image = qimage_to_pil(self.canvas.to_image())
        reading, pieces = read_number_with_pieces(self._recognizer, image, canvas=True, memo=self.reading_memo)
        self._show_time(start)
        self._read_image = image
        if not reading.digits or not pieces.present.any():
            self._show_prompt(self._texture_text() if reading.capped else
                              self.tr("画板上没有看得出的笔迹：请把数字写大一些。"))
            return
        self.canvas.show_reading(reading)
        self._show_number(reading, pieces)

    @guarded_slot(object)
    def _picture_read(self, read: ReadPicture) -> None:
        self._picture_name = read.name
        self._picture_image = read.image
        self.pictureView.set_picture(read.picture, read.width)
        self.pictureView.set_reading(read.reading)
        self._picture_pieces = read.pieces
        self._show_picture_reading()
        self._update_buttons()
        self.piece_shown.emit()
        self.picture_finished.emit()

    @guarded_slot(object)
    def _picture_failed(self, error: Exception) -> None:
        self.picture_finished.emit()
        self.pictureView.set_placeholder(str(error) if isinstance(error, ImageFileError) else
                                         self.tr("无法读取这张图片：{error}").format(error=error))
        self._update_buttons()
        if not isinstance(error, (ImageFileError, MemoryError)):
            raise error

    def _reread_picture(self) -> None:
        """Read the shown picture again (e.g. with other weights)."""
        picture = self.pictureView.picture()
        if picture is None:
            self._show_prompt(self.tr("请先打开一张图片（Ctrl+O）。"))
        elif self.pictureView.reading() is None or self._picture_pieces is None:
            self.open_picture(picture)
        else:
            self._show_picture_reading()

    def _texture_text(self) -> str:
        return self.tr("这看起来像纹理或噪点，不像书写：没有读出数字。")

    def _show_picture_reading(self) -> None:
        reading = self.pictureView.reading()
        if reading is None or self._picture_pieces is None:
            self._show_prompt(self.tr("没有加载网络权重，无法识别。") if self._recognizer is None else "")
        elif not reading.digits:
            self._show_prompt(self._texture_text() if reading.capped else self.tr("图片里没有找到数字。"))
        else:
            self._read_image = self._picture_image
            self._show_number(reading, self._picture_pieces)

    def _show_number(self, reading: NumberReading, pieces: Recognitions) -> None:
        """Show the number read and, in the bars, its least certain piece (the others one click away)."""
        self._reading, self._pieces = reading, pieces
        text = reading.text or "?"
        points = DIGIT_POINTS[0] if len(text) <= 1 else DIGIT_POINTS[1] if len(text) <= 4 else DIGIT_POINTS[2]
        font = self.digitLabel.font()
        font.setPointSize(points)
        self.digitLabel.setFont(font)
        self.digitLabel.setText(text)
        self._show_piece(int(np.argmin(pieces.confidence)) if len(reading.digits) > 1 else 0)

    def _current_sample(self) -> Image.Image | None:
        """The answer shown, as an image to keep as a sample: the whole drawing or picture when it holds
        one piece, else the shown piece's box with a margin; None when there is no answer to correct."""
        image = self._read_image
        if self._reading is None or not self._reading.digits or image is None or self.mode() == Mode.MNIST:
            return None
        if len(self._reading.digits) == 1:
            return image
        x0, y0, x1, y1 = self._reading.digits[self._piece].box
        margin = round(SAMPLE_MARGIN * max(x1 - x0, y1 - y0))
        return image.crop((max(0, x0 - margin), max(0, y0 - margin),
                           min(image.width, x1 + margin), min(image.height, y1 + margin)))

    def _show_piece(self, index: int) -> None:
        """Bars, network input and verdict of piece ``index`` of the number shown."""
        if self._reading is None or not self._reading.digits:
            return
        count = len(self._reading.digits)
        self._piece = index % count
        result = self._pieces[self._piece]
        self._enable_corrections()
        self.piece_shown.emit()
        self.probabilityBars.set_probabilities(result.probs, result.digit)
        self.networkInputView.set_pixels(result.input_image)
        several = count > 1
        for widget in (self.previousPieceButton, self.nextPieceButton, self.pieceLabel):
            widget.setVisible(several)
        if not several:
            self.digitLabel.setText("?" if result.verdict == "not_digit" else str(result.digit))
            self.confidenceLabel.setText(self.tr("置信度 {percent:.1f}%").format(percent=100 * result.confidence))
            self._set_verdict(self._verdict_text(result), WRONG_STYLE)
            return
        self.pieceLabel.setText(f"{self._piece + 1}/{count}")
        self.confidenceLabel.setText(self.tr("第 {k} 块是 {digit}\n置信度 {percent:.1f}%").format(
            k=self._piece + 1, digit="?" if result.verdict == "not_digit" else result.digit,
            percent=100 * result.confidence))
        notes = [self._verdict_text(result)]
        left_out = sum(piece.verdict == "not_digit" for piece in self._reading.digits)
        if left_out:
            notes.append(self.tr("有 {n} 块不像数字（灰色虚线框），没有算进数字里。").format(n=left_out))
        if self._reading.capped:
            notes.append(self.tr("笔迹块太多，只读了前 {n} 块。").format(n=count))
        self._set_verdict("\n".join(note for note in notes if note), WRONG_STYLE)

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
        self._show_time(start)
        return result

    def _show_time(self, start: float) -> None:
        self.statusbar.showMessage(self.tr("识别用时 {ms:.1f} 毫秒").format(
            ms=1000 * (time.perf_counter() - start)))

    def _show_recognition(self, result: Recognition) -> None:
        font = self.digitLabel.font()
        font.setPointSize(DIGIT_POINTS[0])
        self.digitLabel.setFont(font)
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

    def _enable_corrections(self) -> None:
        can = self._reading is not None and bool(self._reading.digits) and self.mode() != Mode.MNIST
        for button in self.personal.correct_buttons:
            button.setEnabled(can)

    def _clear_result(self) -> None:
        self._reading = self._pieces = None
        self._enable_corrections()
        for widget in (self.previousPieceButton, self.nextPieceButton, self.pieceLabel):
            widget.setVisible(False)
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

