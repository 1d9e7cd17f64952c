"""The archive database: migrations, stable ids, idempotent saves, comment trees."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

from schemas import migrations
from scraper import store
from scraper.errors import LockedError, SchemaError, StorageError
from scraper.records import Author, Comment, ImageFile, ImageRef, Post, Term

BASE = "http://blog.test/"


def make_post(body: str = "<p>Pull-ups, rows and curls.</p>", title: str = "Back Day") -> Post:
    return Post(
        url="http://blog.test/2024/02/back-day/",
        title=title,
        remote_id="42",
        author=Author(name="Zoë Müller", remote_id="3", slug="zoe"),
        published_at=datetime(2024, 2, 11, 9, 30, tzinfo=timezone.utc),
        body_html=body,
        body_text="Pull-ups, rows and curls.",
        terms=(Term(kind="category", name="Strength", slug="strength"), Term(kind="tag", name="Back", slug="back")),
        images=(ImageRef(url="http://blog.test/wp-content/uploads/back-1.png", position=0, heading="Back Routine 1",
                         caption="Four moves", alt="routine card"),),
    )


def thread() -> list[Comment]:
    return [
        Comment(remote_id="1", author_name="Ann", body_text="Great"),
        Comment(remote_id="2", parent_remote_id="1", depth=2, author_name="Bo", body_text="Agreed"),
        Comment(remote_id="3", parent_remote_id="2", depth=3, author_name="Cy", body_text="Same"),
        Comment(remote_id="10", parent_remote_id="3", depth=4, author_name="Di", body_text="Deep"),
        Comment(remote_id="4", author_name="Ed", body_text="Second thread"),
    ]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return store.open_db(tmp_path / "a.db")


def rows(db: Database, sql: str) -> list[tuple]:
    return [tuple(row) for row in db.execute(sql).fetchall()]


def test_migrations_create_the_contract_tables_and_views(db: Database) -> None:
    tables = set(db.table_names())
    for name in ("sites", "authors", "posts", "post_versions", "images", "post_images", "comments", "terms",
                 "post_terms", "crawl_runs", "fetches", "pages", "posts_fts", "comments_fts"):
        assert name in tables
    assert {"comment_threads", "routine_images"} <= set(db.view_names())
    assert {c.name for c in db["posts"].columns} >= {
        "id", "site_id", "remote_id", "url", "title", "author_id", "published_at", "modified_at", "body_html",
        "body_text", "excerpt", "content_hash", "first_seen_at", "last_seen_at"}


def test_migrations_apply_on_a_database_at_the_previous_step(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    names = [m.name for m in migrations._migrations]
    old = Database(path)
    migrations.apply(old, stop_before="0006_fts")
    assert "posts_fts" not in old.table_names()
    old.close()
    db = store.open_db(path)
    assert "posts_fts" in db.table_names()
    assert [m.name for m in migrations.applied(db)] == names


def test_reopening_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    store.open_db(path).close()
    db = store.open_db(path)
    assert len(migrations.applied(db)) == len(migrations._migrations)


@pytest.mark.parametrize("content", [b"hello, not a database at all" * 10, b"SQLite format 3\x00" + b"\x00" * 200])
def test_foreign_or_corrupt_file_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(SchemaError) as info:
        store.open_db(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content


def test_other_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("create table invoices (id integer primary key, total real)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaError, match="not a fitarchive archive"):
        store.open_db(path)
    assert path.read_bytes() == before


def test_newer_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    db = store.open_db(path)
    db["_sqlite_migrations"].insert({"migration_set": "fitarchive", "name": "9999_future", "applied_at": "x"})
    db.close()
    with pytest.raises(SchemaError, match="newer fitarchive"):
        store.open_db(path)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a directory"):
        store.open_db(tmp_path)


def test_stable_ids_do_not_depend_on_insert_order(tmp_path: Path) -> None:
    one, two = store.open_db(tmp_path / "1.db"), store.open_db(tmp_path / "2.db")
    for db in (one, two):
        site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
        store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=thread())
    assert rows(one, "select id, path from comments order by id") == rows(two, "select id, path from comments order by id")


def test_saving_twice_changes_nothing(db: Database) -> None:
    site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    first = store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=thread(),
                            comments_complete=True)
    snapshot = {t: rows(db, f"select * from {t} order by 1") for t in
                ("posts", "comments", "post_images", "images", "terms", "post_terms", "post_versions", "authors")}
    second = store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=thread(),
                             comments_complete=True)
    assert (first.status, second.status) == ("new", "unchanged")
    assert second.comments_new == 0
    for table, before in snapshot.items():
        after = rows(db, f"select * from {table} order by 1")
        if table in ("posts", "comments"):  # only the seen/checked timestamps move
            assert len(after) == len(before)
        else:
            assert after == before, table


def test_edited_post_gets_a_second_version(db: Database) -> None:
    site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    store.save_post(db, site_id=site, site_base_url=BASE, post=make_post())
    result = store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(body="<p>Now with deadlifts.</p>"))
    assert result.status == "updated"
    assert db["post_versions"].count == 2
    assert db.execute("select body_html from posts").fetchone()[0] == "<p>Now with deadlifts.</p>"


def test_reply_to_reply_keeps_parent_id_depth_and_path(db: Database) -> None:
    site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=thread())
    tree = {r["remote_id"]: r for r in db.query("select c.*, p.remote_id as parent_remote from comments c "
                                                "left join comments p on p.id = c.parent_id")}
    assert tree["1"]["parent_remote"] is None and tree["1"]["depth"] == 1
    assert tree["2"]["parent_remote"] == "1" and tree["2"]["depth"] == 2
    assert tree["10"]["parent_remote"] == "3" and tree["10"]["depth"] == 4
    ordered = [r[0] for r in db.execute("select remote_id from comments order by path")]
    assert ordered == ["1", "2", "3", "10", "4"]


def test_vanished_comment_is_kept_with_deleted_at(db: Database) -> None:
    site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=thread(), comments_complete=True)
    remaining = [c for c in thread() if c.remote_id != "4"]
    result = store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=remaining,
                             comments_complete=True)
    assert result.comments_deleted == 1
    gone = db.execute("select deleted_at from comments where remote_id = '4'").fetchone()[0]
    assert gone is not None
    assert db.execute("select count(*) from comments").fetchone()[0] == 5


def test_incomplete_comment_list_deletes_nothing(db: Database) -> None:
    site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=thread(), comments_complete=True)
    store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=thread()[:1])
    assert db.execute("select count(*) from comments where deleted_at is not null").fetchone()[0] == 0


def test_fts_finds_post_and_comment(db: Database) -> None:
    site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=thread())
    posts = "select title from posts_fts where posts_fts match ?"
    assert [r[0] for r in db.execute(posts, ["curls"])] == ["Back Day"]
    assert [r["author_name"] for r in db["comments"].search("deep")] == ["Di"]


def test_image_shared_by_two_urls_is_stored_once(db: Database, tmp_path: Path) -> None:
    data = b"\x89PNG fake but identical"
    for url in ("http://blog.test/a.png", "http://blog.test/b.png"):
        db.execute("insert into images (id, url) values (?, ?)", [store.stable_id(url), url])
        store.save_image_file(db, ImageFile(url=url, sha256="ab" * 32, mime="image/png", width=1, height=1,
                                            size=len(data), data=data), store_root=tmp_path)
    files = list((tmp_path / "images").rglob("*.png"))
    assert len(files) == 1 and files[0].read_bytes() == data
    assert {r[0] for r in db.execute("select path from images")} == {f"images/ab/{'ab' * 32}.png"}


def test_routine_images_view_labels_images_with_headings(db: Database) -> None:
    site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    store.save_post(db, site_id=site, site_base_url=BASE, post=make_post())
    row = next(db.query("select * from routine_images"))
    assert (row["post_title"], row["heading"], row["caption"]) == ("Back Day", "Back Routine 1", "Four moves")


def test_second_lock_on_the_same_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with store.ArchiveLock(path):
        with pytest.raises(LockedError, match="another fitarchive crawl"):
            with store.ArchiveLock(path):
                pass
    with store.ArchiveLock(path):
        pass


def test_featured_body_placement_is_stored_once_with_its_heading(db: Database) -> None:
    site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    post = make_post()
    post = Post(**{**{f: getattr(post, f) for f in post.__dataclass_fields__}, "images": (
        ImageRef(url="https://example-fitness.blog/lead.jpg", position=0, role="featured"),
        ImageRef(url="https://example-fitness.blog/row.jpg", position=1, heading="Back Routine 1",
                 caption="Rows", is_featured=True),
        ImageRef(url="https://example-fitness.blog/row.jpg", position=2, heading="Finisher"),
    )})
    store.save_post(db, site_id=site, site_base_url=BASE, post=post)
    got = rows(db, "select position, role, is_featured, heading, caption from routine_images order by position")
    assert got == [
        (0, "featured", 1, None, None),
        (1, "body", 1, "Back Routine 1", "Rows"),
        (2, "body", 0, "Finisher", None),
    ]


def test_commenter_urls_that_are_not_web_links_are_never_stored(db: Database) -> None:
    site = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    comments = [Comment(remote_id="1", author_name="Ann", author_url="mailto:ann@readers.example"),
                Comment(remote_id="2", author_name="Bo", author_url="tel:+4930555"),
                Comment(remote_id="3", author_name="Cy", author_url="https://cy.example/")]
    store.save_post(db, site_id=site, site_base_url=BASE, post=make_post(), comments=comments)
    assert rows(db, "select remote_id, author_url from comments order by remote_id") == [
        ("1", None), ("2", None), ("3", "https://cy.example/")]
