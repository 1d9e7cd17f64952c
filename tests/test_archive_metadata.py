"""archive/metadata.yml and settings.json describe the whole schema contract."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
import yaml
from datasette.app import DEFAULT_SETTINGS

from schemas import migrations

ARCHIVE = Path(__file__).resolve().parent.parent / "archive"


@pytest.fixture(scope="module")
def metadata() -> dict[str, Any]:
    return yaml.safe_load((ARCHIVE / "metadata.yml").read_text())


@pytest.fixture(scope="module")
def tables(metadata: dict[str, Any]) -> dict[str, Any]:
    return metadata["databases"]["fitness"]["tables"]


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every table and view of a freshly migrated archive, with its columns."""
    path = tmp_path_factory.mktemp("schema") / "fitness.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db)
    conn = sqlite3.connect(path)
    names = [
        r[0]
        for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")
    ]
    return {n: [r[1] for r in conn.execute(f'pragma table_xinfo("{n}")') if r[6] != 1] for n in names}


def _is_fts(name: str) -> bool:
    return name.startswith(("posts_fts", "comments_fts"))


def test_instance_has_title_description_license_and_source(metadata: dict[str, Any]):
    for key in ("title", "description_html", "license", "source"):
        assert metadata.get(key), key
    assert "/static/archive.css" in metadata["extra_css_urls"]


def test_every_table_and_view_is_described(schema: dict[str, list[str]], tables: dict[str, Any]):
    missing = [n for n in schema if not _is_fts(n) and not tables.get(n, {}).get("description")]
    assert missing == []


def test_every_column_is_described(schema: dict[str, list[str]], tables: dict[str, Any]):
    missing = [
        f"{name}.{column}"
        for name, columns in schema.items()
        if not _is_fts(name)
        for column in columns
        if not (tables.get(name, {}).get("columns") or {}).get(column)
    ]
    assert missing == []


def test_no_description_for_a_column_that_does_not_exist(
    schema: dict[str, list[str]], tables: dict[str, Any]
):
    stale = [
        f"{name}.{column}"
        for name, config in tables.items()
        for column in (config.get("columns") or {})
        if column not in schema.get(name, [])
    ]
    assert stale == []


def test_internal_tables_are_hidden(schema: dict[str, list[str]], tables: dict[str, Any]):
    internal = {"_sqlite_migrations", "pages", "crawl_state"} | {n for n in schema if _is_fts(n)}
    assert {n for n in internal if not tables.get(n, {}).get("hidden")} == set()
    assert not any(tables[n].get("hidden") for n in ("posts", "comments", "comment_threads"))


def test_search_is_configured_on_posts_and_comments(tables: dict[str, Any]):
    assert tables["posts"]["fts_table"] == "posts_fts"
    assert tables["comments"]["fts_table"] == "comments_fts"
    assert tables["posts"]["fts_pk"] == tables["comments"]["fts_pk"] == "id"


def test_default_sorts_and_facets(tables: dict[str, Any]):
    assert tables["posts"]["sort_desc"] == "published_at"
    assert tables["comments"]["sort"] == "path"
    assert {"site_id", "author_id"} <= set(tables["posts"]["facets"])
    assert "term_id" in tables["post_terms"]["facets"]


def test_settings_are_valid_and_keep_sql_and_downloads_off():
    settings = json.loads((ARCHIVE / "settings.json").read_text())
    assert set(settings) <= set(DEFAULT_SETTINGS)
    for name, value in settings.items():
        assert type(value) is type(DEFAULT_SETTINGS[name]), name
    assert settings["default_allow_sql"] is False
    assert settings["allow_csv_stream"] is True
    assert settings["max_csv_mb"] == 0


@pytest.mark.parametrize("plugin", sorted((ARCHIVE / "plugins").glob("*.py")), ids=lambda p: p.stem)
def test_each_plugin_is_one_small_hook(plugin: Path):
    source = plugin.read_text()
    assert source.count("@hookimpl") == 1
    assert "import scraper" not in source and "from scraper" not in source
    assert len(source.splitlines()) < 200
