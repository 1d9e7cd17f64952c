"""Find what a site has: sitemaps, feeds, REST listing URLs, archive pagination.

Pure functions over bytes that the pipeline fetched (``discover`` never does
I/O), plus ``Frontier``, the de-duplicating queue of post URLs. Imports
leaves only.
"""

from __future__ import annotations

import re
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator
from urllib.parse import urlencode, urljoin, urlsplit

import feedparser
from dateutil import parser as dateparser
from lxml import etree
from lxml import html as lxml_html

from scraper.records import FeedEntry, PageRef
from scraper.urls import canonical_url, same_site, strip_comment_page

__all__ = [
    "Frontier",
    "SitemapResult",
    "advertised_feeds",
    "blogger_comments_feed_url",
    "blogger_posts_feed_url",
    "candidate_sitemaps",
    "feed_urls",
    "looks_like_post_url",
    "comment_feed_urls",
    "parse_comment_feed",
    "parse_feed",
    "parse_listing",
    "parse_sitemap",
    "rest_api_root",
    "rest_url",
]

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # uncompressed, as the sitemap protocol allows

# Sub-sitemaps that never hold posts (WordPress core, Yoast, Rank Math, AIOSEO).
_NON_POST_SITEMAP = re.compile(
    r"(wp-sitemap-(posts-(page|attachment|wp_block|nav_menu_item)|taxonomies|users)"
    r"|(^|[/_-])(page|category|post_tag|tag|author|attachment|product|local)[-_]?sitemap"
    r"|sitemap[-_](pages?|categor(y|ies)|tags?|authors?|misc|images?|video)\b)",
    re.I,
)

