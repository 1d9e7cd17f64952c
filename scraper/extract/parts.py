"""Posts split into pages (``<!--nextpage-->``): find the other pages, join the parts.

WordPress prints a post split into pages with "Pages: 1 2 3" links
(``.post-nav-links`` in block-era classic themes, ``.page-links`` in
twentytwentyone and older ones, ``.wp-link-pages``): ``/post-slug/2/`` with
pretty permalinks, ``?p=ID&page=2`` with plain ones. ``find_part_urls`` reads
those links on page 1; ``join_post_parts`` joins the Posts read from each page
into one. Both are pure. Imports lxml, scraper.records and sibling modules only.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from scraper.records import ImageRef, Post

from ._html import within
from ._index import PageIndex
from ._urls import absolute, is_http, strip_fragment

__all__ = ["find_part_urls", "join_post_parts"]

_HOLDERS = ("post-nav-links", "page-links", "wp-link-pages")


def _part_number(url: str) -> int | None:
    """Return N of ``.../N/`` or ``?page=N`` (N >= 1), or None."""
    parts = urlsplit(url)
    page = parse_qs(parts.query).get("page")
    if page and page[0].isdigit():
        return int(page[0])
    last = parts.path.rstrip("/").rpartition("/")[2]
    return int(last) if last.isdigit() and len(last) < 4 else None


def find_part_urls(
    index: PageIndex, scope: etree._Element, base: str, own_urls: tuple[str, ...]
) -> tuple[str, ...]:
    """Return the absolute URLs of the post's other pages, in the order the links show them.

    Call before the body is cleaned (cleaning removes the links). Read on page
    1 these are pages 2..N. ``own_urls`` (the page's URL, the post's canonical
    URL) are left out, which drops the link to page 1; so is any link without
    a page number (a theme's "Next post" inside the same box).
    """
    holders = [el for el in index.tagged(*_HOLDERS) if within(el, scope)] or index.tagged(*_HOLDERS)
    own = {strip_fragment(u).rstrip("/") for u in own_urls}
    found: list[str] = []
    for holder in holders[:1]:
        for link in holder.iter("a"):
            url = absolute(link.get("href"), base)
            if url is None or not is_http(url):
                continue
            url = strip_fragment(url)
            number = _part_number(url)
            if number is None or number < 2 or url.rstrip("/") in own or url in found:
                continue
            found.append(url)
    return tuple(found)


def join_post_parts(first: Post, parts: list[Post]) -> Post:
    """Return ``first`` with the bodies and images of ``parts`` (pages 2..N, in order) appended.

    Bodies are joined in order (HTML fragments one after another, texts with a
    blank line between). Images keep their order and are renumbered 0, 1, ...;
    a featured image that each page repeats outside its body is kept once, and
    when a page has it in its body, the first such body placement (marked
    ``is_featured``) replaces the featured-only row. Everything else (title,
    ids, dates, comments, comment pages) comes from ``first``; ``part_urls``
    becomes empty.
    """
    if not parts:
        return replace(first, part_urls=())
    html = [first.body_html, *(part.body_html for part in parts)]
    text = [first.body_text, *(part.body_text for part in parts)]
    images: list[ImageRef] = list(first.images)
    for part in parts:
        images.extend(ref for ref in part.images if ref.role != "featured")
    joined: list[ImageRef] = []
    marked = False
    for ref in images:  # one featured fact: the first body placement marked featured
        if ref.is_featured:
            ref = replace(ref, is_featured=not marked)
            marked = True
        joined.append(ref)
    if marked:
        joined = [ref for ref in joined if ref.role != "featured"]
    return replace(
        first,
        body_html="\n".join(piece for piece in html if piece),
        body_text="\n\n".join(piece for piece in text if piece),
        images=tuple(replace(ref, position=n) for n, ref in enumerate(joined)),
        part_urls=(),
    )
