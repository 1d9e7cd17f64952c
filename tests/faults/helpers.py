"""Checks shared by the fault, crash-safety and hostile-content tests.

``snapshot`` reads an archive's content tables as sets of rows without the
columns that only record *when* something happened, so two archives (or one
archive before and after a re-crawl) can be compared for equality.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "CONTENT_TABLES",
    "TIME_COLUMNS",
    "file_hash",
    "image_store_files",
    "integrity_check",
    "orphan_rows",
    "run_bounded",
    "snapshot",
]

T = TypeVar("T")

CONTENT_TABLES = ("posts", "comments", "post_images", "images", "authors", "terms", "post_terms", "post_versions")
TIME_COLUMNS = frozenset(
    {"first_seen_at", "last_seen_at", "comments_checked_at", "fetched_at", "captured_at", "updated_at"}
)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"pragma table_info('{table}')")]


def snapshot(db_path: Path, tables: tuple[str, ...] = CONTENT_TABLES) -> dict[str, set[tuple[Any, ...]]]:
    """Rows of ``tables`` as sets of tuples, time columns left out (columns in name order)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        result = {}
        for table in tables:
            columns = sorted(c for c in _columns(conn, table) if c not in TIME_COLUMNS)
            sql = f"select {', '.join(columns)} from {table}"
            result[table] = {tuple(row) for row in conn.execute(sql)}
        return result
    finally:
        conn.close()


def rows_by_key(db_path: Path, table: str, key: str) -> dict[Any, dict[str, Any]]:
    """Rows of ``table`` as dicts keyed by column ``key``, time columns left out."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return {
            row[key]: {k: row[k] for k in row.keys() if k not in TIME_COLUMNS}  # noqa: SIM118 - sqlite3.Row
            for row in conn.execute(f"select * from {table}")
        }
    finally:
        conn.close()


def query(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run a read-only query on the archive."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [tuple(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def integrity_check(db_path: Path) -> str:
    """``PRAGMA integrity_check`` of the file ("ok" when sound)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return "\n".join(str(row[0]) for row in conn.execute("pragma integrity_check"))
    finally:
        conn.close()


def orphan_rows(db_path: Path) -> dict[str, int]:
    """Rows whose parent row is missing, by kind (all zero in a sound archive)."""
    checks = {
        "comments without post": "select count(*) from comments where post_id not in (select id from posts)",
        "replies without parent": "select count(*) from comments where parent_id is not null "
        "and parent_id not in (select id from comments)",
        "post_images without post": "select count(*) from post_images where post_id not in (select id from posts)",
        "post_images without image": "select count(*) from post_images where image_id not in (select id from images)",
        "images unused": "select count(*) from images where id not in (select image_id from post_images)",
        "post_terms without post": "select count(*) from post_terms where post_id not in (select id from posts)",
        "post_terms without term": "select count(*) from post_terms where term_id not in (select id from terms)",
        "versions without post": "select count(*) from post_versions where post_id not in (select id from posts)",
        "posts without site": "select count(*) from posts where site_id not in (select id from sites)",
        "fetches without run": "select count(*) from fetches where run_id not in (select id from crawl_runs)",
    }
    return {name: query(db_path, sql)[0][0] for name, sql in checks.items()}


def image_store_files(root: Path) -> list[Path]:
    """Every file under ``root/images`` (temporary files included), relative to ``root``."""
    images = root / "images"
    if not images.exists():
        return []
    return sorted(p.relative_to(root) for p in images.rglob("*") if p.is_file())


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_bounded(func: Callable[[], T], timeout_s: float) -> T:
    """Call ``func`` in a thread; fail the test when it takes longer than ``timeout_s``."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise AssertionError(f"did not finish within {timeout_s}s")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]
