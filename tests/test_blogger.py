"""Blogger: the Atom post and comment feeds, and a post page with Blogger's comment markup."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scraper.discover import advertised_feeds, blogger_comments_feed_url, blogger_posts_feed_url
from scraper.extract import extract_post_page, parse_blogger_comments, parse_blogger_posts
from scraper.extract.blogger import with_depths

SITE = Path(__file__).parent / "fixtures" / "sites" / "blogger"
ORIGIN = "https://ironnotes.blogspot.com"
DANA = "https://www.blogger.com/profile/09876543210987654321"


def read(path: str) -> bytes:
    return (SITE / path).read_bytes().replace(b"__ORIGIN__", ORIGIN.encode())


def test_feed_urls_stay_on_the_blog_host() -> None:
    assert blogger_posts_feed_url(ORIGIN + "/", start=151, max_results=150) == (
        ORIGIN + "/feeds/posts/default?start-index=151&max-results=150"
    )
    assert blogger_comments_feed_url(ORIGIN + "/", "7001") == (
        ORIGIN + "/feeds/7001/comments/default?start-index=1&max-results=500"
    )
    feeds = advertised_feeds(read("2024/03/back-day-rows-pulldowns.html"), ORIGIN + "/")
    assert feeds[0] == ORIGIN + "/feeds/posts/default"
    assert "https://www.blogger.com/feeds/4417000000000000001/posts/default" not in feeds


def test_posts_feed() -> None:
    page = parse_blogger_posts(read("feeds/posts/default.xml"), ORIGIN + "/")
    assert (page.total, page.start, page.count, page.summaries_only) == (2, 1, 2, False)
    assert page.comment_totals == {"7001": 4, "7002": 1}
    back, legs = page.posts
    assert back.remote_id == "7001"
    assert back.url == ORIGIN + "/2024/03/back-day-rows-pulldowns.html"
    assert back.title == "Back Day: Rows, Pulldowns and a Deadlift PR"
    assert back.published_at == datetime(2024, 3, 2, 17, 30, tzinfo=UTC)
    assert back.modified_at == datetime(2024, 3, 2, 18, 15, tzinfo=UTC)
    assert back.author is not None and (back.author.name, back.author.url) == ("Dana Reyes", DANA)
    assert [t.name for t in back.terms] == ["back", "deadlift"]
    assert back.body_text.startswith("Back day went better than planned.")
    assert "Straight-arm pulldown | 3 | 15" in back.body_text
    row, pulldown = back.images
    assert row.url == ORIGIN + "/img/b/R29vZ2xl/AVvXsEhRow/s1600/seated-row.jpg"
    assert (row.heading, row.caption) == (
        "Back Routine 1: Rows",
        "Seated row: squeeze for a full second at the chest",
    )
    assert (pulldown.heading, pulldown.caption) == ("Back Routine 2: Pulldowns", None)
    assert legs.remote_id == "7002" and [t.name for t in legs.terms] == ["legs"]
    assert legs.images[0].heading == "Leg Routine 1: Box Squat"


def test_comment_feed_threads_by_related_links() -> None:
    page = parse_blogger_comments(
        read("feeds/7001/comments/default.xml"), post_id="7001", post_author_url=DANA
    )
    assert (page.total, page.count) == (4, 4)
    comments = {c.remote_id: c for c in with_depths(page.comments)}
    assert {k: (c.parent_remote_id, c.depth) for k, c in comments.items()} == {
        "5550001": (None, 1),
        "5550002": ("5550001", 2),
        "5550003": (None, 1),
        "5550004": ("5550001", 2),
    }
    dana = comments["5550002"]
    assert dana.is_post_author and dana.author_name == "Dana Reyes"
    assert dana.published_at == datetime(2024, 3, 2, 19, 20, tzinfo=UTC)
    assert dana.body_html == "No straps, mixed grip. Straps come out for the <b>rows</b> only."
    assert (
        dana.permalink
        == ORIGIN + "/2024/03/back-day-rows-pulldowns.html?showComment=1709407200000#c5550002"
    )
    assert comments["5550003"].author_name == "Anonymous" and comments["5550003"].author_url is None
    assert all(c.post_remote_id == "7001" for c in comments.values())


def test_in_reply_to_naming_a_comment_is_a_parent() -> None:
    """Atom producers other than Blogger point thr:in-reply-to at the parent comment."""
    feed = read("feeds/7001/comments/default.xml").replace(
        b"<link rel='related' type='application/atom+xml' href='https://www.blogger.com/feeds/4417000000000000001/7001/comments/default/5550001'/>",
        b"",
    )
    feed = feed.replace(
        b"<id>tag:blogger.com,1999:blog-4417000000000000001.post-5550004</id>",
        b"<id>tag:blogger.com,1999:blog-4417000000000000001.post-5550004</id>"
        b"<thr:in-reply-to xmlns:thr='http://purl.org/syndication/thread/1.0' "
        b"ref='tag:blogger.com,1999:blog-4417000000000000001.post-5550003'/>",
    )
    comments = {c.remote_id: c for c in parse_blogger_comments(feed, post_id="7001").comments}
    assert comments["5550004"].parent_remote_id == "5550003"
    assert comments["5550002"].parent_remote_id is None


def test_broken_feed_gives_nothing() -> None:
    assert parse_blogger_posts(b"<html>not a feed</html>", ORIGIN).posts == []
    assert parse_blogger_comments(b"", post_id="1").comments == []


def test_post_page_with_blogger_comment_markup() -> None:
    url = ORIGIN + "/2024/03/back-day-rows-pulldowns.html"
    post = extract_post_page(read("2024/03/back-day-rows-pulldowns.html"), url)
    assert post is not None
    assert post.remote_id == "7001"
    assert post.title == "Back Day: Rows, Pulldowns and a Deadlift PR"
    assert post.published_at == datetime(2024, 3, 2, 17, 30, tzinfo=UTC)
    assert post.author is not None and post.author.name == "Dana Reyes"
    assert [t.name for t in post.terms] == ["back", "deadlift"]
    assert "Email This" not in post.body_text and "Posted by" not in post.body_text
    assert [(i.heading, i.caption) for i in post.images] == [
        ("Back Routine 1: Rows", "Seated row: squeeze for a full second at the chest"),
        ("Back Routine 2: Pulldowns", None),
    ]
    got = [
        (c.remote_id, c.parent_remote_id, c.depth, c.author_name, c.is_post_author)
        for c in post.comments
    ]
    assert got == [
        ("5550001", None, 1, "Marco Lift", False),
        ("5550002", "5550001", 2, "Dana Reyes", True),
        ("5550004", "5550001", 2, "Marco Lift", False),
        ("5550003", None, 1, "Anonymous", False),
    ]
    first = post.comments[0]
    assert first.published_at == datetime(2024, 3, 2, 18, 0, tzinfo=UTC)  # from ?showComment=<ms>
    assert first.body_text == "Huge PR! Did you use straps for the 180 single?"
    assert first.author_url == "https://www.blogger.com/profile/11112222333344445555"
