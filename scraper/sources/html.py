"""The HTML source: posts found through sitemaps, feeds or listing pages, read from their pages.

It reads any blog: WordPress themes (classic and block comment markup, every
``/comment-page-N/`` page) and, through the generic extractor, other
platforms. ``fetch_thread`` is also what the REST source uses for the
pingbacks REST does not list, and ``assemble_thread`` is shared with
``replay`` so a crawl and a re-extraction build a post the same way.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from scraper import store
from scraper.discover import (
    Frontier,
    advertised_feeds,
    candidate_sitemaps,
    comment_feed_urls,
    feed_urls,
    parse_comment_feed,
    parse_feed,
    parse_listing,
    parse_sitemap,
)
from scraper.errors import ExtractError, NotABlogError, ScraperError
from scraper.extract import extract_comment_page, extract_post_page, join_post_parts
from scraper.fetch import check_reachable
from scraper.records import Comment, CommentPage, Fetched, PageRef, Post
from scraper.sources._blog import Blog, StoredPages, run_together, url_wanted
from scraper.sources._recheck import parse_iso, thread_due
from scraper.urls import canonical_url, same_site, strip_comment_page

__all__ = ["HtmlPages", "assemble_thread", "fetch_thread", "replay"]

log = logging.getLogger(__name__)

MAX_COMMENT_PAGES = 2000
MAX_SITEMAPS = 500
MAX_LISTING_PAGES = 300
MAX_COMMENT_FEED_PAGES = 20
MAX_POST_PARTS = 200



class HtmlPages:
    """Read a blog from its HTML pages; the source every blog can fall back to."""

    name = "html"

    async def knows(self, blog: Blog) -> bool:
        """HTML discovery fetches the home page itself when it needs it."""
        return False

    async def crawl(self, blog: Blog) -> bool:
        """Archive the posts that are new, changed or due a comment check.

        :raises NotABlogError: when no post can be found at all.
        """
        refs = await _discover(blog)
        if not refs:
            raise NotABlogError(f"{blog.seed_url}: no posts found (no sitemap, feed or post links)")
        wanted = [ref for ref in refs if url_wanted(ref.url, blog.settings)]
        stored = {row["url"]: row for row in await blog.query(store.post_check_rows, blog.site_id)}
        due = _due(blog, wanted, stored)
        flagged = await _flagged_by_feeds(blog, stored)
        due_urls = {ref.url for ref in due}
        due += [ref for ref in wanted if ref.url in flagged and ref.url not in due_urls]
        if blog.settings.max_posts is not None:
            due = _newest_first(due)
        queue: asyncio.Queue[PageRef | None] = asyncio.Queue()
        for ref in due:
            queue.put_nowait(ref)
        workers = max(1, blog.settings.concurrency)
        for _ in range(workers):
            queue.put_nowait(None)
        await run_together([_worker(blog, queue) for _ in range(workers)])
        if blog.posts_done == 0 and not await blog.query(store.site_has_posts, blog.site_id):
            if len(wanted) < len(refs) or blog.since is not None:
                raise NotABlogError(f"{blog.seed_url}: the filters matched none of the {len(refs)} posts")
            raise NotABlogError(f"{blog.seed_url}: no blog posts found among {len(refs)} candidate pages")
        return True


def _newest_first(refs: list[PageRef]) -> list[PageRef]:
    """Order refs newest first by their sitemap/feed date, undated ones last in their found order."""
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    dated = sorted((ref for ref in refs if ref.lastmod), key=lambda ref: ref.lastmod or oldest, reverse=True)
    return dated + [ref for ref in refs if not ref.lastmod]


async def _worker(blog: Blog, queue: asyncio.Queue[PageRef | None]) -> None:
    while True:
        ref = await queue.get()
        if ref is None:
            return
        if not blog.budget_left():
            continue
        try:
            await archive_post(blog, ref.url)
        except (ScraperError, sqlite3.OperationalError):  # the blog or the archive failed: stop
            raise
        except Exception as exc:  # one bad page must not stop the blog
            blog.counts.errors += 1
            log.exception("%s: failed to archive (%s)", ref.url, exc)
            await blog.query(store.log_failure, blog.run_id, ref.url, f"{type(exc).__name__}: {exc}")


async def archive_post(blog: Blog, url: str) -> None:
    """Fetch one post with its whole thread and save it (when wanted and within budget)."""
    post, comments, complete = await fetch_thread(blog, url)
    if post is None or not blog.wanted(post) or not blog.budget_left():
        return
    await blog.save(post, list(comments.values()), complete)


# ---------------------------------------------------------------- discovery


async def _discover(blog: Blog) -> list[PageRef]:
    """Post URLs from sitemaps, else feeds, else listing pages (home page and its pagination)."""
    frontier = Frontier()
    from_robots = await blog.fetcher.sitemaps_from_robots(blog.seed_url)
    await _read_sitemaps(blog, from_robots, frontier)
    if not len(frontier):
        for url in candidate_sitemaps(blog.base_url, ()):
            await _read_sitemaps(blog, [url], frontier)
            if len(frontier):
                break
    if not len(frontier):
        home = blog.home
        advertised = advertised_feeds(home.content, blog.base_url) if home is not None and home.ok else []
        for url in dict.fromkeys([*advertised, *feed_urls(blog.base_url)]):
            fetched = await blog.get(url, kind="feed", probe=True)
            if fetched.ok:
                for entry in parse_feed(fetched.content, fetched.final_url, blog.base_url):
                    frontier.add(PageRef(url=entry.post_url, kind="post", lastmod=entry.published))
        if home is None:
            home = await check_reachable(blog.fetcher, blog.seed_url)
            blog.record(home, kind="home")
        if home.ok:
            await _walk_listings(blog, home, frontier)
    refs = []
    while (ref := frontier.pop()) is not None:
        refs.append(ref)
    return refs


async def _read_sitemaps(blog: Blog, roots: list[str], frontier: Frontier) -> None:
    """Read sitemaps (indexes followed, at most MAX_SITEMAPS) into the frontier."""
    queue = list(roots)
    seen: set[str] = set()
    while queue and len(seen) < MAX_SITEMAPS:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        fetched = await blog.get(url, kind="sitemap", probe=url in roots)
        if not fetched.ok or not fetched.content:
            continue
        result = parse_sitemap(fetched.content, fetched.final_url, blog.base_url)
        queue.extend(ref.url for ref in result.sitemaps if ref.url not in seen)
        for ref in result.pages:
            frontier.add(ref)


async def _walk_listings(blog: Blog, home: Fetched, frontier: Frontier) -> None:
    listing_queue = [home]
    seen = {canonical_url(home.final_url)}
    while listing_queue:
        page = listing_queue.pop(0)
        posts, listings = parse_listing(page.content, page.final_url, blog.base_url)
        for url in posts:
            frontier.add(PageRef(url=url, kind="post"))
        for url in listings:
            if url not in seen and len(seen) < MAX_LISTING_PAGES:
                seen.add(url)
                fetched = await blog.get(url, kind="listing", keep=False)
                if fetched.ok:
                    listing_queue.append(fetched)


def _due(blog: Blog, refs: list[PageRef], stored: dict[str, dict[str, Any]]) -> list[PageRef]:
    """Which discovered post URLs to fetch this run (new, changed or due a comment check).

    ``stored`` holds ``store.post_check_rows`` by URL.
    """
    now = datetime.now(timezone.utc)
    due = []
    for ref in refs:
        row = stored.get(ref.url)
        if row is None or blog.settings.recheck_all:
            due.append(ref)
            continue
        modified = parse_iso(row["modified_at"])
        if ref.lastmod and (modified is None or ref.lastmod > modified):
            due.append(ref)
            continue
        if thread_due(row, now, blog.settings):
            due.append(ref)
    return due


async def _flagged_by_feeds(blog: Blog, stored: dict[str, dict[str, Any]]) -> set[str]:
    """Post URLs whose comments changed since the last run, by the site's feeds.

    The post feed states each recent post's comment count; the comment feed
    lists the newest comments, paged back until a known one shows up. Both
    are fetched with conditional GETs. Empty on a first run. ``stored`` holds
    ``store.post_check_rows`` by URL.
    """
    if not stored or blog.settings.recheck_all:
        return set()
    flagged: set[str] = set()
    for url in feed_urls(blog.base_url):
        fetched = await blog.get(url, kind="feed", conditional=True, probe=True)
        if fetched.ok and not fetched.not_modified:
            for entry in parse_feed(fetched.content, fetched.final_url, blog.base_url):
                row = stored.get(entry.post_url)
                if row is not None and entry.comment_count is not None and entry.comment_count != row["comment_count"]:
                    flagged.add(entry.post_url)
    known_comments = await blog.query(store.comment_remote_ids, blog.site_id)
    for page in range(1, MAX_COMMENT_FEED_PAGES + 1):
        entries = None
        for url in comment_feed_urls(blog.base_url, page):
            fetched = await blog.get(url, kind="comment_feed", conditional=page == 1, probe=True)
            if fetched.not_modified:
                return flagged
            if fetched.ok:
                entries = parse_comment_feed(fetched.content, fetched.final_url, blog.base_url)
                break
        if not entries:
            break
        unknown = [entry for entry in entries if entry.comment_id not in known_comments]
        flagged.update(entry.post_url for entry in unknown)
        if len(unknown) < len(entries):
            break
    return flagged


# ---------------------------------------------------------------- one post and its thread


async def fetch_thread(blog: Blog, url: str) -> tuple[Post | None, dict[str, Comment], bool]:
    """Fetch a post page and every comment page it leads to.

    Returns (post or None when the page is not a post, comments by remote
    id, whether every comment page was read).
    """
    fetched = await blog.fetcher.fetch(url)
    post, problem, packed = None, None, None
    if fetched.ok and not fetched.not_modified:
        try:
            post, packed = await blog.parse_page(extract_post_page, fetched.content, fetched.final_url,
                                                 content_type=fetched.content_type)
        except ExtractError as exc:  # this page only; the blog goes on
            problem = str(exc)
        if post is None and problem is None and await blog.query(store.is_archived, "posts", url):
            problem = "an archived post no longer reads as a post page; the archived copy is kept"
    # A raw capture of a post is never replaced by one that does not read as a post.
    keep = post is not None or not await blog.query(store.is_archived, "pages", url)
    blog.record(replace(fetched, error=problem) if problem else fetched, kind="post", keep=keep, packed=packed)
    if post is None:
        return None, {}, False
    if post.part_urls:
        post = join_post_parts(post, await _fetch_parts(blog, post))
    pages: list[CommentPage] = []
    complete = True
    pending = list(post.comment_page_urls)
    seen_pages = {canonical_url(u) for u in (fetched.final_url, url, *post.shown_comment_pages)}
    while pending and len(seen_pages) < MAX_COMMENT_PAGES:
        page_url = canonical_url(pending.pop(0))
        if page_url in seen_pages or not same_site(page_url, blog.base_url):
            continue
        seen_pages.add(page_url)
        page = await blog.fetcher.fetch(page_url)
        if not page.ok:
            blog.record(page, kind="comment_page")
            complete = False
            continue
        packed = None
        try:
            parsed, packed = await blog.parse_page(extract_comment_page, page.content, page.final_url)
        finally:  # logged also when the page cannot be parsed
            blog.record(page, kind="comment_page", packed=packed)
        pages.append(parsed)
        pending.extend(u for u in parsed.comment_page_urls if canonical_url(u) not in seen_pages)
    return post, assemble_thread(post, pages), complete


async def _fetch_parts(blog: Blog, post: Post) -> list[Post]:
    """Pages 2..N of a post split into pages (``<!--nextpage-->``), each read as a post page."""
    parts: list[Post] = []
    for url in post.part_urls[:MAX_POST_PARTS]:
        if not same_site(url, blog.base_url):
            continue
        fetched = await blog.fetcher.fetch(url)
        part, packed = None, None
        if fetched.ok and not fetched.not_modified:
            try:
                part, packed = await blog.parse_page(extract_post_page, fetched.content, fetched.final_url,
                                                     content_type=fetched.content_type)
            except ExtractError as exc:
                fetched = replace(fetched, error=str(exc))
        blog.record(fetched, kind="post_part", packed=packed)
        if part is not None:
            parts.append(part)
    return parts


def assemble_thread(post: Post, comment_pages: Iterable[CommentPage]) -> dict[str, Comment]:
    """A post's comments by remote id: those on its own page, then each further page's new ones."""
    comments: dict[str, Comment] = {c.remote_id: c for c in post.comments}
    for page in comment_pages:
        for comment in page.comments:
            comments.setdefault(comment.remote_id, comment)
    return comments


# ---------------------------------------------------------------- re-extraction


def replay(pages: StoredPages, base_url: str) -> Iterator[tuple[Post, list[Comment]]]:
    """Rebuild (post, comments) from stored post and comment pages, as a crawl assembles them."""
    by_post: dict[str, list[CommentPage]] = {}
    for url, body, _type in pages("comment_page"):
        by_post.setdefault(strip_comment_page(canonical_url(url)), []).append(extract_comment_page(body, url))
    parts: dict[str, Post] = {}
    for url, body, content_type in pages("post_part"):
        try:
            part = extract_post_page(body, url, content_type=content_type)
        except ExtractError:
            continue
        if part is not None:
            parts[url] = part
    for url, body, content_type in pages("post"):
        try:
            post = extract_post_page(body, url, content_type=content_type)
        except ExtractError as exc:
            log.warning("%s: stored page skipped (%s)", url, exc)
            continue
        if post is None:
            continue
        if post.part_urls:
            post = join_post_parts(post, [parts[part] for part in post.part_urls if part in parts])
        keys = dict.fromkeys([strip_comment_page(canonical_url(url)), strip_comment_page(post.url)])
        comment_pages = [page for key in keys for page in by_post.get(key, [])]
        yield post, list(assemble_thread(post, comment_pages).values())

