"""Extract a Post from a post page of any blog that is not WordPress.

Metadata comes from, best first: JSON-LD (Article/BlogPosting: headline,
author, datePublished, dateModified, image, keywords), microformats2 h-entry
(p-name, dt-published, p-author, p-category, e-content), schema.org
microdata, OpenGraph / ``article:*`` meta and plain ``<meta>``, then the
markup (``h1``, ``<time>``, ``rel=author`` / ``rel=tag`` links).

The body is, in this order: the element the platform names (Blogger's
``.post-body``, Ghost's ``.gh-content``, Squarespace's ``.blog-item-content``),
the post's ``e-content`` / ``itemprop=articleBody``, else what
``maincontent.find_main_content`` scores as the article. Images keep their
caption (``figure``/``figcaption``, Blogger's caption tables) and the nearest
preceding heading. Comments come from ``threads`` (h-entry replies, static
nested lists, Blogger's markup).

A page is a post only when something says so (an Article-type JSON-LD,
``og:type=article``, a single h-entry, BlogPosting microdata, a publication
date on an article element); listings and plain pages give None.
Imports lxml, scraper.records and sibling modules only.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from lxml import etree

from scraper.records import Author, ImageRef, Post, Term

from ._html import head_meta, parse_html, squash, text_of
from ._index import PageIndex
from ._urls import absolute, document_base, is_http
from .blogger import normalize_caption_tables
from .content import clean_body
from .dates import parse_date, parse_loose_date
from .images import image_ref, image_stem
from .listing import is_listing
from .maincontent import find_main_content, page_titles, render_text
from .microformats import HEntry, find_h_entries, read_h_entry
from .pages import canonical_url
from .postmeta import JsonLd, drop_site_name, find_site_name
from .threads import day_of, parse_h_entry_replies, parse_list_comments

__all__ = ["PLATFORM_BODY", "extract_article_text", "extract_generic", "looks_like_post"]

# Where each platform puts the post body (class tokens, best first).
PLATFORM_BODY: dict[str, tuple[str, ...]] = {
    "blogger": ("post-body", "post-content"),
    "ghost": ("gh-content", "post-content", "article-content", "post-full-content", "kg-canvas"),
    "squarespace": ("blog-item-content", "entry-content", "sqs-layout"),
}
_POST_ID_META = etree.XPath("//meta[@itemprop='postId']/@content")
_BLOGGER_POST_BODY_ID = re.compile(r"^post-body-(\d+)$")
_MICRODATA_ARTICLE = re.compile(
    r"schema\.org/(?:BlogPosting|Article|NewsArticle|TechArticle|Report)$"
)
_LISTING_TYPES = frozenset({"Blog", "CollectionPage", "ItemList", "SearchResultsPage"})
_TITLE_CLASSES = ("p-name", "entry-title", "post-title", "article-title", "BlogItem-title",
                  "blog-title", "gh-article-title", "single-title")  # fmt: skip
_BY_PREFIX = re.compile(r"^(?:by|posted by|written by)\s+", re.IGNORECASE)


def _tokens(el: etree._Element) -> list[str]:
    value = el.get("class")
    return value.split() if value else []


def _by_class(root: etree._Element, names: tuple[str, ...]) -> list[etree._Element]:
    wanted = set(names)
    return [
        el for el in root.iter() if isinstance(el.tag, str) and not wanted.isdisjoint(_tokens(el))
    ]


def _str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0].strip() or None
    return None


def _date(value: str | None) -> datetime | None:
    """A UTC time from ISO text; a bare date is taken as that day at 00:00 UTC."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return parse_date(value, assume_utc=True)
    return parse_date(value) or parse_loose_date(value)


def _microdata_article(root: etree._Element) -> etree._Element | None:
    for el in root.iter():
        if isinstance(el.tag, str) and _MICRODATA_ARTICLE.search(el.get("itemtype") or ""):
            return el
    return None


