"""The only wiring: frontier -> fetch -> extract -> store, for one site per call.

``crawl()`` opens the archive under a lock, records a ``crawl_runs`` row,
discovers posts (WordPress REST first, then sitemaps, feeds and listing
pages), fetches each post with every comment page, saves it in one
transaction, then downloads its images into the image store. Per-URL failures
are logged in ``fetches`` and counted; the run goes on.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import sqlite3
import zlib
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

import httpx
from sqlite_utils import Database

from scraper import store
from scraper.config import Settings
from scraper.discover import (
    advertised_feeds,
    blogger_comments_feed_url,
    blogger_posts_feed_url,
    Frontier,
    candidate_sitemaps,
    comment_feed_urls,
    feed_urls,
    parse_comment_feed,
    parse_feed,
    parse_listing,
    parse_sitemap,
    rest_api_root,
    rest_url,
)
from scraper.errors import (
    ExtractError,
    NotABlogError,
    RobotsDisallowed,
    ScraperError,
    UnreachableError,
    UsageError,
)
from scraper.extract import (
    detect_platform,
    extract_comment_page,
    extract_generic,
    extract_post_page,
    extract_rest_comments,
    extract_rest_posts,
    inspect_image,
)
from scraper.extract.blogger import parse_blogger_comments, parse_blogger_posts, with_depths
from scraper.extract.site import extract_site_info
from scraper.fetch import Fetcher, check_reachable
from scraper.records import Comment, Fetched, ImageFile, PageRef, Post
from scraper.urls import canonical_url, host_key, same_site, site_root, strip_comment_page
from scraper import writer
from scraper.helper import BrokenProcessPool, HelperProcess
from scraper.writer import ArchiveWriter

__all__ = ["CrawlReport", "crawl", "crawl_async", "reextract"]

log = logging.getLogger(__name__)

Event = Callable[[str, dict[str, Any]], None]
T = TypeVar("T")

MAX_COMMENT_PAGES = 2000
MAX_SITEMAPS = 500
MAX_LISTING_PAGES = 300
MAX_COMMENT_FEED_PAGES = 20
BLOGGER_POSTS_PER_PAGE = 150  # Blogger serves at most 500 entries per feed page
BLOGGER_COMMENTS_PER_PAGE = 500
MAX_BLOGGER_FEED_PAGES = 2000
REST_PER_PAGE = 100
# REST `after` on comments compares with the site's local time: look back far
# enough to cover any UTC offset.
COMMENT_CLOCK_MARGIN = timedelta(hours=26)


@dataclass
class CrawlReport:
    """The outcome of one crawl run."""

    run_id: int
    site_url: str
    status: str  # "ok", "partial" or "failed"
    counts: store.RunCounts
    mode: str = ""
    message: str | None = None

    @property
    def exit_code(self) -> int:
        """0 when everything worked, 1 when some URLs failed."""
        return 0 if self.status == "ok" else 1


def crawl(
    db_path: Path,
    seed_url: str,
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_event: Event | None = None,
) -> CrawlReport:
    """Crawl one site into the archive at ``db_path`` (blocking).

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
    """Async form of :func:`crawl`."""
    db_path = Path(db_path)
    with store.ArchiveLock(db_path):
        db = store.open_db(db_path)
        try:
            store.remove_partial_image_files(db_path.parent)
            base_url = site_root(seed_url)
            allowed = {host_key(base_url), *settings.image_hosts}
            async with Fetcher(settings, transport=transport, allowed_hosts=allowed,
                               site_host=host_key(base_url)) as fetcher:
                with _parser_pool(settings) as parser, _archive_writer(db, db_path, settings) as archive_writer:
                    run = _SiteCrawl(db, db_path, fetcher, settings, seed_url, base_url, on_event, archive_writer,
                                     parser=parser)
                    return await run.run()
        except sqlite3.OperationalError as exc:  # disk full, I/O error, read-only: stops the run
            raise store.storage_error(db_path, exc) from None
        finally:
            db.close()


