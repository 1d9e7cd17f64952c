"""The main-content finder on small pages that show one rule each."""

from __future__ import annotations

import json

from article_pages import PROSE, body, text

from scraper.extract._html import drop, parse_html
from scraper.extract.maincontent import find_main_content, render_text


def test_article_split_by_an_ad_is_joined_and_chrome_dropped() -> None:
    html = (
        "<html><head><title>Squat Notes | Example</title></head><body>"
        "<nav><a href='/'>Home</a><a href='/about'>About</a></nav>"
        "<div class='wrap'><h1>Squat Notes</h1><p class='byline'>By Sam Lee</p>"
        f"<div class='chunk'>{body(3)}</div>"
        "<div class='ad-slot'><p>Advertisement</p></div>"
        f"<div class='chunk'>{body(2)}</div></div>"
        "<aside class='sidebar'><h3>Popular</h3><ul><li><a href='/a'>A</a></li></ul></aside>"
        "<footer>© Example</footer></body></html>"
    )
    out = text(html)
    assert out.count("Paragraph") == 5
    for chrome in ("Squat Notes", "By Sam Lee", "Advertisement", "Popular", "Home", "© Example"):
        assert chrome not in out


def test_related_cards_after_the_article_are_dropped() -> None:
    cards = "".join(
        f"<article class='card'><h3><a href='/p{i}'>Other post {i}</a></h3>"
        f"<p>Teaser text for another post, long enough to look like a paragraph of prose {i}.</p></article>"
        for i in range(4)
    )
    html = (
        f"<html><body><main><article><h1>Deadlift</h1><div class='text'>{body(2)}</div></article>"
        f"<section><h2>You may also like</h2>{cards}</section></main></body></html>"
    )
    out = text(html)
    assert out.count("Paragraph") == 2
    assert "Other post" not in out and "Teaser text" not in out and "You may also like" not in out


def test_headings_lists_tables_and_figures_are_kept() -> None:
    html = (
        "<html><body><div class='post-content'>"
        f"{body(2)}<h2>Program</h2><ol><li>Squat 5x5</li><li>Bench 5x5</li></ol>"
        "<table><tr><th>Day</th><th>Lift</th></tr><tr><td>Mon</td><td>Squat</td></tr></table>"
        "<figure><img src='/a.jpg' alt='Squat'><figcaption>Bottom position</figcaption></figure>"
        f"{body(1)}</div></body></html>"
    )
    root = parse_html(html.encode())
    choice = find_main_content(root)
    assert choice is not None
    full = render_text(choice.element)
    assert "Program" in full and "Squat 5x5" in full and "Mon Squat" not in full
    assert "Day" in full and "Bottom position" in full
    assert "Bottom position" not in render_text(choice.element, captions=False)
    assert choice.element.find(".//img") is not None


def test_preferred_container_wins() -> None:
    html = (
        "<html><body><div class='post-body'><p>Short post on a Blogger blog.</p></div>"
        f"<div class='sidebar-text'>{body(4)}</div></body></html>"
    )
    root = parse_html(html.encode())
    choice = find_main_content(root, prefer=("post-body",))
    assert choice is not None
    assert render_text(choice.element) == "Short post on a Blogger blog."


def test_page_without_prose_gives_nothing() -> None:
    assert text("<html><body></body></html>") == ""


def test_lead_above_a_picture_and_its_caption_joins_the_body() -> None:
    lead = (
        "The gym reopens next week with longer hours, a new rack room and classes for "
        "beginners, the owners said on Monday."
    )
    html = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        f"<h1>Gym reopens</h1><div class='excerpt'>{lead}</div>"
        "<div class='date'>11.01.2022, 09:50 Uhr</div>"
        "<img src='/rack.jpg'><div class='wp-caption'>The new rack room, seen from the "
        "entrance on the first floor.</div>"
        f"<div class='entry-content'>{body(8)}</div></article></body></html>"
    )
    out = text(html)
    assert out.startswith(lead)
    assert out.count("Paragraph") == 8
    assert "rack room, seen" not in out and "09:50" not in out


