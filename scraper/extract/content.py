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

from ._html import drop, inner_html
from ._srcset import format_srcset, parse_srcset
from ._urls import absolute
from .images import collect_images, is_content_image
from .sanitize import sanitize_html
from .text import text_from_sanitized

__all__ = ["Body", "clean_body", "finish_many", "prepare_body", "serialize_body"]

_JUNK_CLASSES = frozenset(
    {
        "page-links",  # "Pages: 1 2 3" of a post split with <!--nextpage-->
        "post-nav-links",
        "wp-link-pages",
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
_SEPARATOR = "\ue010"  # private use: splits a batch of fragments after sanitising
_SEPARATOR_P = f"<p>{_SEPARATOR}</p>"


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


@dataclass
class _Found:
    """Elements of a body that need rewriting, found in one walk."""

    images: list[etree._Element]
    links: list[etree._Element]
    iframes: list[etree._Element]
    media: list[etree._Element]


def prepare_body(body: etree._Element) -> _Found:
    """Remove non-content elements from ``body`` in place; emoji images become their text.

    Returns the images, links, iframes and media elements met on the way.
    """
    doomed = []
    emoji = []
    found = _Found(images=[], links=[], iframes=[], media=[])
    for el in body.iter():
        tag = el.tag
        if not isinstance(tag, str) or tag in _JUNK_TAGS:
            doomed.append(el)
            continue
        cls = el.get("class")
        if cls:
            tokens = cls.split()
            if not _JUNK_CLASSES.isdisjoint(tokens):
                doomed.append(el)
                continue
            if tag == "img" and not _EMOJI_CLASSES.isdisjoint(tokens):
                emoji.append(el)
                continue
        if tag == "a":
            found.links.append(el)
        elif tag == "img" or tag == "source":
            found.images.append(el)
        elif tag == "iframe":
            found.iframes.append(el)
        elif tag == "video" or tag == "audio":
            found.media.append(el)
        elif el.get("id") in _JUNK_IDS:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            drop(el)
    for el in emoji:
        _replace_with_text(el, el.get("alt") or "")
    return found


_CONTACT_SCHEMES = ("mailto:", "tel:", "sms:", "callto:")


def _unwrap_contact_links(links: list[etree._Element]) -> list[etree._Element]:
    """Replace e-mail and phone links by their text; return the other links.

    Used for comments: a commenter's address or number is never published.
    """
    kept = []
    for link in links:
        if (link.get("href") or "").strip().lower().startswith(_CONTACT_SCHEMES):
            _strip_tag(link)
        else:
            kept.append(link)
    return kept


def _strip_tag(el: etree._Element) -> None:
    """Remove ``el`` but keep its text and children in place."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    children = list(el)
    text = el.text or ""
    tail = el.tail or ""
    if index > 0:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else None
    parent.remove(el)
    if last is not None:
        last.tail = (last.tail or "") + tail
    elif index > 0:
        parent[index - 1].tail = (parent[index - 1].tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def serialize_body(
    body: etree._Element,
    base: str,
    *,
    image_start: int = 0,
    seen_images: set[str] | None = None,
    collect: bool = True,
) -> tuple[str, list[ImageRef]]:
    """Clean ``body`` in place; return its inner HTML (not yet sanitised) and images.

    ``base`` resolves relative URLs; ``image_start`` is the position of the
    first body image; ``seen_images`` holds URLs already used (featured image);
    ``collect`` False skips the image list and unwraps ``mailto:`` / ``tel:``
    links to their text (comments: commenters' addresses are never published).
    """
    found = prepare_body(body)
    images = collect_images(body, base, start=image_start, seen=seen_images) if collect else []
    if not collect:
        found.links = _unwrap_contact_links(found.links)
    for iframe in found.iframes:
        _replace_iframe(iframe, base)
    for img in found.images:
        _fix_image(img, base)
        if img.tag == "img" and not is_content_image(img) and img.getparent() is not None:
            drop(img)
    for link in found.links:
        href = link.get("href")
        if href and not href.startswith("#"):
            resolved = absolute(href, base)
            if resolved is not None and resolved != href:
                link.set("href", resolved)
    for media in found.media:
        for attr in ("src", "poster"):
            value = absolute(media.get(attr), base)
            if value is not None:
                media.set(attr, value)
    return inner_html(body), images


def clean_body(
    body: etree._Element,
    base: str,
    *,
    image_start: int = 0,
    seen_images: set[str] | None = None,
    collect: bool = True,
) -> Body:
    """Clean ``body`` in place and return its sanitised HTML, text and images.

    Arguments as for ``serialize_body``.
    """
    raw, images = serialize_body(
        body, base, image_start=image_start, seen_images=seen_images, collect=collect
    )
    html = sanitize_html(raw)
    return Body(html=html, text=text_from_sanitized(html), images=images)


def finish_many(raw: list[str]) -> list[tuple[str, str]]:
    """Sanitise many serialised fragments and render their text, in one nh3 call.

    Returns (sanitised HTML, text) per fragment, as ``sanitize_html`` and
    ``text_from_sanitized`` would one by one; long comment threads pay the
    per-call costs once.
    """
    if len(raw) < 2:
        return [_finish_one(fragment) for fragment in raw]
    joined = _SEPARATOR_P.join(fragment.replace(_SEPARATOR, "") for fragment in raw)
    html = sanitize_html(joined)
    pieces = html.split(_SEPARATOR_P)
    if len(pieces) != len(raw):  # the parser moved a separator: do them one by one
        return [_finish_one(fragment) for fragment in raw]
    texts = text_from_sanitized(html).split(_SEPARATOR)
    if len(texts) != len(raw):
        texts = [text_from_sanitized(piece.strip()) for piece in pieces]
    return [(piece.strip(), text.strip()) for piece, text in zip(pieces, texts)]


def _finish_one(fragment: str) -> tuple[str, str]:
    html = sanitize_html(fragment)
    return html, text_from_sanitized(html)