@dataclass
class _SiteCrawl:
    """State of one run against one site."""

    db: Database
    db_path: Path
    fetcher: Fetcher
    settings: Settings
    seed_url: str
    base_url: str
    on_event: Event | None
    writer: ArchiveWriter
    site_id: int = 0
    run_id: int = 0
    counts: store.RunCounts = field(default_factory=store.RunCounts)
    posts_done: int = 0
    images_tried: set[str] = field(default_factory=set)
    mode: str = ""
    _since: datetime | None = None
    capture: store.CaptureLog = field(init=False)
    parser: HelperProcess | None = None

    # ------------------------------------------------------------ top level

    async def run(self) -> CrawlReport:
        if self.settings.since:
            self._since = _parse_since(self.settings.since)
        if not await self.fetcher.allowed(self.seed_url):
            raise RobotsDisallowed(f"{self.seed_url}: robots.txt disallows crawling this site", url=self.seed_url)
        if self.fetcher.seems_unreachable(self.seed_url):
            raise UnreachableError(f"{self.seed_url}: cannot reach the site (no answer)", url=self.seed_url)
        known_api = self._known_rest_root()
        known_platform = self._known_platform()
        home: Fetched | None = None
        if known_api is not None:
            platform, name = "wordpress", None
        elif known_platform is not None and not self.settings.recheck_all:
            # A re-run: the home page was read before; fetch it only if discovery needs it.
            platform, name = known_platform, None
        else:
            home = await check_reachable(self.fetcher, self.seed_url)
            if not home.ok:
                raise NotABlogError(f"{self.seed_url}: the site answered {home.error or home.status}, not a blog page")
            platform = detect_platform(home.content, home.final_url, dict(home.headers))
            name, _description = extract_site_info(home.content)
        new_site = not self.db.execute("select 1 from sites where base_url = ?", [self.base_url]).fetchone()
        self.site_id = store.save_site(self.db, base_url=self.base_url, name=name, platform=platform)
        self.run_id = store.start_run(self.db, site_id=self.site_id, seed_url=self.seed_url)
        self.capture = store.CaptureLog(self.db, run_id=self.run_id, site_id=self.site_id)
        status, message = "ok", None
        try:
            if home is not None:
                self._record(home, kind="home")
            await self._crawl_posts(platform, home, known_api)
            await self._download_images(None)  # images an interrupted earlier run left behind
        except ScraperError as exc:
            self._close_failed_run(str(exc))
            if new_site and isinstance(exc, NotABlogError):
                with suppress(sqlite3.Error):  # a site enters the archive with its first post
                    store.forget_site(self.db, self.site_id)
            raise
        except BaseException as exc:
            cause = "stopped" if isinstance(exc, asyncio.CancelledError) else type(exc).__name__
            self._close_failed_run(f"interrupted ({cause})")
            raise
        self.capture.flush()
        self.writer.run_now(writer.commit)
        self.counts.add(self.writer.run_now(writer.take_tally))
        if self.counts.errors:
            status = "partial"
        with self.db.atomic():
            self.db.table("sites").update(self.site_id, {"last_crawled_at": store.now_iso()})
        store.finish_run(self.db, self.run_id, self.counts, status=status, message=message)
        return CrawlReport(self.run_id, self.base_url, status, self.counts, self.mode, message)

    async def _parse(self, extractor: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a pure extractor, in the parser process when there is one."""
        if self.parser is None:
            return extractor(*args, **kwargs)
        try:
            return await self.parser.call(extractor, *args, **kwargs)
        except BrokenProcessPool:
            # The parser process died on this page (a crash in native code);
            # the rest of the crawl parses in the event loop.
            log.error("the parser process died; parsing in the main process from now on")
            self.parser = None
            raise

    async def _parse_page(
        self, extractor: Callable[..., T], content: bytes, *args: Any, **kwargs: Any
    ) -> tuple[T, store.PackedPage | None]:
        """Extract a fetched page; the parser process also packs its raw bytes for the capture."""
        if self.parser is None:
            return extractor(content, *args, **kwargs), None
        return await self._parse(_extract_and_pack, extractor, content, *args, **kwargs)

    def _close_failed_run(self, message: str) -> None:
        """Record a failed run as far as the database still allows; never masks the failure."""
        try:
            try:
                self.writer.run_now(writer.commit)  # the posts saved so far are whole; keep them
            except sqlite3.Error:
                self.writer.run_now(writer.rollback)
                raise
            finally:
                self.counts.add(self.writer.run_now(writer.take_tally))
            self.capture.flush()
            store.finish_run(self.db, self.run_id, self.counts, status="failed", message=message)
        except sqlite3.Error as exc:  # e.g. the disk is still full; the next run marks it interrupted
            log.warning("could not record the end of run %s: %s", self.run_id, exc)

    def _emit(self, event: str, **data: Any) -> None:
        if self.on_event is not None:
            self.on_event(event, data)

    def _known_platform(self) -> str | None:
        """The platform recorded for this site by an earlier run with posts, or None."""
        site_id = store.stable_id(self.base_url)
        row = self.db.execute(
            "select platform from sites where id = ? and exists (select 1 from posts where site_id = ?)",
            [site_id, site_id],
        ).fetchone()
        return row[0] if row else None

    def _known_rest_root(self) -> str | None:
        if not self.settings.use_rest:
            return None
        site_id = store.stable_id(self.base_url)
        return store.get_state(self.db, site_id, "rest_api_root")

    async def _crawl_posts(self, platform: str, home: Fetched | None, known_api: str | None) -> None:
        if platform == "blogger" and known_api is None:
            if await self._crawl_blogger():
                self.mode = "blogger"
                return
            log.info("Blogger feeds not usable; archiving from HTML")
        api_root = known_api
        if api_root is None and self.settings.use_rest and home is not None and platform == "wordpress":
            api_root = rest_api_root(home.content, self.base_url) or canonical_url("wp-json/", self.base_url)
        if api_root is not None:
            if await self._crawl_rest(api_root):
                self.mode = "rest"
                return
            store.set_state(self.db, self.site_id, "rest_api_root", None)
        self.mode = "html"
        await self._crawl_html(home)

    # ------------------------------------------------------------ fetching helpers

    def _record(
        self, fetched: Fetched, *, kind: str, keep: bool = True, probe: bool = False,
        packed: store.PackedPage | None = None,
    ) -> None:
        """Log a fetch and keep its raw bytes (``packed`` when already compressed); count it.

        A failed ``probe`` (a URL tried only to see whether it exists) is
        logged in ``fetches`` but is not an error of the run.
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
        self.capture.add(fetched, kind=kind, keep=keep, packed=packed)
        self._emit("fetched", url=fetched.url, status=fetched.status, kind=kind, error=fetched.error)

    async def _get(
        self, url: str, *, kind: str, conditional: bool = False, keep: bool = True, probe: bool = False
    ) -> Fetched:
        etag = last_modified = None
        if conditional:
            etag, last_modified = store.page_validators(self.db, url)
        fetched = await self.fetcher.fetch(url, etag=etag, last_modified=last_modified)
        self._record(fetched, kind=kind, keep=keep, probe=probe)
        return fetched

    def _wanted(self, post: Post) -> bool:
        """Apply --since, --include and --exclude to an extracted post."""
        if self._since and post.published_at and post.published_at < self._since:
            return False
        return _url_wanted(post.url, self.settings)

    def _budget_left(self) -> bool:
        return self.settings.max_posts is None or self.posts_done < self.settings.max_posts

    async def _save(
        self, post: Post, comments: list[Comment] | None, complete: bool, complete_types: set[str] | None = None
    ) -> store.PostSaveResult:
        """Save a post with the captures logged so far (they go first); the writer counts it."""
        self.posts_done += 1  # taken before the write, so concurrent workers respect --max-posts
        result = await self.writer.run(writer.write_post, self.run_id, self.site_id, self.capture.take(),
                                       self.base_url, post, comments, complete, complete_types)
        self._emit("post", url=post.url, title=post.title, status=result.status)
        return result

    # ------------------------------------------------------------ REST mode

    async def _rest_json(
        self, url: str, *, kind: str, keep: bool = True, probe: bool = False
    ) -> tuple[Fetched, Any]:
        """GET a REST URL; (fetched, parsed JSON or None). Only JSON answers are kept as raw pages."""
        fetched = await self.fetcher.fetch(url)
        data = None
        if fetched.ok and "json" in fetched.content_type.lower():
            try:
                data = json.loads(fetched.content)
            except ValueError:
                data = None
        self._record(fetched, kind=kind, keep=keep and data is not None, probe=probe)
        return fetched, data

    async def _crawl_rest(self, api_root: str) -> bool:
        """Archive through the REST API; False when the API is not usable."""
        params: dict[str, str | int] = {
            "per_page": REST_PER_PAGE,
            "orderby": "modified",
            "order": "asc",
            "_embed": "author,wp:featuredmedia,wp:term",
        }
        high_water = None if self.settings.recheck_all else store.get_state(self.db, self.site_id, "rest_modified_after")
        if high_water:
            params["modified_after"] = high_water
        if self._since:
            params["after"] = store.iso(self._since) or ""
        fetched, data = await self._rest_json(
            rest_url(api_root, "wp/v2/posts", {**params, "page": 1}), kind="rest_posts", probe=True)
        if not isinstance(data, list):
            if api_root.endswith("wp-json/") or "/wp-json" in api_root:
                alternative = canonical_url("?rest_route=/", self.base_url)
                fetched, data = await self._rest_json(
                    rest_url(alternative, "wp/v2/posts", {**params, "page": 1}), kind="rest_posts", probe=True
                )
                if isinstance(data, list):
                    api_root = alternative
            if not isinstance(data, list):
                log.info("REST API not usable (%s); archiving from HTML", fetched.error or fetched.status)
                return False
        store.set_state(self.db, self.site_id, "rest_api_root", api_root)
        total_pages = int(fetched.header("x-wp-totalpages") or 1)
        newest_modified = high_water
        started = datetime.now(timezone.utc)
        changed_posts: set[str] = set()
        page = 1
        while True:
            posts = extract_rest_posts(fetched.content, self.base_url)
            for post in posts:
                if not self._budget_left():
                    break
                if not self._wanted(post):
                    continue
                await self._archive_rest_post(api_root, post)
                if post.remote_id:
                    changed_posts.add(post.remote_id)
                if post.modified_at and (newest_modified is None or store.iso(post.modified_at) > newest_modified):  # type: ignore[operator]
                    newest_modified = store.iso(post.modified_at)
            page += 1
            if page > total_pages or not self._budget_left():
                break
            fetched, data = await self._rest_json(rest_url(api_root, "wp/v2/posts", {**params, "page": page}), kind="rest_posts")
            if not isinstance(data, list):
                break
        await self._recheck_rest_comments(api_root, changed_posts, started)
        if newest_modified and not self.counts.errors and self.settings.max_posts is None:
            store.set_state(self.db, self.site_id, "rest_modified_after", newest_modified)
        return True

    async def _rest_comments(
        self, api_root: str, post_remote_id: str, author_ids: dict[str, str]
    ) -> tuple[list[Comment], bool]:
        """Every approved comment of a post from REST; (comments, complete).

        REST lists only the ``comment`` type to anonymous clients; pingbacks
        and trackbacks come from the post's HTML.
        """
        comments: list[Comment] = []
        page, total = 1, 1
        while page <= total:
            query: dict[str, str | int] = {"post": post_remote_id, "per_page": REST_PER_PAGE, "page": page,
                                           "orderby": "id", "order": "asc"}
            fetched, data = await self._rest_json(
                rest_url(api_root, "wp/v2/comments", query), kind="rest_comments", probe=page == 1)
            if not isinstance(data, list):
                return comments, False
            total = int(fetched.header("x-wp-totalpages") or 1)
            comments.extend(extract_rest_comments(fetched.content, post_author_ids=author_ids))
            page += 1
        return comments, True

    async def _archive_rest_post(self, api_root: str, post: Post) -> None:
        """Save a REST post with its REST comment tree plus the pingbacks its HTML shows."""
        author_ids = {post.remote_id: post.author.remote_id} if post.remote_id and post.author and post.author.remote_id else {}
        comments: list[Comment] = []
        rest_complete = False
        if post.remote_id:
            comments, rest_complete = await self._rest_comments(api_root, post.remote_id, author_ids)
        _html_post, html_comments, html_complete = await self._fetch_html_thread(post.url)
        if rest_complete:
            known = {comment.remote_id for comment in comments}
            comments += [c for c in html_comments.values() if c.comment_type != "comment" and c.remote_id not in known]
            complete, types = True, ({"comment"} | ({"pingback", "trackback"} if html_complete else set()))
        else:
            comments, complete, types = list(html_comments.values()), html_complete, None
        result = await self._save(post, comments, complete, types)
        await self._download_images([result.post_id])

    async def _recheck_rest_comments(self, api_root: str, done: set[str], started: datetime) -> None:
        """Find new and deleted comments on posts that did not change."""
        rows = list(self.db.query(
            "select id, remote_id, url, title, published_at, comments_checked_at, author_id from posts "
            "where site_id = ? and remote_id is not null", [self.site_id]))
        due: set[str] = set()
        last_seen = store.get_state(self.db, self.site_id, "rest_comments_after")
        if last_seen:
            fetched, data = await self._rest_json(
                rest_url(api_root, "wp/v2/comments", {"after": last_seen, "per_page": REST_PER_PAGE, "_fields": "id,post"}),
                kind="rest_comment_ids", keep=False)
            if isinstance(data, list):
                due.update(str(item.get("post")) for item in data if isinstance(item, dict))
        now = datetime.now(timezone.utc)
        for row in rows:
            if row["remote_id"] in done:
                continue
            if self.settings.recheck_all or _thread_due(row, now, self.settings):
                due.add(row["remote_id"])
        if not await self._comment_total_matches(api_root):
            due.update(await self._posts_with_changed_comment_sets(api_root))
        by_remote = {row["remote_id"]: row for row in rows}
        for remote_id in sorted(due - done):
            if remote_id not in by_remote:
                continue
            row = by_remote[remote_id]
            author_remote = None
            if row["author_id"] is not None:
                found = self.db.execute("select remote_id from authors where id = ?", [row["author_id"]]).fetchone()
                author_remote = found[0] if found else None
            author_ids = {remote_id: author_remote} if author_remote else {}
            comments, complete = await self._rest_comments(api_root, remote_id, author_ids)
            new, deleted = store.save_comments(
                self.db, post_id=row["id"], comments=comments, complete=complete, complete_types={"comment"})
            self.counts.comments_new += new
            self.counts.comments_deleted += deleted
        if not self.counts.errors:
            store.set_state(self.db, self.site_id, "rest_comments_after", store.iso(started - COMMENT_CLOCK_MARGIN))

    async def _comment_total_matches(self, api_root: str) -> bool:
        """Compare the site's approved comment count with the archive's live comments."""
        fetched, data = await self._rest_json(
            rest_url(api_root, "wp/v2/comments", {"per_page": 1, "_fields": "id"}), kind="rest_comment_ids", keep=False)
        total = fetched.header("x-wp-total")
        if not isinstance(data, list) or total is None or not total.isdigit():
            return True
        ours = self.db.execute(
            "select count(*) from comments c join posts p on p.id = c.post_id "
            "where p.site_id = ? and c.deleted_at is null and c.comment_type = 'comment'",
            [self.site_id]).fetchone()[0]
        return int(total) == int(ours)

    async def _posts_with_changed_comment_sets(self, api_root: str) -> set[str]:
        """List every comment id on the site (ids only) and return posts whose set changed."""
        remote: dict[str, set[str]] = {}
        page, total = 1, 1
        while page <= total:
            fetched, data = await self._rest_json(
                rest_url(api_root, "wp/v2/comments", {"per_page": REST_PER_PAGE, "page": page, "_fields": "id,post"}),
                kind="rest_comment_ids", keep=False)
            if not isinstance(data, list):
                return set()
            total = int(fetched.header("x-wp-totalpages") or 1)
            for item in data:
                if isinstance(item, dict):
                    remote.setdefault(str(item.get("post")), set()).add(str(item.get("id")))
            page += 1
        ours: dict[str, set[str]] = {}
        for row in self.db.execute(
            "select p.remote_id, c.remote_id from comments c join posts p on p.id = c.post_id "
            "where p.site_id = ? and c.deleted_at is null and c.comment_type = 'comment'", [self.site_id]):
            ours.setdefault(str(row[0]), set()).add(str(row[1]))
        return {post for post in set(remote) | set(ours) if remote.get(post, set()) != ours.get(post, set())}

    # ------------------------------------------------------------ Blogger mode

    async def _crawl_blogger(self) -> bool:
        """Archive a Blogger blog from its Atom feeds; False when the feed is not there.

        Posts come from ``/feeds/posts/default`` (full bodies), paged by
        ``start-index``; each post's comments from its own comment feed,
        skipped on later runs while the post and its comment count are
        unchanged.
        """
        start, pages = 1, 0
        while pages < MAX_BLOGGER_FEED_PAGES and self._budget_left():
            url = blogger_posts_feed_url(self.base_url, start=start, max_results=BLOGGER_POSTS_PER_PAGE)
            fetched = await self._get(url, kind="blogger_posts", probe=start == 1)
            if not fetched.ok:
                return pages > 0
            parsed = parse_blogger_posts(fetched.content, self.base_url)
            if not parsed.posts and pages == 0:
                return False
            pages += 1
            for post in parsed.posts:
                if not self._budget_left():
                    break
                if self._wanted(post):
                    await self._archive_blogger_post(post, parsed.comment_totals.get(post.remote_id or ""))
            start += parsed.count
            if parsed.count == 0 or (parsed.total is not None and start > parsed.total):
                break
        return True

    async def _archive_blogger_post(self, post: Post, comment_total: int | None) -> None:
        row = self.db.execute(
            "select id, modified_at, comment_count from posts where url = ?", [post.url]).fetchone()
        if (row is not None and not self.settings.recheck_all and row[1] == store.iso(post.modified_at)
                and comment_total is not None and row[2] == comment_total):
            return
        if not post.body_html:  # a summaries-only feed: the body comes from the post page
            fetched = await self._get(post.url, kind="post")
            page_post = extract_generic(fetched.content, fetched.final_url, content_type=fetched.content_type,
                                        platform="blogger") if fetched.ok else None
            if page_post is not None:
                post = replace(post, body_html=page_post.body_html, body_text=page_post.body_text,
                               images=page_post.images)
        comments: list[Comment] = []
        complete = post.remote_id is not None
        start = 1
        author_url = post.author.url if post.author else None
        while post.remote_id is not None:
            url = blogger_comments_feed_url(self.base_url, post.remote_id, start=start,
                                            max_results=BLOGGER_COMMENTS_PER_PAGE)
            fetched = await self._get(url, kind="blogger_comments", probe=start == 1)
            if not fetched.ok:
                complete = False
                break
            parsed = parse_blogger_comments(fetched.content, post_id=post.remote_id, post_author_url=author_url)
            comments.extend(parsed.comments)
            start += parsed.count
            if parsed.count == 0 or (parsed.total is not None and start > parsed.total):
                break
        result = await self._save(post, with_depths(comments), complete)
        await self._download_images([result.post_id])

    # ------------------------------------------------------------ HTML mode

    async def _crawl_html(self, home: Fetched | None) -> None:
        refs = await self._discover_html(home)
        if not refs:
            raise NotABlogError(f"{self.seed_url}: no posts found (no sitemap, feed or post links)")
        due = self._html_due(refs)
        flagged = await self._posts_flagged_by_feeds()
        due_urls = {ref.url for ref in due}
        due += [ref for ref in refs if ref.url in flagged and ref.url not in due_urls]
        queue: asyncio.Queue[PageRef | None] = asyncio.Queue()
        for ref in due:
            queue.put_nowait(ref)
        workers = max(1, self.settings.concurrency)
        for _ in range(workers):
            queue.put_nowait(None)
        async with self.writer.offloaded():
            await asyncio.gather(*(self._html_worker(queue) for _ in range(workers)))
        if self.posts_done == 0 and not self.db.execute(
            "select 1 from posts where site_id = ? limit 1", [self.site_id]).fetchone():
            raise NotABlogError(f"{self.seed_url}: no blog posts found among {len(refs)} candidate pages")

    async def _html_worker(self, queue: asyncio.Queue[PageRef | None]) -> None:
        while True:
            ref = await queue.get()
            if ref is None:
                return
            if not self._budget_left():
                continue
            try:
                await self._archive_html_post(ref)
            except (ScraperError, sqlite3.OperationalError):  # the archive itself failed: stop
                raise
            except Exception as exc:  # one bad page must not stop the run
                self.counts.errors += 1
                log.exception("%s: failed to archive (%s)", ref.url, exc)
                await self.writer.run(writer.log_failure, self.run_id, ref.url, f"{type(exc).__name__}: {exc}")

    async def _discover_html(self, home: Fetched | None) -> list[PageRef]:
        frontier = Frontier()
        from_robots = await self.fetcher.sitemaps_from_robots(self.seed_url)
        await self._read_sitemaps(from_robots, frontier)
        if not len(frontier):
            for url in candidate_sitemaps(self.base_url, ()):
                await self._read_sitemaps([url], frontier)
                if len(frontier):
                    break
        if not len(frontier):
            advertised = advertised_feeds(home.content, self.base_url) if home is not None and home.ok else []
            for url in dict.fromkeys([*advertised, *feed_urls(self.base_url)]):
                fetched = await self._get(url, kind="feed", probe=True)
                if fetched.ok:
                    for entry in parse_feed(fetched.content, fetched.final_url, self.base_url):
                        if _url_wanted(entry.post_url, self.settings):
                            frontier.add(PageRef(url=entry.post_url, kind="post", lastmod=entry.published))
            if home is None:
                home = await check_reachable(self.fetcher, self.seed_url)
                self._record(home, kind="home")
            if home.ok:
                await self._walk_listings(home, frontier)
        refs = []
        while (ref := frontier.pop()) is not None:
            refs.append(ref)
        return refs

    async def _read_sitemaps(self, roots: list[str], frontier: Frontier) -> None:
        """Read sitemaps (indexes followed, at most MAX_SITEMAPS) into the frontier."""
        queue = list(roots)
        seen: set[str] = set()
        while queue and len(seen) < MAX_SITEMAPS:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            fetched = await self._get(url, kind="sitemap", probe=url in roots)
            if not fetched.ok or not fetched.content:
                continue
            result = parse_sitemap(fetched.content, fetched.final_url, self.base_url)
            queue.extend(ref.url for ref in result.sitemaps if ref.url not in seen)
            for ref in result.pages:
                if _url_wanted(ref.url, self.settings):
                    frontier.add(ref)

    async def _walk_listings(self, home: Fetched, frontier: Frontier) -> None:
        listing_queue = [home]
        seen = {canonical_url(home.final_url)}
        while listing_queue:
            page = listing_queue.pop(0)
            posts, listings = parse_listing(page.content, page.final_url, self.base_url)
            for url in posts:
                if _url_wanted(url, self.settings):
                    frontier.add(PageRef(url=url, kind="post"))
            for url in listings:
                if url not in seen and len(seen) < MAX_LISTING_PAGES:
                    seen.add(url)
                    fetched = await self._get(url, kind="listing", keep=False)
                    if fetched.ok:
                        listing_queue.append(fetched)

    async def _posts_flagged_by_feeds(self) -> set[str]:
        """Post URLs whose comments changed since the last run, by the site's feeds.

        The post feed states each recent post's comment count; the comment
        feed lists the newest comments, paged back until a known one shows up.
        Both are fetched with conditional GETs. Empty on a first run.
        """
        stored = {
            row["url"]: row
            for row in self.db.query("select url, comment_count from posts where site_id = ?", [self.site_id])
        }
        if not stored or self.settings.recheck_all:
            return set()
        flagged: set[str] = set()
        for url in feed_urls(self.base_url):
            fetched = await self._get(url, kind="feed", conditional=True, probe=True)
            if fetched.ok and not fetched.not_modified:
                for entry in parse_feed(fetched.content, fetched.final_url, self.base_url):
                    row = stored.get(entry.post_url)
                    if row is not None and entry.comment_count is not None and entry.comment_count != row["comment_count"]:
                        flagged.add(entry.post_url)
        known_comments = {
            row[0] for row in self.db.execute(
                "select c.remote_id from comments c join posts p on p.id = c.post_id where p.site_id = ?",
                [self.site_id])
        }
        for page in range(1, MAX_COMMENT_FEED_PAGES + 1):
            entries = None
            for url in comment_feed_urls(self.base_url, page):
                fetched = await self._get(url, kind="comment_feed", conditional=page == 1, probe=True)
                if fetched.not_modified:
                    return flagged
                if fetched.ok:
                    entries = parse_comment_feed(fetched.content, fetched.final_url, self.base_url)
                    break
            if not entries:
                break
            unknown = [entry for entry in entries if entry.comment_id not in known_comments]
            flagged.update(entry.post_url for entry in unknown)
            if len(unknown) < len(entries):
                break
        return flagged

    def _html_due(self, refs: list[PageRef]) -> list[PageRef]:
        """Which discovered post URLs to fetch this run (new, changed or due a comment check)."""
        now = datetime.now(timezone.utc)
        known = {
            row["url"]: row
            for row in self.db.query(
                "select url, modified_at, published_at, comments_checked_at from posts where site_id = ?",
                [self.site_id])
        }
        due = []
        for ref in refs:
            row = known.get(ref.url)
            if row is None or self.settings.recheck_all:
                due.append(ref)
                continue
            modified = _parse_iso(row["modified_at"])
            if ref.lastmod and (modified is None or ref.lastmod > modified):
                due.append(ref)
                continue
            if _thread_due(row, now, self.settings):
                due.append(ref)
        return due

    async def _fetch_html_thread(self, url: str) -> tuple[Post | None, dict[str, Comment], bool]:
        """Fetch a post page and every comment page it leads to.

        Returns (post or None when the page is not a post, comments by remote
        id, whether every comment page was read).
        """
        fetched = await self.fetcher.fetch(url)
        post, problem, packed = None, None, None
        if fetched.ok and not fetched.not_modified:
            try:
                post, packed = await self._parse_page(extract_post_page, fetched.content, fetched.final_url,
                                                      content_type=fetched.content_type)
            except ExtractError as exc:  # this page only; the run goes on
                problem = str(exc)
            if post is None and problem is None and await self.writer.run(writer.is_archived, "posts", url):
                problem = "an archived post no longer reads as a post page; the archived copy is kept"
        # A raw capture of a post is never replaced by one that does not read as a post.
        keep = post is not None or not await self.writer.run(writer.is_archived, "pages", url)
        self._record(replace(fetched, error=problem) if problem else fetched, kind="post", keep=keep, packed=packed)
        if post is None:
            return None, {}, False
        comments: dict[str, Comment] = {c.remote_id: c for c in post.comments}
        complete = True
        pending = list(post.comment_page_urls)
        seen_pages = {canonical_url(u) for u in (fetched.final_url, url, *post.shown_comment_pages)}
        while pending and len(seen_pages) < MAX_COMMENT_PAGES:
            page_url = canonical_url(pending.pop(0))
            if page_url in seen_pages or not same_site(page_url, self.base_url):
                continue
            seen_pages.add(page_url)
            page = await self.fetcher.fetch(page_url)
            if not page.ok:
                self._record(page, kind="comment_page")
                complete = False
                continue
            packed = None
            try:
                parsed, packed = await self._parse_page(extract_comment_page, page.content, page.final_url)
            finally:  # logged also when the page cannot be parsed
                self._record(page, kind="comment_page", packed=packed)
            for comment in parsed.comments:
                comments.setdefault(comment.remote_id, comment)
            pending.extend(u for u in parsed.comment_page_urls if canonical_url(u) not in seen_pages)
        return post, comments, complete

    async def _archive_html_post(self, ref: PageRef) -> None:
        post, comments, complete = await self._fetch_html_thread(ref.url)
        if post is None or not self._wanted(post) or not self._budget_left():
            return
        result = await self._save(post, list(comments.values()), complete)
        await self._download_images([result.post_id])

    # ------------------------------------------------------------ images

    async def _download_images(self, post_ids: Iterable[int] | None) -> None:
        """Download pending images of ``post_ids``; None: every image of the site never tried yet."""
        if not self.settings.download_images:
            return
        store_root = self.db_path.parent
        pending = await self.writer.run(writer.pending_images, self.site_id,
                                        None if post_ids is None else list(post_ids), post_ids is None)
        for url in pending:
            if url in self.images_tried:
                continue
            self.images_tried.add(url)
            if not _image_host_allowed(url, self.base_url, self.settings):
                await self.writer.run(writer.save_image_error, url, "image host not allowed (add it with --image-host)")
                continue
            fetched = await self.fetcher.fetch(url, max_bytes=self.settings.max_image_bytes)
            self._record(fetched, kind="image", keep=False)
            if not fetched.ok or not fetched.content:
                await self.writer.run(writer.save_image_error, url, fetched.error or f"HTTP {fetched.status}")
                continue
            mime, width, height = inspect_image(fetched.content)
            if mime is None:
                self.counts.errors += 1
                await self.writer.run(writer.save_image_error, url, "not an image (Pillow cannot read it)")
                continue
            image = ImageFile(
                url=url,
                sha256=hashlib.sha256(fetched.content).hexdigest(),
                mime=mime,
                width=width,
                height=height,
                size=len(fetched.content),
                data=fetched.content,
                fetched_at=fetched.fetched_at,
            )
            await self.writer.run(writer.save_image_file, image, store_root)
            self.counts.images_new += 1


def _extract_and_pack(extractor: Callable[..., T], content: bytes, *args: Any, **kwargs: Any) -> tuple[T, store.PackedPage]:
    """In the parser process: extract a page and pack its raw bytes, sparing the crawl process both."""
    return extractor(content, *args, **kwargs), store.pack_page(content)


def _is_fast(settings: Settings) -> bool:
    """A crawl with no politeness delay and several requests in flight (a local or own site)."""
    return settings.unpaced and settings.concurrency >= 4


def _helpers_pay(settings: Settings) -> bool:
    """Whether parser and writer processes are worth it: a fast crawl with a second core to use."""
    return _is_fast(settings) and (os.cpu_count() or 1) > 1


@contextmanager
def _parser_pool(settings: Settings) -> Iterator[HelperProcess | None]:
    """A parser process for HTML extraction when a fast crawl can use a second core.

    Polite crawls (the default delay) spend their time waiting, so they parse
    in the event loop; ``parse_workers`` (0 or 1) overrides the choice.
    """
    workers = settings.parse_workers
    if workers is None:
        workers = 1 if _helpers_pay(settings) else 0
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
def _archive_writer(db: Database, db_path: Path, settings: Settings) -> Iterator[ArchiveWriter]:
    """The crawl's database writer: with a writer process for fast crawls on 2+ cores."""
    archive_writer = ArchiveWriter(db, db_path, max_items=50 if _is_fast(settings) else 1,
                                   use_process=_helpers_pay(settings))
    try:
        yield archive_writer
    finally:
        archive_writer.close()


def _image_host_allowed(url: str, base_url: str, settings: Settings) -> bool:
    host = host_key(url)
    return host == host_key(base_url) or host in settings.image_hosts or url.startswith(("http://", "https://")) and any(
        host.endswith("." + allowed) for allowed in settings.image_hosts)


def _thread_due(row: dict[str, Any], now: datetime, settings: Settings) -> bool:
    """Whether a stored post's comment thread should be re-read this run.

    Young posts (``recheck_comments_days``) every run; older ones once their
    last check is ``full_recheck_days`` old.
    """
    published = _parse_iso(row["published_at"])
    checked = _parse_iso(row["comments_checked_at"])
    young = published is not None and now - published < timedelta(days=settings.recheck_comments_days)
    stale = checked is None or now - checked > timedelta(days=settings.full_recheck_days)
    return young or stale


def _url_wanted(url: str, settings: Settings) -> bool:
    if settings.include and not any(re.search(pattern, url) for pattern in settings.include):
        return False
    return not any(re.search(pattern, url) for pattern in settings.exclude)


def _parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _parse_since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since: not a date: {text!r} (use YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


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
            for site_id, base_url in db.execute("select id, base_url from sites").fetchall():
                for post, comments in _stored_posts(db, site_id, base_url):
                    result = store.save_post(db, site_id=site_id, site_base_url=base_url, post=post,
                                             comments=comments, comments_complete=False)
                    setattr(counts, f"posts_{result.status}", getattr(counts, f"posts_{result.status}") + 1)
                    counts.comments_new += result.comments_new
                    if on_event is not None:
                        on_event("post", {"url": post.url, "title": post.title, "status": result.status})
        finally:
            db.close()
    return counts


def _or_nothing(extractor: Callable[..., list[T]], body: bytes, url: str, *args: Any) -> list[T]:
    """Run a REST extractor over a stored page; a page that no longer parses yields nothing."""
    try:
        return extractor(body, *args)
    except ExtractError as exc:
        log.warning("%s: stored page skipped (%s)", url, exc)
        return []


def _stored_pages(db: Database, site_id: int, kind: str) -> Iterable[tuple[str, bytes, str]]:
    for url, body, content_type in db.execute(
        "select url, body, content_type from pages where site_id = ? and kind = ? order by url", [site_id, kind]
    ):
        yield url, zlib.decompress(body), content_type or ""


def _stored_blogger_posts(db: Database, site_id: int, base_url: str) -> Iterable[tuple[Post, list[Comment]]]:
    """Yield (post, comments) from stored Blogger post and comment feed pages."""
    comment_pages: dict[str, list[bytes]] = {}
    for url, body, _type in _stored_pages(db, site_id, "blogger_comments"):
        match = re.search(r"/feeds/(\d+)/comments/", url)
        if match:
            comment_pages.setdefault(match.group(1), []).append(body)
    for _url, body, _type in _stored_pages(db, site_id, "blogger_posts"):
        for post in parse_blogger_posts(body, base_url).posts:
            author_url = post.author.url if post.author else None
            comments: dict[str, Comment] = {}
            for page in comment_pages.get(post.remote_id or "", []):
                for comment in parse_blogger_comments(page, post_id=post.remote_id, post_author_url=author_url).comments:
                    comments[comment.remote_id] = comment
            yield post, with_depths(list(comments.values()))


def _stored_posts(db: Database, site_id: int, base_url: str) -> Iterable[tuple[Post, list[Comment]]]:
    """Yield (post, comments) from the stored REST, Blogger feed and HTML pages of a site."""
    yield from _stored_blogger_posts(db, site_id, base_url)
    rest_comments: dict[str, dict[str, Comment]] = {}
    for _url, body, _type in _stored_pages(db, site_id, "rest_comments"):
        for comment in _or_nothing(extract_rest_comments, body, _url):
            rest_comments.setdefault(comment.post_remote_id or "", {})[comment.remote_id] = comment
    for _url, body, _type in _stored_pages(db, site_id, "rest_posts"):
        for post in _or_nothing(extract_rest_posts, body, _url, base_url):
            comments = rest_comments.get(post.remote_id or "", {})
            yield post, list(comments.values())
    page_comments: dict[str, dict[str, Comment]] = {}
    for url, body, _type in _stored_pages(db, site_id, "comment_page"):
        parsed = extract_comment_page(body, url)
        bucket = page_comments.setdefault(strip_comment_page(canonical_url(url)), {})
        for comment in parsed.comments:
            bucket.setdefault(comment.remote_id, comment)
    for url, body, content_type in _stored_pages(db, site_id, "post"):
        try:
            page_post = extract_post_page(body, url, content_type=content_type)
        except ExtractError as exc:
            log.warning("%s: stored page skipped (%s)", url, exc)
            continue
        if page_post is None:
            continue
        merged = {c.remote_id: c for c in page_post.comments}
        for key in {strip_comment_page(canonical_url(url)), strip_comment_page(page_post.url)}:
            for remote_id, comment in page_comments.get(key, {}).items():
                merged.setdefault(remote_id, comment)
        yield page_post, list(merged.values())
