"""GUI latency, measured offscreen with the shipped (or given) weights.

Prints, one per line:
    window_shown        process start (before Qt is imported) -> first paint of the main window
    recognition_median  drawn digit -> recognised -> window repainted (median and max of --runs)
    network_median      the part of it spent inside Recognizer.recognize (preprocessing + network)
    mnist_load_ui_block_max  longest event-loop block while switching to MNIST mode and
                        reading the test set (in a worker thread)
    score_ui_block_max  longest event-loop block during "Score 100 draws"

Usage: python -m bench.gui_latency [--weights PATH] [--data-dir DIR] [--runs N]
On a busy machine, compare with OPENBLAS_NUM_THREADS=1: multi-threaded BLAS makes these
tiny inferences wait for busy cores.
"""
from __future__ import annotations

import time

START = time.perf_counter()

import argparse
import itertools
import os
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PyQt5.QtCore import QEvent, QObject, QTimer
from PyQt5.QtWidgets import QApplication

from bench.gui_drawing import THREE, drag_strokes
from cnn_numpy.paths import DEFAULT_WEIGHTS
from cnn_numpy.recognition.recognizer import Recognitions, Recognizer
from hdr_gui.app import create_application, start
from hdr_gui.main_window import MainWindow, Mode


class FirstPaint(QObject):
    """Records when the main window is first painted."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.at is None and event.type() == QEvent.Paint and isinstance(watched, MainWindow):
            self.at = time.perf_counter()
        return False


class TimedRecognizer:
    """A Recognizer that records how long each recognize_images() call takes."""

    def __init__(self, inner: Recognizer) -> None:
        self._inner = inner
        self.seconds: list[float] = []

    def recognize_images(self, images: list[Image.Image]) -> Recognitions:
        begin = time.perf_counter()
        result = self._inner.recognize_images(images)
        self.seconds.append(time.perf_counter() - begin)
        return result

    def recognize_inputs(self, x):
        return self._inner.recognize_inputs(x)


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    weights = args.weights or DEFAULT_WEIGHTS
    if not weights.is_file():
        sys.exit(f"{weights} not found: train or restore the weights first.")

    app = create_application()
    first_paint = FirstPaint()
    app.installEventFilter(first_paint)
    window = start(weights=args.weights, data_dir=args.data_dir, lang="zh")
    while first_paint.at is None:
        app.processEvents()
    print(f"window_shown: {ms(first_paint.at - START)}")

    timed = TimedRecognizer(Recognizer.from_weights(args.weights))
    window.set_recognizer(timed)
    drag_strokes(window.canvas, THREE)
    app.processEvents()
    times = []
    for _ in range(args.runs):
        begin = time.perf_counter()
        window.recognize()
        window.repaint()
        times.append(time.perf_counter() - begin)
    print(f"recognition_median: {ms(statistics.median(times))}")
    print(f"recognition_max: {ms(max(times))}")
    print(f"network_median: {ms(statistics.median(timed.seconds))}")
    print(f"recognised_digit: {window.digitLabel.text()} (drawn: 3)")

    loaded = []
    window.mnist_load_finished.connect(lambda: loaded.append(True))
    block = longest_block(app, lambda: window.modeCombo.setCurrentIndex(Mode.MNIST), lambda: bool(loaded))
    print(f"mnist_load_ui_block_max: {ms(block)}")
    if window.scoreButton.isEnabled():
        block = longest_block(app, window.scoreButton.click, lambda: window.scoreTable.rowCount() == 11)
        print(f"score_ui_block_max: {ms(block)}")
    return 0


def longest_block(app: QApplication, action: Callable[[], object], done: Callable[[], bool]) -> float:
    """Run `action` and the event loop until `done()`; the longest gap between two beats of
    a 0-ms heartbeat timer, i.e. the longest time the window could not react."""
    beats = [time.perf_counter()]
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start(0)
    action()
    while not done():
        app.processEvents()
    heartbeat.stop()
    beats.append(time.perf_counter())
    return max(b - a for a, b in itertools.pairwise(beats))


if __name__ == "__main__":
    sys.exit(main())
