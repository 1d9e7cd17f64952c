"""Read comment threads from non-WordPress markup: microformats, static lists, Blogger.

Three markups are understood, and a page may mix them:

* microformats2: ``p-comment``/``u-comment`` h-cite or h-entry children of
  the post's h-entry (nesting gives the parent), and h-entries anywhere on
  the page whose ``u-in-reply-to`` points at the post or at another reply;
* static comment lists: ``li`` (or ``article``/``div`` items with a comment
  class) inside a container named ``comments``, with replies in nested
  ``ul``/``ol`` lists; ``data-parent-id`` or an in-page reply link
  (``a.u-in-reply-to`` / ``a[rel=in-reply-to]`` to ``#id``) also names a parent;
* Blogger's: ``li.comment#cNNN`` with ``cite.user``, ``p.comment-content``,
  a ``?showComment=<epoch ms>`` permalink (an exact UTC time) and replies in
  ``.comment-replies``.

Remote ids come from the markup (``comment-12``, ``c123``, ``data-comment-id``)
or, where it has none, from a hash of author, time and text, so they stay
stable across crawls. Imports lxml, scraper.records and sibling modules only.
"""

from __future__ import annotations

import copy
import hashlib
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from dateutil import parser as date_parser
from lxml import etree

from scraper.records import Comment

from ._html import squash, text_of
from ._urls import absolute, strip_fragment
from .content import finish_many, serialize_body
from .dates import parse_date, parse_loose_date
from .microformats import HEntry, entry_key, read_h_entry

__all__ = ["day_of", "parse_h_entry_replies", "parse_list_comments"]

_REGION = re.compile(
    r"(?:^|[-_ ])comments?(?:$|[-_ ])|(?:^|[-_ ])commentlist|comment-thread", re.IGNORECASE
)
_ITEM_CLASS = re.compile(
    r"(?:^|[-_ ])(?:comment|comment-item|reply|h-cite|h-entry|hentry)(?:$|[ ])", re.IGNORECASE
)
_ID_NUMBER = re.compile(r"^(?:li-|div-)?(?:comment|c|reply|cmt|note)[-_]?(\d+)$", re.IGNORECASE)
_ID_ANY = re.compile(r"^[A-Za-z][\w:-]*$")
_CONTENT_CLASSES = (
    "comment-content", "comment-text", "comment-body-text", "e-content", "p-content",
    "comment_content", "comment-message", "content",
)  # fmt: skip
_AUTHOR_CLASSES = ("p-author", "comment-author", "user", "author", "fn", "commenter", "name")
_DATE_CLASSES = ("dt-published", "comment-date", "datetime", "date", "published", "timestamp")
_FURNITURE = re.compile(
    r"(?:^|[-_ ])(?:comment-author|comment-meta|comment-metadata|comment-header|comment-footer|"
    r"comment-actions|comment-reply|reply|reply-link|avatar|avatar-image-container|vcard|"
    r"p-author|h-card|dt-published|u-in-reply-to|datetime|comment-date|meta|says|edit-link|"
    r"thread-toggle|thread-count|comment-replybox-thread|continue|user)(?:$|[-_ ])",
    re.IGNORECASE,
)
_REPLY_CONTAINERS = re.compile(
    r"(?:^|[-_ ])(?:children|replies|comment-replies|thread|inline-thread)"
)


def _classes(el: etree._Element) -> list[str]:
    value = el.get("class")
    return value.split() if value else []


def _has_class(el: etree._Element, names: tuple[str, ...]) -> bool:
    tokens = _classes(el)
    return any(name in tokens for name in names)


def _hash_id(*parts: str | None) -> str:
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()
    return "h" + digest[:16]


