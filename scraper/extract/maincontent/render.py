"""The text of a chosen block as prose (``render_text``), and the caption and image-block tests."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from .._html import squash
from .names import BLOCK_TAGS, attr_words

_CAPTION_WORDS = re.compile(
    r"(?:^|[-_ ])(?:caption|credit|credits|wp-caption-text)(?=$|[-_ ])", re.IGNORECASE
)


def is_caption(el: etree._Element) -> bool:
    if el.tag == "figcaption":
        return True
    words = attr_words(el)
    return bool(words) and bool(_CAPTION_WORDS.search(words))


def _is_image_block(el: etree._Element) -> bool:
    """A wrapper holding an image and no more than a caption's worth of text."""
    if el.tag not in ("div", "span", "a", "picture", "figure"):
        return False
    if next(el.iter("img"), None) is None:
        return False
    return len(squash("".join(el.itertext()))) < 200 and next(el.iter("p"), None) is None


# Characters that are never drawn: the zero-width space, the word joiner and a stray
# byte-order mark. Soft hyphens and the joiners that shape a script's letters stay.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")

# Ruby annotations (pronunciation over East Asian text) and their fallback brackets.
_RUBY_NOTES = frozenset({"rt", "rp"})


def render_text(el: etree._Element, *, captions: bool = True) -> str:
    """Render an element tree as text, one line per block.

    ``captions`` False leaves out figure captions and photo credits. Ruby
    annotations and zero-width spaces are left out and the text is in Unicode
    composed form (NFC), so it reads and compares as the page shows it.
    """
    parts: list[str] = []
    # Only an element holding an image can be an image block.
    imaged: set[etree._Element] = (
        set() if captions else {a for img in el.iter("img") for a in img.iterancestors()}
    )

    def walk(node: etree._Element) -> None:
        block = node.tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            if (
                isinstance(child.tag, str)
                and child.tag not in _RUBY_NOTES
                and (
                    captions
                    or not (is_caption(child) or (child in imaged and _is_image_block(child)))
                )
            ):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(el)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", "".join(parts)))
    lines = (squash(line) for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    if not text and not captions:
        # Content that is all caption (a video page's text in its caption block) is read.
        return render_text(el, captions=True)
    return text
