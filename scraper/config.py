"""Crawl settings in one place, and loading them from a TOML config file.

Imports only the standard library and ``scraper.errors``.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scraper.errors import ConfigError

__all__ = ["DEFAULT_USER_AGENT", "MAX_CONCURRENCY", "Settings", "SiteConfig", "load_config"]

#: Requests in flight per host at most: each one is a worker task of the crawl.
MAX_CONCURRENCY = 100
DEFAULT_USER_AGENT = "fitarchive/0.1 (+https://github.com/fitarchive/fitarchive; blog archiver)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """How one crawl behaves. Times are in seconds, sizes in bytes."""

    user_agent: str = DEFAULT_USER_AGENT
    contact: str | None = None  # appended to the User-Agent as "; +contact"
    delay_s: float = 1.0  # minimum gap between requests to one host
    concurrency: int = 2  # requests in flight per host
    timeout_s: float = 20.0
    retries: int = 3  # further attempts after a 429/5xx/connection error
    max_retry_after_s: float = 300.0  # longer Retry-After values fail the URL
    max_body_bytes: int = 20 * 1024 * 1024
    max_image_bytes: int = 30 * 1024 * 1024
    obey_robots: bool = True
    use_rest: bool = True  # try the WordPress REST API before HTML
    download_images: bool = True
    image_hosts: tuple[str, ...] = ()  # extra hosts images may come from (CDNs)
    max_posts: int | None = None
    since: str | None = None  # ISO date: only posts published on/after it
    include: tuple[str, ...] = ()  # regexes a post URL must match (any)
    exclude: tuple[str, ...] = ()  # regexes a post URL must not match
    recheck_comments_days: float = 30.0  # posts younger than this: comments every run
    full_recheck_days: float = 7.0  # older posts: comments at most this often
    recheck_all: bool = False  # re-fetch every post and thread, ignoring incremental state
    parse_workers: int | None = None  # 1: parse HTML in a parser process, 0: in the crawl; None: 1 for fast crawls
    max_in_flight: int = 32  # requests in flight over the whole run (all hosts)
    max_active_blogs: int = 16  # blogs crawled at once; the others wait their turn
    ocr: bool = False  # after the crawl, read new routine images with OCR (the [ocr] extra)

    @property
    def full_user_agent(self) -> str:
        """The User-Agent header, with the contact appended when given."""
        if self.contact:
            return f"{self.user_agent} contact: {self.contact}"
        return self.user_agent

    @property
    def unpaced(self) -> bool:
        """True when requests to a host are not spaced out (no politeness delay): a local or own site."""
        return self.delay_s < 0.05


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteConfig:
    """One site of a config file and the settings to crawl it with."""

    url: str
    settings: Settings = field(default_factory=Settings)


_KEY_TYPES: dict[str, tuple[type, ...]] = {
    "user_agent": (str,),
    "contact": (str,),
    "delay_s": (int, float),
    "concurrency": (int,),
    "timeout_s": (int, float),
    "retries": (int,),
    "max_retry_after_s": (int, float),
    "max_body_bytes": (int,),
    "max_image_bytes": (int,),
    "obey_robots": (bool,),
    "use_rest": (bool,),
    "download_images": (bool,),
    "image_hosts": (list,),
    "max_posts": (int,),
    "since": (str,),
    "include": (list,),
    "exclude": (list,),
    "recheck_comments_days": (int, float),
    "full_recheck_days": (int, float),
    "recheck_all": (bool,),
    "parse_workers": (int,),
    "max_in_flight": (int,),
    "max_active_blogs": (int,),
    "ocr": (bool,),
}
_ALIASES = {"delay": "delay_s", "timeout": "timeout_s"}
#: The names the README documents: the short alias where there is one.
_DOCUMENTED = sorted([*_ALIASES, *(key for key in _KEY_TYPES if key not in _ALIASES.values())])


def _unknown_key(raw_key: str, where: str) -> ConfigError:
    """The error for a key that is not a setting, suggesting the nearest documented name."""
    nearest = difflib.get_close_matches(raw_key, _DOCUMENTED + list(_ALIASES.values()), n=1, cutoff=0.6)
    if nearest:
        name = next((alias for alias, key in _ALIASES.items() if key == nearest[0]), nearest[0])
        return ConfigError(f"{where}: unknown key '{raw_key}' (did you mean '{name}'?)")
    return ConfigError(f"{where}: unknown key '{raw_key}' (known keys: {', '.join(_DOCUMENTED)})")


def _check_regexes(patterns: tuple[str, ...], raw_key: str, where: str) -> None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: '{raw_key}' has a bad regex {pattern!r} ({exc})") from None


def _settings_from(table: dict[str, Any], base: Settings, where: str) -> Settings:
    changes: dict[str, Any] = {}
    for raw_key, value in table.items():
        if raw_key in ("url", "sites"):
            continue
        key = _ALIASES.get(raw_key, raw_key)
        types = _KEY_TYPES.get(key)
        if types is None:
            raise _unknown_key(raw_key, where)
        if isinstance(value, bool) and bool not in types:
            raise ConfigError(f"{where}: '{raw_key}' must be {types[0].__name__}, got {value!r}")
        if not isinstance(value, types):
            raise ConfigError(
                f"{where}: '{raw_key}' must be {' or '.join(t.__name__ for t in types)}, "
                f"got {value!r}"
            )
        if isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                raise ConfigError(f"{where}: '{raw_key}' must be a list of strings")
            value = tuple(value)
            if key in ("include", "exclude"):
                _check_regexes(value, raw_key, where)
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{where}: '{raw_key}' must be a finite number, got {value!r}")
        if key in ("delay_s", "timeout_s") and value < 0:
            raise ConfigError(f"{where}: '{raw_key}' must not be negative, got {value!r}")
        if key in ("max_in_flight", "max_active_blogs") and value < 1:
            raise ConfigError(f"{where}: '{raw_key}' must be at least 1, got {value!r}")
        if key == "concurrency" and not 1 <= value <= MAX_CONCURRENCY:
            raise ConfigError(f"{where}: 'concurrency' must be 1 to {MAX_CONCURRENCY}, got {value!r}")
        if key == "max_posts" and value < 1:
            raise ConfigError(f"{where}: 'max_posts' must be at least 1, got {value!r}")
        changes[key] = value
    return replace(base, **changes)


def load_config(path: Path, base: Settings | None = None) -> list[SiteConfig]:
    """Read a TOML file listing sites, with defaults at the top level.

    Format::

        delay = 2            # defaults for every site
        [[sites]]
        url = "https://example-fitness.blog/"
        max_posts = 50       # per-site override

    :raises ConfigError: when the file is missing, not TOML, or a key is wrong.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    defaults = _settings_from(data, base or Settings(), str(path))
    sites = data.get("sites")
    if not isinstance(sites, list) or not sites:
        raise ConfigError(f"{path}: needs at least one [[sites]] table with a url")
    result = []
    for index, table in enumerate(sites, start=1):
        where = f"{path}: [[sites]] #{index}"
        if not isinstance(table, dict) or not isinstance(table.get("url"), str):
            raise ConfigError(f"{where}: 'url' is required and must be a string")
        result.append(SiteConfig(url=table["url"], settings=_settings_from(table, defaults, where)))
    return result
