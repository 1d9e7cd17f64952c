"""Stream full CSV in big pages: ``.csv?_stream=on`` without ``_size`` gets ``_size=max``.

Datasette 0.65 streams CSV page by page at the table's page size (50 rows here) unless
the URL says ``_size=max``; its own "CSV" links do, hand-written URLs usually don't. For
views every page re-runs the query with a growing OFFSET, so small pages make a full
export about ten times slower. Imports only datasette and the standard library.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from datasette import hookimpl


def _wants_full_pages(scope: dict[str, Any]) -> bool:
    args = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    is_csv = scope.get("path", "").endswith(".csv") or args.get("_format") == ["csv"]
    return is_csv and any(args.get("_stream", [])) and "_size" not in args


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def full_pages(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and _wants_full_pages(scope):
                query = scope.get("query_string", b"")
                scope = {**scope, "query_string": query + b"&_size=max"}
            await app(scope, receive, send)

        return full_pages

    return wrap
