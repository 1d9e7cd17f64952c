"""Bad input at the command line: one line naming the problem, exit 2 or 1, the archive untouched.

Each case runs the ``fitarchive`` click group in-process (``CliRunner``;
logging handlers are restored afterwards) and checks: the exit code (2 for
bad usage, 1 otherwise), exactly one ``Error: ...`` line on stderr that names
the problem, no unhandled exception (so no traceback), and the database file
byte for byte as it was. A few cases also run ``python -m scraper`` in a
subprocess, where ``--debug`` must print the traceback. Servers are loopback
only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlite_utils import Database
from faults.helpers import snapshot
from faults.server import FaultServer, status

from scraper.cli import cli

REPO = Path(__file__).resolve().parents[1]
ALL_TABLES = ("sites", "posts", "comments", "images", "post_images", "authors", "terms", "post_terms",
              "post_versions", "crawl_runs", "fetches", "pages", "crawl_state")


@dataclass
class Outcome:
    """What one command did: exit code, stderr, and the exception it did not handle (if any)."""

    returncode: int
    stderr: str
    unhandled: BaseException | None = None


def fitarchive(*args: str) -> Outcome:
    """Run the CLI in-process."""
    result = CliRunner().invoke(cli, list(args), prog_name="fitarchive")
    unhandled = None if result.exception is None or isinstance(result.exception, SystemExit) else result.exception
    return Outcome(result.exit_code, result.stderr, unhandled)


def fitarchive_process(*args: str) -> Outcome:
    """Run ``python -m scraper`` as users do."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "scraper", *args], capture_output=True, text=True, timeout=60,
                          env=env, cwd=REPO, check=False)
    return Outcome(done.returncode, done.stderr)


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The crawl command configures logging for users; give pytest its handlers back."""
    root, httpx_logger = logging.getLogger(), logging.getLogger("httpx")
    handlers, level, httpx_level = root.handlers[:], root.level, httpx_logger.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    httpx_logger.setLevel(httpx_level)


def assert_one_line_error(done: Outcome, code: int, *needles: str) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: ")]
    assert done.unhandled is None, f"unhandled {done.unhandled!r}: a user would see a traceback"
    assert done.returncode == code, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert len(errors) == 1, done.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as fault_server:
        yield fault_server


@pytest.fixture(scope="module")
def archive_template(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small, valid archive (2 posts) to copy into each test."""
    db = tmp_path_factory.mktemp("template") / "archive.db"
    done = fitarchive_process("crawl", server.url, "--db", str(db), "--delay", "0", "--max-posts", "2",
                              "--no-images", "-q")
    assert done.returncode == 0, done.stderr
    assert not Path(str(db) + "-wal").exists()  # checkpointed: the bytes are the whole archive
    return db


@pytest.fixture
def archive(archive_template: Path, tmp_path: Path) -> Path:
    db = tmp_path / "archive.db"
    shutil.copy(archive_template, db)
    return db


# ---------------------------------------------------------------- the URL


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("ftp://example.com/", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("not a url", "no valid host name"),
        ("http://", "no valid host name"),
        ("http://[::1/", "Invalid IPv6 URL"),
        ("http://example.com:99999/", "bad port"),
    ],
)
def test_not_a_url_is_a_usage_error(archive: Path, url: str, needle: str) -> None:
    before = digest(archive)
    done = fitarchive("crawl", url, "--db", str(archive))
    assert_one_line_error(done, 2, "not a web address", needle)
    assert digest(archive) == before


def test_missing_url_is_a_usage_error(archive: Path) -> None:
    done = fitarchive("crawl", "--db", str(archive))
    assert_one_line_error(done, 2, "missing the blog URL")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--since", "yesterday"), "--since: not a date: 'yesterday'"),
        (("--delay", "-1"), "--delay must not be negative"),
        (("--concurrency", "0"), "--concurrency must be at least 1"),
        (("--max-posts", "abc"), "'abc' is not a valid integer"),
    ],
)
def test_bad_option_values_are_usage_errors(archive: Path, server: FaultServer, args: tuple[str, ...],
                                            needle: str) -> None:
    before = digest(archive)
    done = fitarchive("crawl", server.url, "--db", str(archive), *args)
    assert_one_line_error(done, 2, needle)
    assert digest(archive) == before


CONTENT_TABLES = tuple(table for table in ALL_TABLES if table not in ("crawl_runs", "fetches"))


