"""An ink map -> the pieces of ink that are one digit each, left to right (geometry only, no network).

    1. components   8-connected components of the ink (> 0): runs of ink per row, runs of adjacent
                    rows that touch joined by union-find in NumPy (:func:`components`), so the cost
                    follows the number of runs, not the pixel count.
    2. merge        components overlapping in x by at least MERGE_OVERLAP of the narrower one are one
                    digit (a 5's flag, a 4 or 7 in two strokes, a crossed 7, a broken stroke, a 3 in
                    two arcs) when they are at most MERGE_GAP_Y of the taller one's height apart.
    3. specks       pieces smaller than SPECK line heights both ways are dropped.
    3b. partial     a short piece near a neighbour may belong to it: :func:`merge_candidates` offers
                    the two as one, the caller lets the network choose (see numbers.py).
    3c. speckle     a piece of at least SPECKLE_PARTS components, none holding SPECKLE_SHARE of its ink, is
                    marked ``speckle``: never merged nor cut, and the caller reads it as not a digit.
    4. order        left to right by the left edge; past MAX_PIECES the rest is ignored and ``capped`` set.
                    A texture (more than MAX_COMPONENTS components, ink over MAX_INK_SHARE of the
                    picture, or pieces scattered up and down instead of in rows: SCATTER_PIECES)
                    gives no pieces, ``capped`` set: it is not writing.
    5. cuts         a piece wider than SPLIT_ASPECT of the line height (or than a narrower width the
                    caller asks for, e.g. for a piece the network doubts), at least MIN_CUT_HEIGHT
                    pixels high and not a solid block (SOLID_FILL) may be touching digits:
                    :func:`cut_candidates` offers its components in two groups, seams crossing
                    the least ink from the deepest minimum of its column profile and from evenly
                    spaced columns, and drop-fall paths along the outlines where the digits meet;
                    the caller lets the network choose (see numbers.py).
The line height is the median height of the tall pieces. Every threshold was chosen on the numbers
development set (cnn_numpy/evaluation/number_sets.py: pendigits test writers and UNIPEN dev writers).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from .components import components, union
from .preprocess import mask_stroke_width

MAX_PIECES = 32          # pieces reported; more are ignored and the reading says so
MAX_COMPONENTS = 4096    # more components than this is a texture or noise: no pieces, capped
MAX_INK_SHARE = 0.5      # so is ink covering more than this share of the picture
SCATTER_PIECES = 4       # so are at least this many pieces in one band (centres less than ROW_GAP line heights apart
ROW_GAP = 1.0            # vertically) whose centres spread over more than SCATTER line heights: speckle, not a row
SCATTER = 1.5            # of digits (noise read as a number with a digit 28.0 -> 10.3 %, development numbers unchanged;
# a page of text is rows, each within a line height, and keeps its first MAX_PIECES pieces)
MERGE_OVERLAP = 0.5      # x overlap (fraction of the narrower) that makes two components one digit
MERGE_GAP_Y = 0.5        # ... and at most this share of the taller one's height apart vertically
MERGE_HEIGHT = 1.6       # merge candidates (below) are not taller than this many line heights
PARTIAL = 0.9            # pieces shorter than this many line heights may be part of a neighbour (an open 4's two
# strokes that stay apart are often taller than 0.6; the network decides): development numbers read exactly 1,348 ->
# 1,352 of 1,600 (0.75: 1,351; any height: 1,349), single digits read otherwise than as one 6 -> 5 of 4,346
MERGE_GAP = 0.3          # ... if at most this many line heights away from it
SPECK = 0.12             # pieces below this fraction of the line height, both ways, are specks
SPLIT_ASPECT = 0.85      # pieces wider than this many line heights are offered cuts
CUT_RANGE = (0.2, 0.8)   # cuts are looked for in this part of the piece's width
# A piece of more components than PART_CUTS (a texture, a scribble) is not cut along them: one noise picture
# read as a single piece of thousands of components gave 4,730 candidate halves and took 15 s.
PART_CUTS = 8
EVEN_CUTS = 3            # seams start at the deepest minimum of the column ink count and at this many evenly spaced
# columns; drop-fall paths (:func:`drop_fall`) start at that minimum and at the middle column. Chosen on the development
# numbers (evaluate-numbers, seeds 0 and 1, 1,600 numbers): seams alone from the 4 deepest minima and 5 even columns
# read 1,330 exactly; with drop-fall paths added 1,351, from 1 minimum and 3 even columns 1,348 with as many network
# inputs as before (44.8 a touching 8-digit number against 45.6); the same seams without drop-fall paths 1,311.
SPECKLE_PARTS = 5        # a piece of at least this many components, none holding SPECKLE_SHARE of its ink, is speckle,
SPECKLE_SHARE = 0.7      # not writing: never merged nor cut, and read as not a digit. No piece of the 1,600 development
# numbers is so (a 5's flag, a 4 in two strokes, a broken stroke: at most 3 components, or one holding most of the ink);
# cut, the pieces of speckle read as digits. Noise pictures read as a number with a digit 33 -> 18 of 300 (with
# SOLID_FILL); 3 components from 0.7 also took "1_1", two 1s whose feet join, for speckle.
SOLID_FILL = 0.8         # a piece whose ink fills more of its box than this is never cut (a block, not strokes: cut, it
# gave slivers read as sure 1s); no development piece wider than 0.4 of its height fills more than 0.72
MIN_CUT_HEIGHT = 16      # pieces lower than this (ink-map pixels) are never cut: two digits that small cannot be
# read apart, and a speck of a few pixels cut gave a sliver one pixel wide that the network reads as a sure 1. Noise
# pictures of the calibration answered with a digit when read as a number (evaluate-numbers --not-digits): 49.3 % ->
# 28.0 % with this and numbers.py's rule for solid blobs, 33.7 % with the blob rule alone.
DRIFT = 0.01             # cost of a seam's step away from its start column (per pixel and row)


@dataclass(frozen=True, eq=False)
class Piece:
    """Ink of one (supposed) digit: the components it is made of, within its box, optionally only
    where ``keep`` is True (a part of touching digits)."""
    box: tuple[int, int, int, int]       # x0, y0, x1, y1 in the ink map's pixels (exclusive ends)
    parts: tuple[int, ...]               # component labels
    keep: np.ndarray | None = None       # (y1 - y0, x1 - x0) bool over the box, None: all of it
    speckle: bool = False                # speckle, not writing (see SPECKLE_PARTS): never merged nor cut

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


@dataclass(frozen=True)
class Segmentation:
    labels: np.ndarray              # (H, W) int32 component label per pixel, -1 where no ink
    pieces: tuple[Piece, ...]       # left to right
    line_height: float              # median height of the tall pieces (px)
    capped: bool                    # more than MAX_PIECES pieces were found, or a texture (see above)


def line_height(heights: np.ndarray) -> float:
    """Median height of the pieces at least half as tall as the tallest."""
    return float(np.median(heights[heights >= heights.max() / 2])) if len(heights) else 0.0


def _scattered(centres: np.ndarray, height: float) -> bool:
    """Whether pieces with these vertical centres are scattered like speckle rather than written in rows
    (see SCATTER_PIECES)."""
    cy = np.sort(centres)
    starts = np.r_[0, np.flatnonzero(np.diff(cy) > ROW_GAP * height) + 1]
    ends = np.r_[starts[1:], len(cy)]
    return any(e - b >= SCATTER_PIECES and cy[e - 1] - cy[b] > SCATTER * height for b, e in zip(starts, ends))


def segment(ink: np.ndarray) -> Segmentation:
    """(H, W) ink map (> 0 is ink) -> the digit pieces, left to right (see the module's steps 1-4)."""
    binary = ink > 0
    labels, boxes, areas = components(binary)
    if len(boxes) > MAX_COMPONENTS or binary.mean() > MAX_INK_SHARE:      # texture or noise, not writing
        return Segmentation(labels, (), 0.0, True)
    if not len(boxes):
        return Segmentation(labels, (), 0.0, False)
    groups = _merge(boxes)
    merged = np.empty((groups.max() + 1, 4), np.int64)
    merged[:, :2] = np.iinfo(np.int64).max
    merged[:, 2:] = -1
    for col, ufunc in ((0, np.minimum), (1, np.minimum), (2, np.maximum), (3, np.maximum)):
        ufunc.at(merged[:, col], groups, boxes[:, col])
    present = merged[:, 2] >= 0
    sizes = merged[:, 2:] - merged[:, :2]
    height = line_height(sizes[present, 1])
    big = present & (sizes.max(axis=1) >= SPECK * height)
    order = [g for g in np.argsort(merged[:, 0], kind="stable") if big[g]]
    if _scattered((merged[big, 1] + merged[big, 3]) / 2, height):
        return Segmentation(labels, (), 0.0, True)
    capped = len(order) > MAX_PIECES
    parts = np.bincount(groups)
    top = np.zeros(len(merged))                   # the largest component's share of its piece's ink
    np.maximum.at(top, groups, areas / np.bincount(groups, weights=areas)[groups])
    speckle = (parts >= SPECKLE_PARTS) & (top < SPECKLE_SHARE)
    pieces = tuple(Piece(tuple(int(v) for v in merged[g]), tuple(int(i) for i in np.flatnonzero(groups == g)),
                         speckle=bool(speckle[g])) for g in order[:MAX_PIECES])
    return Segmentation(labels, pieces, height, capped)


def _merge(boxes: np.ndarray) -> np.ndarray:
    """(C, 4) component boxes -> (C,) group per component: components overlapping in x by
    MERGE_OVERLAP of the narrower one, at most MERGE_GAP_Y of the taller one's height apart."""
    x0, y0, x1, y1 = boxes.T
    order = np.argsort(x0, kind="stable")
    a_list, b_list = [], []
    # Pairs overlapping in x: for each component, the ones starting before it ends (sorted by x0).
    ends = np.searchsorted(x0[order], x1[order], "left")
    for i in range(len(order)):
        others = order[i + 1:ends[i]]
        if len(others):
            me = order[i]
            overlap = np.minimum(x1[me], x1[others]) - np.maximum(x0[me], x0[others])
            narrower = np.minimum(x1[me] - x0[me], x1[others] - x0[others])
            gap = np.maximum(y0[me], y0[others]) - np.minimum(y1[me], y1[others])
            taller = np.maximum(y1[me] - y0[me], y1[others] - y0[others])
            ok = others[(overlap >= MERGE_OVERLAP * narrower) & (gap <= MERGE_GAP_Y * taller)]
            a_list.append(np.full(len(ok), me))
            b_list.append(ok)
    a = np.concatenate(a_list) if a_list else np.zeros(0, np.int64)
    b = np.concatenate(b_list) if b_list else np.zeros(0, np.int64)
    return np.unique(union(len(boxes), a, b), return_inverse=True)[1]


def piece_mask(seg: Segmentation, piece: Piece) -> np.ndarray:
    """(h, w) bool over the piece's box: its components' pixels (where it keeps them)."""
    x0, y0, x1, y1 = piece.box
    labels = seg.labels[y0:y1, x0:x1]
    mask = labels == piece.parts[0] if len(piece.parts) == 1 else np.isin(labels, piece.parts)
    return mask if piece.keep is None else mask & piece.keep


def piece_pixels(ink: np.ndarray, seg: Segmentation, piece: Piece) -> np.ndarray:
    """(h, w) uint8: the piece's ink alone, cropped to its box (ink bright)."""
    x0, y0, x1, y1 = piece.box
    return np.where(piece_mask(seg, piece), ink[y0:y1, x0:x1], 0).astype(np.uint8)


def piece_ink(ink: np.ndarray, seg: Segmentation, piece: Piece) -> Image.Image:
    """The piece's ink alone, cropped to its box, as an 'L' image (ink bright) for preprocessing."""
    return Image.fromarray(piece_pixels(ink, seg, piece), "L")


def merge_candidates(seg: Segmentation) -> list[tuple[int, Piece]]:
    """Neighbouring pieces i and i + 1 that may be one digit (a 5's flag beside its body, a 4 in
    two strokes): one shorter than PARTIAL line heights, at most MERGE_GAP line heights apart, not
    taller than MERGE_HEIGHT together, neither speckle -> (i, the two as one piece), for the network to judge."""
    out = []
    height = seg.line_height
    for i, (a, b) in enumerate(zip(seg.pieces, seg.pieces[1:])):
        box = (min(a.box[0], b.box[0]), min(a.box[1], b.box[1]), max(a.box[2], b.box[2]), max(a.box[3], b.box[3]))
        if (not a.speckle and not b.speckle and b.box[0] - a.box[2] <= MERGE_GAP * height
                and min(a.height, b.height) < PARTIAL * height
                and box[3] - box[1] <= MERGE_HEIGHT * height):
            out.append((i, Piece(box, a.parts + b.parts)))
    return out


Cuts = list[tuple["Piece", "Piece"]]


def cut_candidates(seg: Segmentation, piece: Piece, method: str = "network", aspect: float = SPLIT_ASPECT,
                   drop_falls: bool = True, min_half: float = 0.0, min_width: float = 0.0,
                   cuts_of: Callable[[Segmentation, Piece, str, bool], Cuts] | None = None) -> Cuts:
    """A piece wider than ``aspect`` line heights -> (left, right) splits for the network to judge:
    :func:`all_cuts` (or ``cuts_of``, which must give the same, e.g. remembered), but none leaving a half
    smaller than ``min_half`` line heights both ways, or narrower than ``min_width`` of the piece's strokes
    (slivers); [] for a narrower piece."""
    if piece.width <= aspect * seg.line_height:
        return []
    least = min_half * seg.line_height
    pairs = [pair for pair in (cuts_of or all_cuts)(seg, piece, method, drop_falls)
             if all(max(half.width, half.height) >= least for half in pair)]
    if min_width and pairs:
        thinnest = min_width * mask_stroke_width(piece_mask(seg, piece))
        pairs = [pair for pair in pairs if all(half.width >= thinnest for half in pair)]
    return pairs


def all_cuts(seg: Segmentation, piece: Piece, method: str = "network", drop_falls: bool = True) -> Cuts:
    """Every (left, right) split of a piece offered, whatever its width (the line height plays no part).
    Candidates: the piece's components in two groups, left and right (when it was merged from at most
    PART_CUTS); seams (:func:`seams`) from the deepest minimum of its column ink count within CUT_RANGE of
    its width and from EVEN_CUTS columns evenly spread over that range; with ``drop_falls``, the four
    drop-fall paths (:func:`drop_fall`) from that minimum and from the middle column. Cuts dividing the
    ink alike are offered once. ``method`` "projection": only the straight cut at the deepest minimum."""
    if piece.width < 4 or piece.height < MIN_CUT_HEIGHT or piece.speckle:
        return []
    mask = piece_mask(seg, piece)
    if mask.mean() > SOLID_FILL:
        return []
    keeps = []
    x0, y0, x1, y1 = piece.box
    labels = np.where(mask, seg.labels[y0:y1, x0:x1], -1)
    parts = [p for p in piece.parts if (labels == p).any()]
    if 1 < len(parts) <= PART_CUTS and method == "network":
        cols = np.arange(x1 - x0)
        centres = [float(cols[(labels == p).any(axis=0)].mean()) for p in parts]
        ordered = [parts[i] for i in np.argsort(centres, kind="stable")]
        keeps += [np.isin(labels, ordered[:k]) for k in range(1, len(ordered))]
    profile = mask.sum(axis=0).astype(np.float32)
    lo, hi = max(1, int(CUT_RANGE[0] * piece.width)), min(piece.width - 1, int(CUT_RANGE[1] * piece.width) + 1)
    if lo < hi:
        deepest = lo + int(profile[lo:hi].argmin())
        if method == "projection":
            paths = np.full((1, piece.height), deepest)
        else:
            paths = seams(mask, np.unique(np.r_[deepest, np.linspace(lo, hi - 1, EVEN_CUTS).round().astype(int)]))
            if drop_falls:
                falls = [drop_fall(mask, x, rightward, upward) for x in (deepest, piece.width // 2)
                         for rightward in (False, True) for upward in (False, True)]
                paths = np.concatenate([paths, falls])
            paths = np.array(sorted(set(map(tuple, paths.tolist()))), np.int64)   # np.unique(axis=0), 6x faster
        keeps += list(np.arange(piece.width)[None, None, :] < paths[:, :, None])
    out, seen = [], set()
    for keep in keeps:
        left = mask & keep
        key = np.packbits(left).tobytes()      # seams apart only where there is no ink cut alike
        if key in seen:
            continue
        seen.add(key)
        halves = [_sub_piece(piece, left), _sub_piece(piece, mask & ~keep)]
        if halves[0] is not None and halves[1] is not None:
            out.append((halves[0], halves[1]))
    return out


def drop_fall(mask: np.ndarray, start: int, rightward: bool = False, upward: bool = False) -> np.ndarray:
    """(h, w) bool ink -> (h,) int: the cut column in each row of a drop-fall path (Congedo et al. 1995) from
    column ``start`` at the top (the bottom when ``upward``): a ball dropped between two touching digits rolls
    down through the background along their outlines, down if it can, else diagonally down (left first, or right
    when ``rightward``), else sideways (not straight back), and only when stuck cuts down through the ink. It
    separates where the outlines meet, where a seam (the least ink crossed) may cut a loop off instead."""
    m = mask[::-1] if upward else mask
    h, w = m.shape
    ink = np.zeros((h + 1, w + 2), bool)       # walls of ink left and right, a row of background below
    ink[:h, 0] = ink[:h, -1] = True
    ink[:h, 1:-1] = m
    cells = ink.tobytes()
    stride = w + 2
    side = 1 if rightward else -1
    x = min(max(start, 1), w - 1) + 1
    out = [0] * h
    y = 0
    last_side = 0
    while y < h:
        out[y] = x
        below = (y + 1) * stride
        if not cells[below + x]:
            y += 1
        elif not cells[below + x + side]:
            y, x = y + 1, x + side
        elif not cells[below + x - side]:
            y, x = y + 1, x - side
        elif not cells[y * stride + x + side] and last_side != -side:
            x += side
            last_side = side
            continue
        elif not cells[y * stride + x - side] and last_side != side:
            x -= side
            last_side = -side
            continue
        else:
            y += 1
        last_side = 0
    path = np.clip(np.array(out, np.int64) - 1, 1, w - 1)
    return path[::-1].copy() if upward else path


_STEPS = np.array([0, -1, 1])     # a seam's step back up a row: straight up first, then left, then right


def seams(mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """(h, w) bool ink and K start columns -> (K, h) int: for each start, the top-to-bottom path
    (one column per row, moving at most one column a row) crossing the least ink, drifting from
    its start column at a cost of DRIFT per pixel and row (seam carving, one dynamic programme
    for all K)."""
    h, w = mask.shape
    k = len(starts)
    cost = mask.astype(np.float32)
    drift = DRIFT * np.abs(np.arange(w)[None, :] - np.asarray(starts)[:, None]).astype(np.float32)
    totals = np.empty((h, k, w + 2), np.float32)   # cheapest path cost to each pixel, inf outside
    totals[:, :, [0, -1]] = np.inf
    totals[0, :, 1:-1] = cost[0][None, :] + drift
    best = np.empty((k, w), np.float32)
    for y in range(1, h):
        above = totals[y - 1]
        np.minimum(above[:, :-2], above[:, 2:], out=best)
        np.minimum(best, above[:, 1:-1], out=best)
        row = totals[y, :, 1:-1]
        np.add(best, cost[y], out=row)
        row += drift
    path = np.empty((k, h), np.int64)
    path[:, -1] = totals[-1, :, 1:-1].argmin(axis=1)
    flat = totals.reshape(h, -1)
    above = (np.arange(k) * (w + 2) + 1)[:, None] + _STEPS    # in the padded columns of row y - 1
    for y in range(h - 1, 0, -1):     # step back to the cheapest of the three above (ties: first of _STEPS)
        x = path[:, y]
        path[:, y - 1] = x + _STEPS[flat[y - 1].take(above + x[:, None]).argmin(axis=1)]
    return path


def _sub_piece(piece: Piece, keep: np.ndarray) -> Piece | None:
    """The part of ``piece`` where ``keep`` (over its box) holds, its box shrunk to it; None if empty."""
    rows, cols = np.flatnonzero(keep.any(axis=1)), np.flatnonzero(keep.any(axis=0))
    if not len(rows):
        return None
    x0, y0 = piece.box[:2]
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    parts = tuple(sorted(set(piece.parts)))
    return Piece((x0 + c0, y0 + r0, x0 + c1, y0 + r1), parts, keep[r0:r1, c0:c1])
