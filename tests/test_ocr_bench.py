"""The routine-card generator of bench/ocr.py: reproducible, and its truth agrees with its text."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import ocr as ocr_bench  # noqa: E402
import ocr_cards  # noqa: E402

from scraper.ocr.records import ImageReading, OcrLine  # noqa: E402


def test_the_same_seed_draws_the_same_cards() -> None:
    first, again = ocr_cards.generate(3, seed=5), ocr_cards.generate(3, seed=5)
    assert [c.image for c in first] == [c.image for c in again]
    assert [c.truth() for c in first] == [c.truth() for c in again]
    assert first[0].image != ocr_cards.generate(1, seed=6)[0].image


@pytest.mark.parametrize("layout", ["list", "columns", "two-line"])
def test_a_perfect_reading_of_a_card_scores_all_rows_correct(layout: str) -> None:
    card = ocr_cards.draw_card(random.Random(3), "c", layout=layout, size=24)
    lines = tuple(OcrLine(text, 1.0, ()) for text in card.lines)
    reading = ImageReading.from_lines(lines, engine="truth", engine_version="0")
    score = ocr_bench.score_card(card.truth(), reading)
    assert score["char_errors"] == 0
    assert score["rows_correct"] == score["rows"] == len(card.rows) > 0
    assert score["rows_extra"] == 0


def test_a_misread_row_counts_as_wrong() -> None:
    card = ocr_cards.draw_card(random.Random(4), "c", layout="list", size=24)
    lines = [OcrLine(text, 1.0, ()) for text in card.lines]
    lines[1] = OcrLine(lines[1].text.replace(card.rows[0].exercise, "Mystery lift"), 1.0, ())
    reading = ImageReading.from_lines(lines, engine="truth", engine_version="0")
    score = ocr_bench.score_card(card.truth(), reading)
    assert score["rows_correct"] == score["rows"] - 1
    assert score["char_errors"] > 0
