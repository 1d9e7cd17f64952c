"""The generic extractor on saved pages of Ghost, Squarespace and a hand-made blog.

The pages under tests/fixtures/sites/ follow each platform's real markup
(Ghost 5 Casper, Squarespace 7.1 blog items, microformats2 h-entry); the
content is ours. ``__ORIGIN__`` in the hand-made site is its origin.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.extract import detect_platform, extract_generic, extract_post_page

SITES = Path(__file__).parent / "fixtures" / "sites"
ORIGIN = "https://chalk.example"


def page(path: str) -> bytes:
    return (SITES / path).read_bytes().replace(b"__ORIGIN__", ORIGIN.encode())


@pytest.mark.parametrize(
    ("path", "platform"),
    [
        ("ghost/post.html", "ghost"),
        ("squarespace/post.html", "squarespace"),
        ("blogger/2024/03/back-day-rows-pulldowns.html", "blogger"),
        ("handmade/posts/deadlift-cues/index.html", "generic"),
        ("handmade/posts/push-pull-legs/index.html", "generic"),
    ],
)
def test_platform_is_detected(path: str, platform: str) -> None:
    assert detect_platform(page(path), ORIGIN + "/") == platform


def test_ghost_post() -> None:
    url = "https://swingstrong.example/kettlebell-swings-4-week-plan/"
    post = extract_post_page(page("ghost/post.html"), url)
    assert post is not None
    assert post.url == url
    assert post.title == "Kettlebell Swings: A 4-Week Plan"
    assert post.published_at == datetime(2024, 5, 10, 6, 0, tzinfo=UTC)
    assert post.modified_at == datetime(2024, 5, 12, 14, 22, 31, tzinfo=UTC)
    assert post.author is not None and post.author.name == "Ada Moreno"
    assert post.author.url == "https://swingstrong.example/author/ada/"
    assert [(t.kind, t.name) for t in post.terms] == [
        ("tag", "Kettlebells"),
        ("tag", "Conditioning"),
    ]
    assert post.body_text.startswith("The swing is the one kettlebell drill everyone should own.")
    assert "Week 2: First Swings" in post.body_text
    assert "10 rounds of 10 swings, rest 60 seconds" in post.body_text
    # Byline, related posts and the sign-up box are not the body.
    for chrome in (
        "3 min read",
        "Turkish Get-Up Basics",
        "Sign up for more like this",
        "Ada Moreno",
    ):
        assert chrome not in post.body_text
    assert "<h2>Week 1: Hinge Practice</h2>" in post.body_html
    featured, hinge, bottom, top = post.images
    assert featured.role == "featured"
    assert featured.url == "https://swingstrong.example/content/images/2024/05/swing-cover.jpg"
    assert featured.caption == "The top of the swing: a standing plank."
    assert hinge.url == "https://swingstrong.example/content/images/2024/05/hinge-drill.jpg"
    assert (hinge.role, hinge.heading) == ("body", "Week 1: Hinge Practice")
    assert hinge.caption == "Dowel on the spine: head, upper back and tailbone stay in contact."
    assert (hinge.width, hinge.height) == (1200, 800)
    # the gallery's caption describes the set, not either image
    assert [(i.role, i.heading, i.caption) for i in (bottom, top)] == [
        ("gallery", "Weeks 3–4: Density", None),
        ("gallery", "Weeks 3–4: Density", None),
    ]
    assert post.comments == ()  # Ghost's own comments load in an iframe


def test_squarespace_post() -> None:
    url = "https://www.studionorth.example/journal/mobility-monday-hips"
    post = extract_post_page(page("squarespace/post.html"), url)
    assert post is not None
    assert post.title == "Mobility Monday: Hips in Ten Minutes"
    assert post.published_at == datetime(2024, 3, 25, 14, 0, tzinfo=UTC)  # -0700 offset
    assert post.modified_at == datetime(2024, 3, 25, 16, 12, 44, tzinfo=UTC)
    assert post.author is not None and post.author.name == "Jonah Park"
    assert [(t.kind, t.name) for t in post.terms] == [("category", "Mobility")]
    assert post.excerpt == "A ten-minute hip routine for desk days: three drills, no equipment."
    assert post.body_text.startswith("Long desk days leave your hips stiff.")
    assert "Drill 3: Deep Squat Hold" in post.body_text
    assert "Push the knees out with your elbows." in post.body_text
    assert "Written By" not in post.body_text and "12 Birch Street" not in post.body_text
    body_images = [i for i in post.images if i.role == "body"]
    assert len(body_images) == 1
    (drill,) = body_images
    assert drill.url.endswith("/1711300001111-AB12/ninety-ninety.jpg")  # data-src: no src attribute
    assert drill.heading == "Drill 1: 90/90 Switches"
    assert drill.caption == "Keep the chest tall as you switch."
    assert drill.alt == "90/90 hip switch on a mat"


def test_handmade_h_entry_post_with_threaded_replies() -> None:
    url = ORIGIN + "/posts/deadlift-cues/"
    post = extract_post_page(page("handmade/posts/deadlift-cues/index.html"), url)
    assert post is not None
    assert post.title == "Five Deadlift Cues That Fixed My Pull"
    assert post.published_at == datetime(2024, 4, 6, 6, 0, tzinfo=UTC)  # +02:00 in the page
    assert post.author is not None
    assert (post.author.name, post.author.url) == ("Lena Kowalski", ORIGIN + "/about/")
    assert [t.name for t in post.terms] == ["deadlift", "technique"]
    assert post.body_text.splitlines()[0].startswith("For two years my deadlift stalled at 140 kg.")
    assert "Finish with glutes, not a lean back." in post.body_text
    assert "Responses" not in post.body_text and "Tom Becker" not in post.body_text
    assert [(i.heading, i.caption) for i in post.images] == [
        ("Cue 1: Bar Over Mid-Foot", "Start position: the bar cuts the foot in half."),
        ("Cue 3: Lats Tight", None),
    ]
    by_id = {c.remote_id: c for c in post.comments}
    assert [c.remote_id for c in post.comments] == ["r1", "r2", "r3", "r4", "wm-77"]
    assert {k: (c.parent_remote_id, c.depth) for k, c in by_id.items()} == {
        "r1": (None, 1),
        "r2": ("r1", 2),
        "r3": ("r2", 3),
        "r4": (None, 1),
        "wm-77": ("r4", 2),  # a reply elsewhere on the page, by u-in-reply-to
    }
    assert by_id["r2"].is_post_author and not by_id["r1"].is_post_author
    assert by_id["r3"].published_at == datetime(2024, 4, 7, 7, 15, tzinfo=UTC)
    assert by_id["r3"].body_text == "Paused pulls at 100 kg humbled me."
    assert by_id["wm-77"].author_url == "https://coach-ray.example/"


def test_handmade_post_with_nested_list_comments() -> None:
    url = ORIGIN + "/posts/push-pull-legs/"
    post = extract_post_page(page("handmade/posts/push-pull-legs/index.html"), url)
    assert post is not None
    assert post.title == "A Push/Pull/Legs Split for Busy Weeks"
    assert post.published_at == datetime(2024, 3, 15, 23, 30, tzinfo=UTC)
    assert post.modified_at == datetime(2024, 3, 18, 14, 0, tzinfo=UTC)
    assert [t.name for t in post.terms] == ["programming", "hypertrophy", "split"]
    assert "Bench press | 4 x 6" in post.body_text
    for chrome in (
        "Recent posts",
        "Share on Twitter",
        "hand-written HTML since 2009",
        "Posted March 15",
    ):
        assert chrome not in post.body_text
    assert [(i.role, i.heading, i.caption) for i in post.images] == [
        ("featured", None, None),
        ("body", "Push Day", None),
        ("body", "Pull Day", "Chin-ups with a slow lowering phase."),
    ]
    assert [(c.remote_id, c.parent_remote_id, c.depth, c.author_name) for c in post.comments] == [
        ("12", None, 1, "Priya"),
        ("13", "12", 2, "Lena"),
        ("15", "13", 3, "Priya"),
        ("14", None, 1, "Jo"),
    ]
    lena = post.comments[1]
    assert lena.is_post_author
    assert lena.body_text == "Yes, same sets and reps."
    assert post.comments[3].author_url == "https://jo.example/"
    assert post.comments[0].published_at == datetime(
        2024, 3, 16, tzinfo=UTC
    )  # a date without a time


@pytest.mark.parametrize("path", ["handmade/about/index.html", "handmade/index.html"])
def test_pages_and_listings_are_not_posts(path: str) -> None:
    assert extract_generic(page(path), ORIGIN + "/") is None
    assert extract_post_page(page(path), ORIGIN + "/") is None


def test_bare_hand_made_post_with_a_date_under_its_title() -> None:
    html = (
        b"<html><head><title>Rowing intervals</title></head><body><p><a href='/'>Home</a></p>"
        b"<h1>Rowing intervals</h1><p>3 May 2024</p>"
        b"<p>Eight rounds of 500 m on the rower with a minute of rest, holding the same split "
        b"for every round. The last two rounds decide whether the pace was right.</p>"
        b"<h2>Splits</h2><ul><li>Round 1: 1:52</li><li>Round 8: 1:53</li></ul></body></html>"
    )
    post = extract_generic(html, "https://plain.example/rowing.html")
    assert post is not None
    assert post.title == "Rowing intervals"
    assert post.published_at == datetime(2024, 5, 3, tzinfo=UTC)  # a day without a time of day
    assert post.body_text.startswith("Eight rounds of 500 m on the rower")
    assert "Round 8: 1:53" in post.body_text
    assert "Home" not in post.body_text
