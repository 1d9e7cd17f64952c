"""Table cells that read well: post titles open the reader view, image paths show a
thumbnail from the image store, image URLs link to the archived copy (never the
source), ``indented_author`` is indented by reply depth, and a query's ``year`` column
lists that year's posts.

Imports only datasette, markupsafe and the standard library.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup


def _keys(row: Any) -> set[str]:
    return set(row.keys()) if hasattr(row, "keys") else set()


def _post_link(datasette: Any, post_id: Any, text: Any, anchor: str = "") -> Markup | None:
    if not isinstance(post_id, int):
        return None
    href = datasette.urls.path(f"/post/{post_id}") + anchor
    return Markup('<a class="post-link" href="{}">{}</a>').format(href, text or "Untitled post")


def _thumbnail(datasette: Any, path: Any) -> Markup | None:
    if not isinstance(path, str) or not path.startswith("images/") or ".." in path.split("/"):
        return None
    src = datasette.urls.path("/" + quote(path))
    return Markup(
        '<a href="{0}"><img class="thumb" src="{0}" alt="" loading="lazy"></a>'
    ).format(src)


def _archived_link(datasette: Any, path: Any, url: Any) -> Markup:
    """A source image URL as text, linked to the archived copy (never to the source)."""
    if not isinstance(url, str) or not url:
        return Markup("&nbsp;")
    if isinstance(path, str) and path.startswith("images/") and ".." not in path.split("/"):
        href = datasette.urls.path("/" + quote(path))
        return Markup('<a class="archived-image" href="{}" title="archived copy">{}</a>').format(
            href, url
        )
    return Markup('<span class="source-url" title="not archived">{}</span>').format(url)


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Markup | None:
    keys = _keys(row)
    if table == "posts" and column == "title" and "id" in keys:
        return _post_link(datasette, row["id"], value)
    if column == "post_title" and "post_id" in keys:
        anchor = f"#comment-{row['comment_id']}" if "comment_id" in keys else ""
        return _post_link(datasette, row["post_id"], value, anchor)
    if column == "image_path" or (table == "images" and column == "path"):
        return _thumbnail(datasette, value)
    if column == "image_url" or (table == "images" and column == "url"):
        path = row["image_path" if column == "image_url" else "path"] if (
            "image_path" in keys or "path" in keys) else None
        return _archived_link(datasette, path, value)
    if column == "indented_author" and isinstance(row["depth"] if "depth" in keys else None, int):
        return Markup('<span class="indented" style="--depth: {}">{}</span>').format(
            row["depth"], (value or "").strip()
        )
    if table is None and column == "year" and isinstance(value, str) and value.isdigit():
        href = datasette.urls.table(database, "posts") + f"?published_at__startswith={value}"
        return Markup('<a href="{}">{}</a>').format(href, value)
    return None
