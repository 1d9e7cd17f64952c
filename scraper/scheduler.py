"""The crawl scheduler: every blog of a run side by side, each isolated from the others.

Blogs wait in a queue; at most ``max_active_blogs`` are read at once, each by
the first source that can read it, all through one ``Downloader`` (per-host
slots, a cap on requests in flight) and one archive writer. A blog that
cannot be reached, forbids crawling, is not a blog, keeps failing or crashes
ends with its ``crawl_runs`` row saying why; the others go on. Only a failing
archive (disk full, I/O error) or an interruption stops the whole run.

Imports sources, writer, fetch, store and the leaves.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scraper import store, writer
from scraper.config import SiteConfig
from scraper.errors import NotABlogError, RobotsDisallowed, ScraperError, StorageError, UnreachableError, UsageError
from scraper.extract import detect_platform
from scraper.extract.site import extract_site_info
from scraper.fetch import Downloader, Fetcher, check_reachable
from scraper.sources import SOURCES, Blog, Event, ParserHolder, run_together
from scraper.urls import host_key, site_root
from scraper.writer import ArchiveWriter

__all__ = ["CrawlReport", "ScheduleReport", "Scheduler", "parse_since"]

log = logging.getLogger(__name__)

TICK_S = 0.5  # how often the scheduler reports its state to the observer


@dataclass
class CrawlReport:
    """The outcome of one blog in a run."""

    run_id: int
    site_url: str
    status: str  # "ok", "partial" or "failed"
    counts: store.RunCounts
    mode: str = ""
    message: str | None = None
    error: ScraperError | None = field(default=None, repr=False, compare=False)  # why it failed, when it did

    @property
    def exit_code(self) -> int:
        """0 when everything worked, 1 when some URLs failed or the blog could not be crawled."""
        return 0 if self.status == "ok" else 1


@dataclass
class ScheduleReport:
    """The outcome of a whole run: one report per blog, in the order they were configured."""

    blogs: list[CrawlReport]
    elapsed_s: float = 0.0
    requests: int = 0

    @property
    def exit_code(self) -> int:
        """0 when every blog succeeded, 1 when any failed or had failures."""
        return max((report.exit_code for report in self.blogs), default=0)

    @property
    def totals(self) -> store.RunCounts:
        """The counts of every blog added up."""
        total = store.RunCounts()
        for report in self.blogs:
            total.add(report.counts)
        return total


@dataclass
class Scheduler:
    """Runs a schedule of blogs over one downloader, one parser and one writer."""

    sites: list[SiteConfig]
    downloader: Downloader
    writer: ArchiveWriter
    parser: ParserHolder
    store_root: Path
    max_active_blogs: int = 16
    on_event: Event | None = None
    _queue: deque[tuple[int, SiteConfig]] = field(init=False)
    _reports: dict[int, CrawlReport] = field(default_factory=dict)
    _active: dict[int, Blog] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._queue = deque(enumerate(self.sites))

    async def run(self) -> ScheduleReport:
        """Crawl every blog; a failing blog ends only itself.

        :raises StorageError: when the archive cannot be written (the run stops).
        """
        started = time.monotonic()
        workers = max(1, min(self.max_active_blogs, len(self.sites)))
        ticker = asyncio.create_task(self._tick()) if self.on_event is not None else None
        try:
            await run_together([self._worker() for _ in range(workers)])
        finally:
            if ticker is not None:
                ticker.cancel()
        reports = [self._reports[index] for index in sorted(self._reports)]
        return ScheduleReport(reports, time.monotonic() - started, self.downloader.requests_made)

    async def _worker(self) -> None:
        while self._queue:
            index, site = self._queue.popleft()
            self._reports[index] = await self._crawl_blog(index, site)

    async def _tick(self) -> None:
        """Tell the observer, twice a second, how the run stands."""
        assert self.on_event is not None
        while True:
            await asyncio.sleep(TICK_S)
            waiting = self.downloader.busiest_wait()
            self.on_event("tick", {
                "done": len(self._reports), "active": len(self._active), "queued": len(self._queue),
                "requests": self.downloader.requests_made,
                "waiting": waiting,
                "posts": sum(blog.posts_done for blog in self._active.values()),
            })

    def _emit(self, event: str, **data: Any) -> None:
        if self.on_event is not None:
            self.on_event(event, data)

    # ------------------------------------------------------------ one blog

    async def _crawl_blog(self, index: int, site: SiteConfig) -> CrawlReport:
        base_url = site_root(site.url)
        run_id = await self.writer.store(store.start_run, site_id=None, seed_url=site.url)
        settings = site.settings
        fetcher = Fetcher(settings, allowed_hosts={host_key(base_url), *settings.image_hosts},
                          site_host=host_key(base_url), downloader=self.downloader)
        blog = Blog(seed_url=site.url, base_url=base_url, settings=settings, fetcher=fetcher, writer=self.writer,
                    parser=self.parser, store_root=self.store_root, run_id=run_id, on_event=self.on_event,
                    since=parse_since(settings.since))
        self._active[index] = blog
        self._emit("blog_started", site=base_url)
        new_site = not await blog.query(store.site_exists, base_url)
        try:
            await _open(blog)
            await _read(blog)
            await blog.download_images(None)  # images an interrupted earlier run left behind
            report = await _finish(blog)
        except (StorageError, sqlite3.Error):
            self._close_failed(blog, "the archive could not be written")
            raise
        except ScraperError as exc:
            report = self._close_failed(blog, str(exc), exc)
            if new_site and isinstance(exc, NotABlogError) and blog.site_id:
                await blog.query(store.forget_site, blog.site_id)  # a site enters the archive with its first post
        except Exception as exc:  # a crash in one blog must not cost the others
            log.exception("%s: the crawl of this blog crashed", base_url)
            message = f"{base_url}: the crawl of this blog crashed ({type(exc).__name__}: {exc})"
            report = self._close_failed(blog, message, ScraperError(message))
        except BaseException as exc:
            cause = "stopped" if isinstance(exc, asyncio.CancelledError) else type(exc).__name__
            self._close_failed(blog, f"interrupted ({cause})")
            raise
        finally:
            self._active.pop(index, None)
        self._emit("blog_done", site=base_url, report=report)
        return report

    def _close_failed(self, blog: Blog, message: str, error: ScraperError | None = None) -> CrawlReport:
        """Record a failed blog as far as the database still allows; never masks the failure.

        Runs without the event loop's help, so it also works while the run is being cancelled.
        """
        try:
            try:
                self.writer.run_now(writer.commit)  # the posts saved so far are whole; keep them
            except sqlite3.Error:
                self.writer.run_now(writer.rollback)
                raise
            finally:
                blog.counts.add(self.writer.run_now(writer.take_tally, blog.run_id))
            captures = blog.take_captures()
            if captures:
                self.writer.run_now(writer.write_captures, blog.run_id, blog.site_id or None, captures)
            self.writer.run_now(writer.call_store, store.finish_run, (blog.run_id, blog.counts),
                                {"status": "failed", "message": message})
            self.writer.run_now(writer.commit)
        except (sqlite3.Error, StorageError) as exc:  # e.g. the disk is still full; the next run marks it
            log.warning("could not record the end of run %s: %s", blog.run_id, exc)
        return CrawlReport(blog.run_id, blog.base_url, "failed", blog.counts, blog.mode, message, error)


async def _open(blog: Blog) -> None:
    """Check that the blog may and can be crawled, and learn its platform.

    :raises RobotsDisallowed: robots.txt forbids the site.
    :raises UnreachableError: the host does not answer.
    :raises NotABlogError: the home page is an error.
    """
    if not await blog.fetcher.allowed(blog.seed_url):
        raise RobotsDisallowed(f"{blog.seed_url}: robots.txt disallows crawling this site", url=blog.seed_url)
    unreachable = blog.fetcher.seems_unreachable(blog.seed_url)
    if unreachable:
        raise UnreachableError(f"{blog.seed_url}: cannot reach the site ({unreachable})", url=blog.seed_url)
    site_id = store.stable_id(blog.base_url)
    known_platform = await blog.query(store.known_platform, site_id)
    blog.site_id = site_id  # for the sources' state look-ups; the row exists once saved below
    remembered = any([await source.knows(blog) for source in SOURCES])
    name = None
    if remembered:
        platform = known_platform or "wordpress"
    elif known_platform is not None and not blog.settings.recheck_all:
        platform = known_platform  # a re-run: the home page is fetched only if discovery needs it
    else:
        home = await check_reachable(blog.fetcher, blog.seed_url)
        if not home.ok:
            raise NotABlogError(f"{blog.seed_url}: the site answered {home.error or home.status}, not a blog page")
        platform = detect_platform(home.content, home.final_url, dict(home.headers))
        name, _description = extract_site_info(home.content)
        blog.home = home
    blog.platform = platform
    await blog.query(store.save_site, base_url=blog.base_url, name=name, platform=platform)
    await blog.query(store.attach_run, blog.run_id, site_id)
    if blog.home is not None:
        blog.record(blog.home, kind="home")


async def _read(blog: Blog) -> None:
    """Read the blog with the first source that can."""
    for source in SOURCES:
        if await source.crawl(blog):
            blog.mode = source.name
            return
        log.info("%s: the %s source cannot read this blog; trying the next", blog.base_url, source.name)


async def _finish(blog: Blog) -> CrawlReport:
    """Close a blog that was read: its captures, tally, site stamp and run row."""
    await blog.flush_captures()
    await blog.writer.run(writer.commit)
    blog.counts.add(await blog.writer.run(writer.take_tally, blog.run_id))
    # Posts not read again because nothing said they changed count as unchanged too.
    archived = await blog.query(store.site_post_count, blog.site_id)
    blog.counts.posts_unchanged = max(blog.counts.posts_unchanged,
                                      archived - blog.counts.posts_new - blog.counts.posts_updated)
    status = "partial" if blog.counts.errors else "ok"
    await blog.query(store.mark_site_crawled, blog.site_id)
    await blog.query(store.finish_run, blog.run_id, blog.counts, status=status, message=None)
    await blog.writer.run(writer.commit)
    return CrawlReport(blog.run_id, blog.base_url, status, blog.counts, blog.mode, None)


def parse_since(text: str | None) -> datetime | None:
    """The --since date as an aware datetime (UTC when no zone is given), or None.

    :raises UsageError: when it is not a date.
    """
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since: not a date: {text!r} (use YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
