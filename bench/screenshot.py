"""Make docs/screenshot.png: the app with a handwritten 3 drawn by mouse events and recognised;
with --inside, docs/inside.png: the network view of that 3.

Run it on a real X server so that fonts render natively, e.g.
    Xvfb :99 -screen 0 1280x900x24 &
    DISPLAY=:99 python -m bench.screenshot [--weights PATH] [--lang zh|en] [--inside] [--out PNG]
Without DISPLAY it uses Qt's offscreen platform.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.gui_drawing import THREE, drag_strokes
from cnn_numpy.paths import DEFAULT_WEIGHTS, REPO_ROOT
from hdr_gui.app import create_application, start
from hdr_gui.inside.view import InsideWindow

INSIDE_SIZE = (1320, 960)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--inside", action="store_true", help="the network view instead of the main window")
    parser.add_argument("--out", type=Path, default=None, help="default: docs/screenshot.png or docs/inside.png")
    args = parser.parse_args()
    if not (args.weights or DEFAULT_WEIGHTS).is_file():
        sys.exit(f"{args.weights or DEFAULT_WEIGHTS} not found: train or restore the weights first.")

    app = create_application()
    window = start(weights=args.weights, lang=args.lang)
    for _ in range(10):
        app.processEvents()
    drag_strokes(window.canvas, THREE)
    window.recognize()
    for _ in range(10):
        app.processEvents()
    shown = window
    if args.inside:
        window.show_inside()
        shown = window.findChild(InsideWindow)
        shown.resize(*INSIDE_SIZE)
        shown.refresh()
        for _ in range(10):
            app.processEvents()
    out = args.out or REPO_ROOT / "docs" / ("inside.png" if args.inside else "screenshot.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    if not shown.grab().save(str(out)):
        sys.exit(f"could not write {out}")
    print(f"{out}: recognised {window.digitLabel.text()} ({window.confidenceLabel.text()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
