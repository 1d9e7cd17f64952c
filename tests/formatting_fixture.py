"""A post that uses every formatting element a blog post or comment carries, added to
the archive :func:`archive_fixture.build_archive` makes.

Its body is what the crawler's sanitizer stores: lists (nested, ``start``, ``reversed``,
``type``), a table with a caption and header cells, a blockquote, a definition list,
h2-h6, inline code and a ``pre`` with a line far wider than the column; it has two
versions, a wide featured image, and comments with a long ``pre``, a list and a
deleted one. It is the archive's newest post, so the routine post is its previous post.

Imports only the standard library, sqlite-utils and the sibling ``archive_fixture``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils
from archive_fixture import SITE_URL, ArchiveFixture, _png, _store_image, stable_id

__all__ = ["FormattedPost", "add_formatted_post"]

LONG_LINE = "deadlift(sets=5, reps=5, load_kg=140) " * 12

BODY = f"""
<p>A session written with <strong>bold</strong>, <em>italic</em>, <code>inline code</code>,
<a href="https://ironpaper.example/rir/">a link</a>, <del>old load</del> <ins>new load</ins>,
x<sup>2</sup>, H<sub>2</sub>O, <abbr title="reps in reserve">RIR</abbr>, <mark>marked</mark>
and <kbd>Ctrl</kbd>.</p>
<h2>Warm-up</h2>
<ul>
<li>Band pull-aparts
<ul><li>Two sets
<ul><li>Slow eccentric</li></ul></li>
<li>Then face pulls</li></ul></li>
<li>Light rows</li>
</ul>
<h3>Main lifts</h3>
<ol>
<li>Squat</li>
<li>Bench press
<ol><li>Paused reps</li><li>Touch and go</li></ol></li>
<li>Barbell row</li>
</ol>
<p>The routine goes on where last week stopped:</p>
<ol start="8">
<li>Romanian deadlift</li>
<li>Hip thrust</li>
</ol>
<ol reversed>
<li>Three rounds left</li>
<li>Two rounds left</li>
<li>Last round</li>
</ol>
<ol type="a"><li>Option a</li><li>Option b</li></ol>
<ol type="I"><li>Phase one</li><li>Phase two</li></ol>
<h4>Accessory work</h4>
<p>Curls and triceps.</p>
<h5>Notes</h5>
<p>Rest two minutes.</p>
<h6>Small print</h6>
<p>Consult a coach.</p>
<table>
<caption>Week 1 plan</caption>
<thead><tr><th>Exercise</th><th>Sets</th><th>Reps</th></tr></thead>
<tbody>
<tr><td>Squat</td><td>5</td><td>5</td></tr>
<tr><td>Bench press</td><td>5</td><td>5</td></tr>
<tr><td>Barbell row</td><td>3</td><td>8</td></tr>
</tbody>
</table>
<blockquote><p>The best program is the one you follow.</p></blockquote>
<dl>
<dt>RIR</dt><dd>Reps in reserve: how many more reps you could have done.</dd>
<dt>AMRAP</dt><dd>As many reps as possible.</dd>
</dl>
<pre><code>{LONG_LINE}</code></pre>
<hr>
<p>That is the whole session.</p>
"""

COMMENT_PRE = f"<p>My log:</p><pre>{LONG_LINE}</pre>"
COMMENT_LIST = "<p>What I did:</p><ol start=\"3\"><li>Squat</li><li>Row</li></ol>" \
               "<ul><li>Felt good</li></ul><blockquote><p>Quoting you</p></blockquote>"


@dataclass
class FormattedPost:
    post_id: int
    title: str
    pre_comment_id: int
    list_comment_id: int
    deleted_comment_id: int
    wide_image_width: int


def add_formatted_post(archive: ArchiveFixture) -> FormattedPost:
    """Add the formatted post (two versions, three comments, a 1600 px wide featured
    image) to ``archive`` and return its ids."""
    db = sqlite_utils.Database(archive.db_path)
    url = SITE_URL + "2024/03/every-format/"
    post_id = stable_id(archive.site_id, "post", 103)
    title = "Every formatting element"
    dana = stable_id(archive.site_id, "author", 1)
    db["posts"].insert(
        {
            "id": post_id, "site_id": archive.site_id, "remote_id": "103", "url": url,
            "title": title, "author_id": dana,
            "published_at": "2024-03-01T07:00:00+00:00",
            "modified_at": "2024-03-02T07:00:00+00:00",
            "body_html": BODY, "body_text": "A session written with bold...",
            "excerpt": "A session.", "content_hash": "h103b", "source": "rest",
            "comment_count": 3,
            "first_seen_at": "2024-03-01T10:00:00+00:00",
            "last_seen_at": "2024-03-02T10:00:00+00:00",
        }
    )
    db["post_versions"].insert_all(
        [
            {"id": stable_id(post_id, h), "post_id": post_id, "content_hash": h,
             "title": title, "body_html": body, "modified_at": at, "captured_at": at}
            for h, body, at in (
                ("h103a", "<p>First draft.</p>", "2024-03-01T10:00:00+00:00"),
                ("h103b", BODY, "2024-03-02T10:00:00+00:00"),
            )
        ]
    )
    width = 1600
    data = _png(width, 500, (90, 60, 140), "Every formatting element: wide banner")
    sha, rel = _store_image(archive.db_path.parent, data)
    image_url = SITE_URL + "wp-content/uploads/banner.png"
    image_id = stable_id(image_url)
    db["images"].insert(
        {"id": image_id, "url": image_url, "sha256": sha, "mime": "image/png",
         "width": width, "height": 500, "bytes": len(data), "path": rel,
         "fetched_at": "2024-03-01T10:00:05+00:00", "error": None}
    )
    db["post_images"].insert(
        {"post_id": post_id, "image_id": image_id, "position": 1, "role": "body",
         "is_featured": 1, "alt": "Banner", "caption": "A wide banner", "heading": "Warm-up"}
    )

    def comment(remote: int, author: str, html: str, deleted_at: str | None = None) -> dict:
        return {
            "id": stable_id(post_id, "comment", remote), "post_id": post_id,
            "remote_id": str(remote), "parent_id": None, "depth": 1,
            "path": f"{remote:010d}", "comment_type": "comment", "author_name": author,
            "author_url": None, "is_post_author": 0,
            "published_at": f"2024-03-01T1{remote % 10}:00:00+00:00",
            "body_html": html, "body_text": author, "permalink": f"{url}#comment-{remote}",
            "first_seen_at": "2024-03-01T10:00:00+00:00",
            "last_seen_at": "2024-03-02T10:00:00+00:00", "deleted_at": deleted_at,
        }

    rows = [
        comment(31, "Lee", COMMENT_PRE),
        comment(32, "Kim", COMMENT_LIST),
        comment(33, "Gone", "<p>Removed at the source.</p>", "2024-03-02T10:00:00+00:00"),
    ]
    db["comments"].insert_all(rows)
    db.close()
    return FormattedPost(
        post_id=post_id, title=title, pre_comment_id=int(rows[0]["id"]),
        list_comment_id=int(rows[1]["id"]), deleted_comment_id=int(rows[2]["id"]),
        wide_image_width=width,
    )
