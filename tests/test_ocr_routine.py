"""The routine parser on readings written by hand: lists, tables, columns, notations, rests."""

from __future__ import annotations

import pytest
from ocr_readings import line, listing, reading, table

from scraper.ocr.layout import order_lines
from scraper.ocr.records import OcrLine
from scraper.ocr.routine import PARSER_VERSION, parse_rest, parse_routine


def rows_of(card_reading):  # type: ignore[no-untyped-def]
    return [(r.exercise, r.sets, r.reps, r.rest_seconds) for r in parse_routine(card_reading)]


def test_plain_list_with_card_level_rest() -> None:
    card = listing("Back Routine 1", "Barbell row 4 x 8", "Chest-supported row 3 x 12",
                   "Face pull 3 x 15", "Rest 90 s")
    assert rows_of(card) == [
        ("Barbell row", 4, "8", 90),
        ("Chest-supported row", 3, "12", 90),
        ("Face pull", 3, "15", 90),
    ]
    rows = parse_routine(card)
    assert [r.position for r in rows] == [1, 2, 3]
    assert rows[0].source_line == "Barbell row 4 x 8"
    assert not any(r.low_confidence for r in rows)
    assert isinstance(PARSER_VERSION, int)


@pytest.mark.parametrize(("text", "expected"), [
    ("Barbell row 3 x 10", ("Barbell row", 3, "10", None)),
    ("Barbell row 3x10", ("Barbell row", 3, "10", None)),
    ("Barbell row 3 × 8–12", ("Barbell row", 3, "8-12", None)),
    ("Barbell row 3 X 8 - 12", ("Barbell row", 3, "8-12", None)),
    ("Barbell row: 3 sets of 10", ("Barbell row", 3, "10", None)),
    ("Barbell row 4 sets x 8 reps", ("Barbell row", 4, "8", None)),
    ("Barbell row - 3 sets, 12 reps", ("Barbell row", 3, "12", None)),
    ("Pull-up 3 x AMRAP", ("Pull-up", 3, "AMRAP", None)),
    ("Push-ups 2 x max", ("Push-ups", 2, "max", None)),
    ("Plank 3 x 30 s", ("Plank", 3, "30 s", None)),
    ("Side plank 3 x 45sec", ("Side plank", 3, "45 s", None)),
    ("Walking lunge 3 x 10 each leg", ("Walking lunge", 3, "10 per leg", None)),
    ("Dips 12 reps", ("Dips", None, "12", None)),
    ("3 x 10 Goblet squat", ("Goblet squat", 3, "10", None)),
    ("Farmer's walk 3 x 40 m", ("Farmer's walk", 3, "40 m", None)),
])
def test_set_and_rep_notations(text: str, expected: tuple[object, ...]) -> None:
    assert rows_of(listing(text)) == [expected]


@pytest.mark.parametrize(("text", "seconds"), [
    ("Squat 5 x 5, rest 90 s", 90),
    ("Squat 5 x 5 rest 90sec", 90),
    ("Squat 5 x 5 - rest 1:30", 90),
    ("Squat 5 x 5 | rest 2 min", 120),
    ("Squat 5 x 5 (rest 1 min 30 s)", 90),
    ("Squat 5 x 5 - 60 s", 60),
    ("Squat 5 x 5, 2 min rest", 120),
    ("Squat 5 x 5 @ 3:00", 180),
    ("Squat 5 x 5 rest: 1.5 min", 90),
])
def test_rest_notations(text: str, seconds: int) -> None:
    assert rows_of(listing(text)) == [("Squat", 5, "5", seconds)]


def test_bullets_and_numbering_are_not_part_of_the_name() -> None:
    card = listing("• Bench press 4 x 6", "- Incline dumbbell press 3 x 10", "* Cable fly 3x15",
                   "1. Overhead press 4 x 8", "2) Lateral raise 3 x 15", "A1. Dips 3 x AMRAP",
                   "3 Triceps pushdown 3 x 12")
    assert [r.exercise for r in parse_routine(card)] == [
        "Bench press", "Incline dumbbell press", "Cable fly", "Overhead press",
        "Lateral raise", "Dips", "Triceps pushdown"]


def test_own_rest_wins_over_card_rest_wherever_the_card_rest_is_written() -> None:
    card = listing("Rest between sets: 2 min", "Squat 5 x 5 rest 3 min", "Leg press 3 x 12",
                   "Leg curl 3 x 12 - 60 s")
    assert rows_of(card) == [("Squat", 5, "5", 180), ("Leg press", 3, "12", 120),
                             ("Leg curl", 3, "12", 60)]


def test_headings_notes_and_footers_are_not_exercises() -> None:
    card = listing("PUSH DAY", "Week 3 - Hypertrophy", "Warm up: 10 min easy bike",
                   "Bench press 4 x 8", "Notes: add 2.5 kg when all sets are done",
                   "Dips 3 x 10", "@fitblog  www.example-fitness.blog", "Superset A:")
    assert rows_of(card) == [("Bench press", 4, "8", None), ("Dips", 3, "10", None)]


