"""End to end: crawl the loopback WordPress's routine posts, read their cards offline, publish the rows.

The harness posts three routine cards (tests/wordpress/cards/): a list with a card-wide
rest, a table and a handwritten numbered list. OCR runs without any network (its own
network namespace), then a second `crawl --ocr` reads nothing new, and a real
Datasette process shows the rows under the images and streams them as CSV.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from serving import free_port, serving
from sqlite_utils import Database

pytestmark = [pytest.mark.wp, pytest.mark.ocr]

#: What each card says, by the key of its post in the harness manifest: (heading, rows).
CARDS: dict[str, tuple[str, list[tuple[str, int, str, int]]]] = {
    "back": ("Back Routine 1", [("Barbell row", 4, "8", 90), ("Chest-supported row", 3, "12", 90),
                                ("Straight-arm pulldown", 3, "15", 90), ("Face pull", 3, "15", 90)]),
    "legs": ("Leg Routine 2", [("Romanian deadlift", 3, "8-10", 120), ("Bulgarian split squat", 3, "10", 90),
                               ("Walking lunge", 2, "20", 60), ("Standing calf raise", 4, "12", 45)]),
    "core": ("Core Routine 1", [("Pallof press", 3, "10", 60), ("Copenhagen plank", 3, "30 s", 60),
                                ("Dead bug", 3, "12", 60), ("Hollow hold", 2, "AMRAP", 60)]),
}


def run_cli(*args: str, offline: bool = False) -> subprocess.CompletedProcess[str]:
    prefix = ["unshare", "-rn"] if offline else []  # a network namespace with no interface but lo (down)
    return subprocess.run([*prefix, sys.executable, "-m", "scraper", *args], capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def archive(wordpress: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    wordpress.reset_switches()
    posts = {post["key"]: post for post in wordpress.manifest["posts"] if post["key"] in CARDS}
    include = "|".join(re.escape(post["url"]) for post in posts.values())
    db_path = tmp_path_factory.mktemp("ocr-wp") / "fitness.db"
    crawl = ["crawl", wordpress.base_url, "--db", str(db_path), "--delay", "0", "--concurrency", "4",
             "--include", include]
    first = run_cli(*crawl, "--quiet")
    assert first.returncode == 0, first.stderr
    yield db_path, {"posts": posts, "crawl": crawl}


def test_ocr_fills_the_tables_offline_and_a_scheduled_run_reads_nothing_new(
        archive: tuple[Path, dict[str, Any]]) -> None:
    db_path, context = archive
    result = run_cli("ocr", "--db", str(db_path), offline=True)
    assert result.returncode == 0, result.stderr
    assert ", 0 failed" in result.stderr
    db = Database(db_path)
    images = db.execute("select count(distinct sha256) from images where sha256 is not null").fetchone()[0]
    assert db.execute("select count(*) from image_text").fetchone()[0] == images
    for key, (heading, rows) in CARDS.items():
        got = [tuple(row) for row in db.execute(
            "select exercise, sets, reps, rest_seconds from routine_exercises where post_url = ? and heading = ? "
            "order by position", [context["posts"][key]["url"], heading])]
        assert got == rows, key
    # Text that is only in an image is in image_text, ready for search; the post bodies lack it.
    assert db.execute("select count(*) from image_text where text like '%Bulgarian split squat%'").fetchone()[0] == 1
    assert db.execute("select count(*) from posts where body_text like '%Bulgarian%'").fetchone()[0] == 0
    db.close()

    again = run_cli(*context["crawl"], "--ocr")
    assert again.returncode == 0, again.stderr
    assert "read 0 images" in again.stderr


def test_datasette_shows_the_rows_and_streams_them_as_csv(archive: tuple[Path, dict[str, Any]]) -> None:
    db_path, context = archive
    assert run_cli("ocr", "--db", str(db_path), offline=True).returncode == 0  # no-op when already read
    port = free_port()
    with serving([sys.executable, "-m", "scraper", "serve", "--db", str(db_path), "--port", str(port)],
                 port) as base:
        db = Database(db_path)
        post_id = db.execute("select id from posts where url = ?", [context["posts"]["legs"]["url"]]).fetchone()[0]
        db.close()
        page = httpx.get(f"{base}/post/{post_id}", timeout=10)
        assert page.status_code == 200
        soup = BeautifulSoup(page.text, "html.parser")
        tables = soup.select("figure.routine-image table.routine-rows")
        assert len(tables) == 1
        exercises = [tr.select("td")[1].get_text(strip=True) for tr in tables[0].select("tbody tr")]
        assert exercises == [row[0] for row in CARDS["legs"][1]]
        assert "Bulgarian split squat" in tables[0].find_parent("figure").select_one("details pre").get_text()

        response = httpx.get(f"{base}/fitness/routine_exercises.csv?_stream=on", timeout=30)
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == sum(len(rows) for _, rows in CARDS.values())
        assert {(r["heading"], r["exercise"], r["reps"]) for r in rows} == {
            (heading, exercise, reps) for heading, card in CARDS.values() for exercise, _, reps, _ in card}
