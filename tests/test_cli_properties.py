"""Every command, driven with generated arguments, fails cleanly or succeeds: never a traceback.

Hypothesis combines paths that exist, do not exist or are directories, bad
numbers, bad dates, bad regexes and bad URLs, and each run must end with exit
code 0, 1 or 2, no "Traceback", a short stderr, and the archive file byte for
byte as it was whenever the exit code is not 0. Commands run in-process with
``CliRunner(catch_exceptions=False)``, so an unhandled exception fails the test.

Each run works in its own scratch folder (also its working directory, so the
default ``--db`` is there too). Nothing leaves 127.0.0.1: the only reachable-looking URL is a closed port
(``http://127.0.0.1:1/``). ``serve`` and ``demo`` never start a server:
``publish.run_datasette`` is replaced, and ``demo`` only gets ports that are
invalid or taken, so it stops before crawling the sample blog.
"""

from __future__ import annotations

import hashlib
import sqlite3
import logging
import shutil
import signal
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scraper import publish, store
from scraper.cli import _LIBRARY_LOGGERS, cli


@dataclass(frozen=True)
class P:
    """A path placeholder, made real in each run's scratch folder."""

    kind: str


DB_KINDS = ("archive", "missing", "missing-folder", "directory", "not-sqlite", "corrupt", "empty-file")
CONFIG_KINDS = ("config-missing", "directory", "config-not-toml", "config-bad-regex", "config-misspelt",
                "config-closed-port", "config-not-utf8")
OUTPUT_KINDS = ("new-file", "missing-folder", "directory", "archive", "not-sqlite")
BUSY = "<busy port>"

URLS = ("http://127.0.0.1:1/", "127.0.0.1:1", "ftp://127.0.0.1/", "not a url", "http://", "http://[::1/",
        "http://127.0.0.1:99999/", "javascript:alert(1)", "", "file:///etc/passwd")
NUMBERS = ("0", "-1", "1", "abc", "1e400", "nan", "inf", "-inf", "99999999999999999999", "")
DATES = ("2024-01-01", "yesterday", "2024-13-45", "", "0000-00-00", "2024-02-30", "2024-01-01T00:00:00Z")
REGEXES = ("(", "[a-", "*", "ok", ".*", "(?P<x", "\\", "a{2,1}")


