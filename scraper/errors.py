"""The exception tree of fitarchive.

    ScraperError                 base of everything the CLI reports as one line
    ├── ConfigError              bad settings, seed or config file (names file and key)
    ├── UsageError               a bad argument: not a URL, bad --since date, ...
    ├── FetchError(url, status)  a URL could not be fetched
    │   ├── UnreachableError     DNS/connection failure on the seed
    │   └── RobotsDisallowed     robots.txt forbids the URL
    ├── NotABlogError            the seed answered but holds no posts we can find
    ├── ExtractError(url)        a page looked like a post but a required field is missing
    ├── StorageError             the database cannot be opened or written
    │   ├── SchemaError          not a fitarchive archive, corrupt, or newer than the code
    │   └── LockedError          another crawl holds the database's lock
    ├── DiskFullError            the disk filled up; the database is left as it was
    ├── OutputError              a file the command writes (export -o) cannot be written
    └── ListenError              a server cannot listen on its host and port (taken, not allowed)

Imports only the standard library.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = [
    "ConfigError",
    "DiskFullError",
    "ExtractError",
    "FetchError",
    "ListenError",
    "LockedError",
    "NotABlogError",
    "OutputError",
    "RobotsDisallowed",
    "SchemaError",
    "ScraperError",
    "StorageError",
    "UnreachableError",
    "UsageError",
]


class ScraperError(Exception):
    """Base class: the message is one line meant for the user."""

    exit_code = 1


class ConfigError(ScraperError):
    """Bad settings or config file."""

    exit_code = 2


class UsageError(ScraperError):
    """A bad command-line argument."""

    exit_code = 2


class FetchError(ScraperError):
    """A URL could not be fetched."""

    def __init__(self, message: str, *, url: str, status: int = 0) -> None:
        super().__init__(message)
        self.url = url
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        return (functools.partial(type(self), url=self.url, status=self.status), (str(self),))


class UnreachableError(FetchError):
    """The host could not be reached at all."""


class RobotsDisallowed(FetchError):
    """robots.txt disallows the URL for our user agent."""


class NotABlogError(ScraperError):
    """The site answered but no posts could be found on it."""


class ExtractError(ScraperError):
    """A page looked like a post but could not be extracted."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url

    def __reduce__(self) -> tuple[Any, ...]:
        return (functools.partial(type(self), url=self.url), (str(self),))


class StorageError(ScraperError):
    """The database cannot be opened or written."""


class SchemaError(StorageError):
    """The file is not a fitarchive archive, is corrupt, or is newer than the code."""


class LockedError(StorageError):
    """Another crawl is running against the same database."""


class DiskFullError(StorageError):
    """The disk is full; nothing was half-written."""


class OutputError(ScraperError):
    """A file the command writes cannot be written (missing folder, a directory, no permission)."""


class ListenError(ScraperError):
    """A server cannot listen on its host and port: the port is taken or not allowed."""
