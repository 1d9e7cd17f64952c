"""Publish an archive: run Datasette on it with the ``archive/`` configuration, and
stream any table or view out as CSV or JSON.

``archive/`` is a Datasette 0.65 configuration directory (metadata.yml, settings.json,
templates/, plugins/, static/). Datasette is not started in configuration-directory
mode, because that mode would also pick up every ``*.db`` lying in ``archive/`` and
gives up ``archive/static`` as soon as another static directory is mounted; instead
:func:`serve_command_args` passes each part explicitly, and mounts the image store
(``images/`` next to the database) at ``/images/``.

The export never goes through Datasette: it is one read-only sqlite3 cursor written
row by row, so memory stays flat however big the table is.

Imports only the standard library and ``scraper.errors``.
"""

from __future__ import annotations

import base64
import csv
import errno
import importlib.resources
import io
import json
import os
import socket
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO, Literal, NoReturn

from scraper.errors import ListenError, UsageError

__all__ = [
    "ARCHIVE_CONFIG_DIR",
    "IMAGES_MOUNT",
    "SINCE_COLUMNS",
    "check_port_free",
    "datasette_kwargs",
    "run_datasette",
    "serve_command_args",
    "stream_export",
]



def _archive_config_dir() -> Path:
    """Find the Datasette configuration: ``archive/`` beside ``scraper/`` in a source
    checkout, else the installed ``fitarchive_site`` package (``archive/`` in a wheel)."""
    checkout = Path(__file__).resolve().parent.parent / "archive"
    if (checkout / "metadata.yml").is_file():
        return checkout
    try:
        installed = Path(str(importlib.resources.files("fitarchive_site")))
    except ModuleNotFoundError:
        return checkout  # reported part by part by _config_paths
    return installed


#: The Datasette configuration directory shipped with the project.
ARCHIVE_CONFIG_DIR = _archive_config_dir()

#: URL prefix under which the image store is served (``/images/ab/abcdef....jpg``).
IMAGES_MOUNT = "images"

#: Time columns ``since`` filters on, in order of preference; the first one a table or
#: view has is used (posts and comments: ``published_at``; post_versions:
#: ``captured_at``; images, fetches, pages: ``fetched_at``; crawl_runs: ``started_at``).
SINCE_COLUMNS = (
    "published_at",
    "captured_at",
    "fetched_at",
    "started_at",
    "updated_at",
    "last_crawled_at",
    "first_seen_at",
)

_ROWS_PER_BATCH = 2000


def _config_paths(config_dir: Path) -> dict[str, Path]:
    paths = {
        "metadata": config_dir / "metadata.yml",
        "settings": config_dir / "settings.json",
        "templates": config_dir / "templates",
        "plugins": config_dir / "plugins",
        "static": config_dir / "static",
    }
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise UsageError(
            f"incomplete Datasette configuration in {config_dir}: missing {missing[0]}"
        )
    return paths


def _settings(path: Path, *, allow_sql: bool) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    settings["default_allow_sql"] = bool(allow_sql)
    return settings


def _check_db(db_path: Path) -> Path:
    if not db_path.is_file():
        raise UsageError(f"no archive at {db_path}: run `fitarchive crawl` first or pass --db")
    return db_path.resolve()


def _static_mounts(db_path: Path, static_dir: Path) -> list[tuple[str, str]]:
    mounts = [("static", str(static_dir.resolve()))]
    images = db_path.parent / IMAGES_MOUNT
    if images.is_dir():
        mounts.append((IMAGES_MOUNT, str(images)))
    return mounts


def datasette_kwargs(
    db_path: Path, *, allow_sql: bool = False, config_dir: Path | None = None
) -> dict[str, Any]:
    """Return keyword arguments for ``datasette.app.Datasette`` equal to what
    :func:`serve_command_args` configures, for running the archive in-process.

    :raises UsageError: if the database or part of the configuration is missing.
    """
    import yaml  # a Datasette dependency, only needed here

    db = _check_db(Path(db_path))
    paths = _config_paths(config_dir or ARCHIVE_CONFIG_DIR)
    return {
        "files": [str(db)],
        "metadata": yaml.safe_load(paths["metadata"].read_text(encoding="utf-8")),
        "settings": _settings(paths["settings"], allow_sql=allow_sql),
        "template_dir": str(paths["templates"].resolve()),
        "plugins_dir": str(paths["plugins"].resolve()),
        "static_mounts": _static_mounts(db, paths["static"]),
    }


