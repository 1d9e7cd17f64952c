"""Full CSV streams through Datasette are the bytes ``fitarchive export`` writes.

Real archive (tests/archive_fixture.py, plus a table big enough for many batches) and
Datasette in-process with the ``fitarchive serve`` configuration.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from archive_fixture import ArchiveFixture, build_archive
from datasette.app import Datasette

from scraper.publish import datasette_kwargs, stream_export


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> ArchiveFixture:
    fixture = build_archive(tmp_path_factory.mktemp("archive"))
    with sqlite3.connect(fixture.db_path) as conn:  # more rows than one batch, with quoting
        conn.executemany(
            "insert into comments (id, post_id, remote_id, path, author_name, body_text) "
            "values (?, ?, ?, ?, ?, ?)",
            [(10_000 + i, fixture.routine_post_id, f"bulk{i}", f"9{i:09d}", f"Lifter, {i}",
              f'Line one\nline "two" {i} – é') for i in range(4500)],
        )
    return fixture


@pytest.fixture
def ds(archive: ArchiveFixture) -> Datasette:
    return Datasette(**datasette_kwargs(archive.db_path))


def _names(db_path: Path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [r[0] for r in conn.execute(
            "select name from sqlite_master where type in ('table', 'view') "
            "and name not like '%fts%' and name not like 'sqlite_%' order by name")]


def _export(db_path: Path, name: str) -> bytes:
    out = io.BytesIO()
    stream_export(db_path, name, "csv", out)
    return out.getvalue()


async def test_every_table_and_view_streams_the_export_bytes(
    ds: Datasette, archive: ArchiveFixture
):
    names = _names(archive.db_path)
    assert {"comments", "comment_threads", "pages", "posts"} <= set(names)
    for name in names:
        response = await ds.client.get(f"/fitness/{name}.csv?_stream=on")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.content == _export(archive.db_path, name), name
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) > 1


async def test_big_table_streams_in_many_batches_identically(
    ds: Datasette, archive: ArchiveFixture
):
    for name in ("comments", "comment_threads"):
        body = (await ds.client.get(f"/fitness/{name}.csv?_stream=on&_size=max")).content
        assert body == _export(archive.db_path, name)
        assert body.count(b"9000004499") == 1


async def test_download_link_names_the_file(ds: Datasette):
    response = await ds.client.get("/fitness/comments.csv?_stream=on&_dl=1")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="comments.csv"'


async def test_filtered_or_sorted_streams_are_left_to_datasette(
    ds: Datasette, archive: ArchiveFixture
):
    post = archive.nutrition_post_id
    body = (await ds.client.get(f"/fitness/comments.csv?_stream=on&post_id={post}")).text
    rows = list(csv.reader(io.StringIO(body)))
    post_column = rows[0].index("post_id")
    assert rows[1:] and {r[post_column] for r in rows[1:]} == {str(post)}
    sorted_body = (await ds.client.get("/fitness/posts.csv?_stream=on&_sort=title")).text
    titles = [r[4] for r in list(csv.reader(io.StringIO(sorted_body)))[1:]]
    assert titles == sorted(titles)


async def test_unknown_names_are_still_404(ds: Datasette):
    assert (await ds.client.get("/fitness/nope.csv?_stream=on")).status_code == 404
    assert (await ds.client.get("/nope/comments.csv?_stream=on")).status_code == 404
