"""Smoke run of the benchmark scripts in bench/ at tiny sizes.

Serves a 20-post generated blog with the stdlib server (no nginx needed) and
checks that every script produces sane figures; the many-blogs bench runs on
three blogs served by stdlib threads on 127.0.1.1-3. The peers (Scrapy, httpx +
selectolax) and the other extractors (trafilatura, readability-lxml) come
with the ``bench`` extra, which ``make test`` installs.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import _common as common  # noqa: E402
import crawl_throughput  # noqa: E402
import extraction  # noqa: E402
import many_blogs  # noqa: E402
import rerun_cost  # noqa: E402
import run_all  # noqa: E402
from generate_blog import generate  # noqa: E402

from scraper.extract import extract_comment_page, extract_post_page  # noqa: E402

POSTS = 20


def _installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(name) is not None for name in modules)


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("bench")
    server, manifest = crawl_throughput.serve_blog(work, POSTS, "stdlib")
    try:
        yield work, server, manifest
    finally:
        server.stop()


def test_generated_blog_reads_as_wordpress(tmp_path: Path) -> None:
    manifest = generate(tmp_path / "site", posts=POSTS, base_url="http://127.0.0.1:8090")
    assert manifest["posts"] == POSTS
    assert manifest["html_pages_to_fetch"] == POSTS + manifest["comment_pages_to_fetch"]
    site = tmp_path / "site"
    assert "Disallow" not in (site / "robots.txt").read_text()
    assert "wp-sitemap-posts-post-1.xml" in (site / "wp-sitemap.xml").read_text()
    assert generate(tmp_path / "again", posts=POSTS, base_url="http://127.0.0.1:8090") == manifest
    paged = sorted(p.parent for p in site.glob("[0-9]*/*/*/*/comment-page-1/index.html"))
    assert paged, "some posts must have several comment pages"
    folder = paged[0].parent
    url = "http://127.0.0.1:8090/" + str(folder.relative_to(site)) + "/"
    post = extract_post_page((folder / "index.html").read_bytes(), url)
    assert post is not None and post.title and post.body_text
    assert post.comments and post.comment_page_urls
    first = extract_comment_page((folder / "comment-page-1" / "index.html").read_bytes(), url + "comment-page-1/")
    assert first.comments
    replies = [c for p in site.glob("[0-9]*/*/*/*/index.html")
               for c in extract_post_page(p.read_bytes(), url).comments if c.parent_remote_id]
    assert replies, "nested replies (ol.children) must be generated"


def test_server_ceiling_and_log(blog) -> None:  # type: ignore[no-untyped-def]
    _work, server, _manifest = blog
    offset = server.mark()
    rps = common.measure_ceiling(server.port, "/robots.txt", requests=200, connections=4, max_seconds=5)
    assert rps > 0
    stats = server.stats_since(offset)
    assert stats.requests >= 200 and stats.bytes > 0


def test_crawl_throughput_figures(blog) -> None:  # type: ignore[no-untyped-def]
    work, server, manifest = blog
    assert _installed("scrapy", "selectolax"), "the bench extra is part of make test"
    runs = {
        "fitarchive": [crawl_throughput.run_fitarchive(server.base_url, work, images=False)],
        "scrapy": [crawl_throughput.run_peer("scrapy_spider.py", server.base_url, work)],
        "bare": [crawl_throughput.run_peer("bare_httpx_selectolax.py", server.base_url, work)],
    }
    for name, results in runs.items():
        result = crawl_throughput.summarize([crawl_throughput.credit(r, manifest) for r in results])
        assert "error" not in result, (name, result.get("error"))
        assert result["complete"] and result["pages"] == manifest["html_pages_to_fetch"], name
        # fitarchive skips the comment pages a post page already shows; the peers fetch every link.
        assert result["fetched_pages"] <= manifest["html_pages_to_fetch"], name
        assert result["posts"] == POSTS, name
        assert result["comments"] == manifest["comments"], name
        assert result["replies"] > 0, name
        assert result["pages_per_s"] > 0 and result["cpu_s"] > 0 and result["rss_mib"] > 10, name
    assert crawl_throughput.credit({"pages": 3, "posts": 1, "comments": 0, "wall_s": 1.0, "cpu_s": 1.0},
                                   manifest)["pages"] == 3  # an incomplete archive earns only what it fetched


def test_profile_aggregation() -> None:
    raw = ("<module> (scraper/__main__.py:5);crawl (/x/scraper/store.py:10);execute (sqlite_utils/db.py:3) 30\n"
           "<module> (scraper/__main__.py:5);parse_html (/x/scraper/extract/_html.py:9) 10\n")
    raw += ("process 2:\"x\";_serve (scraper/helper.py:40);write_post (scraper/writer.py:70);"
            "execute (sqlite_utils/db.py:3) 7\n"
            "process 3:\"x\";_serve (scraper/helper.py:40);parse_html (scraper/extract/_html.py:9) 5\n")
    result = crawl_throughput.aggregate_profile(raw)
    assert result["samples"] == 40
    assert result["self"][0][0].endswith("execute")
    assert result["worker_samples"] == 12 and result["per_helper"] == {"writer": 7, "parser": 5}


def test_rerun_cost_figures(tmp_path: Path) -> None:
    result = rerun_cost.measure(posts=POSTS, workdir=tmp_path, images=True, full_rerun=False,
                                server_kind="stdlib", log=lambda m: None)
    first, second = result["run1"], result["run2"]
    assert first["returncode"] == 0 and second["returncode"] == 0
    assert first["requests"] >= POSTS and first["bytes"] > 0
    assert first["archive"]["posts_new"] == POSTS
    assert 0 < second["requests"] < first["requests"]
    assert 0 < result["run2_vs_run1"]["bytes_pct"] < 100


def test_shingle_score() -> None:
    assert extraction.score("one two three four five", "one two three four five") == (1.0, 1.0, 1.0)
    precision, recall, f1 = extraction.score("one two three four five six", "one two three four")
    assert precision < 1.0 and recall == 1.0 and 0 < f1 < 1
    assert extraction.score("", "one two three four")[2] == 0.0


@pytest.mark.skipif(not (extraction.DEFAULT_CORPUS / "ground-truth.json").exists(),
                    reason="article-extraction-benchmark corpus not beside the repo")
def test_extraction_quality_figures() -> None:
    assert _installed("trafilatura", "readability"), "the bench extra is part of make test"
    result = extraction.measure_quality(extraction.DEFAULT_CORPUS, 5, log=lambda m: None)
    assert result["pages"] == 5
    for name, figures in result["extractors"].items():
        assert 0.0 <= figures["f1"] <= 1.0, name
        assert figures["ms_per_page"] > 0, name
    assert result["extractors"]["trafilatura favor_precision"]["f1"] > 0.5


def test_render_writes_every_section(blog, many, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    work, server, manifest = blog
    fitarchive = crawl_throughput.summarize([crawl_throughput.run_fitarchive(server.base_url, work, images=False)])
    results = {
        "mode": "quick", "date": "2026-01-01 00:00 UTC", "machine": common.machine(), "commit": "abc",
        "load_before": (0.0, 0.0, 0.0), "load_after": (0.0, 0.0, 0.0), "versions": {"fitarchive": "0.1.0"},
        "crawl": {"posts": POSTS, "concurrency": 16, "blog": manifest,
                  "server": {"kind": "http.server", "ceiling_robots_rps": 1.0, "ceiling_post_rps": 1.0},
                  "crawlers": {"fitarchive": fitarchive, "scrapy": dict(fitarchive, version="x")},
                  "ratio_pages_per_s": 1.0,
                  "profile": crawl_throughput.aggregate_profile("a (scraper/store.py:1) 1\n")},
        "rerun": rerun_cost.measure(posts=5, workdir=tmp_path, images=False, full_rerun=False,
                                    server_kind="stdlib", log=lambda m: None),
        "extraction": {"speed": {"pages": 1, "avg_kib": 40.0, "extractors": {"x": {"ms_per_page": 1.0}}},
                       "quality": {"pages": 1, "extractors": {"fitarchive x": {
                           "precision": 0.5, "recall": 0.5, "f1": 0.5, "ms_per_page": 1.0, "failures": 0}}}},
        "many_blogs": many,
    }
    text = run_all.render(json.loads(json.dumps(results, default=str)))
    for heading in ("## Crawl throughput", "## Where fitarchive's CPU goes", "## Re-run cost", "## Extraction",
                    "## Many blogs (issue 14)", "## Against the goals of issue #10"):
        assert heading in text


MANY_DELAY = 0.05


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """bench/many_blogs.py at a tiny size: 3 blogs of 4 posts on 127.0.1.1-3, delay 0.05 s, both crawlers."""
    assert _installed("scrapy"), "the bench extra is part of make test"
    return many_blogs.measure(blogs=3, posts=4, delay=MANY_DELAY, workdir=tmp_path_factory.mktemp("many"),
                              server_kind="stdlib", timeout=120, log=lambda m: None)


def test_many_blogs_figures(many: dict[str, Any]) -> None:
    results, delay = many, MANY_DELAY
    assert results["totals"]["posts"] == 12 and results["totals"]["comments"] > 0
    for name in ("fitarchive", "scrapy"):
        r = results["crawlers"][name]
        assert "error" not in r, (name, r.get("error"))
        assert r["complete"] and not r["incomplete_blogs"], (name, r["incomplete_blogs"])
        assert r["posts"] == 12 and r["comments"] == results["totals"]["comments"], name
        per = r["requests_per_host"]
        assert 4 < per["min"] <= per["median"] <= per["max"] < 100, (name, per)  # robots, sitemaps, 4 posts...
        assert r["other_hosts"] == [], name  # nothing but the three blogs' addresses was asked
        assert r["floor_s"] == pytest.approx(per["max"] * delay)
        assert r["wall_s"] > 0 and r["wall_over_floor"] > 0.5, name
        assert 0 < r["min_gap_s"] < 10 and r["min_gap_host"] in many_blogs.addresses(3), name
        assert len(r["gaps_below_delay_examples"]) == min(10, r["gaps_below_delay"]), name
        assert 0 <= r["gaps_below_90pct"] <= r["gaps_below_delay"], name
        assert r["tree_pss_mib"] > 10 and r["cpu_s"] > 0, name
    text = "\n".join(many_blogs.markdown(results, results))
    assert "## Many blogs" in text and "| fitarchive crawl --config |" in text


def test_many_blogs_gaps_from_the_log() -> None:
    """Gaps are between request starts ($msec - $request_time) on one address; below the delay is flagged."""
    log = "\n".join([
        '100.300 0.050 127.0.1.1 127.0.1.1 GET /robots.txt 200 10 "ua"',  # starts at 100.250
        '100.500 0.000 127.0.1.1 127.0.1.1 GET / 200 10 "ua"',  # 0.250 later: fine
        '100.600 0.000 127.0.1.2 127.0.1.2 GET /robots.txt 200 10 "ua"',
        '100.700 0.000 127.0.1.2 127.0.1.2 GET /wp-json/ 404 0 "ua"',  # 0.100 later: below
        'garbage line',
    ])
    requests = many_blogs.parse_log(log)
    assert len(requests) == 4 and requests[0].start == pytest.approx(100.25)
    figures = many_blogs.host_figures(requests, ["127.0.1.1", "127.0.1.2", "127.0.1.3"], 0.25)
    assert figures["requests_per_host"] == {"min": 0, "median": 2.0, "max": 2}
    assert figures["floor_s"] == pytest.approx(0.5)
    assert figures["min_gap_s"] == pytest.approx(0.1) and figures["min_gap_host"] == "127.0.1.2"
    assert figures["gaps_below_delay"] == figures["gaps_below_90pct"] == 1
    assert figures["gaps_below_delay_examples"][0]["second"] == "/wp-json/"
