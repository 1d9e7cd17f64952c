"""The main-content finder's measuring shortcuts give what the plain computation gives."""

from __future__ import annotations

import re

import pytest

from scraper.extract._html import squash
from scraper.extract.maincontent.measure import Stats, _measure
from scraper.extract.maincontent.names import (
    _DATE_SIGNAL,
    _DATE_SIGNAL_GROUPED,
    _EMBED,
    _NEGATIVE_GROUPED,
    _POSITIVE,
    _POSITIVE_GROUPED,
    _WEAK_NEGATIVE,
    NEGATIVE,
    _grouped_words,
    _is_modifier,
    is_marked_body,
    name_flags,
)
from scraper.extract.maincontent.render import render_text
from scraper.extract.maincontent.strip import _card_like, _hidden, _strip


def _whole_string_flags(words: str) -> tuple[bool, bool, bool, bool]:
    """The class/id name flags matched on the whole string at once."""
    found = [m for m in NEGATIVE.finditer(words) if not _is_modifier(words, m)]
    negative = bool(found)
    weak = negative and all(m.group(0).strip("-_ ").lower() in _WEAK_NEGATIVE for m in found)
    return negative, bool(_POSITIVE.search(words)), bool(_EMBED.search(words)), weak


@pytest.mark.parametrize(
    "words",
    [
        "entry-content post-body",
        "site-header widget",
        "header widget",
        "header nav-x",
        "sidebar  widget-area",
        "article-meta\n    theme",
        "a\nnav content",
        "a\tnav",
        "-nav",
        "x embed",
        "embed-x sharing",
        "twitter-tweet social",
        "ad2 promo",
        "commentlist",
        "post hidden",
        "x\u00a0nav",
        "print teaser",
        "printer teaser-box",
        "story-body related-links",
        "main\n",
        "Section--ads sidebar",
        "Section--ads header",
        "x--ad",
        "promo--ads\n  ads",
    ],
)
def test_class_names_are_flagged_as_the_whole_string_would_be(words: str) -> None:
    words = words.strip()
    assert name_flags(words) == _whole_string_flags(words)


def _values(stats: dict) -> list[tuple]:  # type: ignore[type-arg]
    return [
        (el.tag, s.text, s.links, s.own, s.commas, s.paragraphs, s.images, s.lists, s.headings)
        for el, s in stats.items()
    ]


def test_measures_kept_through_the_strip_equal_a_fresh_measure() -> None:
    prose = (
        "<p>The squat, done well, is a hinge and a knee bend at once; the bar stays over "
        "the middle of the foot while the hips travel back and down.</p>"
    )
    html = (
        "<html><body><header class='masthead'><a href='/'>Home</a></header>"
        f"<div class='wrap'><div class='entry'>{prose * 3}"
        "<p>Text <span class='share'>share this</span> after the share, <a href='/x'>a link "
        "<span class='ad'>ad</span> in text</a>, tail, <em>more</em></p>"
        "<div class='related'><h3>Related</h3><ul><li><a href='/a'>A</a></li></ul></div> tail "
        "text of the related block, kept in place."
        f"<aside><p>An aside <nav>nav inside</nav> here</p></aside>{prose * 2}</div>"
        "<div class='sidebar'><div class='widget'>Popular posts</div></div>"
        "</div><footer>© Example</footer></body></html>"
    )
    from scraper.extract._html import parse_html

    root = parse_html(html.encode())
    body = root.find("body")
    kept = _strip(body)
    assert "Related" not in "".join(body.itertext())
    assert _values(kept) == _values(_measure(body))


@pytest.mark.parametrize(
    ("attrs", "hidden", "marked"),
    [
        ("", False, False),
        ("hidden", True, False),
        ("aria-hidden='TRUE' class='entry-content'", True, True),
        ("aria-hidden='false' style='color: red'", False, False),
        ("style='display: none'", True, False),
        ("style='Visibility : Hidden'", True, False),
        ("style='display:block'", False, False),
        ("style='VISIBILITY:HIDDEN'", True, False),
        ("itemprop='articleBody'", False, True),
        ("itemprop='headline text'", False, True),
        ("property='schema:articleBody'", False, True),
        ("data-testid='article-body' class='x'", False, True),
        ("class='Post-Body wide'", False, True),
        ("class='post' id='entry-content'", False, False),
    ],
)
def test_hidden_and_marked_body_read_the_attributes(attrs: str, hidden: bool, marked: bool) -> None:
    from scraper.extract._html import parse_html

    el = parse_html(f"<html><body><div {attrs}>text</div></body></html>".encode()).find(".//div")
    assert _hidden(el) is hidden
    assert is_marked_body(el) is marked


