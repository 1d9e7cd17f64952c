"""Parse nested WordPress comment markup into flat Comment records.

A comment is the outermost element whose id is ``comment-N``,
``li-comment-N`` or ``div-comment-N``: ``li#comment-N`` in classic and block
themes, ``div#comment-N`` in ``style=div`` walkers (twentytwenty),
``li#li-comment-N`` around ``article#comment-N`` (twentyeleven, Astra).
``parent_remote_id`` and ``depth`` come from the nesting of those elements
(no recursion, so any depth works), not from the ``depth-K`` class. The
parts of a comment (author, time, content) are the descendants that belong to
it and not to a nested reply. Imports lxml, scraper.records and sibling modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from scraper.records import Comment, CommentPage

from ._html import classes, drop, parse_html, squash, text_of
from ._index import PageIndex
from ._urls import absolute, document_base, strip_fragment
from .content import finish_many, serialize_body
from .dates import parse_date, parse_loose_date
from .pages import canonical_url, comment_page_urls

__all__ = ["extract_comment_page", "parse_comments"]

_CONTENT = frozenset(
    {"comment-content", "wp-block-comment-content", "ast-comment-content", "comment-text",
     "comment-entry", "comment_content"}
)  # fmt: skip
_AUTHOR = frozenset({"fn", "wp-block-comment-author-name", "comment-author-name"})
_AUTHOR_BOX = frozenset({"comment-author"})
# Date holders, best first: "comment-meta" often wraps the author too.
_META_RANK = {
    "comment-metadata": 0, "wp-block-comment-date": 0, "commentmetadata": 0,
    "comment-date": 1, "comment-time": 1, "comment-meta": 2,
}  # fmt: skip
_BODY = frozenset({"comment-body"})
_NOT_BODY = frozenset(
    {"reply", "comment-reply-link", "edit-link", "comment-edit-link",
     "wp-block-comment-reply-link", "wp-block-comment-edit-link", "says",
     "comment-awaiting-moderation", "ast-comment-edit-reply-wrap"}
)  # fmt: skip
_MODERATION = "comment-awaiting-moderation"
_META_KEYS = frozenset(_META_RANK)
_PART_CLASSES = _CONTENT | _AUTHOR | _AUTHOR_BOX | _META_KEYS | _BODY | _NOT_BODY


@dataclass
class _Parts:
    """What was found for one comment element."""

    content: etree._Element | None = None
    author: etree._Element | None = None
    author_box: etree._Element | None = None
    time: etree._Element | None = None
    meta: etree._Element | None = None
    meta_rank: int = 99
    body: etree._Element | None = None
    junk: list[etree._Element] = field(default_factory=list)
    moderated: bool = False


def _owner(el: etree._Element, containers: dict[etree._Element, str]) -> etree._Element | None:
    """Return the nearest comment element above ``el``, or None."""
    node = el.getparent()
    while node is not None:
        if node in containers:
            return node
        node = node.getparent()
    return None


class _Owners:
    """Nearest-comment lookups with a cache on the ancestors walked through."""

    def __init__(self, containers: dict[etree._Element, str]) -> None:
        self._containers = containers
        self._cache: dict[etree._Element, object] = {}

    def of(self, el: etree._Element) -> etree._Element | None:
        path = []
        node = el.getparent()
        owner = None
        while node is not None:
            if node in self._containers:
                owner = node
                break
            cached = self._cache.get(node, _MISSING)
            if cached is not _MISSING:
                owner = cached if isinstance(cached, etree._Element) else None
                break
            path.append(node)
            node = node.getparent()
        for step in path:
            self._cache[step] = owner
        return owner


_MISSING = object()


def _collect_parts(
    index: PageIndex, containers: dict[etree._Element, str]
) -> dict[etree._Element, _Parts]:
    """Assign every part-looking element to the comment that owns it."""
    parts = {el: _Parts() for el in containers}
    owners = _Owners(containers)
    for el, tokens, is_time in index.marked:
        if not (is_time or not _PART_CLASSES.isdisjoint(tokens)) or el in containers:
            continue
        owner = owners.of(el)
        if owner is None:
            continue
        slot = parts[owner]
        if is_time and slot.time is None:
            slot.time = el
        if slot.content is None and not _CONTENT.isdisjoint(tokens):
            slot.content = el
        if slot.author is None and not _AUTHOR.isdisjoint(tokens):
            slot.author = el
        if slot.author_box is None and "comment-author" in tokens:
            slot.author_box = el
        if not _META_KEYS.isdisjoint(tokens):
            rank = min(_META_RANK.get(token, 99) for token in tokens)
            if rank < slot.meta_rank:
                slot.meta, slot.meta_rank = el, rank
        if slot.body is None and not _BODY.isdisjoint(tokens):
            slot.body = el
        if not _NOT_BODY.isdisjoint(tokens):
            slot.junk.append(el)
            if _MODERATION in tokens:
                slot.moderated = True
    return parts


def _author(parts: _Parts, base: str) -> tuple[str | None, str | None]:
    el = parts.author if parts.author is not None else parts.author_box
    if el is None:
        return None, None
    link = el if el.tag == "a" else next(el.iter("a"), None)
    url = absolute(link.get("href"), base) if link is not None else None
    if url is not None and not url.lower().startswith(("http://", "https://")):
        url = None
    name_el = link if link is not None and parts.author is not None else el
    name = squash(text_of(name_el))
    if parts.author is None:  # an author box: drop "says:" and the like
        name = name.removesuffix("says:").strip()
    return name or None, url


def _published(parts: _Parts) -> datetime | None:
    if parts.time is not None:
        value = parse_date(parts.time.get("datetime"))
        if value is not None:
            return value
    if parts.meta is not None:
        return parse_loose_date(squash(text_of(parts.meta)))
    return None


def _drop_child_holding(holder: etree._Element, part: etree._Element) -> None:
    """Remove the child of ``holder`` that contains ``part`` (or is it)."""
    top = part
    while top.getparent() is not None and top.getparent() is not holder:
        top = top.getparent()
    if top.getparent() is holder:
        drop(top)


def _body_element(
    el: etree._Element, parts: _Parts, replies: list[etree._Element]
) -> etree._Element:
    """Return the element holding the comment text, with meta, replies and reply links removed."""
    for junk in parts.junk:
        if junk.getparent() is not None:
            drop(junk)
    if parts.content is not None:
        return parts.content
    holder = parts.body if parts.body is not None else el
    for part in (parts.author_box, parts.author, parts.meta, *replies):
        if part is not None and part is not holder and part.getparent() is not None:
            _drop_child_holding(holder, part)
    return holder


def parse_comments(
    root: etree._Element, page_url: str, index: PageIndex | None = None
) -> tuple[Comment, ...]:
    """Return the comments on a parsed page, parents before replies, in page order.

    Mutates the comment elements (reply links and meta are cut from bodies).
    """
    index = index if index is not None else PageIndex(root)
    found = index.comments
    if not found:
        return ()
    containers = dict(found)
    parent_of: dict[etree._Element, etree._Element | None] = {}
    depth: dict[etree._Element, int] = {}
    for el, _rid in found:
        parent = _owner(el, containers)
        parent_of[el] = parent
        depth[el] = 1 if parent is None else depth[parent] + 1
    parts = _collect_parts(index, containers)
    replies: dict[etree._Element, list[etree._Element]] = {el: [] for el, _rid in found}
    for el, parent in parent_of.items():
        if parent is not None:
            replies[parent].append(el)
    base = document_base(root, page_url)
    page = strip_fragment(page_url)
    drafts: list[tuple[dict[str, Any], str | None]] = []
    for el, rid in reversed(found):  # innermost first: a reply is read before its parent is cut
        parent = parent_of[el]
        draft = _draft(
            el,
            rid,
            parts[el],
            replies[el],
            parent_rid=containers[parent] if parent is not None else None,
            depth=depth[el],
            base=base,
            page=page,
        )
        if draft is not None:
            drafts.append(draft)
    drafts.reverse()
    bodies = iter(finish_many([raw for _fields, raw in drafts if raw is not None]))
    comments = []
    for fields, raw in drafts:
        html, text = next(bodies) if raw is not None else ("", "")
        comments.append(Comment(**fields, body_html=html, body_text=text))
    return tuple(comments)


def _draft(
    el: etree._Element,
    rid: str,
    parts: _Parts,
    replies: list[etree._Element],
    *,
    parent_rid: str | None,
    depth: int,
    base: str,
    page: str,
) -> tuple[dict[str, Any], str | None] | None:
    """Return a comment's fields and its unsanitised body HTML (None when it has none).

    Gives None for a comment awaiting moderation.
    """
    if parts.moderated:
        return None
    tokens = classes(el)
    kind = (
        "pingback" if "pingback" in tokens else "trackback" if "trackback" in tokens else "comment"
    )
    name, url = _author(parts, base)
    published = _published(parts)
    if kind != "comment":
        link = next((a for a in el.iter("a") if a.get("href")), None)
        if link is not None and name is None:
            name = squash(text_of(link)) or None
            url = absolute(link.get("href"), base)
        raw = None
    else:
        raw, _images = serialize_body(_body_element(el, parts, replies), base, collect=False)
    fields = {
        "remote_id": rid,
        "parent_remote_id": parent_rid,
        "depth": depth,
        "author_name": name,
        "author_url": url,
        "is_post_author": "bypostauthor" in tokens,
        "published_at": published,
        "comment_type": kind,
        "permalink": f"{page}#comment-{rid}",
    }
    return fields, raw


def extract_comment_page(html: bytes, url: str) -> CommentPage:
    """Parse one further comment page of a post (``/comment-page-N/`` or ``?cpage=N``)."""
    root = parse_html(html)
    index = PageIndex(root)
    post_url = canonical_url(root, url)
    return CommentPage(
        post_url=post_url,
        comment_page_urls=comment_page_urls(index, url, post_url),
        comments=parse_comments(root, url, index),
    )
