"""Measure the published archive at scale.

Builds (or reuses) an archive with N comments using the real migrations, then measures:

* full CSV of ``comment_threads`` and ``comments`` through a real ``datasette``
  process started with :func:`scraper.publish.serve_command_args` (``?_stream=on``),
* the same exports through :func:`scraper.publish.stream_export` (``fitarchive export``),
* full-text search latency on comments through Datasette's JSON API (``?_search=``)
  and the archive's ``/search`` page, p50/p95 over a set of common to rare words,
* the reader view of the post with the most comments.

Usage::

    python bench/datasette_scale.py                 # 100,000 comments
    python bench/datasette_scale.py --comments 1000000

The database goes to bench/out/scale-N/fitness.db (gitignored) and is reused when it
already has N comments.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schemas import migrations  # noqa: E402
from scraper.publish import serve_command_args, stream_export  # noqa: E402

EXERCISES = [
    "squat", "deadlift", "bench", "press", "row", "pullup", "chinup", "lunge", "curl",
    "dip", "plank", "kettlebell", "barbell", "dumbbell", "sled", "carry", "snatch", "clean",
]
COMMON = ["the", "and", "sets", "reps", "form", "weight", "week", "today", "great", "back"]
#: rare words are planted at fixed rates so the search set spans selectivities
PLANTED = {"zercher": 0.001, "jefferson": 0.0001, "sissy": 0.01}
COMMENTS_PER_POST = 50


def _vocabulary(rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ten", "ra", "dus", "po", "vin", "sa", "gor", "el", "tri"]
    made_up = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(3000)
    }
    return COMMON * 40 + EXERCISES * 10 + sorted(made_up)


def _sentence(rng: random.Random, words: list[str]) -> str:
    text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 40)))
    for word, rate in PLANTED.items():
        if rng.random() < rate:
            text += f" {word}"
    return text.capitalize() + "."


def _comment_rows(n: int, posts: list[int], rng: random.Random) -> Iterator[tuple]:
    words = _vocabulary(rng)
    for post_index, post_id in enumerate(posts):
        start = post_index * COMMENTS_PER_POST
        count = min(COMMENTS_PER_POST, n - start)
        paths: list[tuple[int, str, int]] = []  # (comment id, path, depth)
        for k in range(count):
            remote = k + 1
            parent = None
            if paths and rng.random() < 0.6:
                candidate = rng.choice(paths[-10:])
                if candidate[2] < 5:
                    parent = candidate
            path = f"{parent[1]}/{remote:010d}" if parent else f"{remote:010d}"
            depth = parent[2] + 1 if parent else 1
            comment_id = post_id * 1000 + remote
            paths.append((comment_id, path, depth))
            text = _sentence(rng, words)
            minute = start + k
            yield (
                comment_id, post_id, str(remote), parent[0] if parent else None, depth, path,
                f"Lifter {rng.randint(1, 5000)}", 1 if rng.random() < 0.05 else 0,
                f"2023-{1 + minute // 40000 % 12:02d}-{1 + minute // 1400 % 28:02d}T"
                f"{minute // 60 % 24:02d}:{minute % 60:02d}:00+00:00",
                f"<p>{text}</p>", text, f"https://bench.example/p/{post_id}/#comment-{remote}",
            )


def build(path: Path, n: int) -> float:
    """Create the benchmark archive with ``n`` comments; return seconds taken."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    migrations.apply(db)
    db.close()
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    conn.execute("pragma journal_mode = wal")
    conn.execute("insert into sites (id, base_url, name, platform) values (1, ?, ?, ?)",
                 ("https://bench.example/", "Bench Blog", "wordpress"))
    conn.execute("insert into authors (id, site_id, name) values (1, 1, 'Coach')")
    post_count = -(-n // COMMENTS_PER_POST)
    posts = list(range(1, post_count + 1))
    conn.executemany(
        "insert into posts (id, site_id, remote_id, url, title, author_id, published_at, "
        "body_html, body_text, comment_count) values (?, 1, ?, ?, ?, 1, ?, ?, ?, ?)",
        (
            (p, str(p), f"https://bench.example/p/{p}/", f"Routine {p}: {rng.choice(EXERCISES)}",
             f"20{10 + p % 14:02d}-{1 + p % 12:02d}-{1 + p % 28:02d}T06:00:00+00:00",
             "<p>Workout of the day.</p>", "Workout of the day.", COMMENTS_PER_POST)
            for p in posts
        ),
    )
    conn.executemany(
        "insert into comments (id, post_id, remote_id, parent_id, depth, path, author_name, "
        "is_post_author, published_at, body_html, body_text, permalink) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _comment_rows(n, posts, rng),
    )
    conn.commit()
    conn.execute("analyze")
    conn.close()
    return time.perf_counter() - started


#: Schema changes proposed for ``schemas/`` (a new migration), measured with
#: ``--recommended-schema``: the view's ORDER BY names p.id instead of c.post_id so SQLite
#: walks idx_posts_published_at then idx_comments_post_path without a temp B-tree per
#: page, and an index on path serves the comments table's default sort.
RECOMMENDED_SCHEMA = """
DROP VIEW comment_threads;
CREATE VIEW comment_threads AS
SELECT
    c.id AS comment_id, c.post_id, p.title AS post_title, p.url AS post_url, c.path,
    c.depth, c.parent_id, c.comment_type,
    substr('                                                  ', 1, 2 * (c.depth - 1))
        || coalesce(c.author_name, '') AS indented_author,
    c.author_name, c.author_url, c.is_post_author, c.published_at, c.body_text,
    c.permalink, c.deleted_at
FROM comments c
JOIN posts p ON p.id = c.post_id
ORDER BY p.published_at, p.id, c.path;
CREATE INDEX idx_comments_path ON comments(path);
ANALYZE;
"""


def apply_recommended_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(RECOMMENDED_SCHEMA)


def _comment_count(path: Path) -> int:
    if not path.exists():
        return -1
    try:
        with sqlite3.connect(path) as conn:
            return int(conn.execute("select count(*) from comments").fetchone()[0])
    except sqlite3.Error:
        return -1


class Datasette:
    """A real datasette process on a free loopback port."""

    def __init__(self, db: Path, config_dir: Path | None = None) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.name = db.stem  # Datasette names a database after its file
        self.process = subprocess.Popen(
            serve_command_args(db, port=self.port, config_dir=config_dir),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.base + "/-/versions.json", timeout=2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("datasette did not start") from None
                time.sleep(0.1)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=600) as response:
            return response.read()

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class _CountingReader(io.RawIOBase):
    def __init__(self, raw: io.BufferedIOBase) -> None:
        self.raw = raw
        self.bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.bytes += len(data)
        return len(data)


class _CountingSink(io.RawIOBase):
    def __init__(self) -> None:
        self.bytes = 0
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[no-untyped-def, override]
        self.bytes += len(b)
        self.sha256.update(b)
        return len(b)


def measure_datasette_csv(ds: Datasette, path: str) -> dict[str, float | str]:
    started = time.perf_counter()
    rows = -1  # the header
    tail = ""
    with urllib.request.urlopen(ds.base + path, timeout=3600) as response:
        counter = _CountingReader(response)
        for row in csv.reader(io.TextIOWrapper(counter, encoding="utf-8", newline="")):
            rows += 1
            if row:
                tail = row[0]
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "bytes": counter.bytes, "tail": tail[:80]}


