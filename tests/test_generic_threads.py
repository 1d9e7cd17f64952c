"""The main-content finder on thread pages (forum posts, questions and answers).

A page that is a thread is read as its posts in order; reader comments under
an article stay out of the article's text.
"""

from __future__ import annotations

from article_pages import text as page_text

WORDS = (
    "I have been squatting twice a week for a year, and my knees ache after the third set, "
    "so I wonder whether the depth, the stance or the load is to blame in post {n}."
)


def text(html: str) -> str:
    return page_text(html, "https://example.org/thread/")


def post(n: int, author: str) -> str:
    """One forum post: the writer's card (name, avatar, join date), then the message."""
    return (
        f"<article class='message' id='post-{n}'>"
        f"<div class='message-user'><img class='avatar' src='/a/{n}.png' alt=''>"
        f"<h4 class='message-name'><a href='/members/{author}'>{author}</a></h4>"
        "<dl><dt>Joined</dt><dd>May 2019</dd><dt>Posts</dt><dd>1,158</dd>"
        "<dt>Location</dt><dd>Vienna, Austria</dd></dl></div>"
        f"<div class='message-main'><div class='bbWrapper'>{WORDS.format(n=n)}</div></div>"
        "</article>"
    )


def test_forum_posts_with_writer_cards_are_not_taken_for_teasers() -> None:
    posts = "".join(post(n, name) for n, name in enumerate(("ana", "ben", "cy", "dee"), 1))
    html = (
        "<html><head><title>Sore knees after squats | Example forum</title></head><body>"
        "<nav><a href='/'>Forums</a><a href='/new'>New posts</a></nav>"
        f"<div class='p-body'><h1>Sore knees after squats</h1><div class='block-body'>{posts}"
        "</div></div><div class='about'><h3>About us</h3><p>Since 2006 our members, lifters "
        "and coaches alike, have answered questions on training, recovery and nutrition, and "
        "they welcome beginners, veterans and everyone in between.</p><p>Join the forum to ask "
        "your own question, follow a topic or share a log of your training, with photos, notes "
        "and numbers.</p></div><footer>Forum software</footer></body></html>"
    )
    out = text(html)
    for n in range(1, 5):
        assert f"to blame in post {n}." in out


def test_reader_comments_with_writer_cards_stay_out_of_the_article() -> None:
    article = "".join(
        f"<p>Paragraph {n}: the squat is a hinge and a knee bend at once, and the trick, as "
        "always, is to keep the bar over the middle of the foot while the hips travel back.</p>"
        for n in range(1, 9)
    )
    comments = "".join(post(n, name) for n, name in enumerate(("ana", "ben", "cy", "dee"), 1))
    html = (
        "<html><body><div class='page'><div class='story'><h1>Squat depth</h1>"
        f"{article}</div><div class='community'><h3>Your views</h3>{comments}</div></div>"
        "</body></html>"
    )
    out = text(html)
    assert out.count("Paragraph") == 8
    assert "to blame in post" not in out


def test_forum_thread_is_read_as_the_posts_without_the_writer_cards() -> None:
    posts = "".join(post(n, name) for n, name in enumerate(("ana", "ben", "cy"), 1))
    html = f"<html><body><main><ol class='posts'>{posts}</ol></main></body></html>"
    out = text(html)
    assert [line[-10:] for line in out.splitlines()] == ["in post 1.", "in post 2.", "in post 3."]
    for card in ("Joined", "1,158", "Vienna, Austria", "ben"):
        assert card not in out.split("\n")


def answer(n: int, words: str, kind: str = "answer") -> str:
    """A question or an answer: votes, the words, then the writer's signature."""
    return (
        f"<div class='{kind}' id='{kind}-{n}'><div class='votes'>{n * 3}</div>"
        f"<div class='postcell'><div class='prose'>{words}</div>"
        f"<div class='user-info'><a href='/users/{n}'>writer{n}</a> answered 2 days ago</div>"
        "</div></div>"
    )


