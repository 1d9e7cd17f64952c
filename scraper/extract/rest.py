"""Extract Posts and Comments from WordPress REST API pages (``/wp-json/wp/v2/...``).

Parses the JSON arrays of ``/posts`` (ideally with
``_embed=author,wp:featuredmedia,wp:term``) and ``/comments``. Items that are
not published posts or approved comments are skipped. Bodies go through the
same cleaning as HTML pages, resolved against the post's ``link``.
Imports scraper.records, scraper.errors and sibling modules only.
"""

from __future__ import annotations

import html as html_lib
import json
from typing import Any

from scraper.errors import ExtractError
from scraper.records import Author, Comment, ImageRef, Post, Term

from ._html import parse_fragment, squash
from ._urls import absolute, is_http, path_segment_after
from .content import clean_body
from .dates import parse_date
from .images import place_featured
from .text import html_to_text

__all__ = ["extract_rest_comments", "extract_rest_posts"]

_TERM_KINDS = {"category": "category", "post_tag": "tag"}
_COMMENT_TYPES = {
    "": "comment",
    "comment": "comment",
    "pingback": "pingback",
    "trackback": "trackback",
}


def _load_array(data: bytes, what: str) -> list[dict[str, Any]]:
    try:
        items = json.loads(data)
    except ValueError as exc:
        raise ExtractError(f"REST {what}: not JSON ({exc})", url=what) from exc
    if isinstance(items, dict) and "code" in items:
        raise ExtractError(
            f"REST {what}: error {items.get('code')}: {items.get('message')}", url=what
        )
    if not isinstance(items, list):
        raise ExtractError(f"REST {what}: expected a JSON array", url=what)
    return [item for item in items if isinstance(item, dict)]


def _dict(value: Any) -> dict[str, Any]:
    """Return ``value`` when it is a JSON object, else an empty dict."""
    return value if isinstance(value, dict) else {}


