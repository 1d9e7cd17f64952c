"""The extraction stage: pure functions from fetched bytes to typed records.

Nothing here does I/O. HTML is parsed with lxml (a few ms per page); bodies
are sanitised with nh3. Imports scraper.records, scraper.errors and
third-party libraries only.

    detect_platform(html, url, headers)        -> "wordpress" | "generic"
    extract_post_page(html, url)               -> Post | None (None: not a single post)
    extract_comment_page(html, url)            -> CommentPage
    extract_rest_posts(data, base_url)         -> list[Post]
    extract_rest_comments(data, post_author_ids=) -> list[Comment]
    inspect_image(data)                        -> (mime, width, height)
    sanitize_html(html) / html_to_text(html)   -> str
"""

from __future__ import annotations

from .comments import extract_comment_page
from .detect import detect_platform
from .media import inspect_image
from .rest import extract_rest_comments, extract_rest_posts
from .sanitize import sanitize_html
from .text import html_to_text
from .wordpress import extract_post_page

__all__ = [
    "detect_platform",
    "extract_comment_page",
    "extract_post_page",
    "extract_rest_comments",
    "extract_rest_posts",
    "html_to_text",
    "inspect_image",
    "sanitize_html",
]
