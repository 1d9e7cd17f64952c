"""The only wiring: open the archive, start the helpers, run the scheduler; and re-extraction.

``crawl_many()`` takes the archive's lock, starts the run's downloader,
parser process and archive writer, and hands the blogs to the ``Scheduler``;
``crawl()`` is a schedule of one blog. ``reextract()`` rebuilds posts from
stored raw pages with the sources' own assembly code, offline.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlite_utils import Database

from scraper import store
from scraper.config import Settings, SiteConfig
from scraper.fetch import Downloader, pool_size
from scraper.helper import HelperProcess
from scraper.scheduler import CrawlReport, ScheduleReport, Scheduler, parse_since
from scraper.sources import Event, ParserHolder, replay_site
from scraper.writer import ArchiveWriter

__all__ = ["CrawlReport", "ScheduleReport", "crawl", "crawl_async", "crawl_many", "crawl_many_async", "reextract"]

log = logging.getLogger(__name__)


def crawl(
    db_path: Path,
    seed_url: str,
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_event: Event | None = None,
) -> CrawlReport:
    """Crawl one blog into the archive at ``db_path`` (blocking).

    :raises ScraperError: for problems that stop the whole run (bad database,
        unreachable site, robots.txt forbids it, not a blog, lock held).
    """
    return asyncio.run(crawl_async(db_path, seed_url, settings, transport=transport, on_event=on_event))


async def crawl_async(
    db_path: Path,
    seed_url: str,
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_event: Event | None = None,
) -> CrawlReport:
    """Async form of :func:`crawl`: a schedule of one blog whose failure is raised."""
    report = await crawl_many_async(db_path, [SiteConfig(url=seed_url, settings=settings)], transport=transport,
                                    on_event=on_event)
    single = report.blogs[0]
    if single.error is not None:
        raise single.error
    return single


def crawl_many(
    db_path: Path,
    sites: list[SiteConfig],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_event: Event | None = None,
) -> ScheduleReport:
    """Crawl every blog of ``sites`` side by side into the archive at ``db_path`` (blocking).

    A blog that fails is reported in its ``CrawlReport``; only problems of the
    archive itself (and bad usage) are raised.

    :raises ScraperError: bad database, lock held, disk full, a bad --since date.
    """
    return asyncio.run(crawl_many_async(db_path, sites, transport=transport, on_event=on_event))


async def crawl_many_async(
    db_path: Path,
    sites: list[SiteConfig],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_event: Event | None = None,
) -> ScheduleReport:
    """Async form of :func:`crawl_many`."""
    if not sites:
        return ScheduleReport([])
    for site in sites:
        parse_since(site.settings.since)  # bad usage stops the run before it starts
    db_path = Path(db_path)
    first = sites[0].settings
    active = max(1, min(first.max_active_blogs, len(sites)))
    with store.ArchiveLock(db_path):
        db = store.open_db(db_path)
        try:
            store.remove_partial_image_files(db_path.parent)
            store.close_interrupted_runs(db)
            downloader = Downloader(max_in_flight=first.max_in_flight,
                                    connections=min(first.max_in_flight, pool_size(first, active)),
                                    transport=transport)
            try:
                every = [site.settings for site in sites]
                with _parser_pool(*every) as parser, _archive_writer(db, db_path, *every) as archive_writer:
                    async with archive_writer.offloaded():
                        scheduler = Scheduler(sites, downloader, archive_writer, ParserHolder(parser),
                                              db_path.parent, max_active_blogs=active, on_event=on_event)
                        return await scheduler.run()
            finally:
                await downloader.aclose()
        except sqlite3.OperationalError as exc:  # disk full, I/O error, read-only: stops the run
            raise store.storage_error(db_path, exc) from None
        finally:
            db.close()


def _is_fast(settings: Settings) -> bool:
    """A crawl with no politeness delay and several requests in flight (a local or own site)."""
    return settings.unpaced and settings.concurrency >= 4


def _helpers_pay(*settings: Settings) -> bool:
    """Whether parser and writer processes are worth it: a fast crawl with a second core to use."""
    return any(_is_fast(one) for one in settings) and (os.cpu_count() or 1) > 1


@contextmanager
def _parser_pool(*settings: Settings) -> Iterator[HelperProcess | None]:
    """A parser process for HTML extraction when a fast crawl can use a second core.

    Polite crawls (the default delay) spend their time waiting, so they parse
    in the event loop; ``parse_workers`` (0 or 1) of the first site overrides the choice.
    """
    workers = settings[0].parse_workers
    if workers is None:
        workers = 1 if _helpers_pay(*settings) else 0
    if workers <= 0:
        yield None
        return
    # Forked now, before the crawl opens any connection, so the parser process
    # holds no copy of a socket that the crawl later closes or resets.
    parser = HelperProcess(name="fitarchive-parser")
    try:
        yield parser
    finally:
        parser.close()


@contextmanager
def _archive_writer(db: Database, db_path: Path, *settings: Settings) -> Iterator[ArchiveWriter]:
    """The run's database writer: with a writer process for fast crawls on 2+ cores."""
    fast = any(_is_fast(one) for one in settings)
    archive_writer = ArchiveWriter(db, db_path, max_items=50 if fast else 1, use_process=_helpers_pay(*settings))
    try:
        yield archive_writer
    finally:
        archive_writer.close()


def reextract(db_path: Path, *, on_event: Event | None = None) -> store.RunCounts:
    """Rebuild posts, images and comments from the raw pages kept in the archive.

    Works offline: nothing is fetched. Comments are merged, never marked
    deleted, because the stored pages may not be the whole thread.
    """
    counts = store.RunCounts()
    db_path = Path(db_path)
    with store.ArchiveLock(db_path):
        db = store.open_db(db_path)
        try:
            for site_id, base_url in store.archived_sites(db):

                def pages(kind: str, site_id: int = site_id) -> Iterator[tuple[str, bytes, str]]:
                    return store.stored_pages(db, site_id, kind)

                for post, comments in replay_site(pages, base_url):
                    result = store.save_post(db, site_id=site_id, site_base_url=base_url, post=post,
                                             comments=comments, comments_complete=False)
                    counts.count_post(result)
                    if on_event is not None:
                        on_event("post", {"url": post.url, "title": post.title, "status": result.status})
        finally:
            db.close()
    return counts

