"""URL helpers: validating seeds, canonical forms, and which URLs belong to a site.

Imports only the standard library and ``scraper.errors``.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scraper.errors import UsageError

__all__ = [
    "canonical_url",
    "host_key",
    "is_private_address",
    "normalize_seed",
    "politeness_key",
    "same_site",
    "site_root",
    "strip_comment_page",
]

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|replytocom|share|amp)$", re.I)
_COMMENT_PAGE = re.compile(r"/comment-page-\d+/?$")


def normalize_seed(url: str) -> str:
    """Turn what a user typed into an absolute http(s) URL.

    ``example.blog`` becomes ``https://example.blog/``.

    :raises UsageError: for anything that is not a usable web address.
    """
    text = url.strip()
    if not text:
        raise UsageError("empty URL: give a blog address such as https://example-fitness.blog/")
    if "://" not in text:
        if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I) and not re.match(r"^[^:/]+:\d+", text):
            raise UsageError(f"not a web address: {url!r} (only http and https are supported)")
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL"
        raise UsageError(f"not a web address: {url!r} ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise UsageError(f"not a web address: {url!r} (only http and https are supported)")
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"not a web address: {url!r} (bad port)") from None
    host = parts.hostname or ""
    if not host or not re.match(r"^[a-z0-9.\-_\[\]:]+$", host, re.I) or (
        "." not in host and host != "localhost" and ":" not in host
    ):
        raise UsageError(f"not a web address: {url!r} (no valid host name)")
    netloc = host if port is None else f"{host}:{port}"
    if ":" in host:
        netloc = f"[{host}]" if port is None else f"[{host}]:{port}"
    return urlunsplit((parts.scheme, netloc.lower(), parts.path or "/", parts.query, ""))


def site_root(url: str) -> str:
    """The site's base URL: scheme, host and the path up to the last slash.

    A blog installed in a subfolder keeps that folder (``/blog/``).
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/"):
        path = path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute URL without fragment, tracking parameters or default port."""
    absolute = urljoin(base, url) if base else url
    parts = urlsplit(absolute)
    netloc = parts.netloc.lower()
    if (parts.scheme == "http" and netloc.endswith(":80")) or (
        parts.scheme == "https" and netloc.endswith(":443")
    ):
        netloc = netloc.rsplit(":", 1)[0]
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def strip_comment_page(url: str) -> str:
    """Drop a ``/comment-page-N/`` suffix or ``cpage`` parameter from a post URL."""
    parts = urlsplit(url)
    path = _COMMENT_PAGE.sub("/", parts.path)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "cpage"])
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def host_key(url: str) -> str:
    """The politeness key of a URL: its host (lowercase, port included)."""
    return urlsplit(url).netloc.lower()


def politeness_key(url: str) -> str:
    """The key requests are paced by: the host (lowercase, port kept) with a leading ``www.`` folded."""
    key = host_key(url)
    return key[4:] if key.startswith("www.") else key


def same_site(url: str, base_url: str) -> bool:
    """True when ``url`` is on the site rooted at ``base_url`` (same host, under its path)."""
    target, base = urlsplit(url), urlsplit(base_url)
    if target.scheme not in ("http", "https"):
        return False
    if target.netloc.lower() != base.netloc.lower():
        return False
    return target.path.startswith(base.path.rstrip("/") + "/") or target.path == base.path.rstrip("/")


def is_private_address(host: str) -> bool:
    """True for literal IPs outside the public internet (not loopback): private,
    link-local (cloud metadata), shared/CGNAT, reserved or multicast ranges."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if address.is_loopback:
        return False
    return (address.is_private or address.is_link_local or address.is_reserved or address.is_multicast
            or not address.is_global)
