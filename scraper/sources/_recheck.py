"""When an archived post's comment thread is read again: one rule for every source.

Imports only config and the standard library.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from scraper.config import Settings

__all__ = ["parse_iso", "thread_due"]


def parse_iso(text: str | None) -> datetime | None:
    """An ISO 8601 time from the archive (naive taken as UTC), or None."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def thread_due(row: dict[str, Any], now: datetime, settings: Settings) -> bool:
    """Whether a stored post's comment thread should be re-read this run.

    Young posts (``recheck_comments_days``) every run; older ones once their
    last check is ``full_recheck_days`` old.
    """
    published = parse_iso(row["published_at"])
    checked = parse_iso(row["comments_checked_at"])
    young = published is not None and now - published < timedelta(days=settings.recheck_comments_days)
    stale = checked is None or now - checked > timedelta(days=settings.full_recheck_days)
    return young or stale
