"""URL helpers for extraction: resolve, strip fragments and comment-page parts.

Pure string functions on the standard library only.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from lxml import etree

__all__ = [
    "absolute",
    "comment_page_number",
    "document_base",
    "is_comment_page_link",
    "is_http",
    "path_segment_after",
    "post_key",
    "strip_comment_page",
    "strip_fragment",
]

_COMMENT_PAGE_PATH = re.compile(r"/comment-page-(\d+)(?=/?$)")
_CPAGE_QUERY = re.compile(r"(?:^|&)cpage=(\d+)")
_NOISE_QUERY = re.compile(r"(?:^|&)(?:cpage|replytocom)=[^&]*")


def absolute(url: str | None, base: str) -> str | None:
    """Resolve ``url`` against ``base``; None for empty or unusable values."""
    if url is None:
        return None
    url = url.strip()
    if not url:
        return None
    if url.startswith(("https://", "http://")) and "/." not in url:
        return url  # already absolute and without dot segments: skip urljoin
    try:
        return urljoin(base, url)
    except ValueError:
        return None


def is_http(url: str | None) -> bool:
    """True for an absolute http(s) URL."""
    return bool(url) and url.lower().startswith(("http://", "https://"))  # type: ignore[union-attr]


def document_base(root: etree._Element, page_url: str) -> str:
    """Return the URL relative links resolve against (``<base href>`` or the page URL)."""
    for base in root.iter("base"):
        href = absolute(base.get("href"), page_url)
        if href and is_http(href):
            return href
        break
    return page_url


def strip_fragment(url: str) -> str:
    """Drop the ``#fragment``."""
    return url.split("#", 1)[0]


def strip_comment_page(url: str) -> str:
    """Drop the fragment, ``/comment-page-N/``, ``cpage=N`` and ``replytocom=N``."""
    parts = urlsplit(strip_fragment(url))
    path = _COMMENT_PAGE_PATH.sub("", parts.path)
    query = _NOISE_QUERY.sub("", parts.query).lstrip("&")
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def comment_page_number(url: str) -> int | None:
    """Return N for a ``/comment-page-N/`` or ``cpage=N`` URL, else None."""
    parts = urlsplit(strip_fragment(url))
    match = _COMMENT_PAGE_PATH.search(parts.path) or _CPAGE_QUERY.search(parts.query)
    return int(match.group(1)) if match else None


def is_comment_page_link(url: str) -> bool:
    """True when ``url`` names a numbered comment page."""
    return comment_page_number(url) is not None


def post_key(url: str) -> str:
    """Return a comparison key for "same post": host, path without trailing slash, query."""
    parts = urlsplit(strip_comment_page(url))
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}?{parts.query}"


def path_segment_after(url: str, marker: str) -> str | None:
    """Return the path segment after ``/marker/`` (``/author/jane/`` -> "jane"), unquoted."""
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    for i, segment in enumerate(segments[:-1]):
        if segment == marker:
            return unquote(segments[i + 1])
    return None
