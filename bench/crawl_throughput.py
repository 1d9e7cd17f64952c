"""Crawl throughput: ``fitarchive crawl`` against the Scrapy peer on the same local blog.

Generates the blog (bench/generate_blog.py), serves it with nginx on 127.0.0.1
(the stdlib server when nginx is missing), measures the server's own ceiling
with a bare keep-alive client, then runs, interleaved, ``runs`` times each:

* ``fitarchive crawl --delay 0 --concurrency 16 --no-rest --no-images`` (the headline),
* the same with images downloaded (optional),
* the Scrapy peer (bench/peers/scrapy_spider.py),
* a bare httpx + selectolax loop (bench/peers/bare_httpx_selectolax.py).

Each crawler is a child process; its CPU seconds and peak RSS come from
``wait4``'s rusage. Pages = post pages + comment pages fetched. Optionally
profiles one fitarchive crawl with py-spy and measures peak RSS at a larger
blog (``--rss-posts 10000``).

Usage::

    python bench/crawl_throughput.py --posts 2000 --runs 3 --images --profile --rss-posts 10000
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common  # noqa: E402
from generate_blog import generate  # noqa: E402

BENCH = Path(__file__).resolve().parent
FITARCHIVE = [common.PYTHON, "-m", "scraper"]
CONCURRENCY = 16


def serve_blog(workdir: Path, posts: int, server_kind: str = "auto") -> tuple[common._Server, dict[str, Any]]:
    """Generate a blog of ``posts`` posts under ``workdir`` and serve it; return (server, manifest)."""
    port = common.free_port()
    site = workdir / f"site-{posts}"
    manifest = generate(site, posts=posts, base_url=f"http://127.0.0.1:{port}")
    common.open_for_server(site)
    server = common.start_server(site, workdir / f"server-{posts}", kind=server_kind, port=port)
    return server, manifest


def fitarchive_cmd(base_url: str, db: Path, *, images: bool) -> list[str]:
    cmd = [*FITARCHIVE, "crawl", base_url + "/", "--db", str(db), "--delay", "0",
           "--concurrency", str(CONCURRENCY), "--no-rest", "--quiet"]
    if not images:
        cmd.append("--no-images")
    return cmd


def run_fitarchive(base_url: str, workdir: Path, *, images: bool, timeout: float = 1800) -> dict[str, Any]:
    out = workdir / ("fa-images" if images else "fa")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    db_path = out / "archive.db"
    child = common.run_measured(fitarchive_cmd(base_url, db_path, images=images), timeout=timeout, cwd=common.ROOT)
    result = _child_result(child)
    db = sqlite3.connect(db_path) if db_path.exists() else None
    run_id = db.execute("select max(id) from crawl_runs").fetchone()[0] if db else None
    if db is not None and run_id is not None:
        by_kind = dict(db.execute("select kind, count(*) from fetches where run_id = ? group by kind", [run_id]))
        result.update(
            pages=by_kind.get("post", 0) + by_kind.get("comment_page", 0),
            requests=sum(by_kind.values()),
            images=by_kind.get("image", 0),
            posts=db.execute("select count(*) from posts").fetchone()[0],
            comments=db.execute("select count(*) from comments").fetchone()[0],
            replies=db.execute("select count(*) from comments where parent_id is not null").fetchone()[0],
            status=db.execute("select status from crawl_runs where id = ?", [run_id]).fetchone()[0],
        )
    if db is not None:
        db.close()
    shutil.rmtree(out, ignore_errors=True)
    return _rates(result)


def run_peer(script: str, base_url: str, workdir: Path, timeout: float = 1800) -> dict[str, Any]:
    out = workdir / Path(script).stem
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    child = common.run_measured(
        [common.PYTHON, str(BENCH / "peers" / script), base_url + "/", "--db", str(out / "peer.db")],
        timeout=timeout, cwd=out)
    result = _child_result(child)
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    if lines:
        data = json.loads(lines[-1])
        for key in ("pages", "requests", "posts", "comments", "replies"):
            result[key] = data.get(key, 0)
        if "scrapy" in data:
            result["version"] = data["scrapy"]
    shutil.rmtree(out, ignore_errors=True)
    return _rates(result)


def _child_result(child: common.ChildRun) -> dict[str, Any]:
    result: dict[str, Any] = {
        "returncode": child.returncode, "wall_s": child.wall_s, "cpu_s": child.cpu_s,
        "rss_mib": child.max_rss_mib, "tree_pss_mib": child.tree_pss_mib, "processes": child.processes,
        "pages": 0,
    }
    if child.returncode != 0:
        result["error"] = (child.stderr or child.stdout)[-2000:]
    return result


def credit(result: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    """Rate a run by the blog it archived, not by the requests it needed.

    ``pages`` becomes the blog's HTML pages (posts + distinct comment pages)
    when the crawler archived every post and comment; ``fetched_pages`` keeps
    what it requested (a crawler that sees that the bare post URL already
    shows a comment page skips that page). An incomplete archive is credited
    with the pages it fetched.
    """
    result["fetched_pages"] = result.get("pages", 0)
    result["complete"] = (result.get("posts") == manifest["posts"]
                          and result.get("comments") == manifest["comments"])
    if result["complete"]:
        result["pages"] = manifest["html_pages_to_fetch"]
    return _rates(result)


def _rates(result: dict[str, Any]) -> dict[str, Any]:
    pages = result.get("pages", 0)
    result["pages_per_s"] = pages / result["wall_s"] if result["wall_s"] else 0.0
    result["pages_per_cpu_s"] = pages / result["cpu_s"] if result["cpu_s"] else 0.0
    return result


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of each figure over the runs (a crawler that failed a run keeps its error)."""
    keys = ("pages_per_s", "pages_per_cpu_s", "wall_s", "cpu_s", "rss_mib", "tree_pss_mib", "processes")
    summary: dict[str, Any] = {key: common.median([r[key] for r in runs]) for key in keys}
    for key in ("pages", "fetched_pages", "complete", "requests", "posts", "comments", "replies", "images",
                "version", "status"):
        if key in runs[-1]:
            summary[key] = runs[-1][key]
    errors = [r["error"] for r in runs if r.get("error")]
    if errors:
        summary["error"] = errors[-1]
    summary["runs"] = len(runs)
    return summary


