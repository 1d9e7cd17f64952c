"""Full CSV of a table or view at export speed: ``/<db>/<name>.csv?_stream=on``.

Datasette streams CSV page by page through its table view (about 20,000 rows/s for
``comment_threads``); a plain ``?_stream=on`` of a whole table or view, with no filter,
sort or search, is answered here instead with the bytes ``fitarchive export NAME --format
csv`` writes: a header row, then every row in the table's storage order (or the view's
own ORDER BY), ``\\r\\n`` line ends, BLOBs as base64. A reader thread fetches batches from a
read-only connection while the previous batch is sent; at most :data:`AHEAD` batches wait
in memory. Anything else (filters, ``_sort``, ``_search``, ``_labels``, a database or name
Datasette would spell differently, an instance where anonymous visitors may not read the
table) goes to Datasette unchanged. Imports only datasette and the standard library.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from datasette import hookimpl

ROWS_PER_BATCH = 2000
AHEAD = 8
#: arguments that do not change the rows of a full stream
PASSIVE_ARGS = {"_stream", "_size", "_dl", "_nofacet", "_nocount", "_nosuggest"}


def _target(scope: dict[str, Any]) -> tuple[str, str, bool] | None:
    """Return (database, name, download) for a plain full-CSV stream request, else None."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return None
    parts = scope.get("path", "").split("/")
    if len(parts) != 3 or not parts[2].endswith(".csv"):
        return None
    args = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    if not args.get("_stream") or set(args) - PASSIVE_ARGS:
        return None
    return unquote(parts[1]), unquote(parts[2][: -len(".csv")]), bool(args.get("_dl"))


def _csv_batches(path: str, name: str) -> Iterator[bytes]:
    """Yield the CSV of ``name`` in ``path`` as UTF-8 chunks (as ``fitarchive export``)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        quoted = '"' + name.replace('"', '""') + '"'
        info = conn.execute(f"pragma table_info({quoted})").fetchall()
        blobs = [i for i, r in enumerate(info) if str(r[2]).upper() == "BLOB"]
        cursor = conn.execute(f"select * from {quoted}")
        lines: list[str] = []
        writer = csv.writer(_Lines(lines))  # appends each formatted row: no StringIO copies
        writer.writerow([d[0] for d in cursor.description])
        while rows := cursor.fetchmany(ROWS_PER_BATCH):
            if blobs:
                rows = [_base64_blobs(list(row), blobs) for row in rows]
            writer.writerows(rows)
            yield "".join(lines).encode("utf-8")
            lines.clear()
        if lines:
            yield "".join(lines).encode("utf-8")
    finally:
        conn.close()


class _Lines:
    """A file-like target for ``csv.writer`` that keeps each written row in a list."""

    def __init__(self, lines: list[str]) -> None:
        self.write = lines.append


def _base64_blobs(row: list[Any], blobs: list[int]) -> list[Any]:
    for i in blobs:
        if isinstance(row[i], bytes):
            row[i] = base64.b64encode(row[i]).decode("ascii")
    return row


async def _readable(datasette: Any, database: str, name: str) -> str | None:
    """The database file if ``name`` is a table or view anyone may stream, else None."""
    db = datasette.databases.get(database)
    if db is None or not db.path or not datasette.setting("allow_csv_stream"):
        return None
    if name not in await db.table_names() and name not in await db.view_names():
        return None
    for action, resource in (("view-instance", None), ("view-database", database),
                             ("view-table", (database, name))):
        if not await datasette.permission_allowed(None, action, resource, default=True):
            return None
    return str(db.path)


async def _stream(path: str, name: str, download: bool, send: Any) -> None:
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes | None] = asyncio.Queue()
    room = threading.Semaphore(AHEAD)
    stop = threading.Event()

    def read() -> None:
        try:
            for chunk in _csv_batches(path, name):
                room.acquire()
                if stop.is_set():
                    return
                loop.call_soon_threadsafe(chunks.put_nowait, chunk)
        finally:
            loop.call_soon_threadsafe(chunks.put_nowait, None)

    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    if download:
        headers = [(b"content-type", b"text/csv; charset=utf-8"),
                   (b"content-disposition", f'attachment; filename="{name}.csv"'.encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while (chunk := await chunks.get()) is not None:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            room.release()
        await send({"type": "http.response.body", "body": b""})
    finally:
        stop.set()
        room.release()


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def fast_csv(scope: dict[str, Any], receive: Any, send: Any) -> None:
            target = _target(scope)
            path = await _readable(datasette, *target[:2]) if target else None
            if target is None or path is None:
                await app(scope, receive, send)
                return
            await _stream(path, target[1], target[2], send)

        return fast_csv

    return wrap