def _utc_from_epoch_ms(value: str) -> datetime | None:
    if not value.isdigit() or len(value) < 12:
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _date_of(el: etree._Element, skip: set[etree._Element]) -> datetime | None:
    """The comment's time: ``showComment`` epoch, ``time[datetime]``, ``abbr[title]``, text."""
    for node in _own_iter(el, skip):
        if node.tag == "a":
            query = parse_qs(urlsplit(node.get("href") or "").query)
            stamp = query.get("showComment", [""])[0]
            moment = _utc_from_epoch_ms(stamp)
            if moment is not None:
                return moment
    for node in _own_iter(el, skip):
        if node.tag == "time" and node.get("datetime"):
            moment = parse_date(
                node.get("datetime"), assume_utc=len(node.get("datetime", "")) == 10
            )
            if moment is not None:
                return moment
        if node.tag == "abbr" and node.get("title") and _has_class(node, _DATE_CLASSES):
            moment = parse_date(node.get("title"))
            if moment is not None:
                return moment
    for node in _own_iter(el, skip):
        if _has_class(node, _DATE_CLASSES):
            text = squash(text_of(node))
            moment = parse_loose_date(text) or day_of(text)
            if moment is not None:
                return moment
    return None


def day_of(text: str) -> datetime | None:
    """A date written without a time of day ("March 16, 2024") as 00:00 UTC that day."""
    if not text or re.search(r"\d:\d\d", text) or not re.search(r"\d{4}", text):
        return None
    try:
        value = date_parser.parse(text, fuzzy=True, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _own_iter(el: etree._Element, skip: set[etree._Element]) -> list[etree._Element]:
    """Descendants of ``el`` that are not inside a nested comment (in ``skip``)."""
    found: list[etree._Element] = []
    stack = [c for c in el if isinstance(c.tag, str)]
    stack.reverse()
    while stack:
        node = stack.pop()
        if node in skip:
            continue
        found.append(node)
        children = [c for c in node if isinstance(c.tag, str)]
        children.reverse()
        stack.extend(children)
    return found


def _author_of(
    el: etree._Element, skip: set[etree._Element], base: str
) -> tuple[str | None, str | None]:
    for name in _AUTHOR_CLASSES:
        for node in _own_iter(el, skip):
            if name in _classes(node) or (name == "user" and node.tag == "cite"):
                holder = node
                inner = next(
                    (n for n in holder.iter() if {"fn", "p-name"} & set(_classes(n))), None
                )
                text = squash(text_of(inner if inner is not None else holder))
                text = re.sub(r"\s+(?:says|said|wrote)\b.*$", "", text, flags=re.IGNORECASE).strip()
                if not text:
                    continue
                link = holder if holder.tag == "a" else next(holder.iter("a"), None)
                url = absolute(link.get("href"), base) if link is not None else None
                return text, url if url and url.startswith(("http://", "https://")) else None
    for node in _own_iter(el, skip):
        if node.tag == "cite":
            text = squash(text_of(node))
            if text:
                link = next(node.iter("a"), None)
                return text, absolute(link.get("href"), base) if link is not None else None
    return None, None


def _body_of(el: etree._Element, skip: set[etree._Element]) -> etree._Element:
    """A copy of the comment's own text: its content element, else itself minus furniture."""
    for name in _CONTENT_CLASSES:
        for node in _own_iter(el, skip):
            if name in _classes(node):
                return copy.deepcopy(node)
    clone = copy.deepcopy(el)
    originals = [el, *_own_iter(el, set())]
    copies = [clone, *clone.iterdescendants()]
    mapping = dict(zip(originals, copies))
    for node in list(skip):
        twin = mapping.get(node)
        if twin is not None and twin.getparent() is not None:
            twin.getparent().remove(twin)
    for node in list(clone.iterdescendants()):
        if node.getparent() is None:
            continue
        words = node.get("class") or ""
        if (words and _FURNITURE.search(words)) or node.tag in ("img", "cite", "time", "form"):
            node.getparent().remove(node)
    return clone


def _remote_id(el: etree._Element) -> str | None:
    for attr in ("data-comment-id", "data-id"):
        value = el.get(attr)
        if value and value.strip():
            return str(value).strip()
    ident = el.get("id")
    if ident:
        match = _ID_NUMBER.match(ident)
        if match:
            return match.group(1)
        if _ID_ANY.match(ident):
            return str(ident)
    return None


def _regions(root: etree._Element) -> list[etree._Element]:
    """Outermost elements named as comment areas."""
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("body", "html", "a", "span", "form"):
            continue
        words = f"{el.get('id') or ''} {el.get('class') or ''}"
        if not _REGION.search(words):
            continue
        if any(a in found for a in el.iterancestors()):
            continue
        found.append(el)
    return found


def _looks_like_item(el: etree._Element) -> bool:
    if el.tag == "li":
        return True
    if el.tag in ("article", "div", "section"):
        return bool(_ITEM_CLASS.search(el.get("class") or "")) and bool(el.get("id"))
    return False


def parse_list_comments(root: etree._Element, page_url: str, base: str) -> tuple[Comment, ...]:
    """Read static comment lists (nested ``ul``/``ol`` threads, Blogger's markup).

    Returns comments in page order with parents from the nesting.
    """
    items: list[etree._Element] = []
    for region in _regions(root):
        for el in region.iter():
            if isinstance(el.tag, str) and el is not region and _looks_like_item(el):
                items.append(el)
    if not items:
        return ()
    item_set = set(items)
    # A list item that only wraps another item (li > article.comment) is not itself one.
    items = [
        el
        for el in items
        if not (
            el.tag == "li"
            and len([c for c in el if isinstance(c.tag, str)]) == 1
            and el[0] in item_set
            and not squash(el.text)
        )
    ]
    item_set = set(items)
    parent_of: dict[etree._Element, etree._Element | None] = {}
    for el in items:
        parent_of[el] = next((a for a in el.iterancestors() if a in item_set), None)
    nested: dict[etree._Element, set[etree._Element]] = {el: set() for el in items}
    for el, parent in parent_of.items():
        if parent is not None:
            nested[parent].add(el)
    drafts: list[tuple[dict[str, object], str]] = []
    ids: dict[etree._Element, str] = {}
    anchors: dict[str, str] = {}
    for el in items:
        skip = nested[el]
        author, author_url = _author_of(el, skip, base)
        published = _date_of(el, skip)
        body = _body_of(el, skip)
        raw, _images = serialize_body(body, base, collect=False)
        text = squash(text_of(body))
        if not text and author is None:
            continue
        rid = _remote_id(el) or _hash_id(
            author, published.isoformat() if published else None, text[:300]
        )
        ids[el] = rid
        if el.get("id"):
            anchors[el.get("id", "")] = rid
        tokens = set(_classes(el))
        cite = next((n for n in _own_iter(el, skip) if n.tag == "cite"), None)
        is_author = bool(
            {"blog-author", "bypostauthor", "by-author", "post-author-comment"} & tokens
        ) or (cite is not None and "blog-author" in _classes(cite))
        fields: dict[str, object] = {
            "remote_id": rid,
            "author_name": author,
            "author_url": author_url,
            "is_post_author": is_author,
            "published_at": published,
            "permalink": f"{strip_fragment(page_url)}#{el.get('id')}" if el.get("id") else None,
            "_element": el,
        }
        drafts.append((fields, raw))
    bodies = iter(finish_many([raw for _fields, raw in drafts]))
    comments: list[Comment] = []
    for fields, _raw in drafts:
        el = fields.pop("_element")
        assert isinstance(el, etree._Element)
        parent = parent_of.get(el)
        while parent is not None and parent not in ids:
            parent = parent_of.get(parent)
        parent_rid = ids.get(parent) if parent is not None else None
        if parent_rid is None:
            parent_rid = _declared_parent(el, nested[el], anchors)
        html, text = next(bodies)
        comments.append(
            Comment(
                parent_remote_id=parent_rid,
                body_html=html,
                body_text=text,
                **fields,  # type: ignore[arg-type]
            )
        )
    return _with_depths(comments)


def _declared_parent(
    el: etree._Element, skip: set[etree._Element], anchors: dict[str, str]
) -> str | None:
    """A parent named by ``data-parent-id`` or an in-page ``in-reply-to`` link."""
    value = el.get("data-parent-id") or el.get("data-parent")
    if value:
        match = _ID_NUMBER.match(value)
        return match.group(1) if match else anchors.get(value, value)
    for node in _own_iter(el, skip):
        if node.tag != "a":
            continue
        rel = (node.get("rel") or "").split()
        if "in-reply-to" in rel or "u-in-reply-to" in _classes(node):
            href = node.get("href") or ""
            if "#" in href:
                fragment = href.split("#", 1)[1]
                if fragment in anchors:
                    return anchors[fragment]
    return None


def _with_depths(comments: list[Comment]) -> tuple[Comment, ...]:
    by_id = {c.remote_id: c for c in comments}
    out = []
    for comment in comments:
        depth, parent, seen = 1, comment.parent_remote_id, {comment.remote_id}
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = by_id[parent].parent_remote_id
        if comment.parent_remote_id is not None and comment.parent_remote_id not in by_id:
            comment = _replace(comment, parent_remote_id=None)
            depth = 1
        out.append(_replace(comment, depth=depth))
    return tuple(out)


def _replace(comment: Comment, **changes: object) -> Comment:
    from dataclasses import replace

    return replace(comment, **changes)  # type: ignore[arg-type]


def parse_h_entry_replies(
    post: HEntry | None, others: list[etree._Element], page_url: str, post_url: str, base: str
) -> tuple[Comment, ...]:
    """Read replies of an h-entry post.

    ``post`` is the page's main h-entry (its ``p-comment`` children are read
    with their nesting); ``others`` are further h-entry/h-cite elements on the
    page, kept when their ``u-in-reply-to`` names the post or a known reply.
    """
    entries: list[tuple[HEntry, HEntry | None]] = []  # (reply, parent reply)

    def walk(entry: HEntry, parent: HEntry | None) -> None:
        for reply in entry.replies:
            entries.append((reply, parent))
            walk(reply, reply)

    if post is not None:
        for reply in post.replies:
            entries.append((reply, None))
            walk(reply, reply)
    known_elements = {e.element for e, _p in entries}
    targets = {strip_fragment(post_url), strip_fragment(page_url)}
    loose = [read_h_entry(el, base) for el in others if el not in known_elements]
    keys: dict[str, HEntry] = {}
    for entry, _parent in entries:
        key = entry_key(entry, page_url)
        if key:
            keys[key] = entry
    pending = [e for e in loose if e.in_reply_to]
    changed = True
    while pending and changed:
        changed = False
        for entry in list(pending):
            parent: HEntry | None = None
            matched = False
            for target in entry.in_reply_to:
                if target in keys:
                    parent, matched = keys[target], True
                    break
                if strip_fragment(target) in targets and "#" not in target:
                    matched = True
                    break
            if matched:
                entries.append((entry, parent))
                walk(entry, entry)
                key = entry_key(entry, page_url)
                if key:
                    keys[key] = entry
                pending.remove(entry)
                changed = True
    drafts: list[tuple[dict[str, object], str]] = []
    rid_of: dict[int, str] = {}
    for entry, _parent in entries:
        body_el = entry.content if entry.content is not None else entry.element
        body = copy.deepcopy(body_el)
        if entry.content is None:
            for node in list(body.iterdescendants()):
                words = node.get("class") or ""
                if node.getparent() is not None and (
                    _FURNITURE.search(words)
                    or re.search(r"(?:^| )(?:h-cite|h-entry|p-comment|u-comment)", words)
                ):
                    node.getparent().remove(node)
        raw, _images = serialize_body(body, base, collect=False)
        published = parse_date(entry.published, assume_utc=len(entry.published or "") == 10)
        text = squash(text_of(body))
        author = entry.author
        rid = _entry_remote_id(entry) or _hash_id(
            author.name if author else None,
            published.isoformat() if published else None,
            text[:300],
        )
        rid_of[id(entry)] = rid
        drafts.append(
            (
                {
                    "remote_id": rid,
                    "author_name": author.name if author else None,
                    "author_url": author.url if author else None,
                    "published_at": published,
                    "permalink": entry.url,
                    "_parent": _parent,
                },
                raw,
            )
        )
    bodies = iter(finish_many([raw for _f, raw in drafts]))
    comments = []
    for fields, _raw in drafts:
        parent_entry = fields.pop("_parent")
        html, text = next(bodies)
        comments.append(
            Comment(
                parent_remote_id=rid_of.get(id(parent_entry)) if parent_entry is not None else None,
                body_html=html,
                body_text=text,
                **fields,  # type: ignore[arg-type]
            )
        )
    return _with_depths(comments)


def _entry_remote_id(entry: HEntry) -> str | None:
    ident = entry.element.get("id")
    if ident:
        match = _ID_NUMBER.match(ident)
        return match.group(1) if match else ident
    if entry.url and "#" in entry.url:
        fragment = entry.url.split("#", 1)[1]
        match = _ID_NUMBER.match(fragment)
        return match.group(1) if match else fragment or None
    if entry.url:
        return entry.url
    return None
