"""Reading order of OCR lines from their boxes: rows, table cells and text columns.

A bullet glyph the OCR found as a box of its own is joined to the line it marks. A
card in two columns ("Day A" beside "Day B") is read column by column; the cells
of a table (Exercise | Sets | Reps | Rest) are read row by row, left to right. The
boxes are first straightened by the card's median skew, so a photo taken at a
slight angle still falls into rows. Pure functions; imports only ``records``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from scraper.ocr.records import OcrLine

__all__ = ["group_rows", "join_bullets", "order_lines"]

# Words that make up table columns of numbers ("Sets", "Reps", "Rest 90 s"), not text columns.
_SCHEME_WORDS = frozenset(
    ["sets", "set", "reps", "rep", "rest", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "amrap", "each", "side", "per", "leg", "arm", "tempo", "rpe", "rir", "load", "weight", "kg", "kgs", "lbs", "lb", "x", "of", "and", "to", "hold"]
)
_WORD = re.compile(r"[^\W\d_]{3,}")
# A line that is nothing but bullet glyphs marks the line to its right.
_BULLET = re.compile(r"[•·▪►▸‣◦●○■□✓✔]+")
# How far right of a bullet (in line heights) the line it marks may start.
_BULLET_REACH = 3.0


@dataclass(frozen=True)
class _Item:
    index: int  # position in the input
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1.0)

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _skew(lines: Sequence[OcrLine]) -> float:
    """Return the median angle (radians) of the top edges of wide boxes, 0 when unknown."""
    angles = []
    for line in lines:
        if len(line.box) != 4:
            continue
        (ax, ay), (bx, by) = line.box[0], line.box[1]
        (_, dy) = line.box[3]
        width = bx - ax
        if width > 2 * abs(dy - ay) and width > 0:
            angles.append(math.atan2(by - ay, width))
    return median(angles) if angles else 0.0


def _items(lines: Sequence[OcrLine]) -> list[_Item]:
    """Return the axis-aligned, de-skewed rectangle of every line that has a box."""
    angle = _skew(lines)
    cos, sin = math.cos(-angle), math.sin(-angle)
    items = []
    for i, line in enumerate(lines):
        if not line.box:
            continue
        xs = [x * cos - y * sin for x, y in line.box]
        ys = [x * sin + y * cos for x, y in line.box]
        items.append(_Item(i, min(xs), min(ys), max(xs), max(ys)))
    return items


def _same_row(a: _Item, b: _Item) -> bool:
    """Say whether two boxes sit on one visual row (centres within half a line height)."""
    return abs(a.cy - b.cy) <= 0.5 * min(a.height, b.height)


def _rows(items: list[_Item]) -> list[list[_Item]]:
    """Cluster boxes into visual rows, top to bottom, each row left to right."""
    rows: list[list[_Item]] = []
    for item in sorted(items, key=lambda it: it.cy):
        for row in rows:
            if _same_row(row[-1], item) or _same_row(row[0], item):
                row.append(item)
                break
        else:
            rows.append([item])
    rows.sort(key=lambda row: min(it.cy for it in row))
    return [sorted(row, key=lambda it: it.x0) for row in rows]


def _free(items: list[_Item], lo: float, hi: float, min_gap: float) -> list[tuple[float, float]]:
    """Return the x-intervals within (lo, hi) that no box covers and that are at least min_gap."""
    gaps = []
    edge = lo
    for item in sorted(items, key=lambda it: it.x0):
        if item.x0 - edge >= min_gap:
            gaps.append((edge, item.x0))
        edge = max(edge, item.x1)
    if hi - edge >= min_gap:
        gaps.append((edge, hi))
    return gaps


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]],
               min_gap: float) -> list[tuple[float, float]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= min_gap:
                out.append((lo, hi))
    return out


def _is_text(texts: list[str]) -> bool:
    """Say whether a column holds words (exercise names) rather than numbers of a table."""
    wordy = sum(
        1 for text in texts
        if any(w.lower() not in _SCHEME_WORDS for w in _WORD.findall(text))
    )
    return wordy * 2 >= len(texts) and wordy > 0


def _order(items: list[_Item], lines: Sequence[OcrLine], min_gap: float) -> list[_Item]:
    """Order boxes: horizontal bands top to bottom; blocks of bands sharing text columns by column."""
    if len(items) <= 1:
        return items
    bands = _rows(items)
    lo = min(it.x0 for it in items) - 1
    hi = max(it.x1 for it in items) + 1
    out: list[_Item] = []
    i = 0
    while i < len(bands):
        inner = [g for g in _free(bands[i], lo, hi, min_gap) if g[0] > lo and g[1] < hi]
        j = i + 1
        while inner and j < len(bands):
            shared = _intersect(inner, _free(bands[j], lo, hi, min_gap), min_gap)
            if not shared or _set_apart(bands[i:j], bands[j]):
                break
            inner, j = shared, j + 1
        block = [it for band in bands[i:j] for it in band]
        columns = _columns(block, inner, lines) if j - i > 1 else []
        if len(columns) > 1:
            for column in columns:
                out.extend(_order(column, lines, min_gap))
        else:
            for band in bands[i:j]:
                out.extend(band)
        i = j
    return out


def _top(band: list[_Item]) -> float:
    return min(it.y0 for it in band)


def _set_apart(block: list[list[_Item]], band: list[_Item]) -> bool:
    """Say whether ``band`` lies further below ``block`` than its rows lie apart (a footer)."""
    if len(block) < 2:
        return False
    steps = [_top(b) - _top(a) for a, b in itertools.pairwise(block)]
    return _top(band) - _top(block[-1]) > 1.35 * median(steps)


def _columns(block: list[_Item], gutters: list[tuple[float, float]],
             lines: Sequence[OcrLine]) -> list[list[_Item]]:
    """Split a block at its gutters into text columns; [] when it is a table, not columns."""
    cuts = sorted(g[0] for g in gutters)
    groups: list[list[_Item]] = [[] for _ in range(len(cuts) + 1)]
    for item in block:
        groups[sum(1 for c in cuts if item.x0 > c)].append(item)
    groups = [g for g in groups if g]
    text = [_is_text([lines[it.index].text for it in g]) for g in groups]
    if sum(text) < 2:
        return []
    columns: list[list[_Item]] = []
    for group, is_text in zip(groups, text, strict=True):
        if is_text or not columns:
            columns.append(list(group))
        else:
            columns[-1].extend(group)
    return columns


def _is_bullet(line: OcrLine) -> bool:
    return _BULLET.fullmatch(line.text.strip()) is not None


def join_bullets(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Join each lone bullet glyph to the nearest line starting just right of it on its row.

    The joined line reads ``"● Barbell row 4 x 8"``, keeps the marked line's
    confidence and height, and its box reaches left over the bullet. A bullet that marks no line
    stays as it is.
    """
    items = {it.index: it for it in _items(lines)}
    marked: dict[int, int] = {}  # line index -> index of its bullet
    for i, line in enumerate(lines):
        bullet = items.get(i)
        if bullet is None or not _is_bullet(line):
            continue
        targets = [it for it in items.values()
                   if it.index not in marked and not _is_bullet(lines[it.index])
                   and _same_row(bullet, it) and it.x0 >= bullet.x0
                   and it.x0 - bullet.x1 <= _BULLET_REACH * it.height]
        if targets:
            marked[min(targets, key=lambda it: it.x0).index] = i
    bullets = set(marked.values())
    joined = []
    for i, line in enumerate(lines):
        if i in bullets:
            continue
        if i in marked:
            mark = lines[marked[i]]
            box = line.box
            if len(line.box) == 4 == len(mark.box):  # reach left to the bullet, keep the line's height
                (left, _), (_, top), (_, bottom) = mark.box[0], line.box[0], line.box[3]
                box = ((left, top), line.box[1], line.box[2], (left, bottom))
            line = OcrLine(text=f"{mark.text.strip()} {line.text}", confidence=line.confidence, box=box)
        joined.append(line)
    return joined


def order_lines(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Return ``lines`` in reading order, lone bullets joined to their lines; lines without a
    box keep their place at the end."""
    lines = join_bullets(lines)
    items = _items(lines)
    if not items:
        return list(lines)
    min_gap = 1.2 * median(it.height for it in items)
    ordered = [lines[it.index] for it in _order(items, lines, min_gap)]
    boxed = {it.index for it in items}
    return ordered + [line for i, line in enumerate(lines) if i not in boxed]


def group_rows(lines: Sequence[OcrLine]) -> list[list[OcrLine]]:
    """Group lines already in reading order into visual rows (cells of one table row together).

    A line joins the row before it when it sits on the same height and to its right;
    a line without a box is a row of its own.
    """
    items = {it.index: it for it in _items(lines)}
    rows: list[list[OcrLine]] = []
    previous: _Item | None = None
    for i, line in enumerate(lines):
        item = items.get(i)
        joins = (
            item is not None and previous is not None and rows
            and _same_row(previous, item) and item.x0 >= previous.x1 - 0.5 * item.height
        )
        if joins:
            rows[-1].append(line)
        else:
            rows.append([line])
        previous = item
    return rows
