"""Parse the rows of a routine out of what OCR read on a card.

Handles what real cards say: plain, bulleted and numbered lists (``Barbell row 4 x 8``),
tables with a header row (Exercise | Sets | Reps | Rest), two columns ("Day A" beside
"Day B", read column by column), the set/rep notations ``3 x 10``, ``3x10``, ``3 × 8–12``,
``3 sets of 10``, ``4 sets x 8 reps``, ``AMRAP``, holds (``3 x 30 s``) and rests
(``90 s``, ``90sec``, ``1:30``, ``2 min``). A rest written on its own line ("Rest 90 s
between sets") applies to every row without its own. Headings, notes and footers carry
no sets or reps and are not exercises. Rows that OCR was unsure of are flagged, not
dropped. Pure functions; imports only the OCR records and layout.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from scraper.ocr.layout import group_rows
from scraper.ocr.records import ImageReading, OcrLine, RoutineRow

__all__ = ["LOW_CONFIDENCE", "PARSER_VERSION", "parse_rest", "parse_routine"]

PARSER_VERSION = 1
# A row with a line read below this confidence is flagged low_confidence.
LOW_CONFIDENCE = 0.8

_SECOND_UNITS = r"s|sec|secs|second|seconds|\""
_DISTANCE_UNITS = r"m|meters|metres|yd|yds|yards|km"
_SECONDS = rf"(?:{_SECOND_UNITS})"
_MINUTES = r"(?:min|mins|minute|minutes|m|')"
_DISTANCE = rf"(?:{_DISTANCE_UNITS})"
# A duration: 1:30 | 2 min | 1 min 30 s | 1.5 min | 90 s | 90sec
_DURATION = re.compile(
    rf"(?<![\d:])(?:(?P<mm>\d{{1,2}}):(?P<ss>[0-5]\d)(?!\d)"
    rf"|(?P<m>\d+(?:[.,]\d+)?)\s*{_MINUTES}(?![a-z])(?:\s*(?P<s2>\d+)\s*{_SECONDS}?(?![a-z]))?"
    rf"|(?P<s>\d+)\s*{_SECONDS}(?![a-z]))",
    re.IGNORECASE,
)
_DUR = re.sub(r"\?P<\w+>", "?:", _DURATION.pattern)  # the same without named groups
_REST_FILLER = frozenset(["between", "all", "each", "the", "sets", "set", "exercises", "exercise", "rounds", "round", "after", "and", "periods", "period", "of", "time"])
_REST_WORD = re.compile(r"\b(?:rest|recovery|pause|break)\b", re.IGNORECASE)
# "rest 90 s", "Rest: 1:30", "rest between sets 2 min", "90 s rest"
_REST = re.compile(
    rf"\b(?:rest|recovery|pause|break)\b[^\d\n]{{0,30}}?(?:{_DUR})"
    rf"|(?:{_DUR})\s*(?:of\s+)?(?:rest|recovery|pause|break)\b",
    re.IGNORECASE,
)
_RANGE_STOP = rf"(?!\d)(?!\s*(?:{_SECONDS}|{_MINUTES})(?![a-z])|:\d)"
_REPS = (
    rf"(?:\d+(?:-\d+|\s-\s?\d+{_RANGE_STOP}|\s?-\s\d+{_RANGE_STOP})?"
    rf"(?:\s*(?:{_SECONDS}|min|mins|minutes|{_DISTANCE})(?![a-z]))?"
    rf"|amrap|max|failure)"
)
_PER_SIDE = r"(?:\s*(?:/\s*|each\s+|per\s+)(?:side|leg|arm))?"
# One set/rep scheme; the named groups say which notation matched.
_SCHEME = re.compile(
    rf"(?<![\w.])(?P<sets>\d{{1,2}})\s*(?:(?:set'?s?'?\s*)?(?:x|by)|set'?s?'?\s*of)\s*(?P<reps>{_REPS}){_PER_SIDE}"
    rf"(?:\s*reps?\b)?"
    rf"|(?<![\w.])(?P<sets2>\d{{1,2}})\s*set'?s?'?\s*[,:/]?\s*(?:of\s+)?(?P<reps2>{_REPS})\s*reps?\b"
    rf"|(?<![\w.])(?P<reps3>\d+(?:-\d+)?)\s*reps\b",
    re.IGNORECASE,
)
# sets and reps side by side, "x" lost: only at the end of a line (see _bare_scheme)
_BARE_SCHEME = re.compile(rf"(?<![\w.])(?P<sets>\d{{1,2}})\s+(?P<reps>{_REPS})(?:\s*reps?\b)?",
                          re.IGNORECASE)
_BULLET = re.compile(
    r"^\s*(?:[•·▪►▸‣◦●○■□✓✔*+>~\-]+|\(?\d{1,2}[.):]|\(\d{1,2}\)|[A-H]\d{1,2}[.):]?"
    r"|\d{1,2}(?=\s+(?!(?:x|sets?|reps?|of|by)\b)[^\W\d_]{2}))\s*"
)
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_TRIM = " \t:;,.-|@=/()[]"
_HEADER_KINDS = {
    "exercise": "exercise", "exercises": "exercise", "movement": "exercise",
    "movements": "exercise", "lift": "exercise", "name": "exercise",
    "sets": "sets", "set": "sets", "reps": "reps", "rep": "reps", "repetitions": "reps",
    "rest": "rest", "recovery": "rest",
}


@dataclass(frozen=True)
class _Row:
    """One visual row of the card: its cells, their x centres and the lowest confidence."""

    cells: tuple[str, ...]
    centres: tuple[float | None, ...]
    confidence: float
    height: float | None = None  # of the tallest box, pixels

    @property
    def text(self) -> str:
        return " ".join(self.cells)


@dataclass(frozen=True)
class _Column:
    kind: str  # exercise / sets / reps / rest / scheme / other
    centre: float | None
    minutes: bool = False  # a rest column in minutes ("Rest (min)")


def _normalise(text: str) -> str:
    """Fold the typography of cards to plain ASCII where it matters (×, en dashes, quotes)."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("×", "x"), ("✕", "x"), ("✖", "x"), ("–", "-"), ("—", "-"), ("‒", "-"),
                 ("−", "-"), ("’", "'"), ("‘", "'"), ("″", '"'), ("“", '"'), ("”", '"')):
        text = text.replace(a, b)
    return _repair_digits(re.sub(r"\s+", " ", text).strip())


