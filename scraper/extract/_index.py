"""Index a parsed page in one pass: elements by class token, links, times.

XPath predicates on every element cost libxml2 about 0.2 µs per element per
string function, and the post readers need a dozen lookups, so the page is
walked once here and every later lookup is a dict access. Build the index
after the comments are parsed and detached: they are most of a busy page's
elements and none of the post's metadata. Imports lxml only.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

__all__ = ["WANTED", "PageIndex"]

# Every class token a post reader asks the index for.
WANTED = frozenset(
    {
        # post body, title, dates
        "entry-content", "wp-block-post-content", "entry-title", "wp-block-post-title",
        "single-post-title", "post-title", "published", "updated", "entry-date",
        "wp-block-post-date", "wp-block-post-date__modified-date", "type-post",
        # author
        "author", "vcard", "byline", "posted-by", "post-author", "entry-author", "meta-author",
        "wp-block-post-author-name", "wp-block-post-author__name", "author-name", "author-bio",
        "author-title", "author-link",
        # terms
        "wp-block-post-terms", "cat-links", "tags-links", "entry-categories", "post-categories",
        "post-tags",
        # featured image and protection
        "post-thumbnail", "wp-block-post-featured-image", "featured-media",
        "single-featured-image-header", "featured-image", "post-thumb-img-content",
        "wp-post-image", "post-password-form",
        # site name (kept out of titles), page links of a post split into pages
        "site-title", "wp-block-site-title", "site-name", "site-logo-text", "blog-title",
        "post-nav-links", "page-links", "wp-link-pages",
    }
)  # fmt: skip
_SPECIAL_TAGS = frozenset({"a", "time", "article", "form"})


class PageIndex:
    """Where things are on one page, found in a single walk of the tree."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.order: dict[etree._Element, int] = {}  # document position of indexed elements
        self.by_class: dict[str, list[etree._Element]] = {}
        self.links_with_rel: list[etree._Element] = []
        self.comment_page_links: list[str] = []  # hrefs with comment-page-N / cpage=N
        self.times: list[etree._Element] = []  # <time datetime>
        self.articles: list[etree._Element] = []
        self.password_forms: list[etree._Element] = []
        self._walk(root)

    def _walk(self, root: etree._Element) -> None:
        """Visit every element once; the loop body is kept minimal on purpose."""
        order = self.order
        by_class = self.by_class
        disjoint = WANTED.isdisjoint
        for seq, el in enumerate(root.iter()):
            tag = el.tag
            if tag in _SPECIAL_TAGS:
                order[el] = seq
                if tag == "a":
                    if el.get("rel"):
                        self.links_with_rel.append(el)
                    href = el.get("href")
                    if href and ("comment-page-" in href or "cpage=" in href):
                        self.comment_page_links.append(href)
                elif tag == "time":
                    if el.get("datetime"):
                        self.times.append(el)
                elif tag == "article":
                    self.articles.append(el)
                elif "postpass" in (el.get("action") or ""):
                    self.password_forms.append(el)
            cls = el.get("class")
            if cls is not None:
                tokens = cls.split()
                if not disjoint(tokens):
                    for token in WANTED.intersection(tokens):
                        if token in by_class:
                            by_class[token].append(el)
                        else:
                            by_class[token] = [el]
                    order[el] = seq

    def tagged(self, *tokens: str) -> list[etree._Element]:
        """Return elements carrying any of ``tokens``, in document order, once each."""
        if len(tokens) == 1:
            return list(self.by_class.get(tokens[0], ()))
        found: dict[etree._Element, None] = {}
        for token in tokens:
            for el in self.by_class.get(token, ()):
                found[el] = None
        return self.sort(found)

    def tagged_all(self, *tokens: str) -> list[etree._Element]:
        """Return elements carrying every one of ``tokens``, in document order."""
        first, *rest = tokens
        wanted = set(rest)
        return [
            el
            for el in self.by_class.get(first, ())
            if wanted <= set((el.get("class") or "").split())
        ]

    def sort(self, elements: Iterable[etree._Element]) -> list[etree._Element]:
        """Sort indexed elements into document order."""
        order = self.order
        return sorted(elements, key=lambda el: order.get(el, 0))
