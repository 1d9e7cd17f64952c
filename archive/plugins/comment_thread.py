"""The reader view's comment thread (``/post/<id>``): the post's comments in thread order
(``path``), sanitized with nh3 (links made absolute against the post's URL), given to
``templates/archive_post.html`` as ``comments``, ``deleted_count``, ``comments_truncated``
and ``max_comments``.

Every comment is one :class:`ThreadComment` with its values worked out here, which the
template unpacks in its loop: a 5,000-comment thread then costs the template a few output
pieces per comment instead of some thirty lookups, filters and calls.
Imports only datasette, nh3, markupsafe and the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urljoin

import nh3
from datasette import hookimpl
from markupsafe import Markup

MAX_COMMENTS = 5000
_TAGS = {"a", "p", "br", "b", "strong", "i", "em", "blockquote", "q", "code", "pre",
         "ul", "ol", "li", "del", "s", "sub", "sup", "span"}
# nh3's defaults, but links keep only href and title, lists their numbering as written
_ATTRIBUTES = {tag: set(nh3.ALLOWED_ATTRIBUTES.get(tag, ())) for tag in _TAGS} | {
    "a": {"href", "title"}, "ol": {"start", "reversed", "type"}, "li": {"value"}}
_OL_TYPE = re.compile(r'<ol((?: [a-z]+="[^"]*")*) type="([aAiI1])"')
_LIST_STYLES = {"a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman",
                "I": "upper-roman", "1": "decimal"}
_HTTP = re.compile(r"[\x00-\x20]*https?:", re.IGNORECASE)
_ABSOLUTE = re.compile(r"https?://[^\s/?#]+(?:/(?!\.\.?(?:[/?#]|$))[^\s/?#]*)*(?:[?#]\S*)?$")

POST_URL_SQL = "select url from posts where id = :id"
COMMENTS_SQL = """
select id, depth, path, comment_type, author_name, author_url, is_post_author,
       published_at, body_html, body_text, permalink, deleted_at
from comments where post_id = :id order by path limit :limit
"""


class ThreadComment(NamedTuple):
    """One comment as the thread shows it; ``archive_post.html`` unpacks these fields in
    this order."""

    id: int
    depth: int
    path: str
    classes: str  # the li's class: depth, by the post's author, removed at the source
    author_name: str
    author_link: str | None
    is_post_author: bool
    kind: str | None  # a comment type other than a plain comment (pingback, trackback)
    published_at: str | None
    time_label: str | None  # "2024-01-02 06:00"
    source_link: str | None
    row_url: str
    removed_on: str | None  # the day the source removed it
    body: Markup  # sanitized HTML, or the plain text as a paragraph


def _http_url(url: str | None) -> str | None:
    return url if url and _HTTP.match(url) else None


def _cleaner(base_url: str) -> Callable[[str | None], str]:
    """One sanitizer for all of a post's comments (building one costs more than cleaning)."""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "href" and not _ABSOLUTE.match(value):  # urljoin would keep it
            return urljoin(base_url, value)
        return value

    cleaner = nh3.Cleaner(
        tags=_TAGS,
        clean_content_tags={"script", "style", "figcaption", "iframe", "object", "svg"},
        attributes=_ATTRIBUTES, attribute_filter=absolute, url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return lambda fragment: _OL_TYPE.sub(  # CSS matches type="a" and "A" alike: name it
        lambda m: f'<ol{m.group(1)} type="{m.group(2)}" class="list-{_LIST_STYLES[m.group(2)]}"',
        cleaner.clean(fragment or ""))


def _thread_comment(row: Any, body: str, row_url: str) -> ThreadComment:
    classes = f"comment depth-{row['depth']}"
    classes += " by-post-author" if row["is_post_author"] else ""
    classes += " deleted" if row["deleted_at"] else ""
    published, kind = row["published_at"], row["comment_type"]
    return ThreadComment(
        id=row["id"], depth=row["depth"], path=row["path"], classes=classes,
        author_name=row["author_name"] or "Anonymous", author_link=_http_url(row["author_url"]),
        is_post_author=bool(row["is_post_author"]),
        kind=kind if kind and kind != "comment" else None,
        published_at=published,
        time_label=published[:16].replace("T", " ") if published else None,
        source_link=_http_url(row["permalink"]), row_url=row_url,
        removed_on=row["deleted_at"][:10] if row["deleted_at"] else None,
        body=Markup(body) if body else Markup("<p>{}</p>").format(row["body_text"] or ""),
    )


async def _thread(datasette: Any, post_id: int) -> dict[str, Any]:
    names = [n for n in datasette.databases if n not in ("_internal", "_memory")]
    db = datasette.get_database("fitness" if "fitness" in names else names[0])
    post = (await db.execute(POST_URL_SQL, {"id": post_id})).first()
    if post is None:
        return {}
    rows = (await db.execute(COMMENTS_SQL, {"id": post_id, "limit": MAX_COMMENTS + 1})).rows
    clean, row_urls = _cleaner(post["url"]), datasette.urls.table(db.name, "comments")
    comments = [_thread_comment(row, clean(row["body_html"]), f"{row_urls}/{row['id']}")
                for row in rows[:MAX_COMMENTS]]
    return {
        "comments": comments,
        "deleted_count": sum(1 for c in comments if c.removed_on),
        "comments_truncated": len(rows) > MAX_COMMENTS,
        "max_comments": MAX_COMMENTS,
    }


@hookimpl
def extra_template_vars(template: str, request: Any, datasette: Any) -> Any:
    if template != "archive_post.html" or request is None:
        return None

    async def thread() -> dict[str, Any]:
        post_id = int(request.url_vars.get("post_id") or 0)
        return await _thread(datasette, post_id) if 0 < post_id < 2**63 else {}

    return thread
