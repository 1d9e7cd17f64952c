"""Re-run cost: crawl the local blog, then crawl it again with nothing changed.

Counts requests and bytes of each run from the server's access log
(``$body_bytes_sent``) and from the archive's ``crawl_runs`` / ``fetches``
tables, and compares wall time. A third run with ``--full`` (re-fetch every
post and thread) shows what a forced re-check costs: nginx sends ETag and
Last-Modified for every static file, so conditional GETs can answer 304.

Usage::

    python bench/rerun_cost.py --posts 2000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common  # noqa: E402
from crawl_throughput import fitarchive_cmd, serve_blog  # noqa: E402


def _archive_counts(db_path: Path) -> dict[str, Any]:
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    run = db.execute("select * from crawl_runs order by id desc limit 1").fetchone()
    by_status = dict(db.execute(
        "select coalesce(status, 0), count(*) from fetches where run_id = ? group by 1", [run["id"]]).fetchall())
    by_kind = dict(db.execute(
        "select kind, count(*) from fetches where run_id = ? group by 1", [run["id"]]).fetchall())
    result = {
        "status": run["status"],
        "pages_fetched": run["pages_fetched"],
        "pages_not_modified": run["pages_not_modified"],
        "bytes_fetched": run["bytes_fetched"],
        "posts_new": run["posts_new"],
        "posts_updated": run["posts_updated"],
        "comments_new": run["comments_new"],
        "images_new": run["images_new"],
        "errors": run["errors"],
        "fetch_status": {str(k): v for k, v in by_status.items()},
        "fetch_kinds": by_kind,
    }
    db.close()
    return result


def crawl_and_count(server: common._Server, db_path: Path, *, images: bool, full: bool = False) -> dict[str, Any]:
    offset = server.mark()
    cmd = fitarchive_cmd(server.base_url, db_path, images=images)
    if full:
        cmd.append("--full")
    child = common.run_measured(cmd, timeout=3600, cwd=common.ROOT)
    log = server.stats_since(offset)
    result: dict[str, Any] = {
        "returncode": child.returncode,
        "wall_s": child.wall_s,
        "cpu_s": child.cpu_s,
        "rss_mib": child.max_rss_mib,
        "requests": log.requests,
        "bytes": log.bytes,
        "by_status": {str(k): v for k, v in sorted(log.by_status.items())},
        "html_requests": log.html_requests,
    }
    if child.returncode not in (0,):
        result["error"] = (child.stderr or child.stdout)[-2000:]
    if db_path.exists():
        result["archive"] = _archive_counts(db_path)
    return result


def measure(*, posts: int, workdir: Path, images: bool = True, full_rerun: bool = True,
            server_kind: str = "auto", log: Any = print) -> dict[str, Any]:
    server, manifest = serve_blog(workdir, posts, server_kind)
    db_dir = workdir / "rerun"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir()
    db_path = db_dir / "archive.db"
    try:
        startup = common.run_measured([*fitarchive_cmd(server.base_url, db_path, images=images)[:3], "--help"],
                                      timeout=120, cwd=common.ROOT)
        first = crawl_and_count(server, db_path, images=images)
        log(f"run 1: {first['requests']} requests, {first['bytes'] / 1e6:.1f} MB, {first['wall_s']:.1f} s")
        second = crawl_and_count(server, db_path, images=images)
        log(f"run 2: {second['requests']} requests, {second['bytes'] / 1e6:.3f} MB, {second['wall_s']:.1f} s")
        results: dict[str, Any] = {"posts": posts, "server": server.kind, "images": images, "blog": manifest,
                                   "startup_s": startup.wall_s, "run1": first, "run2": second}
        results["run2_vs_run1"] = _ratios(second, first)
        if full_rerun:
            third = crawl_and_count(server, db_path, images=images, full=True)
            log(f"run 3 (--full): {third['requests']} requests, {third['bytes'] / 1e6:.1f} MB, {third['wall_s']:.1f} s")
            results["run3_full"] = third
            results["run3_vs_run1"] = _ratios(third, first)
    finally:
        server.stop()
        shutil.rmtree(workdir / f"site-{posts}", ignore_errors=True)
        shutil.rmtree(db_dir, ignore_errors=True)
    return results


def _ratios(run: dict[str, Any], base: dict[str, Any]) -> dict[str, float]:
    def pct(a: float, b: float) -> float:
        return 100.0 * a / b if b else float("nan")

    return {
        "requests_pct": pct(run["requests"], base["requests"]),
        "bytes_pct": pct(run["bytes"], base["bytes"]),
        "time_pct": pct(run["wall_s"], base["wall_s"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--no-images", action="store_true")
    parser.add_argument("--no-full-rerun", action="store_true", help="skip the third run with --full")
    parser.add_argument("--server", choices=["auto", "nginx", "stdlib"], default="auto")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    common.exit_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        results = measure(posts=args.posts, workdir=Path(tmp), images=not args.no_images,
                          full_rerun=not args.no_full_rerun, server_kind=args.server,
                          log=lambda m: print(m, file=sys.stderr, flush=True))
    text = json.dumps(results, indent=1)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
