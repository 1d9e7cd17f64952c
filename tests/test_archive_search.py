"""Search as people type it, at ``/search`` and in table ``?_search=``.

Real SQLite files built with the real migrations (one also built at migration 0009 and
then upgraded), Datasette in-process with the ``fitarchive serve`` configuration, and one
real ``datasette serve`` process for the malformed queries.
"""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from datasette.app import Datasette
from ocr_fakes import FakeEngine, FakeEngineV2

from schemas import migrations
from scraper import store
from scraper.publish import datasette_kwargs, serve_command_args

MALFORMED = ['"unbalanced', "AND", "*", "-", "(", "OR", "NOT", '""', ")(", "-squat", "title:"]

SITE = {"id": 1, "base_url": "https://lift.example/", "name": "Lift", "platform": "wordpress"}
#: id -> (title, body_text); the ranking tests rely on which field says "squat"
POSTS = {
    10: ("Squat day", "We train legs with heavy work."),
    11: ("Leg day", "Five sets of squats, then lunges."),
    12: ("Rest day", "An easy walk and some stretching."),
    13: ("Pull day", "Swings with a kettlebell, then rows."),
    14: ("Core day", "Plank progressions and carries."),
    15: ("Hinge day", "Heavy pulls from the floor."),
}
#: post id -> [(kind, name)]
TERMS = {12: [("category", "Squatting")], 15: [("tag", "Deadlift")]}
#: id -> (post_id, body_text)
COMMENTS = {
    100: (13, "My squat stalled at 100 kg."),
    101: (13, "Kettlebells are great for conditioning."),
    102: (13, "The front squat is hard on the wrists."),
    103: (14, "Do you plank every day?"),
}


def _fill(db: sqlite_utils.Database) -> None:
    db["sites"].insert(SITE)
    db["posts"].insert_all(
        {"id": pid, "site_id": 1, "url": f"https://lift.example/p/{pid}/", "title": title,
         "body_html": f"<p>{body}</p>", "body_text": body,
         "published_at": f"2024-01-{pid:02d}T06:00:00+00:00"}
        for pid, (title, body) in POSTS.items()
    )
    for post_id, terms in TERMS.items():
        for kind, name in terms:
            term_id = hash((kind, name)) & 0xFFFFFF
            db["terms"].insert({"id": term_id, "site_id": 1, "kind": kind, "name": name,
                                "slug": name.lower()})
            db["post_terms"].insert({"post_id": post_id, "term_id": term_id})
    db["comments"].insert_all(
        {"id": cid, "post_id": post_id, "remote_id": str(cid), "depth": 1,
         "path": f"{cid:010d}", "author_name": f"Lifter {cid}", "body_text": body,
         "body_html": f"<p>{body}</p>"}
        for cid, (post_id, body) in COMMENTS.items()
    )


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "fitness.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db)
    _fill(db)
    db.close()
    return path


@pytest.fixture
def ds(db_path: Path) -> Datasette:
    return Datasette(**datasette_kwargs(db_path))


def _plugin() -> Any:
    path = Path(__file__).resolve().parent.parent / "archive" / "plugins" / "search_language.py"
    spec = importlib.util.spec_from_file_location("archive_plugin_search_language", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


async def _page_ids(ds: Datasette, q: str) -> tuple[list[int], list[int]]:
    """Post ids and comment ids on ``/search?q=``, in page order."""
    response = await ds.client.get("/search", params={"q": q})
    assert response.status_code == 200
    posts = [int(i) for i in re.findall(r'class="result-title" href="/post/(\d+)"', response.text)]
    comments = [int(i) for i in re.findall(r'href="/post/\d+#comment-(\d+)"', response.text)]
    return posts, comments


async def _table_ids(ds: Datasette, table: str, q: str) -> list[int]:
    response = await ds.client.get(f"/fitness/{table}.json", params={"_search": q, "_shape": "objects"})
    assert response.status_code == 200, response.text
    return sorted(row["id"] for row in response.json()["rows"])


# --- the query language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "fts"),
    [
        ("squat", '"squat"'),
        ("back squat", '"back" AND "squat"'),
        ("kettle*", '"kettle"*'),
        ('"front squat"', '"front squat"'),
        ("“front squat”", '"front squat"'),
        ("deadlift OR plank", '("deadlift") OR ("plank")'),
        ("squat -lunges", '("squat") NOT ("lunges")'),
        ("squat NOT lunges", '("squat") NOT ("lunges")'),
        ("pull-up", '"pull up"'),
        ('say "hi', '"say" AND "hi"'),
        ("a:b OR", '"a b"'),
    ],
)
def test_typed_queries_become_fts5_expressions(typed: str, fts: str):
    assert _plugin().parse_query(typed).fts == fts


