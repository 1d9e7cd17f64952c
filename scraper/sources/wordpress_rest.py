"""The WordPress REST source: posts and true reply trees from ``/wp/v2``.

Posts come from ``/wp/v2/posts`` (authors, terms and featured media
embedded), comments from ``/wp/v2/comments`` with their real ``parent``.
Anonymous REST does not list pingbacks, so each post's HTML thread is read
too and its pingbacks and trackbacks join the REST comments
(``merge_comments``, shared with ``replay``). Re-runs ask only for posts
modified since the last run and re-check threads by the site's comment
totals.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from scraper import store
from scraper.discover import rest_api_root, rest_url
from scraper.errors import ExtractError
from scraper.extract import extract_rest_comments, extract_rest_posts
from scraper.records import Comment, Fetched, Post
from scraper.sources import html
from scraper.sources._blog import Blog, StoredPages
from scraper.sources._recheck import thread_due
from scraper.urls import canonical_url

__all__ = ["WordPressRest", "merge_comments", "replay"]

log = logging.getLogger(__name__)

REST_PER_PAGE = 100
STATE_API_ROOT = "rest_api_root"
# REST `after` on comments compares with the site's local time: look back far
# enough to cover any UTC offset.
COMMENT_CLOCK_MARGIN = timedelta(hours=26)



class WordPressRest:
    """Read a WordPress blog through its REST API."""

    name = "rest"

    async def knows(self, blog: Blog) -> bool:
        """Whether an earlier run found this blog's API (the home page is then not needed)."""
        return blog.settings.use_rest and await blog.get_state(STATE_API_ROOT) is not None

    async def crawl(self, blog: Blog) -> bool:
        """Archive through the REST API; False when the blog has none that answers."""
        if not blog.settings.use_rest:
            return False
        api_root = await blog.get_state(STATE_API_ROOT)
        if api_root is None:
            if blog.platform != "wordpress" or blog.home is None:
                return False
            api_root = rest_api_root(blog.home.content, blog.base_url) or canonical_url("wp-json/", blog.base_url)
        if await _crawl(blog, api_root):
            return True
        await blog.set_state(STATE_API_ROOT, None)
        return False


async def _json(blog: Blog, url: str, *, kind: str, keep: bool = True, probe: bool = False) -> tuple[Fetched, Any]:
    """GET a REST URL; (fetched, parsed JSON or None). Only JSON answers are kept as raw pages."""
    fetched = await blog.fetcher.fetch(url)
    data = None
    if fetched.ok and "json" in fetched.content_type.lower():
        try:
            data = json.loads(fetched.content)
        except ValueError:
            data = None
    blog.record(fetched, kind=kind, keep=keep and data is not None, probe=probe)
    return fetched, data


