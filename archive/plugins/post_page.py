"""Reader view of one post at ``/post/<id>``: body and routine images (the comment thread
comes from ``comment_thread.py``, neighbours from ``post_nav.py``).

The body is re-sanitized with nh3 even though the crawler stored it sanitized; images
come from the local image store (never the source site), each placed under the heading
it was found under.
Imports only datasette, nh3, markupsafe and the standard library.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urljoin

import nh3
from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

_SCHEMES = {"http", "https", "mailto"}
_BODY_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "map", "area", "figcaption"}
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag != "img"}
_ATTRIBUTES["a"] = {"href", "title"}
# list numbering as the author set it (the crawler's sanitizer keeps these too)
_ATTRIBUTES["ol"] = {"start", "reversed", "type"}
_ATTRIBUTES["li"] = {"value"}
_ATTRIBUTES["th"] = _ATTRIBUTES.get("th", set()) | {"scope"}
_OL_TYPE = re.compile(r'<ol((?: [a-z]+="[^"]*")*) type="([aAiI1])"')
_LIST_STYLES = {"a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman",
                "I": "upper-roman", "1": "decimal"}
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_HTTP = re.compile(r"[\x00-\x20]*https?:", re.IGNORECASE)
_ABSOLUTE = re.compile(r"https?://[^\s/?#]+(?:/(?!\.\.?(?:[/?#]|$))[^\s/?#]*)*(?:[?#]\S*)?$")


def _http_url(url: str | None) -> str | None:
    """Return ``url`` if it is an absolute http(s) URL, else None."""
    return url if url and _HTTP.match(url) else None


def _cleaner(*, base_url: str, tags: set[str]) -> Callable[[str | None], str]:
    """Sanitize one post's fragments (built once per page: building costs more than cleaning
    a comment): hrefs made absolute against ``base_url``, list styles named in a class."""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "href" and not _ABSOLUTE.match(value):  # urljoin would keep it
            return urljoin(base_url, value)
        return value

    cleaner = nh3.Cleaner(
        tags=tags,
        clean_content_tags={"script", "style", "figcaption", "iframe", "object", "svg"},
        attributes={t: a for t, a in _ATTRIBUTES.items() if t in tags},
        attribute_filter=absolute,
        url_schemes=_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return lambda fragment: _list_classes(cleaner.clean(fragment or ""))


def _list_classes(fragment: str) -> str:
    """Name an ``<ol type=...>``'s marker style in a class, because CSS attribute
    selectors match ``type`` case-insensitively (``a`` and ``A`` alike)."""
    return _OL_TYPE.sub(
        lambda m: f'<ol{m.group(1)} type="{m.group(2)}" class="list-{_LIST_STYLES[m.group(2)]}"',
        fragment,
    )


def _norm(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(html.unescape(_TAG.sub("", text)).split()).casefold() or None


def _image_src(datasette: Any, path: str | None) -> str | None:
    """Map an image-store path (``images/ab/abc.jpg``) to its URL, or None."""
    if not path or not path.startswith("images/") or ".." in path.split("/"):
        return None
    return datasette.urls.path("/" + quote(path))


def _sections(body_html: str, images: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """Split the body at its headings and give every section the images found under it.

    Returns the sections and the images whose heading is not in the body.
    """
    sections: list[dict[str, Any]] = [{"key": None, "html": "", "images": []}]
    position = 0
    for match in _HEADING.finditer(body_html):
        sections[-1]["html"] += body_html[position:match.start()]
        sections.append({"key": _norm(match.group(2)), "html": match.group(0), "images": []})
        position = match.end()
    sections[-1]["html"] += body_html[position:]
    by_heading: dict[str | None, dict[str, Any]] = {}
    for section in sections:
        by_heading.setdefault(section["key"], section)
    elsewhere = []
    for image in images:
        section = by_heading.get(_norm(image["heading"]))
        (section["images"] if section else elsewhere).append(image)
    for section in sections:
        section["html"] = Markup(section["html"])
    return sections, elsewhere


def _archive_database(datasette: Any) -> Any:
    names = [n for n in datasette.databases if n not in ("_internal", "_memory")]
    if not names:
        raise NotFound("No archive is being served")
    return datasette.get_database("fitness" if "fitness" in names else names[0])


POST_SQL = """
select posts.*, sites.name as site_name, sites.base_url as site_url,
       authors.name as author_name, authors.url as author_url
from posts
join sites on sites.id = posts.site_id
left join authors on authors.id = posts.author_id
where posts.id = :id
"""
TERMS_SQL = """
select terms.kind, terms.name, terms.slug from post_terms
join terms on terms.id = post_terms.term_id
where post_terms.post_id = :id order by terms.kind, terms.name
"""
IMAGES_SQL = """
select pi.position, pi.role, pi.is_featured, pi.alt, pi.caption, pi.heading, i.id as image_id, i.url,
       i.width, i.height, i.mime, i.path, i.error
from post_images pi join images i on i.id = pi.image_id
where pi.post_id = :id order by pi.position
"""


async def post_page(datasette: Any, request: Any) -> Response:
    db = _archive_database(datasette)
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (db.name, "posts")), ("view-database", db.name), "view-instance"],
    )
    post_id = int(request.url_vars["post_id"])
    post = None
    if post_id < 2**63:
        post = (await db.execute(POST_SQL, {"id": post_id})).first()
    if post is None:
        raise NotFound(f"No post with id {post_id}")
    post = dict(post)
    terms = [dict(r) for r in await db.execute(TERMS_SQL, {"id": post_id})]
    images = []
    for row in await db.execute(IMAGES_SQL, {"id": post_id}):
        image = dict(row)
        image["src"] = _image_src(datasette, image["path"])
        image["source_url"] = _http_url(image["url"])
        images.append(image)
    featured = [i for i in images if i["role"] == "featured"]
    body = _cleaner(base_url=post["url"], tags=_BODY_TAGS)(post["body_html"])
    sections, elsewhere = _sections(body, [i for i in images if i["role"] != "featured"])
    context = {
        "database": db.name,
        "post": post,
        "post_link": _http_url(post["url"]),
        "terms": terms,
        "featured": featured,
        "sections": sections,
        "other_images": elsewhere,
        "image_count": len(images),
    }
    return Response.html(
        await datasette.render_template("archive_post.html", context, request=request)
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/post/(?P<post_id>[0-9]{1,19})$", post_page)]
