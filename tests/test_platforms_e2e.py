"""End-to-end crawls of a Blogger-style blog and a hand-made static blog on loopback.

Both sites are the fixtures under tests/fixtures/sites/, served by an
in-process HTTP server on 127.0.0.1 that fills in its own origin
(``__ORIGIN__``) and, for Blogger feeds, honours ``start-index`` /
``max-results`` with the ``openSearch`` counts as Blogger does. Each crawl is
bounded (two or three posts, no delays) and writes the same schema as a
WordPress crawl.
"""

from __future__ import annotations

import mimetypes
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from lxml import etree

from scraper import pipeline
from scraper.sources import blogger as blogger_source
from scraper.config import Settings
from scraper.pipeline import crawl

SITES = Path(__file__).parent / "fixtures" / "sites"
ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearchrss/1.0/"


@dataclass
class FixtureSite:
    """A running fixture site: its base URL and the paths requested so far."""

    base_url: str
    requests: list[str] = field(default_factory=list)


def _page_feed(body: bytes, query: dict[str, list[str]]) -> bytes:
    """Cut an Atom feed to ``start-index`` / ``max-results`` as Blogger does."""
    start = int(query.get("start-index", ["1"])[0])
    size = int(query.get("max-results", ["25"])[0])
    root = etree.fromstring(body)
    entries = root.findall(f"{{{ATOM}}}entry")
    for index, entry in enumerate(entries, start=1):
        if not start <= index < start + size:
            root.remove(entry)
    for name, value in (("startIndex", start), ("itemsPerPage", size)):
        node = root.find(f"{{{OPENSEARCH}}}{name}")
        if node is not None:
            node.text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _resolve(root: Path, path: str) -> Path | None:
    parts = [p for p in unquote(path).split("/") if p and p not in (".", "..")]
    target = root.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file() and target.with_suffix(".xml").is_file():
        target = target.with_suffix(".xml")
    return target if target.is_file() else None


