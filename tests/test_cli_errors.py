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
import json
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

from schemas import migrations
from scraper import publish, store
from scraper.cli import _LIBRARY_LOGGERS, cli
from scraper.sample_site import SAMPLE_ROOT, sample_origin

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
    """The crawl command configures logging for users; give pytest its handlers and levels back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    libraries = {name: logging.getLogger(name).level for name in _LIBRARY_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, library_level in libraries.items():
        logging.getLogger(name).setLevel(library_level)


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
        ('dealy = 2\n[[sites]]\nurl = "blog.example"\n', ("unknown key 'dealy' (did you mean 'delay'?)",)),
        ('[[sites]]\nurl = "blog.example"\ntimout = 5\n', ("[[sites]] #1", "unknown key 'timout' (did you mean 'timeout'?)")),
        ('include = ["("]\n[[sites]]\nurl = "blog.example"\n', ("'include' has a bad regex '('",)),
        ('[[sites]]\nurl = "blog.example"\nexclude = ["ok", "[a-"]\n', ("[[sites]] #1", "'exclude' has a bad regex '[a-'")),
        ('[[sites]]\nurl = "blog.example"\nmax_posts = 0\n', ("'max_posts' must be at least 1, got 0",)),
        ('max_posts = -1\n[[sites]]\nurl = "blog.example"\n', ("'max_posts' must be at least 1, got -1",)),
        ('delay = inf\n[[sites]]\nurl = "blog.example"\n', ("'delay' must be a finite number",)),
    ],
    ids=["not-toml", "unknown-key", "wrong-type", "wrong-type-in-site", "no-sites", "no-url", "bad-url", "not-utf8",
         "misspelt-key", "misspelt-key-in-site", "bad-include", "bad-exclude-in-site", "max-posts-0", "max-posts-neg",
         "delay-inf"],
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


# ---------------------------------------------------------------- what a new user trips over (issue 15)


def test_misspelt_config_key_suggests_the_documented_name_only(archive: Path, tmp_path: Path) -> None:
    config = tmp_path / "sites.toml"
    config.write_text('delay_ = 2\n[[sites]]\nurl = "blog.example"\n')
    line = assert_one_line_error(fitarchive("crawl", "--config", str(config), "--db", str(archive)), 2)
    assert "(did you mean 'delay'?)" in line and "delay_s" not in line, line
    config.write_text('spede = 2\n[[sites]]\nurl = "blog.example"\n')  # nothing near: the documented names
    line = assert_one_line_error(fitarchive("crawl", "--config", str(config), "--db", str(archive)), 2)
    assert "known keys:" in line and " delay," in line and " timeout," in line and "delay_s" not in line, line


@pytest.mark.parametrize("where", ["missing-folder", "a-directory"])
def test_export_to_an_unwritable_place_is_one_line(archive: Path, tmp_path: Path, where: str) -> None:
    output = tmp_path / "no" / "such" / "x.csv" if where == "missing-folder" else tmp_path
    needle = "No such file or directory" if where == "missing-folder" else "Is a directory"
    before = digest(archive)
    done = fitarchive("export", "posts", "--db", str(archive), "-o", str(output))
    assert_one_line_error(done, 1, str(output), "cannot write the export there", needle)
    assert digest(archive) == before


def test_export_never_overwrites_the_archive(archive: Path) -> None:
    before = digest(archive)
    done = fitarchive("export", "posts", "--db", str(archive), "-o", str(archive))
    assert_one_line_error(done, 2, "the archive itself")
    assert digest(archive) == before


def test_export_into_a_closed_pipe_exits_quietly(archive: Path) -> None:
    """`fitarchive export ... | head -1`: exit 141 like other tools on SIGPIPE, and nothing on stderr."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first row is written
    try:
        done = subprocess.run([sys.executable, "-m", "scraper", "export", "pages", "--db", str(archive)],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60, env=env, check=False)
    finally:
        os.close(write_end)
    assert done.returncode == 141, done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize("option", ["--include", "--exclude"])
@pytest.mark.parametrize("pattern", ["(", "[a-", "*posts", "(?P<x"])
def test_bad_regex_option_is_a_usage_error_before_anything_runs(archive: Path, option: str, pattern: str) -> None:
    before = digest(archive)
    url = f"http://127.0.0.1:{closed_port()}/"  # never contacted: the crawl would say "cannot reach"
    done = fitarchive("crawl", url, "--db", str(archive), option, "ok", option, pattern)
    line = assert_one_line_error(done, 2, option, repr(pattern), "not a regular expression")
    assert "cannot reach" not in done.stderr, line
    assert digest(archive) == before


