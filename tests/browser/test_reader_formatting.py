"""The reader view renders a post as its author formatted it, in Debian's chromium:
Datasette's CSS reset must not reach into the post body or the comments.

Assertions are on computed styles and layout boxes of the post that uses every
formatting element (tests/formatting_fixture.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FormattedServer, PageWatch
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

STYLE_JS = """([selector, props]) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const style = getComputedStyle(el);
  return Object.fromEntries(props.map(p => [p, style.getPropertyValue(p)]));
}"""


def _style(page: Page, selector: str, *props: str) -> dict[str, str]:
    found: Any = page.evaluate(STYLE_JS, [selector, list(props)])
    assert found is not None, f"nothing matches {selector}"
    return dict(found)


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _markers(page: Page, selector: str) -> list[str]:
    """The list markers chromium renders for the items of the list ``selector``, as the
    accessibility tree reports them (e.g. "8. ")."""
    session = page.context.new_cdp_session(page)
    try:
        node = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        list_node = session.send("DOM.querySelector", {"nodeId": node, "selector": selector})
        session.send("Accessibility.enable")
        items = session.send("Accessibility.queryAXTree", {
            "nodeId": list_node["nodeId"], "role": "ListMarker"})
    finally:
        session.detach()
    names = []
    for item in items["nodes"]:
        name = item.get("name", {}).get("value", "")
        if name:
            names.append(name)
    return names


@pytest.fixture
def reader(page: Page, formatted_server: FormattedServer) -> Page:
    page.goto(f"{formatted_server.base_url}/post/{formatted_server.post.post_id}")
    return page


def test_lists_keep_markers_numbering_and_nesting(reader: Page) -> None:
    page = reader
    assert _style(page, ".post-body > ul", "list-style-type")["list-style-type"] == "disc"
    assert _style(page, ".post-body > ul ul", "list-style-type")["list-style-type"] == "circle"
    assert _style(page, ".post-body > ul ul ul", "list-style-type")["list-style-type"] == "square"
    assert _style(page, ".post-body > ol", "list-style-type")["list-style-type"] == "decimal"
    assert _style(page, ".post-body > ol ol", "list-style-type")["list-style-type"] == "lower-alpha"
    assert _style(page, ".post-body > ol.list-lower-alpha", "list-style-type")["list-style-type"] == (
        "lower-alpha"
    )
    # markers sit outside the text, inside the column: the list is indented
    outer = _box(page, ".post-body > ul > li")
    nested = _box(page, ".post-body > ul > li > ul > li")
    body = _box(page, ".post-body")
    assert outer["x"] - body["x"] >= 16
    assert nested["x"] - outer["x"] >= 16
    # the nested list numbers on its own, in letters, inside item 2
    assert _markers(page, ".post-body > ol") == ["1. ", "2. ", "a. ", "b. ", "3. "]
    assert _markers(page, ".post-body > ol[start]") == ["8. ", "9. "]
    assert _markers(page, ".post-body > ol[reversed]") == ["3. ", "2. ", "1. "]
    assert _markers(page, ".post-body > ol[type=a]:not(.list-upper-roman)") == ["a. ", "b. "]
    assert _markers(page, ".post-body > ol.list-upper-roman") == ["I. ", "II. "]


def test_table_has_borders_header_cells_and_stays_in_its_grid(reader: Page) -> None:
    page = reader
    cell = _style(page, ".post-body table td", "border-top-width", "border-left-style",
                  "display", "white-space")
    assert cell == {"border-top-width": "1px", "border-left-style": "solid",
                    "display": "table-cell", "white-space": "normal"}
    head = _style(page, ".post-body table th", "font-weight", "background-color")
    assert head["font-weight"] == "700"
    assert head["background-color"] not in ("rgba(0, 0, 0, 0)", "transparent")
    table = _box(page, ".post-body table")
    first = page.locator(".post-body table tbody tr").first.locator("td")
    boxes = [first.nth(i).bounding_box() for i in range(3)]
    header = page.locator(".post-body table thead th")
    heads = [header.nth(i).bounding_box() for i in range(3)]
    for cell_box, head_box in zip(boxes, heads):
        assert cell_box and head_box
        assert abs(cell_box["x"] - head_box["x"]) < 1  # columns line up
        assert cell_box["x"] >= table["x"] - 0.5
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]


def test_blockquote_definition_list_and_headings(reader: Page) -> None:
    page = reader
    quote = _style(page, ".post-body blockquote", "border-left-width", "padding-left")
    assert quote["border-left-width"] == "4px" and float(quote["padding-left"][:-2]) > 0
    dt = _style(page, ".post-body dt", "font-weight")
    dd = _style(page, ".post-body dd", "margin-left")
    assert dt["font-weight"] == "700" and float(dd["margin-left"][:-2]) >= 16
    for level in ("h4", "h5", "h6"):
        style = _style(page, f".post-body {level}", "text-decoration-line", "font-weight")
        assert style["text-decoration-line"] == "none", level
        assert style["font-weight"] == "700", level
    sizes = [float(_style(page, f".post-body {h}", "font-size")["font-size"][:-2])
             for h in ("h2", "h3", "h4", "h5", "h6")]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]


def test_pre_scrolls_inside_its_box(reader: Page, formatted_server: FormattedServer) -> None:
    page = reader
    for pre, box in ((".post-body pre", ".post-body"),
                     (f"#comment-{formatted_server.post.pre_comment_id} pre",
                      f"#comment-{formatted_server.post.pre_comment_id}")):
        style = _style(page, pre, "overflow-x", "white-space")
        assert style == {"overflow-x": "auto", "white-space": "pre"}, pre
        inner = _box(page, pre)
        outer = _box(page, box)
        assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5, pre
        overflow = page.locator(pre).evaluate("e => e.scrollWidth - e.clientWidth")
        assert overflow > 100, "the long line scrolls inside the pre"
    page_overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert page_overflow <= 0


def test_comment_lists_and_images_scale_to_the_column(
    reader: Page, formatted_server: FormattedServer
) -> None:
    page = reader
    item = f"#comment-{formatted_server.post.list_comment_id}"
    assert _style(page, f"{item} ol", "list-style-type")["list-style-type"] == "decimal"
    assert _markers(page, f"{item} ol") == ["3. ", "4. "]
    assert _style(page, f"{item} ul", "list-style-type")["list-style-type"] == "disc"
    image = page.locator(".post-body figure img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.post-body figure img')]"
        ".every(i => i.complete && i.naturalWidth > 0)", timeout=10_000)
    natural = image.evaluate("i => i.naturalWidth")
    assert natural == formatted_server.post.wide_image_width
    shown = image.bounding_box()
    body = _box(page, ".post-body")
    assert shown and shown["width"] <= body["width"] + 0.5


def test_narrow_screen_scrolls_wide_content_inside_the_column(
    page: Page, formatted_server: FormattedServer
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{formatted_server.base_url}/post/{formatted_server.post.post_id}")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "nothing pushes the page sideways"
    body = _box(page, ".post-body")
    for selector in (".post-body table", ".post-body pre", ".post-body figure img"):
        box = _box(page, selector)
        assert box["x"] + box["width"] <= body["x"] + body["width"] + 0.5, selector
    assert _style(page, ".post-body td", "display")["display"] == "table-cell"


def test_screenshot_of_the_formatted_post(
    reader: Page, watch: PageWatch, screenshots: Path, readme_screenshots: Path | None
) -> None:
    page = reader
    page.set_viewport_size({"width": 760, "height": 800})
    page.wait_for_load_state("networkidle")
    page.screenshot(path=screenshots / "post-formatting.png", full_page=True)
    if readme_screenshots:
        page.screenshot(path=readme_screenshots / "post-formatting.png", full_page=True)
    assert watch.external_requests == [] and watch.dialogs == []
