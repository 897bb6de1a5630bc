"""What :func:`~cnn_numpy.recognition.numbers.read_number` worked out for ink it has seen, so that reading
a picture again costs only its new ink.

The app reads its canvas after every stroke, while the user writes (hdr_gui/main_window.py); each piece of
ink already read, and each piece already offered cuts, is found here by its pixels, so the answer to
识别 / Recognise is ready in the time of the segmentation. Two tables, each kept to ``size`` entries (the
least recently used go first):

    inputs   a piece's ink (a digest of its pixels, cropped) -> the network input made of it and the
             calibrated probabilities read from it
    cuts     a piece's mask (a digest), its place and the cutting method -> the halves of all its cuts
             (boxes and packed masks; their components are the piece's own, whatever their labels), which
             do not depend on the line height: a new digit that changes it changes only which are offered

A memo belongs to one recognizer: handed another (other weights, another calibration), it forgets everything.
Readings through the memo equal readings without it, but for the last bits of a probability (the network's
products round alike whatever else is in the batch only to about 1e-7).
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

import numpy as np

from .recognizer import Recognizer

INPUT_ENTRIES = 4096   # pieces and halves remembered (3 KB each): a canvas of touching digits offers a few hundred
CUT_ENTRIES = 512      # pieces whose cuts are remembered (their halves' masks packed, some 40 KB each)

V = TypeVar("V")


class _Table(Generic[V]):
    """A dictionary that keeps its ``size`` most recently used entries."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        self._items.clear()


Reading = tuple[np.ndarray | None, np.ndarray | None]        # (28, 28) input or None (blank), (classes,) probs
PackedMask = tuple[tuple[int, int], bytes]                    # (h, w) and the mask's bits, packed
Half = tuple[tuple[int, int, int, int], PackedMask]           # a half's box and its mask
Halves = list[tuple[Half, Half]]


class ReadingMemo:
    """Readings of pieces of ink and cuts of pieces, by their pixels (see the module's docstring)."""

    def __init__(self, inputs: int = INPUT_ENTRIES, cuts: int = CUT_ENTRIES):
        self.inputs: _Table[Reading] = _Table(inputs)
        self.cuts: _Table[Halves] = _Table(cuts)
        self._recognizer: Recognizer | None = None

    def bind(self, recognizer: Recognizer) -> None:
        """Use the memo for ``recognizer``'s readings: forget everything if it held another's."""
        if recognizer is not self._recognizer:
            self.clear()
            self._recognizer = recognizer

    def clear(self) -> None:
        """Forget everything."""
        self.inputs.clear()
        self.cuts.clear()

    def __len__(self) -> int:
        return len(self.inputs) + len(self.cuts)


def pixels_key(pixels: np.ndarray) -> tuple[tuple[int, ...], bytes]:
    """A table key for an array: its shape and a 128-bit digest of its bytes."""
    return pixels.shape, hashlib.blake2b(np.ascontiguousarray(pixels), digest_size=16).digest()


def pack_mask(mask: np.ndarray) -> PackedMask:
    """(h, w) bool -> its shape and bits, an eighth of its size."""
    return mask.shape, np.packbits(mask).tobytes()


def unpack_mask(packed: PackedMask) -> np.ndarray:
    """:func:`pack_mask`'s inverse."""
    (h, w), bits = packed
    return np.unpackbits(np.frombuffer(bits, np.uint8), count=h * w).reshape(h, w).astype(bool)
