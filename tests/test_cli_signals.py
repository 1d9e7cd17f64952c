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


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(child) for child in text.split()}


def _archive(db_path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        posts = sorted(db.execute("select id, url, title, body_html, comment_count from posts"))
        comments = sorted(db.execute("select id, post_id, parent_id, path, body_html from comments"))
    return posts, comments


def test_sigkill_mid_fast_crawl_then_rerun_gives_the_whole_archive(blog_url: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "scraper", "crawl", blog_url, "--delay", "0", "--concurrency", "8",
               "--no-rest", "--no-images", "--quiet", "--db"]
    reference = tmp_path / "reference.db"
    assert subprocess.run([*command, str(reference)], capture_output=True, timeout=120).returncode == 0
    db_path = tmp_path / "a.db"
    crawl = subprocess.Popen([*command, str(db_path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _posts(db_path) < 60 and crawl.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    helpers = _children(crawl.pid)  # the parser and writer processes
    assert crawl.poll() is None and len(helpers) == 2
    crawl.kill()
    crawl.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in helpers), "a helper process outlived its crawl"
    killed_posts, killed_comments = _archive(db_path)
    reference_posts, reference_comments = _archive(reference)
    assert 60 <= len(killed_posts) < POSTS
    # Whatever was committed is whole: each stored post has its whole thread.
    stored = {row[0] for row in killed_posts}
    assert killed_comments == [row for row in reference_comments if row[1] in stored]
    rerun = subprocess.run([*command, str(db_path)], capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert _archive(db_path) == (reference_posts, reference_comments)
