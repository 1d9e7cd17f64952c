"""A 404 page like the archive's other pages: its stylesheet, the crumbs, links to the
main tables and the search box (``templates/error.html``).

Datasette 0.65 renders error pages with a bare context (no metadata stylesheets, no
template variables from plugins); for "not found" this renders the same template
through ``datasette.render_template`` instead. Other errors, and ``.json`` URLs, keep
Datasette's own handling. Imports only datasette.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Base400, Response


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    if not isinstance(exception, Base400) or exception.status != 404:
        return None
    if request is None or request.path.split("?")[0].endswith(".json"):
        return None

    async def inner() -> Response:
        context = {"ok": False, "error": exception.args[0] if exception.args else "Not found",
                   "status": 404, "title": None}
        html = await datasette.render_template("error.html", context, request=request,
                                               view_name="page")
        return Response.html(html, status=404)

    return inner
