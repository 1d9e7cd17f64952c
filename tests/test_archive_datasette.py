"""The archive as Datasette serves it: tables, search, CSV, permissions, images.

Datasette runs in-process with exactly the configuration ``fitarchive serve`` uses
(``scraper.publish.datasette_kwargs``) and is driven with ``ds.client`` (httpx over ASGI).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from archive_fixture import COMMENT_ONLY_WORD, ArchiveFixture, build_archive
from datasette.app import Datasette

from scraper.publish import datasette_kwargs


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> ArchiveFixture:
    return build_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture
def ds(archive: ArchiveFixture) -> Datasette:
    return Datasette(**datasette_kwargs(archive.db_path))


def _count(archive: ArchiveFixture, name: str) -> int:
    with sqlite3.connect(archive.db_path) as conn:
        return int(conn.execute(f'select count(*) from "{name}"').fetchone()[0])


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- home and tables -----------------------------------------------------------------


async def test_home_page_describes_the_archive_and_links_to_it(ds: Datasette):
    response = await ds.client.get("/")
    assert response.status_code == 200
    html = response.text
    assert "Fitness blog archive" in html
    assert 'action="/search"' in html
    for href in ("/fitness/posts", "/fitness/comment_threads", "/fitness/routine_images",
                 "/fitness/posts_by_year", "/static/archive.css"):
        assert f'href="{href}' in html, href


async def test_internal_tables_are_hidden(ds: Datasette):
    data = (await ds.client.get("/fitness.json")).json()
    visible = {t["name"] for t in data["tables"] if not t["hidden"]}
    assert {"posts", "comments", "images", "post_images", "sites", "authors"} <= visible
    assert not visible & {"pages", "crawl_state", "_sqlite_migrations", "posts_fts",
                          "comments_fts"}
    assert {v["name"] for v in data["views"]} == {"comment_threads", "routine_images",
                                                  "routine_exercises", "post_search_text"}


async def test_posts_are_newest_first_with_site_and_author_facets(
    ds: Datasette, archive: ArchiveFixture
):
    data = (await ds.client.get("/fitness/posts.json?_shape=objects")).json()
    assert [r["id"] for r in data["rows"]] == [archive.routine_post_id, archive.nutrition_post_id]
    assert data["human_description_en"] == "sorted by published_at descending"
    assert {"site_id", "author_id"} <= set(data["facet_results"])


async def test_post_titles_link_to_the_reader_view(ds: Datasette, archive: ArchiveFixture):
    html = (await ds.client.get("/fitness/posts")).text
    link = f'<a class="post-link" href="/post/{archive.routine_post_id}">Back Routine Week 1</a>'
    assert link in html
    assert "Meal prep &amp; macros &lt;3</a>" in html


async def test_column_descriptions_are_published(ds: Datasette):
    html = (await ds.client.get("/fitness/comments")).text
    assert '<dl class="column-descriptions">' in html
    assert "Sortable thread path" in html


async def test_comments_of_a_post_come_in_thread_order(ds: Datasette, archive: ArchiveFixture):
    url = f"/fitness/comments.json?post_id={archive.routine_post_id}&_shape=objects"
    rows = (await ds.client.get(url)).json()["rows"]
    assert [r["id"] for r in rows] == archive.thread


async def test_comment_threads_view_indents_authors_by_depth(ds: Datasette):
    html = (await ds.client.get("/fitness/comment_threads")).text
    assert re.search(r'<span class="indented" style="--depth: 3">Maria</span>', html)
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html and "<b>Mallory" not in html


async def test_routine_images_show_thumbnails_from_the_image_store(
    ds: Datasette, archive: ArchiveFixture
):
    html = (await ds.client.get("/fitness/routine_images")).text
    for path in archive.image_paths:
        assert f'<img class="thumb" src="/{path}"' in html
    assert 'src="https://' not in html


async def test_posts_by_year_links_each_year(ds: Datasette):
    data = (await ds.client.get("/fitness/posts_by_year.json?_shape=objects")).json()
    assert [(r["year"], r["posts"]) for r in data["rows"]] == [("2024", 1), ("2023", 1)]
    html = (await ds.client.get("/fitness/posts_by_year")).text
    assert 'href="/fitness/posts?published_at__startswith=2024"' in html


async def test_posts_by_term_finds_posts_by_tag_slug_or_name(ds: Datasette):
    for term in ("deadlift", "Routines"):
        url = f"/fitness/posts_by_term.json?term={term}&_shape=objects"
        data = (await ds.client.get(url)).json()
        assert [r["post_title"] for r in data["rows"]] == ["Back Routine Week 1"], term
    listing = (await ds.client.get("/fitness/posts_by_term.json?term=&_shape=objects")).json()
    assert {r["term"] for r in listing["rows"]} == {"Routines", "Nutrition", "back", "deadlift"}


async def test_post_row_page_links_to_the_reader_view(ds: Datasette, archive: ArchiveFixture):
    html = (await ds.client.get(f"/fitness/posts/{archive.routine_post_id}")).text
    assert f'href="/post/{archive.routine_post_id}">Read this post</a>' in html


# --- search ----------------------------------------------------------------------------


async def test_table_search_finds_a_word_only_in_a_comment(ds: Datasette, archive: ArchiveFixture):
    url = f"/fitness/comments.json?_search={COMMENT_ONLY_WORD}&_shape=objects"
    comments = (await ds.client.get(url)).json()
    assert [r["id"] for r in comments["rows"]] == [archive.comment_only_comment_id]
    posts = (await ds.client.get(f"/fitness/posts.json?_search={COMMENT_ONLY_WORD}")).json()
    assert posts["rows"] == []


async def test_table_search_covers_titles_and_comment_authors(
    ds: Datasette, archive: ArchiveFixture
):
    posts = (await ds.client.get("/fitness/posts.json?_search=meal&_shape=objects")).json()
    assert [r["id"] for r in posts["rows"]] == [archive.nutrition_post_id]
    comments = (await ds.client.get("/fitness/comments.json?_search=priya&_shape=objects")).json()
    assert [r["author_name"] for r in comments["rows"]] == ["Priya"]


async def test_search_page_finds_posts_and_comments(ds: Datasette, archive: ArchiveFixture):
    html = (await ds.client.get(f"/search?q={COMMENT_ONLY_WORD}")).text
    assert "No post matches." in html
    anchor = f"/post/{archive.routine_post_id}#comment-{archive.comment_only_comment_id}"
    assert f'href="{anchor}"' in html
    assert "<mark>Zercher</mark>" in html
    html = (await ds.client.get("/search?q=deadlift")).text
    assert f'href="/post/{archive.routine_post_id}"' in html


@pytest.mark.parametrize("query", ['"unbalanced', "a:b", "NEAR(", "*", "<script>alert(1)</script>"])
async def test_search_page_survives_fts_syntax_and_escapes_the_query(ds: Datasette, query: str):
    response = await ds.client.get("/search", params={"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text


async def test_empty_search_shows_the_form(ds: Datasette):
    html = (await ds.client.get("/search")).text
    assert 'name="q"' in html and "post-results" not in html


# --- CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["comment_threads", "routine_images", "posts", "comments", "images", "post_images",
     "sites", "authors", "terms", "post_terms", "post_versions", "crawl_runs", "fetches",
     "crawl_state", "pages"],
)
async def test_every_table_and_view_streams_as_full_csv(
    ds: Datasette, archive: ArchiveFixture, name: str
):
    response = await ds.client.get(f"/fitness/{name}.csv?_stream=on&_size=max")
    assert response.status_code == 200
    rows = _csv_rows(response.text)
    assert len(rows) - 1 == _count(archive, name)


async def test_csv_stream_is_not_capped_by_max_returned_rows(tmp_path: Path):
    fixture = build_archive(tmp_path)
    extra = datasette_kwargs(fixture.db_path)["settings"]["max_returned_rows"] * 2 + 10
    with sqlite3.connect(fixture.db_path) as conn:
        conn.executemany(
            "insert into comments (id, post_id, remote_id, depth, path, body_text) "
            "values (?, ?, ?, 1, ?, 'filler')",
            ((10_000 + i, fixture.nutrition_post_id, f"r{i}", f"{i:010d}") for i in range(extra)),
        )
    ds = Datasette(**datasette_kwargs(fixture.db_path))
    for name in ("comments", "comment_threads"):
        response = await ds.client.get(f"/fitness/{name}.csv?_stream=on")
        rows = _csv_rows(response.text)
        assert len(rows) - 1 == extra + 7, name
        assert "interrupted" not in rows[-1][0]


async def test_thread_csv_link_exports_one_posts_comments(ds: Datasette, archive: ArchiveFixture):
    url = f"/fitness/comment_threads.csv?post_id={archive.routine_post_id}&_stream=on&_size=max"
    rows = _csv_rows((await ds.client.get(url)).text)
    header, body = rows[0], rows[1:]
    ids = [int(r[header.index("comment_id")]) for r in body]
    assert ids == archive.thread


# --- read-only, permissions, images ---------------------------------------------------


async def test_arbitrary_sql_is_off_by_default(ds: Datasette):
    assert (await ds.client.get("/fitness.json?sql=select+1")).status_code == 403
    assert (await ds.client.get("/fitness/posts.json?_where=1=1")).status_code == 403
    assert (await ds.client.get("/fitness.db")).status_code in (403, 404)


async def test_allow_sql_turns_queries_on(archive: ArchiveFixture):
    ds = Datasette(**datasette_kwargs(archive.db_path, allow_sql=True))
    response = await ds.client.get("/fitness.json?sql=select+count(*)+as+n+from+posts&_shape=array")
    assert response.json() == [{"n": 2}]


async def test_unknown_urls_are_404_not_500(ds: Datasette):
    for url in ("/robots.txt", "/a/b/c/d", "/post/12345", "/post/99999999999999999999"):
        assert (await ds.client.get(url)).status_code == 404, url


async def test_no_write_endpoints(ds: Datasette, archive: ArchiveFixture):
    for url in ("/fitness/posts/-/insert", f"/fitness/posts/{archive.routine_post_id}/-/delete",
                "/fitness/-/create"):
        response = await ds.client.post(url, json={"row": {"title": "x"}})
        assert response.status_code in (403, 404, 405), url
    assert _count(archive, "posts") == 2


async def test_images_are_served_from_the_store_and_cached_forever(
    ds: Datasette, archive: ArchiveFixture
):
    path = archive.image_paths[0]
    response = await ds.client.get("/" + path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == (archive.db_path.parent / path).read_bytes()
    assert "immutable" in response.headers["cache-control"]
    missing = await ds.client.get("/images/00/nothing.png")
    assert missing.status_code == 404
    assert "immutable" not in missing.headers.get("cache-control", "")


async def test_image_store_does_not_expose_the_database(ds: Datasette):
    for url in ("/images/../fitness.db", "/images/%2e%2e/fitness.db"):
        response = await ds.client.get(url)
        assert response.status_code in (403, 404), url
        assert b"SQLite" not in response.content


async def test_any_database_name_gets_the_archive_metadata(
    archive: ArchiveFixture, tmp_path: Path
):
    shard = tmp_path / "shard-3.db"
    shutil.copy(archive.db_path, shard)
    ds = Datasette(**datasette_kwargs(shard))
    data = (await ds.client.get("/shard-3/posts.json?_shape=objects")).json()
    assert data["human_description_en"] == "sorted by published_at descending"
    tables = {t["name"]: t for t in (await ds.client.get("/shard-3.json")).json()["tables"]}
    assert tables["pages"]["hidden"] and not tables["posts"]["hidden"]
    html = (await ds.client.get("/")).text
    assert 'href="/shard-3/posts"' in html
    post = await ds.client.get(f"/post/{archive.routine_post_id}")
    assert post.status_code == 200


def _plugin(name: str):  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parent.parent / "archive" / "plugins" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"archive_plugin_{name}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/fitness/comment_threads.csv", b"_stream=on", True),
        ("/fitness/comment_threads.csv", b"post_id=1&_stream=1", True),
        ("/fitness/comment_threads", b"_format=csv&_stream=on", True),
        ("/fitness/comment_threads.csv", b"_stream=on&_size=10", False),
        ("/fitness/comment_threads.csv", b"", False),
        ("/fitness/comment_threads.json", b"_stream=on", False),
    ],
)
def test_streamed_csv_asks_for_full_pages(path: str, query: bytes, expected: bool):
    plugin = _plugin("csv_stream_pages")
    assert plugin._wants_full_pages({"path": path, "query_string": query}) is expected


async def test_archive_dir_also_works_as_a_plain_config_dir(
    archive: ArchiveFixture, tmp_path: Path
):
    config = tmp_path / "archive"
    shutil.copytree(Path(__file__).resolve().parent.parent / "archive", config,
                    ignore=shutil.ignore_patterns("*.db", "images", "__pycache__"))
    shutil.copy(archive.db_path, config / "fitness.db")
    ds = Datasette([], config_dir=config)
    assert "Latest posts" in (await ds.client.get("/")).text
    assert (await ds.client.get("/static/archive.css")).status_code == 200
    assert (await ds.client.get(f"/post/{archive.routine_post_id}")).status_code == 200
    assert (await ds.client.get("/fitness.json?sql=select+1")).status_code == 403
