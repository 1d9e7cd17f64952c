"""Parse ``srcset`` attribute values (WHATWG candidate syntax). Standard library only."""

from __future__ import annotations

import re

__all__ = ["format_srcset", "parse_srcset"]


_AMBIGUOUS_COMMA = re.compile(r",(?!\s)")
_SEPARATOR = re.compile(r",\s+")


def parse_srcset(value: str | None) -> list[tuple[str, str]]:
    """Split a srcset into ``(url, descriptor)`` pairs; URLs may contain commas (data:)."""
    if not value:
        return []
    if _AMBIGUOUS_COMMA.search(value.rstrip(", \t\n")) is None:
        # Fast path for the usual "url 300w, url 600w": every comma is followed by space.
        pairs = []
        for piece in _SEPARATOR.split(value.strip().rstrip(",")):
            url, _, descriptor = piece.strip().partition(" ")
            if url:
                pairs.append((url, " ".join(descriptor.split())))
        return pairs
    return _parse_slow(value)


def _parse_slow(value: str) -> list[tuple[str, str]]:
    """The WHATWG candidate loop, for values with commas inside URLs."""
    out: list[tuple[str, str]] = []
    pos, n = 0, len(value)
    while pos < n:
        while pos < n and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        if pos >= n:
            break
        start = pos
        while pos < n and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            dstart, depth = pos, 0
            while pos < n:
                char = value[pos]
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth -= 1
                elif char == "," and depth <= 0:
                    break
                pos += 1
            descriptor = " ".join(value[dstart:pos].split())
        if url:
            out.append((url, descriptor))
    return out


def format_srcset(candidates: list[tuple[str, str]]) -> str:
    """Join ``(url, descriptor)`` pairs back into a srcset value."""
    return ", ".join(f"{url} {desc}".strip() for url, desc in candidates)
