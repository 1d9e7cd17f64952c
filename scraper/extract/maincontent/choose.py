"""Step 2, choose a container: score text blocks, pick the best container, climb, and
join the sibling blocks, leads and runs of prose that belong to it.
"""

from __future__ import annotations

import re

from lxml import etree

from .._html import squash
from .measure import Stats, _prose, reads_as_prose
from .names import (
    BLOCK_TAGS,
    BYLINE,
    FURNITURE_TEXT,
    HEADINGS,
    LEAD_WORDS,
    MEDIA_WORDS,
    QUOTE_MARKS,
    SENTENCE_END,
    attr_words,
    class_weight,
    is_date_line,
    is_marked_body,
)
from .render import is_caption


def _block_score(s: Stats) -> float:
    """Content score of one text block (Readability's, softened for link text)."""
    if s.own < 25:
        return 0.0
    link_share = min(1.0, s.links / s.text) if s.text else 0.0
    # Prose has a comma every few words; a list of keywords has one every word.
    commas = min(s.commas, s.text / 30.0)
    return (1.0 + commas + min(s.own / 100.0, 3.0)) * (1.0 - link_share)


def score_tree(body: etree._Element, stats: dict[etree._Element, Stats]) -> None:
    """Give every text block's score to its ancestors, with a falling share.

    The share falls only at ancestors that add text of their own: wrappers
    around a single paragraph (``div.card > div.card-content > p``) pass it on
    undiminished. A block with element children and text of its own (text
    split by ``<br>``) keeps the first share itself.
    """
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag not in BLOCK_TAGS or el.tag in HEADINGS:
            continue
        s = stats.get(el)
        if s is None:
            continue
        score = _block_score(s)
        if score <= 0:
            continue
        mixed = s.own < s.text - 10 and any(
            isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in el
        )
        node = el if mixed else el.getparent()
        level = 0
        previous = s.own if mixed else s.text
        while node is not None and level < 6:
            ns = stats.get(node)
            if ns is None:
                break
            if ns.text > previous + 40:
                level += 1 if node is not el else 0
            divider = 1 if level <= 1 else 2 if level == 2 else (level - 1) * 3
            ns.score += score / divider
            previous = ns.text
            if level == 0:
                level = 1
            node = node.getparent()


def _candidate_value(el: etree._Element, s: Stats) -> float:
    link_share = min(1.0, s.links / s.text) if s.text else 1.0
    factor = {"article": 1.15, "main": 1.05, "body": 0.7, "html": 0.5, "ul": 0.8, "ol": 0.8,
              "li": 0.8, "dl": 0.8, "form": 0.9, "footer": 0.5, "aside": 0.5, "nav": 0.5,
              "header": 0.7}.get(el.tag, 1.0)  # fmt: skip
    weight = class_weight(el)
    if weight > 0:
        factor *= 1.25
    elif weight < 0:
        factor *= 0.6
    if is_marked_body(el):
        factor *= 1.5
    return s.score * factor * (1.0 - link_share)


def pick_container(
    body: etree._Element, stats: dict[etree._Element, Stats]
) -> tuple[etree._Element, bool]:
    """Return the element most likely to hold the article, and whether markup named it."""
    best: etree._Element | None = None
    best_value = 0.0
    for el, s in stats.items():
        if s.score <= 0:
            continue
        value = _candidate_value(el, s)
        if best is None or value > best_value:
            best, best_value = el, value
    if best is None:
        return body, False
    # A container named as the article body that holds the winner's prose wins.
    marked = [el for el in best.iterancestors() if is_marked_body(el)]
    if marked:
        outer = marked[-1] if len(marked) == 1 else marked[0]
        if stats[outer].text < 3 * max(1, stats[best].text):
            best = outer
    elif not is_marked_body(best):
        inner = [el for el in best.iter() if el is not best and is_marked_body(el)]
        if inner:
            candidate = max(inner, key=lambda el: _prose(stats, el))
            if _prose(stats, candidate) > 0.6 * _prose(stats, best):
                best = candidate
    # Climb while the parent holds the winner's prose plus comparable prose
    # split into sibling blocks (articles interrupted by ads or figures).
    best = _climb(best, stats)
    return best, is_marked_body(best)


