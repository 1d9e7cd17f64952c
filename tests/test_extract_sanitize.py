"""Sanitising and plain text: hostile markup is neutralised everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.extract import extract_post_page, html_to_text, sanitize_html

HTML = Path(__file__).parent / "fixtures" / "html"
HOSTILE_URL = "https://kaisdeadlifts.example/deadlift-form-checklist/"

DANGEROUS = ("javascript:", "onerror", "onclick", "onmouseover", "onload", "<script", "<iframe",
             "<svg", "<object", "<form", "<style", "style=", "data:text", "evil.example")  # fmt: skip


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p onclick="x()" style="color:red" class="a">Hi</p>', "<p>Hi</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="nofollow noopener">x</a>'),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', '<a rel="nofollow noopener">x</a>'),
        ('<a href="data:text/html,<b>x</b>">x</a>', '<a rel="nofollow noopener">x</a>'),
        (
            '<a href="/rel" target="_blank" rel="dofollow">r</a>',
            '<a href="/rel" rel="nofollow noopener">r</a>',
        ),
        (
            '<a href="mailto:coach@example.org">m</a>',
            '<a href="mailto:coach@example.org" rel="nofollow noopener">m</a>',
        ),
        ("<p>a<script>alert(1)</script>b<style>p{}</style></p>", "<p>ab</p>"),
        (
            '<img src="x.jpg" onerror="alert(1)" alt="A" width="10" height="5">',
            '<img src="x.jpg" alt="A" width="10" height="5">',
        ),
        ('<img src="data:image/png;base64,AAAA">', "<img>"),
        (
            '<img src="a.jpg" srcset="javascript:x 1w, data:image/png;base64,AA== 2w, /b.jpg 300w, https://c.example/c.jpg 600w">',
            '<img src="a.jpg" srcset="/b.jpg 300w, https://c.example/c.jpg 600w">',
        ),
        ('<iframe src="https://www.youtube.com/embed/x"></iframe><p>after</p>', "<p>after</p>"),
        (
            '<table><tr><td colspan="2" bgcolor="red">x</td></tr></table>',
            '<table><tbody><tr><td colspan="2">x</td></tr></tbody></table>',
        ),
        (
            '<figure><img src="a.jpg"><figcaption>Cap</figcaption></figure>',
            '<figure><img src="a.jpg"><figcaption>Cap</figcaption></figure>',
        ),
        ("<custom-tag>kept text</custom-tag>", "kept text"),
        ("", ""),
    ],
)
def test_sanitize_html(html: str, expected: str) -> None:
    assert sanitize_html(html) == expected


def test_html_to_text_blocks_lines_and_cells() -> None:
    html = (
        "<h2>Back  Routine 1</h2><p>Rows\n  first<br>then pull-ups</p><ul><li>4 x 10</li>"
        "<li>3 x <b>8</b></li></ul><table><tr><th>Lift</th><th>Sets</th></tr><tr><td>Row</td>"
        "<td>4</td></tr></table><pre>warm-up:\n  5 min bike</pre><script>x()</script>tail"
    )
    assert html_to_text(html) == (
        "Back Routine 1\n\nRows first\nthen pull-ups\n\n4 x 10\n3 x 8\n\nLift | Sets\nRow | 4\n\n"
        "warm-up:\n  5 min bike\n\ntail"
    )
    assert html_to_text("") == ""
    assert html_to_text("plain &amp; simple") == "plain & simple"


def test_hostile_post_body_is_neutralised() -> None:
    post = extract_post_page((HTML / "twentyseventeen-hostile-post.html").read_bytes(), HOSTILE_URL)
    assert post is not None
    for bad in DANGEROUS:
        assert bad not in post.body_html.lower(), bad
    assert "stats.wp.com" not in post.body_html  # tracking pixel gone
    assert '<a rel="nofollow noopener">checklist PDF</a>' in post.body_html
    assert (
        '<a href="https://kaisdeadlifts.example/squat-checklist/" rel="nofollow noopener">'
        in post.body_html
    )
    assert (
        '<a href="https://www.youtube.com/watch?v=XyZ12345678" rel="nofollow noopener">Deadlift from the side</a>'
        in (post.body_html)
    )
    assert "document.write" not in post.body_text and "display:none" not in post.body_text
    assert "Brace before the bar leaves the floor." in post.body_text
    assert [r.url.rsplit("/", 1)[1] for r in post.images] == [
        "deadlift-lockout-2000x1200.jpg",
        "setup.png",
        "lockout.png",
    ]


def test_hostile_comment_is_neutralised() -> None:
    post = extract_post_page((HTML / "twentyseventeen-hostile-post.html").read_bytes(), HOSTILE_URL)
    assert post is not None
    spam = post.comments[0]
    assert spam.author_name == "Totally Legit Coach"
    assert spam.author_url is None  # javascript: author link dropped
    for bad in DANGEROUS:
        assert bad not in spam.body_html.lower(), bad
    assert spam.body_html == (
        '<p>Nice post! <a rel="nofollow noopener">Click for free protein</a>'
        '<img src="https://kaisdeadlifts.example/deadlift-form-checklist/x"></p>\n<p>hover me</p>'
    )
    assert spam.body_text == "Nice post! Click for free protein\n\nhover me"