_CONFUSED = str.maketrans("oOIl|ig", "0011119")
# A number with letters OCR often reads for digits ("2o", "1O", "9osec").
_MIXED_NUMBER = re.compile(
    r"(?:(?<![^\W\d_])|(?<=\d[xX]))(?=[0-9oOIl|]*\d)[0-9oOIl|]+(?=(?:s|sec|secs|seconds|min|mins|reps?|x)?(?![^\W\d_]))"
)
# A number read as letters alone, where only a number can stand ("x io", "rest gosec").
_LETTER_NUMBER = re.compile(
    r"(\b(?:x|rest:?)\s*)([oOIlig]{1,3})(?=(?:s|sec|secs|seconds|min|mins|reps?)?(?![^\W\d_]))",
    re.IGNORECASE,
)


def _repair_digits(text: str) -> str:
    """Repair digits OCR read as look-alike letters where a number stands ("3x1O" -> "3x10")."""
    text = _MIXED_NUMBER.sub(lambda m: m.group(0).translate(_CONFUSED), text)
    return _LETTER_NUMBER.sub(lambda m: m.group(1) + m.group(2).translate(_CONFUSED), text)


def _seconds(match: re.Match[str]) -> int:
    if match.group("mm"):
        return int(match.group("mm")) * 60 + int(match.group("ss"))
    if match.group("m"):
        extra = int(match.group("s2")) if match.group("s2") else 0
        return round(float(match.group("m").replace(",", ".")) * 60) + extra
    return int(match.group("s"))


def parse_rest(text: str, *, bare_unit: int = 0) -> int | None:
    """Return the seconds of the first duration in ``text`` ("90 s", "1:30", "2 min").

    ``bare_unit`` (1 or 60) lets a bare number count as seconds or minutes (a Rest column).
    """
    text = _normalise(text)
    match = _DURATION.search(text)
    if match:
        return _seconds(match)
    bare = re.fullmatch(r"\s*(\d+)\s*", text)
    if bare and bare_unit:
        return int(bare.group(1)) * bare_unit
    return None


