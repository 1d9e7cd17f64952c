"""One blog's crawl as its sources see it: fetch, parse, save and count, nothing else.

A source never opens the archive or the HTTP client itself: it asks ``Blog``,
which paces its requests through the run's shared downloader, parses in the
parser process when there is one, logs every exchange, and hands posts to the
run's single archive writer. Imports fetch, writer, store, extract and leaves.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import sqlite3
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from scraper import store, writer
from scraper.config import Settings
from scraper.errors import ScraperError, StorageError
from scraper.extract import inspect_image
from scraper.fetch import HOST_NOT_FOUND, Fetcher
from scraper.helper import BrokenProcessPool, HelperProcess
from scraper.records import Comment, Fetched, ImageFile, Post
from scraper.urls import host_key
from scraper.writer import ArchiveWriter

__all__ = ["Blog", "Event", "ParserHolder", "SiteFailing", "StoredPages", "first_failure", "run_together", "url_wanted"]

log = logging.getLogger(__name__)

Event = Callable[[str, dict[str, Any]], None]
T = TypeVar("T")
# What a source's ``replay`` reads: the stored raw pages of one kind, as (url, bytes, content type).
StoredPages = Callable[[str], Iterable[tuple[str, bytes, str]]]

# A blog whose server fails this many requests in a row (after retries) is given up for this run.
MAX_FAILURES_IN_A_ROW = 25


class SiteFailing(ScraperError):
    """The blog's server keeps failing; the rest of this blog is left for the next run."""


