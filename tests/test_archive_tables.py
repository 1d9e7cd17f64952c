"""Table pages, reader navigation and the 404 page, through Datasette in-process (the
browser tests in tests/browser/ check the same pages rendered in chromium)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from archive_fixture import ArchiveFixture, build_archive
from bs4 import BeautifulSoup
from datasette.app import Datasette
from formatting_fixture import FormattedPost, add_formatted_post

from scraper.publish import ARCHIVE_CONFIG_DIR, datasette_kwargs


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveFixture, FormattedPost]:
    fixture = build_archive(tmp_path_factory.mktemp("archive"))
    return fixture, add_formatted_post(fixture)


@pytest.fixture
def ds(archive: tuple[ArchiveFixture, FormattedPost]) -> Datasette:
    return Datasette(**datasette_kwargs(archive[0].db_path))


async def _columns(ds: Datasette, path: str) -> tuple[list[str], BeautifulSoup]:
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:500]
    soup = BeautifulSoup(response.text, "html.parser")
    heads = [th["data-column"] for th in soup.select("table.rows-and-columns thead th")]
    cells = [[td["class"][0][4:] for td in tr.select("td")]
             for tr in soup.select("table.rows-and-columns tbody tr")]
    assert cells and all(row == heads for row in cells), "cells follow their headers"
    return heads, soup


async def test_posts_table_columns(ds: Datasette) -> None:
    heads, soup = await _columns(ds, "/fitness/posts")
    assert heads[:6] == ["thumbnail", "title", "published_at", "author_id", "comment_count",
                         "image_count"]
    assert heads[-5:] == ["id", "site_id", "remote_id", "url", "content_hash"]
    assert "body_html" not in heads and "body_text" not in heads
    counts = {tr.select_one("td.col-title").get_text(strip=True):
              tr.select_one("td.col-image_count").get_text(strip=True)
              for tr in soup.select("table.rows-and-columns tbody tr")}
    assert counts == {"Every formatting element": "1", "Back Routine Week 1": "3",
                      "Meal prep & macros <3": "1"}  # a placement whose download failed
    thumbs = [img["src"] for img in soup.select("td.col-thumbnail img")]
    assert len(thumbs) == 2 and all(src.startswith("/images/") for src in thumbs)


async def test_sorting_and_row_pages_are_untouched(ds: Datasette) -> None:
    heads, _ = await _columns(ds, "/fitness/posts?_sort=title")
    assert heads[0] == "thumbnail"
    row = await ds.client.get("/fitness/posts/" + str(
        (await ds.client.get("/fitness/posts.json?_shape=array")).json()[0]["id"]))
    assert row.status_code == 200 and 'data-column="body_html"' in row.text


async def test_a_hidden_column_shows_when_asked_for(ds: Datasette) -> None:
    response = await ds.client.get("/fitness/posts?_col=title&_col=body_html")
    soup = BeautifulSoup(response.text, "html.parser")
    heads = [th["data-column"] for th in soup.select("table.rows-and-columns thead th")]
    assert "body_html" in heads and "title" in heads


async def test_json_and_csv_keep_every_column_in_storage_order(ds: Datasette) -> None:
    rows = (await ds.client.get("/fitness/posts.json?_shape=array")).json()
    assert list(rows[0])[:4] == ["id", "site_id", "remote_id", "url"]
    assert "body_html" in rows[0] and "thumbnail" not in rows[0]
    text = (await ds.client.get("/fitness/posts.csv?_stream=on")).text
    header = next(csv.reader(io.StringIO(text)))
    assert header[:4] == ["id", "site_id", "remote_id", "url"] and "body_html" in header


async def test_comment_threads_and_routine_images_columns(ds: Datasette) -> None:
    heads, _ = await _columns(ds, "/fitness/comment_threads")
    assert heads[:4] == ["post_title", "indented_author", "published_at", "body_text"]
    assert heads[-5:] == ["comment_id", "post_id", "parent_id", "path", "post_url"]
    heads, soup = await _columns(ds, "/fitness/routine_images")
    assert heads[:4] == ["image_path", "post_title", "heading", "caption"]
    for link in soup.select("td.col-image_url a, td.col-image_path a"):
        assert link["href"].startswith("/images/"), link
    missing = [td for td in soup.select("td.col-image_url") if "missing.png" in td.text]
    assert missing and missing[0].select("a") == []


async def test_images_table_url_links_to_the_archived_copy(ds: Datasette) -> None:
    response = await ds.client.get("/fitness/images")
    soup = BeautifulSoup(response.text, "html.parser")
    links = [a["href"] for a in soup.select("td.col-url a")]
    assert len(links) == 4 and all(h.startswith("/images/") for h in links)


async def test_reader_navigation_versions_and_deleted_count(
    ds: Datasette, archive: tuple[ArchiveFixture, FormattedPost]
) -> None:
    fixture, post = archive
    soup = BeautifulSoup((await ds.client.get(f"/post/{post.post_id}")).text, "html.parser")
    nav = soup.select_one("nav.post-nav")
    assert nav.select_one("a[rel=prev]")["href"] == f"/post/{fixture.routine_post_id}"
    assert nav.select_one("a[rel=next]") is None
    assert soup.select_one("a.versions-link").get_text() == "2 versions"
    assert soup.select_one(".post-meta del.deleted-count").get_text() == "1 deleted"
    middle = BeautifulSoup((await ds.client.get(f"/post/{fixture.routine_post_id}")).text,
                           "html.parser")
    assert middle.select_one("a[rel=prev]")["href"] == f"/post/{fixture.nutrition_post_id}"
    assert middle.select_one("a[rel=next]")["href"] == f"/post/{post.post_id}"
    assert middle.select_one("a.versions-link") is None


async def test_reader_keeps_list_numbering_attributes(
    ds: Datasette, archive: tuple[ArchiveFixture, FormattedPost]
) -> None:
    soup = BeautifulSoup((await ds.client.get(f"/post/{archive[1].post_id}")).text,
                         "html.parser")
    body = soup.select_one(".post-body")
    assert body.select_one("ol[start='8']") is not None
    assert body.select_one("ol[reversed]") is not None
    assert body.select_one("ol[type='I']")["class"] == ["list-upper-roman"]
    assert body.select_one("ol[type='a']")["class"] == ["list-lower-alpha"]
    assert body.select_one("table caption").get_text() == "Week 1 plan"


@pytest.mark.parametrize("path", ["/no/such/page", "/post/12345", "/fitness/no_such_table"])
async def test_404_page_has_the_archive_style_and_links(ds: Datasette, path: str) -> None:
    response = await ds.client.get(path)
    assert response.status_code == 404
    soup = BeautifulSoup(response.text, "html.parser")
    assert any("archive.css" in link["href"] for link in soup.select("link[rel=stylesheet]"))
    hrefs = {a.get_text(): a["href"] for a in soup.select(".archive-error-page a")}
    assert hrefs["Latest posts"] == "/fitness/posts"
    assert soup.select_one("form.archive-search")["action"] == "/search"


async def test_404_json_stays_json(ds: Datasette) -> None:
    response = await ds.client.get("/fitness/no_such_table.json")
    assert response.status_code == 404
    assert json.loads(response.text)["ok"] is False


def test_every_table_layout_names_real_columns() -> None:
    """A misspelt column in a table_layout block would silently do nothing."""
    import sqlite3

    import yaml

    from schemas import migrations

    metadata = yaml.safe_load((ARCHIVE_CONFIG_DIR / "metadata.yml").read_text())
    conn = sqlite3.connect(":memory:")
    import sqlite_utils

    migrations.apply(sqlite_utils.Database(conn))
    for table, config in metadata["databases"]["fitness"]["tables"].items():
        layout = config.get("table_layout")
        if not layout:
            continue
        columns = {r[1] for r in conn.execute(f"pragma table_xinfo({table})")}
        columns |= set(layout.get("computed", []))
        for key in ("first", "last", "hidden"):
            unknown = set(layout.get(key, [])) - columns
            assert not unknown, f"{table}.table_layout.{key}: {sorted(unknown)}"


def test_archive_config_dir_is_the_checkout() -> None:
    assert ARCHIVE_CONFIG_DIR == Path(__file__).resolve().parent.parent / "archive"
