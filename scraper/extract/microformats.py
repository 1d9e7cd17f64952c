"""Read microformats2 h-entry posts and their h-cite / h-entry replies from a page.

Only what an archive needs is read: an entry's name, URL, dates, author
(h-card name and URL), categories, content element and photos, and its
replies (``p-comment`` / ``u-comment`` children, or h-entries elsewhere on
the page whose ``u-in-reply-to`` names the post or another reply). Classic
microformats (``hentry``, ``entry-title``, ``entry-content``, ``published``)
are read as their mf2 equivalents. Pure functions over lxml trees; imports
lxml and sibling helpers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ._html import squash, text_of
from ._urls import absolute, strip_fragment

__all__ = ["HCard", "HEntry", "find_h_entries", "read_h_entry"]

_ROOTS = frozenset({"h-entry", "h-cite", "hentry"})
_CLASSIC = {
    "entry-title": "p-name",
    "entry-content": "e-content",
    "entry-summary": "p-summary",
    "published": "dt-published",
    "updated": "dt-updated",
    "author": "p-author",
    "bookmark": "u-url",
}


@dataclass
class HCard:
    """An author: name and URL (either may be missing)."""

    name: str | None = None
    url: str | None = None
    photo: str | None = None


@dataclass
class HEntry:
    """One h-entry (or h-cite) as found in the markup.

    ``published`` / ``updated`` are the raw datetime strings; ``content`` the
    ``e-content`` element (not copied). ``replies`` are nested comments.
    """

    element: etree._Element
    name: str | None = None
    url: str | None = None
    uid: str | None = None
    published: str | None = None
    updated: str | None = None
    author: HCard | None = None
    categories: list[str] = field(default_factory=list)
    content: etree._Element | None = None
    photos: list[str] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    replies: list[HEntry] = field(default_factory=list)


def _tokens(el: etree._Element) -> list[str]:
    value = el.get("class")
    if not value:
        return []
    tokens: list[str] = str(value).split()
    extra = [_CLASSIC[t] for t in tokens if t in _CLASSIC]
    return tokens + extra


def _is_root(el: etree._Element) -> bool:
    value = el.get("class")
    return bool(value) and not _ROOTS.isdisjoint(value.split())


def find_h_entries(root: etree._Element) -> list[etree._Element]:
    """Return the top-level h-entry elements of a page (not nested in another h-entry)."""
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        value = el.get("class")
        if not value or ("h-entry" not in value and "hentry" not in value):
            continue
        tokens = value.split()
        if "h-entry" not in tokens and "hentry" not in tokens:
            continue
        if any(_is_root(a) for a in el.iterancestors()):
            continue
        found.append(el)
    return found


def _properties(entry: etree._Element) -> list[tuple[str, etree._Element]]:
    """Return (property class, element) pairs that belong to ``entry`` itself.

    Properties inside nested roots belong to those roots, except that the
    nested root itself may be a property of this entry (``p-author h-card``,
    ``p-comment h-cite``).
    """
    found: list[tuple[str, etree._Element]] = []
    stack = list(reversed([c for c in entry if isinstance(c.tag, str)]))
    while stack:
        el = stack.pop()
        tokens = _tokens(el)
        for token in tokens:
            if token[:2] in ("p-", "u-", "e-") or token.startswith("dt-"):
                found.append((token, el))
        nested_root = (
            any(t.startswith("h-") for t in tokens) or "hentry" in tokens or ("vcard" in tokens)
        )
        if not nested_root:
            stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))
    return found


def _url_value(el: etree._Element, base: str) -> str | None:
    for attr in ("href", "src", "data-src", "value"):
        value = el.get(attr)
        if value:
            return absolute(value, base)
    return absolute(squash(text_of(el)), base) or None


def _dt_value(el: etree._Element) -> str | None:
    for attr in ("datetime", "title", "value", "content"):
        value = el.get(attr)
        if value and value.strip():
            return str(value).strip()
    for child in el.iter():
        if "value" in (child.get("class") or "").split():
            return squash(child.get("title") or text_of(child)) or None
    return squash(text_of(el)) or None


def _card(el: etree._Element, base: str) -> HCard:
    card = HCard()
    for token, prop in _properties(el):
        if token == "p-name" and card.name is None:
            card.name = squash(text_of(prop)) or None
        elif token == "u-url" and card.url is None:
            card.url = _url_value(prop, base)
        elif token == "u-photo" and card.photo is None:
            card.photo = _url_value(prop, base)
    for token in _tokens(el):
        if token in ("fn",):
            card.name = card.name or squash(text_of(el)) or None
    if card.name is None:
        for child in el.iter():
            if "fn" in (child.get("class") or "").split():
                card.name = squash(text_of(child)) or None
                break
    if card.name is None:
        card.name = squash(text_of(el)) or None
    if card.url is None:
        link = el if el.tag == "a" else next(el.iter("a"), None)
        if link is not None and link.get("href"):
            card.url = absolute(link.get("href"), base)
    return card


def read_h_entry(el: etree._Element, base: str) -> HEntry:
    """Read one h-entry/h-cite element and its nested replies."""
    entry = HEntry(element=el, uid=el.get("id"))
    for token, prop in _properties(el):
        if token == "p-name" and entry.name is None:
            entry.name = squash(text_of(prop)) or None
        elif token == "u-url" and entry.url is None:
            entry.url = _url_value(prop, base)
        elif token == "u-uid" and entry.uid is None:
            entry.uid = _url_value(prop, base)
        elif token == "dt-published" and entry.published is None:
            entry.published = _dt_value(prop)
        elif token == "dt-updated" and entry.updated is None:
            entry.updated = _dt_value(prop)
        elif token == "p-author" and entry.author is None:
            entry.author = _card(prop, base)
        elif token == "p-category":
            name = squash(text_of(prop))
            if name and name not in entry.categories:
                entry.categories.append(name)
        elif token == "e-content" and entry.content is None:
            entry.content = prop
        elif token == "u-photo":
            url = _url_value(prop, base)
            if url:
                entry.photos.append(url)
        elif token == "u-in-reply-to":
            url = _url_value(prop, base)
            if url:
                entry.in_reply_to.append(url)
        elif token in ("p-comment", "u-comment") and _is_root(prop):
            entry.replies.append(read_h_entry(prop, base))
    if entry.author is None:
        card = _find_card(el)
        if card is not None:
            entry.author = _card(card, base)
    return entry


def _find_card(el: etree._Element) -> etree._Element | None:
    """An h-card/vcard directly in the entry (not inside a nested entry)."""
    stack = [c for c in el if isinstance(c.tag, str)]
    while stack:
        node = stack.pop(0)
        tokens = (node.get("class") or "").split()
        if "h-card" in tokens or "vcard" in tokens:
            return node
        if _is_root(node):
            continue
        stack.extend(c for c in node if isinstance(c.tag, str))
    return None


def entry_key(entry: HEntry, page_url: str) -> str | None:
    """The URL or fragment that identifies a reply (for ``u-in-reply-to`` matching)."""
    if entry.url:
        return entry.url
    if entry.uid:
        return entry.uid if "://" in entry.uid else f"{strip_fragment(page_url)}#{entry.uid}"
    return None
