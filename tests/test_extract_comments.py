"""Comment threads: nesting, themes, comment pages and pagination links."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scraper.extract import extract_comment_page, extract_post_page

HTML = Path(__file__).parent / "fixtures" / "html"
TT1_URL = "https://ironandoats.example/2024/02/11/back-day-three-routines/"


def page(name: str) -> bytes:
    return (HTML / name).read_bytes()


def tree(comments: tuple) -> list[tuple[str, str | None, int]]:  # type: ignore[type-arg]
    return [(c.remote_id, c.parent_remote_id, c.depth) for c in comments]


def test_reply_to_reply_keeps_parent_id_and_depth() -> None:
    post = extract_post_page(page("tt1-post-nested-comments.html"), TT1_URL)
    assert post is not None
    assert tree(post.comments) == [
        ("101", None, 1),
        ("102", "101", 2),
        ("104", "102", 3),
        ("105", "104", 4),
        ("103", "101", 2),
        ("106", None, 1),
    ]


def test_classic_comment_fields() -> None:
    post = extract_post_page(page("tt1-post-nested-comments.html"), TT1_URL)
    assert post is not None
    first, reply = post.comments[0], post.comments[1]
    assert first.author_name == "Lena"
    assert first.author_url == "https://liftwithlena.example"
    assert first.published_at == datetime(2024, 2, 11, 17, 4, tzinfo=UTC)
    assert (
        first.body_html == "<p>Routine 1 is brutal. How long do you rest between deadlift sets?</p>"
    )
    assert first.permalink == TT1_URL + "#comment-101"
    assert not first.is_post_author
    assert reply.is_post_author
    assert reply.body_text == (
        "Three minutes on the heavy sets, two on the back-off sets.\n\n"
        "Use a timer, it keeps you honest."
    )
    assert "Reply" not in reply.body_text and "says:" not in reply.body_text
    tomasz = post.comments[4]
    assert tomasz.author_name == "Tomasz" and tomasz.author_url is None


def test_pingback_is_typed_and_named_after_the_linking_site() -> None:
    post = extract_post_page(page("tt1-post-nested-comments.html"), TT1_URL)
    assert post is not None
    ping = post.comments[-1]
    assert ping.comment_type == "pingback"
    assert ping.author_name == "Weekly links: grip, rows and rest \u2013 Grip Strength Journal"
    assert ping.author_url == "https://gripstrength.example/2024/02/13/weekly-links/"
    assert ping.body_html == ""


def test_block_theme_comment_template() -> None:
    url = "https://ironandoats.example/2024/03/02/leg-day-circuit/"
    post = extract_post_page(page("tt3-post-block-gallery.html"), url)
    assert post is not None
    assert tree(post.comments) == [
        ("203", None, 1),
        ("204", "203", 2),
        ("205", "204", 3),
        ("206", None, 1),
    ]
    priya, maya, noted, jordan = post.comments
    assert priya.author_url == "https://priyaruns.example"
    assert priya.body_text == (
        "Did this in my building\u2019s gym. Swings after RDLs wrecked my hamstrings (good way)."
    )
    assert maya.is_post_author and not priya.is_post_author
    assert maya.published_at == datetime(2024, 3, 4, 12, 30, tzinfo=UTC)
    # A date printed without datetime attribute and without zone is not guessed.
    assert noted.published_at is None
    assert jordan.author_name == "Jordan" and jordan.author_url is None


def test_generatepress_comments_on_a_cpage() -> None:
    url = "https://kettlecorner.example/?p=118&cpage=2"
    result = extract_comment_page(page("generatepress-comment-page-2.html"), url)
    assert result.post_url == "https://kettlecorner.example/?p=118"
    assert tree(result.comments) == [
        ("310", None, 1),
        ("311", "310", 2),
        ("312", "311", 3),
        ("315", None, 1),
    ]
    belle, sam, _zipped, ravi = result.comments
    assert belle.author_name == "Belle" and belle.author_url == "https://ketlbelle.example"
    assert (
        belle.body_text
        == "Week 3 high pulls felt awkward until I filmed myself. Elbow was flaring."
    )
    assert sam.author_name == "Sam Reyes" and sam.is_post_author
    assert ravi.published_at == datetime(2023, 11, 9, 23, 30, tzinfo=UTC)  # -05:00
    assert ravi.permalink == "https://kettlecorner.example/?p=118&cpage=2#comment-315"
    # Older/newer links and the recent-comments widget's link to page 3 of this post;
    # not the page itself, not another post's pages.
    assert result.comment_page_urls == (
        "https://kettlecorner.example/?p=118&cpage=1",
        "https://kettlecorner.example/?p=118&cpage=3",
    )


def test_astra_li_comment_wrapper() -> None:
    post = extract_post_page(
        page("astra-post.html"), "https://strideandsquat.example/mobility-before-squats/"
    )
    assert post is not None
    assert tree(post.comments) == [("71", None, 1), ("72", "71", 2), ("73", "72", 3)]
    kofi, ana, _last = post.comments
    assert kofi.author_name == "Kofi" and kofi.author_url == "https://hipsdontlie.example/"
    assert kofi.body_html == "<p>The knee-to-wall drill fixed my heel lift. Thanks!</p>"
    assert ana.author_name == "Ana Lima" and ana.is_post_author


def test_twentytwenty_div_style_comments() -> None:
    post = extract_post_page(
        page("twentytwenty-post.html"),
        "https://barbellandtrail.example/track-intervals-for-lifters/",
    )
    assert post is not None
    assert tree(post.comments) == [("401", None, 1), ("402", "401", 2), ("403", "402", 3)]
    assert post.comments[1].author_name == "Ola Berg"
    assert post.comments[2].published_at == datetime(2024, 5, 19, 4, 45, tzinfo=UTC)
    assert post.comments[0].body_text == "Do the 400s count as a conditioning day or a leg day?"


def test_twentytwelve_comments_and_trackback() -> None:
    post = extract_post_page(
        page("twentytwelve-old-post.html"),
        "http://oldschoolstrength.example/2013/06/starting-strength-vs-5x5/",
    )
    assert post is not None
    assert tree(post.comments) == [("5", None, 1), ("6", "5", 2), ("7", "6", 3), ("8", None, 1)]
    assert post.comments[0].author_name == "Gym Rat"
    assert post.comments[1].author_name == "Bill" and post.comments[1].is_post_author
    assert post.comments[2].body_html == "<p>Thanks \u2014 <em>adding</em> that to my plan.</p>"
    trackback = post.comments[3]
    assert trackback.comment_type == "trackback"
    assert trackback.author_name == "Lifting Links Roundup"


def test_bare_post_url_showing_the_last_page_links_only_to_other_pages() -> None:
    # "newest first": the bare URL shows page 2, whose comments link to comment-page-2.
    url = "https://ironandoats.example/2024/03/02/leg-day-circuit/"
    post = extract_post_page(page("tt3-post-block-gallery.html"), url)
    assert post is not None
    assert post.comment_page_urls == (
        "https://ironandoats.example/2024/03/02/leg-day-circuit/comment-page-1/",
    )
    # ... and says that it is comment-page-2 itself, which page 1 links to again.
    assert post.shown_comment_pages == (
        "https://ironandoats.example/2024/03/02/leg-day-circuit/comment-page-2/",
    )


def test_comment_page_url_maps_back_to_the_post() -> None:
    url = "https://ironandoats.example/2024/03/02/leg-day-circuit/comment-page-2/"
    result = extract_comment_page(page("tt3-post-block-gallery.html"), url)
    assert result.post_url == "https://ironandoats.example/2024/03/02/leg-day-circuit/"
    assert result.comments[0].permalink == url + "#comment-203"
    assert result.comment_page_urls == (
        "https://ironandoats.example/2024/03/02/leg-day-circuit/comment-page-1/",
    )


def test_recent_comments_widget_links_to_other_posts_are_ignored() -> None:
    post = extract_post_page(page("tt1-post-nested-comments.html"), TT1_URL)
    assert post is not None
    assert all("leg-day-basics" not in u for u in post.comment_page_urls)


def _deep_thread(levels: int) -> bytes:
    opening = "".join(
        f'<li id="comment-{i}" class="comment depth-{i}"><article id="div-comment-{i}" '
        f'class="comment-body"><footer class="comment-meta"><div class="comment-author vcard">'
        f'<b class="fn">User {i}</b></div><div class="comment-metadata"><a href="#comment-{i}">'
        f'<time datetime="2024-01-01T00:00:{i % 60:02d}+00:00">x</time></a></div></footer>'
        f'<div class="comment-content"><p>Reply number {i}</p></div></article><ol class="children">'
        for i in range(1, levels + 1)
    )
    closing = "</ol></li>" * levels
    return (
        '<html><body class="single single-post postid-1"><article id="post-1" class="post-1 post '
        'type-post"><h1 class="entry-title">Deep</h1><div class="entry-content"><p>Body</p></div>'
        f'</article><div id="comments" class="comments-area"><ol class="comment-list">{opening}'
        f"{closing}</ol></div></body></html>"
    ).encode()


def test_very_deep_threads_keep_their_nesting() -> None:
    post = extract_post_page(_deep_thread(300), "https://example.org/deep/")
    assert post is not None
    assert len(post.comments) == 300
    last = post.comments[-1]
    assert (last.remote_id, last.parent_remote_id, last.depth) == ("300", "299", 300)
    assert last.author_name == "User 300" and last.body_text == "Reply number 300"
    assert post.comments[0].body_text == "Reply number 1"  # replies are not part of the parent


def test_comment_awaiting_moderation_is_skipped() -> None:
    html = (
        b'<html><body class="single postid-2"><article id="post-2" class="post type-post">'
        b'<div class="entry-content"><p>x</p></div></article><ol class="comment-list">'
        b'<li id="comment-1" class="comment"><div class="comment-content"><p>ok</p></div></li>'
        b'<li id="comment-2" class="comment"><em class="comment-awaiting-moderation">Your comment '
        b'is awaiting moderation.</em><div class="comment-content"><p>pending</p></div></li>'
        b"</ol></body></html>"
    )
    post = extract_post_page(html, "https://example.org/p/")
    assert post is not None
    assert [c.remote_id for c in post.comments] == ["1"]


def test_old_walker_without_comment_content_wrapper() -> None:
    html = (
        b'<html><body class="single postid-2"><article id="post-2" class="post type-post">'
        b'<div class="entry-content"><p>x</p></div></article><ul class="commentlist">'
        b'<li class="comment even thread-even depth-1" id="comment-9"><div id="div-comment-9" '
        b'class="comment-body"><div class="comment-author vcard"><cite class="fn">Old Timer</cite> '
        b'<span class="says">says:</span></div><div class="comment-meta commentmetadata">'
        b'<a href="#comment-9">March 3, 2009 at 10:02 am</a></div><p>Squats cure everything.</p>'
        b'<div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></div></li>'
        b"</ul></body></html>"
    )
    post = extract_post_page(html, "https://example.org/p/")
    assert post is not None
    (comment,) = post.comments
    assert comment.author_name == "Old Timer"
    assert comment.body_text == "Squats cure everything."
    assert comment.body_html == "<p>Squats cure everything.</p>"
    assert comment.published_at is None  # text date without zone


def _block_comment(cid: int, depth: int, text: str, children: str = "") -> str:
    return (
        f'<li id="comment-{cid}" class="comment depth-{depth}"><div class="wp-block-comment-author-name">'
        f'Reader {cid}</div><div class="wp-block-comment-content"><p>{text}</p></div>{children}</li>'
    )


def test_reply_printed_in_its_grandparents_list_follows_its_depth_class() -> None:
    # 4 is a depth-3 reply to 3, but the theme printed it among 3's siblings (in 2's list);
    # 6 is a depth-2 reply printed at the top level, after its parent 5.
    thread = _block_comment(1, 1, "Top", "<ol>" + _block_comment(2, 2, "Reply", "<ol>" + _block_comment(
        3, 3, "Deeper") + _block_comment(4, 4, "Deepest, printed one level up") + _block_comment(
        7, 3, "Back at three") + "</ol>") + "</ol>") + _block_comment(5, 1, "Second thread") + _block_comment(
        6, 2, "Reply printed at the top level")
    html = (
        '<html><body class="single single-post postid-9 wp-theme-twentytwentythree"><main>'
        '<h1 class="wp-block-post-title">T</h1><div class="entry-content wp-block-post-content"><p>Body</p></div>'
        f'<div class="wp-block-comments"><ol class="wp-block-comment-template">{thread}</ol></div>'
        "</main></body></html>"
    ).encode()
    post = extract_post_page(html, "https://blog.example/t/")
    assert post is not None
    assert tree(post.comments) == [
        ("1", None, 1), ("2", "1", 2), ("3", "2", 3), ("4", "3", 4), ("7", "2", 3),
        ("5", None, 1), ("6", "5", 2),
    ]
    assert {c.remote_id: c.body_text for c in post.comments}["4"] == "Deepest, printed one level up"
