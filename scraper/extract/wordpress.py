"""Extract a Post from a single WordPress post page (classic and block themes).

Decides first whether the page is a single post at all: home, archive,
search, 404, attachment pages, WordPress Pages, other post types and
non-public posts give None. Then reads the canonical URL, ids, metadata,
body, images and the comments printed on the page.
Imports lxml, scraper.records, scraper.errors and sibling modules only.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from lxml import etree
from lxml.cssselect import CSSSelector

from scraper.errors import ExtractError
from scraper.records import ImageRef, Post

from ._html import classes, first, head_meta, parse_html
from ._index import PageIndex
from ._urls import document_base
from .comments import detach_comments, find_comments, parse_comments
from .content import clean_body
from .detect import detect_platform
from .featured import find_featured
from .generic import extract_generic
from .images import place_featured
from .listing import is_listing
from .pages import canonical_url, comment_page_urls
from .parts import find_part_urls
from .postmeta import JsonLd, find_author, find_dates, find_terms, find_title

__all__ = ["extract_post_page", "is_single_post"]

_REST_LINK = etree.XPath("//head/link[@type='application/json']")
_SHORTLINK = etree.XPath("//head/link[@rel='shortlink']/@href")
_REST_ROUTE = re.compile(r"/wp/v2/([a-z0-9_-]+)/(\d+)/?$")
_POST_ID = re.compile(r"^post-(\d+)$")
_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)")
_CONTENT_FALLBACK = CSSSelector(
    "[itemprop=articleBody], .post-content, .single-content, .article-content, .post-entry, "
    ".td-post-content, .entry"
)
_NOT_SINGLE = frozenset(
    {"home", "blog", "archive", "search", "search-results", "search-no-results", "error404",
     "page", "attachment", "single-attachment"}
)  # fmt: skip
_HIDDEN_STATUS = frozenset(
    {"status-private", "status-draft", "status-future", "status-pending", "status-trash"}
)
_TITLE_PREFIX = re.compile(r"^(?:Protected|Private):\s+")


def _rest_route(root: etree._Element) -> tuple[str, str] | None:
    """Return (rest base, id) from ``link[rel=alternate][type=application/json]``."""
    for link in _REST_LINK(root):
        if "alternate" in (link.get("rel") or "").split():
            match = _REST_ROUTE.search(unquote(link.get("href", "")).split("&", 1)[0])
            if match:
                return match.group(1), match.group(2)
    return None


def _body_classes(root: etree._Element) -> set[str]:
    body = root.find("body")
    return classes(body) if body is not None else set()


def is_single_post(root: etree._Element) -> bool | None:
    """True for a single post, False for anything else, None when the markup does not say."""
    return _classify(root, _rest_route(root))


def _classify(root: etree._Element, route: tuple[str, str] | None) -> bool | None:
    tokens = _body_classes(root)
    if route is not None and route[0] != "posts":
        return False
    if tokens & _NOT_SINGLE or any(t.startswith("page-id-") for t in tokens):
        return False
    if "single" in tokens or any(t.startswith("postid-") for t in tokens):
        return True
    return True if route is not None else None


def _remote_id(
    root: etree._Element, article: etree._Element | None, route: tuple[str, str] | None
) -> str | None:
    if route is not None:
        return route[1]
    for token in _body_classes(root):
        if token.startswith("postid-") and token[7:].isdigit():
            return token[7:]
    if article is not None:
        match = _POST_ID.match(article.get("id", ""))
        if match:
            return match.group(1)
    for href in _SHORTLINK(root):
        match = _SHORTLINK_ID.search(str(href))
        if match:
            return match.group(1)
    return None


def _main_article(index: PageIndex) -> etree._Element | None:
    """Return the post's ``<article>`` (or ``.type-post`` element) outside page chrome."""
    root = index.root
    candidates = [
        el
        for el in index.articles
        if el.get("id", "").startswith("post-") or "type-" in el.get("class", "")
    ]
    found = first(candidates, root)
    if found is None:
        found = first(index.tagged("type-post"), root)
    return found if found is not None else first(index.articles, root)


