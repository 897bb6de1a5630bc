"""Make docs/inside.png: the network view of a handwritten 3 drawn by mouse events.

Run it on a real X server so that fonts render natively, e.g.
    Xvfb :99 -screen 0 1400x1000x24 &
    DISPLAY=:99 python -m bench.screenshot_inside [--weights PATH] [--lang zh|en] [--out docs/inside.png]
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
from hdr_gui.inside_view import InsideWindow

SIZE = (1320, 960)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "inside.png")
    args = parser.parse_args()
    if not (args.weights or DEFAULT_WEIGHTS).is_file():
        sys.exit(f"{args.weights or DEFAULT_WEIGHTS} not found: train or restore the weights first.")

    app = create_application()
    window = start(weights=args.weights, lang=args.lang)
    for _ in range(10):
        app.processEvents()
    drag_strokes(window.canvas, THREE)
    window.recognize()
    window.show_inside()
    view = window.findChild(InsideWindow)
    view.resize(*SIZE)
    view.refresh()
    for _ in range(10):
        app.processEvents()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not view.grab().save(str(args.out)):
        sys.exit(f"could not write {args.out}")
    inside = view.inside()
    print(f"{args.out}: the view answers {inside.winner} ({100 * inside.probs[inside.winner]:.1f} %), "
          f"the main window {window.digitLabel.text()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