def assert_only_a_failed_run_added(archive: Path, content_before: Any, runs_before: int, needle: str) -> None:
    """The archive's content is as it was; the attempt is recorded as one failed run saying why."""
    assert snapshot(archive, CONTENT_TABLES) == content_before
    db = Database(archive)
    runs = list(db.query("select status, message, site_id from crawl_runs order by id"))
    db.close()
    assert len(runs) == runs_before + 1
    assert runs[-1]["status"] == "failed" and needle in runs[-1]["message"]


def run_count(archive: Path) -> int:
    db = Database(archive)
    try:
        return int(db.execute("select count(*) from crawl_runs").fetchone()[0])
    finally:
        db.close()


def test_unreachable_host_is_one_line_and_leaves_the_archive_alone(archive: Path) -> None:
    content, runs = snapshot(archive, CONTENT_TABLES), run_count(archive)
    url = f"http://127.0.0.1:{closed_port()}/"
    done = fitarchive("crawl", url, "--db", str(archive), "--delay", "0")
    assert_one_line_error(done, 1, url, "cannot reach the site")
    assert_only_a_failed_run_added(archive, content, runs, "cannot reach the site")


def test_site_that_is_not_a_blog_leaves_no_trace(archive: Path, tmp_path: Path) -> None:
    site = tmp_path / "plain-site"
    site.mkdir()
    (site / "robots.txt").write_text("User-agent: *\n")
    (site / "index.html").write_text("<!DOCTYPE html><html><head><title>Plumbing Co.</title></head>"
                                     "<body><h1>We fix pipes</h1><p>Call us.</p></body></html>")
    content, runs = snapshot(archive, CONTENT_TABLES), run_count(archive)
    with FaultServer(site_dir=site) as plain:
        done = fitarchive("crawl", plain.url, "--db", str(archive), "--delay", "0")
    assert_one_line_error(done, 1, plain.url, "no posts found")
    # the failed first contact is taken back: no site, page or state row; only the run that says why
    assert_only_a_failed_run_added(archive, content, runs, "no posts found")


def test_site_answering_an_error_is_not_a_blog(archive: Path) -> None:
    content, runs = snapshot(archive, CONTENT_TABLES), run_count(archive)
    with FaultServer() as broken:
        broken.add("/", status(503))
        done = fitarchive("crawl", broken.url, "--db", str(archive), "--delay", "0")
    assert_one_line_error(done, 1, "HTTP 503", "not a blog page")
    assert_only_a_failed_run_added(archive, content, runs, "not a blog page")


# ---------------------------------------------------------------- the database


def test_database_path_that_is_a_directory(tmp_path: Path, server: FaultServer) -> None:
    folder = tmp_path / "archive.db"
    folder.mkdir()
    done = fitarchive("crawl", server.url, "--db", str(folder))
    assert_one_line_error(done, 1, str(folder), "is a directory")
    assert list(folder.iterdir()) == []


def _corrupt(path: Path, template: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)


def _truncated(path: Path, template: Path) -> None:
    data = template.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _foreign(path: Path, template: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("create table users (id integer primary key, email text)")
    conn.execute("insert into users (email) values ('a@example.org')")
    conn.commit()
    conn.close()


def _not_sqlite(path: Path, template: Path) -> None:
    path.write_text("id,title\n1,Leg day\n")


BAD_DATABASES = [
    (_corrupt, "corrupt database"),
    (_truncated, "corrupt database"),
    (_foreign, "not a fitarchive archive"),
    (_not_sqlite, "not an SQLite database"),
]


@pytest.mark.parametrize(("make", "needle"), BAD_DATABASES, ids=["corrupt", "truncated", "foreign", "not-sqlite"])
@pytest.mark.parametrize("command", ["crawl", "stats", "migrate", "export", "serve", "reextract"])
def test_bad_database_file_is_reported_and_untouched(
    tmp_path: Path, archive_template: Path, server: FaultServer, make, needle: str, command: str
) -> None:
    db = tmp_path / "archive.db"
    make(db, archive_template)
    before = digest(db)
    args = {"crawl": ("crawl", server.url), "export": ("export", "posts")}.get(command, (command,))
    done = fitarchive(*args, "--db", str(db))
    assert_one_line_error(done, 1, str(db), needle)
    assert digest(db) == before
    wal = Path(str(db) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # at most an empty sidecar, never a change


@contextmanager
def read_only(path: Path) -> Iterator[str]:
    """Make ``path`` unwritable even for root: ``chattr +i``, else a read-only bind mount."""
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(path)], capture_output=True,
                                                 check=False).returncode == 0:
        try:
            yield "chattr"
        finally:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
        return
    if path.is_dir() and os.geteuid() == 0 and subprocess.run(
            ["mount", "--bind", "-o", "ro", str(path), str(path)], capture_output=True, check=False).returncode == 0:
        try:
            yield "ro bind mount"
        finally:
            subprocess.run(["umount", str(path)], capture_output=True, check=False)
        return
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield "chmod"
        finally:
            path.chmod(0o755 if path.is_dir() else 0o644)
        return
    pytest.skip("running as root without chattr or mount: nothing can make a file read-only here")


