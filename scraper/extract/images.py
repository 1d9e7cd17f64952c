"""Find the images of a post body: largest rendition, caption, heading, role.

``collect_images`` walks a post body in document order. For each ``<img>`` it
picks the largest rendition the markup offers, in this order of preference:
a wrapping ``<a href>`` to the original file of the same base name (the
``-WxH`` suffix removed; ``-scaled`` originals count), Jetpack's
``data-orig-file``, the widest ``srcset`` / ``data-srcset`` /
``data-lazy-srcset`` candidate, then ``data-lazy-src`` / ``data-src`` /
``src``. Emoji, avatars, tracking pixels and ``data:`` URIs are skipped. An
image used twice in one post is two placements, each with its own position,
caption and heading. ``place_featured`` merges the featured image with the
body's: when it is also in the body, the body placement is kept and marked
``is_featured``. Never downloads. Imports lxml and scraper.records only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from lxml import etree

from scraper.records import ImageRef

from ._html import classes, squash, text_of
from ._srcset import parse_srcset
from ._urls import absolute, is_http

__all__ = [
    "ImageChoice",
    "choose_rendition",
    "collect_images",
    "image_ref",
    "image_stem",
    "is_content_image",
    "place_featured",
    "same_image_file",
]

ImageChoice = tuple[str, int | None, int | None]

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_GALLERY_CLASSES = frozenset(
    {
        "wp-block-gallery",
        "gallery",
        "blocks-gallery-grid",
        "tiled-gallery",
        "wp-block-jetpack-tiled-gallery",
        "wp-block-jetpack-slideshow",
        "ngg-galleryoverview",  # NextGEN Gallery
        "envira-gallery-wrap",  # Envira Gallery
        "foogallery",  # FooGallery
    }
)
_CAPTION_HOLDERS = frozenset(
    {"wp-caption", "gallery-item", "blocks-gallery-item", "wp-block-image", "tiled-gallery-item"}
)
_CAPTION_CLASSES = frozenset(
    {"wp-caption-text", "gallery-caption", "wp-element-caption", "blocks-gallery-item__caption"}
)
_SKIP_CLASSES = frozenset({"emoji", "wp-smiley", "avatar", "avatar-default"})
_SKIP_HOSTS = (
    "s.w.org",
    "pixel.wp.com",
    "stats.wp.com",
    "www.facebook.com",
    "www.google-analytics.com",
    "gravatar.com",  # avatars: their URL embeds a hash of the commenter's e-mail address
)
_SIZE_SUFFIX = re.compile(r"-\d+x\d+$")
_ORIGINAL_SUFFIX = re.compile(r"-(?:scaled|rotated)$")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?|heic)$", re.IGNORECASE)
_UNUSABLE = ("data:", "about:", "javascript:")
_LAZY_SRC = ("data-lazy-src", "data-src", "data-original", "data-orig-src", "src")
_LAZY_SRCSET = ("data-lazy-srcset", "data-srcset", "srcset")


def _int(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip().removesuffix("px")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _base_name(url: str, *, strip_size: bool) -> str:
    """Return the file name without extension and ``-scaled``; optionally one ``-WxH`` too.

    With ``strip_size``, NextGEN's ``thumbs/thumbs_`` prefix goes as well.
    """
    directory, _, name = urlsplit(url).path.rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if strip_size:
        stem = _SIZE_SUFFIX.sub("", stem)
        if directory.endswith("/thumbs"):
            stem = stem.removeprefix("thumbs_")
    return _ORIGINAL_SUFFIX.sub("", stem).lower()


def image_stem(url: str) -> str:
    """Return an image file's base name without size/``-scaled`` suffix, lower-cased."""
    return _base_name(url, strip_size=True)


def _usable(url: str | None) -> bool:
    """True for a non-empty URL that is not data:, about: or javascript:."""
    return url is not None and url != "" and not url.lower().startswith(_UNUSABLE)


