"""Scheduled re-runs against the real WordPress: cheap when nothing changed, and nothing lost.

Bytes are counted on the server side, from the harness's request log.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from scraper import store

pytestmark = pytest.mark.wp


def crawl(site: Any, db_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "scraper", "crawl", site.base_url, "--db", str(db_path), "--delay", "0",
         "--concurrency", "4", "--quiet", *extra],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def site(wp: Any) -> Iterator[Any]:
    """The harness, put back to its pristine content after the test."""
    yield wp
    wp.restore_content()


def served(site: Any) -> tuple[int, int]:
    log = site.requests(clear=True)
    return len(log), sum(int(entry["bytes"]) for entry in log)


@pytest.mark.parametrize("rest_blocked", [False, True], ids=["rest", "html"])
def test_second_run_with_nothing_changed_downloads_under_5_percent(
        site: Any, tmp_path: Path, rest_blocked: bool) -> None:
    site.block_rest(rest_blocked)
    db_path = tmp_path / "a.db"
    site.clear_requests()
    crawl(site, db_path)
    first_requests, first_bytes = served(site)
    crawl(site, db_path)
    second_requests, second_bytes = served(site)
    assert first_bytes > 100_000
    assert second_bytes <= 0.05 * first_bytes, (second_bytes, first_bytes)
    assert second_requests <= 0.25 * first_requests, (second_requests, first_requests)
    db = store.open_db(db_path, readonly=True)
    runs = list(db.query("select status, posts_new, posts_updated, comments_new from crawl_runs order by id"))
    assert [r["status"] for r in runs] == ["ok", "ok"]
    assert runs[1]["posts_new"] == runs[1]["posts_updated"] == runs[1]["comments_new"] == 0


@pytest.mark.parametrize("rest_blocked", [False, True], ids=["rest", "html"])
def test_new_comment_on_an_old_post_appears_after_the_next_run(
        site: Any, tmp_path: Path, rest_blocked: bool) -> None:
    site.block_rest(rest_blocked)
    db_path = tmp_path / "a.db"
    crawl(site, db_path)
    post = site.post_by_key("legs")
    parent = post["comments"][0]["id"]
    new_id = site.add_comment(post["id"], "Added squats to my week after reading this.", parent=parent,
                              author="Late Reader")
    crawl(site, db_path)
    db = store.open_db(db_path, readonly=True)
    row = next(db.query(
        "select c.body_text, p2.remote_id as parent from comments c left join comments p2 on p2.id = c.parent_id "
        "where c.remote_id = ?", [str(new_id)]))
    assert "Added squats" in row["body_text"]
    assert row["parent"] == str(parent)


def test_edited_post_gets_a_second_version(site: Any, tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    crawl(site, db_path)
    post = site.post_by_key("restdays")
    site.edit_post(post["id"], append="<p>Update: two rest days in deload weeks.</p>")
    crawl(site, db_path)
    db = store.open_db(db_path, readonly=True)
    versions = list(db.query(
        "select v.body_html from post_versions v join posts p on p.id = v.post_id where p.remote_id = ? "
        "order by v.captured_at, v.rowid", [str(post["id"])]))
    assert len(versions) == 2
    assert "two rest days in deload weeks" in versions[1]["body_html"]
    assert "two rest days in deload weeks" not in versions[0]["body_html"]


def test_deleted_comment_is_kept_with_deleted_at(site: Any, tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    crawl(site, db_path)
    post = site.post_by_key("legs")
    victim = post["comments"][-1]["id"]
    site.trash_comment(victim)
    crawl(site, db_path)
    db = store.open_db(db_path, readonly=True)
    row = next(db.query("select deleted_at, body_text from comments where remote_id = ?", [str(victim)]))
    assert row["deleted_at"] is not None
    assert row["body_text"]
    runs = list(db.query("select comments_deleted from crawl_runs order by id"))
    assert runs[-1]["comments_deleted"] == 1


def test_full_recheck_in_html_mode_finds_an_edit(site: Any, tmp_path: Path) -> None:
    site.block_rest(True)
    db_path = tmp_path / "a.db"
    crawl(site, db_path)
    post = site.post_by_key("pushpull")
    site.edit_post(post["id"], append="<p>Swap dips for push-ups when shoulders complain.</p>")
    crawl(site, db_path, "--full")
    db = store.open_db(db_path, readonly=True)
    body = db.execute("select body_text from posts where remote_id = ?", [str(post["id"])]).fetchone()[0]
    assert "Swap dips for push-ups" in body


def test_robots_disallow_and_crawl_delay_are_honored(site: Any, tmp_path: Path) -> None:
    blocked = site.post_by_key("plank")
    path = blocked["url"].split(site.base_url, 1)[1]
    site.set_robots_txt(f"User-agent: *\nDisallow: {path}\nCrawl-delay: 0.3\n")
    site.block_rest(True)
    db_path = tmp_path / "a.db"
    site.clear_requests()
    crawl(site, db_path, "--max-posts", "4", "--no-images")
    log = site.requests(clear=True)
    assert not any(entry["path"].startswith(path) for entry in log)
    stamps = sorted(float(entry["ts"]) for entry in log)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert len(stamps) > 3 and min(gaps) >= 0.25, gaps
    db = store.open_db(db_path, readonly=True)
    assert db.execute("select count(*) from posts where remote_id = ?", [str(blocked["id"])]).fetchone()[0] == 0
