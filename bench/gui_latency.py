"""GUI latency, measured offscreen with the shipped (or given) weights.

Prints, one per line:
    window_shown        process start (before Qt is imported) -> first paint of the main window
    recognition_first   drawn digit -> recognised -> window repainted, the first time after start
    recognition_median  the same, median and max of the --runs that follow
    network_median      the part of it spent in network passes (Recognizer.recognize_inputs)
    number_first        the same for an 8-digit number drawn on the canvas (first, median and max), each
                        read afresh (the reading memo emptied)
    number_written_recognise  the same number written stroke by stroke as a user does, the app reading the
                        canvas between strokes and keeping what it read: 识别 after the last stroke (median
                        and max of 5), and number_written_ui_block_max, the longest event-loop block while
                        writing
    mnist_load_ui_block_max  longest event-loop block while switching to MNIST mode and
                        reading the test set (in a worker thread)
    score_ui_block_max  longest event-loop block during "Score 100 draws"
    photo_seconds, photo_ui_block_max   opening a 12-megapixel photo of a number (JPEG): until it is
                        shown read, and the longest event-loop block meanwhile
    learn_seconds, learn_ui_block_max   "Learn my samples" on 20 samples (2 per digit)

The user's data folder (samples, personal weights) is a temporary one.

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
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="hdr-bench-")    # a fresh user data folder

import cnn_numpy  # noqa: F401  (first: sets the one-BLAS-thread default before NumPy loads)

# isort: split
import numpy as np
from PIL import Image, ImageDraw
from PyQt5.QtCore import QEvent, QObject, QTimer
from PyQt5.QtWidgets import QApplication

from bench.gui_drawing import THREE, drag_strokes
from bench.timing import timed
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


class TimedRecognizer(Recognizer):
    """A Recognizer that records how long each network pass (recognize_inputs) takes."""

    def __init__(self, inner: Recognizer) -> None:
        super().__init__(inner.net, inner.metadata, inner.calibration, inner.weights_path)
        self.seconds: list[float] = []

    def recognize_inputs(self, inputs, known=None) -> Recognitions:
        begin = time.perf_counter()
        result = super().recognize_inputs(inputs, known)
        self.seconds.append(time.perf_counter() - begin)
        return result


def number_strokes(digits: int = 8) -> list:
    """An 8-digit number in the canvas's units (height 1, width 2): the drawn 3 and a 1, alternating, small."""
    one = [[(0.5, 0.15 + 0.1 * i) for i in range(8)]]
    strokes = []
    for i in range(digits):
        shape = THREE if i % 2 == 0 else one
        strokes += [[(0.1 + 0.23 * i + 0.4 * (x - 0.5), 0.25 + 0.45 * y) for x, y in stroke] for stroke in shape]
    return strokes


def photo(path: Path, width: int = 4000, height: int = 3000) -> Path:
    """A 12-megapixel JPEG of '2026'-like marks: dark ink on unevenly lit paper."""
    light = (np.linspace(230, 170, width, dtype=np.float32)[None, :]
             - np.linspace(0, 30, height, dtype=np.float32)[:, None])
    image = Image.fromarray(light.astype(np.uint8), "L").convert("RGB")
    pen = ImageDraw.Draw(image)
    for i in range(4):
        x = 700 + 700 * i
        pen.ellipse([x, 1000, x + 400, 2000], outline=(25, 25, 40), width=60) if i % 2 else \
            pen.line([(x + 200, 1000), (x + 200, 2000)], fill=(25, 25, 40), width=60)
    image.save(path, quality=90)
    return path


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

    counted = TimedRecognizer(Recognizer.from_weights(args.weights))
    window.set_recognizer(counted)
    drag_strokes(window.canvas, THREE)
    app.processEvents()
    first, *times = timed(lambda: (window.recognize(), window.repaint()), args.runs + 1)
    print(f"recognition_first: {ms(first)}")
    print(f"recognition_median: {ms(statistics.median(times))}")
    print(f"recognition_max: {ms(max(times))}")
    print(f"network_median: {ms(statistics.median(counted.seconds))}")
    print(f"recognised_digit: {window.digitLabel.text()} (drawn: 3)")

    window.canvas.clear()
    drag_strokes(window.canvas, number_strokes())
    first, *times = timed(lambda: (window.reading_memo.clear(), window.recognize(), window.repaint()), args.runs + 1)
    print(f"number_first: {ms(first)}")
    print(f"number_median: {ms(statistics.median(times))}")
    print(f"number_max: {ms(max(times))}")
    print(f"recognised_number: {window.digitLabel.text()} (drawn: 31313131)")
    blocks, times = [], []
    for _ in range(5):
        window.canvas.clear()
        window.reading_memo.clear()
        for stroke in number_strokes():
            blocks.append(longest_block(app, lambda: drag_strokes(window.canvas, [stroke]),
                                        lambda: not window.reading_ahead()))
        times += timed(lambda: (window.recognize(), window.repaint()), 1)
    print(f"number_written_recognise_median: {ms(statistics.median(times))}")
    print(f"number_written_recognise_max: {ms(max(times))}")
    print(f"number_written_ui_block_max: {ms(max(blocks))}")

    with tempfile.TemporaryDirectory() as folder:
        path = photo(Path(folder) / "photo.jpg")
        done = []
        window.picture_finished.connect(lambda: done.append(time.perf_counter()))
        begin = time.perf_counter()
        block = longest_block(app, lambda: window.open_picture(path), lambda: bool(done))
        print(f"photo_seconds: {done[0] - begin:.2f} s (read: {window.digitLabel.text()}, drawn: 1010)")
        print(f"photo_ui_block_max: {ms(block)}")

    window.modeCombo.setCurrentIndex(Mode.HANDWRITING)
    for digit in range(10):
        for _ in range(2):
            window.canvas.clear()
            drag_strokes(window.canvas, THREE)
            window.recognize()
            window.personal.correct(digit)
    begin = time.perf_counter()
    block = longest_block(app, window.learnButton.click, lambda: window.learnButton.isVisible())
    print(f"learn_seconds: {time.perf_counter() - begin:.1f} s ({window.statusbar.currentMessage()})")
    print(f"learn_ui_block_max: {ms(block)}")

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
