"""Sanitise post and comment HTML for storage and display (nh3 / ammonia).

Kept: headings, paragraphs, lists, tables, quotes, code, figures with
captions, images (src/srcset/alt/width/height) and links. Only http, https and
mailto URLs (or relative ones) survive; every link gets
``rel="nofollow noopener"``. Dropped with their content: script, style,
iframe, object, forms, svg. Dropped but their text kept: every other tag.
No ``style``, ``class`` or event-handler attribute survives.
Imports nh3 only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import nh3

from ._srcset import format_srcset, parse_srcset

__all__ = ["ALLOWED_TAGS", "DROPPED_WITH_CONTENT", "sanitize_html"]

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
        "picture", "pre", "q", "s", "small", "source", "span", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
        "video", "audio",
    }
)  # fmt: skip

DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "noscript", "template", "form",
        "button", "select", "textarea", "input", "svg", "math", "canvas", "frame",
        "frameset", "applet", "head", "title", "dialog", "meta", "link",
    }
)  # fmt: skip

_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "srcset", "sizes", "alt", "title", "width", "height", "loading"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "video": {"src", "poster", "controls", "width", "height"},
    "audio": {"src", "controls"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
_SAFE_SCHEMES = ("http://", "https://")


def _safe_srcset(value: str) -> str | None:
    """Keep only srcset candidates whose URL is http(s) or relative."""
    kept = [
        (url, desc)
        for url, desc in parse_srcset(value)
        if url.lower().startswith(_SAFE_SCHEMES) or ":" not in url.split("/", 1)[0]
    ]
    return format_srcset(kept) or None


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "srcset":
        return _safe_srcset(value)
    return value


def _make_cleaner() -> Callable[[str], str]:
    options: dict[str, Any] = {
        "tags": set(ALLOWED_TAGS),
        "clean_content_tags": set(DROPPED_WITH_CONTENT),
        "attributes": _ATTRIBUTES,
        "attribute_filter": _filter_attribute,
        "url_schemes": {"http", "https", "mailto"},
        "link_rel": "nofollow noopener",
        "strip_comments": True,
    }
    cleaner_type = getattr(nh3, "Cleaner", None)
    if cleaner_type is not None:
        clean: Callable[[str], str] = cleaner_type(**options).clean
        return clean
    return lambda html: nh3.clean(html, **options)


_clean = _make_cleaner()


def sanitize_html(html: str) -> str:
    """Return ``html`` with everything unsafe or presentational removed.

    Relative URLs pass through unchanged; extractors make them absolute first.
    """
    if not html or not html.strip():
        return ""
    return _clean(html).strip()
