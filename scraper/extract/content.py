"""Turn a post-body element into sanitised HTML, plain text and image references.

``clean_body`` removes what is not the author's content (share buttons,
related posts, lazy-load ``<noscript>`` copies, the password form), makes
URLs absolute, promotes lazy-load attributes to ``src``/``srcset``, turns
YouTube/Vimeo iframes into plain links (iframes never survive sanitising),
then reads images, sanitises and renders text. Mutates the element it is
given. Imports lxml, scraper.records and sibling modules only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from scraper.records import ImageRef

from ._html import classes, drop, inner_html
from ._srcset import format_srcset, parse_srcset
from ._urls import absolute
from .images import collect_images, is_content_image
from .sanitize import sanitize_html
from .text import element_text

__all__ = ["Body", "clean_body", "prepare_body"]

_JUNK_CLASSES = frozenset(
    {
        "sharedaddy",
        "sd-sharing-enabled",
        "sd-like",
        "jetpack-likes-widget-wrapper",
        "jp-relatedposts",
        "wpcnt",
        "wordads-ad-wrapper",
        "addtoany_share_save_container",
        "addtoany_content",
        "a2a_kit",
        "yarpp-related",
        "crp_related",
        "ssba",
        "ssba-wrap",
        "share-buttons",
        "social-share",
        "sharethis-inline-share-buttons",
        "heateor_sss_sharing_container",
        "heateor_sssp_sharing_container",
        "shared-counts-wrap",
        "swp_social_panel",
        "saboxplugin-wrap",
        "ez-toc-container",
        "adsbygoogle",
        "post-password-form",
        "wp-block-jetpack-sharing-buttons",
    }
)
_JUNK_IDS = frozenset({"jp-relatedposts", "jp-post-flair", "ez-toc-container"})
_JUNK_TAGS = frozenset({"script", "style", "noscript", "template", "form", "link", "meta"})
_EMOJI_CLASSES = frozenset({"emoji", "wp-smiley"})
_YOUTUBE_ID = re.compile(r"/embed/([A-Za-z0-9_-]{6,})")
_VIMEO_ID = re.compile(r"/video/(\d+)")


@dataclass(frozen=True, slots=True)
class Body:
    """A cleaned post body."""

    html: str  # sanitised
    text: str
    images: list[ImageRef]


def _video_link(src: str) -> str | None:
    """Return a watch URL for a YouTube or Vimeo embed URL, else None."""
    parts = urlsplit(src)
    host = parts.netloc.lower()
    if host.endswith(("youtube.com", "youtube-nocookie.com")):
        match = _YOUTUBE_ID.search(parts.path)
        return f"https://www.youtube.com/watch?v={match.group(1)}" if match else None
    if host == "player.vimeo.com":
        match = _VIMEO_ID.search(parts.path)
        return f"https://vimeo.com/{match.group(1)}" if match else None
    return None


def _replace_iframe(iframe: etree._Element, base: str) -> None:
    src = absolute(iframe.get("src") or iframe.get("data-src") or iframe.get("data-lazy-src"), base)
    watch = _video_link(src) if src else None
    if watch is None:
        drop(iframe)
        return
    link = etree.Element("a", href=watch)
    link.text = iframe.get("title") or watch
    link.tail = iframe.tail
    parent = iframe.getparent()
    if parent is not None:
        parent.replace(iframe, link)


def _fix_image(img: etree._Element, base: str) -> None:
    """Promote lazy-load attributes and make ``src``/``srcset`` absolute."""
    for attr in ("data-lazy-src", "data-src", "data-original"):
        if img.get(attr):
            img.set("src", img.get(attr, ""))
            break
    for attr in ("data-lazy-srcset", "data-srcset"):
        if img.get(attr):
            img.set("srcset", img.get(attr, ""))
            break
    for attr in ("data-lazy-sizes", "data-sizes"):
        if img.get(attr) and img.get(attr) != "auto":
            img.set("sizes", img.get(attr, ""))
            break
    src = absolute(img.get("src"), base)
    if src is not None:
        img.set("src", src)
    srcset = img.get("srcset")
    if srcset:
        pairs = [(absolute(url, base) or url, desc) for url, desc in parse_srcset(srcset)]
        img.set("srcset", format_srcset(pairs))


def _replace_with_text(el: etree._Element, text: str) -> None:
    """Remove ``el`` and put ``text`` (plus its tail) where it stood."""
    parent = el.getparent()
    if parent is None:
        return
    joined = text + (el.tail or "")
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(el)


def prepare_body(body: etree._Element) -> None:
    """Remove non-content elements from ``body`` in place; emoji images become their text."""
    doomed = []
    emoji = []
    for el in body.iter():
        tag = el.tag
        if not isinstance(tag, str):
            doomed.append(el)
        elif tag in _JUNK_TAGS or el.get("id") in _JUNK_IDS:
            doomed.append(el)
        elif el.get("class"):
            tokens = classes(el)
            if not _JUNK_CLASSES.isdisjoint(tokens):
                doomed.append(el)
            elif tag == "img" and not _EMOJI_CLASSES.isdisjoint(tokens):
                emoji.append(el)
    for el in doomed:
        if el.getparent() is not None:
            drop(el)
    for el in emoji:
        _replace_with_text(el, el.get("alt") or "")


def clean_body(
    body: etree._Element,
    base: str,
    *,
    image_start: int = 0,
    seen_images: set[str] | None = None,
    collect: bool = True,
) -> Body:
    """Clean ``body`` in place and return its sanitised HTML, text and images.

    ``base`` resolves relative URLs; ``image_start`` is the position of the
    first body image; ``seen_images`` holds URLs already used (featured image);
    ``collect`` False skips the image list (comments).
    """
    prepare_body(body)
    images = collect_images(body, base, start=image_start, seen=seen_images) if collect else []
    for iframe in list(body.iter("iframe")):
        _replace_iframe(iframe, base)
    for img in list(body.iter("img", "source")):
        _fix_image(img, base)
        if img.tag == "img" and not is_content_image(img):
            drop(img)
    for link in body.iter("a"):
        href = link.get("href")
        if href and not href.startswith("#"):
            resolved = absolute(href, base)
            if resolved is not None:
                link.set("href", resolved)
    for media in body.iter("video", "audio"):
        for attr in ("src", "poster"):
            value = absolute(media.get(attr), base)
            if value is not None:
                media.set(attr, value)
    html = sanitize_html(inner_html(body))
    return Body(html=html, text=element_text(body), images=images)
