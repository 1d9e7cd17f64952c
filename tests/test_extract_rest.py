"""WordPress REST answers (/wp/v2/posts with _embed, /wp/v2/comments)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.errors import ExtractError
from scraper.extract import extract_rest_comments, extract_rest_posts
from scraper.records import Author, ImageRef, Term

REST = Path(__file__).parent / "fixtures" / "html" / "rest"
BASE = "https://ironandoats.example/"


def posts_json() -> bytes:
    return (REST / "posts-embed.json").read_bytes()


def test_only_published_posts_are_returned() -> None:
    posts = extract_rest_posts(posts_json(), BASE)
    # the private post and the page in the same answer are skipped
    assert [p.remote_id for p in posts] == ["77", "26"]
    assert all(p.source == "rest" and p.comments == () for p in posts)


def test_embedded_post_fields() -> None:
    post = extract_rest_posts(posts_json(), BASE)[0]
    assert post.url == "https://ironandoats.example/2024/03/02/leg-day-circuit/"
    assert post.title == "Leg Day Circuit for Small Gyms \u2013 Hotel Edition"
    assert post.published_at == datetime(2024, 3, 2, 7, 0, tzinfo=UTC)
    assert post.modified_at == datetime(2024, 3, 5, 20, 14, 9, tzinfo=UTC)
    assert post.author == Author(
        name="Maya Okafor",
        remote_id="2",
        url="https://ironandoats.example/author/maya-lifts/",
        slug="maya-lifts",
    )
    assert post.terms == (
        Term(kind="category", name="Legs & Glutes", slug="legs", remote_id="4"),
        Term(kind="tag", name="kettlebell", slug="kettlebell", remote_id="11"),
        Term(kind="tag", name="squat", slug="squat", remote_id="12"),
    )
    assert (
        post.excerpt == "No rack, no problem. Two circuits, one pair of dumbbells and a kettlebell."
    )
    assert not post.is_protected


def test_rest_body_and_images_use_the_html_rules() -> None:
    post = extract_rest_posts(posts_json(), BASE)[0]
    up = "https://ironandoats.example/wp-content/uploads/2024/03/"
    assert post.images == (
        ImageRef(
            url=up + "goblet-squat-scaled.jpg",
            position=0,
            role="featured",
            alt="Goblet squat at the bottom",
            caption="Goblet squat \u2013 elbows inside the knees",
            width=2560,
            height=1707,
        ),
        ImageRef(
            url=up + "kb-goblet.jpg",
            position=1,
            role="gallery",
            alt="Kettlebell goblet squat",
            caption="Goblet squat, 4 x 12",
            heading="Circuit A",
            width=1800,
            height=1201,
        ),
        ImageRef(
            url=up + "swing-1024x683.jpg",  # relative src resolved against the post link
            position=2,
            alt="Kettlebell swing at the top",
            caption="Swings, 20 reps",
            heading="Circuit B",
            width=1024,
            height=683,
        ),
    )
    assert "<script" not in post.body_html and "javascript:" not in post.body_html
    assert post.body_text.startswith("No rack, no problem.")
    assert post.body_text.endswith("Rest 90 s. Do not click.")


def test_protected_post_and_blocked_author_embed() -> None:
    post = extract_rest_posts(posts_json(), BASE)[1]
    assert post.is_protected
    assert post.body_html == "" and post.body_text == "" and post.excerpt is None
    assert post.title == "Members Only: 12-Week Powerbuilding Block"
    assert post.author == Author(name="", remote_id="3")  # /users blocked: id only
    assert post.terms == (Term(kind="category", name="Programs", slug="programs", remote_id="5"),)
    assert post.images == ()


def test_post_without_embed_keeps_author_id() -> None:
    item = {
        "id": 5,
        "status": "publish",
        "type": "post",
        "link": "https://site.example/?p=5",
        "title": {"rendered": "Plain &amp; simple"},
        "content": {"rendered": "<p>Hi</p>", "protected": False},
        "excerpt": {"rendered": "", "protected": False},
        "author": 7,
        "date_gmt": "2024-01-02T03:04:05",
        "modified_gmt": None,
    }
    (post,) = extract_rest_posts(json.dumps([item]).encode(), "https://site.example/")
    assert post.title == "Plain & simple"
    assert post.author == Author(name="", remote_id="7")
    assert post.modified_at is None
    assert post.body_text == "Hi" and post.terms == ()


@pytest.mark.parametrize(
    "data",
    [
        b"<html>blocked</html>",
        b'{"code":"rest_forbidden","message":"Sorry","data":{"status":401}}',
        b"{}",
    ],
)
def test_rest_errors_raise_extract_error(data: bytes) -> None:
    with pytest.raises(ExtractError):
        extract_rest_posts(data, BASE)


def test_rest_comments() -> None:
    comments = extract_rest_comments(
        (REST / "comments.json").read_bytes(), post_author_ids={"77": "2"}
    )
    assert [(c.remote_id, c.parent_remote_id, c.post_remote_id) for c in comments] == [
        ("203", None, "77"),
        ("204", "203", "77"),
        ("205", "204", "77"),
        ("206", None, "77"),
    ]
    priya, maya, _noted, ping = comments
    assert priya.author_name == "Priya" and priya.author_url == "https://priyaruns.example"
    assert priya.published_at == datetime(2024, 3, 4, 10, 12, tzinfo=UTC)
    assert priya.body_html == "<p>Did this in my building\u2019s gym.</p>"
    assert priya.permalink == (
        "https://ironandoats.example/2024/03/02/leg-day-circuit/comment-page-2/#comment-203"
    )
    assert not priya.is_post_author and maya.is_post_author
    assert (
        maya.body_html
        == '<p>That\u2019s the spirit. <a rel="nofollow noopener">Keep</a> the swings explosive.</p>'
    )
    assert ping.comment_type == "pingback"
    assert all(c.depth == 1 for c in comments)  # depth comes from parents, in the store


def test_rest_comments_without_author_map_and_unapproved_skipped() -> None:
    items = json.loads((REST / "comments.json").read_bytes())
    items[0]["status"] = "hold"
    comments = extract_rest_comments(json.dumps(items).encode())
    assert [c.remote_id for c in comments] == ["204", "205", "206"]
    assert not any(c.is_post_author for c in comments)
