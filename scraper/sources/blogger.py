"""The Blogger source: posts and comments from a Blogger blog's Atom feeds.

Posts come from ``/feeds/posts/default`` (full bodies), paged by
``start-index``; each post's comments from its own comment feed, skipped on
later runs while the post and its comment count are unchanged.
``assemble_post`` is shared with ``replay``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from scraper import store
from scraper.discover import blogger_comments_feed_url, blogger_posts_feed_url
from scraper.extract import extract_generic
from scraper.extract.blogger import parse_blogger_comments, parse_blogger_posts, with_depths
from scraper.records import Comment, Post
from scraper.sources._blog import Blog, StoredPages

__all__ = ["BloggerFeeds", "assemble_post", "replay"]

BLOGGER_POSTS_PER_PAGE = 150  # Blogger serves at most 500 entries per feed page
BLOGGER_COMMENTS_PER_PAGE = 500
MAX_BLOGGER_FEED_PAGES = 2000



class BloggerFeeds:
    """Read a Blogger blog from its feeds."""

    name = "blogger"

    async def knows(self, blog: Blog) -> bool:
        """Blogger needs nothing remembered: the platform tells."""
        return False

    async def crawl(self, blog: Blog) -> bool:
        """Archive the blog from its feeds; False when it is not Blogger or the feed is not there."""
        if blog.platform != "blogger":
            return False
        start, pages = 1, 0
        while pages < MAX_BLOGGER_FEED_PAGES and blog.budget_left():
            url = blogger_posts_feed_url(blog.base_url, start=start, max_results=BLOGGER_POSTS_PER_PAGE)
            fetched = await blog.get(url, kind="blogger_posts", probe=start == 1)
            if not fetched.ok:
                return pages > 0
            parsed = parse_blogger_posts(fetched.content, blog.base_url)
            if not parsed.posts and pages == 0:
                return False
            pages += 1
            for post in parsed.posts:
                if not blog.budget_left():
                    break
                if blog.wanted(post):
                    await _archive_post(blog, post, parsed.comment_totals.get(post.remote_id or ""))
            start += parsed.count
            if parsed.count == 0 or (parsed.total is not None and start > parsed.total):
                break
        return True


async def _archive_post(blog: Blog, post: Post, comment_total: int | None) -> None:
    marks = await blog.query(store.post_change_marks, post.url)
    if (marks is not None and not blog.settings.recheck_all and marks[0] == store.iso(post.modified_at)
            and comment_total is not None and marks[1] == comment_total):
        return
    if not post.body_html:  # a summaries-only feed: the body comes from the post page
        fetched = await blog.get(post.url, kind="post")
        page_post = extract_generic(fetched.content, fetched.final_url, content_type=fetched.content_type,
                                    platform="blogger") if fetched.ok else None
        if page_post is not None:
            post = replace(post, body_html=page_post.body_html, body_text=page_post.body_text,
                           images=page_post.images)
    comment_feeds: list[bytes] = []
    complete = post.remote_id is not None
    start = 1
    while post.remote_id is not None:
        url = blogger_comments_feed_url(blog.base_url, post.remote_id, start=start,
                                        max_results=BLOGGER_COMMENTS_PER_PAGE)
        fetched = await blog.get(url, kind="blogger_comments", probe=start == 1)
        if not fetched.ok:
            complete = False
            break
        comment_feeds.append(fetched.content)
        parsed = parse_blogger_comments(fetched.content, post_id=post.remote_id, post_author_url=None)
        start += parsed.count
        if parsed.count == 0 or (parsed.total is not None and start > parsed.total):
            break
    await blog.save(post, assemble_post(post, comment_feeds), complete)


def assemble_post(post: Post, comment_feeds: Iterable[bytes]) -> list[Comment]:
    """A post's comments from its comment feed pages: each once, with depths from their parents."""
    author_url = post.author.url if post.author else None
    comments: dict[str, Comment] = {}
    for page in comment_feeds:
        for comment in parse_blogger_comments(page, post_id=post.remote_id, post_author_url=author_url).comments:
            comments.setdefault(comment.remote_id, comment)
    return with_depths(list(comments.values()))


def replay(pages: StoredPages, base_url: str) -> Iterator[tuple[Post, list[Comment]]]:
    """Rebuild (post, comments) from stored Blogger post and comment feed pages."""
    comment_feeds: dict[str, list[bytes]] = {}
    for url, body, _type in pages("blogger_comments"):
        match = re.search(r"/feeds/(\d+)/comments/", url)
        if match:
            comment_feeds.setdefault(match.group(1), []).append(body)
    for _url, body, _type in pages("blogger_posts"):
        for post in parse_blogger_posts(body, base_url).posts:
            yield post, assemble_post(post, comment_feeds.get(post.remote_id or "", []))