@pytest.mark.parametrize("typed", MALFORMED)
def test_malformed_queries_become_a_note_or_a_safe_expression(typed: str, db_path: Path):
    parsed = _plugin().parse_query(typed)
    assert parsed.fts or parsed.notes
    with sqlite3.connect(db_path) as conn:
        if parsed.fts:  # whatever comes out is valid FTS5
            conn.execute("select count(*) from posts_fts where posts_fts match ?", [parsed.fts])


# --- /search ------------------------------------------------------------------------


async def test_stems_match_other_forms_of_a_word(ds: Datasette):
    squat = await _page_ids(ds, "squat")
    squats = await _page_ids(ds, "squats")
    assert squat == squats
    assert {10, 11, 12} == set(squat[0])
    assert {100, 102} == set(squat[1])


async def test_titles_rank_before_terms_before_bodies_and_posts_before_comments(ds: Datasette):
    response = await ds.client.get("/search", params={"q": "squat"})
    html = response.text
    assert (await _page_ids(ds, "squat"))[0] == [10, 12, 11]
    assert html.index('id="post-results"') < html.index('id="comment-results"')


async def test_prefix_or_phrase_and_exclusion(ds: Datasette):
    assert await _page_ids(ds, "kettle*") == ([13], [101])
    posts, comments = await _page_ids(ds, "deadlift OR plank")
    assert set(posts) == {14, 15} and comments == [103]
    assert await _page_ids(ds, '"front squat"') == ([], [102])
    posts, comments = await _page_ids(ds, "squat -lunges -stalled")
    assert set(posts) == {10, 12} and comments == [102]


async def test_categories_and_tags_are_searched(ds: Datasette):
    assert (await _page_ids(ds, "deadlift"))[0] == [15]
    assert 12 in (await _page_ids(ds, "squatting"))[0]


async def test_snippets_highlight_the_matched_words(ds: Datasette):
    html = (await ds.client.get("/search", params={"q": "lunge"})).text
    assert "Five sets of squats, then <mark>lunges</mark>." in html
    html = (await ds.client.get("/search", params={"q": "kettle*"})).text
    assert "<mark>Kettlebells</mark> are great" in html


@pytest.mark.parametrize("typed", MALFORMED)
async def test_malformed_queries_get_a_friendly_page(ds: Datasette, typed: str):
    response = await ds.client.get("/search", params={"q": typed})
    assert response.status_code == 200
    assert 'class="search-note"' in response.text or 'id="post-results"' in response.text


async def test_a_query_without_words_says_so(ds: Datasette):
    html = (await ds.client.get("/search", params={"q": "("})).text
    assert "Type a word to search for" in html
    html = (await ds.client.get("/search", params={"q": "-squat"})).text
    assert "-word only leaves matches out" in html


# --- table search -------------------------------------------------------------------


async def test_table_search_speaks_the_same_language(ds: Datasette):
    assert await _table_ids(ds, "posts", "squats") == [10, 11, 12]
    assert await _table_ids(ds, "posts", "deadlift OR plank") == [14, 15]
    assert await _table_ids(ds, "posts", "kettle*") == [13]
    assert await _table_ids(ds, "posts", "squat -lunges") == [10, 12]
    assert await _table_ids(ds, "comments", '"front squat"') == [102]
    assert await _table_ids(ds, "comments", "squat") == [100, 102]


async def test_table_search_box_keeps_what_was_typed(ds: Datasette):
    html = (await ds.client.get("/fitness/posts", params={"_search": "deadlift OR plank"})).text
    assert 'value="deadlift OR plank"' in html
    assert "2 rows" in html
    html = (await ds.client.get("/fitness/posts", params={"_search": "crème brûlée"})).text
    assert 'value="crème brûlée"' in html