@dataclass
class ParserHolder:
    """The run's parser process, shared by every blog; None once it died (parsing goes in-loop)."""

    process: HelperProcess | None = None

    async def parse(self, extractor: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a pure extractor, in the parser process when there is one."""
        if self.process is None:
            return extractor(*args, **kwargs)
        try:
            return await self.process.call(extractor, *args, **kwargs)
        except BrokenProcessPool:
            # The parser process died on this page (a crash in native code);
            # the rest of the run parses in the event loop.
            log.error("the parser process died; parsing in the main process from now on")
            self.process = None
            raise


@dataclass
class Blog:
    """State and services of one blog's crawl in a run."""

    seed_url: str
    base_url: str
    settings: Settings
    fetcher: Fetcher
    writer: ArchiveWriter
    parser: ParserHolder
    store_root: Path
    run_id: int
    on_event: Event | None = None
    site_id: int = 0
    platform: str = ""
    home: Fetched | None = None
    since: datetime | None = None
    counts: store.RunCounts = field(default_factory=store.RunCounts)
    mode: str = ""
    posts_done: int = 0
    images_tried: set[str] = field(default_factory=set)
    failures_in_a_row: int = 0
    _captures: list[store.Capture] = field(default_factory=list)

    # ------------------------------------------------------------ archive

    async def query(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a ``store`` function through the run's writer (reads see its unsaved batch too)."""
        return await self.writer.store(function, *args, **kwargs)

    async def get_state(self, key: str) -> str | None:
        """Read this blog's crawl_state value."""
        return await self.query(store.get_state, self.site_id, key)

    async def set_state(self, key: str, value: str | None) -> None:
        """Write this blog's crawl_state value."""
        await self.query(store.set_state, self.site_id, key, value)

    # ------------------------------------------------------------ fetching

    def record(
        self, fetched: Fetched, *, kind: str, keep: bool = True, probe: bool = False,
        packed: store.PackedPage | None = None,
    ) -> None:
        """Log a fetch and keep its raw bytes (``packed`` when already compressed); count it.

        A failed ``probe`` (a URL tried only to see whether it exists) is
        logged in ``fetches`` but is not an error of the run.

        :raises SiteFailing: when the server has failed too many requests in a row.
        """
        if not fetched.robots_disallowed:
            self.counts.pages_fetched += 1
        self.counts.bytes_fetched += len(fetched.content)
        if fetched.not_modified:
            self.counts.pages_not_modified += 1
        if fetched.robots_disallowed:
            log.warning("%s: skipped, robots.txt disallows it", fetched.url)
        elif fetched.error and probe:
            log.info("%s: %s (optional, skipped)", fetched.url, fetched.error)
        elif fetched.error:
            self.counts.errors += 1
            log.warning("%s: %s", fetched.url, fetched.error)
        size = len(fetched.content)
        if packed is not None:
            fetched = _without_content(fetched)
        self._captures.append(store.Capture(fetched, kind, keep, packed, size))
        self.emit("fetched", url=fetched.url, status=fetched.status, kind=kind, error=fetched.error)
        self._watch_failures(fetched)

    def _watch_failures(self, fetched: Fetched) -> None:
        server_failed = fetched.status >= 500 or (fetched.status == 0 and fetched.error is not None
                                                   and not fetched.robots_disallowed and "refused" not in fetched.error)
        if not server_failed or host_key(fetched.url) != host_key(self.base_url):
            self.failures_in_a_row = 0
            return
        self.failures_in_a_row += 1
        if self.failures_in_a_row >= MAX_FAILURES_IN_A_ROW or fetched.error == HOST_NOT_FOUND:
            raise SiteFailing(f"{self.base_url}: the site failed {self.failures_in_a_row} requests in a row "
                              f"(last: {fetched.error or fetched.status}); the rest is left for the next run")

    async def get(
        self, url: str, *, kind: str, conditional: bool = False, keep: bool = True, probe: bool = False,
        max_bytes: int | None = None,
    ) -> Fetched:
        """Fetch ``url`` (conditionally when asked, with the stored validators) and record it."""
        etag = last_modified = None
        if conditional:
            etag, last_modified = await self.query(store.page_validators, url)
        fetched = await self.fetcher.fetch(url, etag=etag, last_modified=last_modified, max_bytes=max_bytes)
        self.record(fetched, kind=kind, keep=keep, probe=probe)
        return fetched

    def take_captures(self) -> list[store.Capture]:
        """Hand over (and forget) the exchanges logged since the last save."""
        taken, self._captures = self._captures, []
        return taken

    async def flush_captures(self) -> None:
        """Write the exchanges logged since the last save."""
        captures = self.take_captures()
        if captures:
            await self.writer.run(writer.write_captures, self.run_id, self.site_id or None, captures)

    # ------------------------------------------------------------ parsing

    async def parse(self, extractor: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a pure extractor, in the parser process when there is one."""
        return await self.parser.parse(extractor, *args, **kwargs)

    async def parse_page(
        self, extractor: Callable[..., T], content: bytes, *args: Any, **kwargs: Any
    ) -> tuple[T, store.PackedPage | None]:
        """Extract a fetched page; the parser process also packs its raw bytes for the capture."""
        if self.parser.process is None:
            return extractor(content, *args, **kwargs), None
        return await self.parse(_extract_and_pack, extractor, content, *args, **kwargs)

    # ------------------------------------------------------------ posts

    def wanted(self, post: Post) -> bool:
        """Apply --since, --include and --exclude to an extracted post."""
        if self.since and post.published_at and post.published_at < self.since:
            return False
        return url_wanted(post.url, self.settings)

    def budget_left(self) -> bool:
        """Whether --max-posts allows another post."""
        return self.settings.max_posts is None or self.posts_done < self.settings.max_posts

    async def save(
        self, post: Post, comments: list[Comment] | None, complete: bool, complete_types: set[str] | None = None
    ) -> store.PostSaveResult:
        """Save a post with the exchanges logged so far (they go first), then fetch its images."""
        self.posts_done += 1  # taken before the write, so concurrent workers respect --max-posts
        result = await self.writer.run(writer.write_post, self.run_id, self.site_id, self.take_captures(),
                                       self.base_url, post, comments, complete, complete_types)
        self.emit("post", url=post.url, title=post.title, status=result.status, comments_new=result.comments_new)
        await self.download_images([result.post_id])
        return result

    async def save_comments(self, post_id: int, comments: list[Comment], complete: bool,
                            complete_types: set[str] | None) -> None:
        """Save the comments of an archived post whose own content was not read again."""
        new, deleted = await self.query(store.save_comments, post_id=post_id, comments=comments,
                                        complete=complete, complete_types=complete_types)
        self.counts.comments_new += new
        self.counts.comments_deleted += deleted

    def emit(self, event: str, **data: Any) -> None:
        """Tell the run's observer (progress display) what happened."""
        if self.on_event is not None:
            self.on_event(event, {"site": self.base_url, **data})

    # ------------------------------------------------------------ images

    async def download_images(self, post_ids: list[int] | None) -> None:
        """Download pending images of ``post_ids``; None: every image of the site never tried yet."""
        if not self.settings.download_images:
            return
        pending = await self.query(store.images_pending, post_ids=post_ids, site_id=self.site_id,
                                        untried_only=post_ids is None)
        for url in pending:
            if url in self.images_tried:
                continue
            self.images_tried.add(url)
            if not image_host_allowed(url, self.base_url, self.settings):
                await self.query(store.save_image_error, url, "image host not allowed (add it with --image-host)")
                continue
            fetched = await self.fetcher.fetch(url, max_bytes=self.settings.max_image_bytes)
            self.record(fetched, kind="image", keep=False)
            if not fetched.ok or not fetched.content:
                await self.query(store.save_image_error, url, fetched.error or f"HTTP {fetched.status}")
                continue
            mime, width, height = inspect_image(fetched.content)
            if mime is None:
                self.counts.errors += 1
                await self.query(store.save_image_error, url, "not an image (Pillow cannot read it)")
                continue
            image = ImageFile(url=url, sha256=hashlib.sha256(fetched.content).hexdigest(), mime=mime, width=width,
                              height=height, size=len(fetched.content), data=fetched.content,
                              fetched_at=fetched.fetched_at)
            await self.writer.run(writer.save_image_file, image, self.store_root)
            self.counts.images_new += 1


def _without_content(fetched: Fetched) -> Fetched:
    return replace(fetched, content=b"")


def _extract_and_pack(extractor: Callable[..., T], content: bytes, *args: Any, **kwargs: Any) -> tuple[T, store.PackedPage]:
    """In the parser process: extract a page and pack its raw bytes, sparing the crawl process both."""
    return extractor(content, *args, **kwargs), store.pack_page(content)


def url_wanted(url: str, settings: Settings) -> bool:
    """Apply --include and --exclude to a post URL."""
    if settings.include and not any(re.search(pattern, url) for pattern in settings.include):
        return False
    return not any(re.search(pattern, url) for pattern in settings.exclude)


def image_host_allowed(url: str, base_url: str, settings: Settings) -> bool:
    """Images come from the blog's own host or a host the settings allow (a CDN and its subdomains)."""
    host = host_key(url)
    if host == host_key(base_url) or host in settings.image_hosts:
        return True
    return url.startswith(("http://", "https://")) and any(host.endswith("." + allowed) for allowed in settings.image_hosts)


async def run_together(coroutines: list[Coroutine[Any, Any, None]]) -> None:
    """Run coroutines side by side; the first failure cancels the others and is raised as it is."""
    try:
        async with asyncio.TaskGroup() as group:
            for coroutine in coroutines:
                group.create_task(coroutine)
    except BaseExceptionGroup as failures:
        raise first_failure(failures) from None


def first_failure(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The failure that matters most in a group: an archive error, then any other, then the first."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        item = pending.pop(0)
        if isinstance(item, BaseExceptionGroup):
            pending.extend(item.exceptions)
        else:
            leaves.append(item)
    for kinds in ((StorageError, sqlite3.Error), (ScraperError,), (Exception,)):
        for leaf in leaves:
            if isinstance(leaf, kinds):
                return leaf
    return leaves[0]
