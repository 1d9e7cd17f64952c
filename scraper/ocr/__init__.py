"""Routine-card OCR: read the text of archived images and parse routines out of it.

The engine needs the optional extra ``fitarchive[ocr]``; records, layout and the
routine parser work without it. Imports ``scraper.errors`` and third-party libraries.
"""

from __future__ import annotations

from scraper.ocr.engine import OcrEngine, OcrImageError, OcrUnavailable, ocr_available
from scraper.ocr.records import ImageReading, OcrLine, RoutineRow

__all__ = [
    "ImageReading",
    "OcrEngine",
    "OcrImageError",
    "OcrLine",
    "OcrUnavailable",
    "RoutineRow",
    "ocr_available",
]
