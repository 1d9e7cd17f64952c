"""The reader view's sanitizer: built once per page, links made absolute against the post."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

BASE = "https://lift.example/2024/01/squats/"


def _plugin() -> Any:
    path = Path(__file__).resolve().parent.parent / "archive" / "plugins" / "post_page.py"
    spec = importlib.util.spec_from_file_location("archive_plugin_post_page", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.parametrize(
    "href",
    ["https://other.example/a?b=1#f", "/2023/06/meal-prep/", "../../2023/", "rel",
     "https://lift.example/2024/../x", "http://a.example/b/.hidden", "HTTP://A.example/b",
     "//cdn.example/x"],
)
def test_links_are_made_absolute_as_urljoin_does(href: str):
    clean = _plugin()._cleaner(base_url=BASE, tags={"a", "p"})
    assert f'href="{urljoin(BASE, href)}"' in clean(f'<a href="{href}">x</a>')


def test_one_sanitizer_serves_many_fragments_and_strips_scripts():
    clean = _plugin()._cleaner(base_url=BASE, tags={"a", "p"})
    assert clean(None) == ""
    assert "script" not in clean("<p>hi<script>alert(1)</script></p>")
    assert 'href' not in clean('<a href="javascript:alert(1)">x</a>')
    assert clean("<p>one</p>") == "<p>one</p>"
