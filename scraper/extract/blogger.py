"""Read Blogger's Atom feeds: posts (full content) and per-post comment threads.

Blogger publishes every post at ``/feeds/posts/default`` (paged with
``start-index`` / ``max-results``) and each post's comments at
``/feeds/POSTID/comments/default``. A comment that answers another comment
carries ``<link rel="related" href=".../comments/default/PARENTID">``; its
``thr:in-reply-to`` names the post (or, in feeds from other Atom producers,
the parent comment, which is honoured too). feedparser drops both, so the
XML is read with lxml.

Ids come from the ``tag:blogger.com,1999:blog-BLOGID.post-ID`` entry ids.
Post bodies get the same cleaning as HTML bodies (images with captions from
Blogger's ``tr-caption-container`` tables and their nearest heading).
Imports lxml, scraper.records and sibling modules only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from scraper.records import Author, Comment, ImageRef, Post, Term

from ._html import parse_fragment, squash, text_of
from ._urls import absolute, is_http, strip_fragment
from .content import clean_body, finish_many, serialize_body
from .dates import parse_date

__all__ = [
    "BloggerComments",
    "BloggerPosts",
    "normalize_caption_tables",
    "parse_blogger_comments",
    "parse_blogger_posts",
]

ATOM = "http://www.w3.org/2005/Atom"
THR = "http://purl.org/syndication/thread/1.0"
OPENSEARCH = "http://a9.com/-/spec/opensearchrss/1.0/"
GD = "http://schemas.google.com/g/2005"
_NS = {"a": ATOM, "thr": THR, "os": OPENSEARCH, "gd": GD}
_POST_ID = re.compile(r"\.post-(\d+)$")
_COMMENT_URL_ID = re.compile(r"/comments/default/(\d+)(?:\?.*)?$")
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True, slots=True)
class BloggerPosts:
    """One page of a posts feed.

    ``total`` is ``openSearch:totalResults`` (None when absent);
    ``summaries_only`` is True when the feed carries summaries, not full bodies.
    """

    posts: list[Post]
    total: int | None
    start: int
    count: int
    summaries_only: bool
    comment_totals: dict[str, int]  # post remote id -> thr:total


@dataclass(frozen=True, slots=True)
class BloggerComments:
    """One page of a post's comment feed."""

    comments: list[Comment]
    total: int | None
    start: int
    count: int


def _root(data: bytes) -> etree._Element | None:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None
    if root is None or etree.QName(root).localname != "feed":
        return None
    return root


def _int(root: etree._Element, path: str) -> int | None:
    value = root.findtext(path, namespaces=_NS)
    return int(value) if value and value.strip().isdigit() else None


def _entry_id(entry: etree._Element) -> str | None:
    match = _POST_ID.search((entry.findtext("a:id", namespaces=_NS) or "").strip())
    return match.group(1) if match else None


def _link(entry: etree._Element, rel: str, kind: str | None = None) -> str | None:
    for link in entry.findall("a:link", namespaces=_NS):
        if link.get("rel") == rel and (kind is None or link.get("type") == kind):
            href = link.get("href")
            if href:
                return str(href)
    return None


def _author(entry: etree._Element) -> Author | None:
    author = entry.find("a:author", namespaces=_NS)
    if author is None:
        return None
    name = squash(author.findtext("a:name", namespaces=_NS))
    uri = squash(author.findtext("a:uri", namespaces=_NS)) or None
    if not name or name == "Unknown":
        return None
    return Author(name=name, url=uri if is_http(uri) else None)


def _html_of(entry: etree._Element) -> tuple[str, bool]:
    """The entry's HTML body and whether it is only a summary."""
    content = entry.find("a:content", namespaces=_NS)
    if content is not None:
        return content.text or "", False
    summary = entry.find("a:summary", namespaces=_NS)
    return (summary.text or "", True) if summary is not None else ("", True)


def normalize_caption_tables(scope: etree._Element) -> None:
    """Turn Blogger's ``table.tr-caption-container`` into ``figure`` + ``figcaption``.

    Blogger's editor captions an image with a two-row table (image row,
    ``td.tr-caption`` row); as a figure, the image reader finds the caption.
    """
    for table in list(scope.iter("table")):
        if "tr-caption-container" not in (table.get("class") or "").split():
            continue
        image = next(table.iter("img"), None)
        if image is None:
            continue
        caption = next(
            (td for td in table.iter("td") if "tr-caption" in (td.get("class") or "").split()), None
        )
        holder = (
            image.getparent()
            if image.getparent() is not None and image.getparent().tag == "a"
            else image
        )
        figure = etree.Element("figure")
        holder.tail = None
        figure.append(holder)
        if caption is not None and squash(text_of(caption)):
            figcaption = etree.SubElement(figure, "figcaption")
            figcaption.text = squash(text_of(caption))
        figure.tail = table.tail
        parent = table.getparent()
        if parent is not None:
            parent.replace(table, figure)