async def test_the_table_search_form_redirect_keeps_the_search_argument(ds: Datasette):
    form = {"_search": "squat OR plank", "_filter_column": "", "_filter_op": "exact",
            "_filter_value": "", "_sort": "id"}
    response = await ds.client.get("/fitness/posts", params=form)
    assert response.status_code == 302
    assert "_search=squat+OR+plank" in response.headers["location"]
    assert "_q=" not in response.headers["location"]


@pytest.mark.parametrize("typed", MALFORMED)
async def test_malformed_table_search_is_a_page_not_an_error(ds: Datasette, typed: str):
    for path in ("/fitness/posts", "/fitness/comments.json"):
        response = await ds.client.get(path, params={"_search": typed})
        assert response.status_code == 200, (path, typed, response.text[:300])


async def test_table_search_without_words_explains_itself(ds: Datasette):
    html = (await ds.client.get("/fitness/posts", params={"_search": "*"})).text
    assert "0 rows" in html and "Type a word to search for" in html


async def test_a_word_in_most_rows_is_searched_page_by_page(tmp_path: Path):
    path = tmp_path / "fitness.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db)
    _fill(db)
    db["comments"].insert_all(
        {"id": 1000 + i, "post_id": 10, "remote_id": f"b{i}", "path": f"b{i:09d}",
         "body_text": f"common words {i}" + (" rare" if i % 5000 == 0 else "") + (" mid" if i % 3 == 0 else "")}
        for i in range(20_500)
    )
    db.close()
    ds = Datasette(**datasette_kwargs(path))
    data = (await ds.client.get("/fitness/comments.json", params={"_search": "common"})).json()
    assert data["filtered_table_rows_count"] is None  # counted by the index instead
    assert "20,500 matches" in data["human_description_en"]
    paths = [row[5] for row in data["rows"]]
    assert len(paths) == 50 and paths == sorted(paths) and paths[0] == "b000000000"
    params = {"_search": "common", "_next": data["next"]}
    page2 = (await ds.client.get("/fitness/comments.json", params=params)).json()
    assert page2["rows"][0][5] == "b000000050"
    html = (await ds.client.get("/fitness/comments", params={"_search": "common"})).text
    assert "20,500 matches" in html
    by_author = {"_search": "common", "_sort_desc": "id"}
    data = (await ds.client.get("/fitness/comments.json", params=by_author)).json()
    assert [row[0] for row in data["rows"]] == list(range(21_499, 21_449, -1))
    data = (await ds.client.get("/fitness/comments.json", params={"_search": "rare"})).json()
    assert data["filtered_table_rows_count"] == 5
    data = (await ds.client.get("/fitness/comments.json", params={"_search": "mid"})).json()
    assert data["filtered_table_rows_count"] is None
    assert "6,834 matches" in data["human_description_en"]
    assert [row[5] for row in data["rows"]][:2] == ["b000000000", "b000000003"]


# --- index upkeep and migration -----------------------------------------------------


def test_index_follows_edits_terms_and_new_comments(tmp_path: Path):
    db = sqlite_utils.Database(tmp_path / "fitness.db")
    migrations.apply(db)
    _fill(db)

    def posts(q: str) -> list[int]:
        sql = "select rowid from posts_fts where posts_fts match ? order by rowid"
        return [r[0] for r in db.execute(sql, [q])]

    db["posts"].update(14, {"title": "Front squat day"})
    assert 14 in posts("squat")
    db["posts"].update(14, {"comment_count": 3})  # bookkeeping leaves the index alone
    assert 14 in posts("squat")
    db.execute("delete from post_terms where post_id = 15")
    assert posts("deadlift") == []
    db.execute("update terms set name = 'Hip hinge' where name = 'Squatting'")
    assert posts("hinge") == [12, 15]
    db["comments"].insert({"id": 104, "post_id": 10, "remote_id": "104", "path": "0000000104",
                           "body_text": "Zercher squats next week"})
    assert [r[0] for r in db.execute(
        "select rowid from comments_fts where comments_fts match 'zercher'")] == [104]
    db["comments"].delete(104)
    assert db.execute("select count(*) from comments_fts where comments_fts match 'zercher'"
                      ).fetchone()[0] == 0


