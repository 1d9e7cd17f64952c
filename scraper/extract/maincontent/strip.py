"""Step 1, strip: remove the parts of a page that never hold article text.

Chrome landmarks, furniture-named blocks, teaser lists, sections a heading
names as comments, hidden panels; a ``<noscript>`` body is read when the page
is drawn by script. Returns the text measures of what is left.
"""

from __future__ import annotations

import re

from lxml import etree

from .._html import squash
from .measure import (
    Stats,
    _measure,
    _prose,
    _remove,
    length,
    measure_after_removal,
    reads_as_prose,
)
from .names import (
    CHROME_ROLES,
    CHROME_TAGS,
    DROP_TAGS,
    PROSE_LANDMARKS,
    USER_WORDS,
    attr_words,
    is_marked_body,
    name_flags,
)


def _hidden(el: etree._Element) -> bool:
    for attr, value in el.items():
        if attr == "hidden" or (attr == "aria-hidden" and value.lower() == "true"):
            return True
        if attr == "style" and value:
            compact = value.replace(" ", "").lower()
            if "display:none" in compact or "visibility:hidden" in compact:
                return True
    return False


def _card_like(el: etree._Element, s: Stats | None = None) -> bool:
    """True for a teaser card: a linked heading, or an <article> with a link.

    ``s``, the element's measures when known, spares the search for headings
    in an element that holds none.
    """
    if not isinstance(el.tag, str):
        return False
    for heading in el.iter("h2", "h3", "h4", "h5", "h6") if s is None or s.headings else ():
        if heading.find(".//a[@href]") is not None or (
            heading.getparent() is not None and heading.getparent().tag == "a"
        ):
            return True
    if el.tag == "article" or (len(el) == 1 and el[0].tag == "article"):
        return el.find(".//a[@href]") is not None
    return False


def _teaser_lists(body: etree._Element, stats: dict[etree._Element, Stats]) -> list[etree._Element]:
    """Return lists of teaser cards (related, more-in, popular stories)."""
    found: list[etree._Element] = []
    for el, s in stats.items():
        if len(el) < 3 or s.text == 0:
            continue
        children = [c for c in el if c in stats and stats[c].text]
        if len(children) < 3:
            continue
        cards = [c for c in children if stats[c].text < 700 and _card_like(c, stats[c])]
        if (
            len(cards) >= 3
            and len(cards) >= 0.6 * len(children)
            and not _holds_thread(el, cards, stats)
        ):
            found.append(el)
    return found


def _holds_thread(
    el: etree._Element, cards: list[etree._Element], stats: dict[etree._Element, Stats]
) -> bool:
    """The cards are the posts of a thread (a forum page): most read as posts, no article beside.

    Reader comments under an article look the same; the article beside them
    (a block outside the list with more prose than any post) tells them apart.
    """
    posts = [c for c in cards if _post_like(c, stats[c])]
    if len(posts) < 0.5 * len(cards):
        return False
    bar = max(600, 1.5 * max(_prose(stats, c) for c in posts))
    inside = set(el.iterancestors())
    for other, s in stats.items():
        if s.paragraphs and s.text - s.links > bar and other not in inside:
            if other is el or any(a is el for a in other.iterancestors()):
                continue
            return False
    return True


def _post_like(el: etree._Element, s: Stats) -> bool:
    """A post in a thread, not a teaser: its writer's card beside prose, a linked heading a name.

    The writer's card is an element whose class or ``itemprop`` names a user,
    member, poster, author or avatar.
    """
    if s.text - s.links < 150 or s.links > 0.15 * s.text or has_headline_link(el):
        return False
    return any(
        USER_WORDS.search(f"{node.get('class') or ''} {node.get('itemprop') or ''}")
        for node in el.iter()
        if isinstance(node.tag, str) and len(node.attrib)
    )


def has_headline_link(el: etree._Element) -> bool:
    """A heading inside ``el`` links a headline (30 characters or more) to another page."""
    return any(
        length("".join(a.itertext())) >= 30
        for heading in el.iter("h2", "h3", "h4", "h5", "h6")
        for a in heading.iter("a")
    )


