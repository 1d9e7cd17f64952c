"""A routine card's rows in the reader view, in a real browser: the table under the image,
the raw text folded away until the reader opens it. Screenshot: post-routine-card.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PageWatch
from playwright.sync_api import Page, expect
from serving import free_port, serving
from test_ocr_run import CARDS, make_archive

from scraper.ocr_run import run_ocr
from scraper.publish import serve_command_args

pytestmark = [pytest.mark.browser, pytest.mark.ocr]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db_path = tmp_path_factory.mktemp("ocr-browser") / "fitness.db"
    make_archive(db_path, {"back.png": (CARDS / "back-routine-1-card.png").read_bytes()})
    assert run_ocr(db_path).rows == 4
    port = free_port()
    with serving(serve_command_args(db_path, port=port), port) as url:
        yield url


def test_rows_show_under_the_card_and_the_raw_text_opens_on_demand(
        page: Page, base_url: str, watch: PageWatch, screenshots: Path) -> None:
    page.goto(f"{base_url}/fitness/posts")
    page.locator("a.post-link").first.click()
    figure = page.locator("figure.routine-image")
    expect(figure.locator("table.routine-rows tbody tr")).to_have_count(4)
    figure.scroll_into_view_if_needed()  # the image is lazy: measure it once loaded
    page.wait_for_function("() => { const i = document.querySelector('figure.routine-image img');"
                           " return i.complete && i.naturalWidth > 0; }", timeout=10_000)
    image_box = figure.locator("img").bounding_box()
    table_box = figure.locator("table.routine-rows").bounding_box()
    assert image_box and table_box and table_box["y"] >= image_box["y"] + image_box["height"]
    expect(figure.locator("table.routine-rows tbody tr").first).to_contain_text("Barbell row")
    raw = figure.locator("details.image-text pre")
    expect(raw).to_be_hidden()
    figure.locator("details.image-text summary").click()
    expect(raw).to_be_visible()
    expect(raw).to_contain_text("Face pull")
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "post-routine-card.png"), full_page=True)
    assert watch.dialogs == [] and watch.external_requests == []
