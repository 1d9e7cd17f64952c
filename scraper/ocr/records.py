"""Typed records of routine-card OCR: what an image says and the routine rows parsed from it.

Imports nothing from the project.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ImageReading", "OcrLine", "RoutineRow"]

Point = tuple[float, float]


@dataclass(frozen=True)
class OcrLine:
    """One line of text found in an image.

    ``box`` holds the corner points ``(x, y)`` in pixels of the original image,
    clockwise from the top left (four points from the OCR engine; empty when unknown).
    """

    text: str
    confidence: float  # 0..1
    box: tuple[Point, ...]


@dataclass(frozen=True)
class ImageReading:
    """Everything an OCR engine read in one image.

    ``lines`` are in reading order (a two-column card is read column by column,
    the cells of a table row left to right); ``text`` is those lines joined with
    newlines. An image without text has no lines, ``text == ""`` and
    ``mean_confidence is None``.
    """

    lines: tuple[OcrLine, ...]
    text: str
    mean_confidence: float | None
    engine: str  # e.g. "rapidocr"
    engine_version: str  # package version + model names

    @classmethod
    def from_lines(cls, lines: tuple[OcrLine, ...] | list[OcrLine], *, engine: str,
                   engine_version: str) -> ImageReading:
        """Build a reading whose text and mean confidence follow from ``lines``."""
        kept = tuple(lines)
        mean = sum(line.confidence for line in kept) / len(kept) if kept else None
        return cls(lines=kept, text="\n".join(line.text for line in kept),
                   mean_confidence=mean, engine=engine, engine_version=engine_version)


@dataclass(frozen=True)
class RoutineRow:
    """One exercise of a routine card.

    ``reps`` is the text of the rep count ("10", "8-12", "AMRAP", "30 s");
    ``sets``, ``reps`` and ``rest_seconds`` are None when the card does not say.
    ``low_confidence`` flags a row whose OCR was unsure; such rows are kept.
    """

    position: int  # 1-based order on the card
    exercise: str
    sets: int | None
    reps: str | None
    rest_seconds: int | None
    source_line: str  # the OCR text the row came from
    low_confidence: bool