# ---------------------------------------------------------------- profile

_FRAME = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")


def profile_fitarchive(base_url: str, workdir: Path, *, top: int = 15) -> dict[str, Any]:
    """Sample one crawl with py-spy; return self and inclusive CPU shares by function."""
    py_spy = shutil.which("py-spy") or str(Path(common.PYTHON).parent / "py-spy")
    if not Path(py_spy).exists():
        return {"error": "py-spy not installed (pip install py-spy)"}
    out = workdir / "fa-profile"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    raw = out / "profile.raw"
    cmd = [py_spy, "record", "--rate", "200", "--format", "raw", "--output", str(raw), "--nonblocking",
           "--subprocesses", "--",
           *fitarchive_cmd(base_url, out / "archive.db", images=False)]
    child = common.run_measured(cmd, timeout=1800, cwd=common.ROOT)
    if not raw.exists():
        return {"error": (child.stderr or child.stdout)[-2000:]}
    result = aggregate_profile(raw.read_text(encoding="utf-8", errors="replace"), top=top)
    result["wall_s"] = child.wall_s
    shutil.rmtree(out, ignore_errors=True)
    return result


def _frame_name(frame: str) -> tuple[str, str]:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip(), ""
    func, path = match.groups()
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    if "/work/" in path or path.startswith(str(common.ROOT)):
        path = path.replace(str(common.ROOT) + "/", "")
    return func, path


_IDLE_LEAVES = (("selectors.py", "select"), ("threading.py", "wait"), ("multiprocessing/connection.py", "_recv"),
                ("multiprocessing/connection.py", "wait"), ("queue.py", "get"))