# Paths that are listings or system pages, never single posts.
_NON_POST_PATH = re.compile(
    r"(/(category|tag|author|page|feed|wp-json|wp-admin|wp-content|wp-includes|search|comments|trackback|attachment)(/|$)"
    r"|/comment-page-\d+|\.(xml|gz|txt|jpe?g|png|gif|webp|svg|pdf|zip|css|js|ico|mp4|mp3)$|/wp-login\.php|/xmlrpc\.php)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class SitemapResult:
    """What one sitemap document lists: nested sitemaps and page URLs."""

    sitemaps: list[PageRef]
    pages: list[PageRef]


def _maybe_gunzip(data: bytes) -> bytes:
    if data[:2] == b"\x1f\x8b":
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = decompressor.decompress(data, MAX_SITEMAP_BYTES)
        return out
    return data


def _parse_lastmod(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = dateparser.isoparse(text.strip())
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_sitemap(data: bytes, url: str, base_url: str) -> SitemapResult:
    """Parse a sitemap or sitemap index (gzip allowed).

    Nested sitemaps that by their name hold no posts (pages, taxonomies,
    users) are left out; page URLs off the site are dropped.
    """
    body = _maybe_gunzip(data)
    try:
        root = etree.fromstring(
            body, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
        )
    except etree.XMLSyntaxError:
        return SitemapResult([], [])
    if root is None:
        return SitemapResult([], [])
    sitemaps: list[PageRef] = []
    pages: list[PageRef] = []
    tag = etree.QName(root).localname if isinstance(root.tag, str) else ""
    for entry in root:
        if not isinstance(entry.tag, str):
            continue
        loc = lastmod = None
        for child in entry:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "loc":
                loc = (child.text or "").strip()
            elif name == "lastmod":
                lastmod = child.text
        if not loc:
            continue
        absolute = canonical_url(loc, url)
        if tag == "sitemapindex":
            if _NON_POST_SITEMAP.search(urlsplit(absolute).path) or absolute == canonical_url(url):
                continue
            sitemaps.append(PageRef(url=absolute, kind="sitemap", lastmod=_parse_lastmod(lastmod)))
        elif same_site(absolute, base_url):
            pages.append(PageRef(url=absolute, kind="post", lastmod=_parse_lastmod(lastmod)))
    return SitemapResult(sitemaps, pages)


def candidate_sitemaps(base_url: str, from_robots: Iterable[str]) -> list[str]:
    """Sitemap URLs to try, robots.txt's first, then the usual WordPress/SEO names."""
    seen: dict[str, None] = {}
    for url in from_robots:
        seen[canonical_url(url)] = None
    for name in ("wp-sitemap.xml", "sitemap_index.xml", "sitemap.xml"):
        seen[urljoin(base_url, name)] = None
    return list(seen)


def feed_urls(base_url: str) -> list[str]:
    """The post feed URL(s) a WordPress-like site usually has."""
    return [urljoin(base_url, "feed/")]


def advertised_feeds(html: bytes, base_url: str) -> list[str]:
    """Same-site RSS/Atom feeds a page links with ``<link rel="alternate">``, comment feeds last."""
    found: dict[str, bool] = {}
    for tag in re.findall(rb"<link\b[^>]*>", html[:300_000], re.I):
        if not re.search(rb"rel=[\"']?alternate", tag, re.I):
            continue
        if not re.search(rb"type=[\"']?application/(?:rss|atom)\+xml", tag, re.I):
            continue
        href = re.search(rb"href=[\"']([^\"']+)[\"']", tag)
        if not href:
            continue
        url = canonical_url(href.group(1).decode("utf-8", "replace"), base_url)
        if same_site(url, base_url):
            title = re.search(rb"title=[\"']([^\"']*)[\"']", tag)
            is_comments = b"comment" in (title.group(1).lower() if title else b"") or "/comments" in url
            found.setdefault(url, is_comments)
    return sorted(found, key=lambda u: found[u])


def blogger_posts_feed_url(base_url: str, *, start: int = 1, max_results: int = 150) -> str:
    """One page of a Blogger blog's post feed (Atom, full bodies), on the blog's own host."""
    return urljoin(base_url, f"/feeds/posts/default?start-index={start}&max-results={max_results}")


def blogger_comments_feed_url(base_url: str, post_id: str, *, start: int = 1, max_results: int = 500) -> str:
    """One page of the comment feed of Blogger post ``post_id``."""
    return urljoin(base_url, f"/feeds/{post_id}/comments/default?start-index={start}&max-results={max_results}")


def _feed_items(data: bytes, url: str) -> Iterator[tuple[Any, str]]:
    """Yield (feedparser entry, absolute link with fragment) for every linked item of a feed."""
    for entry in feedparser.parse(data).entries:
        link = entry.get("link")
        if link:
            yield entry, urljoin(url, link)


def parse_feed(data: bytes, url: str, base_url: str) -> list[FeedEntry]:
    """Posts of an RSS/Atom feed, newest first, with dates and comment counts."""
    entries = []
    for entry, link in _feed_items(data, url):
        absolute = canonical_url(link)
        if not same_site(absolute, base_url):
            continue
        count = str(entry.get("slash_comments", "")).strip()
        entries.append(
            FeedEntry(
                post_url=absolute,
                published=_parse_lastmod_loose(entry.get("updated") or entry.get("published")),
                comment_count=int(count) if count.isdigit() else None,
            )
        )
    return entries


def comment_feed_urls(base_url: str, page: int = 1) -> list[str]:
    """The site-wide comment feed, in pretty and plain permalink forms."""
    suffix = f"?paged={page}" if page > 1 else ""
    plain = f"?feed=comments-rss2&paged={page}" if page > 1 else "?feed=comments-rss2"
    return [urljoin(base_url, "comments/feed/") + suffix, urljoin(base_url, plain)]


def parse_comment_feed(data: bytes, url: str, base_url: str) -> list[FeedEntry]:
    """Comments of a WordPress comment feed: the post each belongs to and its id."""
    entries = []
    for entry, link in _feed_items(data, url):
        match = re.match(r"comment-(\d+)$", urlsplit(link).fragment)
        post_url = strip_comment_page(canonical_url(link))
        if not same_site(post_url, base_url):
            continue
        entries.append(
            FeedEntry(
                post_url=post_url,
                published=_parse_lastmod_loose(entry.get("published") or entry.get("updated")),
                comment_id=match.group(1) if match else None,
            )
        )
    return entries


def _parse_lastmod_loose(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = dateparser.parse(text)
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def looks_like_post_url(url: str, base_url: str) -> bool:
    """A cheap guess that a same-site URL may be a single post (not a listing or file)."""
    if not same_site(url, base_url):
        return False
    path = urlsplit(url).path
    if path.rstrip("/") == urlsplit(base_url).path.rstrip("/"):
        return "p=" in urlsplit(url).query
    return not _NON_POST_PATH.search(path)


def parse_listing(data: bytes, url: str, base_url: str) -> tuple[list[str], list[str]]:
    """From a home/archive page: (candidate post URLs, further listing pages).

    Listing pages are ``/page/N/`` or ``?paged=N`` pagination and category/
    date archives of the same site.
    """
    try:
        tree = lxml_html.fromstring(data)
    except (etree.ParserError, ValueError):
        return [], []
    posts: dict[str, None] = {}
    listings: dict[str, None] = {}
    for href in tree.xpath("//a/@href"):
        absolute = canonical_url(str(href), url)
        if not same_site(absolute, base_url):
            continue
        path = urlsplit(absolute).path
        query = urlsplit(absolute).query
        if re.search(r"/page/\d+/?$", path) or "paged=" in query:
            listings[absolute] = None
        elif looks_like_post_url(absolute, base_url):
            posts[strip_comment_page(absolute)] = None
    return list(posts), list(listings)


def rest_api_root(html: bytes, base_url: str) -> str | None:
    """The REST API root a WordPress page advertises (``link rel=https://api.w.org/``)."""
    match = re.search(rb"<link[^>]+rel=[\"']https://api\.w\.org/[\"'][^>]*>", html[:200_000], re.I)
    if not match:
        return None
    href = re.search(rb"href=[\"']([^\"']+)[\"']", match.group(0))
    return urljoin(base_url, href.group(1).decode("utf-8", "replace")) if href else None


def rest_url(api_root: str, route: str, params: dict[str, str | int]) -> str:
    """Build a REST URL for ``route`` under ``api_root`` (pretty or ``?rest_route=`` form)."""
    query = urlencode(params)
    if "rest_route=" in api_root:
        root = api_root.split("rest_route=")[0].rstrip("&?")
        sep = "&" if "?" in root else "?"
        return f"{root}{sep}rest_route=/{route.strip('/')}" + (f"&{query}" if query else "")
    return f"{api_root.rstrip('/')}/{route.strip('/')}" + (f"?{query}" if query else "")


@dataclass
class Frontier:
    """A FIFO of post URLs to fetch that never hands out the same URL twice."""

    _queue: deque[PageRef] = field(default_factory=deque)
    _seen: set[str] = field(default_factory=set)

    def add(self, ref: PageRef) -> bool:
        """Queue ``ref`` unless its URL was seen; True when queued."""
        key = canonical_url(ref.url)
        if key in self._seen:
            return False
        self._seen.add(key)
        self._queue.append(ref)
        return True

    def seen(self, url: str) -> bool:
        """True when ``url`` was queued before."""
        return canonical_url(url) in self._seen

    def pop(self) -> PageRef | None:
        """The next ref, or None when empty."""
        return self._queue.popleft() if self._queue else None

    def __len__(self) -> int:
        return len(self._queue)
