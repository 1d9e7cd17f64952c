"""Sources: the ways of reading one blog, tried in order until one works.

A source discovers a blog's posts, asks ``Blog`` for the pages it needs (the
scheduler decides when each request runs) and hands whole posts with their
comments and images to ``Blog.save`` (the run's writer stores them). Adding
a platform means adding one module here with a class that follows
``Source`` and a ``replay`` function that rebuilds posts from stored pages
with the same assembly code, then listing both below.

Imports writer, fetch, extract, discover, store and the leaves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from scraper.records import Comment, Post
from scraper.sources import blogger, html, wordpress_rest
from scraper.sources._blog import (
    Blog,
    Event,
    ParserHolder,
    SiteFailing,
    StoredPages,
    first_failure,
    run_together,
    url_wanted,
)

__all__ = [
    "Blog",
    "Event",
    "ParserHolder",
    "SOURCES",
    "SiteFailing",
    "Source",
    "first_failure",
    "replay_site",
    "run_together",
    "url_wanted",
]



class Source(Protocol):
    """One way of reading a blog."""

    name: str

    async def knows(self, blog: Blog) -> bool:
        """Whether an earlier run left what this source needs to read the blog without its home page."""
        ...

    async def crawl(self, blog: Blog) -> bool:
        """Archive what is new or changed; False when this way of reading does not work for the blog.

        :raises ScraperError: when the blog cannot be read at all (``NotABlogError``, ``SiteFailing``).
        """
        ...


# Tried in this order; the HTML source reads any blog, so it comes last.
SOURCES: tuple[Source, ...] = (wordpress_rest.WordPressRest(), blogger.BloggerFeeds(), html.HtmlPages())

_REPLAYS = (wordpress_rest.replay, blogger.replay, html.replay)


def replay_site(pages: StoredPages, base_url: str) -> Iterator[tuple[Post, list[Comment]]]:
    """Rebuild every post of a site from its stored pages; each post once, from the first source that has it."""
    seen: set[str] = set()
    for replay in _REPLAYS:
        for post, comments in replay(pages, base_url):
            if post.url not in seen:
                seen.add(post.url)
                yield post, comments