async def _crawl(blog: Blog, api_root: str) -> bool:
    params: dict[str, str | int] = {
        "per_page": REST_PER_PAGE,
        "orderby": "modified",
        "order": "asc",
        "_embed": "author,wp:featuredmedia,wp:term",
    }
    if blog.settings.max_posts is not None:  # the newest posts first
        params.update(orderby="date", order="desc")
    high_water = None if blog.settings.recheck_all else await blog.get_state("rest_modified_after")
    if high_water:
        params["modified_after"] = high_water
    if blog.since:
        params["after"] = store.iso(blog.since) or ""
    fetched, data = await _json(blog, rest_url(api_root, "wp/v2/posts", {**params, "page": 1}),
                                kind="rest_posts", probe=True)
    if not isinstance(data, list):
        if api_root.endswith("wp-json/") or "/wp-json" in api_root:
            alternative = canonical_url("?rest_route=/", blog.base_url)
            fetched, data = await _json(blog, rest_url(alternative, "wp/v2/posts", {**params, "page": 1}),
                                        kind="rest_posts", probe=True)
            if isinstance(data, list):
                api_root = alternative
        if not isinstance(data, list):
            log.info("REST API not usable (%s); archiving from HTML", fetched.error or fetched.status)
            return False
    await blog.set_state(STATE_API_ROOT, api_root)
    total_pages = int(fetched.header("x-wp-totalpages") or 1)
    newest_modified = high_water
    started = datetime.now(timezone.utc)
    changed_posts: set[str] = set()
    page = 1
    while True:
        for post in extract_rest_posts(fetched.content, blog.base_url):
            if not blog.budget_left():
                break
            if not blog.wanted(post):
                continue
            await _archive_post(blog, api_root, post)
            if post.remote_id:
                changed_posts.add(post.remote_id)
            modified = store.iso(post.modified_at)
            if modified and (newest_modified is None or modified > newest_modified):
                newest_modified = modified
        page += 1
        if page > total_pages or not blog.budget_left():
            break
        fetched, data = await _json(blog, rest_url(api_root, "wp/v2/posts", {**params, "page": page}),
                                    kind="rest_posts")
        if not isinstance(data, list):
            break
    await _recheck_comments(blog, api_root, changed_posts, started)
    if newest_modified and not blog.counts.errors and blog.settings.max_posts is None:
        await blog.set_state("rest_modified_after", newest_modified)
    return True


async def _comments(blog: Blog, api_root: str, post_remote_id: str,
                    author_ids: dict[str, str]) -> tuple[list[Comment], bool]:
    """Every approved comment of a post from REST; (comments, complete)."""
    comments: list[Comment] = []
    page, total = 1, 1
    while page <= total:
        query: dict[str, str | int] = {"post": post_remote_id, "per_page": REST_PER_PAGE, "page": page,
                                       "orderby": "id", "order": "asc"}
        fetched, data = await _json(blog, rest_url(api_root, "wp/v2/comments", query), kind="rest_comments",
                                    probe=page == 1)
        if not isinstance(data, list):
            return comments, False
        total = int(fetched.header("x-wp-totalpages") or 1)
        comments.extend(extract_rest_comments(fetched.content, post_author_ids=author_ids))
        page += 1
    return comments, True


def merge_comments(
    rest: list[Comment], rest_complete: bool, from_html: Iterable[Comment], html_complete: bool
) -> tuple[list[Comment], bool, set[str] | None]:
    """Join a post's REST comments and its HTML thread: (comments, complete, complete types).

    REST gives the true tree of ordinary comments; the HTML adds pingbacks and
    trackbacks. Without a complete REST list the HTML thread is used alone.
    """
    if not rest_complete:
        return list(from_html), html_complete, None
    known = {comment.remote_id for comment in rest}
    merged = rest + [c for c in from_html if c.comment_type != "comment" and c.remote_id not in known]
    return merged, True, {"comment"} | ({"pingback", "trackback"} if html_complete else set())


async def _archive_post(blog: Blog, api_root: str, post: Post) -> None:
    """Save a REST post with its REST comment tree plus the pingbacks its HTML shows."""
    author_ids = ({post.remote_id: post.author.remote_id}
                  if post.remote_id and post.author and post.author.remote_id else {})
    rest: list[Comment] = []
    rest_complete = False
    if post.remote_id:
        rest, rest_complete = await _comments(blog, api_root, post.remote_id, author_ids)
    _page_post, from_html, html_complete = await html.fetch_thread(blog, post.url)
    comments, complete, types = merge_comments(rest, rest_complete, from_html.values(), html_complete)
    await blog.save(post, comments, complete, types)