@pytest.mark.parametrize("value", ["0", "-1"])
def test_max_posts_below_one_is_a_usage_error(archive: Path, value: str) -> None:
    before = digest(archive)
    done = fitarchive("crawl", f"http://127.0.0.1:{closed_port()}/", "--db", str(archive), "--max-posts", value)
    assert_one_line_error(done, 2, "--max-posts", f"{value} is not in the range x>=1")
    assert digest(archive) == before


def test_max_posts_help_says_it_takes_the_newest_posts() -> None:
    result = CliRunner().invoke(cli, ["crawl", "--help"], prog_name="fitarchive")
    assert result.exit_code == 0
    assert "--max-posts N" in result.stdout and "newest N posts" in result.stdout, result.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (("--delay", "inf"), "--delay must be a finite number"),
    (("--delay", "nan"), "--delay must be a finite number"),
    (("--concurrency", "1000000"), "--concurrency must be at most 100"),
])
def test_delay_and_concurrency_that_would_never_end(archive: Path, args: tuple[str, ...], needle: str) -> None:
    before = digest(archive)
    done = fitarchive("crawl", f"http://127.0.0.1:{closed_port()}/", "--db", str(archive), *args)
    assert_one_line_error(done, 2, needle)
    assert digest(archive) == before


@contextmanager
def busy_port() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


class Served(Exception):
    """Raised instead of replacing the test process with Datasette."""


@pytest.fixture
def no_exec(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, int]]:
    """Record what would be served instead of exec'ing Datasette (serve and demo never return otherwise)."""
    calls: list[tuple[Path, int]] = []

    def run_datasette(db_path: Path, *, port: int, **kwargs: object) -> None:
        calls.append((db_path, port))
        raise Served

    monkeypatch.setattr(publish, "run_datasette", run_datasette)
    return calls


def test_serve_on_a_busy_port_is_one_line_naming_the_port(archive: Path, no_exec: list[tuple[Path, int]]) -> None:
    with busy_port() as port:
        done = fitarchive("serve", "--db", str(archive), "--port", str(port))
    assert_one_line_error(done, 1, f"port {port}", "already in use")
    assert no_exec == []


def test_serve_on_a_busy_port_as_users_run_it(archive: Path) -> None:
    with busy_port() as port:
        done = fitarchive_process("serve", "--db", str(archive), "--port", str(port))
    assert_one_line_error(done, 1, f"port {port}", "already in use")
    assert done.stderr.count("\n") == 1, done.stderr  # no uvicorn lines


def test_serve_says_where_it_serves_in_one_line(archive: Path, no_exec: list[tuple[Path, int]]) -> None:
    port = closed_port()
    result = CliRunner().invoke(cli, ["serve", "--db", str(archive), "--port", str(port)])
    assert isinstance(result.exception, Served)
    assert result.stderr == f"Serving http://127.0.0.1:{port}/\n"
    assert no_exec == [(archive, port)]


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_serve_on_an_impossible_port_is_a_usage_error(archive: Path, no_exec: list[tuple[Path, int]],
                                                      port: str) -> None:
    assert_one_line_error(fitarchive("serve", "--db", str(archive), "--port", port), 2, "--port")
    assert no_exec == []


def test_demo_with_a_busy_datasette_port_fails_before_crawling(tmp_path: Path,
                                                               no_exec: list[tuple[Path, int]]) -> None:
    db = tmp_path / "demo.db"
    with busy_port() as port:
        done = fitarchive("demo", "--db", str(db), "--port", str(port))
    assert_one_line_error(done, 1, f"port {port}", "already in use")
    assert not db.exists() and no_exec == []


