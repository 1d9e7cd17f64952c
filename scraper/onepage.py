"""One page for ``fitarchive extract``: fetch a URL politely or read a file, then extract it.

A URL goes through the project's ``Fetcher`` (robots.txt obeyed, the
User-Agent and timeouts of ``Settings``, redirects on the same site, size
cap). A file is read from disk; its address is ``--url`` when given, else
its ``file://`` URI (relative links then resolve against the file). Nothing
is written anywhere. Imports fetch, extract and the leaf modules.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scraper.config import Settings
from scraper.errors import ExtractError, FetchError, RobotsDisallowed, UnreachableError, UsageError
from scraper.extract import Article, article
from scraper.fetch import Fetcher
from scraper.urls import host_key

__all__ = ["Page", "extract_page", "is_url", "load_page", "looks_like_html"]

_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|title|meta|p|div|article|main|section|h[1-6]|table|ul)\b",
    re.IGNORECASE,
)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class Page:
    """A page's bytes and where they came from."""

    source: str  # what the user named: a URL or a file path
    url: str  # the page's address (final URL after redirects, --url, or file://)
    content: bytes
    content_type: str = ""


def is_url(source: str) -> bool:
    """True when ``source`` names an http(s) URL rather than a file."""
    return urlsplit(source).scheme in ("http", "https")


def looks_like_html(content: bytes, content_type: str = "") -> bool:
    """True for an HTML document: an HTML media type, or markup near the start and no binary."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media not in _HTML_TYPES:
        return False
    head = content[:65536]
    return b"\x00" not in head[:4096] and _HTML_START.search(head) is not None


def load_page(source: str, *, url: str | None = None, settings: Settings | None = None) -> Page:
    """Fetch ``source`` (an http(s) URL) or read it (a file).

    :raises UsageError: ``--url`` given for a URL, or a ``--url`` that is not http(s).
    :raises FetchError: the file cannot be read, or the URL not fetched
        (``UnreachableError``: no answer; ``RobotsDisallowed``: robots.txt forbids it).
    """
    if url is not None and not is_url(url):
        raise UsageError(f"--url {url!r}: not an http(s) URL")
    if is_url(source):
        if url is not None:
            raise UsageError(f"--url is for files; {source} is fetched from its own address")
        return asyncio.run(_fetch(source, settings or Settings()))
    path = Path(source)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise FetchError(
            f"{source}: cannot read the file ({exc.strerror or exc})", url=source
        ) from None
    return Page(source=source, url=url or path.resolve().as_uri(), content=content)


async def _fetch(url: str, settings: Settings) -> Page:
    host = host_key(url)
    async with Fetcher(settings, allowed_hosts={host}, site_host=host) as fetcher:
        fetched = await fetcher.fetch(url)
    if fetched.robots_disallowed:
        raise RobotsDisallowed(f"{url}: robots.txt disallows fetching this page", url=url)
    if fetched.status == 0:
        raise UnreachableError(f"{url}: cannot reach the site ({fetched.error})", url=url)
    if not fetched.ok:
        reason = fetched.error or f"HTTP {fetched.status}"
        raise FetchError(f"{url}: {reason}", url=url, status=fetched.status)
    return Page(
        source=url,
        url=fetched.final_url,
        content=fetched.content,
        content_type=fetched.content_type,
    )


def extract_page(page: Page) -> Article:
    """Extract the article of ``page``.

    :raises ExtractError: the content is not an HTML document.
    """
    if not looks_like_html(page.content, page.content_type):
        kind = page.content_type.split(";", 1)[0].strip() or "no HTML markup"
        raise ExtractError(f"{page.source}: not an HTML page ({kind})", url=page.url)
    return article(page.content, page.url, content_type=page.content_type)
