"""Parse nested WordPress comment markup into flat Comment records.

A comment is the outermost element whose id is ``comment-N``,
``li-comment-N`` or ``div-comment-N``: ``li#comment-N`` in classic and block
themes, ``div#comment-N`` in ``style=div`` walkers (twentytwenty),
``li#li-comment-N`` around ``article#comment-N`` (twentyeleven, Astra).
``parent_remote_id`` and ``depth`` come from the nesting of those elements
(no recursion, so any depth works); where a ``depth-K`` class says a reply is
deeper than its nesting (block themes can print a reply in its grandparent's
list), its parent is the nearest preceding comment at depth K-1. The
parts of a comment (author, time, content) are its descendants before its
first reply: every WordPress walker prints a comment's own markup before the
list of its children. Imports lxml, scraper.records and sibling modules.
"""

from __future__ import annotations

import re
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

__all__ = ["Thread", "detach_comments", "extract_comment_page", "find_comments", "parse_comments"]

_COMMENT_ID = re.compile(r"^(?:li-|div-)?comment-(\d+)$")
_COMMENT_CLASSES = frozenset({"comment", "pingback", "trackback"})
_CONTAINER_TAGS = frozenset({"li", "div", "article"})

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
# token -> the roles it gives the element that carries it
_ROLES: dict[str, tuple[str, ...]] = {
    token: tuple(
        role
        for role, tokens in (
            ("content", _CONTENT),
            ("author", _AUTHOR),
            ("author_box", _AUTHOR_BOX),
            ("meta", _META_KEYS),
            ("body", _BODY),
            ("junk", _NOT_BODY),
        )
        if token in tokens
    )
    for token in _PART_CLASSES
}


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


@dataclass(frozen=True)
class Thread:
    """The comments of one page and the comment-page links found inside them."""

    comments: tuple[Comment, ...]
    page_links: tuple[str, ...]  # hrefs with comment-page-N / cpage=N (permalinks)


