"""Measure the reader view (``/post/<id>``) of one post with many comments.

Builds (or reuses) bench/out/reader-N/fitness.db: one post with N nested comments
whose bodies are short HTML with paragraphs and links, then starts a real ``datasette``
process (:func:`scraper.publish.serve_command_args`) and prints p50/p95 of the page.
``--config-dir`` serves another checkout's ``archive/`` directory, to compare builds.

Usage::

    python bench/reader_view.py                       # 5,000 comments
    python bench/reader_view.py --config-dir ../other/archive
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from datasette_scale import Datasette, _pct, latencies

from schemas import migrations

POST_ID = 1


def build(path: Path, n: int) -> None:
    """Create an archive with one post carrying ``n`` comments."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    migrations.apply(db)
    db.close()
    rng = random.Random(5)
    conn = sqlite3.connect(path)
    conn.execute("insert into sites (id, base_url, name, platform) values (1, ?, 'Bench', 'wordpress')",
                 ("https://bench.example/",))
    body = "".join(f"<h2>Day {d}</h2><p>Squats 5x5, then rows and presses.</p>" for d in range(5))
    conn.execute(
        "insert into posts (id, site_id, url, title, published_at, body_html, body_text, "
        "comment_count) values (?, 1, ?, 'Big thread', '2024-01-01T06:00:00+00:00', ?, ?, ?)",
        (POST_ID, "https://bench.example/p/1/", body, "Squats 5x5", n),
    )
    rows, paths = [], []
    for k in range(n):
        parent = rng.choice(paths[-20:]) if paths and rng.random() < 0.6 else None
        if parent and parent[2] >= 5:
            parent = None
        path_text = f"{parent[1]}/{k + 1:010d}" if parent else f"{k + 1:010d}"
        depth = parent[2] + 1 if parent else 1
        paths.append((k + 1, path_text, depth))
        text = f"Comment {k}: my squat went up {rng.randint(1, 20)} kg this block, thanks!"
        html = (f"<p>{text}</p><p>Program: <a href=\"https://bench.example/p/{k}/\">link</a>"
                f" <em>and</em> more.</p>")
        rows.append((k + 1, POST_ID, str(k + 1), parent[0] if parent else None, depth, path_text,
                     f"Lifter {k % 300}", "2024-01-02T00:00:00+00:00", html, text,
                     f"https://bench.example/p/1/#comment-{k + 1}"))
    conn.executemany(
        "insert into comments (id, post_id, remote_id, parent_id, depth, path, author_name, "
        "published_at, body_html, body_text, permalink) values (?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.commit()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--config-dir", type=Path, default=None)
    args = parser.parse_args()
    db = ROOT / "bench" / "out" / f"reader-{args.comments}" / "fitness.db"
    if not db.exists():
        build(db, args.comments)
    ds = Datasette(db, config_dir=args.config_dir)
    try:
        page = ds.get(f"/post/{POST_ID}")  # warm
        times = latencies(lambda: ds.get(f"/post/{POST_ID}"), args.repeat)
    finally:
        ds.close()
    print(f"reader view /post/{POST_ID} ({args.comments:,} comments, {len(page) / 1e6:.1f} MB "
          f"of HTML): p50 {_pct(times, 0.5):.1f} ms  p95 {_pct(times, 0.95):.1f} ms "
          f"({args.repeat} runs)")


if __name__ == "__main__":
    main()
