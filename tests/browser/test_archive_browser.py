"""The published archive in a real browser: a datasette process and Debian's chromium.

Screenshots of the home page, a table, a post and search results go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from archive_fixture import COMMENT_ONLY_WORD
from conftest import PageWatch, Server
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _scroll_through(page: Page) -> None:
    """Scroll to the bottom in steps, as a reader would, so lazy images load."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 400, 400):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(50)


def _assert_clean(watch: PageWatch) -> None:
    assert watch.dialogs == [], "a script ran"
    assert watch.external_requests == [], "the page reached off loopback"


def test_home_page_describes_the_archive(page: Page, server: Server, watch: PageWatch,
                                         screenshots: Path):
    page.goto(server.base_url + "/")
    expect(page.locator("h1")).to_have_text("Fitness blog archive")
    expect(page.get_by_role("link", name="Latest posts")).to_be_visible()
    page.screenshot(path=screenshots / "home.png", full_page=True)
    _assert_clean(watch)


def test_post_page_shows_every_routine_image(page: Page, server: Server, watch: PageWatch):
    page.goto(f"{server.base_url}/post/{server.archive.routine_post_id}")
    images = page.locator("figure.routine-image img")
    expect(images).to_have_count(3)
    _scroll_through(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.routine-image img')]"
        ".every(img => img.complete && img.naturalWidth > 0)",
        timeout=10_000,
    )
    sizes = images.evaluate_all(
        "imgs => imgs.map(i => [i.naturalWidth, i.naturalHeight, i.getAttribute('loading')])"
    )
    assert sizes == [[640, 400, "lazy"], [480, 480, "lazy"], [600, 300, "lazy"]]
    _assert_clean(watch)


def test_comment_thread_is_ordered_and_indented_by_depth(
    page: Page, server: Server, watch: PageWatch, screenshots: Path
):
    archive = server.archive
    page.goto(f"{server.base_url}/post/{archive.routine_post_id}")
    comments = page.locator("ol.comments > li.comment")
    expect(comments).to_have_count(len(archive.thread))
    ids = comments.evaluate_all("els => els.map(e => e.id)")
    assert ids == [f"comment-{i}" for i in archive.thread]
    lefts = comments.evaluate_all("els => els.map(e => e.getBoundingClientRect().left)")
    by_depth: dict[int, set[float]] = {}
    for depth, left in zip(archive.depths, lefts):
        by_depth.setdefault(depth, set()).add(round(left))
    assert all(len(v) == 1 for v in by_depth.values()), by_depth
    assert by_depth[1].pop() < by_depth[2].pop() < by_depth[3].pop()
    _scroll_through(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=screenshots / "post.png", full_page=True)
    _assert_clean(watch)


def test_hostile_comment_is_text_and_runs_nothing(page: Page, server: Server, watch: PageWatch):
    archive = server.archive
    page.goto(f"{server.base_url}/post/{archive.routine_post_id}")
    page.wait_for_load_state("networkidle")
    hostile = page.locator(f"#comment-{archive.hostile_comment_id} .comment-body")
    expect(hostile).to_contain_text("<script>alert(1)</script>")
    expect(hostile).to_contain_text("<img src=x onerror=alert(1)>")
    expect(page.locator(f"#comment-{archive.hostile_comment_id} .comment-author")).to_have_text(
        "<b>Mallory</b>"
    )
    unsanitized = page.locator(f"#comment-{archive.unsanitized_comment_id}")
    unsanitized.locator("a", has_text="here").click()
    page.wait_for_timeout(300)
    assert page.locator("section.comment-thread script, article script").count() == 0
    assert page.locator("[onerror], [onclick], iframe").count() == 0
    _assert_clean(watch)


def test_search_from_the_home_page_finds_a_word_only_in_a_comment(
    page: Page, server: Server, watch: PageWatch, screenshots: Path
):
    archive = server.archive
    page.goto(server.base_url + "/")
    page.get_by_label("Search posts and comments").fill(COMMENT_ONLY_WORD)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(f"**/search?q={COMMENT_ONLY_WORD}")
    expect(page.locator("#post-results")).to_contain_text("No post matches.")
    result = page.locator("#comment-results li.result")
    expect(result).to_have_count(1)
    expect(result.locator("mark")).to_have_text("Zercher")
    page.screenshot(path=screenshots / "search.png", full_page=True)
    result.locator("a.result-title").click()
    target = page.locator(f"#comment-{archive.comment_only_comment_id}")
    expect(target).to_be_in_viewport()
    _assert_clean(watch)


def test_table_search_on_comments(page: Page, server: Server, watch: PageWatch,
                                  screenshots: Path):
    page.goto(server.base_url + "/fitness/comments")
    page.locator("input#_search").fill(COMMENT_ONLY_WORD)
    page.locator("input#_search").press("Enter")
    page.wait_for_url(f"**_search={COMMENT_ONLY_WORD}*")
    rows = page.locator("table.rows-and-columns tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Zercher squats")
    page.screenshot(path=screenshots / "table-search.png", full_page=True)
    _assert_clean(watch)


def test_posts_table_titles_open_the_reader_view(
    page: Page, server: Server, watch: PageWatch, screenshots: Path
):
    page.goto(server.base_url + "/fitness/posts")
    expect(page.locator("h3").first).to_contain_text("sorted by published_at descending")
    page.screenshot(path=screenshots / "table-posts.png", full_page=True)
    page.get_by_role("link", name="Back Routine Week 1").click()
    page.wait_for_url(f"**/post/{server.archive.routine_post_id}")
    expect(page.locator(".post-header h1")).to_have_text("Back Routine Week 1")
    _assert_clean(watch)


def test_thread_view_and_images_view_render(page: Page, server: Server, watch: PageWatch,
                                            screenshots: Path):
    page.goto(server.base_url + "/fitness/comment_threads")
    expect(page.locator("span.indented").first).to_be_visible()
    page.screenshot(path=screenshots / "table-comment-threads.png", full_page=True)
    page.goto(server.base_url + "/fitness/routine_images")
    thumbs = page.locator("img.thumb")
    expect(thumbs).to_have_count(3)
    for i in range(3):
        thumbs.nth(i).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.thumb')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    _assert_clean(watch)
