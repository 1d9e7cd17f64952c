"""Fast crawls hand their database writes to one writer process; the archive is the same either way."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path
from typing import Any, Iterator

import pytest

from scraper import pipeline, store, writer
from scraper.config import Settings
from scraper.errors import StorageError
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
def inline_writer(db: Any, db_path: Path, *settings: Settings) -> Iterator[writer.ArchiveWriter]:
    archive_writer = writer.ArchiveWriter(db, db_path, max_items=50, use_process=False)
    try:
        yield archive_writer
    finally:
        archive_writer.close()


def _pid(ctx: writer.WriteContext) -> int:
    return os.getpid()


def _die(ctx: writer.WriteContext) -> None:
    os._exit(3)


def test_only_fast_crawls_get_a_writer_process(tmp_path: Path) -> None:
    async def pids(settings: Settings) -> tuple[int, int]:
        db = store.open_db(tmp_path / "a.db")
        try:
            with pipeline._archive_writer(db, tmp_path / "a.db", settings) as archive_writer:
                async with archive_writer.offloaded():
                    inside = await archive_writer.run(_pid)
                return inside, await archive_writer.run(_pid)
        finally:
            db.close()

    inside, after = asyncio.run(pids(FAST))
    assert inside != os.getpid() and after == os.getpid()
    assert asyncio.run(pids(Settings())) == (os.getpid(), os.getpid())


def test_a_dead_writer_process_fails_the_run_with_a_clear_error(tmp_path: Path) -> None:
    async def die() -> None:
        db = store.open_db(tmp_path / "a.db")
        try:
            with pipeline._archive_writer(db, tmp_path / "a.db", FAST) as archive_writer:
                async with archive_writer.offloaded():
                    await archive_writer.run(_die)
        finally:
            db.close()

    with pytest.raises(StorageError, match="archive writer process died"):
        asyncio.run(die())


def test_writer_process_gives_the_same_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("process", "inline"):
        (tmp_path / name).mkdir()
    with serve_sample_blog() as url:
        in_process = pipeline.crawl(tmp_path / "process" / "a.db", url, FAST)
        monkeypatch.setattr(pipeline, "_archive_writer", inline_writer)
        inline = pipeline.crawl(tmp_path / "inline" / "a.db", url, FAST)
    assert in_process.status == inline.status == "ok"
    assert in_process.counts == inline.counts
    assert in_process.counts.posts_new > 0 and in_process.counts.comments_new > 0
    one, other = snapshot(tmp_path / "process" / "a.db"), snapshot(tmp_path / "inline" / "a.db")
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
