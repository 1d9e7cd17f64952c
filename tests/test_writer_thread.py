"""Fast crawls hand their database writes to one writer thread; the archive is the same either way."""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path
from typing import Any, Iterator

import pytest

from scraper import pipeline, store
from scraper.config import Settings
from scraper.sample_site import serve_sample_blog

FAST = Settings(delay_s=0.0, concurrency=8, download_images=True)


def snapshot(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = store.open_db(db_path, readonly=True)
    try:
        return {
            "posts": sorted(tuple(r) for r in db.execute(
                "select id, title, body_html, published_at, comment_count from posts")),
            "comments": sorted(tuple(r) for r in db.execute("select id, post_id, parent_id, path, depth, body_html from comments")),
            "post_images": sorted(tuple(r) for r in db.execute("select * from post_images")),
            "images": sorted(tuple(r) for r in db.execute("select url, sha256, width, height, error from images")),
            "pages": sorted(tuple(r) for r in db.execute("select url, kind, sha256, length(body) > 0 from pages")),
            "fetches": sorted(tuple(r) for r in db.execute("select url, kind, status, error from fetches")),
        }
    finally:
        db.close()


@contextlib.contextmanager
def no_writer_thread(settings: Settings) -> Iterator[None]:
    yield None


def test_only_fast_crawls_get_a_writer_thread() -> None:
    with pipeline._writer_thread(FAST) as writer:
        assert writer is not None
    with pipeline._writer_thread(Settings()) as writer:
        assert writer is None


def test_writer_thread_gives_the_same_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("threaded", "inline"):
        (tmp_path / name).mkdir()
    with serve_sample_blog() as url:
        threaded = pipeline.crawl(tmp_path / "threaded" / "a.db", url, FAST)
        monkeypatch.setattr(pipeline, "_writer_thread", no_writer_thread)
        inline = pipeline.crawl(tmp_path / "inline" / "a.db", url, FAST)
    assert threaded.status == inline.status == "ok"
    assert threaded.counts == inline.counts
    one, other = snapshot(tmp_path / "threaded" / "a.db"), snapshot(tmp_path / "inline" / "a.db")
    assert one["posts"] and one["comments"] and one["pages"] and one["images"]
    assert all(sha for _url, _kind, sha, _stored in one["pages"])
    assert one == other


def test_max_posts_holds_with_many_workers(tmp_path: Path) -> None:
    with serve_sample_blog() as url:
        report = pipeline.crawl(tmp_path / "a.db", url, Settings(delay_s=0.0, concurrency=16, max_posts=3,
                                                                  download_images=False))
    db = store.open_db(tmp_path / "a.db", readonly=True)
    try:
        assert db.execute("select count(*) from posts").fetchone()[0] == 3
    finally:
        db.close()
    assert report.counts.posts_new == 3


def test_interrupted_fast_crawl_keeps_whole_posts(tmp_path: Path) -> None:
    saved: list[str] = []

    def stop_after_five(event: str, data: dict[str, Any]) -> None:
        if event == "post":
            saved.append(data["url"])
            if len(saved) == 5:
                signal.raise_signal(signal.SIGINT)  # as Ctrl-C would

    with serve_sample_blog() as url:
        (tmp_path / "full").mkdir()
        pipeline.crawl(tmp_path / "full" / "a.db", url, FAST)
        (tmp_path / "cut").mkdir()
        with pytest.raises(KeyboardInterrupt):
            pipeline.crawl(tmp_path / "cut" / "a.db", url, FAST, on_event=stop_after_five)
    db = store.open_db(tmp_path / "cut" / "a.db", readonly=True)
    try:
        status, message = db.execute("select status, message from crawl_runs").fetchone()
        stored_posts = [row[0] for row in db.execute("select url from posts")]
    finally:
        db.close()
    assert (status, message) == ("failed", "interrupted (stopped)")
    assert set(saved) <= set(stored_posts)  # every post reported saved was committed
    full, cut = snapshot(tmp_path / "full" / "a.db"), snapshot(tmp_path / "cut" / "a.db")
    assert cut["posts"] and set(cut["posts"]) <= set(full["posts"])
    post_ids = {row[0] for row in cut["posts"]}
    # Each stored post has its whole thread, exactly as the full crawl stored it.
    assert set(cut["comments"]) == {row for row in full["comments"] if row[1] in post_ids}