async def _recheck_comments(blog: Blog, api_root: str, done: set[str], started: datetime) -> None:
    """Find new and deleted comments on posts that did not change."""
    rows = [row for row in await blog.query(store.post_check_rows, blog.site_id) if row["remote_id"] is not None]
    due: set[str] = set()
    last_seen = await blog.get_state("rest_comments_after")
    if last_seen:
        _fetched, data = await _json(
            blog, rest_url(api_root, "wp/v2/comments", {"after": last_seen, "per_page": REST_PER_PAGE,
                                                        "_fields": "id,post"}),
            kind="rest_comment_ids", keep=False)
        if isinstance(data, list):
            due.update(str(item.get("post")) for item in data if isinstance(item, dict))
    now = datetime.now(timezone.utc)
    for row in rows:
        if row["remote_id"] not in done and (blog.settings.recheck_all or thread_due(row, now, blog.settings)):
            due.add(row["remote_id"])
    if not await _comment_total_matches(blog, api_root):
        due.update(await _posts_with_changed_comment_sets(blog, api_root))
    by_remote = {row["remote_id"]: row for row in rows}
    for remote_id in sorted(due - done):
        stored = by_remote.get(remote_id)
        if stored is None:
            continue
        author_ids = {remote_id: stored["author_remote_id"]} if stored["author_remote_id"] else {}
        comments, complete = await _comments(blog, api_root, remote_id, author_ids)
        await blog.save_comments(stored["id"], comments, complete, {"comment"})
    if not blog.counts.errors:
        await blog.set_state("rest_comments_after", store.iso(started - COMMENT_CLOCK_MARGIN))


async def _comment_total_matches(blog: Blog, api_root: str) -> bool:
    """Compare the site's approved comment count with the archive's live comments."""
    fetched, data = await _json(blog, rest_url(api_root, "wp/v2/comments", {"per_page": 1, "_fields": "id"}),
                                kind="rest_comment_ids", keep=False)
    total = fetched.header("x-wp-total")
    if not isinstance(data, list) or total is None or not total.isdigit():
        return True
    return int(total) == await blog.query(store.live_comment_count, blog.site_id)


async def _posts_with_changed_comment_sets(blog: Blog, api_root: str) -> set[str]:
    """List every comment id on the site (ids only) and return posts whose set changed."""
    remote: dict[str, set[str]] = {}
    page, total = 1, 1
    while page <= total:
        fetched, data = await _json(
            blog, rest_url(api_root, "wp/v2/comments", {"per_page": REST_PER_PAGE, "page": page,
                                                        "_fields": "id,post"}),
            kind="rest_comment_ids", keep=False)
        if not isinstance(data, list):
            return set()
        total = int(fetched.header("x-wp-totalpages") or 1)
        for item in data:
            if isinstance(item, dict):
                remote.setdefault(str(item.get("post")), set()).add(str(item.get("id")))
        page += 1
    ours = await blog.query(store.live_comment_ids, blog.site_id)
    return {post for post in set(remote) | set(ours) if remote.get(post, set()) != ours.get(post, set())}


def _or_nothing(extractor: Callable[..., list[Any]], body: bytes, url: str, *args: Any) -> list[Any]:
    """Run a REST extractor over a stored page; a page that no longer parses yields nothing."""
    try:
        return extractor(body, *args)
    except ExtractError as exc:
        log.warning("%s: stored page skipped (%s)", url, exc)
        return []


def replay(pages: StoredPages, base_url: str) -> Iterator[tuple[Post, list[Comment]]]:
    """Rebuild (post, comments) from stored REST pages and each post's stored HTML thread."""
    rest_comments: dict[str, dict[str, Comment]] = {}
    for url, body, _type in pages("rest_comments"):
        for comment in _or_nothing(extract_rest_comments, body, url):
            rest_comments.setdefault(comment.post_remote_id or "", {})[comment.remote_id] = comment
    threads = {post.url: comments for post, comments in html.replay(pages, base_url)}
    for url, body, _type in pages("rest_posts"):
        for post in _or_nothing(extract_rest_posts, body, url, base_url):
            stored = rest_comments.get(post.remote_id or "")
            comments, _complete, _types = merge_comments(list((stored or {}).values()), stored is not None,
                                                         threads.get(post.url, []), False)
            yield post, comments
