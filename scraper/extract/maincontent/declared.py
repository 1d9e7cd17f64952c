"""The article body a page declares in its JSON-LD: ``articleBody``, or the steps of a
``HowTo`` or ``Recipe``.
"""

from __future__ import annotations

import json

from lxml import etree

from .._html import parse_fragment, xml_text
from .render import render_text

# The article text the page declares in its JSON-LD replaces the chosen block
# when it is this many times longer (the page draws its body with a script).
DECLARED_SHARE = 3

_DECLARED_MIN = 400


def declared_body(root: etree._Element) -> str:
    """The longest body the page's JSON-LD declares, as plain text ('' if none).

    That is an ``articleBody``, or the description and steps of a ``HowTo`` or
    ``Recipe`` (a guide or recipe whose page a script draws).
    """
    best = steps = ""
    for script in root.iter("script"):
        raw = script.text
        if not raw or script.get("type") != "application/ld+json":
            continue
        if "articleBody" not in raw and "HowTo" not in raw and "Recipe" not in raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                text = item.get("articleBody")
                if isinstance(text, str) and len(text) > len(best):
                    best = text
                if _STEP_TYPES.intersection(_ld_types(item)):
                    text = "\n".join(_step_lines(item))
                    if len(text) > len(steps):
                        steps = text
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    if "<" in best and ">" in best:
        best = ""
    best = max(best.strip(), steps, key=len)
    return best if len(best) >= _DECLARED_MIN else ""


# JSON-LD types whose body is a description and a list of steps.
_STEP_TYPES = frozenset({"HowTo", "Recipe"})


def _ld_types(item: dict[str, object]) -> list[str]:
    kind = item.get("@type")
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


def _step_lines(item: dict[str, object]) -> list[str]:
    """The description and the steps of a JSON-LD ``HowTo`` or ``Recipe``, a line each."""
    lines: list[str] = []
    pending: list[object] = [
        item.get("recipeInstructions") or item.get("step"),
        item.get("description"),
    ]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            lines.extend(_plain_lines(value))
        elif isinstance(value, list):
            pending.extend(reversed(value))
        elif isinstance(value, dict):
            pending.append(value.get("text") or value.get("itemListElement"))
    return lines


def _plain_lines(text: str) -> list[str]:
    """The lines of ``text``, read as HTML when it holds tags."""
    if "<" in text and ">" in text:
        text = render_text(parse_fragment(text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _paragraphs(text: str) -> etree._Element:
    holder = etree.Element("div")
    for line in text.splitlines():
        if line.strip():
            etree.SubElement(holder, "p").text = xml_text(line.strip())
    return holder
