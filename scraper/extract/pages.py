"""Read page-level URLs: the canonical post URL and links to other comment pages.

Imports lxml and sibling helpers only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from lxml import etree

from ._index import PageIndex
from ._urls import (
    absolute,
    comment_page_number,
    document_base,
    is_http,
    post_key,
    strip_comment_page,
    strip_fragment,
)

__all__ = ["CommentPageLinks", "canonical_url", "comment_page_urls"]

_CANONICAL = etree.XPath(
    "//head/link[@href][contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]"
)
_OG_URL = etree.XPath("//head/meta[@property='og:url']/@content")


def canonical_url(root: etree._Element, page_url: str) -> str:
    """Return the post's canonical URL: ``link[rel=canonical]``, og:url, else ``page_url``.

    The fragment, ``/comment-page-N/``, ``cpage=N`` and ``replytocom=N`` are removed.
    """
    candidates = [el.get("href") for el in _CANONICAL(root)]
    candidates.extend(str(value) for value in _OG_URL(root))
    for candidate in candidates:
        url = absolute(candidate, page_url)
        if url and is_http(url):
            return strip_comment_page(url)
    return strip_comment_page(page_url)


class CommentPageLinks(NamedTuple):
    """Comment-page URLs seen on a page: the ``others`` to fetch, and the ones it ``shows`` itself."""

    others: tuple[str, ...]
    shown: tuple[str, ...]


def comment_page_urls(
    index: PageIndex,
    page_url: str,
    post_url: str,
    *,
    thread: tuple[Sequence[str], Sequence[str]] = ((), ()),
) -> CommentPageLinks:
    """Return absolute URLs of this post's comment pages linked from the page.

    Links to other posts' comment pages (recent-comments widgets) are left
    out. The page itself is not among ``others``; that includes the numbered
    page that this page's own comments link to (``comment-page-2/#comment-203``
    when comment 203 is here): with "newest first", the bare post URL shows
    the last page. Such numbered URLs of the page itself are ``shown``, so a
    crawler need not fetch them again. Order is first appearance, without
    duplicates.

    ``thread`` is (comment-page links found inside the comments, ids of the
    comments on this page), for pages whose comments were parsed and detached.
    """
    base = document_base(index.root, page_url)
    post = post_key(post_url)
    thread_links, thread_ids = thread
    here = set(thread_ids)
    own_numbers = {comment_page_number(page_url)}
    candidates: list[tuple[str, int]] = []
    resolved: dict[str, tuple[str, int] | None] = {}  # link without fragment -> (URL, page number)
    for href in [*thread_links, *index.comment_page_links]:
        link, _hash, fragment = href.strip().partition("#")
        if link not in resolved:
            resolved[link] = _this_posts_comment_page(link, base, post)
        target = resolved[link]
        if target is None:
            continue
        if fragment.startswith("comment-") and fragment[8:] in here:
            own_numbers.add(target[1])
        candidates.append(target)
    own = strip_fragment(page_url)
    found: list[str] = []
    shown: list[str] = []
    for url, number in candidates:
        if url == own or number in own_numbers:
            if url != own and url not in shown:
                shown.append(url)
        elif url not in found:
            found.append(url)
    return CommentPageLinks(tuple(found), tuple(shown))


def _this_posts_comment_page(link: str, base: str, post: str) -> tuple[str, int] | None:
    """(absolute URL, page number) when ``link`` names a comment page of the post keyed ``post``."""
    if "comment-page-" not in link and "cpage=" not in link:
        return None  # e.g. the ?replytocom=N link of every comment: no need to parse it
    url = absolute(link, base)
    if url is None or not is_http(url):
        return None
    number = comment_page_number(url)
    if number is None or post_key(url) != post:
        return None
    return url, number
