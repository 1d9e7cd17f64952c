"""One search box for the whole archive at ``/search?q=``: posts and comments, best first.

Uses the FTS5 tables posts_fts (title, body_text) and comments_fts (author_name,
body_text); the words are quoted (Datasette's escape_fts), so punctuation in a query
never becomes FTS syntax. Imports only datasette, markupsafe and the standard library.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.utils import escape_fts
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

LIMIT = 50
_OPEN, _CLOSE = "\x02", "\x03"

POSTS_SQL = f"""
select posts.id, posts.title, posts.published_at,
       snippet(posts_fts, -1, char(2), char(3), '…', 24) as snippet
from posts_fts join posts on posts.id = posts_fts.rowid
where posts_fts match :q order by posts_fts.rank limit {LIMIT}
"""
COMMENTS_SQL = f"""
select comments.id, comments.post_id, comments.author_name, comments.published_at,
       posts.title as post_title,
       snippet(comments_fts, -1, char(2), char(3), '…', 24) as snippet
from comments_fts
join comments on comments.id = comments_fts.rowid
join posts on posts.id = comments.post_id
where comments_fts match :q order by comments_fts.rank limit {LIMIT}
"""
COUNT_SQL = "select count(*) from {table} where {table} match :q"


def _highlight(snippet: str | None) -> Markup:
    text = str(escape(snippet or ""))
    return Markup(text.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


async def _search(db: Any, sql: str, table: str, query: str) -> tuple[list[dict], int]:
    rows = [dict(r) for r in await db.execute(sql, {"q": query})]
    for row in rows:
        row["snippet"] = _highlight(row["snippet"])
    count = (await db.execute(COUNT_SQL.format(table=table), {"q": query})).single_value()
    return rows, count


async def search_page(datasette: Any, request: Any) -> Response:
    names = [n for n in datasette.databases if n not in ("_internal", "_memory")]
    if not names:
        raise NotFound("No archive is being served")
    db = datasette.get_database("fitness" if "fitness" in names else names[0])
    await datasette.ensure_permissions(
        request.actor, [("view-database", db.name), "view-instance"]
    )
    q = (request.args.get("q") or "").strip()
    fts_query = escape_fts(q) if q else ""
    posts, comments, post_count, comment_count = [], [], 0, 0
    if fts_query:
        posts, post_count = await _search(db, POSTS_SQL, "posts_fts", fts_query)
        comments, comment_count = await _search(db, COMMENTS_SQL, "comments_fts", fts_query)
    context = {
        "database": db.name,
        "q": q,
        "posts": posts,
        "comments": comments,
        "post_count": post_count,
        "comment_count": comment_count,
        "limit": LIMIT,
    }
    return Response.html(
        await datasette.render_template("archive_search.html", context, request=request)
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/search$", search_page)]
