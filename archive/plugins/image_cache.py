"""Let browsers keep image-store files forever: they are named by their SHA-256, so a
file under ``/images/`` never changes. Adds ``Cache-Control: immutable`` to those
successful responses. Imports only datasette and the standard library.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

CACHE_CONTROL = b"public, max-age=31536000, immutable"


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    prefix = (datasette.setting("base_url").rstrip("/") + "/images/").encode()

    def wrap(app: Any) -> Any:
        async def add_cache_header(scope: dict, receive: Any, send: Any) -> None:
            path = scope.get("raw_path") or scope.get("path", "").encode()
            if scope.get("type") != "http" or not path.startswith(prefix):
                return await app(scope, receive, send)

            async def send_with_header(event: dict) -> None:
                if event["type"] == "http.response.start" and event.get("status") == 200:
                    headers = [
                        h for h in event.get("headers", []) if h[0].lower() != b"cache-control"
                    ]
                    headers.append((b"cache-control", CACHE_CONTROL))
                    event = {**event, "headers": headers}
                await send(event)

            return await app(scope, receive, send_with_header)

        return add_cache_header

    return wrap
