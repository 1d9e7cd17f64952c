"""Table search speaks the archive's search language: ``?_search=`` becomes ``?_q=``.

Datasette's own table search escapes every query (or, in raw mode, fails on a typo), so
this wrapper renames the argument before Datasette reads it and ``table_search.py``
answers it instead; the table page keeps its search box, which still submits
``_search``.

A query matching more than :data:`COUNT_FROM_INDEX` rows also gets ``_nocount=1``:
Datasette's ``count(*)`` would look up every match in the table (half a second for a
common word at a million comments), so ``table_search.py`` gives the count from the index
instead.
Imports only datasette and the standard library.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

from datasette import hookimpl

TABLE_SEARCH_ARG = "_q"
#: more matches than this are counted from the index (same value in table_search.py)
COUNT_FROM_INDEX = 5_000
COUNT_SQL = (
    'select count(*) from (select 1 from "{fts}" where "{fts}" match search_match(:q) '
    "limit :cap)"
)


async def _counted_from_index(datasette: Any, path: str, typed: str) -> bool:
    parts = path.split("/")
    if len(parts) != 3 or parts[1] not in datasette.databases:
        return False
    database, table = unquote(parts[1]), unquote(parts[2].rsplit(".", 1)[0])
    fts = datasette.table_metadata(database, table).get("fts_table")
    if not fts or not typed.strip():
        return False
    sql = COUNT_SQL.format(fts=fts.replace('"', '""'))
    db = datasette.get_database(database)
    try:
        result = await db.execute(sql, {"q": typed, "cap": COUNT_FROM_INDEX + 1})
    except sqlite3.Error:  # no such table, or nothing to search for: table_search.py explains
        return False
    return bool(result.single_value() > COUNT_FROM_INDEX)


async def _rewrite(datasette: Any, path: str, query_string: bytes) -> bytes | None:
    """Return the query string with ``_search`` renamed, or None if it has none."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    typed = next((value for key, value in pairs if key == "_search"), None)
    if typed is None:
        return None
    renamed = [(TABLE_SEARCH_ARG if key == "_search" else key, value) for key, value in pairs]
    if not any(key == "_nocount" for key, _ in pairs):
        text = typed.encode("latin-1").decode("utf-8", errors="replace")
        if await _counted_from_index(datasette, path, text):
            renamed.append(("_nocount", "1"))
    return urlencode(renamed, encoding="latin-1").encode("latin-1")


def _restore_search_arg(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Name the argument ``_search`` again in a redirect (Datasette builds it from args)."""
    restored = []
    for name, value in headers:
        if name.lower() == b"location" and b"?" in value:
            path, query = value.split(b"?", 1)
            pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
            pairs = [("_search" if k == TABLE_SEARCH_ARG else k, v) for k, v in pairs]
            value = path + b"?" + urlencode(pairs, encoding="latin-1").encode("latin-1")
        restored.append((name, value))
    return restored


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def table_search(scope: dict[str, Any], receive: Any, send: Any) -> None:
            rewritten = None
            if scope.get("type") == "http":
                query = scope.get("query_string", b"")
                rewritten = await _rewrite(datasette, scope.get("path", ""), query)
            if rewritten is None:
                await app(scope, receive, send)
                return

            async def send_restored(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": _restore_search_arg(message["headers"])}
                await send(message)

            await app({**scope, "query_string": rewritten}, receive, send_restored)

        return table_search

    return wrap
