"""Keep "404 Not Found" a 404 when rich is installed.

Datasette 0.65's default exception handler prints every error with
``rich.get_console().print_exception()``. For a URL that matches no route it does so
outside an ``except`` block, where rich raises ValueError, so the visitor gets a 500
instead of the 404 page. Without rich the handler falls back to the standard library
(``traceback.print_exc()``, only for real 500s), which is what this plugin selects.
Imports only datasette.
"""

from __future__ import annotations

from typing import Any

from datasette import handle_exception, hookimpl


@hookimpl
def startup(datasette: Any) -> None:
    handle_exception.rich = None  # type: ignore[attr-defined]
