"""Tell which blogging platform produced a page, from cheap byte-level signals.

``detect_platform`` tries each registered detector in order and returns the
first platform that claims the page, else "generic". A detector is a
function ``(html, url, headers) -> bool``; add Blogger, Ghost, ... by
appending to ``DETECTORS``. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

__all__ = ["DETECTORS", "Detector", "detect_platform", "looks_like_wordpress"]

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


DETECTORS: list[tuple[str, Detector]] = [("wordpress", looks_like_wordpress)]


def detect_platform(html: bytes, url: str, headers: dict[str, str] | None = None) -> str:
    """Return "wordpress" or another registered platform name, else "generic"."""
    for platform, detector in DETECTORS:
        if detector(html, url, headers or {}):
            return platform
    return "generic"
