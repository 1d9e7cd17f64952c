"""Small WordPress-like documents for fault tests: a single post page and sitemaps.

``wp_post`` renders what a classic WordPress theme prints for one post (body
classes, ``article#post-N``, ``.entry-content``, a threaded
``ol.comment-list``), with every piece of text inserted verbatim so tests can
put hostile markup anywhere. Text is returned as ``str``; encode it with the
charset the test is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = ["WpComment", "sitemap", "sitemap_index", "wp_post"]


@dataclass(frozen=True)
class WpComment:
    """One comment of a synthetic post; ``author_html`` and ``body_html`` go in verbatim."""

    id: int
    author_html: str
    body_html: str
    parent: int | None = None
    published: str = "2024-10-02T08:00:00+00:00"


def _comment_tree(url: str, comments: Sequence[WpComment], parent: int | None, depth: int) -> str:
    items = []
    for comment in (c for c in comments if c.parent == parent):
        children = _comment_tree(url, comments, comment.id, depth + 1)
        items.append(
            f'<li id="comment-{comment.id}" class="comment depth-{depth}{" parent" if children else ""}">'
            f'<article id="div-comment-{comment.id}" class="comment-body">'
            f'<footer class="comment-meta"><div class="comment-author vcard">'
            f'<b class="fn">{comment.author_html}</b> <span class="says">says:</span></div>'
            f'<div class="comment-metadata"><a href="{url}#comment-{comment.id}">'
            f'<time datetime="{comment.published}">{comment.published}</time></a></div></footer>'
            f'<div class="comment-content">{comment.body_html}</div></article>'
            + (f'<ol class="children">{children}</ol>' if children else "")
            + "</li>"
        )
    return "".join(items)


def wp_post(
    *,
    post_id: int,
    url: str,
    title: str,
    body: str,
    published: str = "2024-10-01T10:00:00+00:00",
    comments: Sequence[WpComment] = (),
    charset_meta: str | None = "UTF-8",
    head_title: str | None = None,
    head_extra: str = "",
    before_article: str = "",
) -> str:
    """Render a single-post page the way a classic WordPress theme does.

    ``charset_meta`` None leaves out ``<meta charset>``; ``head_title`` is the
    ``<title>`` text (defaults to ``title``).
    """
    meta = f'<meta charset="{charset_meta}" />' if charset_meta else ""
    thread = _comment_tree(url, comments, None, 1)
    comment_block = (
        f'<div id="comments" class="comments-area"><h2 class="comments-title">Comments</h2>'
        f'<ol class="comment-list">{thread}</ol></div>'
        if comments
        else ""
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head>"
        f"{meta}<title>{head_title if head_title is not None else title}</title>"
        '<meta name="generator" content="WordPress 6.1.9" />'
        f'<link rel="canonical" href="{url}" />{head_extra}</head>'
        f'<body class="post-template-default single single-post postid-{post_id} single-format-standard">'
        f'<div id="page" class="site"><main id="main" class="site-main">{before_article}'
        f'<article id="post-{post_id}" class="post-{post_id} post type-post status-publish format-standard hentry">'
        f'<header class="entry-header"><h1 class="entry-title">{title}</h1></header>'
        f'<div class="entry-content">{body}</div>'
        f'<footer class="entry-footer"><span class="posted-on">Published '
        f'<time class="entry-date published updated" datetime="{published}">{published}</time></span>'
        '<span class="byline">by <span class="author vcard"><a class="url fn n" href="/author/coach/">Coach</a>'
        "</span></span></footer></article>"
        f"{comment_block}</main></div></body></html>\n"
    )


def sitemap(urls: Sequence[str]) -> bytes:
    """A ``urlset`` sitemap listing ``urls``."""
    entries = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    ).encode()


def sitemap_index(urls: Sequence[str]) -> bytes:
    """A ``sitemapindex`` pointing at the sitemaps ``urls``."""
    entries = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n'
    ).encode()
