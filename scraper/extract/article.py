"""The library API for one page: its article as text, or as a typed record.

    article_text(html, url) -> str      the main text as prose (no headline, no captions)
    article(html, url)      -> Article  title, author, dates, body (HTML and text),
                                        images with heading/caption/alt, comments with parents

``html`` is the page as fetched (``bytes``, decoded by the page's own rules:
byte-order mark, ``content_type``'s charset, ``<meta charset>``, else UTF-8
when it decodes, else Windows-1252) or already decoded (``str``, taken as
is). Any platform: WordPress pages go through the WordPress reader, others
(Blogger, Ghost, Squarespace, hand-made sites) through the generic one; a
page that is not a post still gives its main content. Imports lxml,
scraper.records and sibling modules only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scraper.errors import ExtractError
from scraper.records import Author, Comment, ImageRef, Post, Term

from ._html import head_meta, parse_html, squash, text_of
from ._index import PageIndex
from ._urls import document_base
from .content import clean_body
from .detect import detect_platform
from .generic import extract_generic
from .maincontent import find_main_content, page_titles, render_text
from .postmeta import drop_site_name, find_site_name
from .wordpress import extract_post_page

__all__ = ["Article", "article", "article_text"]

_DECODED = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """What one page holds as an article.

    ``is_post`` is False when nothing on the page says it is a single post
    (a plain page, an "about" page): the body is then the page's main
    content and there are no comments. ``body_html`` is sanitised;
    ``body_text`` is its text with captions; ``text`` is the prose alone, as
    ``article_text`` gives it. Comments carry ``remote_id`` and
    ``parent_remote_id`` (None at the top level) and ``depth``.
    """

    url: str
    platform: str  # "wordpress", "blogger", "ghost", "squarespace", ... or "generic"
    is_post: bool
    title: str
    author: Author | None = None
    published_at: datetime | None = None  # UTC
    modified_at: datetime | None = None  # UTC
    excerpt: str | None = None
    body_html: str = ""
    body_text: str = ""
    text: str = ""
    terms: tuple[Term, ...] = ()
    images: tuple[ImageRef, ...] = ()
    comments: tuple[Comment, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601 strings)."""
        return {
            "url": self.url,
            "platform": self.platform,
            "is_post": self.is_post,
            "title": self.title,
            "author": _author_dict(self.author),
            "published_at": _iso(self.published_at),
            "modified_at": _iso(self.modified_at),
            "excerpt": self.excerpt,
            "body_html": self.body_html,
            "body_text": self.body_text,
            "text": self.text,
            "terms": [{"kind": t.kind, "name": t.name, "slug": t.slug} for t in self.terms],
            "images": [_image_dict(ref) for ref in self.images],
            "comments": [_comment_dict(c) for c in self.comments],
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _author_dict(author: Author | None) -> dict[str, Any] | None:
    if author is None:
        return None
    return {"name": author.name, "url": author.url}


def _image_dict(ref: ImageRef) -> dict[str, Any]:
    return {
        "url": ref.url,
        "position": ref.position,
        "role": ref.role,
        "alt": ref.alt,
        "caption": ref.caption,
        "heading": ref.heading,
        "width": ref.width,
        "height": ref.height,
    }


def _comment_dict(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.remote_id,
        "parent_id": comment.parent_remote_id,
        "depth": comment.depth,
        "author_name": comment.author_name,
        "author_url": comment.author_url,
        "is_post_author": comment.is_post_author,
        "published_at": _iso(comment.published_at),
        "body_html": comment.body_html,
        "body_text": comment.body_text,
        "permalink": comment.permalink,
    }


def _as_bytes(html: str | bytes, content_type: str) -> tuple[bytes, str]:
    if isinstance(html, str):
        return html.encode("utf-8", "surrogatepass"), _DECODED
    return bytes(html), content_type


def article_text(html: str | bytes, url: str, *, content_type: str = "") -> str:
    """Return the main text of the page as prose: paragraphs, lists and tables.

    The headline, image captions, navigation, share bars, related links and
    comments are left out. Lines are blocks; empty when the page holds no
    recognisable block of prose.
    """
    data, content_type = _as_bytes(html, content_type)
    choice = find_main_content(parse_html(data, content_type))
    return render_text(choice.element, captions=False) if choice is not None else ""


def article(html: str | bytes, url: str, *, content_type: str = "") -> Article:
    """Return the article of the page: metadata, sanitised body, images and comments.

    A WordPress page whose theme hides the body from the WordPress reader is
    read by the generic one.
    """
    data, content_type = _as_bytes(html, content_type)
    platform = detect_platform(data, url)
    text = article_text(data, url, content_type=content_type)
    try:
        post = extract_post_page(data, url, content_type=content_type)
    except ExtractError:
        post = extract_generic(data, url, content_type=content_type)
    if post is not None:
        return _from_post(post, platform, text)
    return _from_page(data, url, content_type, platform, text)


def _from_post(post: Post, platform: str, text: str) -> Article:
    return Article(
        url=post.url,
        platform=platform,
        is_post=True,
        title=post.title,
        author=post.author,
        published_at=post.published_at,
        modified_at=post.modified_at,
        excerpt=post.excerpt,
        body_html=post.body_html,
        body_text=post.body_text,
        text=text,
        terms=post.terms,
        images=post.images,
        comments=post.comments,
    )


def _from_page(data: bytes, url: str, content_type: str, platform: str, text: str) -> Article:
    """A page that is not a post: its title and main content."""
    root = parse_html(data, content_type)
    base = document_base(root, url)
    titles = page_titles(root)
    h1 = next(root.iter("h1"), None)
    title = squash(text_of(h1)) if h1 is not None else ""
    if not title and titles:
        title = drop_site_name(titles[0], find_site_name(PageIndex(root), head_meta(root)))
    choice = find_main_content(root, title=title or None)
    if choice is None:
        return Article(url=url, platform=platform, is_post=False, title=title, text=text)
    body = clean_body(choice.element, base)
    return Article(
        url=url,
        platform=platform,
        is_post=False,
        title=title,
        body_html=body.html,
        body_text=body.text,
        text=text,
        images=tuple(body.images),
    )
