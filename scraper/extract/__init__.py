"""The extraction stage: pure functions from fetched bytes to typed records.

Nothing here does I/O. HTML is parsed with lxml (a few ms per page); bodies
are sanitised with nh3. Imports scraper.records, scraper.errors and
third-party libraries only.

    article_text(html, url)                    -> str (the page's main text as prose; str or bytes)
    article(html, url)                         -> Article (title, author, dates, body, images, comments)
    detect_platform(html, url, headers)        -> "wordpress" | "blogger" | "ghost" | ... | "generic"
    extract_post_page(html, url)               -> Post | None (None: not a single post)
    extract_generic(html, url, platform=)      -> Post | None (any non-WordPress post page)
    extract_article_text(html, url)            -> str (the generic body detector, as prose)
    parse_blogger_posts(data, base_url)        -> BloggerPosts (Blogger posts feed page)
    parse_blogger_comments(data, post_id=)     -> BloggerComments (a post's comment feed page)
    extract_comment_page(html, url)            -> CommentPage
    join_post_parts(first, parts)              -> Post (a post split into pages, joined)
    extract_rest_posts(data, base_url)         -> list[Post]
    extract_rest_comments(data, post_author_ids=) -> list[Comment]
    inspect_image(data)                        -> (mime, width, height)
    sanitize_html(html) / html_to_text(html)   -> str
"""

from __future__ import annotations

from .article import Article, article, article_text
from .blogger import parse_blogger_comments, parse_blogger_posts
from .comments import extract_comment_page
from .detect import detect_platform
from .generic import extract_article_text, extract_generic
from .media import inspect_image
from .parts import join_post_parts
from .rest import extract_rest_comments, extract_rest_posts
from .sanitize import sanitize_html
from .text import html_to_text
from .wordpress import extract_post_page

__all__ = [
    "Article",
    "article",
    "article_text",
    "detect_platform",
    "extract_article_text",
    "extract_comment_page",
    "extract_generic",
    "extract_post_page",
    "extract_rest_comments",
    "extract_rest_posts",
    "html_to_text",
    "inspect_image",
    "join_post_parts",
    "parse_blogger_comments",
    "parse_blogger_posts",
    "sanitize_html",
]
