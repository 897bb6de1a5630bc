"""Network view latency, measured offscreen with the shipped (or given) weights.

Prints, one per line (median and max of --runs):
    recognition_closed  drawn digit -> recognised -> main window repainted, network view closed
    recognition_open    the same with the network view open (it waits for the drawing to settle);
                        closed and open take turns, ROUNDS times
    inside              the view's refresh: preprocessing, Recognizer.look_inside, every stage drawn, repainted
    look_inside         the part of it inside Recognizer.look_inside (forward and backward pass)

Usage: python -m bench.inside_latency [--weights PATH] [--runs N]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.gui_drawing import THREE, drag_strokes
from bench.timing import report, timed
from cnn_numpy.paths import DEFAULT_WEIGHTS
from cnn_numpy.recognition.recognizer import Recognizer
from hdr_gui.app import create_application, start
from hdr_gui.inside.view import InsideWindow

ROUNDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    if not (args.weights or DEFAULT_WEIGHTS).is_file():
        sys.exit(f"{args.weights or DEFAULT_WEIGHTS} not found: train or restore the weights first.")

    app = create_application()
    window = start(weights=args.weights, lang="zh")
    app.processEvents()
    drag_strokes(window.canvas, THREE)

    def recognise() -> None:
        window.recognize()
        window.repaint()

    window.show_inside()
    view = window.findChild(InsideWindow)
    view.resize(1320, 960)
    app.processEvents()
    closed, opened = [], []
    for _ in range(ROUNDS):            # taking turns, so that both see the same machine load
        view.hide()
        closed += timed(recognise, args.runs // ROUNDS)
        view.show()
        app.processEvents()
        opened += timed(recognise, args.runs // ROUNDS)
    report("recognition_closed", closed)
    report("recognition_open", opened)

    def refresh() -> None:
        view.refresh()
        view.repaint()

    report("inside", timed(refresh, args.runs))
    recognizer: Recognizer = window.recognizer()
    x = view.inside().input
    report("look_inside", timed(lambda: recognizer.look_inside(x), args.runs))
    print(f"recognised_digit: {window.digitLabel.text()}, view's answer: {view.inside().winner} (drawn: 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
