"""fitarchive: archive fitness blogs (posts, routine images, comment threads) into SQLite.

The public surface is small: ``crawl`` (run one site into an archive),
``open_db`` (open or create an archive), ``Settings`` and ``CrawlReport``.
They are loaded on first use so that importing a leaf module stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CrawlReport", "Settings", "crawl", "open_db"]

_HOMES = {
    "CrawlReport": "scraper.pipeline",
    "crawl": "scraper.pipeline",
    "Settings": "scraper.config",
    "open_db": "scraper.store",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'scraper' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
