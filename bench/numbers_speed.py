"""Speed of reading numbers (``cnn_numpy.recognition.numbers.read_number``), against issue 14's targets.

    python -m bench.numbers_speed [--runs 20] [--weights P]

Draws, from the digit templates of bench/predict_throughput.py (no data needed), with the
development set's renderers (cnn_numpy/evaluation/number_sets.py):
    canvas_8_digits   an 8-digit number on the app's canvas (280 px tall, no digits touching), read
                      as the app reads it (target: 30 ms)
    photo_12mp        a 4000x3000 photo of a 6-digit number on paper, saved as JPEG; the time covers
                      opening the file (cnn_numpy.data.image_files.open_image) and reading it
                      (target: 1.5 s)
    canvas_8_touching the same 8 digits drawn TOUCHING_NUMBERS times with at least two touching pairs
                      each (the number reader then cuts candidates and reads them, in up to three
                      rounds; target: 30 ms)
    canvas_8_drawn    the same 8 digits drawn DRAWN_NUMBERS times as the development numbers are
                      (about one neighbouring pair in ten touching, TOUCH), each read as the app
                      reads it: the spread of what a user meets (target: 30 ms), and how many of them
                      took longer than 30 ms
    canvas_8_touching_written
                      the touching numbers written stroke by stroke in the app, which reads the canvas
                      after every stroke and keeps what it read (a ReadingMemo): ``_between_strokes``
                      times each of those reads (the window waits for them), ``_recognise`` the reading
                      when 识别 is pressed after the last stroke (target: 30 ms)
and prints, one per line, ``name_median: T ms`` and ``name_max: T ms`` over --runs runs (the photo:
a quarter as many; the touching numbers: a quarter as many each), then the 1-minute load average,
which says how busy the machine was.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

import cnn_numpy  # noqa: F401  (first: one BLAS thread unless the environment says otherwise)

# isort: split
import numpy as np

from bench.timing import report, timed
from cnn_numpy.data.image_files import open_image
from cnn_numpy.data.templates import TEMPLATES
from cnn_numpy.evaluation.number_sets import canvas_number, canvas_strokes, paper_number
from cnn_numpy.recognition.numbers import read_number
from cnn_numpy.recognition.reading_memo import ReadingMemo
from cnn_numpy.recognition.recognizer import Recognizer

CANVAS_DIGITS = "20261948"
PHOTO_DIGITS = "731084"
PHOTO_SIZE = (4000, 3000)
TOUCHING_NUMBERS = 5
DRAWN_NUMBERS = 20


def strokes_of(text: str) -> list[list[np.ndarray]]:
    """The templates of the digits of ``text`` (unit square, y downward)."""
    return [[s.astype(np.float32) for s in TEMPLATES[int(c)]] for c in text]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--weights", type=Path, default=None)
    args = parser.parse_args()
    recognizer = Recognizer.from_weights(args.weights)
    rng = np.random.default_rng(0)
    touching = 1
    while touching:                               # the first draw with no touching digits
        canvas, touching = canvas_number(strokes_of(CANVAS_DIGITS), 0.8, rng)
    text = read_number(recognizer, canvas).text
    print(f"canvas: {canvas.width}x{canvas.height}, {CANVAS_DIGITS} read as {text or '(nothing)'}")
    report("canvas_8_digits", timed(lambda: read_number(recognizer, canvas), args.runs, warm_up=True))
    photo, _ = paper_number(strokes_of(PHOTO_DIGITS), 0.8, rng, PHOTO_SIZE)
    with tempfile.TemporaryDirectory(prefix="numbers_bench_") as tmp:
        path = Path(tmp) / "photo.jpg"
        photo.convert("RGB").save(path, quality=90)
        text = read_number(recognizer, open_image(path)).text
        print(f"photo: {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG, {PHOTO_DIGITS} read as {text or '(nothing)'}")
        report("photo_12mp", timed(lambda: read_number(recognizer, open_image(path)), max(1, args.runs // 4)))
    written: list = []
    while len(written) < TOUCHING_NUMBERS:
        number = canvas_strokes(strokes_of(CANVAS_DIGITS), 0.8, rng, touch=0.4)
        if number.touching >= 2:
            written.append(number)
    touching_numbers = [number.draw() for number in written]
    texts = [read_number(recognizer, image).text or "(nothing)" for image in touching_numbers]
    print(f"touching: {CANVAS_DIGITS} read as {', '.join(texts)}")
    report("canvas_8_touching", [t for image in touching_numbers
                                 for t in timed(lambda: read_number(recognizer, image), max(1, args.runs // 4))])
    between, recognise = [], []
    for number in written:
        stages = [number.draw(count) for count in range(1, len(number.strokes) + 1)]
        for _ in range(max(1, args.runs // 4)):
            memo = ReadingMemo()
            for image in stages:
                between += timed(lambda: read_number(recognizer, image, canvas=True, memo=memo), 1)
            recognise += timed(lambda: read_number(recognizer, stages[-1], canvas=True, memo=memo), 1)
    report("canvas_8_touching_written_between_strokes", between)
    report("canvas_8_touching_written_recognise", recognise)
    drawn = [canvas_number(strokes_of(CANVAS_DIGITS), 0.8, rng)[0] for _ in range(DRAWN_NUMBERS)]
    times = [timed(lambda: read_number(recognizer, image), max(1, args.runs // 4)) for image in drawn]
    report("canvas_8_drawn", [t for ts in times for t in ts])
    slow = sum(statistics.median(ts) > 0.030 for ts in times)
    print(f"canvas_8_drawn_over_30ms: {slow} of {DRAWN_NUMBERS} numbers (their median)")
    print(f"load_average: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
