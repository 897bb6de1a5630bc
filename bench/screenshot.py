"""Make docs/screenshot.png: the app with a handwritten 3 drawn by mouse events and recognised;
with --inside, docs/inside.png: the network view of that 3; with --scene number, "2026" written
on the canvas (docs/number.png); with --scene picture, a photo-like picture of "2026" written in
blue ink on unevenly lit paper, opened and read (docs/picture.png); with --scene letter, a capital A
drawn on the canvas, which is not a digit (docs/not_a_digit.png).

Run it on a real X server so that fonts render natively, e.g.
    Xvfb :99 -screen 0 1280x900x24 &
    DISPLAY=:99 python -m bench.screenshot [--weights PATH] [--lang zh|en] [--inside]
                                           [--scene digit|number|picture|letter] [--out PNG]
Without DISPLAY it uses Qt's offscreen platform. The user's data folder is a temporary one.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="hdr-screenshot-")   # no personal weights

import cnn_numpy  # noqa: F401  (first: sets the one-BLAS-thread default before NumPy loads)

# isort: split
import numpy as np
from PIL import Image, ImageFilter

from bench.gui_drawing import LETTER_A, THREE, drag_strokes, number
from cnn_numpy.data.strokes import draw_strokes
from cnn_numpy.paths import DEFAULT_WEIGHTS, REPO_ROOT
from hdr_gui.app import create_application, start
from hdr_gui.inside.view import InsideWindow

INSIDE_SIZE = (1320, 960)
DEFAULT_OUT = {"digit": "screenshot", "number": "number", "picture": "picture", "letter": "not_a_digit"}


def paper_photo(path: Path, text: str = "2026", height: int = 900) -> Path:
    """A photo-like JPEG of ``text``: blue ink on paper lit from the top left, a soft shadow, noise."""
    width = 2 * height
    strokes = [np.asarray(stroke, np.float32) * height for stroke in number(text)]
    ink = np.asarray(draw_strokes(strokes, 0.035 * height, size=width, height=height), np.float32) / 255
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 235 - 40 * (xx / width) - 25 * (yy / height) - 35 * np.exp(-((xx - 0.8 * width) ** 2) / (0.02 * width ** 2))
    paper = np.stack([light, light * 0.98, light * 0.93], axis=-1)
    blue = np.array([30, 45, 120], np.float32)
    pixels = paper * (1 - ink[..., None]) + blue * ink[..., None]
    pixels += np.random.default_rng(0).normal(0, 4, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB").filter(ImageFilter.GaussianBlur(1.2))
    image.save(path, quality=85)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--inside", action="store_true", help="the network view instead of the main window")
    parser.add_argument("--scene", choices=tuple(DEFAULT_OUT), default="digit",
                        help="a drawn 3, a number written on the canvas, an opened photo of a number, or a "
                             "letter A drawn on the canvas")
    parser.add_argument("--out", type=Path, default=None,
                        help="default: docs/screenshot.png, docs/number.png, docs/picture.png or docs/inside.png")
    args = parser.parse_args()
    if not (args.weights or DEFAULT_WEIGHTS).is_file():
        sys.exit(f"{args.weights or DEFAULT_WEIGHTS} not found: train or restore the weights first.")

    app = create_application()
    window = start(weights=args.weights, lang=args.lang)
    for _ in range(10):
        app.processEvents()
    if args.scene == "picture":
        done = []
        window.picture_finished.connect(lambda: done.append(True))
        window.open_picture(paper_photo(Path(tempfile.mkdtemp()) / "2026.jpg"))
        while not done:
            app.processEvents()
    else:
        if args.scene == "number":
            window.penWidthSlider.setValue(12)
        drag_strokes(window.canvas, {"digit": THREE, "letter": LETTER_A}.get(args.scene) or number("2026"))
        window.recognize()
        window.recognize()          # the status bar shows the time of a warm answer
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
    name = "inside" if args.inside else DEFAULT_OUT[args.scene]
    suffix = "_en" if args.lang == "en" and args.scene not in ("digit", "letter") else ""
    out = args.out or REPO_ROOT / "docs" / f"{name}{suffix}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not shown.grab().save(str(out)):
        sys.exit(f"could not write {out}")
    print(f"{out}: recognised {window.digitLabel.text()} ({window.confidenceLabel.text()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
