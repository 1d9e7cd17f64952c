"""The main-content finder's measuring shortcuts give what the plain computation gives."""

from __future__ import annotations

import pytest

from scraper.extract import maincontent as mc


def _whole_string_flags(words: str) -> tuple[bool, bool, bool, bool]:
    """The class/id name flags matched on the whole string at once."""
    found = [m for m in mc._NEGATIVE.finditer(words) if not mc._is_modifier(words, m)]
    negative = bool(found)
    weak = negative and all(m.group(0).strip("-_ ").lower() in mc._WEAK_NEGATIVE for m in found)
    return negative, bool(mc._POSITIVE.search(words)), bool(mc._EMBED.search(words)), weak


@pytest.mark.parametrize(
    "words",
    [
        "entry-content post-body",
        "site-header widget",
        "header widget",
        "header nav-x",
        "sidebar  widget-area",
        "article-meta\n    theme",
        "a\nnav content",
        "a\tnav",
        "-nav",
        "x embed",
        "embed-x sharing",
        "twitter-tweet social",
        "ad2 promo",
        "commentlist",
        "post hidden",
        "x\u00a0nav",
        "print teaser",
        "printer teaser-box",
        "story-body related-links",
        "main\n",
        "Section--ads sidebar",
        "Section--ads header",
        "x--ad",
        "promo--ads\n  ads",
    ],
)
def test_class_names_are_flagged_as_the_whole_string_would_be(words: str) -> None:
    words = words.strip()
    assert mc._name_flags(words) == _whole_string_flags(words)
