"""The vertical slice as `make demo` runs it: crawl the bundled sample blog over real HTTP,
then publish the archive with a real Datasette process and read it back over HTTP."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from serving import free_port, serving

from scraper import store
from scraper.sample_site import SAMPLE_ROOT

MANIFEST = json.loads((SAMPLE_ROOT / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("demo") / "fitness.db"
    result = subprocess.run([sys.executable, "-m", "scraper", "demo", "--db", str(db_path), "--no-serve"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "blogs ok 1, failed 0" in result.stderr
    return db_path


@pytest.fixture(scope="module")
def datasette(demo_archive: Path) -> Iterator[str]:
    port = free_port()
    with serving([sys.executable, "-m", "scraper", "serve", "--db", str(demo_archive), "--port", str(port)],
                 port) as base:
        yield base


def rows(base: str, path: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{base}{path}", params={"_shape": "array", "_size": "max"}, timeout=10)
    assert response.status_code == 200, response.text[:300]
    return list(response.json())


def test_sample_blog_archive_matches_its_manifest(demo_archive: Path) -> None:
    db = store.open_db(demo_archive, readonly=True)
    titles = {row[0]: row[1] for row in db.execute("select remote_id, title from posts")}
    assert titles == {str(post["id"]): post["title"] for post in MANIFEST["posts"]}
    expected_comments = sum(len(post["comments"]) for post in MANIFEST["posts"])
    assert db.execute("select count(*) from comments").fetchone()[0] == expected_comments
    assert db.execute("select max(depth) from comments").fetchone()[0] >= 3


def test_datasette_serves_posts_comments_and_images(datasette: str) -> None:
    posts = rows(datasette, "/fitness/posts.json")
    assert {post["title"] for post in posts} == {post["title"] for post in MANIFEST["posts"]}
    comments = rows(datasette, "/fitness/comments.json")
    assert any(comment["parent_id"] is not None for comment in comments)
    images = rows(datasette, "/fitness/post_images.json")
    headings = {image["heading"] for image in images}
    assert any(heading and "Routine 1" in heading for heading in headings)
    assert any(heading and "Routine 2" in heading for heading in headings)


def test_comment_threads_stream_as_full_csv(datasette: str, demo_archive: Path) -> None:
    response = httpx.get(f"{datasette}/fitness/comment_threads.csv", params={"_stream": "on"}, timeout=30)
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.text)))
    db = store.open_db(demo_archive, readonly=True)
    assert len(table) == db.execute("select count(*) from comments").fetchone()[0]
    assert {"post_title", "depth", "path", "author_name", "body_text"} <= set(table[0])


def test_second_demo_crawl_changes_nothing(demo_archive: Path) -> None:
    db = store.open_db(demo_archive, readonly=True)
    before = {table: db[table].count for table in ("posts", "comments", "images", "post_versions")}
    db.close()
    result = subprocess.run([sys.executable, "-m", "scraper", "demo", "--db", str(demo_archive), "--no-serve"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    db = store.open_db(demo_archive, readonly=True)
    assert {table: db[table].count for table in before} == before


def test_reextract_rebuilds_comments_and_images_offline(demo_archive: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "fitness.db"
    shutil.copy(demo_archive, copy)
    db = store.open_db(copy)
    before = {
        "comments": sorted(tuple(r) for r in db.execute("select id, parent_id, path, body_text from comments")),
        "post_images": sorted(tuple(r) for r in db.execute("select * from post_images")),
    }
    with db.atomic():
        db.execute("delete from comments")
        db.execute("delete from post_images")
    db.close()
    result = subprocess.run([sys.executable, "-m", "scraper", "reextract", "--db", str(copy)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    db = store.open_db(copy, readonly=True)
    assert sorted(tuple(r) for r in db.execute("select id, parent_id, path, body_text from comments")) == before["comments"]
    assert sorted(tuple(r) for r in db.execute("select * from post_images")) == before["post_images"]