def _text_field(value: Any) -> str | None:
    """Return ``value`` when it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def _rendered(value: Any) -> str:
    """Return ``value["rendered"]`` (or a plain string), else ""."""
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _plain(fragment: str) -> str:
    """Return the text of a small rendered HTML fragment (titles, captions)."""
    if "<" not in fragment:
        return squash(html_lib.unescape(fragment))
    return squash(html_to_text(fragment).replace("\n", " "))


def _embedded(item: dict[str, Any], key: str) -> list[Any]:
    embedded = item.get("_embedded")
    value = embedded.get(key) if isinstance(embedded, dict) else None
    return value if isinstance(value, list) else []


def _author(item: dict[str, Any]) -> Author | None:
    remote_id = (
        str(item["author"]) if isinstance(item.get("author"), int) and item["author"] else None
    )
    for user in _embedded(item, "author"):
        if isinstance(user, dict) and isinstance(user.get("name"), str) and "code" not in user:
            link = _text_field(user.get("link"))
            slug = _text_field(user.get("slug"))
            return Author(
                name=user["name"],
                remote_id=str(user.get("id", remote_id)) if user.get("id") else remote_id,
                url=link,
                slug=slug or (path_segment_after(link, "author") if link else None),
            )
    return Author(name="", remote_id=remote_id) if remote_id else None


def _terms(item: dict[str, Any]) -> tuple[Term, ...]:
    terms: list[Term] = []
    for group in _embedded(item, "wp:term"):
        for term in group if isinstance(group, list) else []:
            kind = _TERM_KINDS.get(term.get("taxonomy", "")) if isinstance(term, dict) else None
            if kind is None or not isinstance(term.get("name"), str):
                continue
            terms.append(
                Term(
                    kind=kind,
                    name=_plain(term["name"]),
                    slug=term.get("slug") if isinstance(term.get("slug"), str) else None,
                    remote_id=str(term["id"]) if term.get("id") is not None else None,
                )
            )
    return tuple(terms)


def _featured(item: dict[str, Any], base: str) -> ImageRef | None:
    for media in _embedded(item, "wp:featuredmedia"):
        if not isinstance(media, dict) or "code" in media:
            continue
        details = _dict(media.get("media_details"))
        full = _dict(_dict(details.get("sizes")).get("full"))
        source = _text_field(media.get("source_url")) or _text_field(full.get("source_url"))
        url = absolute(source, base)
        if url is None or not is_http(url):
            continue
        width, height = details.get("width"), details.get("height")
        return ImageRef(
            url=url,
            position=0,
            role="featured",
            alt=squash(_text_field(media.get("alt_text"))) or None,
            caption=_plain(_rendered(media.get("caption"))) or None,
            width=width if isinstance(width, int) and width > 0 else None,
            height=height if isinstance(height, int) and height > 0 else None,
        )
    return None


_PLACEHOLDER_TITLES = frozenset({"untitled", "(untitled)", "(no title)", "no title"})


def _title(item: dict[str, Any]) -> str:
    """Return the rendered title; "" for a post without one.

    Themes filter ``the_title`` for REST too (twentytwentyone renders an empty
    title as "Untitled"). WordPress gives an untitled post its id as slug, so a
    placeholder title with the id as slug is an empty title.
    """
    title = _plain(_rendered(item.get("title")))
    raw = _dict(item.get("title")).get("raw")
    if isinstance(raw, str):
        return squash(raw) if raw.strip() == "" else title
    if title.casefold() in _PLACEHOLDER_TITLES and str(item.get("slug")) == str(item.get("id")):
        return ""
    return title


def _post(item: dict[str, Any], base_url: str) -> Post | None:
    if item.get("status", "publish") != "publish" or item.get("type", "post") != "post":
        return None
    link = item.get("link")
    url = absolute(link, base_url) if isinstance(link, str) else None
    if url is None or not is_http(url):
        return None
    content = _dict(item.get("content"))
    protected = bool(content.get("protected"))
    body_images: list[ImageRef] = []
    body_html = body_text = ""
    if not protected:
        body = clean_body(parse_fragment(_rendered(content)), url)
        body_html, body_text = body.html, body.text
        body_images = body.images
    images = place_featured(_featured(item, url), body_images)
    excerpt = _dict(item.get("excerpt"))
    excerpt_text = "" if excerpt.get("protected") else _plain(_rendered(excerpt))
    return Post(
        url=url,
        title=_title(item),
        remote_id=str(item["id"]) if item.get("id") is not None else None,
        author=_author(item),
        published_at=parse_date(item.get("date_gmt"), assume_utc=True),
        modified_at=parse_date(item.get("modified_gmt"), assume_utc=True),
        body_html=body_html,
        body_text=body_text,
        excerpt=excerpt_text or None,
        terms=_terms(item),
        images=images,
        is_protected=protected,
        source="rest",
    )


def extract_rest_posts(data: bytes, base_url: str) -> list[Post]:
    """Return the published posts of one ``/wp/v2/posts`` answer, in answer order.

    :raises ExtractError: the answer is not a JSON array of posts (e.g. a REST error).
    """
    posts = []
    for item in _load_array(data, f"{base_url} posts"):
        post = _post(item, base_url)
        if post is not None:
            posts.append(post)
    return posts


def extract_rest_comments(
    data: bytes, *, post_author_ids: dict[str, str] | None = None
) -> list[Comment]:
    """Return the approved comments of one ``/wp/v2/comments`` answer.

    ``post_author_ids`` maps a post's remote id to its author's user id, which
    sets ``is_post_author``. ``depth`` is 1 for every comment: REST gives the
    true ``parent``, and the store derives depth and thread paths from parents.

    :raises ExtractError: the answer is not a JSON array.
    """
    authors = post_author_ids or {}
    comments = []
    for item in _load_array(data, "comments"):
        if item.get("status", "approved") != "approved" or item.get("id") is None:
            continue
        kind = _COMMENT_TYPES.get(str(item.get("type") or ""), None)
        if kind is None:
            continue
        link = item.get("link") if isinstance(item.get("link"), str) else None
        base = link or ""
        body = clean_body(parse_fragment(_rendered(item.get("content"))), base, collect=False)
        post_id = str(item["post"]) if item.get("post") is not None else None
        user = str(item.get("author") or 0)
        author_url = item.get("author_url") if isinstance(item.get("author_url"), str) else None
        comments.append(
            Comment(
                remote_id=str(item["id"]),
                parent_remote_id=str(item["parent"]) if item.get("parent") else None,
                depth=1,
                author_name=squash(html_lib.unescape(str(item.get("author_name") or ""))) or None,
                author_url=author_url if is_http(author_url) else None,
                is_post_author=user != "0" and post_id is not None and authors.get(post_id) == user,
                published_at=parse_date(item.get("date_gmt"), assume_utc=True),
                body_html=body.html,
                body_text=body.text,
                comment_type=kind,
                permalink=link,
                post_remote_id=post_id,
            )
        )
    return comments
