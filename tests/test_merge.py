"""fitarchive merge: shards of a multi-blog crawl fold into the archive a single crawl makes.

Real crawls of sample blogs on 127.0.1.N through the command line, real
SQLite files; the merge is checked row for row, re-run, run in other orders,
killed half-way and fed shards of other schema versions.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from shards_fixture import (
    contract_rows,
    env,
    fitarchive,
    full_dump,
    image_files,
    start_blogs,
    write_config,
)
from sqlite_utils import Database

from schemas import migrations
from scraper import store
from scraper.errors import StorageError
from scraper.merge import merge_archives

SHARDS = 2


@dataclass
class Crawled:
    single: Path
    shards: list[Path]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    """Blogs crawled once in one process, and once as SHARDS shard archives (each in its own folder)."""
    root = tmp_path_factory.mktemp("crawled")
    servers = start_blogs(3, SHARDS)
    try:
        config = write_config(root / "sites.toml", [server.url for server in servers])
        single = root / "single" / "archive.db"
        done = fitarchive("crawl", "--config", str(config), "--db", str(single), "--quiet")
        assert done.returncode == 0, done.stderr
        shards = []
        for index in range(SHARDS):
            shard = root / f"shard{index}" / "archive.db"
            done = fitarchive(
                "crawl",
                "--config",
                str(config),
                "--db",
                str(shard),
                "--shard",
                f"{index}/{SHARDS}",
                "--quiet",
            )
            assert done.returncode == 0, done.stderr
            shards.append(shard)
    finally:
        for server in servers:
            server.stop()
    return Crawled(single, shards)


def copy_archive(source: Path, folder: Path) -> Path:
    """Copy an archive (checkpointed) and its image store into ``folder``."""
    folder.mkdir(parents=True)
    target = folder / source.name
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    if (source.parent / "images").exists():
        shutil.copytree(source.parent / "images", folder / "images")
    return target


def test_merged_shards_equal_a_single_crawl_row_for_row(crawled: Crawled, tmp_path: Path) -> None:
    target = tmp_path / "merged" / "archive.db"
    done = fitarchive("merge", str(target), *map(str, crawled.shards))
    assert done.returncode == 0, done.stderr
    assert "merged 2 shard(s)" in done.stderr
    merged, single = contract_rows(target), contract_rows(crawled.single)
    assert {t: len(rows) for t, rows in merged.items()} == {
        t: len(rows) for t, rows in single.items()
    }
    for table in single:
        assert merged[table] == single[table], table
    assert len(single["comments"]) > 100 and len(single["sites"]) >= 3
    assert image_files(target.parent) == image_files(crawled.single.parent)
    assert image_files(target.parent)
    # Full-text search was rebuilt by the triggers, not copied.
    db = Database(target)
    assert db.execute("select count(*) from comments_fts").fetchone()[0] == len(single["comments"])
    hits = db.execute("select count(*) from posts_fts where posts_fts match 'squat'").fetchone()[0]
    assert (
        hits
        == Database(crawled.single)
        .execute("select count(*) from posts_fts where posts_fts match 'squat'")
        .fetchone()[0]
        > 0
    )


def test_merging_the_same_shards_again_changes_nothing(crawled: Crawled, tmp_path: Path) -> None:
    target = tmp_path / "archive.db"
    merge_archives(target, crawled.shards)
    before = full_dump(target)
    again = merge_archives(target, crawled.shards)
    assert full_dump(target) == before
    assert sum(again.rows_written.values()) == 0 and again.images_copied == 0


def test_any_merge_order_gives_the_same_archive(crawled: Crawled, tmp_path: Path) -> None:
    forward, backward = tmp_path / "forward" / "a.db", tmp_path / "backward" / "a.db"
    for shard in crawled.shards:
        merge_archives(forward, [shard])
    for shard in reversed(crawled.shards):
        merge_archives(backward, [shard])
    assert full_dump(forward) == full_dump(backward)


def _later_capture(shard: Path, folder: Path) -> tuple[Path, int, str]:
    """A copy of ``shard`` as a later crawl would leave it: one post edited, one comment deleted."""
    later = copy_archive(shard, folder)
    db = Database(later)
    post_id, old_hash = db.execute(
        "select id, content_hash from posts order by url limit 1"
    ).fetchone()
    new_hash = "f" * 64
    with db.conn:
        db.execute(
            "update posts set title = 'Edited title', body_html = '<p>edited</p>', body_text = 'edited', "
            "content_hash = ?, last_seen_at = '2999-01-01T00:00:00+00:00' where id = ?",
            [new_hash, post_id],
        )
        db.execute(
            "insert into post_versions (id, post_id, content_hash, title, body_html, captured_at) "
            "values (?, ?, ?, 'Edited title', '<p>edited</p>', '2999-01-01T00:00:00+00:00')",
            [store.stable_id(str(post_id), new_hash), post_id, new_hash],
        )
        db.execute(
            "update comments set deleted_at = '2999-01-01T00:00:00+00:00' where id = "
            "(select min(id) from comments where post_id = ?)",
            [post_id],
        )
    db.close()
    return later, post_id, old_hash


def test_the_newer_capture_of_a_post_wins_in_any_order_and_both_versions_stay(
    crawled: Crawled, tmp_path: Path
) -> None:
    later, post_id, old_hash = _later_capture(crawled.shards[0], tmp_path / "later")
    one, two = tmp_path / "one" / "a.db", tmp_path / "two" / "a.db"
    for shard in (crawled.shards[0], later, crawled.shards[1]):
        merge_archives(one, [shard])
    for shard in (later, crawled.shards[1], crawled.shards[0]):
        merge_archives(two, [shard])
    assert full_dump(one) == full_dump(two)
    db = Database(one)
    assert (
        db.execute("select title from posts where id = ?", [post_id]).fetchone()[0]
        == "Edited title"
    )
    hashes = {
        row[0]
        for row in db.execute("select content_hash from post_versions where post_id = ?", [post_id])
    }
    assert {old_hash, "f" * 64} <= hashes
    live, count = db.execute(
        "select (select count(*) from comments where post_id = p.id and deleted_at is null), "
        "comment_count from posts p where id = ?",
        [post_id],
    ).fetchone()
    assert live == count
    assert (
        db.execute(
            "select count(*) from comments where post_id = ? and deleted_at is not null", [post_id]
        ).fetchone()[0]
        == 1
    )


def test_a_merge_killed_half_way_leaves_the_target_as_it_was(
    crawled: Crawled, tmp_path: Path
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from merge import generate_shard  # bench/merge.py

    big = tmp_path / "big" / "shard.db"
    big.parent.mkdir()
    generate_shard(big, index=0, sites=20, posts_per_site=50, comments_per_post=200)
    target = tmp_path / "target" / "archive.db"
    merge_archives(target, crawled.shards)
    before = full_dump(target)
    files_before = image_files(target.parent)
    wal = Path(f"{target}-wal")
    start_size = wal.stat().st_size if wal.exists() else 0
    child = subprocess.Popen(
        [sys.executable, "-m", "scraper", "merge", str(target), str(big)],
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:  # kill once it is writing
            if wal.exists() and wal.stat().st_size > start_size + 1_000_000:
                break
            time.sleep(0.01)
        assert child.poll() is None, "the merge ended before it could be killed"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        assert child.stderr is not None
        child.stderr.close()
    assert full_dump(target) == before
    assert image_files(target.parent) == files_before
    db = Database(target)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    db.close()
    report = merge_archives(target, [big])  # and the merge then runs to the end
    assert report.rows_written["comments"] == 20 * 50 * 200


def test_a_shard_from_a_newer_fitarchive_is_refused_in_one_line(
    crawled: Crawled, tmp_path: Path
) -> None:
    newer = copy_archive(crawled.shards[0], tmp_path / "newer")
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) "
            "values ('fitarchive', '9999_from_the_future', '2999-01-01')"
        )
    target = tmp_path / "target" / "a.db"
    merge_archives(target, [crawled.shards[1]])
    before = full_dump(target)
    done = fitarchive("merge", str(target), str(crawled.shards[1]), str(newer))
    assert done.returncode == 1
    expected = (
        f"Error: {newer}: archive was written by a newer fitarchive (migration 9999_from_the_future); "
        "upgrade fitarchive"
    )
    assert done.stderr.strip().splitlines() == [expected]
    assert full_dump(target) == before


def test_an_older_shard_is_migrated_and_merged(tmp_path: Path) -> None:
    names = [m.name for m in migrations._migrations]
    older = tmp_path / "older" / "a.db"
    older.parent.mkdir()
    db = Database(older)
    migrations.apply(db, stop_before=names[-1])
    site_id = store.stable_id("http://old.test/")
    db.execute(
        "insert into sites (id, base_url, platform) values (?, 'http://old.test/', 'generic')",
        [site_id],
    )
    db.conn.commit()
    db.close()
    target = tmp_path / "target" / "a.db"
    report = merge_archives(target, [older])
    assert report.rows_written["sites"] == 1
    assert names[-1] in store.applied_migrations(Database(older))
    assert Database(target).execute("select base_url from sites").fetchall() == [
        ("http://old.test/",)
    ]


def test_a_locked_target_is_refused(crawled: Crawled, tmp_path: Path) -> None:
    target = tmp_path / "a.db"
    with store.ArchiveLock(target):
        done = fitarchive("merge", str(target), str(crawled.shards[0]))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "another fitarchive" in done.stderr
    assert not target.exists() or Database(target).table_names() == []


def test_a_missing_shard_is_named(tmp_path: Path) -> None:
    done = fitarchive("merge", str(tmp_path / "a.db"), str(tmp_path / "nope.db"))
    assert done.returncode == 1
    assert done.stderr.strip() == f"Error: {tmp_path / 'nope.db'}: no such shard archive"


def test_rows_are_matched_by_natural_key_not_by_rowid(crawled: Crawled, tmp_path: Path) -> None:
    """A shard whose post carries another id (an older id scheme) still lands on the same post."""
    renumbered = copy_archive(crawled.shards[0], tmp_path / "renumbered")
    conn = sqlite3.connect(renumbered)
    post_id, url = conn.execute(
        "select p.id, p.url from posts p where exists (select 1 from comments c where c.post_id = p.id) "
        "order by p.url limit 1"
    ).fetchone()
    new_id = 42
    with conn:
        conn.execute("pragma foreign_keys = off")
        for table, column in (
            ("posts", "id"),
            ("comments", "post_id"),
            ("post_versions", "post_id"),
            ("post_images", "post_id"),
            ("post_terms", "post_id"),
        ):
            conn.execute(f"update {table} set {column} = ? where {column} = ?", [new_id, post_id])
        conn.execute(
            "update comments set id = id + 1 where post_id = ?", [new_id]
        )  # other comment ids too
        conn.execute(
            "update comments set parent_id = parent_id + 1 where post_id = ? and parent_id is not null",
            [new_id],
        )
    conn.close()
    target = tmp_path / "target" / "a.db"
    merge_archives(target, [crawled.shards[0]])
    before = contract_rows(target)
    merge_archives(target, [renumbered])
    db = Database(target)
    assert db.execute("select id from posts where url = ?", [url]).fetchall() == [(post_id,)]
    assert db.execute("select count(*) from posts where id = ?", [new_id]).fetchone()[0] == 0
    assert (
        db.execute("select count(*) from comments where post_id = ?", [new_id]).fetchone()[0] == 0
    )
    orphans = db.execute(
        "select count(*) from comments c left join comments p on p.id = c.parent_id "
        "where c.parent_id is not null and p.id is null"
    ).fetchone()[0]
    assert orphans == 0
    db.close()
    assert contract_rows(target) == before


def test_the_merge_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from merge import run  # bench/merge.py

    figures = run(4000, 2, tmp_path)
    assert figures["comments"] == 4000 and figures["rows_read"] > 4000
    assert figures["remerge_rows_written"] == 0 and figures["merge_rows_per_s"] > 0


def test_a_table_without_a_rule_is_merged_by_its_primary_key(
    crawled: Crawled, tmp_path: Path
) -> None:
    shard = copy_archive(crawled.shards[0], tmp_path / "shard")
    target = tmp_path / "a.db"
    store.open_db(target).close()
    for path in (shard, target):
        with sqlite3.connect(path) as conn:
            conn.execute("create table image_notes (sha256 text primary key, note text)")
    with sqlite3.connect(shard) as conn:
        conn.executemany(
            "insert into image_notes values (?, ?)", [("a" * 64, "row 1"), ("b" * 64, "row 2")]
        )
    report = merge_archives(target, [shard])
    assert report.rows_written["image_notes"] == 2
    again = merge_archives(target, [shard])
    assert again.rows_written["image_notes"] == 0
    with sqlite3.connect(target) as conn:
        assert conn.execute("select * from image_notes order by sha256").fetchall() == [
            ("a" * 64, "row 1"),
            ("b" * 64, "row 2"),
        ]
        conn.execute("create table loose_rows (note text)")
    with pytest.raises(StorageError, match="table loose_rows has no primary key"):
        merge_archives(target, [shard])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("hello"), "not an SQLite database"),
        (lambda p: p.write_bytes(b""), "empty file, not a shard archive"),
        (lambda p: p.mkdir(), "is a directory, not a shard archive"),
    ],
)
def test_a_bad_shard_is_named_in_one_line_and_the_target_is_left_alone(
    crawled: Crawled, tmp_path: Path, make: Any, message: str
) -> None:
    target = tmp_path / "target" / "a.db"
    merge_archives(target, [crawled.shards[0]])
    before = full_dump(target)
    bad = tmp_path / "bad.db"
    make(bad)
    done = fitarchive("merge", str(target), str(crawled.shards[1]), str(bad))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {bad}: ") and message in lines[0]
    assert full_dump(target) == before


def test_the_target_cannot_be_one_of_the_shards(crawled: Crawled, tmp_path: Path) -> None:
    target = copy_archive(crawled.shards[0], tmp_path / "t")
    done = fitarchive("merge", str(target), str(crawled.shards[1]), str(target.parent / "." / target.name))
    assert done.returncode == 2
    assert done.stderr.strip().endswith("a shard cannot be the merge target itself")


def test_an_image_path_outside_the_image_store_is_not_copied(crawled: Crawled, tmp_path: Path) -> None:
    shard = copy_archive(crawled.shards[0], tmp_path / "a" / "shard")
    (tmp_path / "a" / "leak").mkdir()
    (tmp_path / "a" / "leak" / "secret.txt").write_text("not an image")
    with sqlite3.connect(shard) as conn:
        conn.execute(
            "insert into images (id, url, sha256, mime, path) values "
            "(7, 'http://x.test/a.jpg', ?, 'image/jpeg', '../leak/secret.txt')",
            ["c" * 64],
        )
    target = tmp_path / "b" / "target" / "a.db"
    report = merge_archives(target, [shard])
    assert report.images_missing == 1
    assert not (tmp_path / "b" / "leak").exists()
    assert report.images_copied == len(image_files(shard.parent))
