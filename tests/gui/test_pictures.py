"""Numbers in the app: several digits on the canvas, and pictures opened, dropped or pasted, each digit
boxed and labelled; the annotated picture saved."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gui_fakes import ONE, ZERO, draw, synthetic_mnist
from PIL import Image, ImageDraw
from PyQt5.QtCore import QMimeData, QPoint, Qt, QUrl
from PyQt5.QtGui import QDropEvent, QImage
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication, QFileDialog

from hdr_gui.main_window import Mode
from hdr_gui.qimage_pil import qimage_to_pil


def shifted(strokes, dx: float):
    return [[(x + dx, y) for x, y in stroke] for stroke in strokes]


def paper_number(path: Path) -> Path:
    """A photo-like picture of '10': dark ink on light, unevenly lit paper."""
    w, h = 420, 220
    light = np.linspace(235, 175, w, dtype=np.float32)[None, :].repeat(h, 0)
    image = Image.fromarray(light.astype(np.uint8), "L").convert("RGB")
    pen = ImageDraw.Draw(image)
    pen.line([(130, 40), (130, 180)], fill=(30, 30, 60), width=12)
    pen.ellipse([220, 40, 310, 180], outline=(30, 30, 60), width=12)
    image.save(path)
    return path


def red_pixels(image: QImage) -> int:
    """How many pixels are the boxes' red."""
    rgb = np.asarray(qimage_to_pil(image).convert("RGB")).astype(int)
    return int(((rgb[..., 0] > 180) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)).sum())


def open_and_wait(qtbot, window, source) -> None:
    with qtbot.waitSignal(window.picture_finished, timeout=10_000):
        window.open_picture(source)


@pytest.mark.needs_weights
def test_canvas_reads_a_number_and_boxes_each_digit(make_window, recognizer, qtbot):
    window = make_window(recognizer)
    draw(window.canvas, shifted(ONE, -0.2) + shifted(ZERO, 0.4))
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert window.digitLabel.text() == "10"
    assert window.pieceLabel.isVisible() and window.pieceLabel.text().endswith("/2")
    assert red_pixels(window.canvas.grab().toImage()) > 100            # boxes drawn over the drawing
    shown = window.shown_piece()
    QTest.mouseClick(window.nextPieceButton, Qt.LeftButton)
    assert window.shown_piece() == (shown + 1) % 2
    draw(window.canvas, [[(1.5, 0.5), (1.6, 0.5)]])                     # drawing again removes the boxes
    assert red_pixels(window.canvas.grab().toImage()) == 0


def test_one_digit_reads_as_before_without_piece_buttons(make_window, fake, qtbot):
    window = make_window(fake)
    draw(window.canvas, ONE)
    qtbot.mouseClick(window.recognizeButton, Qt.LeftButton)
    assert window.digitLabel.text() == "7" and not window.pieceLabel.isVisible()


@pytest.mark.needs_weights
def test_opened_photo_is_shown_boxed_and_read(make_window, recognizer, qtbot, tmp_path):
    window = make_window(recognizer)
    open_and_wait(qtbot, window, paper_number(tmp_path / "ten.png"))
    assert window.mode() == Mode.PICTURE
    assert window.digitLabel.text() == "10"
    assert [piece.box[0] < 180 for piece in window.pictureView.reading().digits] == [True, False]
    assert red_pixels(window.pictureView.grab().toImage()) > 100
    assert window.saveButton.isVisible() and window.saveButton.isEnabled()


@pytest.mark.needs_weights
def test_annotated_picture_is_saved(make_window, recognizer, qtbot, tmp_path, monkeypatch):
    window = make_window(recognizer)
    open_and_wait(qtbot, window, paper_number(tmp_path / "ten.png"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "out"), ""))
    QTest.keyClick(window, Qt.Key_S, Qt.ControlModifier)
    saved = QImage(str(tmp_path / "out.png"))
    assert saved.size() == window.pictureView.picture().size() and red_pixels(saved) > 100


def test_dropped_file_is_opened(make_window, fake, qtbot, tmp_path):
    window = make_window(fake)
    path = paper_number(tmp_path / "drop.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(QPoint(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(window.picture_finished, timeout=10_000):
        window.dropEvent(drop)
    assert window.mode() == Mode.PICTURE and window.pictureView.picture() is not None
    assert window.pictureView.reading() is not None and fake.batches


def test_pasted_image_is_read(make_window, fake, qtbot, tmp_path):
    window = make_window(fake)
    QApplication.clipboard().setImage(QImage(str(paper_number(tmp_path / "paste.png"))))
    with qtbot.waitSignal(window.picture_finished, timeout=10_000):
        QTest.keyClick(window, Qt.Key_V, Qt.ControlModifier)
    assert window.pictureView.picture().width() == 420 and window.pictureView.reading() is not None


def test_clipboard_without_picture_says_so(make_window, fake):
    window = make_window(fake)
    QApplication.clipboard().setText("2026")
    QTest.keyClick(window, Qt.Key_V, Qt.ControlModifier)
    assert "剪贴板里没有图片" in window.verdictLabel.text() and window.mode() == Mode.HANDWRITING


def test_unreadable_file_gets_one_sentence_and_no_crash(make_window, fake, qtbot, tmp_path, message_boxes):
    window = make_window(fake)
    bad = tmp_path / "notes.png"
    bad.write_bytes(b"this is not a picture")
    open_and_wait(qtbot, window, bad)
    text = window.pictureView._placeholder
    assert "notes.png" in text and "\n" not in text.strip() and message_boxes == []
    assert not window.recognizeButton.isEnabled() and window.pictureView.picture() is None


def test_blank_picture_finds_no_digits(make_window, fake, qtbot, tmp_path):
    window = make_window(fake)
    path = tmp_path / "white.png"
    Image.new("L", (300, 200), 255).save(path)
    open_and_wait(qtbot, window, path)
    assert "没有找到数字" in window.verdictLabel.text() and not any(len(batch) for batch in fake.batches)


def test_speckle_picture_is_called_a_texture(make_window, fake, qtbot, tmp_path):
    window = make_window(fake)
    cells = (np.random.default_rng(3).random((60, 100)) < 0.15) * 255
    Image.fromarray(np.kron(cells, np.ones((8, 8))).astype(np.uint8)).save(tmp_path / "speckle.png")
    open_and_wait(qtbot, window, tmp_path / "speckle.png")
    assert "纹理" in window.verdictLabel.text() and not any(len(batch) for batch in fake.batches)


def test_transparent_png_is_shown_and_read(make_window, fake, qtbot, tmp_path):
    window = make_window(fake)
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(100, 30), (100, 170)], fill=(0, 0, 0, 255), width=14)
    image.save(tmp_path / "clear.png")
    open_and_wait(qtbot, window, tmp_path / "clear.png")
    assert window.digitLabel.text() == "7" and len(window.pictureView.reading().digits) == 1


def test_switching_modes_keeps_the_picture(make_window, fake, qtbot, tmp_path):
    window = make_window(fake, loader=synthetic_mnist)
    open_and_wait(qtbot, window, paper_number(tmp_path / "keep.png"))
    window.modeCombo.setCurrentIndex(Mode.HANDWRITING)
    window.modeCombo.setCurrentIndex(Mode.PICTURE)
    assert window.pictureView.picture() is not None and window.digitLabel.text() != ""
