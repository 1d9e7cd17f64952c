"""`fitarchive ocr` over an archive: incremental, resumable, a capped worker, re-parsing without OCR.

Most tests run a stand-in engine (tests/ocr_fakes.py) in the real worker process; the
ones marked ``ocr`` run RapidOCR on the harness's routine cards (about a second each).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from ocr_fakes import CountedEngine, FakeEngine, FakeEngineV2
from sqlite_utils import Database

import scraper.ocr_run
from scraper import store
from scraper.cli import cli
from scraper.errors import LockedError
from scraper.ocr.engine import OcrEngine
from scraper.ocr_run import run_ocr
from scraper.records import ImageFile, ImageRef, Post

REPO = Path(__file__).resolve().parent.parent
CARDS = REPO / "tests" / "wordpress" / "cards"
BASE = "http://blog.test/"
BACK_CARD = "BACK ROUTINE 1\nBarbell row 4 x 8\nFace pull 3 x 15\nRest 90 s"


def make_archive(db_path: Path, images: dict[str, bytes], heading: str = "Back Routine 1",
                 slug: str = "back") -> None:
    """An archive with one post showing ``images`` (name -> file bytes), all downloaded."""
    db = store.open_db(db_path)
    site_id = store.save_site(db, base_url=BASE, name="Blog", platform="wordpress")
    refs = tuple(ImageRef(url=f"{BASE}uploads/{name}", position=index, heading=heading)
                 for index, name in enumerate(images))
    post = Post(url=f"{BASE}{slug}/", title=f"{slug.title()} Day", remote_id=slug, body_html="<p>Rows.</p>",
                body_text="Rows.", published_at=datetime(2024, 1, 15, tzinfo=timezone.utc), images=refs)
    store.save_post(db, site_id=site_id, site_base_url=BASE, post=post)
    for name, data in images.items():
        add_file(db, db_path.parent, name, data)
    db.close()


def add_file(db: Database, root: Path, name: str, data: bytes) -> None:
    mime = "image/jpeg" if name.endswith(".jpg") else "image/png"
    store.save_image_file(db, ImageFile(url=f"{BASE}uploads/{name}", sha256=hashlib.sha256(data).hexdigest(),
                                        mime=mime, width=100, height=100, size=len(data), data=data),
                          store_root=root)


def query(db_path: Path, sql: str) -> list[tuple]:
    db = Database(db_path)
    try:
        return [tuple(row) for row in db.execute(sql).fetchall()]
    finally:
        db.close()


def test_reads_each_file_once_and_a_rerun_reads_only_new_images(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {"card.png": BACK_CARD.encode(), "same-card.png": BACK_CARD.encode(),
                           "photo.jpg": b"PHOTO"})
    progress: list[tuple[int, int]] = []
    first = run_ocr(db_path, engine_factory=FakeEngine, on_progress=lambda done, total: progress.append((done, total)))
    assert (first.read, first.with_text, first.rows, first.failed) == (2, 1, 2, 0)
    assert progress == [(0, 2), (1, 2), (2, 2)]
    assert query(db_path, "select exercise, sets, reps, rest_seconds from routine_exercises order by image_position, position") == [
        ("Barbell row", 4, "8", 90), ("Face pull", 3, "15", 90),  # card.png
        ("Barbell row", 4, "8", 90), ("Face pull", 3, "15", 90),  # same-card.png: same file, read once
    ]
    assert query(db_path, "select count(*), sum(line_count = 0) from image_text") == [(2, 1)]

    again = run_ocr(db_path, engine_factory=FakeEngine)
    assert again.read == 0
    db = store.open_db(db_path)
    add_file(db, tmp_path, "new.png", b"Squat 5 x 5")
    db.close()
    third = run_ocr(db_path, engine_factory=FakeEngine)
    assert (third.read, third.rows) == (1, 1)
    # A new engine version reads everything again; the view shows each placement once.
    newer = run_ocr(db_path, engine_factory=FakeEngineV2)
    assert newer.read == 3
    assert query(db_path, "select count(*) from routine_exercises") == [(4,)]


def test_a_run_with_nothing_new_starts_no_worker(tmp_path: Path, monkeypatch) -> None:
    db_path = tmp_path / "a.db"
    starts = tmp_path / "engine-starts.txt"
    monkeypatch.setenv("OCR_FAKE_STARTS", str(starts))
    make_archive(db_path, {"card.png": BACK_CARD.encode()})
    assert run_ocr(db_path, engine_factory=CountedEngine).read == 1
    [worker_pid] = starts.read_text().split()
    assert int(worker_pid) != os.getpid()  # the engine was built in the worker process
    progress: list[tuple[int, int]] = []
    again = run_ocr(db_path, engine_factory=CountedEngine, on_progress=lambda *p: progress.append(p))
    assert (again.read, again.engine, again.engine_version) == (0, "fake", "1/test")
    assert progress == [(0, 0)]
    assert starts.read_text().split() == [worker_pid]  # no second engine, so no worker
    db = store.open_db(db_path)
    add_file(db, tmp_path, "new.png", b"Squat 5 x 5")
    db.close()
    assert run_ocr(db_path, engine_factory=CountedEngine).read == 1
    assert len(starts.read_text().split()) == 2


@pytest.mark.ocr
def test_the_default_engine_names_its_version_without_loading_models(tmp_path: Path) -> None:
    code = ("import sys; from scraper.ocr.engine import OcrEngine; print(*OcrEngine.identity()); "
            "print(sorted(m for m in ('rapidocr', 'onnxruntime', 'cv2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=60)
    identity, loaded = out.stdout.splitlines()
    name, version = identity.split()
    assert name == "rapidocr" and "PP-OCRv6" in version and loaded == "[]"


def test_a_bad_image_is_recorded_and_not_retried_and_the_run_goes_on(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {"broken.png": b"BOOM", "card.png": BACK_CARD.encode()})
    report = run_ocr(db_path, engine_factory=FakeEngine)
    assert (report.read, report.failed, report.rows) == (2, 1, 2)
    errors = query(db_path, "select error from image_text where error is not null")
    assert len(errors) == 1 and "ValueError: not an image" in errors[0][0]
    assert run_ocr(db_path, engine_factory=FakeEngine).read == 0


def test_the_worker_memory_cap_stops_a_runaway_image_only(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {"hog.png": b"HOG", "crash.png": b"DIE", "card.png": BACK_CARD.encode()})
    report = run_ocr(db_path, engine_factory=FakeEngine, memory_cap_mb=1024)
    assert (report.read, report.failed, report.rows) == (3, 2, 2)
    errors = sorted(row[0] for row in query(db_path, "select error from image_text where error is not null"))
    assert any("out of memory" in error for error in errors)
    assert any("worker died" in error for error in errors)


def test_stored_readings_are_parsed_again_when_the_parser_changes(tmp_path: Path, monkeypatch) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {"card.png": BACK_CARD.encode()})
    run_ocr(db_path, engine_factory=FakeEngine)
    version = scraper.ocr_run.PARSER_VERSION
    monkeypatch.setattr(scraper.ocr_run, "PARSER_VERSION", version + 1)
    report = run_ocr(db_path, engine_factory=FakeEngine)
    assert (report.read, report.reparsed) == (0, 1)
    assert query(db_path, "select distinct parser_version from routine_rows") == [(version + 1,)]
    assert run_ocr(db_path, engine_factory=FakeEngine).reparsed == 0
    assert run_ocr(db_path, engine_factory=FakeEngine, reparse=True).reparsed == 1


def test_an_interrupted_run_keeps_what_it_read(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {f"card-{n}.png": f"Row {n}\nSquat {n} x 5".encode() for n in range(12)})

    def stop_after_five(done: int, total: int) -> None:
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ocr(db_path, engine_factory=FakeEngine, on_progress=stop_after_five)
    assert query(db_path, "select count(*) from image_text") == [(5,)]
    assert run_ocr(db_path, engine_factory=FakeEngine).read == 7


KILLABLE_RUN = """
import sys
sys.path[:0] = [{tests!r}, {repo!r}]
from ocr_fakes import FakeEngine
from scraper.ocr.engine import OcrEngine
from scraper.ocr_run import run_ocr
run_ocr({db!r}, engine_factory=FakeEngine)
"""


def test_a_killed_run_resumes_with_the_images_it_had_not_stored(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {f"card-{n}.png": f"SLOW\nSquat {n} x 5".encode() for n in range(40)})
    script = KILLABLE_RUN.format(tests=str(REPO / "tests"), repo=str(REPO), db=str(db_path))
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and query(db_path, "select count(*) from image_text")[0][0] < 8:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    stored = query(db_path, "select count(*) from image_text")[0][0]
    assert 8 <= stored < 40
    assert query(db_path, "select count(*) from routine_rows")[0][0] == stored  # whole readings only
    report = run_ocr(db_path, engine_factory=FakeEngine)
    assert report.read == 40 - stored
    assert query(db_path, "select count(*) from routine_rows")[0][0] == 40


def test_a_run_waits_for_no_crawl_holding_the_archive(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {"card.png": BACK_CARD.encode()})
    with store.ArchiveLock(db_path), pytest.raises(LockedError):
        run_ocr(db_path, engine_factory=FakeEngine)


WITHOUT_EXTRA = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("rapidocr", "onnxruntime"):
            raise ImportError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Block())
sys.path.insert(0, {repo!r})
from scraper.cli import cli
cli(sys.argv[1:], prog_name="fitarchive")
"""


