"""Tiny pen-stroke data files for the tests, in the formats of the real collections:
UNIPEN ``strokes.npz``/``letters.npz`` and UCI pendigits text."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

Sample = list[list[tuple[float, float]]]       # strokes of (x, y), y up as on a tablet

LINE: Sample = [[(0, 100), (3, 0)]]
RING: Sample = [[(50 * math.sin(t), 80 * math.cos(t)) for t in np.linspace(0, 2 * math.pi, 30)]]
SEVEN: Sample = [[(0, 100), (60, 100), (20, 0)]]


def write_unipen(path: Path, samples: list[Sample], labels: list[int], groups: list[str]) -> Path:
    """A UNIPEN-format .npz (see cnn_numpy/data/pen_archives.py) of the given samples."""
    counts = [len(s) for s in samples]
    points = [p for sample in samples for stroke in sample for p in stroke]
    lengths = [len(stroke) for sample in samples for stroke in sample]
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, labels=np.array(labels, np.int16), sources=np.array(groups), writers=np.array(groups),
             sample_strokes=np.cumsum([0] + counts), stroke_points=np.cumsum([0] + lengths),
             points=np.array(points, np.float32))
    return path


def pendigits_text(samples: list[Sample], labels: list[int], writers: list[int]) -> str:
    """The samples in pendigits' UNIPEN-style text (integer coordinates, y up)."""
    lines = [".INCLUDE        dene.doc", ".HIERARCHY      DIGIT", ""]
    for i, (sample, label, writer) in enumerate(zip(samples, labels, writers)):
        lines += [f'.SEGMENT DIGIT {i:4d} ? "{label}"', f".COMMENT {label} {writer:2d} {i:4d}"]
        for stroke in sample:
            lines += [".PEN_DOWN", *(f" {round(x) + 250:3d}  {round(y) + 250:3d}" for x, y in stroke), ".PEN_UP"]
        lines.append("")
    return "\n".join(lines) + "\n"
