"""The network view (hdr_gui/inside/view.py), offscreen: it follows the drawing and the MNIST sample,
debounced; filters answer hover and clicks; it survives resizing and mode switches; it speaks English."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from PyQt5.QtCore import QEvent, QPointF, Qt
from PyQt5.QtGui import QMouseEvent
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication

from bench.gui_drawing import THREE, drag_strokes
from cnn_numpy.nn.convnet import SimpleConvNet
from cnn_numpy.recognition.calibration import Calibration
from cnn_numpy.recognition.preprocess import preprocess
from cnn_numpy.recognition.recognizer import Recognizer
from hdr_gui.main_window import MainWindow, Mode
from hdr_gui.qimage_pil import qimage_to_pil

SEVEN = [[(0.28, 0.22), (0.45, 0.22), (0.72, 0.22), (0.62, 0.45), (0.52, 0.65), (0.45, 0.85)]]
ZERO = [[(0.5 + 0.2 * math.sin(2 * math.pi * i / 24), 0.5 - 0.3 * math.cos(2 * math.pi * i / 24)) for i in range(25)]]
LOG = [{"epoch": e, "train_loss": 1 / e, "train_acc": 1 - 0.1 / e, "val_loss": None, "val_acc": None,
        "lr": 1e-3 / e} for e in range(1, 6)]


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> Recognizer:
    """The shipped architecture with random weights, calibrated, its training log beside its (unwritten) file."""
    folder = tmp_path_factory.mktemp("weights")
    (folder / "training_log.json").write_text(json.dumps(LOG))
    return Recognizer(SimpleConvNet(seed=0), calibration=Calibration(temperature=1.5),
                      weights_path=folder / "simple_convnet.npz")


def synthetic_mnist(split: str) -> tuple[np.ndarray, np.ndarray]:
    images = np.zeros((10, 28, 28), np.uint8)
    for i in range(10):
        images[i, 4:24, 6 + i:10 + i] = 255
    return images, np.arange(10, dtype=np.uint8)


@pytest.fixture
def open_view(qtbot):
    """``open_view(recognizer, lang, strokes)``: the main window, strokes drawn, and its network view opened."""
    def make(recognizer, lang="zh", strokes=()):
        window = MainWindow(recognizer=recognizer, mnist_loader=synthetic_mnist, lang=lang,
                            rng=np.random.default_rng(0))
        qtbot.addWidget(window)
        window.show()
        if strokes:
            drag_strokes(window.canvas, strokes)
        qtbot.mouseClick(window.insideButton, Qt.LeftButton)
        view = window._inside
        assert view.isVisible()
        return window, view
    return make


def hover(widget, point) -> None:
    QApplication.sendEvent(widget, QMouseEvent(QEvent.MouseMove, QPointF(point), Qt.NoButton, Qt.NoButton,
                                               Qt.NoModifier))


def test_inside_shows_every_stage_of_the_drawing(open_view, network):
    window, view = open_view(network, strokes=THREE)
    inside = view.inside()
    x = preprocess(qimage_to_pil(window.canvas.to_image()))
    np.testing.assert_array_equal(inside.input, x)
    np.testing.assert_array_equal(inside.logits, network.net.forward(x[None, None])[0])
    answer = network.recognize_images([qimage_to_pil(window.canvas.to_image())])
    np.testing.assert_allclose(inside.probs, answer.probs[0], rtol=1e-5, atol=1e-7)
    assert view.filterGrid.count() == view.mapGrid.count() == view.poolGrid.count() == 30
    assert view.hiddenView.image().size().width() == 32 and view.inputView.image().width() == 28
    assert "(1,\u00a030,\u00a024,\u00a024)" in view.convShape.text()
    assert "(1,\u00a030,\u00a012,\u00a012)" in view.poolShape.text() and "4320" in view.poolShape.text()
    assert "(1,\u00a01024)" in view.hiddenShape.text() and "T = 1.50" in view.outputShape.text()
    assert "(1,\u00a01,\u00a028,\u00a028)" in view.inputShape.text()
    for bar in (view.inputBar, view.filterBar, view.mapBar, view.poolBar, view.hiddenBar, view.saliencyBar):
        assert bar.scale() is not None
    limit = float(np.abs(inside.saliency).max())
    assert view.saliencyBar.scale() == pytest.approx((-limit, limit))
    assert view.mapBar.scale() == pytest.approx((0.0, float(inside.conv.max())))
    logits, probs, winner = view.outputBars.outputs()
    assert winner == inside.winner == int(np.argmax(probs))
    top = inside.strongest_units(1)[0]
    assert f"#{top[0]}  {top[1]:.2f}" in view.strongestLabel.text()
    assert len(view.historyPlot.figure.axes) == 3 and "training_log.json" in view.historySource.text()


def test_inside_updates_once_after_the_drawing_settles(open_view, network, qtbot):
    window, view = open_view(network)
    assert view.inside() is None and "写一个数字" in view.statusLabel.text()
    refreshes = []
    view.refreshed.connect(lambda: refreshes.append(view.inside()))
    with qtbot.waitSignal(view.refreshed, timeout=3000):
        drag_strokes(window.canvas, SEVEN)           # dozens of changes, one refresh
        assert view.pending() and view.inside() is None
    assert len(refreshes) == 1 and refreshes[0] is not None and not view.pending()
    assert not view.statusLabel.isVisible()
    with qtbot.waitSignal(view.refreshed, timeout=3000):
        qtbot.mouseClick(window.clearButton, Qt.LeftButton)     # clearing the canvas empties the view
    assert view.inside() is None and view.filterGrid.count() == 0 and view.mapBar.scale() is None


def test_inside_closed_computes_nothing(open_view, network, qtbot):
    window, view = open_view(network)
    view.close()
    drag_strokes(window.canvas, SEVEN)
    assert not view.pending() and view.inside() is None
    window.show_inside()                              # reopened: shows the drawing at once
    assert view.inside() is not None


def test_inside_follows_mnist_samples_and_mode_switches(open_view, network, qtbot):
    window, view = open_view(network, strokes=ZERO)
    drawn = view.inside().input
    with qtbot.waitSignal(window.mnist_load_finished), qtbot.waitSignal(view.refreshed, timeout=3000):
        window.modeCombo.setCurrentIndex(Mode.MNIST)
    assert view.inside() is None and "抽取" in view.statusLabel.text()
    assert "MNIST" in view.followLabel.text()
    with qtbot.waitSignal(view.refreshed, timeout=3000):
        qtbot.mouseClick(window.drawButton, Qt.LeftButton)
    np.testing.assert_array_equal(view.inside().input, window.sampleView.pixels())
    with qtbot.waitSignal(view.refreshed, timeout=3000):
        window.modeCombo.setCurrentIndex(Mode.HANDWRITING)
    np.testing.assert_array_equal(view.inside().input, drawn)


def test_inside_hovering_and_clicking_a_filter_shows_its_map_and_weights(open_view, network):
    _, view = open_view(network, strokes=THREE)
    inside = view.inside()
    strongest = int(np.argmax(inside.conv.max(axis=(1, 2))))
    assert view.focused_filter() == strongest and view.mapGrid.highlight() == strongest
    hover(view.filterGrid, view.filterGrid.cell_rect(4).center())
    assert view.focused_filter() == 4
    assert view.mapGrid.highlight() == view.poolGrid.highlight() == view.filterGrid.highlight() == 4
    shown = [[view.weightTable.item(r, c).text() for c in range(5)] for r in range(5)]
    assert shown == [[f"{w:+.2f}".replace("-", "−") for w in row] for row in inside.filters[4]]
    assert "#4" in view.filterDetail.text() and f"{inside.biases[4]:+.3f}" in view.filterDetail.text()
    QApplication.sendEvent(view.filterGrid, QEvent(QEvent.Leave))
    assert view.focused_filter() == strongest
    hover(view.mapGrid, view.mapGrid.cell_rect(9).center())            # a map points back at its filter
    assert view.filterGrid.highlight() == 9
    QApplication.sendEvent(view.mapGrid, QEvent(QEvent.Leave))
    QTest.mouseClick(view.filterGrid, Qt.LeftButton, Qt.NoModifier, view.filterGrid.cell_rect(7).center())
    QApplication.sendEvent(view.filterGrid, QEvent(QEvent.Leave))
    assert view.focused_filter() == 7 and view.mapGrid.highlight() == 7   # a click sticks
    QTest.mouseClick(view.filterGrid, Qt.LeftButton, Qt.NoModifier, view.filterGrid.cell_rect(7).center())
    QApplication.sendEvent(view.filterGrid, QEvent(QEvent.Leave))
    assert view.focused_filter() == strongest                            # a second click lets go


def test_inside_hidden_unit_under_the_mouse_is_named(open_view, network):
    _, view = open_view(network, strokes=THREE)
    hover(view.hiddenView, view.hiddenView.cell_rect(33).center())
    assert view.unitLabel.text() == f"单元 #33：{view.inside().hidden[33]:.3f}"


@pytest.mark.parametrize("size", [(640, 420), (1900, 1300)])
def test_inside_resizing_keeps_every_map_inside_its_widget(open_view, network, qtbot, size):
    window, view = open_view(network, strokes=THREE)
    before = view.mapGrid.cell_rect(0).width()
    view.resize(*size)
    qtbot.waitUntil(lambda: view.size().width() == size[0])
    view.grab()                                                          # paints everything at the new size
    after = view.mapGrid.cell_rect(0).width()
    assert (after > before) if size[0] > 1320 else (after <= before)
    for grid in (view.filterGrid, view.mapGrid, view.poolGrid):
        assert all(grid.rect().contains(grid.cell_rect(i)) for i in range(grid.count()))
    window.resize(window.width() + 200, window.height() + 100)          # the main window too, view open
    with qtbot.waitSignal(view.refreshed, timeout=3000):
        drag_strokes(window.canvas, SEVEN)
    assert view.inside() is not None


def test_inside_english_texts(open_view, network, qtbot):
    window, view = open_view(network, lang="en", strokes=THREE)
    assert window.insideButton.text() == "Look inside…"
    assert view.windowTitle() == "Inside the network: what every layer sees"
    assert view.inputGroup.title() == "1 · Input 28×28"
    assert view.convGroup.title() == "2 · Convolution + ReLU"
    assert view.poolGroup.title() == "3 · MaxPooling 2×2"
    assert view.hiddenGroup.title() == "4 · Hidden layer: Affine + ReLU"
    assert view.outputGroup.title() == "5 · Output: Affine + Softmax"
    assert view.whyGroup.title() == "6 · Why this answer"
    assert view.historyGroup.title() == "7 · Training history"
    assert view.followLabel.text().startswith("Follows “Mouse handwriting” in the main window")
    assert view.strongestLabel.text().startswith("The 5 strongest:")
    assert view.whyText.text().startswith(f"The gradient of digit {view.inside().winner}’s logit")
    assert [ax.get_title() for ax in view.historyPlot.figure.axes] == ["Loss (cross-entropy)",
                                                                       "Accuracy", "Learning rate"]
    with qtbot.waitSignal(view.refreshed, timeout=3000):
        qtbot.mouseClick(window.clearButton, Qt.LeftButton)
    assert view.statusLabel.text().startswith("Write a digit on the main window's canvas")


def test_inside_without_weights_or_training_log_says_so(open_view, network):
    _, view = open_view(None, strokes=SEVEN)
    assert view.inside() is None and "权重" in view.statusLabel.text()
    in_memory = Recognizer(network.net)
    _, view = open_view(in_memory, strokes=SEVEN)
    assert view.inside() is not None and view.historyPlot.curves() is None
    assert "没有训练记录" in view.historySource.text()


@pytest.mark.needs_weights
def test_inside_with_the_shipped_weights_reads_a_drawn_seven(open_view, recognizer):
    window, view = open_view(recognizer, strokes=SEVEN)
    answer = recognizer.recognize_images([qimage_to_pil(window.canvas.to_image())])[0]
    assert view.inside().winner == answer.digit == 7
    np.testing.assert_allclose(view.inside().probs, answer.probs, rtol=1e-5, atol=1e-7)
    assert view.historyPlot.curves() is not None