def test_question_and_answers_are_read_in_order_when_the_longest_answer_wins() -> None:
    question = "<p>Why does my lower back round at the bottom of a squat, and how do I stop it?</p>"
    answers = "".join(
        answer(n, "<p>" + f"Answer {n} says: brace first, then sit between the hips. " * n + "</p>")
        for n in range(1, 4)
    )
    html = (
        "<html><body><div id='mainbar'>"
        f"{answer(0, question, 'question')}<div id='answers'>{answers}</div>"
        "</div><div class='sidebar-box'><p>Hot network questions</p></div></body></html>"
    )
    out = text(html)
    lines = out.splitlines()
    assert lines[0].startswith("Why does my lower back round")
    assert [line[:8] for line in lines[1:]] == ["Answer 1", "Answer 2", "Answer 3"]
    assert "answered 2 days ago" not in out


def test_a_short_post_keeps_its_text_above_many_reader_comments() -> None:
    comments = "".join(
        f"<li class='note' id='note-{n}'><div class='note-author vcard'>"
        f"<img class='avatar' src='/a/{n}.png' alt=''><cite class='fn'>reader{n}</cite></div>"
        f"<div class='note-text'><p>{WORDS.format(n=n)}</p></div></li>"
        for n in range(1, 9)
    )
    html = (
        "<html><body><article class='post'><h1>Monday sets</h1><div class='entry'>"
        "<p>Five sets of five at a weight that moves fast, then two back-off sets, and done.</p>"
        "<p>Film the last set from the side, and look at the bar path before adding weight.</p>"
        f"</div></article><div id='comments'><ol class='notes'>{comments}</ol></div>"
        "</body></html>"
    )
    out = text(html)
    assert "Five sets of five" in out and "Film the last set" in out
    assert "to blame in post" not in out


def test_article_wins_over_a_longer_run_of_unmarked_replies_after_it() -> None:
    article = "".join(
        f"<p>Paragraph {n}: the squat is a hinge and a knee bend at once, and the trick, as "
        "always, is to keep the bar over the middle of the foot while the hips travel back.</p>"
        for n in range(1, 7)
    )
    replies = "".join(
        f"<li class='thread-item'><div class='top'>({n} June, 11:13)</div>"
        f"<div class='msg'><p><strong>Re: depth</strong></p><div class='words'>"
        f"<p>{WORDS.format(n=n)} And a second sentence, to make a reply of some length.</p>"
        "</div></div></li>"
        for n in range(1, 13)
    )
    html = (
        "<html><body><div id='page'><div class='main-text'><h1>Squat depth</h1>"
        f"{article}</div><div class='below'><h3>12 replies</h3><ul class='list'>{replies}</ul>"
        "</div></div></body></html>"
    )
    out = text(html)
    assert out.count("Paragraph") == 6
    assert "to blame in post" not in out


def related_posts(body_class: str, linked: bool) -> str:
    """Two more posts beside the article, each with its writer's name and a summary.

    A summary of two paragraphs when the headline links, of one otherwise.
    """
    second = "<p>A second paragraph of the summary, on chalk, belts and the hook grip.</p>"
    return "".join(
        "<article class='post'><h3>"
        + (
            f"<a href='/p{n}'>Another long headline about deadlifts, number {n}</a>"
            if linked
            else f"Other {n}"
        )
        + "</h3><div class='info'><span class='author-name'>Kim</span></div>"
        f"<div class='{body_class}'><p>Summary {n}: a shorter text about deadlifts, grips and "
        "straps, with a comma or two, long enough to be read as a paragraph of prose.</p>"
        + (second if linked else "")
        + "</div>"
        "</article>"
        for n in range(1, 3)
    )


def test_posts_beside_the_article_do_not_make_it_a_thread() -> None:
    article = (
        "<article class='post'><h1>Squat depth</h1><div class='info'>"
        "<span class='author-name'>Sam</span></div><div class='entry-content'>"
        + "".join(
            f"<p>Paragraph {n}: the squat is a hinge and a knee bend at once, and the trick, as "
            "always, is to keep the bar over the middle of the foot while the hips travel.</p>"
            for n in range(1, 13)
        )
        + "</div></article>"
    )
    for body_class, linked in (("entry-summary", False), ("entry-content", True)):
        html = (
            f"<html><body><main>{article}{related_posts(body_class, linked)}</main></body></html>"
        )
        out = text(html)
        assert out.count("Paragraph") == 12, (body_class, linked)
        assert "Summary" not in out, (body_class, linked)
