"""Assign blogs to shards by rendezvous hashing of their politeness key.

Every blog of a host lands in the same shard, so per-host pacing needs no
coordination between machines; going from N to N+1 shards moves about
1/(N+1) of the hosts. A leaf helper: imports only the other leaves
(``urls``, ``config``, ``errors``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from scraper.config import SiteConfig
from scraper.errors import UsageError
from scraper.urls import politeness_key

__all__ = ["Assignment", "ShardSpec", "assign", "parse_shard", "select_shard", "shard_of"]

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class ShardSpec:
    """Shard ``index`` of ``count`` (index 0..count-1)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """Where one blog goes: its seed URL, politeness key and shard index."""

    url: str
    key: str
    shard: int


def parse_shard(text: str) -> ShardSpec:
    """Parse ``I/N`` (0 <= I < N).

    :raises UsageError: not of that form, or I out of range.
    """
    match = _SHARD.match(text)
    if match is None:
        raise UsageError(f"--shard must look like I/N (e.g. 0/4), got {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise UsageError(f"--shard {text}: the number of shards must be at least 1")
    if index >= count:
        raise UsageError(f"--shard {text}: the index must be between 0 and {count - 1}")
    return ShardSpec(index=index, count=count)


def _weight(key: str, shard: int) -> int:
    digest = hashlib.blake2b(f"{shard}\x1f{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def shard_of(key: str, count: int) -> int:
    """The shard (0..count-1) of a politeness key: the one with the highest weight for it."""
    if count < 1:
        raise ValueError("count must be at least 1")
    return max(range(count), key=lambda shard: (_weight(key, shard), -shard))


def assign(urls: list[str], count: int) -> list[Assignment]:
    """Assign each blog URL to a shard, in the order given."""
    return [
        Assignment(url=url, key=politeness_key(url), shard=shard_of(politeness_key(url), count))
        for url in urls
    ]


def select_shard(sites: list[SiteConfig], spec: ShardSpec) -> list[SiteConfig]:
    """The sites whose host falls in shard ``spec``, in their configured order."""
    placed = assign([site.url for site in sites], spec.count)
    return [site for site, where in zip(sites, placed) if where.shard == spec.index]
