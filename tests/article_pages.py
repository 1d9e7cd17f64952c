"""Small made-up article pages for the main-content tests, and the text they extract to."""

from __future__ import annotations

from scraper.extract import extract_article_text

PROSE = (
    "<p>Paragraph {n}: the squat is a hinge and a knee bend at once, and the trick, as always, "
    "is to keep the bar over the middle of the foot while the hips travel back and down.</p>"
)


def body(n: int) -> str:
    """``n`` numbered paragraphs of running text."""
    return "".join(PROSE.format(n=i) for i in range(1, n + 1))


def text(html: str, url: str = "https://example.org/post/") -> str:
    """The generic detector's text of ``html`` as read from ``url``."""
    return extract_article_text(html.encode(), url)
