"""Build OCR readings by hand for parser and layout tests: text placed at (x, y) on a card."""

from __future__ import annotations

from scraper.ocr.records import ImageReading, OcrLine

CHAR_WIDTH = 12.0
LINE_HEIGHT = 28.0


def line(text: str, x: float = 20.0, y: float = 20.0, confidence: float = 0.97) -> OcrLine:
    """Return an OCR line whose box is as wide as its text, top-left corner at (x, y)."""
    x1, y1 = x + CHAR_WIDTH * len(text), y + LINE_HEIGHT
    return OcrLine(text=text, confidence=confidence, box=((x, y), (x1, y), (x1, y1), (x, y1)))


def listing(*texts: str, confidence: float = 0.97) -> ImageReading:
    """Return a reading of one text per row, top to bottom."""
    return reading([line(t, y=20 + 45 * i, confidence=confidence) for i, t in enumerate(texts)])


def table(*rows: tuple[str, ...], xs: tuple[float, ...] = (20, 330, 430, 530)) -> ImageReading:
    """Return a reading of a table: each row's cells are separate boxes at the column xs."""
    lines = [line(cell, x=xs[c], y=20 + 45 * r)
             for r, cells in enumerate(rows) for c, cell in enumerate(cells) if cell]
    return reading(lines)


def reading(lines: list[OcrLine]) -> ImageReading:
    return ImageReading.from_lines(lines, engine="test", engine_version="0")
