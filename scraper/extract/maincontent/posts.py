"""Thread pages: a run of posts (each beside its writer's card) taken in page order,
and reader comments under an article set aside so the article is chosen again.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter

from lxml import etree

from .._html import within
from .choose import pick_container, score_tree
from .measure import Stats, _measure, _prose
from .names import USER_WORDS, attr_words
from .strip import has_headline_link


def _signature(el: etree._Element) -> tuple[str, str]:
    """Tag and first class word: what repeated blocks of one kind share (``li.postbit``)."""
    words = (el.get("class") or "").split()
    return str(el.tag), words[0] if words else ""


def _post_body(item: etree._Element, stats: dict[etree._Element, Stats]) -> etree._Element:
    """The block of a post that holds its words: the deepest one with nearly all its prose.

    A block whose other parts name the writer is passed through to its longest part.
    """
    node = item
    while True:
        total = _prose(stats, node)
        inner = max((c for c in node if c in stats), key=lambda c: _prose(stats, c), default=None)
        if inner is None:
            return node
        share = _prose(stats, inner) / max(1, total)
        if share < 0.5 or (share < 0.85 and not _names_writer_beside(node, inner)):
            return node
        node = inner


def _names_writer_beside(node: etree._Element, inner: etree._Element) -> bool:
    """Some part of ``node`` other than ``inner`` names the writer (a user card)."""
    return any(
        isinstance(el.tag, str) and len(el.attrib) and _names_writer(el)
        for child in node
        if child is not inner
        for el in child.iter()
    )


def _names_writer(node: etree._Element) -> bool:
    return bool(USER_WORDS.search(f"{node.get('class') or ''} {node.get('itemprop') or ''}"))


def _has_writer_card(item: etree._Element, body: etree._Element) -> bool:
    """The post names its writer beside the words: a user, member, author or avatar block."""
    for node in item.iter():
        if node is body:
            continue
        if (
            isinstance(node.tag, str)
            and len(node.attrib)
            and _names_writer(node)
            and not any(a is body for a in node.iterancestors())
        ):
            return True
    return False


def _run_of_posts(
    item: etree._Element, stats: dict[etree._Element, Stats]
) -> tuple[list[etree._Element], bool] | None:
    """The bodies of ``item`` and its siblings of the same kind, and whether they name writers.

    Two or more siblings with the same tag and first class word, each with
    its words in a body block of one kind; the posts of a thread also name
    their writers beside their words (most of them do).
    """
    parent = item.getparent()
    tag, word = _signature(item)
    if parent is None or (not word and tag not in ("article", "li")):
        return None
    items = [c for c in parent if c.tag == tag and _signature(c)[1] == word and _prose(stats, c)]
    if sum(_prose(stats, c) >= 100 for c in items) < 2:
        return None
    if sum(map(has_headline_link, items)) > 0.5 * len(items):
        return None  # teaser cards: each links a headline to another page
    found = [_post_body(c, stats) for c in items]
    kind, count = Counter(_signature(b) for b in found).most_common(1)[0]
    if count < 2 or count < 0.5 * len(items) or kind == (tag, word):
        return None
    # A short post's body may stop above the block of its kind (the writer's
    # card is a large part of it); the block is looked for by its class.
    pairs = [
        (c, b if _signature(b) == kind else _first_of_kind(c, kind) if kind[1] else None)
        for c, b in zip(items, found, strict=True)
    ]
    posts = [(c, b) for c, b in pairs if b is not None]
    if sum(_prose(stats, b) >= 100 for _c, b in posts) < 2:
        return None
    carded = sum(_has_writer_card(c, b) for c, b in posts) >= 0.5 * len(posts)
    return [b for _c, b in posts], carded


def _first_of_kind(item: etree._Element, kind: tuple[str, str]) -> etree._Element | None:
    """The first block inside ``item`` with the tag and first class word ``kind``."""
    for el in item.iter(kind[0]):
        if el is not item and _signature(el) == kind:
            return el
    return None


def thread_posts(
    body: etree._Element, container: etree._Element, stats: dict[etree._Element, Stats]
) -> tuple[list[etree._Element] | None, etree._Element | None]:
    """The post bodies of the thread the chosen container belongs to or holds, in page order.

    The container may be one post's body (the longest answer won), a post, or
    the list of posts (with each writer's card): the run of posts must then be
    most of its prose. Bodies of the same kind just outside the run (the
    question above the answers) join it.

    Returns (bodies, None) for a thread; (None, section) when the container
    is reader comments under an article: the page names the section as
    comments, or an article beside the run has more prose than any post
    (then the posts need not name their writers); (None, None) otherwise.
    """
    found = _run_around(container, body, stats) or _run_inside(container, stats)
    if found and not found[1]:
        # Repeated blocks that name no writer: only reader comments beside an article.
        run = _common_parent(found[0])
        if run is not None and _beside_article(body, run, found[0], stats) is None:
            return None, run
        return None, None
    holds_container = bool(found)
    bodies = found[0] if found else _run_beside(container, body, stats)
    if not bodies:
        return None, None
    run = _common_parent(bodies)
    if run is None:
        return None, None
    section = _comment_section(run, body)
    if section is not None:
        return None, section if holds_container else None
    extra = _beside_article(body, run, bodies, stats)
    if extra is None:
        return None, run if holds_container else None
    if not extra:
        return bodies, None
    order = {el: i for i, el in enumerate(stats)}
    return sorted([*bodies, *extra], key=lambda el: -order[el]), None


def _common_parent(bodies: list[etree._Element]) -> etree._Element | None:
    """The lowest element holding all of ``bodies``."""
    run = bodies[0].getparent()
    while run is not None and not all(within(b, run) for b in bodies):
        run = run.getparent()
    return run


def _beside_article(
    body: etree._Element,
    run: etree._Element,
    bodies: list[etree._Element],
    stats: dict[etree._Element, Stats],
) -> list[etree._Element] | None:
    """Post bodies of the same kind just outside the run; None when an article stands before it.

    The article is a block before the run with more prose than 600
    characters and half again the longest post; a block holding more posts
    of the run's kind (the question above the answers) is not one.
    """
    kind = _signature(bodies[0])
    bar = max(600, 1.5 * max(_prose(stats, b) for b in bodies))
    region = run.getparent() if run is not body and run.getparent() is not None else run
    chosen = set(bodies)
    extra: list[etree._Element] = []
    above = set(run.iterancestors())
    # ``stats`` runs backwards through the page, children before their
    # parents: a post's body is met before the blocks around it, and what
    # follows the run is met before the run.
    ahead = False
    for el, s in stats.items():
        if el is run:
            ahead = True
        if el in chosen or el in above or el is run or within(el, run):
            continue
        if _signature(el) == kind and _prose(stats, el) and within(el, region):
            extra = [b for b in extra if not within(b, el)]
            extra.append(el)
        elif (
            ahead
            and s.paragraphs
            and s.text - s.links > bar
            and not any(within(el, b) or within(b, el) for b in extra)
        ):
            return None
    return extra


_COMMENT_NAMES = re.compile(
    r"(?:^|[-_ ])(?:comments?|commentlist|comment-list|disqus|respond|responses)(?=$|[-_ \d])",
    re.IGNORECASE,
)


def _comment_section(run: etree._Element, body: etree._Element) -> etree._Element | None:
    """The outermost of ``run`` and its next three ancestors that the page names as comments."""
    found = None
    node: etree._Element | None = run
    for _level in range(4):
        if node is None or node is body:
            break
        if _COMMENT_NAMES.search(attr_words(node)):
            found = node
        node = node.getparent()
    return found


def pick_without(
    body: etree._Element, section: etree._Element
) -> tuple[etree._Element, bool, dict[etree._Element, Stats]] | None:
    """Choose the container again with ``section`` (reader comments) out of the page.

    None, with the page as it was, when nothing else holds a paragraph of prose.
    """
    parent = section.getparent()
    if parent is None:
        return None
    index = parent.index(section)
    parent.remove(section)
    stats = _measure(body)
    score_tree(body, stats)
    container, marked = pick_container(body, stats)
    if _prose(stats, container) >= 80 and stats[container].paragraphs:
        return container, marked, stats
    parent.insert(index, section)
    return None


def _run_around(
    container: etree._Element, body: etree._Element, stats: dict[etree._Element, Stats]
) -> tuple[list[etree._Element], bool] | None:
    """The thread whose post holds the container (one answer's body won), up to eight levels."""
    node: etree._Element | None = container
    for _level in range(8):
        if node is None or node is body:
            return None
        found = _run_of_posts(node, stats)
        if found:
            # The container's own post must be one of the run's (not a run of
            # related posts beside the article).
            mine = any(
                within(container, b)
                or (within(b, container) and _prose(stats, b) >= 0.6 * _prose(stats, container))
                for b in found[0]
            )
            return found if mine else None
        node = node.getparent()
    return None


def _run_beside(
    container: etree._Element, body: etree._Element, stats: dict[etree._Element, Stats]
) -> list[etree._Element] | None:
    """A thread elsewhere on the page with more prose than a short chosen block (a blurb won).

    Posts deep in their markup pass little of their score up, so a short
    block of page text can outscore the thread; the best-scored blocks
    outside the container are tried as posts.
    """
    prose = _prose(stats, container)
    if prose >= _SHORT_CHOICE:
        return None
    seeds = heapq.nlargest(
        _SEEDS, (el for el, s in stats.items() if s.score > 0), key=lambda el: stats[el].score
    )
    for seed in seeds:
        if within(seed, container) or within(container, seed):
            continue
        found = _run_around(seed, body, stats) or _run_inside(seed, stats)
        if found and found[1] and sum(_prose(stats, b) for b in found[0]) > 1.5 * prose:
            return found[0]
    return None


# A chosen block shorter than this is checked against a thread elsewhere on
# the page, seeded from this many of the best-scored blocks.
_SHORT_CHOICE = 1500

_SEEDS = 5


def _run_inside(
    container: etree._Element, stats: dict[etree._Element, Stats]
) -> tuple[list[etree._Element], bool] | None:
    """The thread the container holds (the list of posts won), when it is most of its prose."""
    node = container
    for _level in range(3):
        children = [c for c in node if c in stats and _prose(stats, c)]
        if not children:
            return None
        longest = max(children, key=lambda c: _prose(stats, c))
        found = _run_of_posts(longest, stats)
        if found:
            share = sum(_prose(stats, b) for b in found[0]) / max(1, _prose(stats, container))
            return found if share >= 0.6 else None
        if _prose(stats, longest) < 0.6 * _prose(stats, node):
            return None
        node = longest
    return None
