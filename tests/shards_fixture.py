"""Blogs on their own loopback addresses, crawled whole or by shard, and archives compared row for row.

Shared by the merge and the Celery tests: each blog is the bundled sample
blog served by a ``FaultServer`` on 127.0.1.N (its own host, so its own shard
key and politeness slot).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from faults.server import FaultServer

from scraper.shard import shard_of
from scraper.urls import politeness_key

ROOT = Path(__file__).resolve().parent.parent
DELAY = 0.05

#: Columns left out when a sharded crawl is compared with a single one: when things happened,
#: how long they took, and the ids of run bookkeeping (a run's id is local to the archive that made it).
VOLATILE = {"elapsed_ms"}
RUN_IDS = {("crawl_runs", "id"), ("fetches", "id"), ("fetches", "run_id")}
#: The contract tables compared.
TABLES = (
    "sites",
    "authors",
    "terms",
    "posts",
    "post_versions",
    "post_terms",
    "images",
    "post_images",
    "comments",
    "crawl_runs",
    "fetches",
    "pages",
    "crawl_state",
)


def start_blogs(
    count: int, shards: int, *, first: int = 21, delay_s: float = 0.0, cover: bool = True
) -> list[FaultServer]:
    """Start ``count`` sample blogs on 127.0.1.N, such that no shard of ``shards`` is left empty (``cover``).

    Ports are random, so the assignment is only known once they are bound:
    servers are added until every shard has a blog (and ``count`` are running).
    """
    servers: list[FaultServer] = []
    address = first
    while True:
        server = FaultServer(host=f"127.0.1.{address}", delay_s=delay_s).start()
        servers.append(server)
        address += 1
        used = {shard_of(politeness_key(s.url), shards) for s in servers}
        if len(servers) >= count and (len(used) == shards or not cover):
            return servers
        if address > first + 40:
            raise RuntimeError("could not spread the blogs over every shard")


def write_config(path: Path, urls: list[str], *, delay: float = DELAY) -> Path:
    path.write_text(
        f"delay = {delay}\nconcurrency = 2\n" + "".join(f'[[sites]]\nurl = "{u}"\n' for u in urls)
    )
    return path


def env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


def fitarchive(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the command line in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env(),
        check=False,
    )


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_xinfo({table})") if row[6] == 0]


def contract_rows(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every contract table's rows, sorted, without times, durations and run bookkeeping ids."""
    conn = sqlite3.connect(db_path)
    try:
        result = {}
        for table in TABLES:
            columns = [
                c
                for c in _columns(conn, table)
                if not c.endswith("_at") and c not in VOLATILE and (table, c) not in RUN_IDS
            ]
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            result[table] = sorted(rows, key=repr)
        return result
    finally:
        conn.close()


def full_dump(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every merged table's rows with every column, sorted: two equal dumps are the same archive."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE '%_fts%' AND name != '_sqlite_migrations' ORDER BY name"
            )
        ]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def image_files(root: Path) -> dict[str, bytes]:
    """The image store under ``root``: relative path -> bytes."""
    store = root / "images"
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()
    }