def measure_datasette_csv_bytes(ds: Datasette, path: str) -> dict[str, float | str]:
    """Time a stream read as raw bytes (no CSV parsing in the client); return its sha256."""
    digest = hashlib.sha256()
    size = 0
    started = time.perf_counter()
    with urllib.request.urlopen(ds.base + path, timeout=3600) as response:
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return {"seconds": time.perf_counter() - started, "bytes": size, "sha256": digest.hexdigest()}


def measure_export(db: Path, name: str, fmt: str) -> dict[str, float | str]:
    sink = _CountingSink()
    started = time.perf_counter()
    rows = stream_export(db, name, fmt, sink)  # type: ignore[arg-type]
    return {"rows": rows, "seconds": time.perf_counter() - started, "bytes": sink.bytes,
            "sha256": sink.sha256.hexdigest()}


def latencies(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def query_plan(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        sql = "select * from comment_threads limit 1001 offset 50000"
        return [r[3] for r in conn.execute("explain query plan " + sql)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5, help="runs per search word")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--recommended-schema", action="store_true",
        help="measure with RECOMMENDED_SCHEMA applied (separate database file)",
    )
    parser.add_argument(
        "--csv-query", dest="csv_queries", action="append",
        help="query string for the Datasette CSV runs (repeatable; default _stream=on)",
    )
    parser.add_argument(
        "--config-dir", type=Path, default=None,
        help="serve this archive/ directory (another checkout's plugins and templates)",
    )
    parser.add_argument(
        "--bytes-only", action="store_true",
        help="read Datasette's CSV as raw bytes and compare it with the export's sha256 "
             "instead of parsing it (the parsing client, not the server, limits the rate)",
    )
    parser.add_argument(
        "--search-only", action="store_true",
        help="measure search, the reader view and the table page only (no exports or CSV)",
    )
    args = parser.parse_args()
    args.csv_queries = args.csv_queries or ["_stream=on"]
    variant = "-recommended" if args.recommended_schema else ""
    db = args.db or ROOT / "bench" / "out" / f"scale-{args.comments}{variant}" / "fitness.db"

    if args.rebuild or _comment_count(db) != args.comments:
        print(f"building {db} with {args.comments:,} comments ...", flush=True)
        print(f"  built in {build(db, args.comments):.1f} s, "
              f"{db.stat().st_size / 1e6:.0f} MB", flush=True)
        if args.recommended_schema:
            apply_recommended_schema(db)
    print("comment_threads plan:", " | ".join(query_plan(db)))

    results: list[tuple[str, str]] = []
    export_sha256: dict[str, str] = {}
    for fmt in () if args.search_only else ("csv", "json"):
        for name in ("comment_threads", "comments"):
            m = measure_export(db, name, fmt)
            if fmt == "csv":
                export_sha256[name] = str(m["sha256"])
            results.append((
                f"stream_export {name} {fmt}",
                f"{m['rows']:>9,} rows {m['seconds']:7.2f} s "
                f"{m['rows'] / m['seconds']:>10,.0f} rows/s {m['bytes'] / 1e6:8.1f} MB",
            ))
            print(results[-1][0], results[-1][1], flush=True)

    ds = Datasette(db, config_dir=args.config_dir)
    try:
        for name in () if args.search_only else ("comments", "comment_threads"):
            for query in args.csv_queries:
                path = f"/{ds.name}/{name}.csv?{query}"
                if args.bytes_only:
                    m = measure_datasette_csv_bytes(ds, path)
                    same = m["sha256"] == export_sha256[name]
                    results.append((
                        f"datasette {name}.csv?{query} (bytes)",
                        f"{args.comments:>9,} rows {m['seconds']:7.2f} s "
                        f"{args.comments / m['seconds']:>10,.0f} rows/s {m['bytes'] / 1e6:8.1f} MB"
                        f"  {'identical to export' if same else 'DIFFERS from export'}",
                    ))
                    print(results[-1][0], results[-1][1], flush=True)
                    continue
                m = measure_datasette_csv(ds, path)
                complete = (
                    "complete" if m["rows"] == args.comments else f"INCOMPLETE: {m['tail']!r}"
                )
                results.append((
                    f"datasette {name}.csv?{query}",
                    f"{m['rows']:>9,} rows {m['seconds']:7.2f} s "
                    f"{m['rows'] / m['seconds']:>10,.0f} rows/s {m['bytes'] / 1e6:8.1f} MB"
                    f"  {complete}",
                ))
                print(results[-1][0], results[-1][1], flush=True)

        words = ["squat", "deadlift", "kettlebell", "sissy", "zercher", "jefferson", "weight",
                 "form", "the"]
        for label, template in (
            ("datasette comments.json?_search=",
             f"/{ds.name}/comments.json?_search={{}}&_size=50"),
            ("archive /search?q=", "/search?q={}"),
        ):
            all_times: list[float] = []
            for word in words:
                url = template.format(urllib.parse.quote(word))
                ds.get(url)  # warm
                all_times += latencies(lambda url=url: ds.get(url), args.repeat)
            results.append((
                label,
                f"p50 {_pct(all_times, 0.5):7.1f} ms  p95 {_pct(all_times, 0.95):7.1f} ms  "
                f"({len(words)} words x {args.repeat})",
            ))
            print(results[-1][0], results[-1][1], flush=True)
        for word in words:
            times = latencies(
                lambda w=word: ds.get(f"/{ds.name}/comments.json?_search={w}&_size=50"),
                args.repeat,
            )
            results.append((f"  _search={word}", f"p50 {_pct(times, 0.5):7.1f} ms"))
        times = latencies(lambda: ds.get("/post/1"), args.repeat)
        results.append(("reader view /post/1", f"p50 {_pct(times, 0.5):7.1f} ms "
                                                f"({COMMENTS_PER_POST} comments)"))
        times = latencies(lambda: ds.get(f"/{ds.name}/comments?_size=50"), args.repeat)
        results.append(("comments table page (sort=path)", f"p50 {_pct(times, 0.5):7.1f} ms"))
    finally:
        ds.close()

    width = max(len(k) for k, _ in results)
    print(f"\n{args.comments:,} comments, {db.stat().st_size / 1e6:.0f} MB database")
    print("-" * (width + 70))
    for key, value in results:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
