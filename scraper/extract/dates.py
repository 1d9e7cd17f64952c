"""Turn the date strings found in pages and REST answers into UTC datetimes.

A result is always timezone-aware UTC. A string without an offset gives None
unless the caller knows its zone (``assume_utc``), because guessing a blog's
local zone would silently shift times. Imports python-dateutil only.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dateutil import parser as date_parser

__all__ = ["parse_date", "parse_loose_date"]


def _to_utc(value: datetime, assume_utc: bool) -> datetime | None:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC) if assume_utc else None
    return value.astimezone(UTC)


def parse_date(text: str | None, *, assume_utc: bool = False) -> datetime | None:
    """Parse an ISO 8601 timestamp (``2024-02-11T09:30:00+01:00``) to UTC.

    ``assume_utc`` treats a string without offset as UTC (REST ``date_gmt``).
    Returns None for empty, unparseable or zone-less input.
    """
    if not text:
        return None
    text = text.strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        try:
            value = date_parser.isoparse(text)
        except (ValueError, OverflowError):
            return parse_loose_date(text, assume_utc=assume_utc)
    return _to_utc(value, assume_utc)


def parse_loose_date(text: str | None, *, assume_utc: bool = False) -> datetime | None:
    """Parse free text ("February 11, 2024 at 9:30 am +01:00") with dateutil.

    Returns None when the text holds no date or, unless ``assume_utc``, no offset.
    """
    if not text or not any(ch.isdigit() for ch in text):
        return None
    try:
        value, _skipped = date_parser.parse(text, fuzzy_with_tokens=True)
    except (ValueError, OverflowError, TypeError):
        return None
    return _to_utc(value, assume_utc)
