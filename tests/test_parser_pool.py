"""Fast crawls parse HTML in a second process and produce the same archive as in-loop parsing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scraper import pipeline, store
from scraper.config import Settings
from scraper.sample_site import serve_sample_blog

FAST = Settings(delay_s=0.0, concurrency=4, download_images=False)


def snapshot(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = store.open_db(db_path, readonly=True)
    try:
        return {
            "posts": sorted(tuple(r) for r in db.execute("select id, title, body_html, published_at from posts")),
            "comments": sorted(tuple(r) for r in db.execute("select id, parent_id, path, body_html from comments")),
            "post_images": sorted(tuple(r) for r in db.execute("select * from post_images")),
        }
    finally:
        db.close()


def test_fast_crawl_uses_a_parser_process() -> None:
    with pipeline._parser_pool(FAST) as pool:
        assert pool is not None
    with pipeline._parser_pool(Settings()) as pool:
        assert pool is None


def test_parser_process_gives_the_same_archive(tmp_path: Path) -> None:
    with serve_sample_blog() as url:
        pipeline.crawl(tmp_path / "pool.db", url, replace(FAST, parse_workers=1))
        pipeline.crawl(tmp_path / "loop.db", url, replace(FAST, parse_workers=0))
    pooled, in_loop = snapshot(tmp_path / "pool.db"), snapshot(tmp_path / "loop.db")
    assert pooled["posts"] and pooled["comments"]
    assert pooled == in_loop


def test_parser_process_ends_with_a_killed_crawl(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from scraper.config import Settings\n"
        "from scraper.pipeline import _parser_pool\n"
        "with _parser_pool(Settings(delay_s=0, concurrency=4)) as parser:\n"
        "    print(parser.call_now(os.getpid), flush=True)\n"
        "    time.sleep(60)\n"
    )
    crawl = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert crawl.stdout is not None
    worker = int(crawl.stdout.readline())
    os.kill(crawl.pid, signal.SIGKILL)
    crawl.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"parser process {worker} outlived its crawl")


def test_errors_raised_in_the_parser_process_cross_back_intact() -> None:
    import pickle

    from scraper.errors import ExtractError, RobotsDisallowed

    error = pickle.loads(pickle.dumps(ExtractError("no body", url="http://blog.test/p/")))
    assert (type(error), str(error), error.url) == (ExtractError, "no body", "http://blog.test/p/")
    refused = pickle.loads(pickle.dumps(RobotsDisallowed("refused", url="http://blog.test/", status=0)))
    assert (type(refused), refused.url) == (RobotsDisallowed, "http://blog.test/")
