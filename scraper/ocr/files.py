"""Read image files directly (no archive): one JSON-ready object per file, for checking cards.

Imports the OCR engine, records and routine parser.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from scraper.ocr.engine import OcrEngine, OcrImageError
from scraper.ocr.records import ImageReading
from scraper.ocr.routine import parse_routine

__all__ = ["error_json", "read_files_json", "reading_json"]


def reading_json(file: str, reading: ImageReading) -> dict[str, Any]:
    """Return the JSON object of one read file: text, lines with boxes, parsed rows."""
    return {
        "file": file,
        "text": reading.text,
        "lines": [
            {"text": line.text, "confidence": line.confidence,
             "box": [[x, y] for x, y in line.box]}
            for line in reading.lines
        ],
        "rows": [
            {"exercise": row.exercise, "sets": row.sets, "reps": row.reps,
             "rest_seconds": row.rest_seconds}
            for row in parse_routine(reading)
        ],
    }


def read_files_json(paths: Iterable[str | Path], *,
                    engine: OcrEngine | None = None) -> Iterator[dict[str, Any]]:
    """Read each image file with OCR and yield its JSON object, in the order given.

    A file that cannot be read or is not an image yields ``{"file", "error"}`` (a
    one-line message) and the next file is read. The engine (models loaded once) is
    built on first use unless one is passed.

    :raises OcrUnavailable: the OCR extra is not installed.
    """
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            yield error_json(str(path), f"cannot read the file: {exc.strerror or exc}")
            continue
        engine = engine or OcrEngine()
        try:
            reading = engine.read(data)
        except OcrImageError as exc:
            yield error_json(str(path), str(exc))
            continue
        yield reading_json(str(path), reading)


def error_json(file: str, error: str) -> dict[str, Any]:
    """Return the JSON object of a file that could not be read."""
    return {"file": file, "error": error}
