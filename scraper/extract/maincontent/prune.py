"""Step 3, prune: drop furniture inside the chosen container (link lists, promos,
orphan headings, bylines) and the headline; ``page_titles`` reads the page's titles.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .._html import squash, within
from .measure import Stats, _measure, _prose, _remove, describe, reads_as_prose
from .names import (
    BLOCK_TAGS,
    BYLINE,
    FURNITURE_TEXT,
    HEADINGS,
    LAYOUT_WORDS,
    NEGATIVE,
    PROMO_TEXT,
    SENTENCE_END,
    attr_words,
    class_weight,
    is_date_line,
    is_marked_body,
)


def _is_furniture_block(el: etree._Element, s: Stats, title: str | None) -> bool:
    text = squash("".join(el.itertext()))
    if not text:
        return el.tag not in ("img", "figure", "picture", "br", "hr", "video", "audio") and (
            s.images == 0
        )
    if title and el.tag in HEADINGS and text.lower() == title.lower():
        return True
    if FURNITURE_TEXT.match(text):
        return True
    byline = BYLINE.match(text) and not (text.endswith(".") and len(text.split()) >= 10)
    return len(text) < 120 and bool(byline or is_date_line(text))


_SHORT_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "span", "a",
     "strong", "em", "b", "time", "div", "section"}
)  # fmt: skip

_CLEANED_CONTAINERS = frozenset({"ul", "ol", "div", "section", "table", "dl", "aside", "figure"})

# A paragraph showing a web or mail address (the article cites it).
_ADDRESS = re.compile(r"^(?:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+)$")


def _link_paragraph(el: etree._Element, s: Stats) -> bool:
    """A paragraph that is only a link ("READ MORE: ...") or a row of links."""
    if not s.text:
        return False
    if _ADDRESS.match(squash("".join(el.itertext()))):
        return False
    if s.links > 0.8 * s.text and s.text < 200 and s.commas < 2:
        return True
    return s.links > 0.65 * s.text and len(el.findall(".//a")) >= 2


def _prune(container: etree._Element, title: str | None, removed: list[str]) -> None:
    """Drop furniture inside the chosen container (Readability's conditional cleaning)."""
    stats = _measure(container)
    total = max(1, _prose(stats, container))
    doomed: list[etree._Element] = []
    for el in container.iter():
        if el is container or not isinstance(el.tag, str):
            continue
        s = stats.get(el)
        if s is None:
            continue
        tag = el.tag
        if (
            tag in _SHORT_BLOCKS
            and s.paragraphs <= 1
            and s.headings <= 1
            and not _inline_in_text(el)
            and _is_furniture_block(el, s, title)
        ):
            doomed.append(el)
            continue
        if tag == "p":
            if _link_paragraph(el, s):
                doomed.append(el)
        elif (
            tag in _CLEANED_CONTAINERS
            and _prose(stats, el) < 0.3 * total
            and _conditionally_furniture(el, s)
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None and within(el, container):
            removed.append(describe(el))
            _remove(el)
    _drop_closing_link_list(container, removed)
    _drop_orphan_headings(container, removed)
    _drop_closing_promos(container, removed)


_INLINE = frozenset({"a", "span", "strong", "em", "b", "time"})


def _inline_in_text(el: etree._Element) -> bool:
    """An inline element inside a line of text (the date that ends an embedded post's line)."""
    if el.tag not in _INLINE:
        return False
    if el.tail and el.tail.strip():
        return True
    previous, parent = el.getprevious(), el.getparent()
    before = previous.tail if previous is not None else parent.text if parent is not None else ""
    return bool(before and before.strip())


def _drop_closing_link_list(container: etree._Element, removed: list[str]) -> None:
    """Drop a list of links that ends the content ("More stories"), and its label.

    Every item of the list (three or more) holds a link and links are much
    of its text; nothing but the list follows it.
    """
    leaves = [el for el in container.iter() if isinstance(el.tag, str)
              and ((el.text and not el.text.isspace()) or (el.tail and not el.tail.isspace()))]  # fmt: skip
    if not leaves:
        return
    last = leaves[-1]
    if last.tail and not last.tail.isspace():
        return
    lists = [a for a in last.iterancestors() if a.tag in ("ul", "ol") and within(a, container)]
    if not lists or lists[-1] is container:
        return
    found = lists[-1]
    items = [li for li in found if li.tag == "li"]
    if len(items) < 3 or any(li.find(".//a") is None for li in items):
        return
    text = len(squash("".join(found.itertext())))
    links = sum(len(squash("".join(a.itertext()))) for a in found.iter("a"))
    if not text or links < 0.4 * text or (found.tail and not found.tail.isspace()):
        return
    label = found.getprevious()
    removed.append(describe(found))
    _remove(found)
    if label is not None and isinstance(label.tag, str):
        words = squash("".join(label.itertext()))
        if words and len(words) < 60 and not SENTENCE_END.search(words):
            removed.append(describe(label))
            _remove(label)


def _drop_closing_promos(container: etree._Element, removed: list[str]) -> None:
    """Drop the short lines that end the content by sending the reader elsewhere.

    "Follow us on Twitter", "Write to the author at name@example.com",
    "Subscribe to our newsletter": only a trailing run of paragraphs under
    250 characters is looked at; the first line of article prose ends it.
    """
    blocks = [el for el in container.iter("p", "div", "li", "h2", "h3", "h4", "h5", "h6")
              if not any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in el)]  # fmt: skip
    for el in reversed(blocks):
        text = squash("".join(el.itertext()))
        if not text:
            continue
        if len(text) >= 250 or not PROMO_TEXT.search(text):
            break
        removed.append(describe(el))
        _remove(el)


def _drop_orphan_headings(container: etree._Element, removed: list[str]) -> None:
    """Drop the headings that end the content: they introduce nothing.

    Text anywhere counts as content (a paragraph whose words sit in a
    ``<span>``, a tail after an inline element); a "heading" that is a
    sentence or two of prose stays.
    """
    blocks = [
        el
        for el in container.iter()
        if isinstance(el.tag, str)
        and (
            el.tag in HEADINGS
            or el.tag in ("img", "li", "table")
            or (el.text and not el.text.isspace())
            or (el.tail and not el.tail.isspace() and el is not container)
        )
    ]
    for el in reversed(blocks):
        if el.tag not in HEADINGS:
            if any(a.tag in HEADINGS for a in el.iterancestors()):
                continue
            break
        text = squash("".join(el.itertext()))
        if len(text) >= 80 and SENTENCE_END.search(text):
            break
        removed.append(describe(el))
        _remove(el)


@lru_cache(maxsize=4096)
def _layout_named(words: str) -> bool:
    """True when every furniture word among the class/id ``words`` names a part of the layout."""
    return all(
        match.group(0).strip("-_ ").lower() in LAYOUT_WORDS for match in NEGATIVE.finditer(words)
    )


def _layout_prose(el: etree._Element, s: Stats) -> bool:
    """Prose in a block whose furniture-sounding name only names its place in the layout."""
    return reads_as_prose(s) and _layout_named(attr_words(el))


def _conditionally_furniture(el: etree._Element, s: Stats) -> bool:
    weight = class_weight(el)
    if weight < 0 and not is_marked_body(el) and not _layout_prose(el, s):
        return True
    if s.text == 0:
        return s.images == 0 and el.tag not in ("figure", "p")
    link_share = s.links / s.text
    if s.commas >= 10:
        return False
    prose = s.text - s.links
    if el.tag in ("ul", "ol"):
        # A list of links (related stories, tag clouds) versus a list of points.
        return link_share > 0.8 or (link_share > 0.6 and s.lists >= 2)
    if el.tag == "figure":
        return False
    if link_share > 0.5 and s.text < 600:
        return True
    return weight < 25 and link_share > 0.33 and s.paragraphs < 2 and prose < 200


_TITLE_SPLIT = re.compile(r"\s+[|\u2013\u2014\u00b7\u2022:-]+\s+|\s+::\s+")

_LETTERS = re.compile(r"\w+")


def _title_key(text: str) -> str:
    return " ".join(_LETTERS.findall(text.lower()))


def page_titles(root: etree._Element) -> list[str]:
    """Return what the page says its title is: og:title, twitter:title, <title> parts."""
    found: list[str] = []
    head = root.find("head")
    if head is not None:
        for meta in head.iter("meta"):
            key = (meta.get("property") or meta.get("name") or "").lower()
            if key in ("og:title", "twitter:title", "title", "headline", "sailthru.title"):
                value = squash(meta.get("content"))
                if value:
                    found.append(value)
        title = head.find("title")
        if title is not None:
            text = squash("".join(title.itertext()))
            if text:
                found.append(text)
                found.extend(part for part in _TITLE_SPLIT.split(text) if len(part) > 5)
    return found


def title_heading(container: etree._Element, titles: list[str]) -> etree._Element | None:
    """Return the heading in ``container`` that repeats the page title, if any."""
    keys = {_title_key(t) for t in titles if t}
    keys.discard("")
    if not keys:
        return None
    for el in container.iter("h1", "h2", "h3"):
        key = _title_key("".join(el.itertext()))
        if len(key) < 8:
            continue
        for wanted in keys:
            if (
                key == wanted
                or wanted.startswith(key + " ")
                or (len(key) > 20 and (key in wanted or wanted in key))
            ):
                return el
    return None


def leading_h1(container: etree._Element) -> etree._Element | None:
    """The page's only ``h1`` when it opens the content: the headline, worded apart from <title>."""
    headings = list(container.iter("h1"))
    if len(headings) != 1:
        return None
    for el in container.iter():
        if el is headings[0]:
            return el
        if el is not container and el.text and el.text.strip():
            return None
    return None


def _is_paragraph(el: etree._Element) -> bool:
    if el.tag != "p":
        return False
    text = squash("".join(el.itertext()))
    return len(text) >= 100 and bool(SENTENCE_END.search(text))


def trim_header(container: etree._Element, heading: etree._Element, removed: list[str]) -> None:
    """Drop the title heading and the short header blocks before it (kicker, date).

    A heading that follows a paragraph of prose opens a section: it stays.
    """
    before: list[etree._Element] = []
    prose = 0
    for el in container.iter():
        if el is heading:
            break
        if not isinstance(el.tag, str) or el is container:
            continue
        if any(a is heading for a in el.iterdescendants()):
            continue
        before.append(el)
    top = [
        el
        for el in before
        if el.getparent() is not None and not any(a in before for a in el.iterancestors())
    ]
    for el in top:
        prose += len(squash("".join(el.itertext())))
    if any(_is_paragraph(el) for el in before):
        return  # prose comes first: the heading is a section of the article, not its headline
    if prose < 400:
        for el in top:
            if el.getparent() is not None and el.tag not in ("figure", "img", "picture"):
                removed.append(describe(el))
                _remove(el)
    removed.append(describe(heading))
    _remove(heading)