async def test_an_archive_built_at_0009_is_migrated_and_searchable(tmp_path: Path):
    path = tmp_path / "fitness.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="0010_search")
    _fill(old)
    old_match = "select count(*) from posts_fts where posts_fts match 'squat'"
    assert old.execute(old_match).fetchone()[0] == 1  # no stemming before
    old.close()

    db = sqlite_utils.Database(path)
    migrations.apply(db)
    assert "0010_search" in {r["name"] for r in db["_sqlite_migrations"].rows}
    db.close()
    ds = Datasette(**datasette_kwargs(path))
    assert set((await _page_ids(ds, "squats"))[0]) == {10, 11, 12}
    assert (await _page_ids(ds, "deadlift"))[0] == [15]
    assert set((await _page_ids(ds, "squat"))[1]) == {100, 102}


# --- routine-image text -------------------------------------------------------------

#: (id, title, body_text) of posts that say "face pull" where readers see it
FACE_PULL_POSTS = [(16, "Face pulls for healthy shoulders", "Light and often."),
                   (17, "Upper day", "Rows, presses and curls, then face pulls; stretch the chest, "
                                  "the lats and the hips before the walk home.")]
CARD = "ab" * 32


def _at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Make the store stamp readings with ``moment``."""
    monkeypatch.setattr(store, "now_iso", lambda: moment)


def _read(db: sqlite_utils.Database, sha256: str, text: str, engine: Any = FakeEngine) -> int:
    """Store what the fake engine reads in an image whose bytes are ``text``."""
    return store.save_image_reading(db, sha256, engine().read(text.encode()), [], 1)


def _place_card(db: sqlite_utils.Database, post_id: int = 14, image_id: int = 7) -> None:
    db["images"].insert({"id": image_id, "url": f"https://lift.example/{image_id}.png",
                         "sha256": CARD, "mime": "image/png", "path": f"images/{image_id}.png"})
    db["post_images"].insert({"post_id": post_id, "image_id": image_id, "position": 1})


def _fts_posts(db: sqlite_utils.Database, q: str) -> list[int]:
    sql = "select rowid from posts_fts where posts_fts match ? order by rowid"
    return [r[0] for r in db.execute(sql, [q])]


@pytest.fixture
def card_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An archive whose post 14 shows a routine card read as a face-pull routine."""
    path = tmp_path / "fitness.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db)
    _fill(db)
    db["posts"].insert_all(
        {"id": pid, "site_id": 1, "url": f"https://lift.example/p/{pid}/", "title": title,
         "body_html": f"<p>{body}</p>", "body_text": body,
         "published_at": f"2024-01-{pid:02d}T06:00:00+00:00"}
        for pid, title, body in FACE_PULL_POSTS
    )
    _place_card(db)
    _at(monkeypatch, "2024-02-01T00:00:00+00:00")
    _read(db, CARD, "Face pull 3x15\nFace pull, rope 2x20\nPlank 3x60 s")
    db.close()
    return path


async def test_a_routine_only_in_a_picture_is_found_after_title_and_body_matches(card_db: Path):
    ds = Datasette(**datasette_kwargs(card_db))
    assert await _page_ids(ds, "face pull") == ([16, 17, 14], [])
    html = (await ds.client.get("/search", params={"q": "face pull"})).text
    assert "<mark>Face</mark> <mark>pull</mark> 3x15" in html
    assert await _table_ids(ds, "posts", "face pull") == [14, 16, 17]
    assert await _table_ids(ds, "posts", "plank -progressions") == []  # one post, one index row


def test_reading_again_or_deleting_the_reading_updates_the_index(
    card_db: Path, monkeypatch: pytest.MonkeyPatch
):
    db = sqlite_utils.Database(card_db)
    assert _fts_posts(db, "face") == [14, 16, 17]
    _at(monkeypatch, "2024-03-01T00:00:00+00:00")
    newer = _read(db, CARD, "Band pull-apart 3x20", FakeEngineV2)
    assert _fts_posts(db, "face") == [16, 17]  # only the newest reading of an image counts
    assert _fts_posts(db, '"band pull apart"') == [14]
    store.save_image_reading(db, CARD, FakeEngineV2().read(b"Reverse fly 3x12"), [], 1)
    assert _fts_posts(db, "band") == [] and _fts_posts(db, "fly") == [14]
    db.execute("delete from image_text where id = ?", [newer])
    assert _fts_posts(db, "fly") == [] and _fts_posts(db, "face") == [14, 16, 17]
    db.execute("delete from image_text")
    assert _fts_posts(db, "face") == [16, 17]
    assert _fts_posts(db, "plank") == [14]  # the body still counts