def _itemprop(scope: etree._Element, name: str) -> list[etree._Element]:
    return [
        el
        for el in scope.iter()
        if isinstance(el.tag, str) and name in (el.get("itemprop") or "").split()
    ]


def _main_h_entry(root: etree._Element) -> etree._Element | None:
    entries = find_h_entries(root)
    if len(entries) == 1:
        return entries[0]
    # Several top-level entries: a listing, unless one is clearly the post
    # (the others being replies that point at it).
    standalone = [
        el
        for el in entries
        if not any("u-in-reply-to" in _tokens(d) for d in el.iter() if isinstance(d.tag, str))
    ]
    return standalone[0] if len(standalone) == 1 else None


def looks_like_post(root: etree._Element, meta: dict[str, str], jsonld: JsonLd) -> bool:
    """True when the page says it is a single post or article."""
    kinds: set[str] = set()
    for obj in jsonld.objects():
        value = obj.get("@type")
        kinds.update(str(v) for v in (value if isinstance(value, list) else [value]) if v)
    article = jsonld.article()
    if article is not None and article.get("@type") not in ("WebPage", ["WebPage"]):
        return True
    if meta.get("og:type", "").lower() == "article":
        return True
    if _main_h_entry(root) is not None:
        return True
    if _microdata_article(root) is not None:
        return True
    if kinds & _LISTING_TYPES:
        return False
    if meta.get("article:published_time") or _itemprop(root, "datePublished"):
        return True
    articles = list(root.iter("article"))
    if len(articles) == 1 and next(articles[0].iter("time"), None) is not None:
        return True
    return _dated_title(root)


_DATE_TEXT = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}|"
    r"\d{1,2}\.? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4})\b",
    re.IGNORECASE,
)


def _title_date_line(root: etree._Element) -> str | None:
    """The short dated line right under the page's only ``h1`` (a hand-made post), if any."""
    headings = list(root.iter("h1"))
    if len(headings) != 1:
        return None
    seen = 0
    for el in headings[0].itersiblings():
        if not isinstance(el.tag, str):
            continue
        text = squash(text_of(el))
        if text and len(text) < 120 and _DATE_TEXT.search(text):
            return text
        seen += 1
        if seen >= 3:
            break
    return None


def _dated_title(root: etree._Element) -> bool:
    return _title_date_line(root) is not None


def _title(
    root: etree._Element,
    meta: dict[str, str],
    article: dict[str, Any],
    entry: HEntry | None,
    scope: etree._Element,
) -> str:
    headline = _str(article.get("headline")) or _str(article.get("name"))
    if headline:
        return squash(headline)
    if entry is not None and entry.name and len(entry.name) < 300:
        return entry.name
    for el in _by_class(scope, _TITLE_CLASSES):
        if el.tag in ("h1", "h2", "h3", "a", "span", "div"):
            text = squash(text_of(el))
            if text:
                return text
    site_name = find_site_name(PageIndex(root), meta)
    if meta.get("og:title"):
        return drop_site_name(meta["og:title"], site_name)
    h1 = next(scope.iter("h1"), None)
    if h1 is not None and squash(text_of(h1)):
        return squash(text_of(h1))
    head_title = root.find("head/title")
    if head_title is not None and squash(text_of(head_title)):
        return drop_site_name(text_of(head_title), site_name)
    titles = page_titles(root)
    return drop_site_name(titles[0], site_name) if titles else ""