def test_header_block_with_date_and_author_does_not_join_after_a_picture() -> None:
    html = (
        "<html><head><title>Gym reopens | Example</title></head><body><article>"
        "<h1>Gym reopens</h1><div class='entry-byline'><div class='lead-text'><p>A summary "
        "of the story, written by the desk, that the article repeats in other words.</p></div>"
        "<time datetime='2022-01-11'>January 11, 2022</time> <a rel='author' href='/sam'>Sam</a>"
        "</div><figure><img src='/rack.jpg'><figcaption>The rack room.</figcaption></figure>"
        f"<div class='entry-content'>{body(3)}</div></article></body></html>"
    )
    out = text(html)
    assert out.count("Paragraph") == 3
    assert "A summary" not in out and "January 11" not in out


def test_heading_with_an_anchor_id_made_of_its_words_is_kept() -> None:
    html = (
        "<html><head><title>Rack pulls | Example</title></head><body><article>"
        f"<div class='entry-content'>{body(3)}"
        "<h3 id='partner-drills-for-the-top-half-of-the-pull'>Partner drills for the top half "
        f"of the pull</h3>{body(3)}</div></article></body></html>"
    )
    out = text(html)
    assert "Partner drills for the top half of the pull" in out
    assert out.count("Paragraph") == 6


def test_article_only_in_noscript_is_read_and_a_small_noscript_is_not() -> None:
    html = (
        "<html><head><title>Deadlift day | Example</title></head><body>"
        "<div class='header'><h1>Example blog</h1></div><div id='app'></div>"
        f"<noscript><div class='post'>{body(4)}</div></noscript></body></html>"
    )
    assert text(html).count("Paragraph") == 4
    html = (
        "<html><head><title>Deadlift day | Example</title></head><body>"
        f"<div class='post'>{body(4)}<noscript><p>Please turn on JavaScript to see the "
        "comments, the share buttons and the rest of this page.</p></noscript></div>"
        "</body></html>"
    )
    out = text(html)
    assert out.count("Paragraph") == 4 and "JavaScript" not in out


def test_ingredient_list_beside_the_method_joins_it() -> None:
    items = "".join(f"<li>{n} g of ingredient number {n}</li>" for n in range(1, 7))
    html = (
        "<html><head><title>Oat bars | Example</title></head><body><article>"
        f"<h1>Oat bars</h1><section class='ingredients'><ul>{items}</ul></section>"
        "<div class='time'>Prep time 20 minutes, baking 30 minutes</div>"
        f"<div class='method'>{body(6)}</div></article>"
        "<div class='more'><a href='/a'>Other recipes you could bake this weekend</a></div>"
        "</body></html>"
    )
    out = text(html)
    assert "6 g of ingredient number 6" in out
    assert out.count("Paragraph") == 6
    assert "Other recipes" not in out


def test_method_wrapped_with_a_time_line_still_climbs_to_the_ingredients() -> None:
    items = "".join(f"<li>{n} g of ingredient number {n}</li>" for n in range(1, 7))
    steps = "".join(f"<dt>{n}.</dt><dd>{PROSE.format(n=n)}</dd>" for n in range(1, 9))
    html = (
        "<html><head><title>Oat bars | Example</title></head><body><article>"
        f"<h1>Oat bars</h1><section class='ingredients'><ul>{items}</ul></section>"
        "<div class='preparation'>"
        "<div class='time'>Work time: 45 minutes, resting time: 1 hour</div>"
        f"<dl class='steps'>{steps}</dl></div></article>"
        "<div class='more'><a href='/a'>Other recipes you could bake this weekend</a></div>"
        "</body></html>"
    )
    out = text(html)
    assert "6 g of ingredient number 6" in out
    assert out.count("Paragraph") == 8
    assert "Other recipes" not in out