def _linked_original(img: etree._Element, base: str, reference: str) -> str | None:
    """Return the wrapping link's URL when it is the original of ``reference``."""
    parent = img.getparent()
    for _ in range(2):
        if parent is None:
            return None
        if parent.tag == "a":
            href = absolute(parent.get("href"), base)
            if href and is_http(href) and _IMAGE_FILE.search(urlsplit(href).path):
                original = _base_name(href, strip_size=False)
                if original in (
                    _base_name(reference, strip_size=True),
                    _base_name(reference, strip_size=False),
                ):
                    return href
            return None
        parent = parent.getparent()
    return None


def choose_rendition(img: etree._Element, base: str) -> ImageChoice | None:
    """Return (absolute URL, width, height) of the largest rendition of ``img``, or None."""
    attr_w, attr_h = _int(img.get("width")), _int(img.get("height"))
    ratio = attr_h / attr_w if attr_w and attr_h else None

    widths: dict[str, int] = {}
    best: tuple[float, str] | None = None
    for attr in _LAZY_SRCSET:
        for raw, desc in parse_srcset(img.get(attr)):
            url = absolute(raw, base)
            if not _usable(url) or url is None:
                continue
            score = 0.0
            if desc.endswith("w") and desc[:-1].isdigit():
                score = float(desc[:-1])
                widths.setdefault(url, int(desc[:-1]))
            elif desc.endswith("x"):
                try:
                    score = float(desc[:-1]) * (attr_w or 1)
                except ValueError:
                    score = 0.0
            if best is None or score > best[0]:
                best = (score, url)

    plain = None
    for attr in _LAZY_SRC:
        candidate = absolute(img.get(attr), base)
        if _usable(candidate):
            plain = candidate
            break
    if plain and attr_w and (best is None or attr_w > best[0]):
        widths.setdefault(plain, attr_w)
        best = (float(attr_w), plain)

    reference = plain or (best[1] if best else None)
    if reference is None:
        return None
    original = _linked_original(img, base, reference)
    if original is None:
        jetpack = absolute(img.get("data-orig-file"), base)
        if _usable(jetpack) and jetpack is not None:
            original = jetpack
            size = (img.get("data-orig-size") or "").split(",")
            if len(size) == 2 and _int(size[0]) and _int(size[1]):
                return jetpack, _int(size[0]), _int(size[1])
    if original is not None:
        width = widths.get(original)
        return original, width, _scaled(width, ratio)
    url = best[1] if best else reference
    width = widths.get(url)
    if width is not None and width == attr_w and url == plain:
        return url, attr_w, attr_h
    return url, width, _scaled(width, ratio)


def _scaled(width: int | None, ratio: float | None) -> int | None:
    return round(width * ratio) if width and ratio else None


def _skipped(img: etree._Element, url: str) -> bool:
    """True for emoji, avatars, tracking pixels and stats beacons."""
    if not _SKIP_CLASSES.isdisjoint(classes(img)):
        return True
    host = urlsplit(url).netloc.lower()
    if host.endswith(_SKIP_HOSTS) or "/images/core/emoji/" in url or "/avatar/" in url:
        return True
    width, height = _int(img.get("width")), _int(img.get("height"))
    return width is not None and height is not None and width <= 2 and height <= 2


def is_content_image(img: etree._Element) -> bool:
    """False for images with no usable source and for tracking pixels, emoji and avatars."""
    src = img.get("src")
    if not _usable(src) or src is None:
        return False
    return not _skipped(img, src)


def _own_caption(node: etree._Element) -> str | None:
    """Return the caption a figure-like ``node`` prints for its own image, or None."""
    for child in node:
        if child.tag == "figcaption" or not _CAPTION_CLASSES.isdisjoint(classes(child)):
            caption = squash(text_of(child))
            if caption:
                return caption
    return None