def _dates(
    root: etree._Element,
    meta: dict[str, str],
    article: dict[str, Any],
    entry: HEntry | None,
    scope: etree._Element,
) -> tuple[datetime | None, datetime | None]:
    published = _date(_str(article.get("datePublished")))
    modified = _date(_str(article.get("dateModified")))
    if entry is not None:
        published = published or _date(entry.published)
        modified = modified or _date(entry.updated)
    published = published or _date(meta.get("article:published_time"))
    modified = modified or _date(meta.get("article:modified_time") or meta.get("og:updated_time"))
    if published is None or modified is None:
        for el in _itemprop(root, "datePublished") + _itemprop(root, "dateModified"):
            value = el.get("content") or el.get("datetime") or el.get("title")
            moment = _date(value)
            if moment is None:
                continue
            if "datePublished" in (el.get("itemprop") or "") and published is None:
                published = moment
            elif "dateModified" in (el.get("itemprop") or "") and modified is None:
                modified = moment
    if published is None:
        line = _title_date_line(root)
        published = (parse_loose_date(line) or day_of(line)) if line else None
    if published is None:
        for el in scope.iter("time", "abbr"):
            tokens = _tokens(el)
            value = el.get("datetime") or (el.get("title") if el.tag == "abbr" else None)
            if not value or "updated" in tokens:
                continue
            published = _date(value)
            if published is not None:
                break
    return published, modified


def _author(
    root: etree._Element,
    meta: dict[str, str],
    jsonld: JsonLd,
    article: dict[str, Any],
    entry: HEntry | None,
    scope: etree._Element,
    base: str,
) -> Author | None:
    person = jsonld.node(article.get("author"))
    if person and _str(person.get("name")):
        url = _str(person.get("url"))
        return Author(name=squash(_str(person.get("name"))), url=url if is_http(url) else None)
    if entry is not None and entry.author is not None and entry.author.name:
        return Author(name=entry.author.name, url=entry.author.url)
    for el in _itemprop(scope, "author"):
        names = _itemprop(el, "name")
        name = squash(text_of(names[0]) if names else text_of(el))
        if name:
            link = el if el.tag == "a" else next(el.iter("a"), None)
            url = absolute(link.get("href"), base) if link is not None else None
            return Author(name=_BY_PREFIX.sub("", name), url=url if is_http(url) else None)
    for link in scope.iter("a"):
        if "author" in (link.get("rel") or "").split():
            name = _BY_PREFIX.sub("", squash(text_of(link)))
            if name:
                url = absolute(link.get("href"), base)
                return Author(name=name, url=url if is_http(url) else None)
    for el in _by_class(scope, ("post-author", "author-name", "byline-author", "fn")):
        name = _BY_PREFIX.sub("", squash(text_of(el)))
        if name and len(name) < 80:
            link = el if el.tag == "a" else next(el.iter("a"), None)
            url = absolute(link.get("href"), base) if link is not None else None
            return Author(name=name, url=url if is_http(url) else None)
    if meta.get("author"):
        return Author(name=meta["author"])
    return None


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []


def _terms(
    root: etree._Element,
    meta_all: list[tuple[str, str]],
    article: dict[str, Any],
    entry: HEntry | None,
    scope: etree._Element,
    base: str,
    comment_regions: list[etree._Element],
) -> tuple[Term, ...]:
    found: list[Term] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, name: str, url: str | None = None) -> None:
        name = squash(name)
        key = (kind, name.lower())
        if not name or key in seen or len(name) > 100:
            return
        seen.add(key)
        slug = None
        if url:
            segments = [s for s in url.split("?", 1)[0].rstrip("/").split("/") if s]
            slug = segments[-1] if segments else None
        found.append(Term(kind=kind, name=name, slug=slug))

    for link in scope.iter("a"):
        rel = set((link.get("rel") or "").split())
        href = link.get("href") or ""
        query = href.partition("?")[2]
        if not rel & {"tag", "category"}:
            # Squarespace and others: /blog?category=X, /blog?tag=Y
            if re.search(r"(?:^|&)category=", query):
                rel = {"category"}
            elif re.search(r"(?:^|&)tag=", query):
                rel = {"tag"}
            else:
                continue
        if any(link in r.iter() for r in comment_regions):
            continue
        url = absolute(href, base)
        add("category" if "category" in rel else "tag", text_of(link), url)
    if entry is not None:
        for name in entry.categories:
            add("tag", name)
    for key, value in meta_all:
        if key == "article:section":
            add("category", value)
        elif key == "article:tag":
            add("tag", value)
    section = article.get("articleSection")
    for name in _keywords(section):
        add("category", name)
    for name in _keywords(article.get("keywords")):
        add("tag", name)
    return tuple(found)


