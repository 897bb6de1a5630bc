"""Read a number: every digit of a picture (the canvas, a photo of paper), boxed, left to right.

picture -> ink map (paper.py) -> pieces (segment.py) -> each piece preprocessed as one digit ->
one network pass for all pieces, a second for the candidate cuts of the wide pieces that it does
not read too surely for any cut to win -> the readings. A wide piece is split where the network
reads both halves more confidently than the whole (the geometric mean of the halves' confidences
beats the whole's by SPLIT_MARGIN). Then, in further
rounds, halves may be cut again (three touching digits), and a piece the network does not read
as a sure digit is offered cuts even when narrow (touching 1s and 7s are narrower than
SPLIT_ASPECT), kept only when both halves are sure digits (NARROW_SURE). The alternatives are
measured by ``python main.py evaluate-numbers`` (README, "Reading numbers"); every threshold was
chosen on that development set (seed 0, checked on seed 1).

A picture holding one piece is read as :meth:`Recognizer.recognize_images` reads it (same input,
same probabilities) and is cut only when the network reads it as not a digit and it is at least
LONE_ASPECT line heights wide (a letter alone must not become two digits), and only into two
halves read as digits (SINGLE_SURE), so a one-piece digit's answer changes only where it was no
digit at all (measured by ``evaluate-numbers --single-digits``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ..data.image_files import ImageFileError, open_image
from .calibration import solid_blobs
from .paper import InkMap, ink_map, upright
from .preprocess import normalize, preprocess
from .reading_memo import ReadingMemo, pack_mask, pixels_key, unpack_mask
from .recognizer import Recognitions, Recognizer
from .segment import (
    SPLIT_ASPECT,
    Piece,
    Segmentation,
    all_cuts,
    cut_candidates,
    merge_candidates,
    piece_mask,
    piece_pixels,
    segment,
)

SPLIT_MARGIN = 0.1       # a split must beat the whole piece's confidence by this much
NOT_DIGIT_HALF = 0.5     # a half read as not a digit counts with this share of its confidence
MERGE_MARGIN = 0.0       # a merge must beat its two pieces' geometric mean score by this much
SPLIT_ROUNDS = 3         # rounds of cuts: then halves cut again (three touching digits), doubtful pieces cut
DOUBT_VERDICTS = ("not_digit", "unsure")   # pieces read so are offered cuts from DOUBT_ASPECT line heights
DOUBT_ASPECT = 0.4       # (touching narrow digits, "11", "17", are often narrower than SPLIT_ASPECT)
NARROW_SURE = 0.97       # a piece narrower than SPLIT_ASPECT is cut only into two "digit" halves this sure
SINGLE_SURE = 0.0        # the picture's only piece only into two "digit" halves (noise must not become digits)
SINGLE_DOUBT = ("not_digit",)   # the picture's only piece is offered cuts only when read so
LONE_ASPECT = 1.0        # ... and only when at least this wide (line heights): a letter drawn alone (A, n, H, r,
# about 0.6-1 heights wide) read as not a digit was cut into two "digits" ("14"). Chosen on the validation letters and
# numbers (evaluate-numbers --not-digits, seeds 0 and 1): letters answered with a digit 19.6 % -> 8.5 %, numbers read
# exactly 1,339 -> 1,330 of 1,600 (two touching digits alone, narrower than this); 0.85: 12.7 %, 1,337; 1.1: 6.9 %,
# 1,327.
SPLITS = ("network", "projection", "none")   # how wide pieces are cut (evaluation compares them)
WHOLE_SURE = 0.8        # a picture of two pieces is one digit when read whole as a digit at least this sure and
# surer than its pieces: a digit drawn in two pieces that stay apart (a 5's flag, a 4). Chosen on the development
# set: single digits read otherwise than by the one-digit path 16 -> 8 of 4,346 (UNIPEN dev) and 1 -> 0 of 3,498
# (pendigits test), no development number read differently (seeds 0 and 1); 0.9: 10 and 0; three pieces: no gain.
MARKS_SHARE = 0.5        # a picture more than this share of whose pieces are not digits is marks, not a number:
MARKS_SURE = 0.9         # its unsure pieces, and its digits read less sure than this, are not digits (_doubt_marks)
SLIVER = 0.35           # no cut is offered that leaves a half smaller than this many line heights both ways: such
# slivers (a stroke's end, a 5's flag tip) were read as sure 1s ("25" read "25111"). Chosen on the development numbers
# (seeds 0 and 1): 1,364 -> 1,376 of 1,600 read exactly, none read worse; 0.12 (the specks' size): 1,370; 0.25: 1,375;
# 0.45: 1,377, but smaller digits come nearer. Letters alone answered with a digit 194 -> 192 of 2,973.
THIN = 1.0               # nor one leaving a half narrower than this many of its piece's stroke widths: a sliver of a
# stroke (two such slivers of a bar in a noise picture were read as "11" at 100 %). Development numbers 1,376 -> 1,377,
# none read worse (0.75: the same); noise pictures of seeds 7 and 123, letters and single digits as before.
PIECE_FLOOR = 0.416      # in a number, a piece read less sure than this is not a digit: the calibration's
# not-a-digit threshold before it was lowered (to 0.27) for MNIST's sake; with the lower one the development
# numbers (seed 0) read 0.5-1 point fewer exactly, junk pieces kept as digits. A lone piece keeps its own verdict.


@dataclass(frozen=True)
class DigitReading:
    """One piece of the picture and what the network made of it."""
    digit: int                      # best guess 0-9
    confidence: float               # calibrated probability of digit
    verdict: str                    # "digit", "unsure" or "not_digit"
    runner_up: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the original image's pixels (x1, y1 exclusive)
    input_image: np.ndarray         # (28, 28) float32, what the network saw
    probs: np.ndarray               # (10,) float32, calibrated probabilities of the ten digits


@dataclass(frozen=True)
class NumberReading:
    """Every piece of a picture, left to right."""
    digits: tuple[DigitReading, ...]   # every piece, left to right, not_digit pieces included
    capped: bool                       # more pieces than MAX_PIECES were found; the rest were ignored

    @property
    def text(self) -> str:
        """The digits whose verdict is "digit" or "unsure", left to right ("" if none)."""
        return "".join(str(d.digit) for d in self.digits if d.verdict in ("digit", "unsure"))


def read_number(recognizer: Recognizer, image: Image.Image, split: str = "network", canvas: bool = False,
                memo: ReadingMemo | None = None) -> NumberReading:
    """Every digit of ``image`` (any size and mode), left to right. ``split`` chooses how pieces
    are merged and cut: "network" (the default: the merges and cuts the network reads better than
    the pieces as they are), "projection" (a wide piece always cut straight at its lowest column
    count, no merges) or "none". ``canvas``: the picture is the app's canvas, bright ink on black,
    whatever covers its border (else judged from the picture: a scribble over most of the canvas
    looked like paper, its gaps like ink). ``memo``: the pieces and cuts read before, to read only new ink
    (see reading_memo.py)."""
    if memo is not None:
        memo.bind(recognizer)
    image = upright(image)
    inks = ink_map(image, canvas)
    seg = segment(inks.ink)
    if not seg.pieces:
        return NumberReading((), seg.capped)

    def read_items(items: list[Piece | np.ndarray | None]) -> Recognitions:
        return _read(recognizer, inks.ink, seg, items, memo)
    single = len(seg.pieces) == 1   # one piece: read as recognize_images reads the picture

    def strict(piece: Piece) -> float | None:   # cut only into two digits this sure (see _split)
        if piece.width <= SPLIT_ASPECT * seg.line_height:
            return NARROW_SURE
        return SINGLE_SURE if single else None
    whole = preprocess(image, canvas) if single else None
    wholes = [whole] if whole is not None else list(seg.pieces)
    merges = merge_candidates(seg) if split == "network" and not single else []
    aspect = np.inf if single else SPLIT_ASPECT
    speckle = [] if single else [p.speckle for p in seg.pieces]
    as_one = [preprocess(image, canvas)] if split == "network" and len(seg.pieces) == 2 and not any(speckle) else []
    raw = read_items(wholes + [m for _, m in merges] + as_one)
    recs = _floored(raw, speckle)
    n, score = len(seg.pieces), _scores(recs)
    merged: dict[int, int] = {}                   # first piece of a merged pair -> index of the merge
    for j, (i, _) in enumerate(merges):
        if i - 1 not in merged and score[n + j] > np.sqrt(score[i] * score[i + 1]) + MERGE_MARGIN:
            merged[i] = j
    # The picture's only piece is not offered drop-fall cuts: letters drawn alone answered with a digit 7.0 % -> 8.5 %
    # with them, for 3 more of the 1,600 development numbers read exactly (evaluate-numbers --not-digits).
    cuts = [_cuts(seg, p, split, aspect, not single, memo)
            if split != "none" and i not in merged and i - 1 not in merged and _may_split(recs, i, split) else []
            for i, p in enumerate(seg.pieces)]
    halves = [half for options in cuts for pair in options for half in pair]
    cut_recs = _floored(read_items(halves)) if halves else recs
    # Items: a piece, the batch that read it, its index there, the narrowest width (line heights) from
    # which it was offered cuts (0: never to be cut, inf: not offered any yet).
    items: list[tuple[Piece, Recognitions, int, float]] = []
    at = 0
    for i, (piece, options) in enumerate(zip(seg.pieces, cuts)):
        if i in merged:
            items.append((merges[merged[i]][1], recs, n + merged[i], 0.0))
        elif i - 1 not in merged:
            items += _split(piece, options, recs, i, cut_recs, at, split, aspect, strict(piece))
        at += 2 * len(options)
    for _ in range(SPLIT_ROUNDS - 1):             # halves cut again (three touching digits), doubtful pieces cut
        aspects = [_cut_aspect(read, index, split, single) for _, read, index, _ in items]
        cuts = [_cuts(seg, piece, split, a, not single, memo)
                if a < tried and _may_split(read, index, split) else []
                for (piece, read, index, tried), a in zip(items, aspects)]
        if not any(cuts):
            break
        halves = [half for options in cuts for pair in options for half in pair]
        now, at, done = _floored(read_items(halves)), 0, []
        for (piece, read, index, tried), options, a in zip(items, cuts, aspects):
            done += _split(piece, options, read, index, now, at, split, min(a, tried), strict(piece))
            at += 2 * len(options)
        items = done
    if single and len(items) == 1 and items[0][1] is recs:     # the lone piece, uncut: as recognize_images
        items = [(items[0][0], raw, items[0][2], 0.0)]
    if as_one and as_one[0] is not None:                       # two pieces that are one digit drawn apart
        one = len(raw) - 1
        parts = float(np.prod([_scores(r)[i] for _, r, i, _ in items]) ** (1 / len(items)))
        if raw.verdicts[one] == "digit" and raw.confidence[one] >= WHOLE_SURE and raw.confidence[one] > parts:
            boxes = np.array([p.box for p in seg.pieces])
            piece = Piece((*boxes[:, :2].min(axis=0).tolist(), *boxes[:, 2:].max(axis=0).tolist()),
                          tuple(part for p in seg.pieces for part in p.parts))
            items = [(piece, raw, one, 0.0)]
    readings = [_reading(recs, index, piece, inks) for piece, recs, index, _ in items]
    return NumberReading(_doubt_marks(readings), seg.capped)


def _read(recognizer: Recognizer, ink: np.ndarray, seg: Segmentation, items: list[Piece | np.ndarray | None],
          memo: ReadingMemo | None) -> Recognitions:
    """``items`` read in one network pass: pieces, from their ink (found in ``memo`` when read before), and
    inputs made already ((28, 28), or None for no ink)."""
    inputs: list[np.ndarray | None] = []
    known: dict[int, np.ndarray] = {}
    fresh: dict[int, tuple] = {}
    for i, item in enumerate(items):
        if not isinstance(item, Piece):
            inputs.append(item)
            continue
        pixels = piece_pixels(ink, seg, item)
        key = pixels_key(pixels) if memo is not None else None
        seen = memo.inputs.get(key) if memo is not None else None
        if seen is None:
            inputs.append(normalize(Image.fromarray(pixels, "L")))
            if memo is not None:
                fresh[i] = key
        else:
            inputs.append(seen[0])
            if seen[1] is not None:
                known[i] = seen[1]
    recs = recognizer.recognize_inputs(inputs, known)
    for i, key in fresh.items():
        memo.inputs.put(key, (inputs[i], recs.probs[i].copy() if inputs[i] is not None else None))
    return recs


def _cuts(seg: Segmentation, piece: Piece, split: str, aspect: float, drop_falls: bool, memo: ReadingMemo | None
          ) -> list[tuple[Piece, Piece]]:
    """:func:`cut_candidates` of ``piece`` (no half a sliver), its cuts found in ``memo`` when offered before."""
    if memo is None:
        return cut_candidates(seg, piece, split, aspect, drop_falls, SLIVER, THIN)

    def remembered(seg: Segmentation, piece: Piece, split: str, drop_falls: bool) -> list[tuple[Piece, Piece]]:
        key = (piece.box, pixels_key(piece_mask(seg, piece)), split, drop_falls)
        seen = memo.cuts.get(key)
        if seen is None:
            pairs = all_cuts(seg, piece, split, drop_falls)
            memo.cuts.put(key, [((left.box, pack_mask(left.keep)), (right.box, pack_mask(right.keep)))
                                for left, right in pairs])
            return pairs
        parts = tuple(sorted(set(piece.parts)))      # a half's components: its piece's (see segment._sub_piece)
        return [(Piece(lbox, parts, unpack_mask(lkeep)), Piece(rbox, parts, unpack_mask(rkeep)))
                for (lbox, lkeep), (rbox, rkeep) in seen]
    return cut_candidates(seg, piece, split, aspect, drop_falls, SLIVER, THIN, cuts_of=remembered)


def _doubt_marks(readings: list[DigitReading]) -> tuple[DigitReading, ...]:
    """The readings of a picture, its unsure ones and its digits read less sure than MARKS_SURE called not digits
    when more than MARKS_SHARE of them are not digits: marks, not a number. Noise pictures read with a digit or an
    unsure one 24 -> 15 and 23 -> 12 of 300 (noise_images of seeds 7 and 123) for the unsure ones; read with a digit
    11 -> 4 and 8 -> 4 for the digits (0.8: 7 and 5; 0.95: 4 and 4); the 1,600 development numbers, the scribbles
    and the scrawls read as before."""
    if sum(d.verdict == "not_digit" for d in readings) <= MARKS_SHARE * len(readings):
        return tuple(readings)
    return tuple(replace(d, verdict="not_digit") if d.verdict == "unsure" or d.confidence < MARKS_SURE else d
                 for d in readings)


def _floored(recs: Recognitions, speckle: list[bool] = ()) -> Recognitions:
    """``recs`` with every reading less sure than PIECE_FLOOR called not a digit, and the first ones too where
    ``speckle`` says so (pieces of speckle, see segment.SPECKLE_PARTS)."""
    low = recs.present & (recs.confidence < PIECE_FLOOR)
    low[:len(speckle)] |= np.asarray(speckle, bool)
    return Recognitions(recs.probs, recs.inputs, recs.present, np.where(low, "not_digit", recs.verdicts))


def _cut_aspect(recs: Recognitions, index: int, split: str, single: bool) -> float:
    """The width (line heights) from which a piece read at ``recs[index]`` is offered cuts: DOUBT_ASPECT
    when the network does not read it as a sure digit (the picture's only piece: as a digit at all),
    else SPLIT_ASPECT (the picture's only piece: never)."""
    if split == "network" and recs.verdicts[index] in (SINGLE_DOUBT if single else DOUBT_VERDICTS):
        return max(DOUBT_ASPECT, LONE_ASPECT) if single else DOUBT_ASPECT
    return np.inf if single else SPLIT_ASPECT


def warm_up(recognizer: Recognizer) -> None:
    """Read a small drawn stroke and forget the answer: a process's first reading pays for NumPy's lazy
    imports and first-call set-up (about 20 ms against 5); the app does this right after its window is
    shown, so that the user's first answer is as quick as the others."""
    image = Image.new("L", (56, 28))
    ImageDraw.Draw(image).line((14, 4, 14, 24), fill=255, width=3)
    read_number(recognizer, image)


def read_number_file(recognizer: Recognizer, path: Path) -> NumberReading:
    """The number in an image file; ImageFileError (naming the file) when it cannot be used."""
    image = open_image(path)
    try:
        return read_number(recognizer, image)
    except ValueError as e:          # e.g. a colour mode Pillow cannot convert to grey (LAB)
        raise ImageFileError(path, f"unsupported image mode {image.mode} ({e})") from None
    except MemoryError:
        raise ImageFileError(path, f"not enough memory to process a {image.width}x{image.height} image") from None


def _scores(recs: Recognitions) -> np.ndarray:
    """(N,) confidence of every reading, that of a not-a-digit verdict weighted by NOT_DIGIT_HALF."""
    return np.where(recs.verdicts == "not_digit", NOT_DIGIT_HALF, 1.0) * recs.confidence


def _may_split(recs: Recognitions, index: int, split: str) -> bool:
    """Whether a cut could win over the piece read at ``recs[index]``: no pair of halves scores above 1, so
    a piece read surer than 1 - SPLIT_MARGIN keeps (see :func:`_split`) and its cuts need not be read. A solid
    blob (a dot, a smudge: :func:`solid_blobs`) is never cut: cut, it gave slivers read as sure 1s ("111")."""
    if split == "projection":
        return True
    return _scores(recs)[index] + SPLIT_MARGIN < 1.0 and not solid_blobs(recs.inputs[index:index + 1])[0]


def _split(piece: Piece, options: list[tuple[Piece, Piece]], whole: Recognitions, index: int,
           halves: Recognitions, first: int, split: str, tried: float, sure: float | None
           ) -> list[tuple[Piece, Recognitions, int, float]]:
    """The piece read at ``whole[index]``, or the two halves of its best cut (``options``, read at
    ``halves[first:first + 2 * len(options)]``) if the network reads them better: their geometric
    mean score beats the whole's score by SPLIT_MARGIN; with ``sure`` (a narrow piece, the picture's
    only piece), only into two halves read as "digit" with a geometric-mean score of at least it.
    "projection" always takes the one cut offered. Each item keeps ``tried`` (see read_number);
    halves start at inf."""
    if not options:
        return [(piece, whole, index, tried)]
    if split == "projection":
        best = 0
    else:
        score = _scores(halves)[first:first + 2 * len(options)]
        pairs = np.sqrt(score[::2] * score[1::2])
        if sure is not None:
            digits = (halves.verdicts[first:first + 2 * len(options)] == "digit").reshape(-1, 2).all(axis=1)
            pairs = np.where(digits & (pairs >= sure), pairs, 0.0)
        best = int(pairs.argmax())
        if pairs[best] <= _scores(whole)[index] + SPLIT_MARGIN:
            return [(piece, whole, index, tried)]
    left, right = options[best]
    return [(left, halves, first + 2 * best, np.inf), (right, halves, first + 2 * best + 1, np.inf)]


def _reading(recs: Recognitions, i: int, piece: Piece, inks: InkMap) -> DigitReading:
    rec = recs[i]
    verdict = rec.verdict if rec.verdict != "blank" else "not_digit"
    return DigitReading(rec.digit if rec.digit is not None else 0, rec.confidence, verdict,
                        rec.runner_up if rec.runner_up is not None else 0, original_box(piece.box, inks),
                        rec.input_image, rec.probs)


def original_box(box: tuple[int, int, int, int], inks: InkMap) -> tuple[int, int, int, int]:
    """A box in ink-map pixels -> the same box in the picture's pixels (covering it, clipped)."""
    sx, sy = inks.scale
    w, h = inks.size
    return (min(w - 1, int(box[0] * sx)), min(h - 1, int(box[1] * sy)),
            max(1, min(w, int(np.ceil(box[2] * sx)))), max(1, min(h, int(np.ceil(box[3] * sy)))))

