"""Parse HTML bytes with lxml and read small things from the tree.

Helpers shared by the extractors: decoding, class tokens, normalised text,
inner HTML, ``<meta>`` lookup and the "is this inside page chrome" test.
Trees are plain ``lxml.etree`` elements (no ``lxml.html`` class lookup, which
costs a Python call per element). Imports lxml only.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

from lxml import etree

__all__ = [
    "classes",
    "drop",
    "first",
    "head_meta",
    "in_scope",
    "inner_html",
    "is_chrome",
    "parse_fragment",
    "parse_html",
    "squash",
    "text_of",
    "within",
    "xml_text",
]

_CHARSET_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_CHARSET_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_PARSERS: dict[str, etree.HTMLParser] = {}

# Ancestors that mark page chrome rather than the post itself: widgets,
# related-post blocks, query loops, comment areas, navigation.
_CHROME_CLASSES = frozenset(
    {
        "wp-block-query",
        "widget",
        "widget-area",
        "sidebar",
        "comments-area",
        "comments-wrapper",
        "wp-block-comments",
        "comment-list",
        "commentlist",
        "wp-block-comment-template",
        "jp-relatedposts",
        "related-posts",
        "yarpp-related",
        "crp_related",
        "ast-related-posts-wrapper",
        "ast-single-related-posts-container",
        "post-navigation",
        "site-footer",
        "site-header",
    }
)
_CHROME_IDS = frozenset({"comments", "secondary", "sidebar", "colophon", "masthead", "respond"})
_CHROME_TAGS = frozenset({"aside", "nav"})


def _encoding(data: bytes, content_type: str) -> str:
    """Pick the document encoding: a byte-order mark, the header, ``<meta charset>``, then UTF-8 if it decodes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    match = _CHARSET_HEADER.search(content_type or "")
    if match is None:
        match_b = _CHARSET_META.search(data[:4096])
        if match_b is not None:
            name = match_b.group(1).decode("ascii", "replace").lower()
            return "utf-8" if name in {"utf8", "unicode"} else name
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "windows-1252"
        return "utf-8"
    name = match.group(1).lower()
    return "utf-8" if name in {"utf8", "unicode"} else name


def _parser(encoding: str) -> etree.HTMLParser:
    parser = _PARSERS.get(encoding)
    if parser is None:
        options = {
            "huge_tree": True,
            "remove_comments": True,
            "remove_pis": True,
            "collect_ids": False,
        }
        try:
            parser = etree.HTMLParser(encoding=encoding or None, **options)
        except LookupError:
            parser = _parser("utf-8")
        _PARSERS[encoding] = parser
    return parser


def parse_html(data: bytes, content_type: str = "") -> etree._Element:
    """Parse a whole page into an lxml tree (``huge_tree`` so deep threads stay nested)."""
    root = None
    if data and not (len(data) < 256 and data.isspace()):
        try:
            root = etree.fromstring(data, _parser(_encoding(data, content_type)))
        except (etree.ParserError, LookupError, ValueError):
            root = etree.fromstring(data, _parser("utf-8"))
    return (
        root if root is not None else etree.fromstring(b"<html><body></body></html>", _parser(""))
    )


def parse_fragment(html: str) -> etree._Element:
    """Parse an HTML fragment into a new ``<div>`` holding it."""
    wrapper = etree.Element("div")
    if not html.strip():
        return wrapper
    root = etree.fromstring(f"<html><body>{html}</body></html>", _parser(""))
    body = root.find("body") if root is not None else None
    if body is not None:
        wrapper.text = body.text
        for child in list(body):
            wrapper.append(child)
    return wrapper


_NON_TEXT = frozenset({"script", "style", "noscript", "template"})


def text_of(el: etree._Element) -> str:
    """Return the readable text inside ``el`` (its own tail excluded; script/style text left out)."""
    if next(el.iter(*_NON_TEXT), None) is None:
        return "".join(el.itertext())
    clone = copy.deepcopy(el)
    clone.tail = None
    etree.strip_elements(clone, *_NON_TEXT, with_tail=False)
    return "".join(clone.itertext())


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(text: str | None) -> str | None:
    """``text`` without the control characters lxml refuses to store (the parser keeps them)."""
    return _NOT_XML.sub("", text) if text else text


def drop(el: etree._Element, *, blank_tail: bool = True) -> None:
    """Remove ``el`` and its subtree, keeping its tail text in place.

    ``blank_tail`` False lets a tail of whitespace only go with the element.
    """
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and (blank_tail or tail.strip()):
        previous = el.getprevious()
        if previous is not None:
            previous.tail = xml_text((previous.tail or "") + tail)
        else:
            parent.text = xml_text((parent.text or "") + tail)
    parent.remove(el)


def classes(el: etree._Element) -> set[str]:
    """Return the class tokens of ``el``."""
    value = el.get("class")
    return set(value.split()) if value else set()


def squash(text: str | None) -> str:
    """Collapse runs of whitespace to single spaces and strip."""
    return " ".join(text.split()) if text else ""


def inner_html(el: etree._Element) -> str:
    """Serialise the children of ``el`` (its text included, its own tag excluded)."""
    parts = [el.text or ""]
    parts.extend(etree.tostring(child, encoding="unicode", method="html") for child in el)
    return "".join(parts)


def head_meta(root: etree._Element) -> dict[str, str]:
    """Map each ``<meta>`` property/name in ``<head>`` to its first non-empty content."""
    found: dict[str, str] = {}
    head = root.find("head")
    if head is None:
        return found
    for meta in head.iter("meta"):
        key = meta.get("property") or meta.get("name")
        value = squash(meta.get("content"))
        if key and value:
            found.setdefault(key.lower(), value)
    return found


def _chrome(node: etree._Element) -> bool:
    if node.tag in _CHROME_TAGS or node.get("id") in _CHROME_IDS:
        return True
    cls = node.get("class")
    return bool(cls) and not _CHROME_CLASSES.isdisjoint(cls.split())


def is_chrome(el: etree._Element) -> bool:
    """True when ``el`` sits inside page chrome (sidebar, related posts, comments, ...)."""
    node: etree._Element | None = el
    while node is not None:
        if _chrome(node):
            return True
        node = node.getparent()
    return False


def within(el: etree._Element, ancestor: etree._Element | None) -> bool:
    """True when ``el`` is ``ancestor`` or inside it (False for None)."""
    node: etree._Element | None = el
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def in_scope(el: etree._Element, scope: etree._Element) -> bool:
    """True when ``el`` is inside ``scope`` and not in page chrome below it."""
    node: etree._Element | None = el
    while node is not None:
        if node is scope:
            return True
        if _chrome(node):
            return False
        node = node.getparent()
    return False


def first(candidates: Iterable[etree._Element], scope: etree._Element) -> etree._Element | None:
    """Return the first candidate inside ``scope`` that is not page chrome."""
    for el in candidates:
        if in_scope(el, scope):
            return el
    return None