def parse_blogger_posts(data: bytes, base_url: str) -> BloggerPosts:
    """Parse one page of ``/feeds/posts/default`` into Posts (comments not included)."""
    root = _root(data)
    if root is None:
        return BloggerPosts([], None, 1, 0, False, {})
    posts: list[Post] = []
    summaries_only = False
    totals: dict[str, int] = {}
    for entry in root.findall("a:entry", namespaces=_NS):
        post_id = _entry_id(entry)
        url = _link(entry, "alternate", "text/html")
        if post_id is None or not url:
            continue
        url = strip_fragment(absolute(url, base_url) or url)
        html, summary = _html_of(entry)
        summaries_only = summaries_only or summary
        body = parse_fragment(html)
        normalize_caption_tables(body)
        cleaned = clean_body(body, url)
        images: list[ImageRef] = list(cleaned.images)
        thumb = entry.find("{http://search.yahoo.com/mrss/}thumbnail")
        if not images and thumb is not None and is_http(thumb.get("url")):
            images.append(ImageRef(url=thumb.get("url", ""), position=0, role="featured"))
        terms = tuple(
            Term(kind="tag", name=squash(cat.get("term")), slug=squash(cat.get("term")))
            for cat in entry.findall("a:category", namespaces=_NS)
            if squash(cat.get("term"))
        )
        total = entry.findtext("thr:total", namespaces=_NS)
        if total and total.strip().isdigit():
            totals[post_id] = int(total)
        posts.append(
            Post(
                url=url,
                title=squash(entry.findtext("a:title", namespaces=_NS)) or url,
                remote_id=post_id,
                author=_author(entry),
                published_at=parse_date(entry.findtext("a:published", namespaces=_NS)),
                modified_at=parse_date(entry.findtext("a:updated", namespaces=_NS)),
                body_html="" if summary else cleaned.html,
                body_text="" if summary else cleaned.text,
                excerpt=cleaned.text[:300] if summary else None,
                terms=terms,
                images=tuple(images),
                source="feed",
            )
        )
    start = _int(root, "os:startIndex") or 1
    return BloggerPosts(
        posts,
        _int(root, "os:totalResults"),
        start,
        len(root.findall("a:entry", namespaces=_NS)),
        summaries_only,
        totals,
    )


def _parent_id(entry: etree._Element, post_id: str | None, own_ids: set[str]) -> str | None:
    """The remote id of the comment this one answers, or None at the top level."""
    reply = entry.find("thr:in-reply-to", namespaces=_NS)
    if reply is not None:
        match = _POST_ID.search(reply.get("ref") or "")
        if match and match.group(1) != post_id and match.group(1) in own_ids:
            return match.group(1)
        fragment = (reply.get("href") or "").rpartition("#")[2]
        if fragment.startswith("c") and fragment[1:] in own_ids:
            return fragment[1:]
    related = _link(entry, "related")
    if related:
        match = _COMMENT_URL_ID.search(related)
        if match:
            return match.group(1)
    return None


def parse_blogger_comments(
    data: bytes, *, post_id: str | None = None, post_author_url: str | None = None
) -> BloggerComments:
    """Parse one page of ``/feeds/POSTID/comments/default`` into Comments.

    ``post_author_url`` (the post author's profile URL) marks the author's
    own replies. Depths are left at 1: the thread is complete only across
    all pages, so the caller computes them (``with_depths``).
    """
    root = _root(data)
    if root is None:
        return BloggerComments([], None, 1, 0)
    entries = root.findall("a:entry", namespaces=_NS)
    own_ids = {cid for cid in (_entry_id(e) for e in entries) if cid}
    drafts: list[tuple[dict[str, object], str]] = []
    for entry in entries:
        comment_id = _entry_id(entry)
        if comment_id is None:
            continue
        html, _summary = _html_of(entry)
        permalink = _link(entry, "alternate", "text/html")
        author = _author(entry)
        body = parse_fragment(html)
        raw, _images = serialize_body(body, permalink or "", collect=False)
        drafts.append(
            (
                {
                    "remote_id": comment_id,
                    "parent_remote_id": _parent_id(entry, post_id, own_ids),
                    "author_name": author.name if author else None,
                    "author_url": author.url if author else None,
                    "is_post_author": bool(
                        author and post_author_url and author.url == post_author_url
                    ),
                    "published_at": parse_date(entry.findtext("a:published", namespaces=_NS)),
                    "permalink": permalink,
                    "post_remote_id": post_id,
                },
                raw,
            )
        )
    bodies = finish_many([raw for _f, raw in drafts])
    comments = [
        Comment(body_html=html, body_text=text, **fields)  # type: ignore[arg-type]
        for (fields, _raw), (html, text) in zip(drafts, bodies)
    ]
    return BloggerComments(
        comments, _int(root, "os:totalResults"), _int(root, "os:startIndex") or 1, len(entries)
    )


def with_depths(comments: list[Comment]) -> list[Comment]:
    """Set ``depth`` from the parent chain; parents missing from the list become top level."""
    from dataclasses import replace

    by_id = {c.remote_id: c for c in comments}
    out = []
    for comment in comments:
        parent = comment.parent_remote_id
        if parent is not None and parent not in by_id:
            comment = replace(comment, parent_remote_id=None)
            parent = None
        depth, seen = 1, {comment.remote_id}
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = by_id[parent].parent_remote_id
        out.append(replace(comment, depth=depth))
    return out
