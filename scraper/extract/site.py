"""Read a blog's name and tagline from its home page.

Name: ``og:site_name``, the theme's site title (``.site-title``,
``.wp-block-site-title``), JSON-LD ``WebSite.name``, the RSS feed link title
("Name » Feed"), then ``<title>`` up to its separator. Tagline: the theme's
``.site-description`` / ``.wp-block-site-tagline``, then meta description.
Imports lxml and sibling helpers only.
"""

from __future__ import annotations

import re

from lxml import etree

from ._html import head_meta, parse_html, squash, text_of
from .postmeta import JsonLd

__all__ = ["extract_site_info"]

_SITE_TITLE = etree.XPath(
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' site-title ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' wp-block-site-title ')]"
)
_TAGLINE = etree.XPath(
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' site-description ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' wp-block-site-tagline ')]"
)
_FEED_TITLE = etree.XPath("//head/link[@rel='alternate'][@type='application/rss+xml']/@title")
_FEED_SUFFIX = re.compile(r"\s*(?:»|&raquo;|-|–)\s*(?:Feed|RSS|Comments Feed)\s*$", re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s+[–—|·-]\s+")


def _first_text(elements: list[etree._Element]) -> str | None:
    for el in elements:
        text = squash(text_of(el))
        if text:
            return text
    return None


def extract_site_info(html: bytes, content_type: str = "") -> tuple[str | None, str | None]:
    """Return (site name, tagline) from a home page; None where not found."""
    root = parse_html(html, content_type)
    meta = head_meta(root)
    name = meta.get("og:site_name") or _first_text(_SITE_TITLE(root))
    if not name:
        for obj in JsonLd(root).objects():
            if obj.get("@type") == "WebSite" and isinstance(obj.get("name"), str):
                name = obj["name"].strip() or None
                break
    if not name:
        for title in _FEED_TITLE(root):
            if "Comments" not in str(title):
                name = _FEED_SUFFIX.sub("", str(title)).strip() or None
                break
    if not name:
        head_title = root.find("head/title")
        text = squash(text_of(head_title)) if head_title is not None else ""
        name = _TITLE_SEPARATOR.split(text, maxsplit=1)[0] or None if text else None
    tagline = _first_text(_TAGLINE(root)) or meta.get("description") or meta.get("og:description")
    return name, tagline