def test_read_only_database_file(archive: Path, server: FaultServer) -> None:
    before = digest(archive)
    with read_only(archive):
        done = fitarchive("crawl", server.url, "--db", str(archive), "--delay", "0")
    assert_one_line_error(done, 1, str(archive), "read-only")
    assert digest(archive) == before


def test_read_only_folder_with_an_archive(archive: Path, server: FaultServer) -> None:
    before = digest(archive)
    with read_only(archive.parent):
        done = fitarchive("crawl", server.url, "--db", str(archive), "--delay", "0")
    line = assert_one_line_error(done, 1)
    assert str(archive) in line and ("read-only" in line or "Operation not permitted" in line), line
    assert digest(archive) == before


def test_read_only_folder_for_a_new_archive(tmp_path: Path, server: FaultServer) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only(folder):
        done = fitarchive("crawl", server.url, "--db", str(folder / "new.db"), "--delay", "0")
    line = assert_one_line_error(done, 1)
    assert str(folder) in line and ("read-only" in line or "Operation not permitted" in line), line
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- the config file


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("delay = [\n", ("not valid TOML",)),
        ('speed = 3\n[[sites]]\nurl = "blog.example"\n', ("unknown key 'speed'",)),
        ('delay = "fast"\n[[sites]]\nurl = "blog.example"\n', ("'delay' must be", "'fast'")),
        ('[[sites]]\nurl = "blog.example"\nmax_posts = "ten"\n', ("[[sites]] #1", "'max_posts' must be int")),
        ("delay = 1\n", ("needs at least one [[sites]]",)),
        ("[[sites]]\nname = 'no url'\n", ("'url' is required",)),
        ('[[sites]]\nurl = "ftp://blog.example/"\n', ("not a web address",)),
        (b"\xff\xfe bad bytes", ("cannot read config file",)),
    ],
    ids=["not-toml", "unknown-key", "wrong-type", "wrong-type-in-site", "no-sites", "no-url", "bad-url", "not-utf8"],
)
def test_bad_config_file(archive: Path, tmp_path: Path, text: str | bytes, needles: tuple[str, ...]) -> None:
    config = tmp_path / "sites.toml"
    if isinstance(text, bytes):
        config.write_bytes(text)
    else:
        config.write_text(text)
    before = digest(archive)
    done = fitarchive("crawl", "--config", str(config), "--db", str(archive))
    assert_one_line_error(done, 2, str(config), *needles)
    assert digest(archive) == before


def test_missing_config_file(archive: Path, tmp_path: Path) -> None:
    done = fitarchive("crawl", "--config", str(tmp_path / "nope.toml"), "--db", str(archive))
    assert_one_line_error(done, 2, "nope.toml", "config file not found")


# ---------------------------------------------------------------- --debug


@pytest.mark.parametrize(
    ("args", "exception"),
    [
        (("crawl", "ftp://example.com/"), "scraper.errors.UsageError"),
        (("stats",), "scraper.errors.SchemaError"),
    ],
)
def test_debug_shows_the_traceback(tmp_path: Path, archive_template: Path, args: tuple[str, ...],
                                   exception: str) -> None:
    db = tmp_path / "archive.db"
    _corrupt(db, archive_template)
    before = digest(db)
    quiet = fitarchive_process(*args, "--db", str(db))
    assert_one_line_error(quiet, 2 if "crawl" in args else 1)
    loud = fitarchive_process(*args, "--db", str(db), "--debug")
    assert loud.returncode == 1
    assert "Traceback (most recent call last)" in loud.stderr and exception in loud.stderr, loud.stderr
    assert digest(db) == before
