"""scraper.publish: the datasette command line and the streaming export."""

from __future__ import annotations

import base64
import csv
import io
import json
import sqlite3
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest
from archive_fixture import COMMENT_ONLY_WORD, ArchiveFixture, build_archive

from scraper.errors import UsageError
from scraper.publish import (
    ARCHIVE_CONFIG_DIR,
    datasette_kwargs,
    run_datasette,
    serve_command_args,
    stream_export,
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> ArchiveFixture:
    return build_archive(tmp_path_factory.mktemp("archive"))


def _options(argv: list[str], flag: str) -> list[str]:
    return [argv[i + 1] for i, a in enumerate(argv) if a == flag]


def _settings(argv: list[str]) -> dict[str, str]:
    return {argv[i + 1]: argv[i + 2] for i, a in enumerate(argv) if a == "--setting"}


def _export(db: Path, name: str, fmt: str = "csv", **kwargs: object) -> tuple[bytes, int]:
    out = io.BytesIO()
    count = stream_export(db, name, fmt, out, **kwargs)  # type: ignore[arg-type]
    return out.getvalue(), count


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


# --- serve_command_args -------------------------------------------------------------


def test_serve_args_run_datasette_on_the_db_with_the_archive_config(archive: ArchiveFixture):
    argv = serve_command_args(archive.db_path, port=8123)
    assert argv[:5] == [sys.executable, "-m", "datasette", "serve", str(archive.db_path)]
    assert _options(argv, "--host") == ["127.0.0.1"]
    assert _options(argv, "--port") == ["8123"]
    assert _options(argv, "--metadata") == [str(ARCHIVE_CONFIG_DIR / "metadata.yml")]
    assert _options(argv, "--template-dir") == [str(ARCHIVE_CONFIG_DIR / "templates")]
    assert _options(argv, "--plugins-dir") == [str(ARCHIVE_CONFIG_DIR / "plugins")]
    assert _options(argv, "--static") == [
        f"static:{ARCHIVE_CONFIG_DIR / 'static'}",
        f"images:{archive.db_path.parent / 'images'}",
    ]
    assert "--immutable" not in argv and "-i" not in argv


def test_serve_args_pass_every_setting_and_keep_sql_off(archive: ArchiveFixture):
    settings = _settings(serve_command_args(archive.db_path, port=8001))
    expected = json.loads((ARCHIVE_CONFIG_DIR / "settings.json").read_text())
    assert set(settings) == set(expected)
    assert settings["default_allow_sql"] == "off"
    assert settings["allow_csv_stream"] == "on"
    assert settings["max_csv_mb"] == "0"


def test_allow_sql_turns_arbitrary_sql_on(archive: ArchiveFixture):
    settings = _settings(serve_command_args(archive.db_path, port=8001, allow_sql=True))
    assert settings["default_allow_sql"] == "on"
    assert datasette_kwargs(archive.db_path, allow_sql=True)["settings"]["default_allow_sql"]


def test_serve_args_use_the_given_host(archive: ArchiveFixture):
    argv = serve_command_args(archive.db_path, port=9000, host="0.0.0.0")
    assert _options(argv, "--host") == ["0.0.0.0"]


def test_image_store_is_not_mounted_when_absent(tmp_path: Path):
    db = tmp_path / "fitness.db"
    sqlite3.connect(db).close()
    argv = serve_command_args(db, port=8001)
    assert [s for s in _options(argv, "--static") if s.startswith("images:")] == []


def test_serve_args_refuse_a_missing_database(tmp_path: Path):
    with pytest.raises(UsageError, match="no archive at"):
        serve_command_args(tmp_path / "nope.db", port=8001)


@pytest.mark.parametrize("port", [0, 70000])
def test_serve_args_refuse_a_bad_port(archive: ArchiveFixture, port: int):
    with pytest.raises(UsageError, match="port"):
        serve_command_args(archive.db_path, port=port)


def test_serve_args_refuse_an_incomplete_config_dir(archive: ArchiveFixture, tmp_path: Path):
    with pytest.raises(UsageError, match="metadata.yml"):
        serve_command_args(archive.db_path, port=8001, config_dir=tmp_path)


def test_datasette_kwargs_match_the_command_line(archive: ArchiveFixture):
    kwargs = datasette_kwargs(archive.db_path)
    argv = serve_command_args(archive.db_path, port=8001)
    assert kwargs["files"] == [str(archive.db_path)]
    assert kwargs["plugins_dir"] == _options(argv, "--plugins-dir")[0]
    assert kwargs["template_dir"] == _options(argv, "--template-dir")[0]
    assert [f"{m}:{d}" for m, d in kwargs["static_mounts"]] == _options(argv, "--static")
    assert kwargs["metadata"]["title"] == "Fitness blog archive"


# --- stream_export ---------------------------------------------------------------------


def test_csv_export_has_a_header_and_every_row(archive: ArchiveFixture):
    data, count = _export(archive.db_path, "comments")
    rows = _csv(data)
    assert count == len(rows) == 7
    assert list(rows[0])[:3] == ["id", "post_id", "remote_id"]
    hostile = next(r for r in rows if r["id"] == str(archive.hostile_comment_id))
    assert "<script>alert(1)</script>" in hostile["body_text"]


def test_view_export_keeps_the_views_thread_order(archive: ArchiveFixture):
    data, _ = _export(archive.db_path, "comment_threads")
    rows = [r for r in _csv(data) if r["post_id"] == str(archive.routine_post_id)]
    assert [int(r["comment_id"]) for r in rows] == archive.thread
    assert [int(r["depth"]) for r in rows] == archive.depths


def test_json_export_is_one_object_per_line(archive: ArchiveFixture):
    data, count = _export(archive.db_path, "routine_images", "json")
    lines = data.decode("utf-8").splitlines()
    assert count == len(lines) == 4
    first = json.loads(lines[0])
    assert {"post_id", "heading", "caption", "image_path", "width"} <= set(first)


def test_json_export_keeps_unicode_and_big_ids(archive: ArchiveFixture):
    data, _ = _export(archive.db_path, "posts", "json")
    posts = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    assert {p["id"] for p in posts} == {archive.routine_post_id, archive.nutrition_post_id}
    assert any(p["title"] == "Meal prep & macros <3" for p in posts)


def test_blobs_export_as_base64(archive: ArchiveFixture):
    data, _ = _export(archive.db_path, "pages")
    body = base64.b64decode(_csv(data)[0]["body"])
    assert zlib.decompress(body).startswith(b"<html>")
    data, _ = _export(archive.db_path, "pages", "json")
    cell = json.loads(data)["body"]
    assert cell["$base64"] is True
    assert zlib.decompress(base64.b64decode(cell["encoded"])).startswith(b"<html>")


def test_where_binds_positional_and_named_params(archive: ArchiveFixture):
    _, count = _export(archive.db_path, "comments", where="depth >= ?", params=[2])
    assert count == 2
    data, count = _export(
        archive.db_path, "comments", where="body_text like :w",
        params={"w": f"%{COMMENT_ONLY_WORD}%"},
    )
    assert count == 1
    assert _csv(data)[0]["id"] == str(archive.comment_only_comment_id)


def test_since_filters_on_published_at(archive: ArchiveFixture):
    data, count = _export(archive.db_path, "posts", since="2024-01-01")
    assert count == 1
    assert _csv(data)[0]["title"] == "Back Routine Week 1"
    _, count = _export(archive.db_path, "comments", since="2024-02-12T08:00:00Z")
    assert count == 2
    _, count = _export(archive.db_path, "comments", since="2024-02-12T10:00:00+02:00")
    assert count == 2  # 08:00 UTC


def test_since_combines_with_where(archive: ArchiveFixture):
    _, count = _export(
        archive.db_path, "comments", where="depth = ?", params=(1,), since="2024-01-01"
    )
    assert count == 3
    _, count = _export(
        archive.db_path, "comments", where="depth = :d", params={"d": 1}, since="2024-01-01"
    )
    assert count == 3


def test_table_names_match_case_insensitively(archive: ArchiveFixture):
    _, count = _export(archive.db_path, "POSTS")
    assert count == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"table_or_view": "nope"}, "no table or view named 'nope'"),
        ({"fmt": "xml"}, "format must be csv or json"),
        ({"where": "no_such_column = 1"}, "cannot export posts"),
        ({"since": "last week"}, "since must be an ISO 8601"),
        ({"table_or_view": "terms", "since": "2024-01-01"}, "terms has no time column"),
    ],
)
def test_bad_arguments_raise_one_line_usage_errors(
    archive: ArchiveFixture, kwargs: dict[str, str], message: str
):
    args = {"table_or_view": "posts", "fmt": "csv", **kwargs}
    with pytest.raises(UsageError, match=message) as info:
        stream_export(archive.db_path, out=io.BytesIO(), **args)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