def serve_command_args(
    db_path: Path,
    *,
    port: int,
    host: str = "127.0.0.1",
    allow_sql: bool = False,
    config_dir: Path | None = None,
) -> list[str]:
    """Return the argv that runs ``datasette serve`` on ``db_path`` with the archive's
    metadata, templates, plugins, static files, settings and image store.

    Arbitrary SQL (``?sql=`` and ``_where=``) stays off unless ``allow_sql`` is true.
    The image store is mounted only if ``images/`` exists next to the database.

    :raises UsageError: for a missing database, a bad port or an incomplete config dir.
    """
    if not 0 < int(port) < 65536:
        raise UsageError(f"port must be between 1 and 65535, got {port}")
    db = _check_db(Path(db_path))
    paths = _config_paths(config_dir or ARCHIVE_CONFIG_DIR)
    argv = [
        sys.executable, "-m", "datasette", "serve", str(db),
        "--host", host,
        "--port", str(int(port)),
        "--metadata", str(paths["metadata"].resolve()),
        "--template-dir", str(paths["templates"].resolve()),
        "--plugins-dir", str(paths["plugins"].resolve()),
    ]
    for mount, directory in _static_mounts(db, paths["static"]):
        argv += ["--static", f"{mount}:{directory}"]
    for name, value in _settings(paths["settings"], allow_sql=allow_sql).items():
        if isinstance(value, bool):
            value = "on" if value else "off"
        argv += ["--setting", name, str(value)]
    return argv


