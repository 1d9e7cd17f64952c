"""The reader view at /post/<id>: body, routine images, comment thread, links, safety."""

from __future__ import annotations

import csv
import io

import pytest
from archive_fixture import ArchiveFixture, build_archive
from bs4 import BeautifulSoup, Tag
from datasette.app import Datasette

from scraper.publish import datasette_kwargs


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> ArchiveFixture:
    return build_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture
def ds(archive: ArchiveFixture) -> Datasette:
    return Datasette(**datasette_kwargs(archive.db_path))


async def _page(ds: Datasette, post_id: int) -> BeautifulSoup:
    response = await ds.client.get(f"/post/{post_id}")
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def _archived(soup: BeautifulSoup) -> list[Tag]:
    """The parts of the page made from archived content (not Datasette's own chrome)."""
    return soup.select("article.archive-article, section.comment-thread")


async def test_post_page_shows_title_author_date_and_terms(ds: Datasette, archive: ArchiveFixture):
    soup = await _page(ds, archive.routine_post_id)
    assert soup.select_one(".post-header h1").get_text() == "Back Routine Week 1"
    meta = soup.select_one(".post-meta").get_text(" ", strip=True)
    assert "Dana Lifts" in meta and "2024-02-11" in meta and "5 comments" in meta
    terms = [a.get_text() for a in soup.select(".post-terms a")]
    assert terms == ["Routines", "back", "deadlift"]
    assert soup.select_one(".post-terms a")["href"] == "/fitness/posts_by_term?term=routines"
    assert soup.title.get_text().startswith("Back Routine Week 1")


async def test_title_with_markup_characters_is_escaped(ds: Datasette, archive: ArchiveFixture):
    soup = await _page(ds, archive.nutrition_post_id)
    assert soup.select_one(".post-header h1").get_text() == "Meal prep & macros <3"


async def test_routine_images_come_from_the_store_under_their_headings(
    ds: Datasette, archive: ArchiveFixture
):
    soup = await _page(ds, archive.routine_post_id)
    body = soup.select_one(".post-body")
    order = [
        el.get_text() if el.name == "h2" else el["src"]
        for el in body.select("h2, figure.routine-image img")
    ]
    assert order == [
        "Back Routine 1", "/" + archive.image_paths[0], "/" + archive.image_paths[1],
        "Back Routine 2", "/" + archive.image_paths[2],
    ]
    first = body.select_one("figure.routine-image img")
    assert (first["width"], first["height"], first["loading"]) == ("640", "400", "lazy")
    assert first["alt"] == "Rows"
    captions = [c.get_text() for c in body.select("figure.routine-image figcaption")]
    assert captions == ["Rows and pulldowns", "Lat pulldown, 3x12", "Deadlift 5x5"]


async def test_no_image_is_hot_linked(ds: Datasette, archive: ArchiveFixture):
    for post_id in (archive.routine_post_id, archive.nutrition_post_id):
        soup = await _page(ds, post_id)
        sources = [img["src"] for img in soup.find_all("img")]
        assert all(src.startswith("/images/") for src in sources), sources
        assert not soup.find_all(srcset=True)


async def test_image_that_failed_to_download_is_a_placeholder(
    ds: Datasette, archive: ArchiveFixture
):
    soup = await _page(ds, archive.nutrition_post_id)
    missing = soup.select_one(".image-missing")
    assert "Image not archived (HTTP 404)" in missing.get_text()
    assert soup.select_one(".routine-image figcaption").get_text() == "Sunday boxes"


async def test_body_keeps_formatting_and_resolves_relative_links(
    ds: Datasette, archive: ArchiveFixture
):
    soup = await _page(ds, archive.routine_post_id)
    body = soup.select_one(".post-body")
    assert body.find("strong").get_text() == "5x5"
    link = body.find("a", string="eat well")
    assert link["href"] == "https://ironpaper.example/2023/06/meal-prep/"
    assert "nofollow" in link["rel"]
    assert "Rows and pulldowns" not in " ".join(p.get_text() for p in body.find_all("p"))


async def test_comments_are_in_path_order_with_their_depth(ds: Datasette, archive: ArchiveFixture):
    soup = await _page(ds, archive.routine_post_id)
    items = soup.select("ol.comments > li.comment")
    assert [int(li["id"].removeprefix("comment-")) for li in items] == archive.thread
    assert [int(li["data-depth"]) for li in items] == archive.depths
    assert [li["style"] for li in items] == [f"--depth: {d}" for d in archive.depths]
    paths = [li["data-path"] for li in items]
    assert paths == sorted(paths)


async def test_comment_shows_author_time_and_permalinks(ds: Datasette, archive: ArchiveFixture):
    soup = await _page(ds, archive.routine_post_id)
    reply = soup.select_one(f"#comment-{archive.thread[1]}")
    assert reply.select_one(".comment-author").get_text() == "Dana Lifts"
    assert "by-post-author" in reply["class"]
    assert reply.select_one("time")["datetime"] == "2024-02-11T13:00:00+00:00"
    assert reply.select_one("a.comment-time")["href"] == f"#comment-{archive.thread[1]}"
    assert reply.select_one("a.comment-source")["href"].endswith("#comment-14")
    assert reply.select_one("a.comment-row")["href"] == f"/fitness/comments/{archive.thread[1]}"


async def test_hostile_comment_is_shown_as_text(ds: Datasette, archive: ArchiveFixture):
    soup = await _page(ds, archive.routine_post_id)
    hostile = soup.select_one(f"#comment-{archive.hostile_comment_id}")
    text = hostile.select_one(".comment-body").get_text()
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "javascript:alert(1)" in text
    assert hostile.select_one(".comment-author").get_text() == "<b>Mallory</b>"