def _hidden_or_other_type(article: etree._Element) -> bool:
    tokens = classes(article)
    if tokens & _HIDDEN_STATUS:
        return True
    types = {t[5:] for t in tokens if t.startswith("type-")}
    return bool(types) and "post" not in types


def _find_body(index: PageIndex, scope: etree._Element) -> etree._Element | None:
    candidates = index.tagged("entry-content", "wp-block-post-content")
    body = first(candidates, scope)
    if body is None and scope is not index.root:
        body = first(candidates, index.root)
    if body is None and scope is not index.root:
        body = first(_CONTENT_FALLBACK(scope), scope)
    return body


def _block_theme_empty_post(
    root: etree._Element, single: bool | None, article: etree._Element | None
) -> bool:
    """True for a single post of a block theme that printed no post content at all.

    The post-content block prints nothing for an empty post, and block themes
    render every page inside ``.wp-site-blocks``; a classic theme always prints
    its ``.entry-content`` box, so there a missing body stays an error.
    """
    if single is not True or article is not None:
        return False
    return any("wp-site-blocks" in classes(el) for el in root.iter("div"))


def extract_post_page(html: bytes, url: str, *, content_type: str = "") -> Post | None:
    """Return the Post on a single-post page, or None when the page is not one.

    Pages that another platform produced (Blogger, Ghost, Squarespace, a
    hand-made site) go to ``generic.extract_generic``.

    :raises ExtractError: the page is a single post but no body can be found.
    """
    platform = detect_platform(html, url)
    if platform != "wordpress":
        return extract_generic(html, url, content_type=content_type, platform=platform)
    root = parse_html(html, content_type)
    route = _rest_route(root)
    single = _classify(root, route)
    if single is False:
        return None
    # Comments first: parse them, then cut them out so the post readers never
    # see them (they are most of a busy page and none of the post's metadata).
    found = find_comments(root)
    thread = parse_comments(root, url, found)
    detach_comments(found)
    index = PageIndex(root)
    meta = head_meta(root)
    article = _main_article(index)
    if article is not None and _hidden_or_other_type(article):
        return None
    scope = article if article is not None else root
    body = _find_body(index, scope)
    if single is None and (
        body is None
        or (article is None and meta.get("og:type") != "article")
        or is_listing(root, url, meta, JsonLd(root))
    ):
        return None
    protected = bool(index.password_forms or index.tagged("post-password-form")) or (
        "post-password-required" in _body_classes(root)
    )
    if body is None and not protected and not _block_theme_empty_post(root, single, article):
        raise ExtractError(f"{url}: single post without a recognisable body", url=url)

    base = document_base(root, url)
    post_url = canonical_url(root, url)
    jsonld = JsonLd(root)
    title = find_title(index, scope, meta)
    if protected:
        title = _TITLE_PREFIX.sub("", title)
    published, modified = find_dates(index, scope, meta, jsonld)
    author = find_author(index, scope, meta, jsonld, base)
    terms = find_terms(index, scope, base)
    part_urls = find_part_urls(index, scope, base, (url, post_url)) if body is not None else ()
    featured = find_featured(index, scope, body, base, meta)
    body_images: list[ImageRef] = []
    html_out, text_out = "", ""
    if body is not None and not protected:
        cleaned = clean_body(body, base)
        html_out, text_out = cleaned.html, cleaned.text
        body_images = cleaned.images
    images = place_featured(featured, body_images)
    excerpt = (
        meta.get("description") or meta.get("og:description") or meta.get("twitter:description")
    )
    page_links = comment_page_urls(index, url, post_url, thread=(thread.page_links, [rid for _el, rid in found]))
    return Post(
        url=post_url,
        title=title,
        remote_id=_remote_id(root, article, route),
        author=author,
        published_at=published,
        modified_at=modified,
        body_html=html_out,
        body_text=text_out,
        excerpt=excerpt,
        terms=terms,
        images=images,
        comments=thread.comments,
        comment_page_urls=page_links.others,
        shown_comment_pages=page_links.shown,
        part_urls=part_urls,
        is_protected=protected,
        source="html",
    )
