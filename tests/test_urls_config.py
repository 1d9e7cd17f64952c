"""Seed validation, canonical URLs, site membership and the TOML config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.config import Settings, load_config
from scraper.errors import ConfigError, UsageError
from scraper.urls import canonical_url, normalize_seed, same_site, site_root, strip_comment_page


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("example-fitness.blog", "https://example-fitness.blog/"),
        ("http://127.0.0.1:8089", "http://127.0.0.1:8089/"),
        ("https://Example.BLOG/blog/", "https://example.blog/blog/"),
        ("localhost:8000/", "https://localhost:8000/"),
    ],
)
def test_seed_is_normalized(typed: str, expected: str) -> None:
    assert normalize_seed(typed) == expected


@pytest.mark.parametrize("bad", ["", "ftp://example.com/", "javascript:alert(1)", "not a url", "http://"])
def test_bad_seed_is_a_usage_error(bad: str) -> None:
    with pytest.raises(UsageError, match="not a web address|empty URL"):
        normalize_seed(bad)


def test_canonical_url_drops_fragment_tracking_and_default_port() -> None:
    assert canonical_url("http://Blog.test:80/a/?utm_source=x&p=3#comments") == "http://blog.test/a/?p=3"
    assert canonical_url("../b/", "http://blog.test/a/c/") == "http://blog.test/a/b/"


def test_comment_page_suffix_is_stripped() -> None:
    assert strip_comment_page("http://b.test/2024/post/comment-page-3/") == "http://b.test/2024/post/"
    assert strip_comment_page("http://b.test/?p=5&cpage=2") == "http://b.test/?p=5"


def test_site_membership_respects_host_and_subfolder() -> None:
    assert site_root("http://b.test/blog/") == "http://b.test/blog/"
    assert same_site("http://b.test/blog/2024/x/", "http://b.test/blog/")
    assert not same_site("http://b.test/shop/x/", "http://b.test/blog/")
    assert not same_site("http://evil.test/blog/x/", "http://b.test/blog/")
    assert not same_site("javascript:alert(1)", "http://b.test/")


def test_config_file_gives_per_site_settings(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('delay = 2\n[[sites]]\nurl = "a.blog"\n[[sites]]\nurl = "b.blog"\nmax_posts = 5\n')
    sites = load_config(path)
    assert [s.url for s in sites] == ["a.blog", "b.blog"]
    assert sites[0].settings.delay_s == 2 and sites[0].settings.max_posts is None
    assert sites[1].settings.max_posts == 5 and sites[1].settings.delay_s == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('delay = "fast"\n[[sites]]\nurl = "a.blog"\n', "'delay' must be"),
        ('[[sites]]\nurl = "a.blog"\nspeed = 3\n', "unknown key 'speed'"),
        ("delay = 1\n", "needs at least one"),
        ("this is = not toml [", "not valid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_contact_goes_into_user_agent() -> None:
    assert "ops@example.org" in Settings(contact="ops@example.org").full_user_agent
