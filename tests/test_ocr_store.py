"""Image text and routine rows in the archive: which images wait for OCR, readings, re-parsing, the view."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlite_utils import Database

from scraper import store
from scraper.ocr.records import ImageReading, OcrLine, RoutineRow
from scraper.records import ImageFile, ImageRef, Post

BASE = "http://blog.test/"
BOX = ((10.0, 10.0), (200.0, 10.0), (200.0, 40.0), (10.0, 40.0))


def image_ref(name: str, position: int, heading: str | None) -> ImageRef:
    return ImageRef(url=f"{BASE}uploads/{name}", position=position, heading=heading)


def save_post_with_images(db: Database, slug: str, refs: tuple[ImageRef, ...], published: str = "2024-02-11") -> int:
    site_id = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    from datetime import datetime, timezone

    post = Post(url=f"{BASE}{slug}/", title=slug.replace("-", " ").title(), remote_id=slug,
                published_at=datetime.fromisoformat(published).replace(tzinfo=timezone.utc),
                body_html="<p>Body</p>", body_text="Body", images=refs)
    return store.save_post(db, site_id=site_id, site_base_url=BASE, post=post).post_id


def store_file(db: Database, tmp_path: Path, name: str, data: bytes, mime: str = "image/png") -> str:
    sha = hashlib.sha256(data).hexdigest()
    store.save_image_file(db, ImageFile(url=f"{BASE}uploads/{name}", sha256=sha, mime=mime, width=10, height=10,
                                        size=len(data), data=data), store_root=tmp_path)
    return sha


def reading(*texts: str, version: str = "1.0/test") -> ImageReading:
    return ImageReading.from_lines([OcrLine(text=t, confidence=0.9, box=BOX) for t in texts],
                                   engine="fake", engine_version=version)


def row(position: int, exercise: str, sets: int | None = 3, reps: str | None = "10") -> RoutineRow:
    return RoutineRow(position=position, exercise=exercise, sets=sets, reps=reps, rest_seconds=90,
                      source_line=f"{exercise} {sets} x {reps}", low_confidence=False)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return store.open_db(tmp_path / "a.db")


def test_migration_creates_the_ocr_tables_and_view(db: Database) -> None:
    assert {"image_text", "image_text_lines", "routine_rows"} <= set(db.table_names())
    assert "routine_exercises" in db.view_names()
    assert "0011_ocr" in store.applied_migrations(db)


def test_pending_lists_each_file_content_once_and_skips_unreadable_types(db: Database, tmp_path: Path) -> None:
    save_post_with_images(db, "back", (image_ref("a.png", 0, "Back Routine 1"), image_ref("copy-of-a.png", 1, None),
                                       image_ref("b.jpg", 2, None), image_ref("logo.svg", 3, None),
                                       image_ref("never-downloaded.png", 4, None)))
    sha_a = store_file(db, tmp_path, "a.png", b"card A")
    assert store_file(db, tmp_path, "copy-of-a.png", b"card A") == sha_a
    sha_b = store_file(db, tmp_path, "b.jpg", b"card B", mime="image/jpeg")
    store_file(db, tmp_path, "logo.svg", b"<svg/>", mime="image/svg+xml")
    pending = store.ocr_pending(db, "fake", "1.0/test")
    assert sorted(target.sha256 for target in pending) == sorted([sha_a, sha_b])
    assert all((tmp_path / target.path).is_file() for target in pending)


def test_a_reading_is_kept_per_engine_version_and_leaves_pending(db: Database, tmp_path: Path) -> None:
    save_post_with_images(db, "back", (image_ref("a.png", 0, "Back Routine 1"), image_ref("b.png", 1, None)))
    sha_a = store_file(db, tmp_path, "a.png", b"card A")
    sha_b = store_file(db, tmp_path, "b.png", b"broken")
    with db.atomic():
        reading_id = store.save_image_reading(db, sha_a, reading("BACK ROUTINE 1", "Barbell row 4 x 8"),
                                              [row(1, "Barbell row", 4, "8")], parser_version=1)
        store.save_image_read_error(db, sha_b, "fake", "1.0/test", "cannot read the image")
    assert store.ocr_pending(db, "fake", "1.0/test") == []
    assert {t.sha256 for t in store.ocr_pending(db, "fake", "2.0/test")} == {sha_a, sha_b}
    text = db["image_text"].get(reading_id)
    assert text["text"] == "BACK ROUTINE 1\nBarbell row 4 x 8" and text["line_count"] == 2
    lines = list(db.query("select position, text, box from image_text_lines order by position"))
    assert [line["text"] for line in lines] == ["BACK ROUTINE 1", "Barbell row 4 x 8"]
    assert lines[0]["box"] == "[[10.0, 10.0], [200.0, 10.0], [200.0, 40.0], [10.0, 40.0]]"
    assert store.ocr_counts(db) == {"with_text": 1, "without_text": 0, "failed": 1, "routine_rows": 1}
    # Saving the same reading again replaces it: no duplicate lines or rows.
    store.save_image_reading(db, sha_a, reading("BACK ROUTINE 1", "Barbell row 4 x 8"),
                             [row(1, "Barbell row", 4, "8")], parser_version=1)
    assert db["image_text_lines"].count == 2 and db["routine_rows"].count == 1


def test_routine_exercises_lists_each_placement_with_the_newest_reading(db: Database, tmp_path: Path) -> None:
    first = save_post_with_images(db, "back-day", (image_ref("a.png", 0, "Back Routine 1"),))
    second = save_post_with_images(db, "pull-day", (image_ref("a-again.png", 0, "Pull Day"),), "2024-03-01")
    sha = store_file(db, tmp_path, "a.png", b"card A")
    store_file(db, tmp_path, "a-again.png", b"card A")
    store.save_image_reading(db, sha, reading("Barbell row 4 x 8", version="1.0/test"),
                             [row(1, "Barbel row", 4, "8")], parser_version=1)
    db.execute("update image_text set created_at = '2000-01-01T00:00:00+00:00'")
    store.save_image_reading(db, sha, reading("Barbell row 4 x 8", "Face pull 3 x 15", version="2.0/test"),
                             [row(1, "Barbell row", 4, "8"), row(2, "Face pull", 3, "15")], parser_version=1)
    assert store.ocr_counts(db) == {"with_text": 1, "without_text": 0, "failed": 0, "routine_rows": 2}
    result = list(db.query("select post_id, post_title, heading, exercise, sets, reps, rest_seconds "
                           "from routine_exercises"))
    assert [(r["post_id"], r["heading"], r["exercise"]) for r in result] == [
        (first, "Back Routine 1", "Barbell row"), (first, "Back Routine 1", "Face pull"),
        (second, "Pull Day", "Barbell row"), (second, "Pull Day", "Face pull"),
    ]
    assert result[1]["sets"] == 3 and result[1]["reps"] == "15" and result[1]["rest_seconds"] == 90


def test_readings_of_another_parser_version_are_parsed_again(db: Database, tmp_path: Path) -> None:
    save_post_with_images(db, "back", (image_ref("a.png", 0, None), image_ref("photo.png", 1, None)))
    sha = store_file(db, tmp_path, "a.png", b"card A")
    photo = store_file(db, tmp_path, "photo.png", b"photo")
    reading_id = store.save_image_reading(db, sha, reading("Face pull 3 x 15"), [row(1, "Face pul")], 1)
    store.save_image_reading(db, photo, reading(), [], 2)
    stale = list(store.readings_to_reparse(db, 2))
    assert [(s.id, s.sha256) for s in stale] == [(reading_id, sha)]
    assert stale[0].lines == (("Face pull 3 x 15", 0.9, BOX),)
    store.replace_routine_rows(db, reading_id, sha, [row(1, "Face pull", 3, "15")], 2)
    assert [r["exercise"] for r in db.query("select exercise from routine_rows")] == ["Face pull"]
    assert list(store.readings_to_reparse(db, 2)) == []
    assert len(list(store.readings_to_reparse(db, 2, everything=True))) == 2
