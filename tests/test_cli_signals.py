"""SIGTERM and Ctrl-C stop a running crawl cleanly: exit 130, whole posts kept, the run marked, no traceback."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import crawl_throughput  # noqa: E402

POSTS = 400


@pytest.fixture(scope="module")
def blog_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, _manifest = crawl_throughput.serve_blog(tmp_path_factory.mktemp("signals"), POSTS, "stdlib")
    try:
        yield server.base_url + "/"
    finally:
        server.stop()


def _posts(db_path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
            return int(db.execute("select count(*) from posts").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_a_crawl_cleanly(blog_url: str, tmp_path: Path, signum: int) -> None:
    db_path = tmp_path / "a.db"
    # Started with SIGINT ignored, as a shell does for background jobs: Ctrl-C must still work.
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl", blog_url, "--db", str(db_path), "--delay", "0",
         "--concurrency", "4", "--no-rest", "--no-images", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    deadline = time.monotonic() + 60
    while _posts(db_path) < 10 and crawl.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert crawl.poll() is None, "the crawl ended before it could be interrupted"
    crawl.send_signal(signum)
    _out, err = crawl.communicate(timeout=30)
    assert crawl.returncode == 130, err
    assert "Interrupted; what was saved stays saved" in err
    assert "Traceback" not in err and "never retrieved" not in err
    with sqlite3.connect(db_path) as db:
        status, message, counted = db.execute("select status, message, posts_new from crawl_runs").fetchone()
        stored = db.execute("select count(*) from posts").fetchone()[0]
        orphans = db.execute(
            "select count(*) from posts p where not exists (select 1 from pages where url = p.url)").fetchone()[0]
    assert (status, message) == ("failed", "interrupted (stopped)")
    assert 10 <= stored < POSTS
    assert counted == stored
    assert orphans == 0  # each saved post's raw page was written with it
