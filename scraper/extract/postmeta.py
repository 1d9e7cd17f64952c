"""Read a WordPress post page's metadata: title, author, dates, terms.

Each reader takes candidates from the page index, keeps those inside
``scope`` (the post's ``<article>``, or the whole page for block themes) and
outside page chrome (sidebars, query loops, related posts, comments), then
falls back to ``<meta>`` tags and JSON-LD.
Imports lxml, scraper.records and sibling helpers only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from lxml import etree

from scraper.records import Author, Term

from ._html import classes, first, in_scope, squash, text_of
from ._index import PageIndex
from ._urls import absolute, is_http, path_segment_after
from .dates import parse_date

__all__ = [
    "JsonLd",
    "drop_site_name",
    "find_author",
    "find_dates",
    "find_site_name",
    "find_terms",
    "find_title",
]

_JSONLD = etree.XPath("//script[@type='application/ld+json']/text()")
_HEADLINE = etree.XPath("//*[@itemprop='headline']")
_META_DATES = etree.XPath("//meta[@content][@itemprop='datePublished' or @itemprop='dateModified']")
_BY_PREFIX = re.compile(r"^(?:by|posted by|written by)\s+", re.IGNORECASE)
_ARTICLE_TYPES = frozenset({"Article", "BlogPosting", "NewsArticle", "Report", "TechArticle"})
_TITLE_CLASSES = ("entry-title", "wp-block-post-title", "single-post-title", "post-title")
_BYLINE_CLASSES = (
    "byline", "posted-by", "post-author", "entry-author", "meta-author",
    "wp-block-post-author-name",
)  # fmt: skip
_AUTHOR_TEXT_CLASSES = ("wp-block-post-author-name", "wp-block-post-author__name", "author-name")
_TERM_CONTAINERS = {
    "cat-links": "category",
    "entry-categories": "category",
    "post-categories": "category",
    "tags-links": "tag",
    "post-tags": "tag",
}


class JsonLd:
    """Lazily parsed JSON-LD objects of a page (Yoast ``@graph`` flattened)."""

    def __init__(self, root: etree._Element) -> None:
        self._root = root
        self._objects: list[dict[str, Any]] | None = None

    def objects(self) -> list[dict[str, Any]]:
        """Return every JSON-LD object on the page, graphs flattened."""
        if self._objects is None:
            found: list[dict[str, Any]] = []
            for text in _JSONLD(self._root):
                try:
                    data = json.loads(str(text))
                except ValueError:
                    continue
                found.extend(_flatten(data))
            self._objects = found
        return self._objects

    def article(self) -> dict[str, Any] | None:
        """Return the Article/BlogPosting object, else a WebPage one, else None."""
        pages = []
        for obj in self.objects():
            kinds = obj.get("@type")
            kinds = set(kinds) if isinstance(kinds, list) else {kinds}
            if kinds & _ARTICLE_TYPES:
                return obj
            if "WebPage" in kinds:
                pages.append(obj)
        return pages[0] if pages else None

    def node(self, ref: Any) -> dict[str, Any] | None:
        """Resolve ``{"@id": ...}`` to the object it names (inline objects pass through)."""
        if isinstance(ref, list):
            ref = ref[0] if ref else None
        if not isinstance(ref, dict):
            return None
        if "name" in ref or "@id" not in ref:
            return ref
        return next((o for o in self.objects() if o.get("@id") == ref["@id"]), ref)


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "@graph" in item:
                stack.append(item["@graph"])
            else:
                yield item


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


_SITE_TITLE = ("site-title", "wp-block-site-title", "site-name", "site-logo-text", "blog-title")
_FEED_TITLE = etree.XPath("//head/link[@rel='alternate'][@type='application/rss+xml']/@title")
_FEED_SUFFIX = re.compile(r"\s*(?:»|-|–|—)\s*(?:Feed|RSS|Comments Feed)\s*$", re.IGNORECASE)
_SEPARATORS = ("–", "—", "|", "·", "-", "»", "::", ":", "•", "/")
#: What themes print in place of an empty title (twentytwentyone: "Untitled").
_PLACEHOLDER_TITLES = frozenset({"untitled", "(untitled)", "(no title)", "no title"})


def find_site_name(index: PageIndex, meta: dict[str, str]) -> str | None:
    """Return the blog's name as a page prints it: og:site_name, site title, feed title."""
    if meta.get("og:site_name"):
        return squash(meta["og:site_name"]) or None
    for el in index.tagged(*_SITE_TITLE):
        text = squash(text_of(el))
        if text and len(text) < 120:
            return text
    for title in _FEED_TITLE(index.root):
        if "comment" not in str(title).lower():
            name = _FEED_SUFFIX.sub("", squash(str(title)))
            if name:
                return name
    return None


