"""The archive's search language, shared by ``/search`` and every table's ``?_search=``.

People type words (stemmed by the index: "squat" finds "squats"), ``word*`` for a
prefix, ``"a phrase"``, ``OR`` between alternatives and ``-word`` (or ``NOT word``) to
leave matches out. :func:`parse_query` turns that into an FTS5 expression and never lets
a query reach SQLite as syntax it could reject: what it cannot use becomes a note.

Registered on every connection as SQL functions, so the other search plugins share
one parser: ``search_match(q)`` (the FTS5 expression, '' when there is nothing to search
for) and ``search_notes(q)`` (notes for the reader, one per line). Imports only datasette
and the standard library (records are NamedTuples: Datasette loads plugins outside
``sys.modules``, where dataclasses fail).
"""

from __future__ import annotations

import re
import sqlite3
from typing import NamedTuple

from datasette import hookimpl

_TOKEN = re.compile(r'(?P<neg>-?)"(?P<phrase>[^"]*)(?P<closed>"?)(?P<star>\*?)|(?P<word>\S+)')
_WORD = re.compile(r"\w+")
#: typographic double quotes (as phones type them) delimit phrases too
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


class ParsedQuery(NamedTuple):
    """What a typed query means: ``fts`` is an FTS5 MATCH expression ("" when there is
    nothing to search for) and ``notes`` tell the reader what was fixed or ignored."""

    fts: str
    notes: tuple[str, ...] = ()


class _Parts:
    """Phrases collected while reading a query: AND-groups joined by OR, exclusions."""

    def __init__(self) -> None:
        self.groups: list[list[str]] = [[]]
        self.excluded: list[str] = []
        self.notes: list[str] = []
        self.negate_next = False


def _phrase(text: str, prefix: bool) -> str | None:
    words = _WORD.findall(text.replace("_", " "))
    if not words:
        return None
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def _add(parts: _Parts, phrase: str | None, negative: bool, typed: str) -> None:
    if phrase is None:
        parts.notes.append(f"Ignored “{typed}”: it has no letters or digits.")
    elif negative or parts.negate_next:
        parts.excluded.append(phrase)
    else:
        parts.groups[-1].append(phrase)
    parts.negate_next = False


def parse_query(text: str) -> ParsedQuery:
    """Translate a typed query into an FTS5 expression; never raises."""
    parts = _Parts()
    for match in _TOKEN.finditer(text.translate(_QUOTES)):
        if match.group("word") is not None:
            word = match.group("word")
            if word == "OR":
                if parts.groups[-1]:
                    parts.groups.append([])
                continue
            if word == "AND":
                continue
            if word == "NOT":
                parts.negate_next = True
                continue
            negative = word.startswith("-") and len(word) > 1
            core = word[1:] if negative else word
            _add(parts, _phrase(core.rstrip("*"), core.endswith("*")), negative, word)
        else:
            if not match.group("closed"):
                parts.notes.append("Added the missing closing quote.")
            phrase = _phrase(match.group("phrase"), bool(match.group("star")))
            _add(parts, phrase, bool(match.group("neg")), match.group(0))
    groups = [g for g in parts.groups if g]
    if not groups:
        note = "Type a word to search for"
        if parts.excluded:
            note += " (-word only leaves matches out)."
        else:
            note += f": “{text.strip()}” has none." if text.strip() else "."
        return ParsedQuery("", (*parts.notes, note))
    alternatives = [" AND ".join(g) for g in groups]
    fts = alternatives[0] if len(alternatives) == 1 else " OR ".join(
        f"({a})" for a in alternatives
    )
    if parts.excluded:
        fts = f"({fts}) NOT ({' OR '.join(parts.excluded)})"
    return ParsedQuery(fts, tuple(dict.fromkeys(parts.notes)))


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("search_match", 1, lambda q: parse_query(q or "").fts,
                         deterministic=True)
    conn.create_function("search_notes", 1, lambda q: "\n".join(parse_query(q or "").notes),
                         deterministic=True)