def option(name: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """``[name, value]`` or, twice as often, nothing (so that some runs get far)."""
    return st.sampled_from([False, False, True]).flatmap(
        lambda given: values.map(lambda value: [name, value]) if given else st.just([])
    )


def flag(name: str) -> st.SearchStrategy[list[Any]]:
    return st.sampled_from([[], [name]])


def command(name: str, *parts: st.SearchStrategy[list[Any]]) -> st.SearchStrategy[list[Any]]:
    return st.tuples(*parts).map(lambda chosen: [name] + [token for part in chosen for token in part])


db_path = st.sampled_from(DB_KINDS + ("archive",) * 4).map(P)
db = option("--db", db_path)
bad_or_busy_port = st.sampled_from(["0", "65536", "-1", "abc", "", BUSY])

COMMANDS = st.one_of(
    command(
        "crawl",
        st.one_of(st.just([]), st.sampled_from(URLS).map(lambda url: [url])),
        db,
        option("--config", st.sampled_from(CONFIG_KINDS).map(P)),
        option("--delay", st.sampled_from(NUMBERS)),
        option("--concurrency", st.sampled_from(NUMBERS)),
        option("--max-posts", st.sampled_from(NUMBERS)),
        option("--since", st.sampled_from(DATES)),
        option("--include", st.sampled_from(REGEXES)),
        option("--exclude", st.sampled_from(REGEXES)),
        flag("--no-images"),
        flag("-q"),
    ),
    command(
        "serve",
        db,
        option("--port", st.sampled_from(["0", "65536", "abc", "", "-1", BUSY, "8001"])),
        option("--host", st.sampled_from(["127.0.0.1", "::1", "10.255.255.1", ""])),
        flag("--allow-sql"),
    ),
    command(
        "export",
        st.sampled_from(["posts", "comments", "comment_threads", "nope", "", "sqlite_master", "posts; drop table posts"])
        .map(lambda table: [table]),
        db,
        option("--format", st.sampled_from(["csv", "json", "xml"])),
        option("-o", st.sampled_from(OUTPUT_KINDS).map(P)),
        option("--where", st.sampled_from(["1=1", "depth >", "1); drop table posts; --", "nosuch = 1", "'"])),
        option("--since", st.sampled_from(DATES)),
    ),
    command("stats", db),
    command("migrate", db),
    command("reextract", db),
    command("demo", db, bad_or_busy_port.map(lambda port: ["--port", port])),
)


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


RUN_LOG = ("crawl_runs", "fetches")  # a failed crawl records itself there


def archived_rows(path: Path) -> dict[str, list[tuple[object, ...]]] | None:
    """Every row of an archive's tables except the run log, or None when it is not an archive."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = [row[0] for row in conn.execute(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")]
            return {name: sorted(conn.execute(f'select * from "{name}"').fetchall(), key=repr)
                    for name in names if name not in RUN_LOG}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


EMPTY = hashlib.sha256(b"").hexdigest()
_TEMPLATE: list[Path] = []


def archive_template() -> Path:
    """An empty, fully migrated archive, made once."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="fitarchive-props-"))
        store.open_db(folder / "template.db").close()
        _TEMPLATE.append(folder / "template.db")
    return _TEMPLATE[0]


def make_path(kind: str, scratch: Path) -> Path:
    """Create what ``kind`` names inside ``scratch`` and return its path."""
    path = scratch / kind
    if kind == "archive":
        shutil.copy(archive_template(), path)
    elif kind in ("missing", "config-missing"):
        pass
    elif kind == "missing-folder":
        path = scratch / "no" / "such" / "folder" / "x.db"
    elif kind == "directory":
        path.mkdir()
    elif kind == "not-sqlite":
        path.write_text("id,title\n1,Leg day\n")
    elif kind == "corrupt":
        path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    elif kind == "empty-file":
        path.touch()
    elif kind == "new-file":
        path = scratch / "out.csv"
    elif kind == "config-not-toml":
        path.write_text("delay = [\n")
    elif kind == "config-bad-regex":
        path.write_text('[[sites]]\nurl = "http://127.0.0.1:1/"\ninclude = ["("]\n')
    elif kind == "config-misspelt":
        path.write_text('dealy = 1\n[[sites]]\nurl = "http://127.0.0.1:1/"\n')
    elif kind == "config-closed-port":
        path.write_text('delay = 0\nretries = 0\n[[sites]]\nurl = "http://127.0.0.1:1/"\n')
    elif kind == "config-not-utf8":
        path.write_bytes(b"\xff\xfe bad bytes")
    else:  # pragma: no cover - a kind without a maker is a bug in this test
        raise AssertionError(kind)
    return path


@contextmanager
def users_process_state() -> Iterator[None]:
    """Give back what a command changes for its process: logging levels and handlers, signal handlers."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    libraries = {name: logging.getLogger(name).level for name in _LIBRARY_LOGGERS}
    signals = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, library_level in libraries.items():
            logging.getLogger(name).setLevel(library_level)
        for sig, handler in signals.items():
            signal.signal(sig, handler)


def _served(*args: object, **kwargs: object) -> None:
    raise SystemExit(0)  # stands in for Datasette replacing the process


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(COMMANDS)
def test_every_command_fails_cleanly_or_succeeds(args: list[Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="fitarchive-prop-") as folder, socket.socket() as busy, \
            users_process_state(), mock.patch.object(publish, "run_datasette", _served):
        scratch = Path(folder)
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        made: dict[str, Path] = {}
        argv = []
        for token in args:
            if isinstance(token, P):
                if token.kind not in made:
                    made[token.kind] = make_path(token.kind, scratch)
                token = made[token.kind]
            elif token == BUSY:
                token = str(busy.getsockname()[1])
            argv.append(str(token))
        if args[0] == "demo":
            assert "--port" in argv and "--no-serve" not in argv  # so demo stops before crawling
        db = Path(argv[argv.index("--db") + 1]) if "--db" in argv else None
        before = {path: digest(path) for path in made.values()}
        rows_before = archived_rows(db) if db is not None and before.get(db) not in (None, EMPTY) else None

        runner = CliRunner()
        with runner.isolated_filesystem(temp_dir=scratch):  # without --db: ./archive/fitness.db in scratch
            result = runner.invoke(cli, argv, prog_name="fitarchive", catch_exceptions=False)

        event(f"{args[0]} exit {result.exit_code}")
        output = result.stdout + result.stderr
        assert result.exit_code in (0, 1, 2), (argv, result.exit_code, output)
        assert "Traceback" not in output, (argv, output)
        assert len(result.stderr.splitlines()) <= 5, (argv, result.stderr)
        if result.exit_code != 0:
            assert result.stderr.strip(), (argv, "failed without saying why")
            for path, was in before.items():  # the archive, and every other file given, as it was
                if args[0] == "crawl" and path == db and was in (None, EMPTY):
                    continue  # a first crawl that fails may leave a new, empty archive behind
                if args[0] == "crawl" and path == db and rows_before is not None:
                    assert archived_rows(path) == rows_before, (argv, "a failed crawl changed what was archived")
                    continue  # beyond its own failed run in the run log
                assert digest(path) == was, (argv, path, result.stderr)
        if db is not None and db in made.values() and before[db] is not None and args[0] != "migrate" \
                and args[0] != "reextract" and result.exit_code == 0 and args[0] != "crawl":
            assert digest(db) == before[db], (argv, "a read-only command changed the archive")
