"""The reader view cleans a comment without link rewriting only when that changes nothing."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

BASE = "https://lift.example/2024/01/squats/"
FRAGMENTS = [
    '<p>See <a href="https://other.example/a?b=1&amp;c=2#f">this</a></p>',
    '<p>See <a href="/2023/06/meal-prep/">my post</a></p>',
    '<a HREF="https://x.example/a">upper case</a>',
    "<a href=https://x.example/a>unquoted</a>",
    '<a href="https://lift.example/2024/../x">dot segments</a>',
    '<a href="javascript:alert(1)">script</a>',
    '<p>the text says href="https://a.example"</p><a href="rel">relative</a>',
    '<a href="&#104;ttps://x.example/">entity</a>',
    '<a href="  https://x.example/">leading spaces</a>',
    "<p>no links at all</p>",
]


def _plugin() -> Any:
    path = Path(__file__).resolve().parent.parent / "archive" / "plugins" / "post_page.py"
    spec = importlib.util.spec_from_file_location("archive_plugin_post_page", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_the_shortcut_gives_the_same_html_as_rewriting(fragment: str):
    plugin = _plugin()
    rewriting = plugin._cleaner(base_url=BASE, tags=plugin._COMMENT_TAGS)
    plain = plugin._cleaner(base_url=None, tags=plugin._COMMENT_TAGS)
    chosen = plain if plugin._links_are_absolute(fragment) else rewriting
    assert chosen.clean(fragment) == rewriting.clean(fragment)


def test_relative_links_take_the_rewriting_path():
    plugin = _plugin()
    assert not plugin._links_are_absolute('<a href="/2023/06/meal-prep/">x</a>')
    assert plugin._links_are_absolute('<a href="https://x.example/a">x</a>')
    rewriting = plugin._cleaner(base_url=BASE, tags=plugin._COMMENT_TAGS)
    cleaned = rewriting.clean('<a href="/2023/06/meal-prep/">x</a>')
    assert 'href="https://lift.example/2023/06/meal-prep/"' in cleaned