def drop_site_name(title: str, site_name: str | None) -> str:
    """Return ``title`` without a leading or trailing site name and its separator.

    "Leg Day – Ironbark" and "Ironbark | Leg Day" give "Leg Day"; a title that
    is only the site name gives "" (a post without a title of its own).
    """
    title = squash(title)
    if not site_name:
        return title
    name = squash(site_name)
    if title.casefold() == name.casefold():
        return ""
    for sep in _SEPARATORS:
        suffix = f" {sep} {name}"
        if title.casefold().endswith(suffix.casefold()):
            return title[: -len(suffix)].strip()
        prefix = f"{name} {sep} "
        if title.casefold().startswith(prefix.casefold()):
            return title[len(prefix):].strip()
    return title


def find_title(index: PageIndex, scope: etree._Element, meta: dict[str, str]) -> str:
    """Return the post title: entry-title / wp-block-post-title, og:title, ``<title>``.

    Never the site's name: og:title and ``<title>`` lose a site-name prefix or
    suffix, and a post with an empty title gives "" (themes that print a
    placeholder such as "Untitled" in the heading keep it out of ``<title>``).
    """
    site_name = find_site_name(index, meta)
    head_title = index.root.find("head/title")
    document = drop_site_name(text_of(head_title), site_name) if head_title is not None else None
    for candidates in (index.tagged(*_TITLE_CLASSES), None):
        for el in candidates if candidates is not None else _HEADLINE(index.root):
            if in_scope(el, scope):
                title = squash(text_of(el))
                if title:
                    if (
                        title.casefold() in _PLACEHOLDER_TITLES
                        and document is not None
                        and title.casefold() not in document.casefold()
                    ):
                        return ""
                    return title
    if "og:title" in meta:
        return drop_site_name(meta["og:title"], site_name)
    return document or ""


def _time_kind(el: etree._Element) -> str | None:
    """Return "published", "modified" or None for a ``<time datetime>`` element."""
    tokens = classes(el)
    if "published" in tokens or "entry-date" in tokens:
        return "published"
    if "updated" in tokens:
        return "modified"
    parent = el.getparent()
    parent_tokens = classes(parent) if parent is not None else set()
    if "wp-block-post-date__modified-date" in parent_tokens:
        return "modified"
    if "wp-block-post-date" in parent_tokens:
        return "published"
    return {"datePublished": "published", "dateModified": "modified"}.get(el.get("itemprop", ""))


def _read_dates(
    candidates: list[etree._Element], scope: etree._Element, found: dict[str, datetime]
) -> None:
    """Fill ``found`` with the first published/modified date among ``candidates``."""
    for el in candidates:
        kind = _time_kind(el)
        if kind is None or kind in found or not in_scope(el, scope):
            continue
        value = parse_date(el.get("datetime") or el.get("content"))
        if value is not None:
            found[kind] = value


def find_dates(
    index: PageIndex, scope: etree._Element, meta: dict[str, str], jsonld: JsonLd
) -> tuple[datetime | None, datetime | None]:
    """Return (published, modified) as UTC datetimes, None where unknown."""
    found: dict[str, datetime] = {}
    _read_dates(index.times, scope, found)
    if len(found) < 2:  # microdata without <time datetime>: <meta itemprop content>
        _read_dates(_META_DATES(index.root), scope, found)
    published = found.get("published") or parse_date(meta.get("article:published_time"))
    modified = found.get("modified") or parse_date(
        meta.get("article:modified_time") or meta.get("og:updated_time")
    )
    if published is None or modified is None:
        article = jsonld.article() or {}
        published = published or parse_date(_str(article.get("datePublished")))
        modified = modified or parse_date(_str(article.get("dateModified")))
    return published, modified


def _author_from_url(name: str, url: str | None) -> Author:
    remote_id = None
    slug = None
    if url:
        slug = path_segment_after(url, "author")
        query = parse_qs(urlsplit(url).query)
        if query.get("author", [""])[0].isdigit():
            remote_id = query["author"][0]
    return Author(name=name, url=url, slug=slug, remote_id=remote_id)