def test_table_with_header_row_and_separate_cells() -> None:
    card = table(("Exercise", "Sets", "Reps", "Rest"),
                 ("Barbell row", "4", "8", "90 s"),
                 ("Chest-supported row", "3", "10-12", "1:30"),
                 ("Face pull", "3", "15", "60 s"),
                 ("Dead hang", "2", "30 s", "2 min"))
    assert rows_of(card) == [
        ("Barbell row", 4, "8", 90),
        ("Chest-supported row", 3, "10-12", 90),
        ("Face pull", 3, "15", 60),
        ("Dead hang", 2, "30 s", 120),
    ]
    assert parse_routine(card)[0].source_line == "Barbell row 4 8 90 s"


def test_table_with_empty_cell_uses_column_positions() -> None:
    card = table(("Exercise", "Sets", "Reps", "Rest"),
                 ("Squat", "5", "5", "3 min"),
                 ("Calf raise", "4", "15", ""))
    assert rows_of(card) == [("Squat", 5, "5", 180), ("Calf raise", 4, "15", None)]


def test_table_in_rest_minutes_and_bare_numbers() -> None:
    card = table(("Movement", "Sets", "Reps", "Rest (min)"), ("Deadlift", "3", "5", "3"))
    assert rows_of(card) == [("Deadlift", 3, "5", 180)]


def test_table_written_with_pipes_on_one_line() -> None:
    card = listing("Exercise | Sets | Reps | Rest", "Hip thrust | 3 | 12 | 60 s",
                   "Romanian deadlift | 3 | 8-10 | 90 s")
    assert rows_of(card) == [("Hip thrust", 3, "12", 60), ("Romanian deadlift", 3, "8-10", 90)]


def test_table_row_whose_cells_ran_together() -> None:
    card = reading([line("Exercise   Sets   Reps   Rest", y=20),
                    line("Lat pulldown 3 10-12 90 s", y=65),
                    line("Seated row 3 12 60 s", y=110)])
    assert rows_of(card) == [("Lat pulldown", 3, "10-12", 90), ("Seated row", 3, "12", 60)]


def test_table_with_a_sets_x_reps_column() -> None:
    card = table(("Exercise", "Sets x Reps", "Rest"), ("Front squat", "4 x 6", "2 min"),
                 xs=(20, 330, 500))
    assert rows_of(card) == [("Front squat", 4, "6", 120)]


def test_two_columns_read_day_by_day() -> None:
    left, right = 20.0, 420.0
    placed = [line("Upper / Lower", x=150, y=10)]
    day_a = ["Day A", "Squat 5 x 5", "Bench press 3 x 8", "Row 3 x 10"]
    day_b = ["Day B", "Deadlift 3 x 5", "Overhead press 4 x 6", "Pull-up 3 x AMRAP", "Plank 3 x 30 s"]
    for i, text in enumerate(day_a):
        placed.append(line(text, x=left, y=70 + 45 * i))
    for i, text in enumerate(day_b):
        placed.append(line(text, x=right, y=70 + 45 * i))
    placed.append(line("Rest 2 min between sets", x=20, y=70 + 45 * 6))
    shuffled = sorted(placed, key=lambda ln: (ln.box[0][1], ln.box[0][0]))  # row by row
    ordered = order_lines(shuffled)
    assert [ln.text for ln in ordered] == ["Upper / Lower", *day_a, *day_b,
                                           "Rest 2 min between sets"]
    assert rows_of(reading(ordered)) == [
        ("Squat", 5, "5", 120), ("Bench press", 3, "8", 120), ("Row", 3, "10", 120),
        ("Deadlift", 3, "5", 120), ("Overhead press", 4, "6", 120),
        ("Pull-up", 3, "AMRAP", 120), ("Plank", 3, "30 s", 120),
    ]


def test_two_columns_run_together_on_one_line_give_two_rows() -> None:
    assert rows_of(listing("Squat 5 x 5     Deadlift 3 x 5 rest 3 min")) == [
        ("Squat", 5, "5", None), ("Deadlift", 3, "5", 180)]


def test_table_columns_are_not_read_as_text_columns() -> None:
    card = table(("Exercise", "Sets", "Reps"), ("Squat", "5", "5"), ("Lunge", "3", "12"))
    ordered = [ln.text for ln in order_lines(list(reversed(card.lines)))]
    assert ordered == ["Exercise", "Sets", "Reps", "Squat", "5", "5", "Lunge", "3", "12"]


def test_skewed_card_keeps_rows_together() -> None:
    import math

    angle = math.radians(3)

    def tilt(ln: OcrLine) -> OcrLine:
        box = tuple((x * math.cos(angle) - y * math.sin(angle),
                     x * math.sin(angle) + y * math.cos(angle)) for x, y in ln.box)
        return OcrLine(ln.text, ln.confidence, box)

    card = table(("Exercise", "Sets", "Reps", "Rest"), ("Barbell row", "4", "8", "90 s"),
                 ("Face pull", "3", "15", "60 s"))
    tilted = [tilt(ln) for ln in card.lines]
    assert rows_of(reading(order_lines(tilted[::-1]))) == [
        ("Barbell row", 4, "8", 90), ("Face pull", 3, "15", 60)]


