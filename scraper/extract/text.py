"""Render HTML as readable plain text: one blank line between blocks.

List items and table rows go on their own lines (table cells joined by
" | "), ``<br>`` is a line break, whitespace is collapsed except in ``<pre>``.
The work is done by libxml2's text serialiser after break markers are put
into the tree, so it stays fast on long comment threads. Imports lxml only.
"""

from __future__ import annotations

import re

from lxml import etree

from ._html import drop, parse_fragment
from .sanitize import DROPPED_WITH_CONTENT

__all__ = ["element_text", "html_to_text"]

_BLOCKS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure",
    "figcaption", "ul", "ol", "dl", "table", "section", "article", "header", "footer",
    "hr", "details", "summary", "address", "main", "aside", "nav", "video", "audio",
    "picture",
)  # fmt: skip
_LINES = ("li", "tr", "dt", "dd", "caption")
_CELLS = ("td", "th")
# Markers from the Unicode private use area (lxml refuses control characters).
_PARA, _LINE, _CELL = "\ue000", "\ue001", "\ue002"
_PRE_NEWLINE, _PRE_SPACE = "\ue003", "\ue004"
_SPACES = re.compile(r"\s+")
_BREAKS = re.compile("[ \ue000\ue001]*[\ue000\ue001][ \ue000\ue001]*")
_CELL_RUN = re.compile(" ?\ue002 ?")


_KIND: dict[object, str] = {
    **{tag: _PARA for tag in _BLOCKS},
    **{tag: _LINE for tag in _LINES},
    **{tag: "cell" for tag in _CELLS},
    **{tag: "drop" for tag in DROPPED_WITH_CONTENT},
    "pre": "pre",
    "br": "br",
}


def _protect_pre(pre: etree._Element) -> None:
    """Encode whitespace inside ``<pre>`` so the collapsing step leaves it alone."""

    def encode(value: str | None) -> str | None:
        return value.replace("\n", _PRE_NEWLINE).replace(" ", _PRE_SPACE) if value else value

    pre.text = encode(pre.text)
    for child in pre.iterdescendants():
        child.text = encode(child.text)
        child.tail = encode(child.tail)


def _break(match: re.Match[str]) -> str:
    return "\n\n" if _PARA in match.group(0) else "\n"


def element_text(el: etree._Element) -> str:
    """Return the plain text of an lxml element (scripts, styles, forms skipped).

    Consumes ``el``: break markers are written into it, so serialise it first.
    """
    doomed = []
    for node in el.iter():
        kind = _KIND.get(node.tag)  # type: ignore[call-overload]
        if kind is None:
            continue
        if kind == "drop":
            doomed.append(node)
        elif kind == "pre":
            _protect_pre(node)
            node.text, node.tail = f"{_PARA}{node.text or ''}", f"{_PARA}{node.tail or ''}"
        elif kind == "br":
            node.tail = f"{_LINE}{node.tail or ''}"
        elif kind == "cell":
            node.tail = f"{_CELL}{node.tail or ''}"
        else:
            node.text, node.tail = f"{kind}{node.text or ''}", f"{kind}{node.tail or ''}"
    for node in doomed:
        if node is not el:
            drop(node)
    raw = etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    text = _SPACES.sub(" ", raw)
    text = _BREAKS.sub(_break, text)
    lines = []
    for line in text.split("\n"):
        line = _CELL_RUN.sub(" | ", line).strip(" |") if _CELL in line else line.strip()
        lines.append(line)
    text = "\n".join(lines)
    return text.replace(_PRE_NEWLINE, "\n").replace(_PRE_SPACE, " ").strip()


def html_to_text(html: str) -> str:
    """Return the plain text of an HTML fragment, with blank lines between blocks."""
    if not html or not html.strip():
        return ""
    return element_text(parse_fragment(html))
