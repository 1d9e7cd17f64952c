"""Typed records that cross module boundaries.

Every stage of the pipeline (discover -> fetch -> extract -> store) hands the
next one these frozen dataclasses, never dicts, soup trees or HTTP responses.
This module imports nothing from the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "Author",
    "Comment",
    "CommentPage",
    "FeedEntry",
    "Fetched",
    "ImageFile",
    "ImageRef",
    "PageRef",
    "Post",
    "Term",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PageRef:
    """A URL the crawler intends to fetch.

    ``kind`` says what the URL is expected to hold: ``post`` (a single post's
    HTML), ``comment_page`` (a further page of a post's comments), ``listing``
    (an archive/home page), ``sitemap``, ``feed``, ``robots``, ``rest`` (a
    WordPress REST JSON page) or ``image``.
    """

    url: str
    kind: str
    post_url: str | None = None  # for comment pages: the canonical post URL
    lastmod: datetime | None = None  # from a sitemap, when it has one


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    """One item of a post feed or comment feed.

    For a post feed ``comment_count`` is the post's approved comment count
    when the feed states it (``slash:comments``). For a comment feed
    ``post_url`` is the post the comment belongs to and ``comment_id`` its
    remote id.
    """

    post_url: str
    published: datetime | None = None
    comment_count: int | None = None
    comment_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetched:
    """One HTTP exchange as the crawler saw it.

    ``content`` is the decoded-transfer body (gzip removed, charset untouched).
    ``not_modified`` is True for a 304 answer to a conditional GET, in which
    case ``content`` is empty. ``error`` is a one-line description when the
    request failed (``status`` is then 0 when no response arrived).
    """

    url: str  # the URL that was requested
    final_url: str  # after redirects on the same site
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    elapsed_ms: int = 0
    fetched_at: datetime | None = None  # UTC
    error: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    robots_disallowed: bool = False  # never requested: robots.txt forbids it

    @property
    def ok(self) -> bool:
        """True for a 2xx answer with a body, or a 304."""
        return self.error is None and (200 <= self.status < 300 or self.not_modified)

    def header(self, name: str) -> str | None:
        """Return the first header called ``name`` (case-insensitive), or None."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Author:
    """A post author. ``remote_id`` is the platform's user id when known."""

    name: str
    remote_id: str | None = None
    url: str | None = None
    slug: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """A category or tag attached to a post."""

    kind: str  # "category" or "tag"
    name: str
    slug: str | None = None
    remote_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageRef:
    """An image as it appears in a post, before it is downloaded.

    ``url`` is the largest rendition the markup offers (srcset, lazy-load
    attributes and links to the original considered), absolute.
    ``heading`` is the text of the nearest heading before the image in the
    post body ("Back Routine 1"), or None when there is none.
    ``is_featured`` marks a body or gallery placement that is also the post's
    featured image (its heading and caption kept); a featured image shown only
    outside the body is its own placement with role "featured" instead.
    """

    url: str
    position: int  # 0-based order within the post (a featured-only image first)
    role: str = "body"  # "body", "gallery" or "featured"
    is_featured: bool = False
    alt: str | None = None
    caption: str | None = None
    heading: str | None = None
    width: int | None = None  # as declared in the markup, if any
    height: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageFile:
    """Downloaded image bytes with what Pillow read from them."""

    url: str
    sha256: str
    mime: str | None
    width: int | None
    height: int | None
    size: int  # bytes
    data: bytes = field(repr=False)
    fetched_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Comment:
    """One comment of a post.

    ``remote_id`` is the platform's comment id ("42" for ``#comment-42``).
    ``parent_remote_id`` is the remote id of the comment it replies to, or
    None at the top level. ``depth`` is 1 for top-level comments.
    ``comment_type`` is "comment", "pingback" or "trackback".
    """

    remote_id: str
    parent_remote_id: str | None = None
    depth: int = 1
    author_name: str | None = None
    author_url: str | None = None
    is_post_author: bool = False
    published_at: datetime | None = None  # timezone-aware UTC
    body_html: str = ""  # sanitized
    body_text: str = ""
    comment_type: str = "comment"
    permalink: str | None = None
    post_remote_id: str | None = None  # set by sources that list many posts' comments


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    """A post extracted from one page (HTML) or one REST record.

    ``body_html`` is sanitized; ``is_protected`` marks password-protected
    posts, whose body is empty. ``comments`` holds the comments found on this
    page only; ``comment_page_urls`` lists further comment pages to fetch,
    ``shown_comment_pages`` the numbered comment-page URLs whose comments this
    page already shows (the bare URL of a "newest first" thread shows the last
    page). ``part_urls`` are the absolute URLs of the other pages of a post
    split into pages (``<!--nextpage-->``, "Pages: 1 2 3"): read on page 1,
    they are pages 2..N in order; ``extract.join_post_parts`` joins them.
    """

    url: str  # canonical
    title: str
    remote_id: str | None = None
    author: Author | None = None
    published_at: datetime | None = None  # UTC
    modified_at: datetime | None = None  # UTC
    body_html: str = ""
    body_text: str = ""
    excerpt: str | None = None
    terms: tuple[Term, ...] = ()
    images: tuple[ImageRef, ...] = ()
    comments: tuple[Comment, ...] = ()
    comment_page_urls: tuple[str, ...] = ()
    shown_comment_pages: tuple[str, ...] = ()
    comments_complete: bool = False  # True when comments come from a full source (REST)
    part_urls: tuple[str, ...] = ()  # pages 2..N of a post split into pages, in order
    is_protected: bool = False
    source: str = "html"  # "html" or "rest"


@dataclass(frozen=True, slots=True, kw_only=True)
class CommentPage:
    """Comments parsed from one further comment page of a post."""

    post_url: str
    comments: tuple[Comment, ...]
    comment_page_urls: tuple[str, ...] = ()
