"""extract_post_page on saved pages of classic and block WordPress themes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.errors import ExtractError
from scraper.extract import extract_post_page
from scraper.records import Author, Term

HTML = Path(__file__).parent / "fixtures" / "html"


def page(name: str) -> bytes:
    return (HTML / name).read_bytes()


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_twentytwentyone_post_metadata() -> None:
    post = extract_post_page(
        page("tt1-post-nested-comments.html"),
        "https://ironandoats.example/2024/02/11/back-day-three-routines/",
    )
    assert post is not None
    assert post.url == "https://ironandoats.example/2024/02/11/back-day-three-routines/"
    assert post.title == "Back Day: Three Routines That Built My Deadlift"
    assert post.remote_id == "42"
    assert post.author == Author(
        name="Maya Okafor",
        url="https://ironandoats.example/author/maya-lifts/",
        slug="maya-lifts",
    )
    assert post.published_at == utc(2024, 2, 11, 8, 30)
    assert post.modified_at is None  # TT1 prints only the publication date
    assert post.terms == (
        Term(kind="category", name="Back", slug="back"),
        Term(kind="category", name="Strength", slug="strength"),
        Term(kind="tag", name="deadlift", slug="deadlift"),
        Term(kind="tag", name="dumbbells", slug="dumbbells"),
    )
    assert post.source == "html"
    assert not post.is_protected
    assert post.comment_page_urls == ()


def test_twentytwentyone_body_is_clean_and_readable() -> None:
    post = extract_post_page(
        page("tt1-post-nested-comments.html"),
        "https://ironandoats.example/2024/02/11/back-day-three-routines/",
    )
    assert post is not None
    assert post.body_html.startswith("<p>Three years ago my deadlift stalled at 140&nbsp;kg.")
    assert "<h2>Back Routine 1</h2>" in post.body_html
    assert "<th>Exercise</th>" in post.body_html
    assert 'class="' not in post.body_html and "style=" not in post.body_html
    assert "s.w.org" not in post.body_html  # emoji image became its character
    assert post.body_text.endswith("Finish with a walk. \U0001f4aa")
    assert (
        "Back Routine 1\n\nBrace before you pull.\n\nDeadlift: 5 sets of 5\nChest-supported row"
        in (post.body_text)
    )
    assert "Exercise | Sets | Reps\nFace pull | 3 | 15" in post.body_text
    # Widgets, navigation and comments stay out of the body.
    assert "Recent Comments" not in post.body_text
    assert "Leg Day Basics" not in post.body_text
    assert "Tried it this morning" not in post.body_text


def test_twentytwentythree_block_theme_post() -> None:
    post = extract_post_page(
        page("tt3-post-block-gallery.html"),
        "https://ironandoats.example/2024/03/02/leg-day-circuit/",
    )
    assert post is not None
    assert post.title == "Leg Day Circuit for Small Gyms"
    assert post.remote_id == "77"
    assert post.author == Author(name="Maya Okafor")  # post-author block without a link
    assert post.published_at == utc(2024, 3, 2, 7, 0)
    assert post.excerpt == "A kettlebell and dumbbell leg circuit you can run in a hotel gym."
    # Block post-terms links carry rel="tag" even for categories: the block's taxonomy wins,
    # and the "More workouts" query loop in the footer is ignored.
    assert post.terms == (
        Term(kind="category", name="Legs", slug="legs"),
        Term(kind="tag", name="kettlebell", slug="kettlebell"),
        Term(kind="tag", name="squat", slug="squat"),
    )
    assert "Back Day" not in post.body_text
    # A YouTube embed survives as a plain link; the iframe does not.
    assert '<a href="https://www.youtube.com/watch?v=aBcD3fGh1Jk" rel="nofollow noopener">' in (
        post.body_html
    )
    assert "<iframe" not in post.body_html
    assert post.body_text.endswith("Walking lunge form check\n\nWalking lunge technique")


def test_generatepress_plain_permalinks_and_rest_route_id() -> None:
    post = extract_post_page(
        page("generatepress-comment-page-2.html"), "https://kettlecorner.example/?p=118&cpage=2"
    )
    assert post is not None
    assert post.url == "https://kettlecorner.example/?p=118"  # cpage stripped from the canonical
    assert post.remote_id == "118"  # from index.php?rest_route=/wp/v2/posts/118
    assert post.title == "The 10-Minute Snatch Test, Week by Week"
    assert post.author == Author(
        name="Sam Reyes", remote_id="2", url="https://kettlecorner.example/?author=2"
    )
    assert post.published_at == utc(2023, 11, 5, 8, 0)
    assert post.modified_at == utc(2023, 11, 20, 14, 2, 11)
    assert post.terms == (
        Term(kind="category", name="Conditioning", remote_id="5"),
        Term(kind="tag", name="kettlebell", slug="kettlebell"),
    )
    # Jetpack sharing buttons and related posts are not content.
    assert "Share this" not in post.body_text and "Related" not in post.body_text
    assert "share=twitter" not in post.body_html
    assert post.body_text.endswith("Test on day 43. Chalk your hands.")


def test_astra_post_uses_yoast_meta_for_dates() -> None:
    post = extract_post_page(
        page("astra-post.html"),
        "https://strideandsquat.example/mobility-before-squats/?utm_source=feed#comments",
    )
    assert post is not None
    assert post.url == "https://strideandsquat.example/mobility-before-squats/"
    assert post.remote_id == "57"
    assert post.title == "Mobility Before Squats: A 6-Minute Warm-up"
    assert post.author == Author(
        name="Ana Lima", url="https://strideandsquat.example/author/ana/", slug="ana"
    )
    # Astra prints dates without a datetime attribute; Yoast's meta has them.
    assert post.published_at == utc(2024, 4, 3, 5, 45)
    assert post.modified_at == utc(2024, 4, 9, 16, 20, 31)
    assert post.excerpt == (
        "Six minutes of hip and ankle mobility that make your first squat set feel like your third."
    )
    assert post.terms == (Term(kind="category", name="Mobility", slug="mobility"),)


def test_twentytwenty_post_dates_from_json_ld() -> None:
    post = extract_post_page(
        page("twentytwenty-post.html"),
        "https://barbellandtrail.example/track-intervals-for-lifters/",
    )
    assert post is not None
    assert post.remote_id == "88"
    assert post.author == Author(
        name="Ola Berg", url="https://barbellandtrail.example/author/ola/", slug="ola"
    )
    assert post.published_at == utc(2024, 5, 18, 5, 15)
    assert post.modified_at == utc(2024, 5, 19, 8, 0)
    assert [t.name for t in post.terms] == ["Running", "intervals", "conditioning"]
    assert [t.kind for t in post.terms] == ["category", "tag", "tag"]
    # Relative links in the body become absolute.
    assert '<a href="https://barbellandtrail.example/running-faq/"' in post.body_html
    assert "1. " not in post.body_text and "6 x 400 m at mile pace\n90 s walk" in post.body_text


def test_twentytwelve_old_markup() -> None:
    post = extract_post_page(
        page("twentytwelve-old-post.html"),
        "http://oldschoolstrength.example/2013/06/starting-strength-vs-5x5/",
    )
    assert post is not None
    assert post.title == "Starting Strength vs. 5\u00d75: A Log"
    assert post.remote_id == "212"  # no REST link before WP 4.4: body class postid-212
    assert post.published_at == utc(2013, 6, 2, 6, 12, 44)
    assert post.author is not None and post.author.slug == "bill"
    assert [(t.kind, t.name) for t in post.terms] == [("category", "Programs"), ("tag", "5x5")]
    assert "gallery-item" not in post.body_html and "<style" not in post.body_html


def test_password_protected_post_has_metadata_but_no_body() -> None:
    post = extract_post_page(
        page("tt1-protected-post.html"),
        "https://ironandoats.example/2024/05/02/members-only-12-week-powerbuilding-block/",
    )
    assert post is not None
    assert post.is_protected
    assert post.title == "Members Only: 12-Week Powerbuilding Block"  # "Protected: " dropped
    assert post.remote_id == "26"
    assert post.body_html == "" and post.body_text == ""
    assert post.images == ()
    assert post.published_at == utc(2024, 5, 2, 4, 0)
    assert post.terms == (Term(kind="category", name="Programs", slug="programs"),)


@pytest.mark.parametrize(
    "name",
    ["tt1-home.html", "tt1-category-archive.html", "tt1-page.html", "tt3-404.html"],
)
def test_pages_that_are_not_single_posts_give_none(name: str) -> None:
    assert extract_post_page(page(name), "https://ironandoats.example/somewhere/") is None


def test_private_or_other_post_types_give_none() -> None:
    private = page("tt1-protected-post.html").replace(b"status-publish", b"status-private")
    assert extract_post_page(private, "https://ironandoats.example/?p=26") is None
    attachment = page("tt1-protected-post.html").replace(
        b"single single-post", b"attachment single single-attachment"
    )
    assert extract_post_page(attachment, "https://ironandoats.example/?attachment_id=3") is None
    custom = page("tt1-post-nested-comments.html").replace(b"/wp/v2/posts/42", b"/wp/v2/recipes/42")
    assert extract_post_page(custom, "https://ironandoats.example/recipe/") is None


def test_plain_html_without_wordpress_markers_gives_none() -> None:
    html = b"<html><head><title>Hello</title></head><body><h1>Hi</h1><p>Text</p></body></html>"
    assert extract_post_page(html, "https://example.org/") is None
    assert extract_post_page(b"", "https://example.org/") is None


def test_single_post_without_a_body_raises() -> None:
    html = (
        b'<html><body class="single single-post postid-9"><article id="post-9" class="post-9 post'
        b' type-post"><h1 class="entry-title">Odd theme</h1><div class="mystery">Text</div>'
        b"</article></body></html>"
    )
    with pytest.raises(ExtractError) as info:
        extract_post_page(html, "https://example.org/odd/")
    assert info.value.url == "https://example.org/odd/"


def test_charset_from_content_type_header() -> None:
    html = (
        '<html><body class="single postid-3"><article id="post-3" class="post type-post">'
        '<h1 class="entry-title">Kraftübungen für Anfänger</h1><div class="entry-content">'
        "<p>Übung macht den Meister.</p></div></article></body></html>"
    ).encode("iso-8859-1")
    post = extract_post_page(
        html, "https://example.de/p/", content_type="text/html; charset=ISO-8859-1"
    )
    assert post is not None
    assert post.title == "Kraftübungen für Anfänger"
    assert post.body_text == "Übung macht den Meister."
    assert post.remote_id == "3"