def test_body_declared_only_in_json_ld_is_read_when_the_page_shows_a_stub() -> None:
    declared = "\n".join(PROSE[3:-4].format(n=n) for n in range(1, 6))
    ld = json.dumps({"@type": "NewsArticle", "headline": "Squats", "articleBody": declared})
    html = (
        "<html><head><title>Squats | Example</title>"
        f"<script type='application/ld+json'>{ld}</script></head><body><article>"
        "<h1>Squats</h1><p>The squat, explained: how to keep the bar over the foot.</p>"
        "<div id='app'></div></article></body></html>"
    )
    out = text(html)
    assert "Paragraph 5: the squat is a hinge" in out
    assert out.count("Paragraph") == 5


def test_json_ld_body_no_longer_than_the_page_text_is_not_used() -> None:
    ld = json.dumps({"@type": "NewsArticle", "articleBody": "Declared summary only. " * 30})
    html = (
        f"<html><head><script type='application/ld+json'>{ld}</script></head><body>"
        f"<article>{body(6)}</article></body></html>"
    )
    out = text(html)
    assert "Declared summary" not in out
    assert out.count("Paragraph") == 6


def test_ruby_annotations_and_zero_width_spaces_are_not_in_the_text() -> None:
    html = (
        "<html><body><article>"
        "<p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもの<ruby>法律<rt>ほうりつ</rt></ruby>"
        "ができました。" + "これは長い記事の文です。" * 12 + "</p>"
        "<p>Long\u200bword and a word\u2060joiner, then a soft hy\u00adphen that stays. "
        + "More prose follows, with commas, as an article has. " * 4
        + "</p></article></body></html>"
    )
    out = text(html)
    assert "子どもの法律ができました。" in out
    assert "ほうりつ" not in out and "(" not in out
    assert "Longword" in out and "wordjoiner" in out
    assert "hy\u00adphen" in out


def test_text_is_in_composed_unicode_form() -> None:
    decomposed = "Cafe\u0301 au lait"
    html = (
        "<html><body><article><p>"
        + f"{decomposed}, the drink, is simple to make at home. " * 6
        + "</p></article></body></html>"
    )
    out = text(html)
    assert "Caf\u00e9 au lait" in out and "\u0301" not in out


def test_thread_of_posts_with_linked_headings_is_the_page_not_a_teaser_list() -> None:
    posts = "".join(
        f"<article class='post'><h3><a href='/thread/7#post-{i}'>Reply #{i}</a></h3>"
        f"{PROSE.format(n=f'{i}a')}{PROSE.format(n=f'{i}b')}</article>"
        for i in range(1, 11)
    )
    html = (
        "<html><body><nav><a href='/'>Forum</a></nav>"
        f"<div class='thread'>{posts}</div>"
        f"<footer><p>{'Community rules, moderation and privacy notes for every member. ' * 5}</p>"
        "</footer></body></html>"
    )
    out = text(html)
    assert out.count("Paragraph") == 20
    assert "Community rules" not in out


def test_header_or_form_holding_a_run_of_paragraphs_is_kept_and_a_lead_header_is_not() -> None:
    intro = "".join(PROSE.format(n=f"intro {i}") for i in range(1, 4))
    html = (
        "<html><body><header class='site'><a href='/'>Home</a><a href='/shop'>Shop</a></header>"
        "<main><article><header><h1>Gym Bag</h1>"
        "<p class='lead'>A short lead, with a comma, that sums the piece up.</p></header>"
        f"<form action='/cart'><section class='details'>{intro}</section>"
        "<input type='number' name='qty'><button>Add to cart</button></form>"
        f"<div class='description'>{body(6)}</div></article></main></body></html>"
    )
    out = text(html)
    assert out.count("Paragraph intro") == 3
    assert out.count("Paragraph") == 9
    assert "A short lead" not in out and "Shop" not in out
    longer = " It holds shoes, a belt, chalk and a towel, and it still fits in a locker."
    intro = "".join(PROSE.format(n=f"intro {i}").replace("</p>", f"{longer}</p>") for i in (1, 2))
    html = (
        "<html><body><main><article>"
        f"<header><h1>Gym Bag</h1>{intro}</header>"
        f"<div class='text'>{body(6)}</div></article></main></body></html>"
    )
    assert text(html).count("Paragraph") == 8


