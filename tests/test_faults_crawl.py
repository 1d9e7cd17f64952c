"""A crawl against a hostile web: every fault ends in a logged error, nothing archived is lost.

One module-scoped scenario runs two crawls of the sample blog served by the
fault-injection server (tests/faults/server.py):

1. a clean crawl, whose archive is snapshotted (rows without time columns,
   raw page captures, image files);
2. a full re-crawl (``recheck_all``) after faults were switched on: some
   already archived post pages and a comment page now fail in every way the
   server knows, and a sitemap announced in robots.txt lists further URLs
   that misbehave, plus synthetic posts in odd encodings and broken markup.

The tests below each check one fault against what that re-crawl left in the
archive and what the server saw.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from faults.helpers import (
    file_hash,
    image_store_files,
    integrity_check,
    query,
    rows_by_key,
    run_bounded,
    snapshot,
)
from faults.pages import WpComment, sitemap_index, wp_post
from faults.server import (
    MB,
    FaultServer,
    big_body,
    gzip_bomb,
    page,
    redirect,
    reset_mid_body,
    sequence,
    slow_loris,
    status,
    truncated,
)

from scraper.config import Settings
from scraper.sample_site import SAMPLE_ROOT
from scraper.pipeline import CrawlReport, crawl

BODY_CAP = 4 * MB
SETTINGS = Settings(
    delay_s=0.0,
    concurrency=4,
    timeout_s=2,
    retries=1,
    max_retry_after_s=5,
    max_body_bytes=BODY_CAP,
    max_image_bytes=BODY_CAP,
)

# Already archived posts that fail on the re-crawl, and how.
BACK = "/2024/01/15/back-routine-1-and-2-rows-pull-ups-and-hinges/"
LEGS = "/2024/02/11/leg-day-blueprint-squats-lunges-and-romanian-deadlifts/"
PLANK = "/2024/03/01/the-30-day-plank-challenge-check-in-here/"
KETTLEBELL = "/2024/03/20/kettlebell-basics-swing-goblet-squat-and-get-up/"
MOBILITY = "/2024/03/31/mobility-flow-for-stiff-hips-and-shoulders/"
CORE = "/2024/04/08/core-routine-1-anti-rotation-and-planks/"
INTERVALS = "/2024/05/18/running-intervals-that-do-not-wreck-your-legs/"
DEADLIFT = "/2024/06/01/deadlift-form-checklist/"
REST_DAYS = "/2024/07/04/rest-days-are-training-days/"
PUSH_PULL = "/2024/08/15/push-vs-pull-which-day-first-other-questions/"
UNTOUCHED = "/2024/04/21/joses-sunday-meal-prep-for-lifters/"

BINARY = random.Random(8).randbytes(40_000)

# (path, expected error, requests the server should see at least, at most)
ERROR_FAULTS = [
    ("/faults/429/", "HTTP 429", 2, 2),
    ("/faults/500/", "HTTP 500", 2, 2),
    ("/faults/502/", "HTTP 502", 2, 2),
    ("/faults/503/", "HTTP 503", 2, 2),
    ("/faults/reset/", "connection broken mid-answer", 1, 2),
    ("/faults/truncated/", "connection broken mid-answer (RemoteProtocolError)", 1, 2),
    ("/faults/slow/", "timed out", 1, 1),
    ("/faults/loop/", "too many redirects", 6, 6),
    ("/faults/loop-a/", "too many redirects", 3, 3),
    ("/faults/offsite/", "redirect off the site to 127.0.0.2", 1, 1),
    ("/faults/javascript/", "refused", 1, 1),
    ("/faults/file/", "redirect to a non-http URL (file:) refused", 1, 1),
    ("/faults/ftp/", "redirect to a non-http URL (ftp:) refused", 1, 1),
    ("/faults/big/", f"body larger than {BODY_CAP} bytes", 1, 1),
    ("/faults/big-chunked/", f"body larger than {BODY_CAP} bytes", 1, 1),
    ("/faults/bomb/", f"body larger than {BODY_CAP} bytes", 1, 1),
    (BACK, "HTTP 500", 2, 2),
    (MOBILITY, "no longer reads as a post", 1, 1),
    (LEGS, "connection broken mid-answer", 1, 2),
    (KETTLEBELL, "connection broken mid-answer (RemoteProtocolError)", 1, 2),
    (INTERVALS, "timed out", 1, 1),
    (REST_DAYS, "HTTP 429", 2, 2),
    (PUSH_PULL, "redirect off the site to 127.0.0.2", 1, 1),
    (CORE, f"body larger than {BODY_CAP} bytes", 1, 1),
    (DEADLIFT, f"body larger than {BODY_CAP} bytes", 1, 1),
    (PLANK + "comment-page-3/", "HTTP 503", 2, 2),
]


def synthetic(server: FaultServer, post_id: int, path: str, title: str, body: str, **kwargs: object) -> str:
    return wp_post(post_id=post_id, url=server.absolute(path), title=title, body=body, **kwargs)  # type: ignore[arg-type]


def install_faults(server: FaultServer) -> None:
    port = server.port
    # faults on what the first crawl archived
    server.add(BACK, status(500))
    server.add(LEGS, reset_mid_body())
    server.add(KETTLEBELL, truncated())
    server.add(MOBILITY, page(BINARY, "text/html; charset=UTF-8"))
    server.add(INTERVALS, slow_loris())
    server.add(PLANK + "comment-page-3/", status(503))
    server.add(PUSH_PULL, redirect(f"http://127.0.0.2:{port}/elsewhere/"))
    server.add(REST_DAYS, status(429, retry_after="1"))
    server.add(CORE, gzip_bomb(1024 * MB))
    server.add(DEADLIFT, big_body(50 * MB, declare_length=False))

    # new URLs that only ever fail
    server.add("/faults/429/", status(429, retry_after="1"))
    for code in (500, 502, 503):
        server.add(f"/faults/{code}/", status(code))
    server.add("/faults/reset/", reset_mid_body())
    server.add("/faults/truncated/", truncated())
    server.add("/faults/slow/", slow_loris())
    server.add("/faults/loop/", redirect("/faults/loop/"))
    server.add("/faults/loop-a/", redirect("/faults/loop-b/"))
    server.add("/faults/loop-b/", redirect(f"http://127.0.0.1:{port}/faults/loop-a/"))
    server.add("/faults/offsite/", redirect(f"http://127.0.0.2:{port}/faults/elsewhere/"))
    server.add("/faults/javascript/", redirect("javascript:alert(document.cookie)"))
    server.add("/faults/file/", redirect("file:///etc/passwd"))
    server.add("/faults/ftp/", redirect(f"ftp://127.0.0.1:{port}/pub/"))
    server.add("/faults/big/", big_body(50 * MB, declare_length=True))
    server.add("/faults/big-chunked/", big_body(50 * MB, declare_length=False))
    server.add("/faults/bomb/", gzip_bomb(1024 * MB))
    server.add("/faults/binary/", page(BINARY, "text/html"))

    # new posts that recover after a transient error
    ok_429 = synthetic(server, 9001, "/faults/429-then-ok/", "Recovered After 429", "<p>Patience pays off.</p>")
    server.add("/faults/429-then-ok/", sequence(status(429, retry_after="1"), page(ok_429.encode())))
    ok_503 = synthetic(server, 9002, "/faults/503-then-ok/", "Recovered After 503", "<p>Second time lucky.</p>")
    server.add("/faults/503-then-ok/", sequence(status(503), page(ok_503.encode())))

    # encodings
    cp1252 = synthetic(server, 9003, "/faults/cp1252/", "Café Crème – “Core” Day",
                       "<p>Naïve señor’s deadlift: 3×5 @ 80 €.</p>", charset_meta=None)
    server.add("/faults/cp1252/", page(cp1252.encode("cp1252"), "text/html"))
    sjis = synthetic(server, 9004, "/faults/sjis/", "東京ジム日記 スクワット",
                     "<p>スクワットは深く。</p>", charset_meta="Shift_JIS")
    server.add("/faults/sjis/", page(sjis.encode("shift_jis"), "text/html"))
    bom = synthetic(server, 9005, "/faults/bom/", "Ünïcödé — BOM Post", "<p>Grüße aus dem Gym.</p>", charset_meta=None)
    server.add("/faults/bom/", page(b"\xef\xbb\xbf" + bom.encode("utf-8"), "text/html"))
    bom_wrong = synthetic(server, 9006, "/faults/bom-wrong-header/", "Größe — BOM Beats Header",
                          "<p>Übung macht den Meister.</p>", charset_meta=None)
    server.add("/faults/bom-wrong-header/", page(b"\xef\xbb\xbf" + bom_wrong.encode("utf-8"), "text/html; charset=ISO-8859-1"))
    wrong = synthetic(server, 9007, "/faults/wrong-charset/", "Wrong Charset “Header”",
                      "<p>Déjà vu on leg day.</p>", charset_meta=None)
    server.add("/faults/wrong-charset/", page(wrong.encode("cp1252"), "text/html; charset=UTF-8"))

    # broken markup
    malformed = synthetic(
        server, 9008, "/faults/malformed/", "Malformed <b>Markup Day",
        "<p>Squat depth matters<div><span>unclosed <em>tags <table><tr><td>cell"
        "<form action='/a'><form action='/b'><input name=x>inner form</form></form>"
        "<p>After the forms <ul><li>one<li>two</div></div></div></p></span></b></i>",
        comments=[WpComment(501, "Ann", "<p>Nice<div>unclosed"), WpComment(502, "Bo", "<p>Reply", parent=501)],
    )
    server.add("/faults/malformed/", page(malformed.encode()))

    # a single-post page whose body the extractor cannot find
    no_body = synthetic(server, 9012, "/faults/no-body/", "No Body", "").replace(
        '<div class="entry-content"></div>', "")
    server.add("/faults/no-body/", page(no_body.encode()))

    # content encodings that are fine
    gz = synthetic(server, 9010, "/faults/gzip-ok/", "Gzip Encoded Post", "<p>Compressed in transit.</p>")
    server.add("/faults/gzip-ok/", _encoded(zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS), gz, "gzip"))
    raw_deflate = synthetic(server, 9011, "/faults/deflate-ok/", "Raw Deflate Post", "<p>Deflated in transit.</p>")
    server.add("/faults/deflate-ok/", _encoded(zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS), raw_deflate, "deflate"))

    # an image that is not an image
    server.add("/faults/not-an-image.png", page(b"<html><body>surprise</body></html>", "image/png"))
    with_bad_image = synthetic(
        server, 9009, "/faults/post-with-bad-image/", "Post With A Bad Image",
        f'<figure class="wp-block-image"><img src="{server.absolute("/faults/not-an-image.png")}" '
        'alt="not really"><figcaption>Broken</figcaption></figure><p>Text.</p>',
    )
    server.add("/faults/post-with-bad-image/", page(with_bad_image.encode()))

    # a sitemap index listing itself, and two that list each other
    self_index = sitemap_index([server.absolute("/faults/self-sitemap.xml"), server.absolute("/faults/ring-a.xml")])
    server.add("/faults/self-sitemap.xml", page(self_index, "application/xml"))
    server.add("/faults/ring-a.xml", page(sitemap_index([server.absolute("/faults/ring-b.xml")]), "application/xml"))
    server.add("/faults/ring-b.xml", page(sitemap_index([server.absolute("/faults/ring-a.xml")]), "application/xml"))
    server.extra_robots_sitemaps.append("/faults/self-sitemap.xml")

    server.list_in_sitemap(
        *[path for path, *_ in ERROR_FAULTS if path.startswith("/faults/")],
        "/faults/binary/", "/faults/429-then-ok/", "/faults/503-then-ok/", "/faults/cp1252/", "/faults/sjis/",
        "/faults/bom/", "/faults/bom-wrong-header/", "/faults/wrong-charset/", "/faults/malformed/",
        "/faults/gzip-ok/", "/faults/deflate-ok/", "/faults/post-with-bad-image/", "/faults/no-body/",
    )


def _encoded(compressor: zlib._Compress, html: str, encoding: str):
    data = compressor.compress(html.encode()) + compressor.flush()

    def fault(handler) -> None:
        handler.answer(200, data, "text/html; charset=UTF-8", headers=[("Content-Encoding", encoding)])

    return fault


@dataclass
class Scenario:
    server: FaultServer
    db_path: Path
    first: CrawlReport
    second: CrawlReport
    second_seconds: float
    before: dict[str, set[tuple]]
    after: dict[str, set[tuple]]
    pages_before: dict[str, str]
    pages_after: dict[str, str]
    files_before: dict[Path, str]
    files_after: dict[Path, str]

    def url(self, path: str) -> str:
        return self.server.absolute(path)

    def fetch_errors(self, path: str) -> list[str | None]:
        return [row[0] for row in query(self.db_path, "select error from fetches where run_id = ? and url = ?",
                                        (self.second.run_id, self.url(path)))]

    def post(self, path: str) -> dict | None:
        rows = rows_by_key(self.db_path, "posts", "url")
        return rows.get(self.url(path))


def _pages(db_path: Path) -> dict[str, str]:
    return {url: sha for url, sha in query(db_path, "select url, sha256 from pages")}


def _files(root: Path) -> dict[Path, str]:
    return {path: file_hash(root / path) for path in image_store_files(root)}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("faults")
    db_path = root / "archive.db"
    with FaultServer() as server:
        first = run_bounded(lambda: crawl(db_path, server.url, SETTINGS), 60)
        before, pages_before, files_before = snapshot(db_path), _pages(db_path), _files(root)
        install_faults(server)
        server.reset_log()
        started = time.monotonic()
        second = run_bounded(lambda: crawl(db_path, server.url, replace(SETTINGS, recheck_all=True)), 90)
        seconds = time.monotonic() - started
        yield Scenario(server, db_path, first, second, seconds, before, snapshot(db_path), pages_before,
                       _pages(db_path), files_before, _files(root))


# ---------------------------------------------------------------- the run as a whole


def test_clean_crawl_archives_the_blog_first(scenario: Scenario) -> None:
    assert scenario.first.status == "ok", scenario.first
    assert len(scenario.before["posts"]) == len(json.loads((SAMPLE_ROOT / "manifest.json").read_text())["posts"])
    assert len(scenario.before["comments"]) > 150
    assert scenario.files_before, "the clean crawl stored image files"


def test_crawl_with_faults_finishes_partial_and_in_bounded_time(scenario: Scenario) -> None:
    assert scenario.second.status == "partial"
    assert scenario.second.counts.errors >= len(ERROR_FAULTS)
    # slow loris pages are cut by the overall timeout (2 x timeout_s), not waited out
    assert scenario.second_seconds < 30
    assert integrity_check(scenario.db_path) == "ok"
    status_row = query(scenario.db_path, "select status, finished_at from crawl_runs where id = ?",
                       (scenario.second.run_id,))
    assert status_row[0][0] == "partial" and status_row[0][1]


def test_nothing_archived_is_lost_or_altered(scenario: Scenario) -> None:
    for table, rows in scenario.before.items():
        missing = rows - scenario.after[table]
        assert not missing, f"{table}: {len(missing)} archived rows lost or altered, e.g. {sorted(missing)[:1]}"


def test_no_comment_is_marked_deleted(scenario: Scenario) -> None:
    deleted = query(scenario.db_path, "select count(*) from comments where deleted_at is not null")[0][0]
    assert deleted == 0


def test_raw_page_captures_of_archived_posts_are_kept(scenario: Scenario) -> None:
    changed = {url for url, sha in scenario.pages_before.items() if scenario.pages_after.get(url) != sha}
    assert not changed, f"raw captures replaced or lost: {sorted(changed)}"


def test_image_files_are_untouched(scenario: Scenario) -> None:
    for path, digest in scenario.files_before.items():
        assert scenario.files_after.get(path) == digest, path
    assert not [p for p in scenario.files_after if p.name.endswith(".tmp")]


def test_good_pages_are_refetched_during_the_faulty_crawl(scenario: Scenario) -> None:
    assert scenario.fetch_errors(UNTOUCHED) == [None]
    assert scenario.second.counts.posts_unchanged >= 3


# ---------------------------------------------------------------- one fault at a time


@pytest.mark.parametrize(("path", "error", "least", "most"), ERROR_FAULTS, ids=[f[0] for f in ERROR_FAULTS])
def test_fault_is_logged_in_fetches_with_a_clear_error(
    scenario: Scenario, path: str, error: str, least: int, most: int
) -> None:
    errors = scenario.fetch_errors(path)
    assert errors, f"{path} was never fetched"
    assert all(e is not None and error in e for e in errors), errors
    seen = scenario.server.count(path)
    assert least <= seen <= most, f"{path}: the server saw {seen} requests"


def test_retry_after_is_waited_out_before_the_retry(scenario: Scenario) -> None:
    times = scenario.server.times("/faults/429/")
    assert len(times) == 2 and times[1] - times[0] >= 0.95


@pytest.mark.parametrize("path", ["/faults/429-then-ok/", "/faults/503-then-ok/"])
def test_transient_errors_are_retried_and_the_post_archived(scenario: Scenario, path: str) -> None:
    assert scenario.server.count(path) == 2
    assert scenario.post(path) is not None
    assert scenario.fetch_errors(path) == [None]


def test_slow_loris_is_ended_by_the_overall_timeout(scenario: Scenario) -> None:
    elapsed = query(scenario.db_path, "select elapsed_ms from fetches where run_id = ? and url = ?",
                    (scenario.second.run_id, scenario.url("/faults/slow/")))
    assert elapsed and 1900 <= elapsed[0][0] <= 6000, elapsed


def test_offsite_and_non_http_redirects_are_never_followed(scenario: Scenario) -> None:
    assert not [p for p in scenario.server.paths() if "elsewhere" in p or p.startswith("/pub")]


def test_comment_page_failure_keeps_the_thread(scenario: Scenario) -> None:
    post = scenario.post(PLANK)
    assert post is not None
    counts = query(scenario.db_path, "select count(*), count(deleted_at) from comments where post_id = ?", (post["id"],))
    before = [row for row in scenario.before["comments"]]
    assert counts[0][1] == 0
    assert counts[0][0] >= 100 and len(before) > 0


def test_binary_served_as_html_creates_no_post(scenario: Scenario) -> None:
    assert scenario.post("/faults/binary/") is None
    assert scenario.server.count("/faults/binary/") == 1


def test_undeclared_cp1252_page_is_decoded(scenario: Scenario) -> None:
    post = scenario.post("/faults/cp1252/")
    assert post is not None
    assert post["title"] == "Café Crème – “Core” Day"
    assert "Naïve señor’s deadlift: 3×5 @ 80 €." in post["body_text"]


def test_shift_jis_page_with_meta_charset_is_decoded(scenario: Scenario) -> None:
    post = scenario.post("/faults/sjis/")
    assert post is not None
    assert post["title"] == "東京ジム日記 スクワット"
    assert "スクワットは深く。" in post["body_text"]


def test_utf8_bom_without_charset_is_decoded(scenario: Scenario) -> None:
    post = scenario.post("/faults/bom/")
    assert post is not None
    assert post["title"] == "Ünïcödé — BOM Post"
    assert "\ufeff" not in post["title"] and "ï»¿" not in post["title"]



def test_utf8_bom_beats_a_wrong_header_charset(scenario: Scenario) -> None:
    post = scenario.post("/faults/bom-wrong-header/")
    assert post is not None and post["title"] == "Größe — BOM Beats Header"


def test_wrong_header_charset_still_archives_the_post(scenario: Scenario) -> None:
    post = scenario.post("/faults/wrong-charset/")
    assert post is not None
    assert post["title"].startswith("Wrong Charset")
    post["body_text"].encode("utf-8")  # stored text is valid Unicode


def test_malformed_html_is_archived(scenario: Scenario) -> None:
    post = scenario.post("/faults/malformed/")
    assert post is not None
    assert "Squat depth matters" in post["body_text"]
    assert "After the forms" in post["body_text"]
    assert "<form" not in post["body_html"] and "<input" not in post["body_html"]
    comments = query(scenario.db_path, "select remote_id, depth from comments where post_id = ? order by path",
                     (post["id"],))
    assert comments == [("501", 1), ("502", 2)]


def test_single_post_page_without_a_body_is_a_per_page_error(scenario: Scenario) -> None:
    (error,) = scenario.fetch_errors("/faults/no-body/")
    assert error is not None and "without a recognisable body" in error
    assert scenario.post("/faults/no-body/") is None


@pytest.mark.parametrize("path", ["/faults/gzip-ok/", "/faults/deflate-ok/"])
def test_compressed_pages_are_decoded(scenario: Scenario, path: str) -> None:
    post = scenario.post(path)
    assert post is not None and "in transit" in post["body_text"]


def test_an_image_that_is_not_an_image_is_recorded_not_stored(scenario: Scenario) -> None:
    rows = query(scenario.db_path, "select sha256, path, error from images where url = ?",
                 (scenario.url("/faults/not-an-image.png"),))
    assert rows and rows[0][0] is None and rows[0][1] is None
    assert "not an image" in rows[0][2]
    assert scenario.post("/faults/post-with-bad-image/") is not None


def test_self_referencing_and_circular_sitemaps_are_read_once(scenario: Scenario) -> None:
    for path in ("/faults/self-sitemap.xml", "/faults/ring-a.xml", "/faults/ring-b.xml"):
        assert scenario.server.count(path) == 1, path


def test_every_fetch_of_the_faulty_run_is_logged(scenario: Scenario) -> None:
    conn = sqlite3.connect(scenario.db_path)
    try:
        logged = conn.execute("select count(*) from fetches where run_id = ?", (scenario.second.run_id,)).fetchone()[0]
    finally:
        conn.close()
    assert logged >= len(ERROR_FAULTS) + 10


# ---------------------------------------------------------------- a sitemap with 100k URLs


def test_sitemap_with_100k_urls_is_bounded_by_max_posts(tmp_path: Path) -> None:
    from faults.pages import sitemap

    max_posts = 5
    with FaultServer() as server:
        urls = [server.absolute(f"/m/{n}/") for n in range(100_000)]
        server.add("/huge-sitemap.xml", page(sitemap(urls), "application/xml"))
        server.extra_robots_sitemaps.append("/huge-sitemap.xml")

        def many(handler) -> None:
            number = int(handler.path.strip("/").split("/")[1])
            html = wp_post(post_id=100_000 + number, url=server.absolute(handler.path), title=f"Post {number}",
                           body=f"<p>Body {number}</p>")
            handler.answer(200, html.encode())

        server.add_prefix("/m/", many)
        started = time.monotonic()
        report = run_bounded(
            lambda: crawl(tmp_path / "a.db", server.url,
                          replace(SETTINGS, max_posts=max_posts, max_body_bytes=20 * MB, download_images=False)),
            60,
        )
        seconds = time.monotonic() - started
        post_pages = server.count_prefix("/m/") + sum(
            1 for p in server.paths() if p.startswith("/2024/") and "comment-page" not in p)
    assert server.count("/huge-sitemap.xml") == 1
    assert query(tmp_path / "a.db", "select count(*) from posts")[0][0] == max_posts
    assert report.counts.posts_new == max_posts
    # at most one page per worker beyond the budget, never the 100k listed
    assert post_pages <= max_posts + SETTINGS.concurrency, post_pages
    assert len(server.paths()) < 60
    assert seconds < 30