def _caption_and_role(img: etree._Element, stop: etree._Element | None) -> tuple[str | None, bool]:
    """Return (caption text, inside a gallery) by walking up from ``img`` to ``stop``.

    The caption is the nearest figure's (or caption holder's) own; a gallery's
    caption describes the whole gallery and is never given to one of its images.
    """
    caption: str | None = None
    looking = True
    in_gallery = False
    node = img.getparent()
    while node is not None and node is not stop:
        cls = classes(node)
        is_gallery = not _GALLERY_CLASSES.isdisjoint(cls)
        if is_gallery:
            in_gallery = True
            looking = False
        if looking and (node.tag in ("figure", "dl") or not _CAPTION_HOLDERS.isdisjoint(cls)):
            caption = _own_caption(node)
            looking = False
        node = node.getparent()
    if stop is not None and node is stop and not _GALLERY_CLASSES.isdisjoint(classes(stop)):
        in_gallery = True
    return caption, in_gallery


def image_ref(
    img: etree._Element,
    base: str,
    *,
    position: int,
    role: str | None = None,
    heading: str | None = None,
    stop: etree._Element | None = None,
) -> ImageRef | None:
    """Build one ImageRef for ``img`` or None when it is not a content image.

    ``role`` None means "body" or "gallery" as the markup says; ``stop`` bounds
    the walk up for captions and galleries (the post body element).
    """
    choice = choose_rendition(img, base)
    if choice is None or not is_http(choice[0]) or _skipped(img, choice[0]):
        return None
    url, width, height = choice
    caption, in_gallery = _caption_and_role(img, stop)
    return ImageRef(
        url=url,
        position=position,
        role=role or ("gallery" if in_gallery else "body"),
        alt=squash(img.get("alt")) or None,
        caption=caption,
        heading=heading,
        width=width,
        height=height,
    )


def collect_images(
    body: etree._Element, base: str, *, start: int = 0, seen: set[str] | None = None
) -> list[ImageRef]:
    """Return the body's images in document order, positions counting from ``start``.

    Every ``<img>`` is one placement, also when the same file is shown twice.
    ``seen`` holds URLs the caller wants left out; it is not changed.
    """
    skip = seen or set()
    found: list[ImageRef] = []
    heading: str | None = None
    for el in body.iter(*_HEADINGS, "img"):
        if el.tag != "img":
            heading = squash(text_of(el)) or heading
            continue
        ref = image_ref(el, base, position=start + len(found), heading=heading, stop=body)
        if ref is None or ref.url in skip:
            continue
        found.append(ref)
    return found


def _file_key(url: str) -> tuple[tuple[str, ...], str]:
    """Return (last folders of the path, base name without size suffix) of an image URL."""
    directory = urlsplit(url).path.rpartition("/")[0]
    folders = tuple(part for part in directory.lower().split("/") if part)[-3:]
    return folders, image_stem(url)


def same_image_file(a: str, b: str) -> bool:
    """True when two image URLs are renditions of one uploaded file.

    Equal URLs, or the same folder and base name once ``-WxH`` / ``-scaled``
    suffixes are removed (hosts are ignored: CDNs serve the same upload path).
    """
    return a == b or _file_key(a) == _file_key(b)


def place_featured(featured: ImageRef | None, body: Sequence[ImageRef]) -> tuple[ImageRef, ...]:
    """Return a post's images, featured and body, with positions 0, 1, ... in order.

    When the featured image is also in the body, its first body placement is
    kept (position, heading, caption, role) and marked ``is_featured``; its alt
    text falls back to the featured image's. Otherwise the featured image comes
    first, as its own placement with role "featured" (which says it is featured).
    """
    if featured is None:
        return tuple(replace(ref, position=n) for n, ref in enumerate(body))
    for index, ref in enumerate(body):
        if same_image_file(ref.url, featured.url):
            marked = replace(ref, is_featured=True, alt=ref.alt or featured.alt)
            images = [*body[:index], marked, *body[index + 1:]]
            return tuple(replace(r, position=n) for n, r in enumerate(images))
    lead = replace(featured, position=0, role="featured")
    return (lead, *(replace(ref, position=n) for n, ref in enumerate(body, start=1)))