def _is_idle(func: str, path: str) -> bool:
    return any(path.endswith(file) and name in func for file, name in _IDLE_LEAVES)


def aggregate_profile(raw: str, *, top: int = 15) -> dict[str, Any]:
    """Turn py-spy raw (collapsed) stacks into self / inclusive shares.

    With ``--subprocesses`` each stack starts with ``process PID:"cmdline"``;
    stacks under a helper process's loop (``scraper/helper.py`` ``_serve``: the
    forked parser and writer processes) are reported apart from the crawl's
    own process, and counted per helper. Samples whose innermost frame
    is a wait (selector, lock, pipe read) are dropped as idle.
    """
    self_time: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    modules: Counter[str] = Counter()
    worker_self: Counter[str] = Counter()
    worker_modules: Counter[str] = Counter()
    per_process: Counter[str] = Counter()
    per_helper: Counter[str] = Counter()
    total = idle = worker_total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        raw_frames = [f for f in stack.split(";") if f]
        process = ""
        if raw_frames and raw_frames[0].startswith("process "):
            process = raw_frames.pop(0)
        frames = [_frame_name(f) for f in raw_frames]
        if not frames:
            continue
        if _is_idle(*frames[-1]):
            idle += count
            continue
        is_main = not any(func in ("_serve", "_process_worker") for func, _path in frames)
        per_process["main" if is_main else "worker " + process.split(":", 1)[0].removeprefix("process ")] += count
        if not is_main:
            writer = any(path == "scraper/writer.py" for _func, path in frames)
            per_helper["writer" if writer else "parser"] += count
        innermost = None
        for (func, path), raw_frame in zip(reversed(frames), reversed(raw_frames)):
            if path.startswith("scraper/"):
                innermost = path
                if is_main:
                    line_no = raw_frame.rstrip(")").rpartition(":")[2]
                    lines[f"{path}:{line_no} {func}"] += count
                break
        leaf = f"{frames[-1][1]}:{frames[-1][0]}"
        module = innermost or _library(frames[-1][1])
        if not is_main:
            worker_total += count
            worker_self[leaf] += count
            worker_modules[module] += count
            continue
        total += count
        self_time[leaf] += count
        modules[module] += count
        seen: set[str] = set()
        for func, path in frames:
            key = f"{path}:{func}"
            if path.startswith("scraper/") and key not in seen:
                inclusive[key] += count
                seen.add(key)

    def share(counter: Counter[str], of: int) -> list[tuple[str, float]]:
        return [(name, 100.0 * n / of) for name, n in counter.most_common(top)] if of else []

    return {"samples": total, "idle_samples": idle, "worker_samples": worker_total, "per_helper": dict(per_helper),
            "self": share(self_time, total), "scraper_inclusive": share(inclusive, total),
            "by_module": share(modules, total), "scraper_lines": share(lines, total),
            "worker_self": share(worker_self, worker_total), "worker_by_module": share(worker_modules, worker_total)}


def _library(path: str) -> str:
    if not path:
        return "(native)"
    return path.split("/", 1)[0] if "/" in path else path


# ---------------------------------------------------------------- main