async def test_unsanitized_stored_html_is_sanitized_again(ds: Datasette, archive: ArchiveFixture):
    soup = await _page(ds, archive.routine_post_id)
    comment = soup.select_one(f"#comment-{archive.unsanitized_comment_id}")
    assert comment.select_one(".comment-body").get_text(" ", strip=True) == "Click here for gains"
    for part in _archived(soup):
        assert not part.find_all(["script", "iframe", "object", "embed", "style"])
        for element in part.find_all(True):
            assert not [a for a in element.attrs if a.lower().startswith("on")], element
            for attribute in ("href", "src"):
                value = str(element.get(attribute, "")).strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), element


async def test_deleted_comment_is_kept_and_marked(ds: Datasette, archive: ArchiveFixture):
    soup = await _page(ds, archive.nutrition_post_id)
    deleted = soup.select("li.comment.deleted")
    assert len(deleted) == 1
    assert "removed at source 2024-03-02" in deleted[0].get_text()


async def test_pingbacks_anonymous_undated_and_text_only_comments(tmp_path):
    import sqlite3

    fixture = build_archive(tmp_path)
    first, second = fixture.thread[0], fixture.thread[1]
    with sqlite3.connect(fixture.db_path) as conn:
        conn.execute("update comments set comment_type = 'pingback', author_name = null, "
                     "published_at = null where id = ?", [first])
        conn.execute("update comments set body_html = '<script>x</script>', "
                     "body_text = 'Plain <b>text</b>' where id = ?", [second])
    soup = await _page(Datasette(**datasette_kwargs(fixture.db_path)), fixture.routine_post_id)
    pingback = soup.select_one(f"#comment-{first}")
    assert pingback.select_one(".comment-author").get_text() == "Anonymous"
    assert [b.get_text() for b in pingback.select(".badge")] == ["pingback"]
    assert pingback.select_one("time") is None and pingback.select_one("a.comment-time") is None
    body = soup.select_one(f"#comment-{second} .comment-body")
    assert str(body.p) == "<p>Plain &lt;b&gt;text&lt;/b&gt;</p>"
    assert soup.select_one(f"#comment-{second} time").get_text() == "2024-02-11 13:00 UTC"


async def test_post_page_links_to_rows_tables_and_csv(ds: Datasette, archive: ArchiveFixture):
    soup = await _page(ds, archive.routine_post_id)
    links = {a.get_text(): a["href"] for a in soup.select(".post-links a")}
    pid = archive.routine_post_id
    assert links["Original post"] == "https://ironpaper.example/2024/02/back-routine-week-1/"
    assert links["Row in posts"] == f"/fitness/posts/{pid}"
    assert links["Comments table"] == f"/fitness/comments?post_id={pid}&_sort=path"
    assert links["Images table"] == f"/fitness/routine_images?post_id={pid}"
    csv_response = await ds.client.get(links["Comments as CSV"])
    assert csv_response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert [int(r["comment_id"]) for r in rows] == archive.thread
    for href in links.values():
        if href.startswith("/"):
            assert (await ds.client.get(href)).status_code == 200, href


async def test_unknown_post_is_404(ds: Datasette):
    assert (await ds.client.get("/post/12345")).status_code == 404


async def test_post_page_respects_table_permissions(archive: ArchiveFixture):
    kwargs = datasette_kwargs(archive.db_path)
    kwargs["metadata"]["databases"]["fitness"]["tables"]["posts"]["allow"] = {"id": "editor"}
    ds = Datasette(**kwargs)
    assert (await ds.client.get(f"/post/{archive.routine_post_id}")).status_code == 403
    assert (await ds.client.get("/fitness/posts")).status_code == 403


async def test_long_threads_are_capped_with_a_link_to_the_table(
    archive: ArchiveFixture, monkeypatch: pytest.MonkeyPatch
):
    ds = Datasette(**datasette_kwargs(archive.db_path))
    await ds.invoke_startup()
    from datasette.plugins import pm

    thread = next(p for p in pm.get_plugins() if getattr(p, "__name__", "") == "comment_thread.py")
    monkeypatch.setattr(thread, "MAX_COMMENTS", 2)
    soup = await _page(ds, archive.routine_post_id)
    assert len(soup.select("li.comment")) == 2
    assert "Showing the first 2 comments" in soup.get_text()


async def test_featured_image_in_the_body_shows_once_under_its_heading_and_untitled_posts(tmp_path):
    from scraper import store
    from scraper.records import ImageRef, Post

    db_path = tmp_path / "fitness.db"
    db = store.open_db(db_path)
    site = store.save_site(db, base_url="http://blog.test/", name="Blog", platform="wordpress")
    post = Post(url="http://blog.test/squat/", title="", remote_id="7",
                body_html="<p>Intro</p><h2>Squat Day 1</h2><p>Heavy.</p>", body_text="Intro Squat Day 1 Heavy.",
                images=(ImageRef(url="http://blog.test/u/squat.jpg", position=0, heading="Squat Day 1",
                                 caption="Low bar", is_featured=True),))
    result = store.save_post(db, site_id=site, site_base_url="http://blog.test/", post=post)
    db.close()
    ds = Datasette(**datasette_kwargs(db_path))
    soup = await _page(ds, result.post_id)
    assert soup.select_one(".post-header h1").get_text() == "(no title)"
    figures = soup.select("figure.routine-image")
    assert len(figures) == 1 and figures[0]["data-featured"] == "1"
    order = [el.name for el in soup.select_one(".post-body").select("h2, figure.routine-image")]
    assert order == ["h2", "figure"]
