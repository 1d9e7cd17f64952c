"""Table search speaks the archive's search language: ``?_search=`` becomes ``?_q=``.

Datasette's own table search escapes every query (or, in raw mode, fails on a typo), so
this wrapper renames the argument before Datasette reads it and ``table_search.py``
answers it instead; the table page keeps its search box, which still submits
``_search``. Imports only datasette and the standard library.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

TABLE_SEARCH_ARG = "_q"

def _rename_search_arg(query_string: bytes) -> bytes | None:
    """Return the query string with ``_search`` renamed, or None if it has none."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    if not any(key == "_search" for key, _ in pairs):
        return None
    renamed = [(TABLE_SEARCH_ARG if key == "_search" else key, value) for key, value in pairs]
    return urlencode(renamed, encoding="latin-1").encode("latin-1")


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def table_search(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http":
                renamed = _rename_search_arg(scope.get("query_string", b""))
                if renamed is not None:
                    scope = {**scope, "query_string": renamed}
            await app(scope, receive, send)

        return table_search

    return wrap
