"""Which stored posts get their comment threads re-read on a scheduled run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scraper.config import Settings
from scraper.sources._recheck import thread_due as _thread_due

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def row(published_days_ago: float, checked_days_ago: float | None) -> dict[str, str | None]:
    checked = None if checked_days_ago is None else (NOW - timedelta(days=checked_days_ago)).isoformat()
    return {"published_at": (NOW - timedelta(days=published_days_ago)).isoformat(), "comments_checked_at": checked}


def test_young_posts_are_rechecked_every_run() -> None:
    assert _thread_due(row(3, 0.01), NOW, Settings())


def test_old_posts_wait_for_the_weekly_recheck() -> None:
    assert not _thread_due(row(400, 1), NOW, Settings())
    assert _thread_due(row(400, 8), NOW, Settings())


def test_never_checked_posts_are_due() -> None:
    assert _thread_due(row(400, None), NOW, Settings())


def test_windows_come_from_the_settings() -> None:
    assert not _thread_due(row(3, 0.01), NOW, Settings(recheck_comments_days=1))
    assert _thread_due(row(400, 2), NOW, Settings(full_recheck_days=1))