def measure(*, posts: int, runs: int, images: bool, bare: bool, profile: bool, rss_posts: int | None,
            workdir: Path, server_kind: str = "auto", log: Any = print) -> dict[str, Any]:
    results: dict[str, Any] = {"posts": posts, "concurrency": CONCURRENCY}
    server, manifest = serve_blog(workdir, posts, server_kind)
    try:
        results["blog"] = manifest
        results["server"] = {"kind": server.kind}
        first_post = _first_post_path(workdir / f"site-{posts}")
        count = 20000 if server.kind == "nginx" else 1000
        results["server"]["ceiling_robots_rps"] = common.measure_ceiling(
            server.port, "/robots.txt", requests=count)  # type: ignore[attr-defined]
        results["server"]["ceiling_post_rps"] = common.measure_ceiling(
            server.port, first_post, requests=count)  # type: ignore[attr-defined]
        log(f"server {server.kind}: {results['server']['ceiling_robots_rps']:.0f} req/s (robots.txt), "
            f"{results['server']['ceiling_post_rps']:.0f} req/s (post page)")
        crawlers: dict[str, list[dict[str, Any]]] = {"fitarchive": [], "scrapy": []}
        if images:
            crawlers["fitarchive_images"] = []
        if bare:
            crawlers["bare"] = []
        for n in range(runs):
            for name in crawlers:
                if name == "fitarchive":
                    result = run_fitarchive(server.base_url, workdir, images=False)
                elif name == "fitarchive_images":
                    result = run_fitarchive(server.base_url, workdir, images=True)
                elif name == "scrapy":
                    result = run_peer("scrapy_spider.py", server.base_url, workdir)
                else:
                    result = run_peer("bare_httpx_selectolax.py", server.base_url, workdir)
                result = credit(result, manifest)
                crawlers[name].append(result)
                log(f"run {n + 1}/{runs} {name}: {result['pages']} pages ({result['fetched_pages']} fetched), "
                    f"{result['pages_per_s']:.1f} pages/s, "
                    f"{result['cpu_s']:.1f} CPU s, {result['rss_mib']:.0f} MiB RSS, "
                    f"{result['tree_pss_mib']:.0f} MiB PSS in {result['processes']} process(es)"
                    + (f" ERROR {result['error'][-300:]}" if result.get("error") else ""))
        results["crawlers"] = {name: summarize(r) for name, r in crawlers.items()}
        results["raw_runs"] = crawlers
        ours, peer = results["crawlers"]["fitarchive"], results["crawlers"]["scrapy"]
        results["ratio_pages_per_s"] = ours["pages_per_s"] / peer["pages_per_s"] if peer["pages_per_s"] else None
        results["ratio_cpu_s"] = ours["cpu_s"] / peer["cpu_s"] if peer["cpu_s"] else None
        if profile:
            results["profile"] = profile_fitarchive(server.base_url, workdir)
            log(f"profile: {results['profile'].get('samples', 0)} samples")
    finally:
        server.stop()
        shutil.rmtree(workdir / f"site-{posts}", ignore_errors=True)
    if rss_posts:
        big, big_manifest = serve_blog(workdir, rss_posts, server_kind)
        try:
            result = credit(run_fitarchive(big.base_url, workdir, images=False, timeout=3600), big_manifest)
            result["blog"] = big_manifest
            results["rss_large"] = result
            log(f"{rss_posts} posts: {result['pages']} pages, {result['pages_per_s']:.1f} pages/s, "
                f"peak RSS {result['rss_mib']:.0f} MiB, tree PSS {result['tree_pss_mib']:.0f} MiB")
        finally:
            big.stop()
            shutil.rmtree(workdir / f"site-{rss_posts}", ignore_errors=True)
    return results


def _first_post_path(site: Path) -> str:
    sitemap = (site / "wp-sitemap-posts-post-1.xml").read_text(encoding="utf-8")
    match = re.search(r"<loc>https?://[^/]+(/[^<]*)</loc>", sitemap)
    return match.group(1) if match else "/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--images", action="store_true", help="also crawl with images downloaded")
    parser.add_argument("--no-bare", action="store_true", help="skip the httpx+selectolax loop")
    parser.add_argument("--profile", action="store_true", help="profile one fitarchive crawl with py-spy")
    parser.add_argument("--rss-posts", type=int, default=None, help="also measure peak RSS at this many posts")
    parser.add_argument("--server", choices=["auto", "nginx", "stdlib"], default="auto")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    common.exit_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        results = measure(posts=args.posts, runs=args.runs, images=args.images, bare=not args.no_bare,
                          profile=args.profile, rss_posts=args.rss_posts, workdir=Path(tmp),
                          server_kind=args.server, log=lambda m: print(m, file=sys.stderr, flush=True))
    text = json.dumps(results, indent=1, default=str)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
