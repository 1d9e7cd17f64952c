"""Routine-card OCR: read the text of archived images and parse routines out of it.

The engine needs the optional extra ``fitarchive[ocr]``; records, layout and the
routine parser work without it. Imports ``scraper.errors`` and third-party libraries.
"""

from __future__ import annotations

from scraper.ocr.engine import OcrEngine, OcrImageError, OcrUnavailable, ocr_available
from scraper.ocr.files import read_files_json, reading_json
from scraper.ocr.records import ImageReading, OcrLine, RoutineRow
from scraper.ocr.routine import PARSER_VERSION, parse_routine

__all__ = [
    "PARSER_VERSION",
    "ImageReading",
    "OcrEngine",
    "OcrImageError",
    "OcrLine",
    "OcrUnavailable",
    "RoutineRow",
    "ocr_available",
    "parse_routine",
    "read_files_json",
    "reading_json",
]
