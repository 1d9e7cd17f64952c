"""Find a post's featured image, which themes print outside the post body.

Looked for inside the post's article first, then anywhere outside page
chrome: images in ``.wp-block-post-featured-image``, ``.post-thumbnail``,
``.featured-media`` (and a few theme variants), or ``img.wp-post-image``. As
a last resort og:image is used, but only when it is a ``/wp-content/uploads/``
file, not a site icon or logo (``cropped-*``), and not one of the body images
in another size, because SEO plugins fall back to the first body image or the
site logo. Imports lxml, scraper.records and sibling modules only.
"""

from __future__ import annotations

from lxml import etree

from scraper.records import ImageRef

from ._html import in_scope, within
from ._index import PageIndex
from ._urls import absolute, is_http
from .images import image_ref, image_stem

__all__ = ["find_featured"]

_HOLDERS = (
    "wp-block-post-featured-image", "post-thumbnail", "featured-media",
    "single-featured-image-header", "featured-image", "post-thumb-img-content",
)  # fmt: skip


def _candidates(index: PageIndex) -> list[etree._Element]:
    """Return possible featured ``<img>`` elements in document order."""
    ranked = [
        (index.order.get(el, 0), el) for el in index.tagged("wp-post-image") if el.tag == "img"
    ]
    for holder in index.tagged(*_HOLDERS):
        ranked.extend((index.order.get(holder, 0), img) for img in holder.iter("img"))
    ranked.sort(key=lambda pair: pair[0])
    return list(dict.fromkeys(img for _rank, img in ranked))


def find_featured(
    index: PageIndex,
    scope: etree._Element,
    body: etree._Element | None,
    base: str,
    meta: dict[str, str],
) -> ImageRef | None:
    """Return the featured image as role "featured", position 0, or None.

    Call before ``body`` is cleaned: body images are compared by base name.
    """
    candidates = [img for img in _candidates(index) if not within(img, body)]
    scopes = (scope, index.root) if scope is not index.root else (index.root,)
    for where in scopes:
        for img in candidates:
            if in_scope(img, where):
                ref = image_ref(img, base, position=0, role="featured")
                if ref is not None:
                    return ref
    return _from_open_graph(body, base, meta)


def _from_open_graph(
    body: etree._Element | None, base: str, meta: dict[str, str]
) -> ImageRef | None:
    url = absolute(meta.get("og:image") or meta.get("og:image:url"), base)
    if url is None or not is_http(url) or "/wp-content/uploads/" not in url:
        return None
    stem = image_stem(url)
    if stem.startswith(("cropped-", "site-icon", "logo")):
        return None
    if body is not None:
        for img in body.iter("img"):
            for attr in ("src", "data-src", "data-lazy-src", "data-orig-file"):
                value = img.get(attr)
                if value and image_stem(value) == stem:
                    return None
    width, height = meta.get("og:image:width", ""), meta.get("og:image:height", "")
    return ImageRef(
        url=url,
        position=0,
        role="featured",
        alt=meta.get("og:image:alt"),
        width=int(width) if width.isdigit() else None,
        height=int(height) if height.isdigit() else None,
    )
