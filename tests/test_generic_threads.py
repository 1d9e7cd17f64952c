"""The main-content finder on thread pages (forum posts, questions and answers).

A page that is a thread is read as its posts in order; reader comments under
an article stay out of the article's text.
"""

from __future__ import annotations

from scraper.extract import extract_article_text

WORDS = (
    "I have been squatting twice a week for a year, and my knees ache after the third set, "
    "so I wonder whether the depth, the stance or the load is to blame in post {n}."
)


def text(html: str) -> str:
    return extract_article_text(html.encode(), "https://example.org/thread/")


def post(n: int, author: str) -> str:
    """One forum post: the writer's card (name, avatar, join date), then the message."""
    return (
        f"<article class='message' id='post-{n}'>"
        f"<div class='message-user'><img class='avatar' src='/a/{n}.png' alt=''>"
        f"<h4 class='message-name'><a href='/members/{author}'>{author}</a></h4>"
        f"<dl><dt>Joined</dt><dd>May 2019</dd></dl></div>"
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