def _meta_all(root: etree._Element) -> list[tuple[str, str]]:
    head = root.find("head")
    if head is None:
        return []
    pairs = []
    for meta in head.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        value = squash(meta.get("content"))
        if key and value:
            pairs.append((key, value))
    return pairs


_GHOST_SIZED = re.compile(r"/content/images/size/w\d+(?:h\d+)?/")


def _normalize_media(root: etree._Element, platform: str) -> None:
    """Bring platform image markup to the shapes the image reader knows.

    Blogger's caption tables become figures; a figure's caption nested in
    wrappers (Squarespace) moves up to the figure; gallery cards get a
    ``gallery`` class; Ghost's resized copies point at the original upload.
    """
    normalize_caption_tables(root)
    for figure in list(root.iter("figure")):
        if any(child.tag == "figcaption" for child in figure):
            continue
        caption = next((el for el in figure.iter("figcaption")), None)
        if caption is not None and caption.getparent() is not None:
            caption.getparent().remove(caption)
            caption.tail = None
            figure.append(caption)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tokens = _tokens(el)
        if (
            any("gallery" in token and token != "gallery" for token in tokens)
            and "gallery" not in tokens
        ):
            el.set("class", " ".join([*tokens, "gallery"]))
        if platform == "ghost" and el.tag in ("img", "source"):
            src = el.get("src")
            if src and _GHOST_SIZED.search(src):
                el.set("src", _GHOST_SIZED.sub("/content/images/", src))
            if el.get("srcset"):
                del el.attrib["srcset"]


def _choose_body(root: etree._Element, platform: str, title: str | None) -> etree._Element | None:
    """The post body: the platform's body element or the scored main content, pruned."""
    choice = find_main_content(root, title=title, prefer=PLATFORM_BODY.get(platform, ()))
    return choice.element if choice is not None else None


def extract_article_text(html: bytes, url: str, *, content_type: str = "") -> str:
    """Return the prose of a page's main content: text without captions or title.

    This is the body detector that ``extract_generic`` uses, reduced to text
    (the form article-extraction benchmarks score).
    """
    root = parse_html(html, content_type)
    body = find_main_content(root)
    return render_text(body.element, captions=False) if body is not None else ""


def _post_scope(root: etree._Element, entry_el: etree._Element | None) -> etree._Element:
    if entry_el is not None:
        return entry_el
    microdata = _microdata_article(root)
    if microdata is not None:
        return microdata
    articles = list(root.iter("article"))
    if len(articles) == 1:
        return articles[0]
    body = root.find("body")
    return body if body is not None else root


def _blogger_post_id(root: etree._Element) -> str | None:
    for value in _POST_ID_META(root):
        if str(value).isdigit():
            return str(value)
    for el in root.iter("div"):
        match = _BLOGGER_POST_BODY_ID.match(el.get("id") or "")
        if match:
            return match.group(1)
    return None


def _featured(
    meta: dict[str, str],
    article: dict[str, Any],
    jsonld: JsonLd,
    body_images: list[ImageRef],
    scope: etree._Element,
    base: str,
) -> ImageRef | None:
    """The post's lead image when it sits outside the body (Ghost's feature image)."""
    stems = {image_stem(ref.url) for ref in body_images}
    for el in _by_class(
        scope,
        (
            "gh-feature-image",
            "article-image",
            "post-full-image",
            "feature-image",
            "u-featured",
            "post-image",
        ),
    ):
        img = el if el.tag == "img" else next(el.iter("img"), None)
        if img is None:
            continue
        ref = image_ref(img, base, position=0, role="featured")
        if ref is not None and image_stem(ref.url) not in stems:
            return ref
    image = article.get("image")
    node = jsonld.node(image) if isinstance(image, (dict, list)) else None
    url = _str(image) or (_str(node.get("url")) if node else None) or meta.get("og:image")
    url = absolute(url, base) if url else None
    if url and is_http(url) and image_stem(url) not in stems:
        return ImageRef(url=url, position=0, role="featured")
    return None


