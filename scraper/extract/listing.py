"""Tell a listing page (home, section, tag, category, archive, search) from a single post.

A listing shows several posts: article teasers, an ``h-feed`` or several
top-level ``h-entry``, a JSON-LD ``CollectionPage`` / ``ItemList``, and its
URL is often a taxonomy one (``/tags/x/``, ``/categories/x/``, ``/tag/x/``,
``/category/x/``, ``/search/label/x``, ``/page/2/``). A listing is never
archived as a post, on any platform; a tag page with a single teaser is still
a listing. Pure; imports lxml and sibling modules only.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ._html import classes, squash, text_of
from .microformats import find_h_entries
from .postmeta import JsonLd

__all__ = ["is_listing"]

_TAXONOMY_PATH = re.compile(
    r"/(?:tags?|categor(?:y|ies)|topics?|series|labels?|archives?|authors?|search/label)"
    r"(?:/[^/]+)?/?$|/page/\d+/?$",
    re.IGNORECASE,
)
_LISTING_TYPES = frozenset({"Blog", "CollectionPage", "ItemList", "SearchResultsPage"})
_ARTICLE_TYPES = frozenset({"Article", "BlogPosting", "NewsArticle", "Report", "TechArticle"})
_HEADINGS = ("h1", "h2", "h3", "h4")


def _top_level(elements: list[etree._Element]) -> list[etree._Element]:
    """Return the elements that are not inside another one of them."""
    chosen = set(elements)
    out = []
    for el in elements:
        node = el.getparent()
        while node is not None and node not in chosen:
            node = node.getparent()
        if node is None:
            out.append(el)
    return out


_READ_MORE = re.compile(r"^(?:read more|continue reading|read the post|more)\b", re.IGNORECASE)


def _is_teaser(article: etree._Element, page: str) -> bool:
    """True when an article's heading (or a "Read more" link) leads to another page."""
    own = page.split("#", 1)[0].rstrip("/")
    links = [a for heading in article.iter(*_HEADINGS) for a in heading.iter("a")]
    links += [a for a in article.iter("a") if "entry-link" in classes(a) or _READ_MORE.match(squash(text_of(a)))]
    for link in links:
        href = link.get("href")
        if href and not href.startswith("#"):
            if urljoin(page, href).split("#", 1)[0].rstrip("/") != own:
                return True
    return False


def _teasers(root: etree._Element, page: str) -> int:
    """Count top-level articles that are teasers of other posts."""
    return sum(1 for article in _top_level(list(root.iter("article"))) if _is_teaser(article, page))


def _is_reply(entry: etree._Element) -> bool:
    """True for an ``h-entry`` that is a reply (``u-in-reply-to``, or a ``u-comment``)."""
    if {"u-comment", "p-comment"} & classes(entry):
        return True
    return any(
        "u-in-reply-to" in classes(el) for el in entry.iter() if isinstance(el.tag, str)
    )


def _single_article(meta: dict[str, str], jsonld: JsonLd) -> bool:
    """True when the page's metadata says it is one article."""
    if meta.get("og:type", "").lower() == "article" or meta.get("article:published_time"):
        return True
    article = jsonld.article()
    if article is None:
        return False
    kind = article.get("@type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    return bool(kinds & _ARTICLE_TYPES)


def is_listing(root: etree._Element, url: str, meta: dict[str, str], jsonld: JsonLd) -> bool:
    """True when the page lists several posts (or is a taxonomy page) rather than being one."""
    kinds: set[str] = set()
    for obj in jsonld.objects():
        value = obj.get("@type")
        kinds.update(str(v) for v in (value if isinstance(value, list) else [value]) if v)
    single = _single_article(meta, jsonld)
    entries = sum(1 for entry in find_h_entries(root) if not _is_reply(entry))
    feed = any("h-feed" in classes(el) for el in root.iter() if isinstance(el.tag, str))
    many = entries >= 2 or _teasers(root, url) >= 2
    if feed and entries != 1:
        return True
    if many and not single:
        return True
    if kinds & _LISTING_TYPES and not single:
        return True
    taxonomy = bool(_TAXONOMY_PATH.search(urlsplit(url).path)) or "/search" == urlsplit(url).path
    return taxonomy and (many or not single)