def preferred(
    body: etree._Element, stats: dict[etree._Element, Stats], prefer: tuple[str, ...]
) -> tuple[etree._Element, bool] | None:
    for name in prefer:
        for el, s in stats.items():
            if s.text and name in (el.get("class") or "").split():
                return el, True
    return None


def _climb(best: etree._Element, stats: dict[etree._Element, Stats]) -> etree._Element:
    """Climb to ancestors that add prose of the same article (chunks split by ads).

    An ancestor that adds a short list or table and little else (ingredients
    beside a recipe's method) is climbed too.

    Wrappers that add no text are climbed through for free; at most three
    ancestors that add text are taken.
    """
    chosen = best
    node = best
    steps = 0
    while steps < 3:
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        if _prose(stats, parent) <= _prose(stats, node) + _small_addition(stats[node]):
            node = parent
            continue
        ns = stats[node]
        sibling_prose = 0
        for sib in parent:
            if sib is node or not isinstance(sib.tag, str):
                continue
            ss = stats.get(sib)
            if ss is None or not ss.paragraphs or class_weight(sib) < 0:
                continue
            if ss.text and ss.links / ss.text < 0.25:
                sibling_prose += ss.text - ss.links
        if sibling_prose <= 0.3 * (ns.text - ns.links) and not _adds_list_or_table(
            parent, node, stats
        ):
            break
        node = chosen = parent
        steps += 1
    return chosen