def _rest_in(text: str) -> tuple[int | None, re.Match[str] | None]:
    """Find a rest ("rest 90 s", "2 min rest") in text; its seconds and the match."""
    match = _REST.search(text)
    if not match:
        return None, None
    inner = _DURATION.search(match.group(0))
    return (_seconds(inner) if inner else None), match


def _reps(text: str) -> str | None:
    """Normalise a rep count: "8 - 12" -> "8-12", "30sec" -> "30 s", "amrap" -> "AMRAP"."""
    text = _normalise(text).strip(_TRIM).lower()
    if not text or text in {"-", "x"}:
        return None
    if text in {"amrap", "max", "failure"}:
        return "AMRAP" if text == "amrap" else text
    match = re.fullmatch(
        rf"(\d+)(?:\s*-\s*(\d+))?\s*({_SECOND_UNITS}|min|mins|minutes|{_DISTANCE_UNITS})?"
        rf"\s*(?:reps?)?\s*((?:/\s*|each\s+|per\s+)(?:side|leg|arm))?",
        text,
    )
    if not match:
        return text
    low, high, unit, side = match.groups()
    count = f"{low}-{high}" if high else low
    if unit:
        unit = unit.lower()
        short = ("s" if unit in {"s", "sec", "secs", "second", "seconds", '"'}
                 else "min" if unit.startswith("min") else unit)
        count = f"{count} {short}"
    if side:
        count += " per " + side.split()[-1].strip("/ ")
    return count


