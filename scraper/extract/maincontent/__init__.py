"""Find the main content of an arbitrary article page (the post body, nothing else).

``find_main_content(root)`` returns a new ``<div>`` holding a pruned copy of
the part of the page that is the article: paragraphs, headings, lists,
tables, quotes and figures, without navigation, share bars, related links,
comment threads, newsletter boxes or the headline itself.

How it decides, in three steps:

1. *Strip*: elements that never hold article text (scripts, forms, hidden
   elements, navigation landmarks, and containers whose class or id names
   them as page furniture) are removed, unless removing one would take most
   of the page's prose with it; a ``<header>`` or ``<form>`` holding a run of
   paragraphs stays, and so does a hidden panel beside a shown one of its kind
   (tabs, the pages of a list). A ``<noscript>`` that holds more text than
   the page around it (a page its script draws) is read instead. Sections
   a heading names as comments, customer reviews or the author's bio go too,
   whatever their class names, unless they are nearly all the page.
   Lists of teaser cards go too, unless the cards are the posts of a thread
   (prose beside the writer's card, no article beside the list).
2. *Choose a container*: every text block (an element holding running text)
   scores by its length, its commas and how little of it is link text; the
   score flows up to its ancestors with a falling share (the Readability
   idea). Containers that the markup names as the article body
   (``itemprop=articleBody``, ``e-content``, ``entry-content`` and the like)
   get a bonus. The best container wins; it climbs to a parent that adds
   prose of the same kind or a short list or table (ingredients beside a
   method), and sibling blocks that carry prose of the same kind join it,
   as do blocks of prose with its tag and class elsewhere in its ``<article>``
   (an article set in rows of a page layout).
   A container that is one post of a thread (forum posts, a question and
   its answers: sibling blocks of one kind, each naming its writer beside
   its words), or the list of them, gives way to the posts' bodies in page
   order, without the writers' cards. When the posts are reader comments
   under an article (the page names them as comments, or an article before
   them has more prose than any of them), the container is chosen again
   without them: the article wins.
3. *Prune*: inside the container, blocks that read as furniture (mostly
   links, a few words with no sentence punctuation among furniture, "share
   this", bylines, the repeated headline) are dropped.

A page whose JSON-LD declares an ``articleBody`` (or a ``HowTo`` or ``Recipe``
with its steps) three times longer than the chosen content (a body drawn by a
script) is read from that text instead.

Pure function over an lxml tree; the tree passed in is modified, so give it a
tree you no longer need. Imports lxml and sibling helpers only.

One module per step, each importing only the ones listed before it:
``names`` (class/id name words and text patterns), ``measure`` (text
measures of a subtree), ``render`` (a block as prose), ``declared`` (the
JSON-LD body), ``strip`` (step 1), ``choose`` (step 2), ``posts`` (thread
pages, comments that won), ``prune`` (step 3, the headline, page titles).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .._html import xml_text
from .choose import other_parts, pick_container, preferred, prose_siblings, score_tree
from .declared import DECLARED_SHARE, _paragraphs, declared_body
from .measure import describe, length
from .posts import pick_without, thread_posts
from .prune import _prune, leading_h1, page_titles, title_heading, trim_header
from .render import render_text
from .strip import _strip

__all__ = [
    "ContentChoice",
    "find_main_content",
    "main_content_text",
    "page_titles",
    "render_text",
]


@dataclass
class ContentChoice:
    """The outcome of ``find_main_content``: the content and how it was chosen."""

    element: etree._Element  # a new <div> holding the content
    container: str  # a short description of the chosen container ("div.entry-content")
    marked: bool = False  # the markup itself named the article body
    removed: list[str] = field(default_factory=list)


def find_main_content(
    root: etree._Element, *, title: str | None = None, prefer: tuple[str, ...] = ()
) -> ContentChoice | None:
    """Return the article content of the page ``root`` as a new ``<div>``, or None.

    ``title`` is the post title when known; a heading repeating it is dropped.
    ``prefer`` lists class tokens of the element the platform is known to put
    the body in (Blogger's ``post-body``); the first such element with text is
    taken as the container instead of the scored choice. None means the page
    has no recognisable block of prose. ``root`` is modified.
    """
    titles = ([title] if title else []) + page_titles(root)
    declared = declared_body(root)
    body = root.find("body")
    if body is None:
        body = root
    stats = _strip(body)
    score_tree(body, stats)
    container, marked = preferred(body, stats, prefer) or pick_container(body, stats)
    if stats[container].text == 0:
        return None
    removed: list[str] = []
    description = describe(container)
    posts, comments = (None, None) if prefer else thread_posts(body, container, stats)
    if comments is not None:
        again = pick_without(body, comments)
        if again is not None:
            container, marked, stats = again
            description = describe(container)
    if posts:
        container, marked = etree.Element("div"), False
        container.extend(posts)
        description = f"{len(posts)} posts of a thread"
    before, after = prose_siblings(container, stats, named_only=marked)
    parts_before, parts_after = other_parts(body, container, stats, before + after)
    before = parts_before + before
    after = after + parts_after
    heading = title_heading(container, titles)
    if heading is None:
        heading = leading_h1(container)
    if heading is not None:
        trim_header(container, heading, removed)
    _prune(container, title, removed)
    holder = etree.Element("div")
    if container.tag in ("body", "html"):
        holder.text = xml_text(container.text)
        for child in list(container):
            holder.append(child)
    else:
        container.tail = None
        holder.append(container)
    for el in before:
        el.tail = None
        holder.insert(holder.index(container), el)
    for el in after:
        el.tail = None
        holder.append(el)
    if declared and len(declared) > DECLARED_SHARE * length(" ".join(holder.itertext())):
        return ContentChoice(
            element=_paragraphs(declared), container="articleBody", marked=True, removed=removed
        )
    return ContentChoice(element=holder, container=description, marked=marked, removed=removed)


def main_content_text(root: etree._Element, *, title: str | None = None) -> str:
    """Return the prose of ``find_main_content``: its text without image captions."""
    choice = find_main_content(root, title=title)
    if choice is None:
        return ""
    return render_text(choice.element, captions=False)