def _small_addition(s: Stats) -> int:
    """Text a wrapper may add and still be climbed through for free (a time or level line)."""
    return max(40, min(80, (s.text - s.links) // 20))


# A parent that adds a list or table to the chosen block: at most this share of
# the block's prose added, and at most this share of the addition link text.
_CLEAN_SHARE = 0.35

_CLEAN_LINKS = 0.1


def _adds_list_or_table(
    parent: etree._Element, node: etree._Element, stats: dict[etree._Element, Stats]
) -> bool:
    """The parent is ``node`` plus a short list or table of its own (a recipe's ingredients).

    What the parent adds is short beside ``node``, holds nearly no links (or
    links inside items that say more, as linked ingredient names) and no block
    named as the article's lead (a standfirst is left where it is).
    """
    ps, ns = stats[parent], stats[node]
    added, added_links = ps.text - ns.text, ps.links - ns.links
    if added > _CLEAN_SHARE * (ns.text - ns.links) or added_links > _LIST_LINKS * added:
        return False
    linked = [sib for sib in parent if sib is not node and sib in stats and stats[sib].links]
    if added_links > _CLEAN_LINKS * added and not all(
        _items_beyond_links(sib, stats) for sib in linked
    ):
        return False
    if ps.lists - ns.lists < 2 and (
        parent.find(".//table") is None or node.find(".//table") is not None
    ):
        return False
    return not any(_is_named_lead(sib) for sib in parent if sib is not node)


def _joins_article(el: etree._Element, stats: dict[etree._Element, Stats]) -> bool:
    """A block beside the article that is more of its prose (a lead, a paragraph split off)."""
    s = stats.get(el)
    if s is not None and el.tag in HEADINGS and el.tag != "h1":
        return _lead_heading(el, s)
    if s is None or el.tag in HEADINGS or not s.text or s.headings or s.lists:
        return False
    if s.images and not _prose_beside_picture(el, s):
        return False
    prose = s.text - s.links
    if prose < 80 or s.links > 0.25 * s.text or class_weight(el) < 0:
        return False
    if MEDIA_WORDS.search(attr_words(el)) or _holds_byline(el):
        return False
    text = squash("".join(el.itertext()))
    sentence = s.commas or SENTENCE_END.search(text) or (prose >= 100 and _is_named_lead(el))
    return bool(sentence) and not FURNITURE_TEXT.match(text)


def _prose_beside_picture(el: etree._Element, s: Stats) -> bool:
    """A block of prose that also holds one picture (a lead set beside its image)."""
    return s.images == 1 and s.text - s.links >= 200 and el.tag != "figure"


def _lead_heading(el: etree._Element, s: Stats) -> bool:
    """A heading of a sentence or two (a standfirst set as a subheading; no section title is
    100 characters long)."""
    if s.links or s.images or not 100 <= s.text <= 400:
        return False
    text = squash("".join(el.itertext()))
    return not FURNITURE_TEXT.match(text)


# A link to an author's page ("/author/jane-doe/").
_AUTHOR_PAGE = re.compile(r"/(?:author|authors)/[^/?#]")


def _holds_byline(el: etree._Element) -> bool:
    """True for a block carrying the post's date stamp or author link (the page header)."""
    for node in el.iter("time", "a", "span", "div"):
        if node.tag == "time" or node.get("rel") == "author" or node.get("itemprop") == "author":
            return True
        if node.tag == "a" and _AUTHOR_PAGE.search(node.get("href") or ""):
            return True
    return False


def _list_joins(el: etree._Element, stats: dict[etree._Element, Stats]) -> bool:
    """A list or table beside the article that is part of it (ingredients, specifications)."""
    s = stats.get(el)
    if s is None or s.text < 40 or s.images or s.links > _LIST_LINKS * s.text:
        return False
    if not (s.lists >= 2 or el.tag == "table" or el.find(".//table") is not None):
        return False
    if s.links > 0.1 * s.text and not _items_beyond_links(el, stats):
        return False
    if class_weight(el) < 0 or el.find(".//h1") is not None:
        return False
    return not MEDIA_WORDS.search(attr_words(el))


# Link text a list beside the body may hold when every item says more than its link
# ("200 g <a>flour</a>"); a list of bare links holds a tenth at most.
_LIST_LINKS = 0.35


def _items_beyond_links(el: etree._Element, stats: dict[etree._Element, Stats]) -> bool:
    """Every item of the list or row of the table holds text outside its links."""
    items = [node for node in el.iter("li", "tr") if node in stats and stats[node].text]
    return bool(items) and all(stats[node].text - stats[node].links >= 3 for node in items)


def _repeats(el: etree._Element, body_text: str) -> bool:
    """True for a pull quote: a sentence already in the article, or a block that is a quotation."""
    if squash("".join(el.itertext()))[:1] in QUOTE_MARKS or el.tag == "blockquote":
        return True
    return any(
        len(piece) >= 40 and piece in body_text
        for piece in (squash(part) for part in el.itertext())
    )


def prose_siblings(
    container: etree._Element, stats: dict[etree._Element, Stats], *, named_only: bool = False
) -> tuple[list[etree._Element], list[etree._Element]]:
    """Prose blocks right before and after the container, up to five wrappers up.

    Only an unbroken run counts: the first block with text that is not
    article prose (a heading, a link list, a comment form) ends it; before the
    container, the prose that closes that block (a lead under its headline)
    still joins, unless a picture lies between and the block names the author
    or the date. A side whose run has ended is not looked at further up; the
    other side climbs on. ``named_only`` (the markup named the container as the
    article body) joins only its own siblings and, further up, blocks named as
    its lead.
    """
    before: list[etree._Element] = []
    after: list[etree._Element] = []
    body_text = squash("".join(container.itertext()))
    node = container
    ended: set[str] = set()  # the sides whose run has ended
    for level in range(5):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        for side, sibs, found in (
            ("before", node.itersiblings(preceding=True), before),
            ("after", node.itersiblings(), after),
        ):
            if side in ended:
                continue
            run: list[etree._Element] = []
            passed = False
            for sib in sibs:
                if not isinstance(sib.tag, str):
                    continue
                if (
                    (
                        (_joins_article(sib, stats) and (found is before or sib.tag == "p"))
                        or _list_joins(sib, stats)
                    )
                    and (not named_only or level == 0 or _is_named_lead(sib))
                    and not _repeats(sib, body_text)
                ):
                    run.append(sib)
                elif found is before and _passed_over(sib, stats):
                    passed = True
                elif stats.get(sib) is not None and stats[sib].text >= 25:
                    if found is before and (not passed or not _holds_byline(sib)):
                        run.extend(_trailing_prose(sib, stats, body_text, named_only))
                    ended.add(side)
                    break
            if found is before:
                before[:0] = list(reversed(run))
            else:
                after.extend(run)
        if len(ended) == 2:
            break
        node = parent
    return before, after


def other_parts(
    body: etree._Element,
    container: etree._Element,
    stats: dict[etree._Element, Stats],
    taken: list[etree._Element],
) -> tuple[list[etree._Element], list[etree._Element]]:
    """The other parts of an article split across the page, before and after the container.

    A part is a block of prose with the container's tag and class in the same
    ``<article>`` (or, without one, anywhere on the page): the article set in
    rows of a page layout, its first paragraphs beside the byline. Lists (key
    points that repeat the article) do not count.
    """
    cls = container.get("class")
    if not cls or container.tag in ("body", "html"):
        return [], []
    before: list[etree._Element] = []
    after: list[etree._Element] = []
    own_article = _article_of(container)
    holders = set(container.iterancestors())  # blocks that hold what is already taken
    for el in taken:
        holders.update(el.iterancestors())
    placed = {container, *taken}
    seen_container = False
    for el in body.iter(container.tag):
        if el is container:
            seen_container = True
            continue
        if el.get("class") != cls or el in holders or _article_of(el) is not own_article:
            continue
        s = stats.get(el)
        if s is None or not reads_as_prose(s) or s.links > 0.25 * s.text or s.lists:
            continue
        if any(a in placed for a in el.iterancestors()):
            continue
        placed.add(el)
        (after if seen_container else before).append(el)
    return before, after


def _article_of(el: etree._Element) -> etree._Element | None:
    """The nearest ``<article>`` holding ``el`` (itself included), if any."""
    if el.tag == "article":
        return el
    return next(el.iterancestors("article"), None)


def _passed_over(el: etree._Element, stats: dict[etree._Element, Stats]) -> bool:
    """A block between an article's lead and its body: a picture and its caption, a date line.

    A block whose class names a picture counts as one when its image is not in the page
    (drawn by a script).
    """
    s = stats.get(el)
    if s is None or s.paragraphs > 1 or s.headings or s.lists:
        return False
    if el.tag in ("figure", "picture", "img") or is_caption(el):
        return True
    if (s.images or MEDIA_WORDS.search(attr_words(el))) and s.text < 300:
        return True
    text = squash("".join(el.itertext()))
    return len(text) < 120 and bool(BYLINE.match(text) or is_date_line(text))


def _is_named_lead(el: etree._Element) -> bool:
    return any(
        LEAD_WORDS.search(attr_words(node)) for node in el.iter() if isinstance(node.tag, str)
    )


def _trailing_prose(
    el: etree._Element,
    stats: dict[etree._Element, Stats],
    body_text: str,
    named_only: bool,
    depth: int = 0,
) -> list[etree._Element]:
    """The prose blocks that end ``el`` (the lead under an article's headline), last first.

    Short lines without a sentence (a date, a byline) are passed over.
    """
    run: list[etree._Element] = []
    for child in reversed(el):
        cs = stats.get(child)
        if cs is None or cs.text == 0:
            continue
        if (
            _joins_article(child, stats)
            and not _repeats(child, body_text)
            and (not named_only or _is_named_lead(child))
        ):
            run.append(child)
            continue
        text = squash("".join(child.itertext()))
        if not run and len(text) < 80 and not SENTENCE_END.search(text) and not cs.headings:
            continue
        if not run and depth < 2 and cs.headings:
            run.extend(_trailing_prose(child, stats, body_text, named_only, depth + 1))
        break
    return run
