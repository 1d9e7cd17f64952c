"""Real twentytwentythree pages served by WordPress 6.1 (the loopback harness).

Saved from the harness with the block theme switched on; values below are the
harness manifest's ground truth for those posts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scraper.extract import extract_comment_page, extract_post_page
from scraper.records import Author, Term

HTML = Path(__file__).parent / "fixtures" / "html"
BASE = "http://127.0.0.1:47917"
BACK = BASE + "/2024/01/15/back-routine-1-and-2-rows-pull-ups-and-hinges/"
PLANK = BASE + "/2024/03/01/the-30-day-plank-challenge-check-in-here/"


def test_block_theme_post() -> None:
    post = extract_post_page((HTML / "wp61-tt3-back-post.html").read_bytes(), BACK)
    assert post is not None
    assert post.url == BACK
    assert post.remote_id == "4"
    assert post.title == "Back Routine 1 and 2: Rows, Pull-ups and Hinges"
    assert post.author == Author(name="Dana Whitfield")  # the post-author block has no link
    assert post.published_at == datetime(2024, 1, 15, 6, 30, tzinfo=UTC)
    assert post.terms == (
        Term(kind="category", name="Programs", slug="programs"),
        Term(kind="category", name="Strength", slug="strength"),
        Term(kind="tag", name="back", slug="back"),
        Term(kind="tag", name="deadlift", slug="deadlift"),
        Term(kind="tag", name="pull-up", slug="pull-up"),
    )
    assert [
        (i.role, i.url.rsplit("/", 1)[1], i.heading, i.caption, i.width) for i in post.images
    ] == [
        ("featured", "back-day-home-gym.jpg", None, None, 1200),  # TT3 prints no caption
        (
            "body",
            "barbell-row.jpg",
            "Back Routine 1",
            "Bent-over row with a flat back and elbows tucked",
            800,
        ),
        (
            "body",
            "pull-up-top.png",
            "Back Routine 2",
            "Pull-up, pause with the chin over the bar",
            640,
        ),
        ("body", "front-plank.png", "Back Routine 2", None, 600),
    ]
    assert "A strong back carries every other lift." in post.body_text


def test_block_theme_thread_flattened_at_max_depth() -> None:
    post = extract_post_page((HTML / "wp61-tt3-back-post.html").read_bytes(), BACK)
    assert post is not None
    tree = [(c.remote_id, c.parent_remote_id, c.depth) for c in post.comments]
    # thread_comments_depth=3: replies deeper than 3 are shown under comment 3
    assert tree[:6] == [
        ("2", None, 1),
        ("3", "2", 2),
        ("4", "3", 3),
        ("5", "3", 3),
        ("6", "3", 3),
        ("7", "3", 3),
    ]
    marta, dana = post.comments[0], post.comments[1]
    assert marta.author_name == "Marta K." and marta.author_url == "https://marta-lifts.example/"
    assert (
        marta.body_text
        == "Did Back Routine 1 three times this week \U0001f4aa My rows finally feel solid."
    )
    assert dana.is_post_author and not marta.is_post_author
    assert dana.published_at == datetime(2024, 1, 15, 13, 30, tzinfo=UTC)
    ping = post.comments[-1]
    assert (ping.remote_id, ping.comment_type, ping.author_name) == (
        "12",
        "pingback",
        "Strength Notes",
    )
    assert post.comment_page_urls == ()


def test_block_theme_comment_page() -> None:
    url = PLANK + "comment-page-3/"
    result = extract_comment_page((HTML / "wp61-tt3-plank-comment-page-3.html").read_bytes(), url)
    assert result.post_url == PLANK
    assert len(result.comments) == 28  # 23 threads of the day plus a 5-comment side thread
    assert result.comment_page_urls == tuple(PLANK + f"comment-page-{n}/" for n in (2, 1, 4, 5, 6))
    by_id = {c.remote_id: c for c in result.comments}
    assert (by_id["64"].parent_remote_id, by_id["64"].depth, by_id["64"].is_post_author) == (
        "63",
        2,
        True,
    )
    assert by_id["63"].published_at == datetime(2024, 3, 10, 3, 0, tzinfo=UTC)
    assert [(by_id[i].parent_remote_id, by_id[i].depth) for i in ("144", "145", "148")] == [
        ("75", 2),
        ("144", 3),
        ("144", 3),
    ]
    assert by_id["63"].permalink == url + "#comment-63"