def extract_generic(
    html: bytes, url: str, *, content_type: str = "", platform: str = "generic"
) -> Post | None:
    """Return the Post on a non-WordPress post page, or None when the page is not one.

    ``platform`` ("blogger", "ghost", "squarespace" or "generic") picks where
    the body is looked for first.
    """
    root = parse_html(html, content_type)
    meta = head_meta(root)
    jsonld = JsonLd(root)
    if is_listing(root, url, meta, jsonld) or not looks_like_post(root, meta, jsonld):
        return None
    base = document_base(root, url)
    post_url = canonical_url(root, url)
    article = jsonld.article() or {}
    entry_el = _main_h_entry(root)
    entry = read_h_entry(entry_el, base) if entry_el is not None else None
    scope = _post_scope(root, entry_el)
    title = _title(root, meta, article, entry, scope)
    published, modified = _dates(root, meta, article, entry, scope)
    author = _author(root, meta, jsonld, article, entry, scope, base)
    comment_regions = [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and re.search(
            r"(?:^|[-_ ])comments?(?:$|[-_ ])", f"{el.get('id') or ''} {el.get('class') or ''}"
        )
    ]
    terms = _terms(root, _meta_all(root), article, entry, scope, base, comment_regions)

    # Comments are read from the untouched tree; the body is cut from a copy.
    all_entries = [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and {"h-entry", "h-cite"} & set(_tokens(el))
        and el is not entry_el
    ]
    comments = (
        parse_h_entry_replies(entry, all_entries, url, post_url, base)
        if (entry is not None or all_entries)
        else ()
    )
    if not comments:
        comments = parse_list_comments(root, url, base)
    if author is not None and author.url:
        comments = tuple(
            replace(c, is_post_author=True) if c.author_url == author.url else c for c in comments
        )

    work = parse_html(html, content_type)
    _normalize_media(work, platform)
    featured_root = parse_html(html, content_type)
    _normalize_media(featured_root, platform)
    featured_scope = _post_scope(featured_root, None)
    body = _choose_body(work, platform, title)
    if body is None:
        return None
    for region in [
        el
        for el in body.iter()
        if isinstance(el.tag, str)
        and re.search(
            r"(?:^|[-_ ])comments?(?:$|[-_ ])|(?:^| )(?:p-comment|u-comment)(?:$| )",
            f"{el.get('id') or ''} {el.get('class') or ''}",
        )
    ]:
        if region.getparent() is not None:
            region.getparent().remove(region)
    cleaned = clean_body(body, base)
    featured = _featured(meta, article, jsonld, cleaned.images, featured_scope, base)
    images: list[ImageRef] = []
    if featured is not None:
        images.append(featured)
    for ref in cleaned.images:
        images.append(
            ImageRef(
                url=ref.url,
                position=len(images),
                role=ref.role,
                alt=ref.alt,
                caption=ref.caption,
                heading=ref.heading,
                width=ref.width,
                height=ref.height,
            )
        )
    remote_id = _blogger_post_id(root) if platform == "blogger" else None
    excerpt = (
        meta.get("description") or meta.get("og:description") or _str(article.get("description"))
    )
    return Post(
        url=post_url,
        title=title,
        remote_id=remote_id,
        author=author,
        published_at=published,
        modified_at=modified,
        body_html=cleaned.html,
        body_text=cleaned.text,
        excerpt=excerpt,
        terms=terms,
        images=tuple(images),
        comments=comments,
        source="html",
    )
