"""Text measures of a subtree (``Stats``), the walk that fills them, and small tree helpers.

Imports the name lexicon only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from .._html import drop
from .names import BLOCK_TAGS, COMMA, HEADINGS


@dataclass(slots=True)
class Stats:
    """Text measures of one element's subtree (lengths in characters)."""

    text: int = 0  # all text
    links: int = 0  # text inside <a>
    own: int = 0  # text directly in the element or its inline children
    commas: int = 0
    paragraphs: int = 0  # text blocks of 25+ characters below
    images: int = 0
    lists: int = 0  # li below
    headings: int = 0
    score: float = 0.0  # content score received from text blocks below


def _remove(el: etree._Element) -> None:
    """Remove ``el`` but keep its tail text in place (a blank tail goes with it)."""
    drop(el, blank_tail=False)


def length(text: str | None) -> int:
    """Length of ``text`` with whitespace runs counted as one space, ends stripped."""
    if not text:
        return 0
    words = text.split()
    return sum(map(len, words)) + len(words) - 1 if words else 0


def _measure(
    root: etree._Element,
    stats: dict[etree._Element, Stats] | None = None,
    changed: set[etree._Element] | None = None,
) -> dict[etree._Element, Stats]:
    """Compute text measures for every element, bottom-up, in one walk.

    Given the ``stats`` of an earlier walk and the elements whose subtrees
    changed since (``changed``: elements removed below them), only those are
    measured again, in place; the entries of removed elements must be gone.
    """
    if stats is None or changed is None:
        stats, elements = {}, _postorder(root)
    else:
        elements = [el for el in stats if el in changed]
    block_tags = BLOCK_TAGS
    headings = HEADINGS
    comma = COMMA.findall
    get = stats.get
    for el in elements:
        raw = el.text
        words = raw.split() if raw else None
        if words:
            own = text = len(" ".join(words))
            commas = len(comma(raw))
        else:
            own = text = commas = 0
        links = paragraphs = images = lists = heads = 0
        for child in el:
            cs = get(child)
            if cs is not None:
                text += cs.text
                links += cs.links
                commas += cs.commas
                paragraphs += cs.paragraphs
                images += cs.images
                lists += cs.lists
                heads += cs.headings
                if child.tag not in block_tags:
                    own += cs.text
            tail_raw = child.tail
            if tail_raw:
                words = tail_raw.split()
                if words:
                    tail = len(" ".join(words))
                    commas += len(comma(tail_raw))
                    text += tail
                    own += tail
        tag = el.tag
        if tag == "a":
            links = text
        elif tag == "img":
            images += 1
        elif tag == "li":
            lists += 1
        elif tag in headings:
            heads += 1
        if own >= 25 and tag in block_tags and tag not in headings:
            paragraphs += 1
        # Positional, in the order of Stats's fields (keywords cost a tenth of the walk).
        stats[el] = Stats(text, links, own, commas, paragraphs, images, lists, heads)
    return stats


def _postorder(root: etree._Element) -> Iterable[etree._Element]:
    """The elements under ``root`` (itself included), every child before its parent."""
    return reversed(list(root.iter(etree.Element)))


def measure_after_removal(
    body: etree._Element,
    stats: dict[etree._Element, Stats],
    gone: Iterable[etree._Element],
    parents: Iterable[etree._Element | None],
) -> dict[etree._Element, Stats]:
    """The measures of ``body`` after subtrees (all their elements: ``gone``) left ``parents``.

    Only the parents still in the tree and their ancestors are measured again.
    """
    for el in gone:
        stats.pop(el, None)
    changed: set[etree._Element] = set()
    for parent in parents:
        node = parent
        while node is not None and node in stats and node not in changed:
            changed.add(node)
            node = node.getparent()
    return _measure(body, stats, changed) if changed else stats


def reads_as_prose(s: Stats) -> bool:
    """Running text: a paragraph or more of sentences, little of it link text."""
    prose = s.text - s.links
    return s.paragraphs >= 1 and prose >= 100 and s.links <= 0.3 * s.text and s.commas >= 1


def _prose(stats: dict[etree._Element, Stats], el: etree._Element) -> int:
    s = stats.get(el)
    return max(0, s.text - s.links) if s else 0


def describe(el: etree._Element) -> str:
    cls = (el.get("class") or "").split()
    ident = el.get("id")
    return str(el.tag) + (f"#{ident}" if ident else "") + (f".{cls[0]}" if cls else "")
