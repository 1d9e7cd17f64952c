"""Tell which blogging platform produced a page, from cheap byte-level signals.

``detect_platform`` tries each registered detector in order and returns the
first platform that claims the page, else "generic". A detector is a
function ``(html, url, headers) -> bool``. Signals: the generator meta
(WordPress, ``blogger``, ``Ghost 5.x``, Squarespace, Wix), then each
platform's own markers (Blogger's ``/feeds/posts/default`` and ``blogId``,
Ghost's Portal script and ``/content/images/size/``, Squarespace's page
comment and CDN hosts), then WordPress's REST link, assets and body classes.
Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

__all__ = [
    "DETECTORS",
    "PLATFORMS",
    "Detector",
    "detect_platform",
    "looks_like_blogger",
    "looks_like_ghost",
    "looks_like_squarespace",
    "looks_like_wix",
    "looks_like_wordpress",
]

PLATFORMS = ("wordpress", "blogger", "ghost", "squarespace", "wix", "generic")

Detector = Callable[[bytes, str, Mapping[str, str]], bool]

_WP_GENERATOR = re.compile(
    rb"<meta[^>]+name=[\"']?generator[\"']?[^>]+content=[\"']?WordPress", re.IGNORECASE
)
_WP_GENERATOR_REVERSED = re.compile(
    rb"<meta[^>]+content=[\"']?WordPress[^>]+name=[\"']?generator", re.IGNORECASE
)
_WP_API_LINK = re.compile(rb"rel=[\"']?https://api\.w\.org/", re.IGNORECASE)
_WP_ASSET = re.compile(
    rb"(?:src|href|srcset)=[\"']?[^\"'>]*/wp-(?:content|includes)/", re.IGNORECASE
)
_WP_BODY = re.compile(
    rb"<body[^>]+class=[\"'][^\"']*\b(?:postid-\d+|page-id-\d+|wp-embed-responsive|wp-theme-[\w-]+"
    rb"|page-template-default|post-template-default)\b",
    re.IGNORECASE,
)


def looks_like_wordpress(html: bytes, url: str, headers: Mapping[str, str]) -> bool:
    """True on a WordPress generator meta, REST discovery link, wp asset path or body class."""
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == "link" and "api.w.org" in value:
            return True
        if lowered == "x-pingback" and value.rstrip("/").endswith("xmlrpc.php"):
            return True
    head = html[:200_000]
    return bool(
        _WP_GENERATOR.search(head)
        or _WP_GENERATOR_REVERSED.search(head)
        or _WP_API_LINK.search(head)
        or _WP_ASSET.search(head)
        or _WP_BODY.search(head)
    )


def _generator(head: bytes) -> bytes:
    """The content of ``<meta name="generator">``, lower-cased (b"" when absent)."""
    end = head.find(b"</head")
    if end != -1:
        head = head[:end]  # the meta belongs in <head>; a big page's body need not be scanned
    for match in _GENERATOR_META.finditer(head):
        tag = match.group(0)
        content = _CONTENT_ATTR.search(tag)
        if content:
            return content.group(1).lower()
    return b""


_GENERATOR_META = re.compile(rb"<meta\b[^>]*\bname=[\"']?generator[\"']?[^>]*>", re.IGNORECASE)
_CONTENT_ATTR = re.compile(rb"\bcontent=[\"']([^\"']*)[\"']", re.IGNORECASE)
_BLOGGER_MARKS = re.compile(
    rb"(?:www\.blogger\.com/feeds/\d+|itemprop=[\"']blogId[\"']|b:skin|blogger\.com/static/v1/"
    rb"|/feeds/posts/default)",
    re.IGNORECASE,
)
_GHOST_MARKS = re.compile(
    rb"(?:<script[^>]+data-ghost=|/ghost/api/content/|ghost-(?:portal|search)|"
    rb"/content/images/size/w\d+/)",
    re.IGNORECASE,
)
_SQUARESPACE_MARKS = re.compile(
    rb"(?:<!-- This is Squarespace\. -->|static1\.squarespace\.com|Static\.SQUARESPACE_CONTEXT"
    rb"|images\.squarespace-cdn\.com)",
    re.IGNORECASE,
)
_WIX_MARKS = re.compile(rb"(?:static\.wixstatic\.com|static\.parastorage\.com)", re.IGNORECASE)


def looks_like_blogger(html: bytes, url: str, headers: Mapping[str, str]) -> bool:
    """True on Blogger's generator meta, its feed links or blogspot hosting."""
    head = html[:200_000]
    if _generator(head) == b"blogger" or ".blogspot." in url:
        return True
    return len(_BLOGGER_MARKS.findall(head)) >= 2


def looks_like_ghost(html: bytes, url: str, headers: Mapping[str, str]) -> bool:
    """True on a ``Ghost x.y`` generator meta or Ghost's Portal/Content API markers."""
    if any(name.lower() == "x-ghost-cache-status" for name in headers):
        return True
    head = html[:200_000]
    return _generator(head).startswith(b"ghost") or bool(_GHOST_MARKS.search(head))


def looks_like_squarespace(html: bytes, url: str, headers: Mapping[str, str]) -> bool:
    """True on Squarespace's page comment, static asset hosts or context script."""
    head = html[:300_000]
    return _generator(head).startswith(b"squarespace") or bool(_SQUARESPACE_MARKS.search(head))


def looks_like_wix(html: bytes, url: str, headers: Mapping[str, str]) -> bool:
    """True on Wix's generator meta or its static hosts."""
    head = html[:300_000]
    return _generator(head).startswith(b"wix") or bool(_WIX_MARKS.search(head))


def _generator_says_wordpress(html: bytes, url: str, headers: Mapping[str, str]) -> bool:
    return _generator(html[:200_000]).startswith(b"wordpress")


# Unambiguous signals first (a generator meta, a platform's own markers), so that a
# Blogger post hot-linking a /wp-content/ image is not taken for WordPress.
DETECTORS: list[tuple[str, Detector]] = [
    ("wordpress", _generator_says_wordpress),
    ("blogger", looks_like_blogger),
    ("ghost", looks_like_ghost),
    ("squarespace", looks_like_squarespace),
    ("wix", looks_like_wix),
    ("wordpress", looks_like_wordpress),
]


def detect_platform(html: bytes, url: str, headers: Mapping[str, str] | None = None) -> str:
    """Return the platform that produced the page (one of ``PLATFORMS``), else "generic"."""
    for platform, detector in DETECTORS:
        if detector(html, url, headers or {}):
            return platform
    return "generic"