def test_placing_moving_and_removing_a_read_image_updates_the_index(card_db: Path):
    db = sqlite_utils.Database(card_db)
    db["post_images"].insert({"post_id": 10, "image_id": 7, "position": 1})
    assert _fts_posts(db, "face") == [10, 14, 16, 17]
    db.execute("update post_images set post_id = 11 where post_id = 10")
    assert _fts_posts(db, "face") == [11, 14, 16, 17]
    db.execute("delete from post_images where post_id = 11")
    assert _fts_posts(db, "face") == [14, 16, 17]
    db.execute("update images set sha256 = ? where id = 7", ["cd" * 32])
    assert _fts_posts(db, "face") == [16, 17]
    db.execute("update images set sha256 = ? where id = 7", [CARD])
    assert _fts_posts(db, "face") == [14, 16, 17]
    db["posts"].update(14, {"title": "Core and shoulders day"})
    assert _fts_posts(db, "face") == [14, 16, 17] and _fts_posts(db, "shoulders") == [14, 16]


async def test_an_archive_at_0011_with_readings_is_migrated_and_searchable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "fitness.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="0012_search_image_text")
    _fill(old)
    _place_card(old)
    _at(monkeypatch, "2024-02-01T00:00:00+00:00")
    _read(old, CARD, "Face pull 3x15")
    _at(monkeypatch, "2024-03-01T00:00:00+00:00")
    _read(old, CARD, "Zercher carry 4x40 m", FakeEngineV2)
    assert _fts_posts(old, "zercher") == []
    old.close()

    db = sqlite_utils.Database(path)
    migrations.apply(db)
    assert "0012_search_image_text" in {r["name"] for r in db["_sqlite_migrations"].rows}
    assert _fts_posts(db, "zercher") == [14] and _fts_posts(db, "face") == []
    db.close()
    ds = Datasette(**datasette_kwargs(path))
    assert await _page_ids(ds, "zercher") == ([14], [])
    assert await _page_ids(ds, "squats") == ([10, 12, 11], [100, 102])


def test_an_archive_that_got_0011_before_0010_gets_image_text_search_last(tmp_path: Path):
    db = sqlite_utils.Database(tmp_path / "fitness.db")
    migrations.apply(db, stop_before="0010_search")
    db.executescript((Path(__file__).resolve().parent.parent / "schemas" / "0011_ocr.sql").read_text())
    db["_sqlite_migrations"].insert({"migration_set": migrations.name,
                                     "name": "0011_ocr", "applied_at": "2024-01-01 00:00:00"})
    _fill(db)
    _place_card(db)
    _read(db, CARD, "Face pull 3x15")
    migrations.apply(db)
    names = [r["name"] for r in db["_sqlite_migrations"].rows_where(order_by="id")]
    assert names.index("0010_search") < names.index("0012_search_image_text")
    assert _fts_posts(db, "face") == [14] and _fts_posts(db, "squats") == [10, 11, 12]


# --- a real datasette process -------------------------------------------------------


def test_a_served_archive_answers_every_malformed_query(db_path: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(serve_command_args(db_path, port=port),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        for typed in [*MALFORMED, "squats"]:
            quoted = urllib.parse.quote(typed)
            for path in (f"/search?q={quoted}", f"/fitness/posts?_search={quoted}",
                         f"/fitness/comments.csv?_search={quoted}"):
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    assert response.status == 200, path
        with urllib.request.urlopen(base + "/fitness/posts.json?_search=squats&_shape=array",
                                    timeout=30) as response:
            assert sorted(row["id"] for row in json.load(response)) == [10, 11, 12]
    finally:
        process.terminate()
        process.wait(timeout=10)
