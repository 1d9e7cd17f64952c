"""Table pages and navigation a reader can use, in Debian's chromium: the columns a
reader wants first, local thumbnails and image links, previous/next on the reader
view, deleted comments counted, the versions link, and a 404 page with a way back.

Screenshots go to test-artifacts/screenshots/ (and to archive/static/screenshots/ with
FITARCHIVE_REFRESH_SCREENSHOTS=1, for the README).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import FormattedServer, PageWatch
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _headers(page: Page) -> list[str]:
    return page.locator("table.rows-and-columns thead th").evaluate_all(
        "ths => ths.map(th => th.dataset.column)")


def _shoot(page: Page, name: str, screenshots: Path, readme: Path | None,
           full_page: bool = False) -> None:
    page.screenshot(path=screenshots / name, full_page=full_page)
    if readme:
        page.screenshot(path=readme / name, full_page=full_page)


def _shoot_table(page: Page, name: str, screenshots: Path, readme: Path | None) -> None:
    table = page.locator(".table-wrapper")
    table.scroll_into_view_if_needed()
    for target in (screenshots, readme):
        if target:
            table.screenshot(path=target / name)


def _wait_for_images(page: Page, selector: str) -> None:
    page.wait_for_function(
        f"() => [...document.querySelectorAll({selector!r})]"
        ".every(i => i.complete && i.naturalWidth > 0)", timeout=10_000)


def test_posts_table_reads_as_a_list_of_posts(
    page: Page, formatted_server: FormattedServer, watch: PageWatch, screenshots: Path,
    readme_screenshots: Path | None,
) -> None:
    base = formatted_server.base_url
    page.goto(f"{base}/fitness/posts")
    headers = _headers(page)
    assert headers[:6] == ["thumbnail", "title", "published_at", "author_id",
                           "comment_count", "image_count"]
    assert "body_html" not in headers
    assert "body_text" not in headers and headers.index("id") > headers.index("excerpt")
    first = page.locator("table.rows-and-columns tbody tr").first
    expect(first.locator("td.col-title a")).to_have_text(formatted_server.post.title)
    assert first.locator("td.col-title a").get_attribute("href") == (
        f"/post/{formatted_server.post.post_id}")
    expect(first.locator("td.col-image_count")).to_have_text("1")
    expect(first.locator("td.col-author_id")).to_contain_text("Dana Lifts")
    thumb = first.locator("td.col-thumbnail img")
    assert thumb.get_attribute("src").startswith("/images/")
    _wait_for_images(page, "td.col-thumbnail img")
    heights = page.locator("table.rows-and-columns tbody tr").evaluate_all(
        "rows => rows.map(r => r.getBoundingClientRect().height)")
    assert max(heights) < 120, heights  # no row is a wall of markup
    routine = page.locator("tr", has=page.locator("td.col-title a", has_text="Back Routine"))
    expect(routine.locator("td.col-image_count")).to_have_text("3")
    _shoot_table(page, "posts-table.png", screenshots, readme_screenshots)
    assert watch.external_requests == []


def test_posts_json_and_csv_keep_every_column(
    page: Page, formatted_server: FormattedServer
) -> None:
    base = formatted_server.base_url
    rows = page.request.get(f"{base}/fitness/posts.json?_shape=array").json()
    assert "body_html" in rows[0] and "<table>" in next(
        r["body_html"] for r in rows if r["title"] == formatted_server.post.title)
    assert "thumbnail" not in rows[0]
    csv_text = page.request.get(f"{base}/fitness/posts.csv?_stream=on").text()
    header = csv_text.splitlines()[0].split(",")
    assert header[:4] == ["id", "site_id", "remote_id", "url"] and "body_html" in header


def test_comment_threads_put_the_conversation_first(
    page: Page, formatted_server: FormattedServer, watch: PageWatch, screenshots: Path,
    readme_screenshots: Path | None,
) -> None:
    archive = formatted_server.archive
    page.goto(f"{formatted_server.base_url}/fitness/comment_threads?post_id="
              f"{archive.routine_post_id}")
    headers = _headers(page)
    assert headers[:4] == ["post_title", "indented_author", "published_at", "body_text"]
    assert set(headers[-6:]) >= {"comment_id", "post_id", "parent_id", "path"}
    text_cell = page.locator("td.col-body_text").first
    box = text_cell.bounding_box()
    assert box and box["x"] < 1200, "comment text is on screen without scrolling"
    lefts = page.locator("td.col-indented_author span.indented").evaluate_all(
        "spans => spans.map(s => s.getBoundingClientRect().left + "
        "parseFloat(getComputedStyle(s).paddingLeft))")
    by_depth = dict(zip(archive.depths, lefts))
    assert by_depth[1] < by_depth[2] < by_depth[3]
    _shoot_table(page, "comment-threads.png", screenshots, readme_screenshots)
    assert watch.external_requests == []


def test_routine_images_show_local_thumbnails_and_link_to_the_image_store(
    page: Page, formatted_server: FormattedServer, watch: PageWatch, screenshots: Path,
    readme_screenshots: Path | None,
) -> None:
    page.goto(f"{formatted_server.base_url}/fitness/routine_images")
    headers = _headers(page)
    assert headers[:4] == ["image_path", "post_title", "heading", "caption"]
    image_links = page.locator(
        "td.col-image_path a, td.col-image_url a").evaluate_all("ls => ls.map(a => a.href)")
    assert len(image_links) == 8  # thumbnail and URL of the four archived images
    for href in image_links:
        assert urlsplit(href).hostname == "127.0.0.1" and urlsplit(href).path.startswith(
            "/images/"), href
    missing = page.locator("tr", has=page.locator("td.col-caption", has_text="Sunday boxes"))
    expect(missing.locator("td.col-image_url a")).to_have_count(0)  # not archived: no link
    expect(missing.locator("td.col-image_url")).to_contain_text("missing.png")
    expect(page.locator("td.col-image_url a.archived-image").first).to_contain_text(
        "ironpaper.example")
    _wait_for_images(page, "td.col-image_path img")
    _shoot_table(page, "routine-images.png", screenshots, readme_screenshots)
    assert watch.external_requests == []


def test_reader_view_links_previous_next_versions_and_counts_deleted(
    page: Page, formatted_server: FormattedServer, watch: PageWatch, screenshots: Path,
    readme_screenshots: Path | None,
) -> None:
    archive, post = formatted_server.archive, formatted_server.post
    base = formatted_server.base_url
    page.goto(f"{base}/post/{archive.routine_post_id}")
    nav = page.locator("nav.post-nav").first
    expect(nav.locator("a[rel=prev]")).to_contain_text("Meal prep")
    expect(nav.locator("a[rel=next]")).to_contain_text(post.title)
    expect(page.locator("a.versions-link")).to_have_count(0)  # one version only
    nav.locator("a[rel=next]").click()
    expect(page).to_have_url(f"{base}/post/{post.post_id}")
    expect(page.locator("nav.post-nav a[rel=next]")).to_have_count(0)  # the newest post
    deleted = page.locator(".post-meta del.deleted-count")
    expect(deleted).to_have_text("1 deleted")
    assert deleted.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    expect(page.locator(".post-meta")).to_contain_text("2 comments")
    versions = page.locator("a.versions-link")
    expect(versions).to_have_text("2 versions")
    versions.click()
    expect(page.locator("table.rows-and-columns tbody tr")).to_have_count(2)
    page.set_viewport_size({"width": 760, "height": 800})  # a reading column, as in the README
    page.goto(f"{base}/post/{archive.routine_post_id}")
    page.evaluate("window.scrollTo(0, 0)")
    _shoot(page, "post-page.png", screenshots, readme_screenshots, full_page=True)
    assert watch.external_requests == []


def test_404_page_is_styled_and_leads_back(
    page: Page, formatted_server: FormattedServer, watch: PageWatch, screenshots: Path,
    readme_screenshots: Path | None,
) -> None:
    base = formatted_server.base_url
    for path in ("/no/such/page", "/post/1", "/fitness/no_such_table"):
        response = page.goto(base + path)
        assert response is not None and response.status == 404, path
        expect(page.locator("h1")).to_have_text("Not found")
        links = page.locator(".archive-error-page a")
        expect(links.filter(has_text="Latest posts")).to_have_attribute("href", "/fitness/posts")
        expect(page.locator("form.archive-search input[name=q]")).to_be_visible()
        sheet = page.evaluate(
            "[...document.styleSheets].some(s => (s.href || '').includes('archive.css'))")
        assert sheet, "the archive's stylesheet is on the 404 page"
        assert page.locator(".error-message").evaluate(
            "e => getComputedStyle(e).borderLeftWidth") == "4px"
    page.locator(".archive-error-page a", has_text="Latest posts").click()
    expect(page.locator("table.rows-and-columns")).to_be_visible()
    page.goto(base + "/no/such/page")
    _shoot(page, "not-found.png", screenshots, readme_screenshots)
    json_404 = page.request.get(base + "/fitness/no_such_table.json")
    assert json_404.status == 404 and json_404.json()["ok"] is False
    assert watch.external_requests == []
