"""One search box for the whole archive at ``/search?q=``: posts and comments, best first.

The query language is the one of ``search_language.py`` (its SQL functions
``search_match`` and ``search_notes``). Every source of :data:`SOURCES` (the FTS5
tables of ``schemas/0010_search.sql``) is searched: posts whose title matches come
first, then posts matched by their categories or tags, then by their body, then by the
text read from their images (``schemas/0012_search_image_text.sql``), then comments, each
with a highlighted snippet. To keep common words fast, each source ranks at most
:data:`RANKED` matches (in index order) and counts at most :data:`COUNTED`.
Imports only datasette, markupsafe and the standard library.
"""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

LIMIT = 50
#: matches of one source ranked per query (bm25 over the first RANKED in index order)
RANKED = 1000
#: matches counted per source; more are shown as "100,000+"
COUNTED = 100_000
_OPEN, _CLOSE = "\x02", "\x03"

class Source(NamedTuple):
    """One FTS5 table searched by ``/search``: ``rank_sql`` returns ``id`` of the best
    matches (``:q``, ``:ranked``, ``:limit``), ``row_sql`` one result with its snippet
    (``:q``, ``:id``)."""

    name: str
    fts_table: str
    rank_sql: str
    row_sql: str


def _snippet(table: str) -> str:
    return f"snippet({table}, -1, char(2), char(3), '…', 24) as snippet"


def _matched(table: str, column: int) -> str:
    return f"instr(highlight({table}, {column}, char(2), char(3)), char(2)) > 0"


SOURCES = (
    Source(
        name="posts",
        fts_table="posts_fts",
        rank_sql=f"""
select id from (
  select rowid as id, rank as score,
         case when {_matched("posts_fts", 0)} then 0
              when {_matched("posts_fts", 2)} then 1
              when {_matched("posts_fts", 1)} then 2 else 3 end as tier
  from posts_fts where posts_fts match :q order by rowid desc limit :ranked
) order by tier, score limit :limit""",
        row_sql=f"""
select posts.id, posts.title, posts.published_at, {_snippet("posts_fts")}
from posts_fts join posts on posts.id = posts_fts.rowid
where posts_fts match :q and posts_fts.rowid = :id""",
    ),
    Source(
        name="comments",
        fts_table="comments_fts",
        rank_sql="""
select id from (
  select rowid as id, rank as score
  from comments_fts where comments_fts match :q order by rowid desc limit :ranked
) order by score limit :limit""",
        row_sql=f"""
select comments.id, comments.post_id, comments.author_name, comments.published_at,
       posts.title as post_title, {_snippet("comments_fts")}
from comments_fts
join comments on comments.id = comments_fts.rowid
join posts on posts.id = comments.post_id
where comments_fts match :q and comments_fts.rowid = :id""",
    ),
)

PARSE_SQL = "select search_match(:q), search_notes(:q)"
COUNT_SQL = "select count(*) from (select 1 from {table} where {table} match :q limit :cap)"


def _highlight(snippet: str | None) -> Markup:
    text = str(escape(snippet or ""))
    return Markup(text.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


def _search_source(conn: sqlite3.Connection, source: Source, fts: str) -> dict[str, Any]:
    """Best matches of one source with snippets, and their count (rows are sqlite3.Row,
    as Datasette sets up its connections)."""
    params = {"q": fts, "ranked": RANKED, "limit": LIMIT}
    ids = [r[0] for r in conn.execute(source.rank_sql, params)]
    rows = []
    for row_id in ids:
        row = conn.execute(source.row_sql, {"q": fts, "id": row_id}).fetchone()
        if row is not None:
            rows.append({**dict(row), "snippet": _highlight(row["snippet"])})
    cap = {"q": fts, "cap": COUNTED + 1}
    count = conn.execute(COUNT_SQL.format(table=source.fts_table), cap).fetchone()[0]
    return {"rows": rows, "count": min(count, COUNTED), "more": count > COUNTED}


def _archive_database(datasette: Any) -> Any:
    names = [n for n in datasette.databases if n not in ("_internal", "_memory")]
    if not names:
        raise NotFound("No archive is being served")
    return datasette.get_database("fitness" if "fitness" in names else names[0])


async def search_page(datasette: Any, request: Any) -> Response:
    db = _archive_database(datasette)
    await datasette.ensure_permissions(
        request.actor, [("view-database", db.name), "view-instance"]
    )
    q = (request.args.get("q") or "").strip()
    fts, notes = "", ""
    if q:
        fts, notes = (await db.execute(PARSE_SQL, {"q": q})).first()
    empty = {"rows": [], "count": 0, "more": False}
    results = {source.name: empty for source in SOURCES}
    if fts:
        for source in SOURCES:
            results[source.name] = await db.execute_fn(
                lambda conn, s=source: _search_source(conn, s, fts)
            )
    context = {
        "database": db.name,
        "q": q,
        "notes": notes.splitlines(),
        "posts": results["posts"]["rows"],
        "comments": results["comments"]["rows"],
        "post_count": results["posts"]["count"],
        "comment_count": results["comments"]["count"],
        "post_count_more": results["posts"]["more"],
        "comment_count_more": results["comments"]["more"],
        "limit": LIMIT,
    }
    return Response.html(
        await datasette.render_template("archive_search.html", context, request=request)
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/search$", search_page)]