@contextmanager
def serve_site(name: str) -> Iterator[FixtureSite]:
    """Serve tests/fixtures/sites/NAME on 127.0.0.1 (an ephemeral port)."""
    root = SITES / name
    site = FixtureSite(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            site.requests.append(self.path)
            target = _resolve(root, parts.path)
            if target is None:
                self.send_error(404, "Not Found")
                return
            body = target.read_bytes()
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if target.suffix in (".html", ".xml", ".txt"):
                body = body.replace(b"__ORIGIN__", site.base_url.rstrip("/").encode())
                kind = {".html": "text/html; charset=UTF-8", ".txt": "text/plain"}.get(
                    target.suffix, "application/xml; charset=UTF-8"
                )
            if "/feeds/" in parts.path:
                body = _page_feed(body, parse_qs(parts.query))
                kind = "application/atom+xml; charset=UTF-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name=f"site-{name}", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


SETTINGS = Settings(delay_s=0, timeout_s=10, retries=0, max_posts=10, concurrency=2)


def _rows(db_path: Path, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        return list(con.execute(sql, params))
    finally:
        con.close()


def test_blogger_site_is_archived_from_its_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small pages so that both feeds are read across several start-index pages.
    monkeypatch.setattr(blogger_source, "BLOGGER_POSTS_PER_PAGE", 1)
    monkeypatch.setattr(blogger_source, "BLOGGER_COMMENTS_PER_PAGE", 3)
    db_path = tmp_path / "blogger.db"
    with serve_site("blogger") as site:
        report = crawl(db_path, site.base_url, SETTINGS)
    assert report.status == "ok", report
    assert report.mode == "blogger"
    assert "/feeds/posts/default?start-index=2&max-results=1" in site.requests
    assert "/feeds/7001/comments/default?start-index=4&max-results=3" in site.requests
    assert not [path for path in site.requests if path.endswith(".html")]  # the feeds were enough

    (site_row,) = _rows(db_path, "select platform, name from sites")
    assert site_row["platform"] == "blogger"
    assert site_row["name"] == "Iron Notes"

    posts = {r["remote_id"]: r for r in _rows(db_path, "select * from posts order by published_at")}
    assert set(posts) == {"7001", "7002"}
    back = posts["7001"]
    assert back["title"] == "Back Day: Rows, Pulldowns and a Deadlift PR"
    assert back["url"] == site.base_url + "2024/03/back-day-rows-pulldowns.html"
    assert back["published_at"] == "2024-03-02T17:30:00+00:00"
    assert back["modified_at"] == "2024-03-02T18:15:00+00:00"
    assert "new personal record at 180 kg" in back["body_text"]
    assert "Lat pulldown | 4 | 8" in back["body_text"]
    (author,) = _rows(db_path, "select name, url from authors where id = ?", (back["author_id"],))
    assert author["name"] == "Dana Reyes"

    images = _rows(
        db_path,
        "select pi.position, pi.role, pi.heading, pi.caption, pi.alt, i.url, i.sha256, i.path, i.width "
        "from post_images pi join images i on i.id = pi.image_id where pi.post_id = ? order by pi.position",
        (back["id"],),
    )
    assert [(r["heading"], r["caption"]) for r in images] == [
        ("Back Routine 1: Rows", "Seated row: squeeze for a full second at the chest"),
        ("Back Routine 2: Pulldowns", None),
    ]
    assert images[0]["url"].endswith(
        "/s1600/seated-row.jpg"
    )  # the linked original, not the s320 copy
    for image in images:
        assert image["sha256"] and image["width"] == 120
        assert (tmp_path / image["path"]).is_file()

    comments = {
        r["remote_id"]: r
        for r in _rows(
            db_path,
            "select c.remote_id, p.remote_id as parent, c.depth, c.author_name, c.is_post_author, "
            "c.published_at, c.body_html from comments c left join comments p on p.id = c.parent_id "
            "where c.post_id = ?",
            (back["id"],),
        )
    }
    assert {k: (v["parent"], v["depth"]) for k, v in comments.items()} == {
        "5550001": (None, 1),
        "5550002": ("5550001", 2),
        "5550003": (None, 1),
        "5550004": ("5550001", 2),
    }
    assert comments["5550002"]["is_post_author"] == 1
    assert comments["5550001"]["is_post_author"] == 0
    assert comments["5550001"]["published_at"] == "2024-03-02T18:00:00+00:00"
    assert "<b>rows</b>" in comments["5550002"]["body_html"]
    thread = _rows(db_path, "select depth from comment_threads where post_title like 'Back Day%'")
    assert sorted(r["depth"] for r in thread) == [1, 1, 2, 2]


def test_blogger_rerun_skips_unchanged_posts(tmp_path: Path) -> None:
    db_path = tmp_path / "blogger.db"
    with serve_site("blogger") as site:
        crawl(db_path, site.base_url, SETTINGS)
        before = len(site.requests)
        report = crawl(db_path, site.base_url, SETTINGS)
        again = site.requests[before:]
    assert report.status == "ok"
    assert not [path for path in again if "/comments/default" in path]
    assert len(_rows(db_path, "select id from comments")) == 5


def test_blogger_reextract_rebuilds_from_stored_feeds(tmp_path: Path) -> None:
    db_path = tmp_path / "blogger.db"
    with serve_site("blogger") as site:
        crawl(db_path, site.base_url, SETTINGS)
    con = sqlite3.connect(db_path)
    con.execute("update comments set parent_id = null")
    con.commit()
    con.close()
    pipeline.reextract(db_path)
    rows = _rows(
        db_path,
        "select c.remote_id, p.remote_id as parent from comments c "
        "left join comments p on p.id = c.parent_id where c.remote_id = '5550002'",
    )
    assert rows[0]["parent"] == "5550001"


def test_handmade_static_blog_is_archived_through_its_sitemap(tmp_path: Path) -> None:
    db_path = tmp_path / "handmade.db"
    with serve_site("handmade") as site:
        report = crawl(db_path, site.base_url, SETTINGS)
    assert report.status == "ok", report
    assert report.mode == "html"
    assert "/sitemap.xml" in site.requests

    (site_row,) = _rows(db_path, "select platform from sites")
    assert site_row["platform"] == "generic"

    posts = {r["url"].rsplit("/", 2)[-2]: r for r in _rows(db_path, "select * from posts")}
    assert set(posts) == {"deadlift-cues", "push-pull-legs"}  # the about page is not a post
    cues, ppl = posts["deadlift-cues"], posts["push-pull-legs"]
    assert cues["title"] == "Five Deadlift Cues That Fixed My Pull"
    assert cues["published_at"] == "2024-04-06T06:00:00+00:00"
    assert ppl["published_at"] == "2024-03-15T23:30:00+00:00"
    assert ppl["modified_at"] == "2024-03-18T14:00:00+00:00"
    assert "Bench press | 4 x 6" in ppl["body_text"]
    assert "Share on Twitter" not in ppl["body_text"]
    assert "Recent posts" not in ppl["body_text"]

    images = _rows(
        db_path,
        "select p.url as post, pi.role, pi.heading, pi.caption, i.path from post_images pi "
        "join images i on i.id = pi.image_id join posts p on p.id = pi.post_id order by p.url, pi.position",
    )
    summary = [
        (r["post"].rsplit("/", 2)[-2], r["role"], r["heading"], r["caption"]) for r in images
    ]
    assert summary == [
        (
            "deadlift-cues",
            "body",
            "Cue 1: Bar Over Mid-Foot",
            "Start position: the bar cuts the foot in half.",
        ),
        ("deadlift-cues", "body", "Cue 3: Lats Tight", None),
        ("push-pull-legs", "featured", None, None),
        ("push-pull-legs", "body", "Push Day", None),
        ("push-pull-legs", "body", "Pull Day", "Chin-ups with a slow lowering phase."),
    ]
    for image in images:
        assert image["path"] and (tmp_path / image["path"]).is_file()

    def tree(post_id: int) -> dict[str, tuple[str | None, int, str]]:
        return {
            r["remote_id"]: (r["parent"], r["depth"], r["author_name"])
            for r in _rows(
                db_path,
                "select c.remote_id, p.remote_id as parent, c.depth, c.author_name from comments c "
                "left join comments p on p.id = c.parent_id where c.post_id = ?",
                (post_id,),
            )
        }

    assert tree(cues["id"]) == {
        "r1": (None, 1, "Tom Becker"),
        "r2": ("r1", 2, "Lena Kowalski"),
        "r3": ("r2", 3, "Tom Becker"),
        "r4": (None, 1, "Mia Santos"),
        "wm-77": ("r4", 2, "Coach Ray"),
    }
    assert tree(ppl["id"]) == {
        "12": (None, 1, "Priya"),
        "13": ("12", 2, "Lena"),
        "15": ("13", 3, "Priya"),
        "14": (None, 1, "Jo"),
    }


def test_static_blog_sitemap_listing_tag_and_section_pages_archives_only_posts(tmp_path: Path) -> None:
    db_path = tmp_path / "hugo.db"
    with serve_site("hugo") as site:
        report = crawl(db_path, site.base_url, SETTINGS)
    assert report.status == "ok", report
    assert "/tags/conditioning/" in site.requests and "/categories/training/" in site.requests
    posts = {r["url"].rsplit("/", 2)[-2]: r["title"] for r in _rows(db_path, "select url, title from posts")}
    assert posts == {"squat-basics": "Squat Basics for New Lifters",
                     "rowing-intervals": "Rowing Intervals That Build an Engine"}
