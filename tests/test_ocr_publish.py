"""Routine rows in the published archive: under each image of the reader view, as CSV, faceted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette
from ocr_fakes import FakeEngine
from test_ocr_run import BACK_CARD, make_archive

from scraper import store
from scraper.ocr_run import run_ocr
from scraper.publish import datasette_kwargs

HOSTILE_CARD = "Leg day <script>alert(1)</script>\nSquat 5 x 5"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ocr-publish") / "fitness.db"
    make_archive(path, {"card.png": BACK_CARD.encode(), "photo.jpg": b"PHOTO", "hostile.png": HOSTILE_CARD.encode()})
    run_ocr(path, engine_factory=FakeEngine)
    return path


@pytest.fixture
def ds(db_path: Path) -> Datasette:
    return Datasette(**datasette_kwargs(db_path))


def post_id(db_path: Path) -> int:
    db = store.open_db(db_path, readonly=True)
    try:
        return int(db.execute("select id from posts").fetchone()[0])
    finally:
        db.close()


async def test_reader_view_shows_the_rows_under_their_image_and_the_raw_text_collapsed(ds: Datasette,
                                                                                        db_path: Path) -> None:
    response = await ds.client.get(f"/post/{post_id(db_path)}")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    figures = soup.select("figure.routine-image")
    assert len(figures) == 3
    card, photo, hostile = figures
    rows = [[cell.get_text(" ", strip=True) for cell in tr.select("td")] for tr in card.select("table.routine-rows tbody tr")]
    assert rows == [["1", "Barbell row", "4", "8", "90 s"], ["2", "Face pull", "3", "15", "90 s"]]
    details = card.select_one("details.image-text")
    assert details is not None and not details.has_attr("open")
    assert details.select_one("pre").get_text() == BACK_CARD
    assert photo.select_one(".routine-card-text") is None  # a photo without text shows nothing extra
    assert hostile.select_one("script") is None
    assert "<script>alert(1)</script>" in hostile.select_one("details pre").get_text()


async def test_routine_exercises_streams_as_csv_with_post_and_heading(ds: Datasette) -> None:
    response = await ds.client.get("/fitness/routine_exercises.csv?_stream=on")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["post_title"], r["heading"], r["exercise"], r["sets"], r["reps"], r["rest_seconds"]) for r in rows] == [
        ("Back Day", "Back Routine 1", "Barbell row", "4", "8", "90"),
        ("Back Day", "Back Routine 1", "Face pull", "3", "15", "90"),
        ("Back Day", "Back Routine 1", "Squat", "5", "5", ""),
    ]


async def test_routine_exercises_is_faceted_on_exercise(ds: Datasette) -> None:
    response = await ds.client.get("/fitness/routine_exercises.json?_shape=objects")
    assert response.status_code == 200
    facets = response.json()["facet_results"]
    assert {item["value"] for item in facets["exercise"]["results"]} == {"Barbell row", "Face pull", "Squat"}


async def test_an_archive_without_ocr_tables_still_renders_its_posts(tmp_path: Path) -> None:
    path = tmp_path / "fitness.db"
    make_archive(path, {"card.png": BACK_CARD.encode()})
    db = store.open_db(path)
    for name in ("routine_exercises",):
        db.execute(f"drop view {name}")
    for name in ("routine_rows", "image_text_lines", "image_text"):
        db.execute(f"drop table {name}")
    db.conn.commit()
    db.close()
    response = await Datasette(**datasette_kwargs(path)).client.get(f"/post/{post_id(path)}")
    assert response.status_code == 200
    assert "routine-card-text" not in response.text