def test_unknown_table_error_lists_the_real_ones(archive: ArchiveFixture):
    with pytest.raises(UsageError) as info:
        stream_export(archive.db_path, "comment", "csv", io.BytesIO())
    assert "comment_threads" in str(info.value) and "comments_fts" not in str(info.value)


def test_export_of_a_missing_database_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="no archive at"):
        stream_export(tmp_path / "missing.db", "posts", "csv", io.BytesIO())
    assert not (tmp_path / "missing.db").exists()


def test_export_never_writes(archive: ArchiveFixture):
    with pytest.raises(UsageError):
        stream_export(
            archive.db_path, "posts", "csv", io.BytesIO(),
            where="1 = 1; delete from posts",
        )
    assert sqlite3.connect(archive.db_path).execute("select count(*) from posts").fetchone() == (2,)


def test_export_leaves_the_output_stream_open(archive: ArchiveFixture):
    out = io.BytesIO()
    stream_export(archive.db_path, "sites", "csv", out)
    out.write(b"still open")
    assert out.getvalue().endswith(b"still open")


def test_export_memory_stays_flat_on_a_big_table(tmp_path: Path):
    db = tmp_path / "big.db"
    conn = sqlite3.connect(db)
    conn.execute("create table rows (id integer primary key, body text)")
    conn.executemany("insert into rows values (?, ?)", ((i, "x" * 200) for i in range(60_000)))
    conn.commit()
    conn.close()

    class Sink(io.RawIOBase):
        written = 0

        def writable(self) -> bool:
            return True

        def write(self, b) -> int:  # type: ignore[no-untyped-def, override]
            self.written += len(b)
            return len(b)

    sink = Sink()
    tracemalloc.start()
    count = stream_export(db, "rows", "csv", sink)  # type: ignore[arg-type]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 60_000
    assert sink.written > 60_000 * 200
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes for a {sink.written} byte export"


def test_run_datasette_execs_the_serve_command(
    archive: ArchiveFixture, monkeypatch: pytest.MonkeyPatch
):
    calls: list[tuple[str, list[str]]] = []
    monkeypatch.setattr("os.execv", lambda path, argv: calls.append((path, argv)))
    run_datasette(archive.db_path, port=8124, allow_sql=True)
    assert calls == [
        (sys.executable, serve_command_args(archive.db_path, port=8124, allow_sql=True))
    ]
