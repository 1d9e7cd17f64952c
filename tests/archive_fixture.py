"""Build a small, realistic archive database for the Datasette and export tests.

The database is created with the real migrations (``schemas.migrations``) and filled
with sqlite-utils inserts, so every table and view of the contract exists. It holds:

* one WordPress site, two authors, two categories and two tags;
* two posts: "Back Routine Week 1" (three routine images, four comments) and a
  nutrition post whose title contains ``&`` and ``<3`` (escaping);
* three PNG files written to the image store (``images/<sha[:2]>/<sha>.png``) plus an
  image row whose download failed (no file);
* a three-deep comment thread, a hostile comment whose text is
  ``<script>alert(1)</script>`` / ``<img src=x onerror=alert(1)>`` / ``javascript:``
  (escaped in body_html, as the crawler stores it), and a comment whose stored
  body_html is *not* sanitized, to prove the archive re-sanitizes on display;
* the word :data:`COMMENT_ONLY_WORD`, which appears in one comment and nowhere else;
* one row in each of crawl_runs, fetches, pages (a compressed blob), crawl_state and
  post_versions.

Imports only the standard library, Pillow, sqlite-utils and ``schemas``.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
from PIL import Image, ImageDraw

from schemas import migrations

__all__ = [
    "COMMENT_ONLY_WORD",
    "ArchiveFixture",
    "build_archive",
    "stable_id",
]

#: A word found only in one comment's body, never in a post.
COMMENT_ONLY_WORD = "zercher"

SITE_URL = "https://ironpaper.example/"


def stable_id(*parts: object) -> int:
    """Return a 63-bit id derived from a natural key, as the crawler does."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclass
class ArchiveFixture:
    """What :func:`build_archive` made: paths and the ids tests look up."""

    db_path: Path
    site_id: int
    routine_post_id: int
    nutrition_post_id: int
    #: comment ids of the routine post in thread order (path order)
    thread: list[int] = field(default_factory=list)
    #: depth of each comment in :attr:`thread`
    depths: list[int] = field(default_factory=list)
    hostile_comment_id: int = 0
    unsanitized_comment_id: int = 0
    comment_only_comment_id: int = 0
    #: image rows of the routine post that have a file, in position order
    image_paths: list[str] = field(default_factory=list)


