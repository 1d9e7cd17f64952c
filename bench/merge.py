"""Merge speed: 8 generated shards totalling 1,000,000 comments folded into one archive.

Each shard is a real archive (the project's migrations, FTS triggers and all)
filled with SQL: blogs, posts and nested comments with short bodies, disjoint
between shards as shards of a real run are. Times ``merge_archives`` into a new
archive, then the same merge again (the idempotent no-op pass), and prints rows
read per second for both.

Usage::

    python bench/merge.py                     # 8 shards, 1,000,000 comments
    python bench/merge.py --comments 100000   # smaller
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper import store  # noqa: E402
from scraper.merge import merge_archives  # noqa: E402

ID_SPAN = (
    10**12
)  # ids of shard I start at I * ID_SPAN: disjoint, as the stable ids of distinct blogs are


def generate_shard(
    path: Path, *, index: int, sites: int, posts_per_site: int, comments_per_post: int
) -> int:
    """Write a shard archive at ``path``; returns its number of comments."""
    db = store.open_db(path)
    base = (index + 1) * ID_SPAN
    posts = sites * posts_per_site
    comments = posts * comments_per_post
    at = "2026-01-01T00:00:00+00:00"
    with db.conn:
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?) "
            "INSERT INTO sites (id, base_url, name, platform, first_crawled_at, last_crawled_at) "
            "SELECT ? + i, 'http://blog' || ? || '-' || i || '.bench.test/', 'Blog ' || i, 'wordpress', ?, ? FROM n",
            [sites, base, index, at, at],
        )
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?) "
            "INSERT INTO posts (id, site_id, remote_id, url, title, published_at, body_html, body_text, "
            "content_hash, first_seen_at, last_seen_at) "
            "SELECT ? + 100000 + i, ? + i / ?, i % ?, "
            "'http://blog' || ? || '-' || (i / ?) || '.bench.test/post-' || i || '/', "
            "'Leg day routine ' || i, ?, '<p>Squats and lunges, set ' || i || '</p>', "
            "'Squats and lunges, set ' || i, hex(randomblob(32)), ?, ? FROM n",
            [posts, base, base, posts_per_site, posts_per_site, index, posts_per_site, at, at, at],
        )
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?) "
            "INSERT INTO comments (id, post_id, remote_id, parent_id, depth, path, author_name, published_at, "
            "body_html, body_text, first_seen_at, last_seen_at) "
            "SELECT ? + 10000000 + i, ? + 100000 + i / ?, CAST(i AS TEXT), "
            "CASE WHEN i % 4 = 0 THEN NULL ELSE ? + 10000000 + i - i % 4 END, "
            "CASE WHEN i % 4 = 0 THEN 1 ELSE 2 END, "
            "CASE WHEN i % 4 = 0 THEN printf('%012d', i) ELSE printf('%012d/%012d', i - i % 4, i) END, "
            "'Lifter ' || (i % 97), ?, '<p>Great routine, I added ' || i || ' kg</p>', "
            "'Great routine, I added ' || i || ' kg', ?, ? FROM n",
            [comments, base, base, comments_per_post, base, at, at, at],
        )
        db.execute(
            "UPDATE posts SET comment_count = ? WHERE site_id >= ? AND site_id < ?",
            [comments_per_post, base, base + ID_SPAN],
        )
    db.close()
    return comments


def run(total_comments: int, shards: int, folder: Path) -> dict[str, float]:
    comments_per_post = 50
    posts_per_site = 20
    sites = max(1, total_comments // shards // (comments_per_post * posts_per_site))
    paths = []
    started = time.monotonic()
    for index in range(shards):
        path = folder / f"shard-{index}.db"
        generate_shard(
            path,
            index=index,
            sites=sites,
            posts_per_site=posts_per_site,
            comments_per_post=comments_per_post,
        )
        paths.append(path)
    generated = time.monotonic() - started
    target = folder / "merged" / "archive.db"
    first = merge_archives(target, paths)
    again = merge_archives(target, paths)
    comments = sites * posts_per_site * comments_per_post * shards
    return {
        "shards": shards,
        "comments": comments,
        "rows_read": first.rows_read,
        "generate_s": round(generated, 1),
        "merge_s": round(first.seconds, 2),
        "merge_rows_per_s": round(first.rows_read / first.seconds),
        "remerge_s": round(again.seconds, 2),
        "remerge_rows_per_s": round(again.rows_read / again.seconds),
        "remerge_rows_written": sum(again.rows_written.values()),
        "target_mib": round(target.stat().st_size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fitarchive-merge-bench-") as folder:
        result = run(args.comments, args.shards, Path(folder))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