def test_name_and_scheme_on_separate_lines() -> None:
    assert rows_of(listing("Bulgarian split squat", "3 x 10")) == [
        ("Bulgarian split squat", 3, "10", None)]


def test_low_confidence_rows_are_flagged_not_dropped() -> None:
    card = reading([line("Barbell row 4 x 8", y=20),
                    line("Face pu11 3 x 15", y=65, confidence=0.55)])
    rows = parse_routine(card)
    assert [(r.exercise, r.low_confidence) for r in rows] == [
        ("Barbell row", False), ("Face pu11", True)]


def test_lines_without_boxes_are_rows_of_their_own() -> None:
    card = reading([OcrLine("Squat 5 x 5", 0.99, ()), OcrLine("Rest 2 min", 0.99, ())])
    assert rows_of(card) == [("Squat", 5, "5", 120)]


def test_empty_reading_has_no_rows() -> None:
    assert parse_routine(reading([])) == []


@pytest.mark.parametrize(("text", "seconds"), [
    ("90 s", 90), ("90sec", 90), ("1:30", 90), ("2 min", 120), ("45\"", 45), ("2'", 120),
    ("no rest", None),
])
def test_parse_rest(text: str, seconds: int | None) -> None:
    assert parse_rest(text) == seconds


@pytest.mark.parametrize(("text", "expected"), [
    ("Front squat 2X2O, rest 75 s", ("Front squat", 2, "20", 75)),
    ("Calf raise 4 x io", ("Calf raise", 4, "10", None)),
    ("Hollow hold 3 x 6o s, rest gosec", ("Hollow hold", 3, "60 s", 90)),
    ("'T-bar row 4 x 8", ("T-bar row", 4, "8", None)),
])
def test_digits_read_as_letters_are_repaired_where_a_number_stands(
        text: str, expected: tuple[object, ...]) -> None:
    assert rows_of(listing(text)) == [expected]


def test_a_larger_title_with_a_scheme_in_it_is_a_heading() -> None:
    title = line("5x5 Strength", y=10)
    title = OcrLine(title.text, 0.99, ((20, 10), (200, 10), (200, 50), (20, 50)))
    body = [line(t, y=70 + 45 * i) for i, t in enumerate(
        ["Back squat 5 x 5", "Bench press 5 x 5", "Barbell row 5 x 5", "Rest 3 min"])]
    assert [r[0] for r in rows_of(reading([title, *body]))] == [
        "Back squat", "Bench press", "Barbell row"]


def test_scheme_lines_under_names_with_a_misread_rest_word() -> None:
    card = listing("Arm Day", "Hammer curl", "3 × 10-12, rest 90sec", "Good morning",
                   "5 × 5, Eest 2:00")
    assert rows_of(card) == [("Hammer curl", 3, "10-12", 90), ("Good morning", 5, "5", 120)]


def test_an_unparsed_exercise_with_its_own_rest_is_not_a_card_rest() -> None:
    card = listing("2. Face pull 3 . 8 (45 s rest)", "3. Lat pulldown 4 sets of 5-9")
    assert rows_of(card) == [("Lat pulldown", 4, "5-9", None)]


def test_a_scheme_whose_x_was_lost_is_read_at_the_end_of_a_line() -> None:
    card = listing("SEATED CABLE ROW 3 8-12", "WALL SIT 4 45 S", "Push-ups 4 AMRAP, rest 60 s",
                   "Week 2 of 6: deload", "Keep 1-2 reps in reserve")
    assert rows_of(card) == [("SEATED CABLE ROW", 3, "8-12", None), ("WALL SIT", 4, "45 s", None),
                             ("Push-ups", 4, "AMRAP", 60)]


def test_a_scheme_line_with_a_rest_is_not_the_card_rest() -> None:
    card = listing("OVERHEAD PRESS", "5 8-12, REST 90SEC", "Rest 2 min between sets")
    assert rows_of(card) == [("OVERHEAD PRESS", 5, "8-12", 90)]


def test_a_lone_bullet_glyph_is_joined_to_the_line_it_marks() -> None:
    def bullet(glyph: str, y: float) -> OcrLine:  # a small box, centred on the line's height
        return OcrLine(glyph, 0.6, ((20, y + 9), (30, y + 9), (30, y + 19), (20, y + 19)))

    bullets = [bullet(glyph, y=20 + 45 * i) for i, glyph in enumerate("●•")]
    names = [line("Barbell row 4 x 8", x=50, y=20), line("Face pull 3 x 15", x=50, y=65)]
    far = [bullet("■", y=110), line("Rest 90 s", x=400, y=110)]  # too far right to be marked
    ordered = order_lines([*names, *bullets, *far])
    assert [ln.text for ln in ordered] == ["● Barbell row 4 x 8", "• Face pull 3 x 15", "■", "Rest 90 s"]
    assert ordered[0].confidence == 0.97
    assert ordered[0].box == ((20, 20), names[0].box[1], names[0].box[2], (20, 48))  # the line's height
    assert rows_of(reading(ordered)) == [("Barbell row", 4, "8", 90), ("Face pull", 3, "15", 90)]