def _in_bio(el: etree._Element) -> bool:
    node = el.getparent()
    while node is not None:
        if "author-bio" in classes(node):
            return True
        node = node.getparent()
    return False


def _byline_links(index: PageIndex) -> list[etree._Element]:
    """Return candidate author links in document order."""
    links = [a for a in index.links_with_rel if "author" in (a.get("rel") or "").split()]
    holders = index.tagged(*_BYLINE_CLASSES) + index.tagged_all("author", "vcard")
    for holder in holders:
        link = holder if holder.tag == "a" else next(holder.iter("a"), None)
        if link is not None:
            links.append(link)
    return index.sort(dict.fromkeys(links))


def find_author(
    index: PageIndex, scope: etree._Element, meta: dict[str, str], jsonld: JsonLd, base: str
) -> Author | None:
    """Return the post author from the byline, author block, bio box, meta or JSON-LD."""
    for link in _byline_links(index):
        if not in_scope(link, scope) or _in_bio(link):
            continue
        name = _BY_PREFIX.sub("", squash(text_of(link)))
        if name:
            url = absolute(link.get("href"), base)
            return _author_from_url(name, url if is_http(url) else None)
    for el in index.tagged(*_AUTHOR_TEXT_CLASSES):
        name = _BY_PREFIX.sub("", squash(text_of(el)))
        if name and in_scope(el, scope):
            return Author(name=name)
    bio = first(index.tagged("author-bio"), scope)
    if bio is not None:
        title = next((el for el in bio.iter() if "author-title" in classes(el)), None)
        link = next((el for el in bio.iter("a") if "author-link" in classes(el)), None)
        name = _BY_PREFIX.sub("", squash(text_of(title))) if title is not None else ""
        if name:
            url = absolute(link.get("href"), base) if link is not None else None
            return _author_from_url(name, url if is_http(url) else None)
    if "author" in meta:
        return Author(name=meta["author"])
    article = jsonld.article() or {}
    person = jsonld.node(article.get("author"))
    if person and isinstance(person.get("name"), str) and person["name"].strip():
        url = _str(person.get("url"))
        return _author_from_url(person["name"].strip(), url if is_http(url) else None)
    return None


def _term_kind(link: etree._Element) -> str | None:
    """Return "category", "tag" or None (another taxonomy or not a term link)."""
    node = link.getparent()
    for _ in range(4):
        if node is None:
            break
        tokens = classes(node)
        if "wp-block-post-terms" in tokens:
            if "taxonomy-category" in tokens:
                return "category"
            return "tag" if "taxonomy-post_tag" in tokens else None
        for token in tokens:
            if token in _TERM_CONTAINERS:
                return _TERM_CONTAINERS[token]
        node = node.getparent()
    rel = (link.get("rel") or "").split()
    if "category" in rel:
        return "category"
    return "tag" if "tag" in rel else None


def _term(kind: str, name: str, url: str | None) -> Term:
    slug = remote_id = None
    if url:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        if kind == "category" and query.get("cat", [""])[0].isdigit():
            remote_id = query["cat"][0]
        elif kind == "tag" and query.get("tag"):
            slug = query["tag"][0]
        else:
            segments = [s for s in parts.path.split("/") if s]
            slug = unquote(segments[-1]) if segments else None
    return Term(kind=kind, name=name, slug=slug, remote_id=remote_id)


def find_terms(index: PageIndex, scope: etree._Element, base: str) -> tuple[Term, ...]:
    """Return the post's categories and tags, in page order, without duplicates."""
    links = [
        a
        for a in index.links_with_rel
        if a.get("href") and ("tag" in a.get("rel", "") or "category" in a.get("rel", ""))
    ]
    for holder in index.tagged("wp-block-post-terms", *_TERM_CONTAINERS):
        links.extend(holder.iter("a"))
    terms: list[Term] = []
    seen: set[tuple[str, str]] = set()
    for link in index.sort(dict.fromkeys(links)):
        kind = _term_kind(link)
        if kind is None:
            continue
        name = squash(text_of(link))
        if not name or (kind, name.lower()) in seen or not in_scope(link, scope):
            continue
        seen.add((kind, name.lower()))
        url = absolute(link.get("href"), base)
        terms.append(_term(kind, name, url if is_http(url) else None))
    return tuple(terms)