def check_port_free(host: str, port: int) -> None:
    """Check that a server can listen on ``host``:``port`` now, as uvicorn would bind it.

    :raises ListenError: the port is taken, not allowed, or the host is not an address here.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise ListenError(f"cannot listen on {host}:{port}: {host!r} is not an address here ({exc})") from None
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # uvicorn sets it too
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ListenError(f"port {port} on {host} is already in use; pick another with --port") from None
            raise ListenError(f"cannot listen on {host}:{port} ({exc.strerror})") from None


def run_datasette(
    db_path: Path,
    *,
    port: int,
    host: str = "127.0.0.1",
    allow_sql: bool = False,
    config_dir: Path | None = None,
) -> NoReturn:
    """Replace the current process with Datasette serving ``db_path``.

    :raises UsageError: as :func:`serve_command_args`.
    :raises ListenError: as :func:`check_port_free`.
    """
    argv = serve_command_args(
        db_path, port=port, host=host, allow_sql=allow_sql, config_dir=config_dir
    )
    check_port_free(host, port)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)


# --- export -----------------------------------------------------------------------


def _connect_readonly(db_path: Path) -> sqlite3.Connection:
    if not Path(db_path).is_file():
        raise UsageError(f"no archive at {db_path}")
    uri = Path(db_path).resolve().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _resolve_name(conn: sqlite3.Connection, name: str, db_path: Path) -> str:
    row = conn.execute(
        "select name from sqlite_master where type in ('table', 'view') "
        "and lower(name) = lower(?)",
        (name,),
    ).fetchone()
    if row is None:
        names = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type in ('table', 'view') "
                "and name not like '%\\_fts%' escape '\\' "
                "and name not like 'sqlite\\_%' escape '\\' order by name"
            )
        ]
        raise UsageError(
            f"no table or view named {name!r} in {db_path} (try one of: {', '.join(names)})"
        )
    return str(row[0])


def _normalize_since(since: str) -> str:
    text = since.strip()
    try:
        if len(text) == 10:
            return datetime.strptime(text, "%Y-%m-%d").date().isoformat()
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"since must be an ISO 8601 date or time such as 2024-02-11, got {since!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def _build_query(
    name: str,
    columns: list[str],
    where: str | None,
    params: Sequence[Any] | Mapping[str, Any] | None,
    since: str | None,
) -> tuple[str, Sequence[Any] | dict[str, Any]]:
    clauses: list[str] = []
    bound: list[Any] | dict[str, Any]
    bound = dict(params) if isinstance(params, Mapping) else list(params or ())
    if where:
        clauses.append(f"({where})")
    if since is not None:
        column = next((c for c in SINCE_COLUMNS if c in columns), None)
        if column is None:
            raise UsageError(f"{name} has no time column to filter with since")
        clauses.append(f"{_quote(column)} >= " + (":_since" if isinstance(bound, dict) else "?"))
        value = _normalize_since(since)
        if isinstance(bound, dict):
            bound["_since"] = value
        else:
            bound.append(value)
    sql = f"select * from {_quote(name)}"
    if clauses:
        sql += " where " + " and ".join(clauses)
    return sql, bound


def _batches(cursor: sqlite3.Cursor) -> Iterator[list[Any]]:
    while True:
        rows = cursor.fetchmany(_ROWS_PER_BATCH)
        if not rows:
            return
        yield rows


def _json_default(value: object) -> object:
    if isinstance(value, bytes):
        return {"$base64": True, "encoded": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot export {type(value).__name__} as JSON")


def _csv_rows(batch: list[Any], blob_columns: list[int]) -> Iterable[Any]:
    if not blob_columns:
        return batch
    rows = []
    for row in batch:
        row = list(row)
        for i in blob_columns:
            if isinstance(row[i], bytes):
                row[i] = base64.b64encode(row[i]).decode("ascii")
        rows.append(row)
    return rows


def stream_export(
    db_path: Path,
    table_or_view: str,
    fmt: Literal["csv", "json"],
    out: BinaryIO,
    where: str | None = None,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    since: str | None = None,
) -> int:
    """Write every row of ``table_or_view`` to ``out`` and return how many were written.

    ``fmt="csv"``: UTF-8 CSV with a header row. ``fmt="json"``: newline-delimited JSON,
    one object per row keyed by column name (``jq -s`` turns it into an array). BLOB
    values are base64 text in CSV and ``{"$base64": true, "encoded": ...}`` in JSON, as
    Datasette writes them. Rows come in the table's storage order, or in the view's own
    ORDER BY (``comment_threads`` is in thread order).

    ``where`` is an SQL condition with ``?`` or ``:name`` placeholders bound from
    ``params``. ``since`` (ISO 8601 date or time, UTC if no offset) keeps rows whose
    first :data:`SINCE_COLUMNS` column is at or after it. The database is opened
    read-only; rows are fetched in batches, so memory use does not grow with the table.

    :raises UsageError: unknown table or view, bad format, bad ``where`` or ``since``.
    """
    if fmt not in ("csv", "json"):
        raise UsageError(f"format must be csv or json, got {fmt!r}")
    db_path = Path(db_path)
    conn = _connect_readonly(db_path)
    try:
        name = _resolve_name(conn, table_or_view, db_path)
        info = conn.execute(f"pragma table_info({_quote(name)})").fetchall()
        columns = [r[1] for r in info]
        sql, bound = _build_query(name, columns, where, params, since)
        try:
            cursor = conn.execute(sql, bound)
        except sqlite3.Error as exc:
            raise UsageError(f"cannot export {name} with where={where!r}: {exc}") from None
        columns = [d[0] for d in cursor.description]
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        count = 0
        try:
            if fmt == "csv":
                blob_columns = [i for i, r in enumerate(info) if str(r[2]).upper() == "BLOB"]
                writer = csv.writer(text)
                writer.writerow(columns)
                for batch in _batches(cursor):
                    writer.writerows(_csv_rows(batch, blob_columns))
                    count += len(batch)
            else:
                dumps = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
                for batch in _batches(cursor):
                    text.write("".join(dumps(dict(zip(columns, row))) + "\n" for row in batch))
                    count += len(batch)
        finally:
            text.flush()
            text.detach()
        return count
    finally:
        conn.close()