@contextmanager
def port_taken(port: int) -> Iterator[bool]:
    """Hold ``port`` on 127.0.0.1 if it is free (yield True); it may already be taken (yield False)."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        held = True
    except OSError:
        held = False
    try:
        yield held
    finally:
        sock.close()


def test_demo_when_the_sample_blog_port_is_taken_serves_it_elsewhere(tmp_path: Path) -> None:
    manifest = json.loads((SAMPLE_ROOT / "manifest.json").read_text(encoding="utf-8"))
    db = tmp_path / "demo.db"
    captured = sample_origin()
    with port_taken(int(captured.rsplit(":", 1)[1])) as held:
        done = fitarchive("demo", "--db", str(db), "--no-serve")
    assert done.unhandled is None and done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    try:
        site = conn.execute("select base_url from sites").fetchone()[0]
        post_urls = [row[0] for row in conn.execute("select url from posts")]
        comments = conn.execute("select count(*) from comments").fetchone()[0]
        images = conn.execute("select count(*) from images where sha256 is not null").fetchone()[0]
    finally:
        conn.close()
    if held:
        assert not site.startswith(captured), site
    assert len(post_urls) == len(manifest["posts"]) and all(url.startswith(site.rstrip("/")) for url in post_urls)
    assert comments == sum(len(post["comments"]) for post in manifest["posts"])
    assert images > 0  # image links were rewritten too


def test_migrate_says_what_it_did(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    first = CliRunner().invoke(cli, ["migrate", "--db", str(db)])
    assert (first.exit_code, first.stdout) == (0, f"{db}: created\n")
    again = CliRunner().invoke(cli, ["migrate", "--db", str(db)])
    assert (again.exit_code, again.stdout) == (0, f"{db}: up to date\n")

    old = tmp_path / "old.db"
    names = [migration.name for migration in migrations._migrations]
    conn = store.Database(str(old))
    migrations.apply(conn, stop_before=names[-2:])
    conn.close()
    upgraded = CliRunner().invoke(cli, ["migrate", "--db", str(old)])
    assert (upgraded.exit_code, upgraded.stdout) == (0, f"{old}: applied {names[-2]}, {names[-1]}\n")


def test_stats_columns_line_up(archive: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--db", str(archive)])
    assert result.exit_code == 0, result.stderr
    counts = [line for line in result.stdout.splitlines() if not line.startswith("last run")]
    assert any(line.startswith("deleted comments") for line in counts)
    assert len({len(line) for line in counts}) == 1, counts  # right-aligned numbers end in one column


def test_vv_logs_every_request_but_no_library_internals(server: FaultServer, tmp_path: Path) -> None:
    args = ("crawl", server.url, "--db", str(tmp_path / "a.db"), "--delay", "0", "--max-posts", "1", "--no-images")
    vv = fitarchive_process(*args, "-vv")
    assert vv.returncode == 0, vv.stderr
    assert "GET http://" in vv.stderr, vv.stderr[-2000:]
    assert "connect_tcp" not in vv.stderr and "receive_response_headers" not in vv.stderr, vv.stderr[-2000:]
    vvv = fitarchive_process(*args, "-vvv")
    assert vvv.returncode == 0, vvv.stderr
    assert "GET http://" in vvv.stderr and "connect_tcp" in vvv.stderr, vvv.stderr[-2000:]


def test_verbose_help_names_the_library_switch() -> None:
    result = CliRunner().invoke(cli, ["crawl", "--help"], prog_name="fitarchive")
    assert "-vvv" in result.stdout and "httpcore" in result.stdout, result.stdout


def test_every_command_takes_debug_once_and_reports_errors_in_one_place() -> None:
    for name, command in cli.commands.items():
        debug = [param for param in command.params if param.name == "debug"]
        assert len(debug) == 1, name
        assert command.params[-1] is debug[0], name  # listed last in --help, as before
        help_text = CliRunner().invoke(cli, [name, "--help"]).stdout
        assert "--debug" in help_text, name


def test_failed_export_leaves_the_output_file_as_it_was(archive: Path, tmp_path: Path) -> None:
    output = tmp_path / "posts.csv"
    output.write_text("yesterday's export\n")
    done = fitarchive("export", "postz", "--db", str(archive), "-o", str(output))
    assert_one_line_error(done, 2, "no table or view named 'postz'")
    assert output.read_text() == "yesterday's export\n"
    assert not [path for path in tmp_path.iterdir() if path.suffix == ".part"]  # no partial file left
    ok = CliRunner().invoke(cli, ["export", "posts", "--db", str(archive), "-o", str(output)])
    assert ok.exit_code == 0, ok.stderr
    assert output.read_text().startswith("id,") and oct(output.stat().st_mode & 0o777) != "0o600"


@pytest.mark.parametrize("command", ["stats", "export", "serve", "reextract"])
def test_empty_file_is_not_an_archive(tmp_path: Path, command: str, no_exec: list[tuple[Path, int]]) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    args = ("export", "posts") if command == "export" else (command,)
    assert_one_line_error(fitarchive(*args, "--db", str(db)), 1, str(db), "no archive in it yet")
    assert db.read_bytes() == b"" and no_exec == []