def _name(text: str) -> str:
    """Clean an exercise name: no bullet, no separators at either end, single spaces."""
    text = _BULLET.sub("", text, count=1)
    text = re.sub(r"(^|\s)['`\"]+(?=\w)", r"\1", text)  # stray quote marks before a word
    text = re.sub(r"(?:\s+(?:sets?|x|of|reps?))+\s*$", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip(_TRIM + " '`\"")


@dataclass(frozen=True)
class _Parsed:
    exercise: str
    sets: int | None
    reps: str | None
    rest: int | None


def _rest_after(after: str) -> tuple[int | None, tuple[int, int] | None]:
    """Find the rest written after a scheme: seconds and its span within ``after``."""
    rest, match = _rest_in(after)
    if match is not None:
        return rest, match.span()
    # a duration right after the scheme, maybe behind a misread word ("Eest 2:00")
    bare = re.match(rf"^[\s,;|@/(-]*(?:[^\W\d_]{{1,6}}\s*:?\s*)?(?:{_DUR})", after, re.IGNORECASE)
    if bare:
        inner = _DURATION.search(bare.group(0))
        return (_seconds(inner) if inner else None), bare.span()
    return None, None


def _bare_scheme(text: str) -> re.Match[str] | None:
    """Find "Name 3 10" at the end of a line: a scheme whose "x" OCR dropped."""
    for match in _BARE_SCHEME.finditer(text):
        after = text[match.end():]
        _, span = _rest_after(after)
        if span is not None:
            after = after[:span[0]] + after[span[1]:]
        if _LETTERS.search(text[:match.start()]) and not re.search(r"\w", after):
            return match
    return None


def _parse_line(text: str) -> list[_Parsed]:
    """Parse exercises with a set/rep scheme out of one line (two when columns ran together)."""
    text = _normalise(text)
    matches = list(_SCHEME.finditer(text))
    if not matches:
        bare = _bare_scheme(text)
        matches = [bare] if bare else []
    found: list[_Parsed] = []
    start = 0
    for k, match in enumerate(matches):
        groups = match.groupdict()
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        before, after = text[start:match.start()], text[match.end():end]
        rest, span = _rest_after(after)
        leftover = after if span is None else after[:span[0]] + " " + after[span[1]:]
        sets = groups.get("sets") or groups.get("sets2")
        if not sets and _LETTERS.search(leftover):
            continue  # "keep 1-2 reps in reserve": a note, not a rep count
        name = _name(before)
        if not _LETTERS.search(name):
            name = _name(leftover) if k + 1 == len(matches) else ""  # "3 x 10 Push-ups"
        start = match.end() + (span[1] if span is not None else 0)
        if not _LETTERS.search(name):
            continue
        reps = groups.get("reps") or groups.get("reps2") or groups.get("reps3")
        side = re.search(r"(?:/\s*|each\s+|per\s+)(side|leg|arm)", match.group(0), re.IGNORECASE)
        reps_text = _reps(reps) if reps else None
        if reps_text and side:
            reps_text += f" per {side.group(1).lower()}"
        found.append(_Parsed(name, int(sets) if sets else None, reps_text, rest))
    return found


def _header(row: _Row) -> list[_Column] | None:
    """Return the columns of a table header row (Exercise | Sets | Reps | Rest), else None."""
    if re.search(r"\d", row.text.replace("(s)", "")) or len(_LETTERS.findall(row.text)) > 8:
        return None
    cells: list[tuple[str, float | None]] = []
    for cell, centre in zip(row.cells, row.centres, strict=True):
        parts = [p for p in re.split(r"\s*\|\s*", cell) if p.strip()]
        if len(parts) > 1 or len(row.cells) == 1:
            words = parts if len(parts) > 1 else cell.split()
            cells.extend((part, None) for part in words)
        else:
            cells.append((cell, centre))
    columns = []
    for cell, centre in cells:
        words = [w.lower() for w in _LETTERS.findall(cell)]
        kinds = [_HEADER_KINDS[w] for w in words if w in _HEADER_KINDS]
        kind = "scheme" if {"sets", "reps"} <= set(kinds) else (kinds[0] if kinds else "other")
        minutes = kind == "rest" and bool(re.search(r"\bmin", cell, re.IGNORECASE))
        columns.append(_Column(kind, centre, minutes))
    known = [c.kind for c in columns if c.kind != "other"]
    if len(set(known)) < 2 or not ({"sets", "reps", "scheme"} & set(known)):
        return None
    if len(row.cells) == 1 and len(columns) > 1:
        columns = [_Column(c.kind, None, c.minutes) for c in columns]
    return columns


def _table_row(row: _Row, columns: list[_Column]) -> _Parsed | None:
    """Read one table row against the header's columns; None when it holds no sets or reps."""
    cells: list[tuple[str, float | None]] = []
    for cell, centre in zip(row.cells, row.centres, strict=True):
        parts = [p for p in re.split(r"\s*\|\s*", cell) if p.strip()]
        cells.extend((p, None) for p in parts) if len(parts) > 1 else cells.append((cell, centre))
    values: dict[str, str] = {}
    if len(cells) == len(columns):
        for (cell, _), column in zip(cells, columns, strict=True):
            values.setdefault(column.kind, cell)
    elif all(c.centre is not None for c in columns) and all(x is not None for _, x in cells):
        for cell, x in cells:
            nearest = min(columns, key=lambda c: abs((c.centre or 0.0) - (x or 0.0)))
            values[nearest.kind] = (values.get(nearest.kind, "") + " " + cell).strip()
    else:
        return _sequential(row.text, columns)
    return _from_cells(values, columns)


def _sequential(text: str, columns: list[_Column]) -> _Parsed | None:
    """Read a table row whose cells ran together: the name, then the values in column order."""
    text = _normalise(text)
    first = re.search(r"(?<![\w])(\d|amrap\b|max\b)", text, re.IGNORECASE)
    if not first:
        return None
    values = {"exercise": text[:first.start()]}
    rest_text = text[first.start():]
    for column in columns:
        if column.kind in ("exercise", "other"):
            continue
        pattern = {
            "sets": r"\d{1,2}(?![\d:-])",
            "reps": _REPS,
            "scheme": _SCHEME.pattern,
            "rest": rf"{_DUR}|\d+",
        }[column.kind]
        match = re.match(rf"\s*[|,;]?\s*(?:{pattern})", rest_text, re.IGNORECASE)
        if match:
            values[column.kind] = match.group(0)
            rest_text = rest_text[match.end():]
    return _from_cells(values, columns)


def _cell_number(text: str) -> str:
    """Repair a table cell that OCR read as look-alike letters only ("IO" -> "10")."""
    stripped = text.strip()
    if re.fullmatch(r"[oOIlig]{1,3}", stripped):
        return stripped.translate(_CONFUSED)
    return text


def _from_cells(values: dict[str, str], columns: list[_Column]) -> _Parsed | None:
    name = _name(_normalise(values.get("exercise", "")))
    if not _LETTERS.search(name):
        return None
    values = {kind: value if kind == "exercise" else _cell_number(value)
              for kind, value in values.items()}
    sets_match = re.search(r"\d+", values.get("sets", ""))
    sets = int(sets_match.group(0)) if sets_match else None
    reps = _reps(values["reps"]) if values.get("reps") else None
    if values.get("scheme"):
        scheme = _SCHEME.search(_normalise(values["scheme"]))
        if scheme:
            raw_sets = scheme.group("sets") or scheme.group("sets2")
            sets = int(raw_sets) if raw_sets else sets
            raw = scheme.group("reps") or scheme.group("reps2") or scheme.group("reps3")
            reps = _reps(raw) if raw else reps
    if sets is None and reps is None:
        return None
    unit = 60 if any(c.kind == "rest" and c.minutes for c in columns) else 1
    rest = parse_rest(values["rest"], bare_unit=unit) if values.get("rest") else None
    return _Parsed(name, sets, reps, rest)


def _height(line: OcrLine) -> float:
    """Return the height of a line's box along its own slant (left edge), pixels."""
    (x0, y0), (x3, y3) = line.box[0], line.box[3]
    return math.hypot(x3 - x0, y3 - y0)


def _rows(lines: Sequence[OcrLine]) -> list[_Row]:
    rows = []
    for group in group_rows(lines):
        centres = tuple(
            (min(x for x, _ in line.box) + max(x for x, _ in line.box)) / 2 if line.box else None
            for line in group
        )
        heights = [_height(line) for line in group if len(line.box) == 4]
        rows.append(_Row(tuple(line.text for line in group), centres,
                         min(line.confidence for line in group),
                         max(heights) if heights else None))
    return rows


def _card_rest(row: _Row) -> int | None:
    """Return the seconds of a card-level rest line ("Rest 90 s between sets"), else None."""
    if _SCHEME.search(_normalise(row.text)):
        return None
    text = _BULLET.sub("", _normalise(row.text), count=1)
    if not _REST_WORD.search(text):
        return None
    rest, match = _rest_in(text)
    if match is None:
        return None
    outside = text[:match.start()] + " " + text[match.end():]
    if re.search(r"\d", outside):
        return None  # "5 8-12, rest 90 s": a scheme OCR garbled, not the card's rest
    others = _LETTERS.findall(outside)
    if _REST_WORD.match(text) or all(w.lower() in _REST_FILLER for w in others):
        return rest
    return None


def _headings(rows: list[_Row]) -> set[int]:
    """Return the indexes of rows set in a larger type than the card's body (titles)."""
    heights = sorted(r.height for r in rows if r.height)
    if len(heights) < 4:
        return set()
    body = heights[len(heights) // 2]
    found = {i for i, r in enumerate(rows) if r.height and r.height > 1.35 * body}
    if rows[0].height and rows[0].height > 1.15 * body:  # a title on top, a size up
        found.add(0)
    return found


def parse_routine(reading: ImageReading) -> list[RoutineRow]:
    """Return the exercise rows of a routine card, in card order (1-based positions)."""
    rows = _rows(reading.lines)
    parsed: list[tuple[_Parsed, _Row]] = []
    card_rest: int | None = None
    columns: list[_Column] | None = None
    pending: _Row | None = None  # a name alone on its line, waiting for its scheme below
    headings = _headings(rows)
    for index, row in enumerate(rows):
        if index in headings:
            pending = None
            continue
        header = _header(row)
        if header is not None:
            columns, pending = header, None
            continue
        rest = _card_rest(row)
        if rest is not None:
            card_rest = card_rest if card_rest is not None else rest
            pending = None
            continue
        items: list[_Parsed] = []
        if columns is not None:
            item = _table_row(row, columns)
            items = [item] if item else []
        if not items:
            items = _parse_line(row.text)
        if not items and pending is not None:
            items = _parse_line(pending.text + " " + row.text)
            if items:
                row = _Row(pending.cells + row.cells, pending.centres + row.centres,
                           min(pending.confidence, row.confidence))
        if items:
            parsed.extend((item, row) for item in items)
            pending = None
        else:
            pending = row if _LETTERS.search(row.text) and not row.text.rstrip().endswith(":") \
                else None
    result = []
    for position, (item, row) in enumerate(parsed, start=1):
        rest = item.rest if item.rest is not None else card_rest
        result.append(RoutineRow(
            position=position, exercise=item.exercise, sets=item.sets, reps=item.reps,
            rest_seconds=rest, source_line=row.text,
            low_confidence=row.confidence < LOW_CONFIDENCE,
        ))
    return result
