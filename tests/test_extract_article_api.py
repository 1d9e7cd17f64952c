"""The library API for one page: ``article_text`` and ``article`` on any platform's pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.extract import Article, article, article_text

FIXTURES = Path(__file__).parent / "fixtures"
SITES = FIXTURES / "sites"
ORIGIN = "https://chalk.example"

NEWS_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="{charset}"><title>Kniebeugen richtig lernen | Hantelwerk</title></head>
<body>
<header class="site-header"><nav><a href="/">Start</a> <a href="/blog/">Blog</a> <a href="/kontakt/">Kontakt</a></nav></header>
<main>
<h1>Kniebeugen richtig lernen</h1>
<p class="lead">Die Kniebeuge ist die Königin der Übungen, und sie verzeiht Fehler nur selten: so lernst du sie.</p>
<div class="article-body">
<p>Stell die Füße schulterbreit auf, drehe die Zehen leicht nach außen und atme tief in den Bauch.</p>
<p>Senke die Hüfte, bis die Oberschenkel parallel zum Boden sind; die Knie folgen den Zehen.</p>
<ul><li>Drei Sätze mit acht Wiederholungen</li><li>Zwei Minuten Pause zwischen den Sätzen</li></ul>
<p>Drücke dich dann aus den Fersen hoch, ohne dass die Knie nach innen fallen, und atme oben aus.</p>
</div>
</main>
<aside class="sidebar"><h2>Beliebt</h2><ul><li><a href="/a/">Kreuzheben für Anfänger, Teil eins</a></li>
<li><a href="/b/">Bankdrücken: die zehn häufigsten Fehler</a></li></ul></aside>
<footer>© 2024 Hantelwerk · Impressum · Datenschutz</footer>
</body></html>
"""


def news_page(charset: str = "utf-8") -> str:
    return NEWS_PAGE.format(charset=charset)


def site_page(path: str) -> bytes:
    return (SITES / path).read_bytes().replace(b"__ORIGIN__", ORIGIN.encode())


def test_article_text_keeps_the_prose_and_leaves_the_page_furniture() -> None:
    text = article_text(news_page(), "https://hantelwerk.example/kniebeugen/")
    lines = text.splitlines()
    assert lines[0].startswith("Die Kniebeuge ist die Königin der Übungen")  # the lead
    assert "Senke die Hüfte, bis die Oberschenkel parallel zum Boden sind" in text
    assert "Drei Sätze mit acht Wiederholungen" in lines  # a list item is a line
    assert lines[-1].startswith("Drücke dich dann aus den Fersen hoch")
    for furniture in ("Kniebeugen richtig lernen", "Kontakt", "Beliebt", "Kreuzheben", "Impressum"):
        assert furniture not in text


def test_bytes_are_decoded_by_the_page_charset_and_str_is_taken_as_decoded() -> None:
    url = "https://hantelwerk.example/kniebeugen/"
    expected = article_text(news_page(), url)
    assert "Königin" in expected
    latin1 = news_page("iso-8859-1").encode("iso-8859-1")
    assert article_text(latin1, url) == expected
    assert article_text(news_page().encode("utf-8"), url) == expected
    # A str is already text: its <meta charset> no longer applies.
    assert article_text(news_page("iso-8859-1"), url) == expected
    # The HTTP header's charset wins over <meta>, as in a browser.
    cp1252 = news_page("utf-8").encode("cp1252")
    assert article_text(cp1252, url, content_type="text/html; charset=windows-1252") == expected


def test_article_text_of_a_page_without_prose_is_empty() -> None:
    assert article_text(b"", "https://x.example/") == ""
    assert (
        article_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", "https://x/")
        == ""
    )


def test_article_of_a_hand_made_post_has_metadata_images_and_threaded_comments() -> None:
    url = ORIGIN + "/posts/push-pull-legs/"
    found = article(site_page("handmade/posts/push-pull-legs/index.html"), url)
    assert isinstance(found, Article)
    assert (found.platform, found.is_post) == ("generic", True)
    assert found.title == "A Push/Pull/Legs Split for Busy Weeks"
    assert found.published_at == datetime(2024, 3, 15, 23, 30, tzinfo=UTC)
    assert "Bench press | 4 x 6" in found.body_text
    assert "<script" not in found.body_html and "<table" in found.body_html
    assert found.text and "Recent posts" not in found.text
    assert [(i.role, i.heading, i.caption) for i in found.images] == [
        ("featured", None, None),
        ("body", "Push Day", None),
        ("body", "Pull Day", "Chin-ups with a slow lowering phase."),
    ]
    assert [(c.remote_id, c.parent_remote_id, c.depth) for c in found.comments] == [
        ("12", None, 1),
        ("13", "12", 2),
        ("15", "13", 3),
        ("14", None, 1),
    ]


def test_article_of_a_ghost_post_str_or_bytes_alike() -> None:
    url = "https://swingstrong.example/kettlebell-swings-4-week-plan/"
    data = site_page("ghost/post.html")
    from_bytes = article(data, url)
    from_str = article(data.decode("utf-8"), url)
    assert from_bytes == from_str
    assert from_bytes.platform == "ghost"
    assert from_bytes.author is not None and from_bytes.author.name == "Ada Moreno"
    hinge = from_bytes.images[1]
    assert (hinge.heading, hinge.caption) == (
        "Week 1: Hinge Practice",
        "Dowel on the spine: head, upper back and tailbone stay in contact.",
    )


def test_article_of_a_wordpress_post_with_nested_comments() -> None:
    url = "http://127.0.0.1:8080/2024/01/nested/"
    found = article((FIXTURES / "html" / "tt1-post-nested-comments.html").read_bytes(), url)
    assert (found.platform, found.is_post) == ("wordpress", True)
    assert found.title and found.body_html
    parents = {c.remote_id: c.parent_remote_id for c in found.comments}
    assert any(parent is None for parent in parents.values())
    assert any(parent in parents for parent in parents.values() if parent is not None)


def test_article_of_a_page_that_is_not_a_post_still_gives_its_main_content() -> None:
    found = article(news_page(), "https://hantelwerk.example/kniebeugen/")
    assert found.is_post is False
    assert found.title == "Kniebeugen richtig lernen"
    assert "Senke die Hüfte" in found.body_text
    assert found.comments == ()


def test_to_dict_is_json_ready() -> None:
    found = article(
        site_page("handmade/posts/push-pull-legs/index.html"), ORIGIN + "/posts/push-pull-legs/"
    )
    data = json.loads(json.dumps(found.to_dict()))
    assert data["title"] == found.title
    assert data["published_at"] == "2024-03-15T23:30:00+00:00"
    assert data["comments"][1]["parent_id"] == "12"
    assert set(data["images"][2]) >= {"url", "alt", "caption", "heading"}


@pytest.mark.parametrize(
    "junk",
    [b"\x00\x01\x02binary\x03", "\x01plain words\x02, no markup", b"<<<>>>", b"\xff\xfe\x00<"],
)
def test_junk_is_read_as_text_without_an_exception(junk: str | bytes) -> None:
    text = article_text(junk, "https://x.example/")
    assert "\x01" not in text and "\x02" not in text
    assert article(junk, "https://x.example/").body_text == text
