"""Read a site's name and description from its home page (pure, no I/O)."""

from __future__ import annotations

import html
import re

__all__ = ["extract_site_info"]

_META = r"<meta[^>]+(?:property|name)=[\"']{name}[\"'][^>]*content=[\"']([^\"']*)[\"']"


def _first(pattern: str, text: str) -> str | None:
    match = re.search(pattern, text, re.I | re.S)
    if not match:
        return None
    value = html.unescape(re.sub(r"\s+", " ", match.group(1))).strip()
    return value or None


def extract_site_info(page: bytes) -> tuple[str | None, str | None]:
    """Return (name, description) of a site from its home page HTML.

    The name comes from ``og:site_name``, else the ``<title>`` (with a
    " – tagline" suffix removed); either may be None.
    """
    head = page[:100_000].decode("utf-8", "replace")
    name = _first(_META.format(name="og:site_name"), head)
    if name is None:
        title = _first(r"<title[^>]*>(.*?)</title>", head)
        if title:
            name = re.split(r"\s+[–—|-]\s+", title)[0].strip() or title
    description = _first(_META.format(name="description"), head) or _first(
        _META.format(name="og:description"), head
    )
    return name, description