@pytest.mark.parametrize("args", [["ocr", "--db", "{db}"], ["ocr", "--json", "{card}"],
                                  ["crawl", "http://127.0.0.1:9/", "--ocr", "--db", "{db}"],
                                  ["demo", "--no-serve", "--ocr", "--db", "{db}"]])
def test_without_the_extra_ocr_says_how_to_install_it(tmp_path: Path, args: list[str]) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {"card.png": BACK_CARD.encode()})
    argv = [a.format(db=db_path, card=CARDS / "back-routine-1-card.png") for a in args]
    result = subprocess.run([sys.executable, "-c", WITHOUT_EXTRA.format(repo=str(REPO)), *argv],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: OCR is not installed")
    assert "pip install 'fitarchive[ocr]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert query(db_path, "select count(*) from image_text") == [(0,)]


def test_ocr_usage_errors() -> None:
    runner = CliRunner()
    no_file = runner.invoke(cli, ["ocr", "--json"])
    assert no_file.exit_code == 2 and "--json needs at least one image FILE" in no_file.output
    no_json = runner.invoke(cli, ["ocr", "card.png"])
    assert no_json.exit_code == 2 and "with --json" in no_json.output


# ---------------------------------------------------------------- the real engine (the [ocr] extra)


@pytest.mark.ocr
def test_ocr_command_reads_the_routine_cards_of_an_archive(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {"back.png": (CARDS / "back-routine-1-card.png").read_bytes(),
                           "legs.jpg": (CARDS / "leg-routine-2-card.jpg").read_bytes()})
    result = CliRunner().invoke(cli, ["ocr", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "read 2 images (2 with text, 8 routine rows), 0 failed" in result.output
    rows = query(db_path, "select exercise, sets, reps, rest_seconds from routine_exercises "
                          "order by image_position, position")
    assert rows == [
        ("Barbell row", 4, "8", 90), ("Chest-supported row", 3, "12", 90),
        ("Straight-arm pulldown", 3, "15", 90), ("Face pull", 3, "15", 90),
        ("Romanian deadlift", 3, "8-10", 120), ("Bulgarian split squat", 3, "10", 90),
        ("Walking lunge", 2, "20", 60), ("Standing calf raise", 4, "12", 45),
    ]
    text = query(db_path, "select text from image_text order by text")
    assert any("Bulgarian split squat" in row[0] for row in text)
    again = CliRunner().invoke(cli, ["ocr", "--db", str(db_path)])
    assert "read 0 images" in again.output
    stored = {row[0] for row in query(db_path, "select engine || ' ' || engine_version from image_text")}
    assert stored == {" ".join(OcrEngine.identity())}  # what the worker wrote is what a run looks for


@pytest.mark.ocr
def test_ocr_json_prints_one_object_per_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    result = subprocess.run([sys.executable, "-m", "scraper", "ocr", "--json",
                             str(CARDS / "core-finisher-card.png"), str(broken)],
                            capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 1
    card, bad = (json.loads(line) for line in result.stdout.splitlines())
    assert card["file"].endswith("core-finisher-card.png")
    assert "Copenhagen plank" in card["text"]
    assert all({"text", "confidence", "box"} <= set(line) for line in card["lines"])
    assert [(r["exercise"], r["sets"], r["reps"], r["rest_seconds"]) for r in card["rows"]] == [
        ("Pallof press", 3, "10", 60), ("Copenhagen plank", 3, "30 s", 60),
        ("Dead bug", 3, "12", 60), ("Hollow hold", 2, "AMRAP", 60),
    ]
    assert bad["file"].endswith("broken.png") and bad["error"] == "not an image (no image format recognised)"
    assert result.stderr.strip() == "Error: 1 of 2 files could not be read"


def test_the_config_file_can_ask_for_ocr_after_each_run(tmp_path: Path) -> None:
    from scraper.config import load_config
    from scraper.errors import ConfigError

    config = tmp_path / "sites.toml"
    config.write_text('ocr = true\n[[sites]]\nurl = "http://127.0.0.1:9/"\n')
    assert load_config(config)[0].settings.ocr is True
    config.write_text('ocr = "yes"\n[[sites]]\nurl = "http://127.0.0.1:9/"\n')
    with pytest.raises(ConfigError, match="'ocr' must be bool"):
        load_config(config)



INTERRUPTIBLE_RUN = """
import sys
sys.path[:0] = [{tests!r}, {repo!r}]
import scraper.ocr_run
from ocr_fakes import FakeEngine
scraper.ocr_run._default_engine = FakeEngine
scraper.ocr_run.ocr_available = lambda: True
import scraper.ocr.engine
scraper.ocr.engine.ocr_available = lambda: True
from scraper.cli import cli
cli(["ocr", "--db", {db!r}], prog_name="fitarchive")
"""


def test_ctrl_c_stores_what_was_read_and_marks_nothing_failed(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {f"card-{n}.png": f"SLOW\nSquat {n} x 5".encode() for n in range(40)})
    script = INTERRUPTIBLE_RUN.format(tests=str(REPO / "tests"), repo=str(REPO), db=str(db_path))
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and query(db_path, "select count(*) from image_text")[0][0] < 8:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGINT)  # the whole group, as a terminal's Ctrl-C does
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Run the same command to resume" in stderr
    stored = query(db_path, "select count(*) from image_text")[0][0]
    assert query(db_path, "select count(*) from image_text where error is not null") == [(0,)]
    assert run_ocr(db_path, engine_factory=FakeEngine).read == 40 - stored


def test_stats_counts_images_read_and_routine_rows(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {"card.png": BACK_CARD.encode(), "photo.jpg": b"PHOTO", "broken.png": b"BOOM"})
    run_ocr(db_path, engine_factory=FakeEngine)
    result = CliRunner().invoke(cli, ["stats", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    counts = {line[:16].strip(): int(line[16:]) for line in result.output.splitlines()
              if not line.startswith("last run")}
    assert (counts["images read"], counts["images with text"], counts["routine rows"]) == (3, 1, 2)


def test_an_image_file_missing_from_the_store_is_skipped_not_recorded(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    make_archive(db_path, {"gone.png": b"Deadlift 3 x 5", "card.png": BACK_CARD.encode()})
    gone = tmp_path / query(db_path, "select path from images where url like '%gone.png'")[0][0]
    data = gone.read_bytes()
    gone.unlink()
    progress: list[tuple[int, int]] = []
    report = run_ocr(db_path, engine_factory=FakeEngine, on_progress=lambda done, total: progress.append((done, total)))
    assert (report.read, report.failed) == (1, 0) and progress[-1] == (2, 2)
    gone.write_bytes(data)  # back in the store: read on the next run
    assert run_ocr(db_path, engine_factory=FakeEngine).read == 1


def test_shards_with_readings_merge_into_one_archive_with_every_reading_once(tmp_path: Path) -> None:
    from scraper.merge import merge_archives

    first, second = tmp_path / "one" / "a.db", tmp_path / "two" / "a.db"
    first.parent.mkdir()
    second.parent.mkdir()
    make_archive(first, {"card.png": BACK_CARD.encode(), "squat.png": b"Squat 5 x 5\nRest 3 min"}, slug="back")
    make_archive(second, {"card.png": BACK_CARD.encode(), "legs.png": b"Lunge 3 x 12\nLeg press 4 x 10"},
                 slug="legs")
    for shard in (first, second):
        run_ocr(shard, engine_factory=FakeEngine)
    every = "select sha256, engine, engine_version, text, line_count from image_text"
    rows = ("select t.sha256, r.position, r.exercise, r.sets, r.reps, r.rest_seconds from routine_rows r "
            "join image_text t on t.id = r.image_text_id")
    wanted_text = sorted(set(query(first, every)) | set(query(second, every)))
    wanted_rows = sorted(set(query(first, rows)) | set(query(second, rows)))
    assert len(wanted_text) == 3 and len(wanted_rows) == 5  # the card is in both shards, read in each
    lines = ("select t.sha256, l.position, l.text, l.box from image_text_lines l "
             "join image_text t on t.id = l.image_text_id")
    wanted_lines = sorted(set(query(first, lines)) | set(query(second, lines)))

    target = tmp_path / "merged" / "a.db"
    for _ in range(2):  # merging again adds nothing
        merge_archives(target, [first, second])
        assert sorted(query(target, every)) == wanted_text
        assert sorted(query(target, rows)) == wanted_rows
        assert sorted(query(target, lines)) == wanted_lines
    assert sorted(query(target, "select post_title, exercise from routine_exercises")) == [
        ("Back Day", "Barbell row"), ("Back Day", "Face pull"), ("Back Day", "Squat"),
        ("Legs Day", "Barbell row"), ("Legs Day", "Face pull"), ("Legs Day", "Leg press"),
        ("Legs Day", "Lunge"),
    ]
    assert run_ocr(target, engine_factory=FakeEngine).read == 0  # the merged readings count as read