def _strip(body: etree._Element) -> dict[etree._Element, Stats]:
    """Remove elements that never hold article text; keep prose-heavy chrome.

    Returns the text measures of what is left.
    """
    doomed: list[etree._Element] = []
    fallbacks: list[etree._Element] = []
    shown: dict[etree._Element, set[tuple[str, str]]] = {}
    for el in body.iter():
        tag = el.tag
        if not isinstance(tag, str):
            doomed.append(el)
            continue
        if tag == "noscript" and not _hidden(el):
            fallbacks.append(el)
        elif tag in DROP_TAGS or (_hidden(el) and not _hidden_panel(el, shown)):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            _remove(el)
    _keep_noscript_body(body, fallbacks)
    stats = _measure(body)
    total = max(1, _prose(stats, body))
    teasers = _teaser_lists(body, stats)
    protected: set[etree._Element] = set()
    for el in stats:
        if is_marked_body(el):
            protected.add(el)
            protected.update(el.iterancestors())
    chrome: list[etree._Element] = teasers + _labelled_furniture(body, stats)
    teaser_set = set(chrome)
    for el in stats:
        if el is body:
            continue
        tag = el.tag
        role = el.get("role")
        if tag in CHROME_TAGS or (role and role.lower() in CHROME_ROLES):
            if tag in PROSE_LANDMARKS and _holds_prose_run(stats[el]):
                continue
            if not _form_in_body(el, stats[el]):
                chrome.append(el)
        elif words := attr_words(el):
            negative, positive, embed, weak = name_flags(words)
            if negative and not positive and not embed and not (weak and reads_as_prose(stats[el])):
                chrome.append(el)
    gone: set[etree._Element] = set()  # the removed elements and all below them
    parents: list[etree._Element | None] = []
    for el in chrome:
        if el in protected or el in gone:
            continue
        # Never strip what holds a large part of the prose (the page's <form>
        # wrapper, a theme that calls the article "post-meta").
        prose = _prose(stats, el)
        if el in teaser_set:
            keep = _is_the_page(stats[el], prose, total)
        else:
            keep = prose > 0.4 * total
        if keep:
            continue
        gone.update(el.iter())
        parents.append(el.getparent())
        _remove(el)
    return measure_after_removal(body, stats, gone, parents)


def _holds_prose_run(s: Stats) -> bool:
    """More than a lead: two or more paragraphs, 400 characters or more, of running text."""
    return reads_as_prose(s) and s.paragraphs >= 2 and s.text - s.links >= 400


def _is_the_page(s: Stats, prose: int, total: int) -> bool:
    """A list of cards that is the page itself: nearly all its prose, little of it link text.

    A forum thread or a listicle whose posts carry linked headings reads as
    a teaser list; related-story lists are mostly links and hold a small
    part of the page's prose.
    """
    return total - prose < 300 or (prose > 0.9 * total and s.links <= 0.15 * s.text)


# The heading of a comment section: "Comments", "27 commentaires", "Comments (4)", and,
# counted, on the post's title: "3 Responses to <title>", "2 thoughts on <title>".
_COMMENT_WORDS = (
    r"comments?|responses?|replies|reader comments|kommentare?|leserkommentare|commentaires?|"
    r"comentarios?|comentários?|commenti|reacties|komentarze?|комментари[ийя]|"
    r"(?:customer |product )?reviews|customer review|kundenbewertungen|bewertungen|"
    r"rezensionen|avis clients|opiniones de clientes|recensioni"
)

_SECTION_LABEL = re.compile(
    r"^(?:(?:\d+|one|no)\s+)?(?:" + _COMMENT_WORDS + r")(?:\s*\(\d+\))?[\s:.]*$|"
    r"^(?:\d+|one)\s+(?:" + _COMMENT_WORDS + r"|thoughts?|gedanken|réflexions?|pensamientos?)"
    r"\s+(?:to|on|zu|sur|a|para|su|op|do|en|em|in|sobre)\s.{1,100}$|"
    # and of an author's bio: "About the author", "Autor:innen", "À propos de l'auteur".
    r"^(?:about the authors?|the authors?|authors?|autor(?:in|en|innen|:innen|\*innen)?|"
    r"über (?:den|die) autor(?:in|en|innen)?|zum autor|zur autorin|à propos de l'auteur|"
    r"l'auteur|sobre el autor|sobre (?:o|a) autora?|l'autore|over de auteur|o autorze)[\s:.]*$",
    re.IGNORECASE,
)