def test_name_words_grouped_by_first_letter_find_the_same_matches() -> None:
    assert _NEGATIVE_GROUPED is not NEGATIVE
    assert _POSITIVE_GROUPED is not _POSITIVE
    samples = [
        "comments-area", "commentlist", "comment2", "ad-slot-top", "ads", "adslot", "ad_unit",
        "more-stories", "moremenu", "nav_main", "post-content", "entry-content-wrap",
        "credit-line", "credits", "ſidebar", "ΚΑΤ", "header-widget-print", "x-sidebar--left",
    ]  # fmt: skip
    for original, grouped in (
        (NEGATIVE, _NEGATIVE_GROUPED),
        (_POSITIVE, _POSITIVE_GROUPED),
    ):
        for sample in samples:
            assert [m.group(0) for m in grouped.finditer(sample)] == [
                m.group(0) for m in original.finditer(sample)
            ]


def test_month_names_grouped_by_first_letter_find_the_same_dates() -> None:
    assert _DATE_SIGNAL_GROUPED is not _DATE_SIGNAL
    samples = [
        "Updated Jan 5, 2024 at 10:30", "3. März 2023", "le 12 décembre", "JUNE 1", "junio",
        "Juni 2022", "julho 2021", "12.04.2021", "2021-04-12", "no date here", "Janssen",
        "maio de 2020", "am 1. Mai", "MAYO", "sept. 3",
    ]  # fmt: skip
    for sample in samples:
        assert [m.span() for m in _DATE_SIGNAL_GROUPED.finditer(sample)] == [
            m.span() for m in _DATE_SIGNAL.finditer(sample)
        ]


def test_a_name_pattern_of_another_form_is_left_as_it_is() -> None:
    pattern = re.compile(r"(?:^|[-_ ])(?:a?b|cd)(?=$|[-_ \d])", re.IGNORECASE)
    assert _grouped_words(pattern) is pattern


def test_text_is_normalised_as_the_whitespace_regex_would() -> None:
    whitespace = re.compile(r"\s+")
    spaces = "".join(chr(c) for c in range(0x3000 + 1) if chr(c).isspace())
    for text in (f"a{spaces}b", f"{spaces}x y{spaces}", "\u200bword\u00a0word\x1c", "", spaces):
        assert squash(text) == whitespace.sub(" ", text).strip()


def test_teaser_card_check_with_measures_agrees_with_the_plain_one() -> None:
    from scraper.extract._html import parse_html

    html = (
        "<html><body><div id='list'>"
        "<div><h3><a href='/a'>A linked heading</a></h3><p>Teaser text.</p></div>"
        "<a href='/b'><h2>Heading inside a link</h2></a>"
        "<article><p><a href='/c'>An article card</a></p></article>"
        "<div><article><a href='/d'>Wrapped article card</a></article></div>"
        "<div><h4>A heading without a link</h4></div>"
        "<div><p>No heading, <a href='/e'>a link</a>.</p></div>"
        "</div></body></html>"
    )
    body = parse_html(html.encode()).find("body")
    stats = _measure(body)
    answers = [_card_like(card) for card in body.find("div")]
    assert answers == [True, True, True, True, False, False]
    assert [_card_like(card, stats[card]) for card in body.find("div")] == answers


def test_rendering_leaves_out_image_blocks_only_where_an_image_is() -> None:
    from scraper.extract._html import parse_html

    html = (
        "<html><body><div id='c'><p>First paragraph of the post.</p>"
        "<div><span><a href='/big.jpg'><img src='/small.jpg'></a></span> Photo: the rack</div>"
        "<div>A short line without a picture</div>"
        "<figure><img src='/x.jpg'><figcaption>Caption text</figcaption></figure>"
        "<p>Last paragraph.</p></div></body></html>"
    )
    content = parse_html(html.encode()).find(".//div")
    assert render_text(content, captions=False).splitlines() == [
        "First paragraph of the post.",
        "A short line without a picture",
        "Last paragraph.",
    ]
    assert "Photo: the rack" in render_text(content)


def test_the_measuring_walk_fills_the_fields_in_their_order() -> None:
    from dataclasses import fields

    from scraper.extract._html import parse_html

    names = [f.name for f in fields(Stats)]
    assert names[:8] == [
        "text", "links", "own", "commas", "paragraphs", "images", "lists", "headings",
    ]  # fmt: skip
    body = parse_html(
        b"<html><body><div><h2>Title</h2><p>One, two <a href='/x'>link</a> and a tail of "
        b"words.</p><ul><li>x</li></ul><img src='/a.jpg'></div></body></html>"
    ).find("body")
    s = _measure(body)[body.find("div")]
    assert (s.text, s.links, s.commas, s.paragraphs, s.images, s.lists, s.headings) == (
        # each piece of text counts with its ends stripped: "One, two" "link" "and a ... words."
        len("Title") + len("One, two") + len("link") + len("and a tail of words.") + len("x"),
        4, 1, 1, 1, 1, 1,
    )  # fmt: skip
    assert s.own == 0