def test_prose_in_a_block_named_for_its_layout_stays_inside_the_body() -> None:
    html = (
        "<html><body><article><h1>Rows</h1><div class='section'>"
        f"<div class='elementor-widget-container'>{body(4)}</div>"
        f"<div class='elementor-widget-container'>{PROSE.format(n='widget')}</div>"
        f"<div class='col hidden-xs'>{PROSE.format(n='wide screens')}</div>"
        "<div class='widget'><ul><li><a href='/a'>Archive</a></li><li><a href='/b'>Tags</a></li>"
        "</ul></div></div></article></body></html>"
    )
    out = text(html)
    assert "Paragraph widget" in out and "Paragraph wide screens" in out
    assert out.count("Paragraph") == 6
    assert "Archive" not in out


def test_text_behind_a_read_more_expander_is_kept_and_the_link_is_not() -> None:
    html = (
        "<html><body><main><div class='description'>"
        f"{body(5)}<div class='js-readmore'>{PROSE.format(n='more 1')}{PROSE.format(n='more 2')}"
        "</div></div><div class='read-more'><a href='/next'>Read the next post</a></div>"
        "</main></body></html>"
    )
    out = text(html)
    assert out.count("Paragraph more") == 2
    assert out.count("Paragraph") == 7
    assert "Read the next post" not in out


def test_hidden_panels_beside_a_shown_one_of_their_kind_are_kept() -> None:
    html = (
        "<html><body><article><h1>Ten Lifts</h1>"
        f"<div class='step' style='display: block'>{body(3)}</div>"
        f"<div class='step hidden' style='display: none'>{PROSE.format(n='step 2')}</div>"
        f"<div class='step' hidden>{PROSE.format(n='step 3')}</div>"
        f"<div class='note' style='display:none'>{PROSE.format(n='draft note')}</div>"
        "<p class='price'>Price: <span class='amount'>12 EUR</span>"
        "<span class='amount' style='display:none'>19 EUR</span></p>"
        "</article></body></html>"
    )
    out = text(html)
    assert "Paragraph step 2" in out and "Paragraph step 3" in out
    assert "draft note" not in out and "19 EUR" not in out


def test_guide_declared_only_as_json_ld_howto_steps_is_read_as_text() -> None:
    steps = [
        {"@type": "HowToStep", "text": f"<p>{PROSE[3:-4].format(n=f'step {i}')}</p>"}
        for i in range(1, 4)
    ]
    ld = json.dumps(
        {
            "@type": "HowTo",
            "name": "Goblet squat",
            "description": "<p>How to learn the <b>goblet squat</b>, in three steps.</p>",
            "step": [{"@type": "HowToSection", "itemListElement": steps}],
        }
    )
    html = (
        f"<html><body><script type='application/ld+json'>{ld}</script>"
        "<div id='app'><p>Please update your browser to see this page, it is free.</p></div>"
        "</body></html>"
    )
    lines = text(html).splitlines()
    assert lines[0] == "How to learn the goblet squat, in three steps."
    assert [line[:16] for line in lines[1:]] == [
        "Paragraph step 1",
        "Paragraph step 2",
        "Paragraph step 3",
    ]
    assert "<p>" not in text(html) and "update your browser" not in text(html)
    recipe = {
        "@type": ["Recipe"],
        "recipeInstructions": [PROSE[3:-4].format(n=f"method {i}") for i in range(1, 4)],
    }
    html = html.replace(ld, json.dumps(recipe))
    assert text(html).count("Paragraph method") == 3
    odd = json.dumps([{"@type": {"not": "a name"}}, {"@type": "HowTo", "step": [{"text": 3}]}])
    assert "Please update" in text(html.replace(json.dumps(recipe), odd))


def test_dropping_an_element_keeps_a_tail_with_control_characters_readable() -> None:
    root = parse_html(b"<html><body><p>Set <span>x</span>one\x01 of three</p></body></html>", "")
    span = next(root.iter("span"))
    drop(span)
    paragraph = next(root.iter("p"))
    assert "".join(paragraph.itertext()) == "Set one of three"