def _png(width: int, height: int, colour: tuple[int, int, int], label: str) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 40):
        draw.line([(i, 0), (i, height)], fill=tuple(min(c + 30, 255) for c in colour))
    draw.rectangle([20, height // 2 - 24, width - 20, height // 2 + 24], fill=(255, 255, 255))
    draw.text((32, height // 2 - 6), label, fill=(20, 20, 20))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _store_image(root: Path, data: bytes) -> tuple[str, str]:
    sha = hashlib.sha256(data).hexdigest()
    rel = f"images/{sha[:2]}/{sha}.png"
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return sha, rel


def _path(*remote_ids: int) -> str:
    return "/".join(f"{r:010d}" for r in remote_ids)


def build_archive(directory: Path, name: str = "fitness.db") -> ArchiveFixture:
    """Create ``directory/name`` and its image store, and return what is in it."""
    directory.mkdir(parents=True, exist_ok=True)
    db_path = directory / name
    db = sqlite_utils.Database(db_path)
    migrations.apply(db)

    site_id = stable_id(SITE_URL)
    db["sites"].insert(
        {
            "id": site_id,
            "base_url": SITE_URL,
            "name": "Iron Paper",
            "description": "Strength training notes",
            "platform": "wordpress",
            "first_crawled_at": "2024-03-01T10:00:00+00:00",
            "last_crawled_at": "2024-03-02T10:00:00+00:00",
        }
    )
    dana = stable_id(site_id, "author", 1)
    sam = stable_id(site_id, "author", 2)
    db["authors"].insert_all(
        [
            {"id": dana, "site_id": site_id, "remote_id": "1", "name": "Dana Lifts",
             "slug": "dana", "url": SITE_URL + "author/dana/"},
            {"id": sam, "site_id": site_id, "remote_id": "2", "name": "Sam Squat",
             "slug": "sam", "url": SITE_URL + "author/sam/"},
        ]
    )
    terms = {
        ("category", "routines"): "Routines",
        ("category", "nutrition"): "Nutrition",
        ("tag", "back"): "back",
        ("tag", "deadlift"): "deadlift",
    }
    term_ids = {key: stable_id(site_id, *key) for key in terms}
    db["terms"].insert_all(
        [
            {"id": term_ids[(kind, slug)], "site_id": site_id, "kind": kind,
             "name": label, "slug": slug}
            for (kind, slug), label in terms.items()
        ]
    )

    routine_url = SITE_URL + "2024/02/back-routine-week-1/"
    nutrition_url = SITE_URL + "2023/06/meal-prep/"
    routine_id = stable_id(site_id, "post", 101)
    nutrition_id = stable_id(site_id, "post", 102)
    intro = (
        "Pull days build the back you see in the mirror and the one you never see. "
        "This week is about rows, pulldowns and the deadlift, with enough volume to grow "
        "and enough rest to recover. "
    )
    paragraphs = [intro * 2, "Warm up with band pull-aparts and light rows. " * 6,
                  "Keep a log of every set, rep and load. " * 6]
    routine_html = "".join(f"<p>{p}</p>" for p in paragraphs)
    routine_html = (
        "<h2>Back Routine 1</h2>" + routine_html
        + f'<figure><img src="{SITE_URL}wp-content/uploads/back-1.png" alt="Rows">'
        "<figcaption>Rows and pulldowns</figcaption></figure>"
        "<h2>Back Routine 2</h2><p>Deadlift day: <strong>5x5</strong>, then "
        '<a href="../../../2023/06/meal-prep/">eat well</a>.</p>'
    )
    routine_text = "Back Routine 1\n" + "\n".join(paragraphs) + "\nBack Routine 2\nDeadlift day"
    nutrition_html = "<p>Cook rice &amp; chicken on Sunday. Weigh portions.</p>"
    db["posts"].insert_all(
        [
            {
                "id": routine_id, "site_id": site_id, "remote_id": "101",
                "url": routine_url, "title": "Back Routine Week 1", "author_id": dana,
                "published_at": "2024-02-11T09:30:00+00:00",
                "modified_at": "2024-02-12T08:00:00+00:00",
                "body_html": routine_html, "body_text": routine_text,
                "excerpt": "Pull days build the back.", "content_hash": "h101",
                "source": "rest", "comment_count": 5,
                "first_seen_at": "2024-03-01T10:00:00+00:00",
                "last_seen_at": "2024-03-02T10:00:00+00:00",
            },
            {
                "id": nutrition_id, "site_id": site_id, "remote_id": "102",
                "url": nutrition_url, "title": "Meal prep & macros <3", "author_id": sam,
                "published_at": "2023-06-05T18:00:00+00:00",
                "modified_at": None,
                "body_html": nutrition_html,
                "body_text": "Cook rice & chicken on Sunday. Weigh portions.",
                "excerpt": "Cook rice.", "content_hash": "h102", "source": "html",
                "comment_count": 2,
                "first_seen_at": "2024-03-01T10:00:00+00:00",
                "last_seen_at": "2024-03-02T10:00:00+00:00",
            },
        ]
    )
    db["post_versions"].insert_all(
        [
            {"id": stable_id(routine_id, "h101"), "post_id": routine_id, "content_hash": "h101",
             "title": "Back Routine Week 1", "body_html": routine_html,
             "modified_at": "2024-02-12T08:00:00+00:00",
             "captured_at": "2024-03-01T10:00:00+00:00"},
            {"id": stable_id(nutrition_id, "h102"), "post_id": nutrition_id,
             "content_hash": "h102", "title": "Meal prep & macros <3",
             "body_html": nutrition_html, "modified_at": None,
             "captured_at": "2024-03-01T10:00:00+00:00"},
        ]
    )
    db["post_terms"].insert_all(
        [
            {"post_id": routine_id, "term_id": term_ids[("category", "routines")]},
            {"post_id": routine_id, "term_id": term_ids[("tag", "back")]},
            {"post_id": routine_id, "term_id": term_ids[("tag", "deadlift")]},
            {"post_id": nutrition_id, "term_id": term_ids[("category", "nutrition")]},
        ]
    )

    # Images: three stored files for the routine post, one failed download.
    specs = [
        (640, 400, (52, 101, 164), "Back Routine 1: rows", "Back Routine 1",
         "Rows and pulldowns", "Rows", "body"),
        (480, 480, (46, 139, 87), "Back Routine 1: pulldown", "Back Routine 1",
         "Lat pulldown, 3x12", "Lat pulldown", "body"),
        (600, 300, (178, 34, 34), "Back Routine 2: deadlift", "Back Routine 2",
         "Deadlift 5x5", "Deadlift", "body"),
    ]
    fixture = ArchiveFixture(
        db_path=db_path, site_id=site_id, routine_post_id=routine_id,
        nutrition_post_id=nutrition_id,
    )
    image_rows, placements = [], []
    for position, (w, h, colour, label, heading, caption, alt, role) in enumerate(specs, 1):
        data = _png(w, h, colour, label)
        sha, rel = _store_image(directory, data)
        url = f"{SITE_URL}wp-content/uploads/back-{position}.png"
        image_id = stable_id(url)
        image_rows.append(
            {"id": image_id, "url": url, "sha256": sha, "mime": "image/png", "width": w,
             "height": h, "bytes": len(data), "path": rel,
             "fetched_at": "2024-03-01T10:00:05+00:00", "error": None}
        )
        placements.append(
            {"post_id": routine_id, "image_id": image_id, "position": position,
             "role": role, "alt": alt, "caption": caption, "heading": heading}
        )
        fixture.image_paths.append(rel)
    missing_url = f"{SITE_URL}wp-content/uploads/missing.png"
    image_rows.append(
        {"id": stable_id(missing_url), "url": missing_url, "sha256": None, "mime": None,
         "width": None, "height": None, "bytes": None, "path": None,
         "fetched_at": "2024-03-01T10:00:06+00:00", "error": "HTTP 404"}
    )
    placements.append(
        {"post_id": nutrition_id, "image_id": stable_id(missing_url), "position": 1,
         "role": "body", "alt": "Meal prep boxes", "caption": "Sunday boxes",
         "heading": None}
    )
    db["images"].insert_all(image_rows)
    db["post_images"].insert_all(placements)

    # Comments: a three-deep thread, a hostile comment, an unsanitized one.
    def comment(post_id: int, remote_ids: tuple[int, ...], author: str, when: str,
                text: str, html: str, *, parent: int | None, is_author: int = 0,
                deleted_at: str | None = None) -> dict[str, object]:
        remote = remote_ids[-1]
        post_url = routine_url if post_id == routine_id else nutrition_url
        return {
            "id": stable_id(post_id, "comment", remote), "post_id": post_id,
            "remote_id": str(remote), "parent_id": parent, "depth": len(remote_ids),
            "path": _path(*remote_ids), "comment_type": "comment", "author_name": author,
            "author_url": None, "is_post_author": is_author, "published_at": when,
            "body_html": html, "body_text": text,
            "permalink": f"{post_url}#comment-{remote}",
            "first_seen_at": "2024-03-01T10:00:00+00:00",
            "last_seen_at": "2024-03-02T10:00:00+00:00", "deleted_at": deleted_at,
        }

    c1 = comment(routine_id, (11,), "Maria", "2024-02-11T12:00:00+00:00",
                 "Great routine! How many sets of rows?",
                 "<p>Great routine! How many sets of rows?</p>", parent=None)
    c2 = comment(routine_id, (11, 14), "Dana Lifts", "2024-02-11T13:00:00+00:00",
                 "Four sets of ten, then a heavy single.",
                 "<p>Four sets of ten, then a heavy single.</p>", parent=c1["id"],
                 is_author=1)
    c3 = comment(routine_id, (11, 14, 15), "Maria", "2024-02-11T14:00:00+00:00",
                 f"Thanks! Have you tried {COMMENT_ONLY_WORD.capitalize()} squats for the "
                 "upper back?",
                 f"<p>Thanks! Have you tried <em>{COMMENT_ONLY_WORD.capitalize()}</em> squats "
                 "for the upper back?</p>", parent=c2["id"])
    hostile_text = ("Nice try <script>alert(1)</script> <img src=x onerror=alert(1)> "
                    "javascript:alert(1)")
    c4 = comment(routine_id, (12,), "<b>Mallory</b>", "2024-02-12T08:00:00+00:00",
                 hostile_text,
                 "<p>Nice try &lt;script&gt;alert(1)&lt;/script&gt; "
                 "&lt;img src=x onerror=alert(1)&gt; javascript:alert(1)</p>",
                 parent=None)
    c5 = comment(routine_id, (13,), "Trent", "2024-02-12T09:00:00+00:00",
                 "Click here for gains",
                 '<p>Click <a href="javascript:alert(2)" onclick="alert(3)">here</a> for '
                 'gains<script>alert(4)</script><img src="x" onerror="alert(5)"></p>'
                 '<iframe src="https://evil.example/"></iframe>',
                 parent=None)
    n1 = comment(nutrition_id, (21,), "Priya", "2023-06-06T07:00:00+00:00",
                 "Rice and chicken forever.", "<p>Rice and chicken forever.</p>",
                 parent=None)
    n2 = comment(nutrition_id, (22,), "Gone Person", "2023-06-06T08:00:00+00:00",
                 "This comment was removed at the source.",
                 "<p>This comment was removed at the source.</p>", parent=None,
                 deleted_at="2024-03-02T10:00:00+00:00")
    db["comments"].insert_all([c1, c2, c3, c4, c5, n1, n2])
    thread = sorted([c1, c2, c3, c4, c5], key=lambda c: str(c["path"]))
    fixture.thread = [int(c["id"]) for c in thread]  # type: ignore[call-overload]
    fixture.depths = [int(c["depth"]) for c in thread]  # type: ignore[call-overload]
    fixture.hostile_comment_id = int(c4["id"])  # type: ignore[call-overload]
    fixture.unsanitized_comment_id = int(c5["id"])  # type: ignore[call-overload]
    fixture.comment_only_comment_id = int(c3["id"])  # type: ignore[call-overload]

    run_id = stable_id("run", 1)
    db["crawl_runs"].insert(
        {"id": run_id, "site_id": site_id, "seed_url": SITE_URL,
         "started_at": "2024-03-02T10:00:00+00:00",
         "finished_at": "2024-03-02T10:01:00+00:00", "status": "ok", "pages_fetched": 2,
         "pages_not_modified": 0, "bytes_fetched": 2048, "posts_new": 2,
         "posts_updated": 0, "posts_unchanged": 0, "comments_new": 7,
         "comments_deleted": 1, "images_new": 3, "errors": 1, "message": None}
    )
    db["fetches"].insert_all(
        [
            {"id": 1, "run_id": run_id, "url": routine_url, "kind": "post", "status": 200,
             "bytes": 1024, "elapsed_ms": 120, "etag": '"abc"', "last_modified": None,
             "fetched_at": "2024-03-02T10:00:10+00:00", "error": None},
            {"id": 2, "run_id": run_id, "url": missing_url, "kind": "image", "status": 404,
             "bytes": 0, "elapsed_ms": 30, "etag": None, "last_modified": None,
             "fetched_at": "2024-03-02T10:00:11+00:00", "error": "HTTP 404"},
        ]
    )
    raw = f"<html><body><h1>Back Routine Week 1</h1>{routine_html}</body></html>".encode()
    db["pages"].insert(
        {"id": stable_id(routine_url), "url": routine_url, "site_id": site_id, "kind": "post",
         "fetched_at": "2024-03-02T10:00:10+00:00", "status": 200,
         "content_type": "text/html", "etag": '"abc"', "last_modified": None,
         "body": zlib.compress(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    )
    db["crawl_state"].insert(
        {"site_id": site_id, "key": "rest_modified_after",
         "value": "2024-02-12T08:00:00+00:00", "updated_at": "2024-03-02T10:01:00+00:00"}
    )
    db.close()
    return fixture