def find_comments(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """Return (element, remote id) per comment: the outermost element per id, in page order.

    An element counts when it is an ``<li>`` or carries WordPress's ``comment``,
    ``pingback`` or ``trackback`` class, so ids in post bodies are left alone.
    """
    found: list[tuple[etree._Element, str]] = []
    seen: set[str] = set()
    for el in root.iter("li", "div", "article"):
        ident = el.get("id")
        if not ident or "comment-" not in ident:
            continue
        match = _COMMENT_ID.match(ident)
        if match is None or match.group(1) in seen:
            continue
        if el.tag != "li" and _COMMENT_CLASSES.isdisjoint(classes(el)):
            continue
        seen.add(match.group(1))
        found.append((el, match.group(1)))
    return found


def detach_comments(found: list[tuple[etree._Element, str]]) -> None:
    """Remove the comment elements from their page (after parsing), keeping tail text."""
    containers = dict(found)
    for el, _rid in found:
        if _owner(el, containers) is None:
            drop(el)


def _own_parts(
    container: etree._Element, containers: dict[etree._Element, str], links: list[str]
) -> _Parts:
    """Classify the descendants of ``container`` up to its first reply.

    Comment-page links met on the way (permalinks) are appended to ``links``.
    """
    slot = _Parts()
    elements = container.iter()
    next(elements)  # the container itself
    for el in elements:
        tag = el.tag
        if tag in _CONTAINER_TAGS and el in containers:
            break
        if tag == "time":
            if slot.time is None and el.get("datetime"):
                slot.time = el
        elif tag == "a":
            href = el.get("href")
            if href and ("comment-page-" in href or "cpage=" in href):
                links.append(href)
        cls = el.get("class")
        if not cls:
            continue
        hits = _PART_CLASSES.intersection(cls.split())
        if hits:
            _assign(slot, el, hits)
    return slot


def _assign(slot: _Parts, el: etree._Element, hits: frozenset[str]) -> None:
    """Record ``el`` in the roles its part classes (``hits``) give it."""
    junk = False
    for token in hits:
        for role in _ROLES[token]:
            if role == "content":
                if slot.content is None:
                    slot.content = el
            elif role == "author":
                if slot.author is None:
                    slot.author = el
            elif role == "author_box":
                if slot.author_box is None:
                    slot.author_box = el
            elif role == "meta":
                rank = _META_RANK[token]
                if rank < slot.meta_rank:
                    slot.meta, slot.meta_rank = el, rank
            elif role == "body":
                if slot.body is None:
                    slot.body = el
            else:
                junk = True
                if token == _MODERATION:
                    slot.moderated = True
    if junk:
        slot.junk.append(el)


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


def _class_depth(el: etree._Element) -> int | None:
    """Return K of a ``depth-K`` class, or None."""
    for token in classes(el):
        if token.startswith("depth-") and token[6:].isdigit():
            return int(token[6:])
    return None


def _thread_parents(
    ordered: list[etree._Element], dom_parent: dict[etree._Element, etree._Element | None]
) -> tuple[dict[etree._Element, etree._Element | None], dict[etree._Element, int]]:
    """Return (parent, depth) per comment element, in page order.

    The nesting of the markup decides, except where a comment's ``depth-K``
    class says it is deeper than its nesting: block themes sometimes print a
    reply in its grandparent's list. Its parent is then the nearest preceding
    comment at depth K-1 inside the same subtree (the nesting parent's, or the
    whole thread's at the top level).
    """
    parent_of: dict[etree._Element, etree._Element | None] = {}
    depth: dict[etree._Element, int] = {}
    for index, el in enumerate(ordered):
        parent = dom_parent[el]
        nested = 1 if parent is None else depth[parent] + 1
        stated = _class_depth(el)
        if stated is not None and stated > nested:
            for earlier in reversed(ordered[:index]):
                if depth[earlier] == stated - 1 and _within(earlier, parent, parent_of):
                    parent, nested = earlier, stated
                    break
                if parent is None and depth[earlier] == 1:
                    break  # the thread this reply belongs to ends here
        parent_of[el] = parent
        depth[el] = nested
    return parent_of, depth


def _within(
    el: etree._Element,
    ancestor: etree._Element | None,
    parent_of: dict[etree._Element, etree._Element | None],
) -> bool:
    """True when ``el`` is ``ancestor`` or below it in the thread (any element for None)."""
    if ancestor is None:
        return True
    node: etree._Element | None = el
    while node is not None:
        if node is ancestor:
            return True
        node = parent_of.get(node)
    return False


def parse_comments(
    root: etree._Element,
    page_url: str,
    found: list[tuple[etree._Element, str]] | None = None,
) -> Thread:
    """Return the comments on a parsed page, parents before replies, in page order.

    ``found`` is ``find_comments(root)`` when already known. Mutates the comment
    elements (reply links and meta are cut from bodies).
    """
    found = find_comments(root) if found is None else found
    if not found:
        return Thread(comments=(), page_links=())
    containers = dict(found)
    dom_parent = {el: _owner(el, containers) for el, _rid in found}
    parent_of, depth = _thread_parents([el for el, _rid in found], dom_parent)
    links: list[str] = []
    parts = {el: _own_parts(el, containers, links) for el, _rid in found}
    replies: dict[etree._Element, list[etree._Element]] = {el: [] for el, _rid in found}
    for el, parent in dom_parent.items():
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
    return Thread(comments=tuple(comments), page_links=tuple(links))


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
    found = find_comments(root)
    thread = parse_comments(root, url, found)
    detach_comments(found)
    post_url = canonical_url(root, url)
    return CommentPage(
        post_url=post_url,
        comments=thread.comments,
        comment_page_urls=comment_page_urls(
            PageIndex(root), url, post_url, thread=(thread.page_links, [rid for _e, rid in found])
        ).others,
    )