def _labelled_furniture(
    body: etree._Element, stats: dict[etree._Element, Stats]
) -> list[etree._Element]:
    """The sections a heading names as furniture, whatever their class names.

    Comment threads ("27 comments"), customer reviews and the author's bio
    ("About the author").

    The section is the block the heading (or the short header around it) opens,
    the short block around it, or else the block right after it.
    """
    found: list[etree._Element] = []
    for heading in body.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        s = stats.get(heading)
        if s is None or s.text > 120:
            continue
        if not _SECTION_LABEL.match(squash("".join(heading.itertext()))):
            continue
        node = heading
        parent = node.getparent()
        while parent is not None and parent.tag not in ("body", "html") and _opens(node, stats):
            if stats[parent].text > s.text + 150:
                found.append(parent)
                break
            node, parent = parent, parent.getparent()
        else:
            # A wrapper holding more than the heading is the (short) section itself.
            after = node.getnext() if stats[node].text <= s.text else node
            if after is not None:
                found.append(after)
    return found


def _opens(el: etree._Element, stats: dict[etree._Element, Stats]) -> bool:
    """True when no text comes before ``el`` in its parent."""
    parent = el.getparent()
    if parent is None or (parent.text and parent.text.strip()):
        return False
    for sib in el.itersiblings(preceding=True):
        if isinstance(sib.tag, str) and (stats.get(sib, Stats()).text or (sib.tail or "").strip()):
            return False
    return True


def _form_in_body(el: etree._Element, s: Stats) -> bool:
    """A ``<form>`` of prose inside the block named as the article body (a shop's product form)."""
    return (
        el.tag == "form"
        and reads_as_prose(s)
        and any(is_marked_body(a) for a in el.iterancestors())
    )


def _panel_kind(el: etree._Element) -> tuple[str, str]:
    """Tag and first class word of ``el`` (tabs and pages of one list share them)."""
    cls = el.get("class")
    return (el.tag, cls.split()[0] if cls and cls.strip() else "")


def _hidden_panel(el: etree._Element, shown: dict[etree._Element, set[tuple[str, str]]]) -> bool:
    """A hidden panel of text beside a shown one of its kind (other tabs, a list's next pages).

    A hidden price or label variant, shorter than a sentence, stays out.
    ``shown`` caches, per parent, the kinds of its children that are not hidden.
    """
    parent = el.getparent()
    kind = _panel_kind(el)
    if parent is None or not kind[1]:
        return False
    kinds = shown.get(parent)
    if kinds is None:
        kinds = shown[parent] = {
            _panel_kind(child)
            for child in parent
            if isinstance(child.tag, str) and not _hidden(child)
        }
    return kind in kinds and length(" ".join(el.itertext())) >= _PANEL_MIN


_PANEL_MIN = 80  # characters: a sentence or more


def _keep_noscript_body(body: etree._Element, fallbacks: list[etree._Element]) -> None:
    """Keep the ``<noscript>`` that holds the page's text (a script renders it), drop the rest.

    A page that draws its article with a script often puts the article in a
    ``<noscript>`` for readers without one; it is kept when it holds more
    text than the whole page around it.
    """
    fallbacks = [el for el in fallbacks if el.getparent() is not None]
    if not fallbacks:
        return
    sizes = [length(" ".join(el.itertext())) for el in fallbacks]
    rest = 0  # the page's text outside them, needed only beside a long one
    if max(sizes) >= 500:
        rest = length(" ".join(body.itertext())) - sum(sizes)
    for el, size in zip(fallbacks, sizes, strict=True):
        if size >= 500 and size > rest:
            el.tag = "div"
        else:
            _remove(el)
