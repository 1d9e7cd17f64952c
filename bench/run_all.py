"""Run every benchmark and write BENCHMARKS.md (``make bench``; ``make bench FULL=1``).

Quick mode (default): a 300-post blog, one run per crawler, a profile, the
re-run cost, extraction speed, 100 corpus pages and the many-blogs run (8
blogs on 8 loopback hosts at 0.25 s per host, bench/many_blogs.py). Full mode
(``--full``): 2,000 posts and the median of 3 runs, peak RSS at 10,000 posts,
the whole corpus, the many-blogs memory run (200 blogs), and
bench/datasette_scale.py with 1,000,000 comments when present.

Raw results go to bench/out/results-<mode>.json (gitignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common  # noqa: E402
import crawl_throughput  # noqa: E402
import extraction  # noqa: E402
import many_blogs  # noqa: E402
import rerun_cost  # noqa: E402

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
FLOOR, GOAL = 1.5, 2.5  # issue #10: ours vs Scrapy pages/s
RSS_LIMIT_MIB = 200
RERUN_BYTES_GOAL, RERUN_TIME_GOAL = 5.0, 10.0  # percent of the first run


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(full: bool, *, corpus: Path, datasette: bool, output: Path, server: str = "auto") -> dict[str, Any]:
    results: dict[str, Any] = {
        "mode": "full" if full else "quick",
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine(),
        "load_before": os.getloadavg(),
        "commit": _git_commit(),
        "versions": {name: common.package_version(name) for name in
                     ("fitarchive", "scrapy", "trafilatura", "readability-lxml", "httpx", "selectolax", "lxml",
                      "sqlite-utils", "datasette")},
    }
    posts = 2000 if full else 300
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-all-") as tmp:
        work = Path(tmp)
        log(f"crawl throughput: {posts} posts, {3 if full else 1} run(s) each")
        results["crawl"] = crawl_throughput.measure(
            posts=posts, runs=3 if full else 1, images=True, bare=True, profile=True,
            rss_posts=10000 if full else None, workdir=work / "crawl", server_kind=server, log=log)
        log("re-run cost")
        results["rerun"] = rerun_cost.measure(posts=posts, workdir=work / "rerun", server_kind=server, log=log)
        log("extraction")
        results["extraction"] = {
            "speed": extraction.measure_speed(200, work / "extract", log=log),
            "quality": extraction.measure_quality(corpus, None if full else 100, log=log)
            if (corpus / "ground-truth.json").exists() else {"error": f"corpus not found at {corpus}"},
        }
        preset = many_blogs.DEFAULT
        log(f"many blogs: {preset['blogs']} blogs of {preset['posts']} posts, delay {preset['delay']} s per host")
        results["many_blogs"] = many_blogs.measure(**preset, workdir=work / "many", server_kind=server, log=log)
        if full:
            preset = many_blogs.MEMORY
            log(f"many blogs, memory: {preset['blogs']} blogs of {preset['posts']} posts")
            results["many_blogs_memory"] = many_blogs.measure(**preset, workdir=work / "many-memory",
                                                              server_kind=server, log=log)
    scale = BENCH / "datasette_scale.py"
    if datasette and scale.exists():
        comments = 1_000_000 if full else 100_000
        log(f"datasette at scale: {comments:,} comments (bench/datasette_scale.py)")
        proc = subprocess.run([common.PYTHON, str(scale), "--comments", str(comments), "--repeat", "3"],
                              capture_output=True, text=True, timeout=3600, cwd=common.ROOT)
        results["datasette"] = {"comments": comments, "returncode": proc.returncode,
                                "output": proc.stdout[-6000:], "stderr": proc.stderr[-2000:]}
    results["load_after"] = os.getloadavg()
    results["total_s"] = time.perf_counter() - started
    OUT.mkdir(exist_ok=True)
    (OUT / f"results-{results['mode']}.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    output.write_text(render(results), encoding="utf-8")
    log(f"wrote {output} in {results['total_s']:.0f} s")
    return results


def _git_commit() -> str:
    """The commit measured, noting uncommitted changes to the package."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=common.ROOT, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "scraper", "schemas"], capture_output=True,
                               text=True, cwd=common.ROOT, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{head} (with uncommitted changes in scraper/)" if dirty else head


# ---------------------------------------------------------------- report


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(r: dict[str, Any]) -> str:
    m = r["machine"]
    crawl = r["crawl"]
    c = crawl["crawlers"]
    blog = crawl["blog"]
    runs = c["fitarchive"]["runs"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `bench/run_all.py` ({r['mode']} mode{', `make bench FULL=1`' if r['mode'] == 'full' else ', `make bench`'}) "
        f"on {r['date']} at commit {r['commit']}. Every figure below comes from this one run; the peers ran "
        "beside ours, interleaved, against the same local server.",
        "",
        "| machine | |",
        "| --- | --- |",
        f"| CPU | {m['cpu']}, {m['cores']} cores |",
        f"| RAM | {m['ram']} |",
        f"| OS | {m['os']} |",
        f"| Python | {m['python']} |",
        f"| server | {crawl['server']['kind']} {m.get('nginx', '')} on 127.0.0.1, 1 worker |",
        f"| load average before / after | {' '.join(f'{x:.2f}' for x in r['load_before'])} / "
        f"{' '.join(f'{x:.2f}' for x in r['load_after'])} |",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in r["versions"].items()) + ".",
        "",
        "The machine is shared with other work (see the load average), so wall-clock figures are noisy;",
        "CPU seconds and pages per CPU second are the steadier comparison.",
        "",
        "## Crawl throughput",
        "",
        f"A generated {blog['posts']:,}-post blog in the twentytwentyone markup of the WordPress harness "
        f"(`bench/generate_blog.py`): {blog['html_pages_to_fetch']:,} HTML pages to fetch "
        f"({blog['posts']:,} posts + {blog['comment_pages_to_fetch']:,} comment pages), "
        f"{blog['comments']:,} comments (nested replies), {blog['images']} shared images, "
        f"{blog['html_bytes'] / blog['html_pages_to_fetch'] / 1024:.0f} KiB per page on average. "
        f"Concurrency {crawl['concurrency']}, no delay; fitarchive with `--no-rest`. "
        f"{'Median of ' + str(runs) + ' runs' if runs > 1 else 'One run'} per crawler. "
        "Pages/s counts the blog's pages (posts + comment pages) for a crawler that archived every post and "
        "comment, whatever number of requests it needed (fetched pages: what it requested).",
        "",
        f"Server ceiling (bare keep-alive asyncio client, 8 connections): "
        f"{_f(crawl['server']['ceiling_robots_rps'], 0)} requests/s for robots.txt, "
        f"{_f(crawl['server']['ceiling_post_rps'], 0)} requests/s for a post page.",
        "",
        "CPU s is user + system time of the crawler and every process it waited for (fitarchive's parser and writer processes). "
        "Memory is polled from /proc every 50-100 ms: the main process's peak RSS (VmHWM) and the peak PSS summed "
        "over its whole process tree (pages shared by forked workers counted once).",
        "",
        "| crawler | pages/s | CPU s | pages per CPU s | peak RSS MiB (main) | peak PSS MiB (tree) | processes "
        "| pages (fetched) | posts | comments (replies) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    names = {
        "fitarchive": "fitarchive crawl --no-images",
        "fitarchive_images": "fitarchive crawl (images on)",
        "scrapy": f"Scrapy {c.get('scrapy', {}).get('version', '')} SitemapSpider + parsel (peer)",
        "bare": "bare httpx + selectolax loop (floor)",
    }
    for key in ("fitarchive", "fitarchive_images", "scrapy", "bare"):
        if key not in c:
            continue
        s = c[key]
        label = names[key] + (" **failed**" if s.get("error") else "")
        lines.append(
            f"| {label} | {_f(s['pages_per_s'])} | {_f(s['cpu_s'])} | {_f(s['pages_per_cpu_s'])} | "
            f"{_f(s['rss_mib'], 0)} | {_f(s.get('tree_pss_mib'), 0)} | {_f(s.get('processes'), 0)} | "
            f"{_f(s.get('pages'))} ({_f(s.get('fetched_pages'))}) | {_f(s.get('posts'))} | "
            f"{_f(s.get('comments'))} ({_f(s.get('replies'))}) |")
    ratio = crawl.get("ratio_pages_per_s")
    cpu_ratio = (c["scrapy"]["cpu_s"] / c["fitarchive"]["cpu_s"]) if "scrapy" in c and c["fitarchive"]["cpu_s"] else None
    lines += [
        "",
        f"**fitarchive / Scrapy: {_f(ratio, 2)}x the pages/s, {_f(cpu_ratio, 2)}x the pages per CPU second** "
        f"(floor {FLOOR}x, goal {GOAL}x pages/s). "
        f"Against the bare httpx + selectolax loop: "
        f"{_f(c['fitarchive']['pages_per_s'] / c['bare']['pages_per_s'] if c.get('bare') and c['bare']['pages_per_s'] else None, 2)}x.",
    ]
    if "fitarchive_images" in c:
        lines.append(f"With images on, fitarchive also fetched {_f(c['fitarchive_images'].get('images'))} image files.")
    if crawl.get("rss_large"):
        big = crawl["rss_large"]
        lines += ["", f"Memory at {big['blog']['posts']:,} posts ({_f(big.get('pages'))} pages, `--no-images`): "
                      f"**{_f(big.get('tree_pss_mib'), 0)} MiB PSS** over the process tree "
                      f"({_f(big['rss_mib'], 0)} MiB RSS in the main process), against "
                      f"{_f(c['fitarchive'].get('tree_pss_mib'), 0)} MiB ({_f(c['fitarchive']['rss_mib'], 0)} MiB) "
                      f"at {blog['posts']:,} posts (limit {RSS_LIMIT_MIB} MB); {_f(big['pages_per_s'])} pages/s, "
                      f"{_f(big['cpu_s'])} CPU s."]
    lines += _profile_section(crawl.get("profile"))
    lines += _rerun_section(r["rerun"])
    lines += _extraction_section(r["extraction"])
    quality = BENCH / "extraction_quality.md"  # both sets, from bench/extraction_quality.py
    if quality.exists():
        lines += ["", quality.read_text(encoding="utf-8").strip()]
    if r.get("datasette"):
        d = r["datasette"]
        lines += ["", f"## Datasette at scale ({d['comments']:,} comments)", "",
                  "From `bench/datasette_scale.py` (its summary, unedited):", "", "```",
                  _scale_summary(d["output"]) or d["stderr"].strip(), "```"]
    if r.get("many_blogs"):
        lines += ["", *many_blogs.markdown(r["many_blogs"], r.get("many_blogs_memory"))]
    lines += _status_section(r)
    notes = BENCH / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    lines += ["", "## Reproduce", "", "```", "make bench          # quick mode", "make bench FULL=1   # full mode",
              "make bench-many     # many blogs alone (MEMORY=1: 200 blogs)", "```", "",
              "Each script also runs alone (`python bench/crawl_throughput.py --help`, "
              "`bench/rerun_cost.py`, `bench/extraction.py`, `bench/many_blogs.py`, `bench/generate_blog.py`).", ""]
    return "\n".join(lines)


def _scale_summary(output: str) -> str:
    """The closing summary of datasette_scale.py's output (from its 'N comments, M MB' line)."""
    lines = output.strip().splitlines()
    for index, line in enumerate(lines):
        if line.endswith("MB database") and "comments" in line:
            return "\n".join(lines[index:])
    return "\n".join(lines[-40:])


def _profile_section(profile: dict[str, Any] | None) -> list[str]:
    if not profile:
        return []
    if profile.get("error"):
        return ["", "## Where fitarchive's CPU goes", "", f"Profile failed: {profile['error'][:300]}"]
    worker = profile.get("worker_samples") or 0
    lines = ["", "## Where fitarchive's CPU goes", "",
             f"py-spy (`--subprocesses`), one `--no-images` crawl of the same blog at 200 Hz: {profile['samples']:,} "
             f"busy samples in the crawl's own process"
             + (f" and {worker:,} in its helper processes ("
                + ", ".join(f"{n:,} in the {name}" for name, n in sorted(profile.get("per_helper", {}).items())) + ")"
                if worker else "")
             + ";"
             + f" {profile.get('idle_samples', 0):,} idle samples (waiting in a selector, lock or pipe) are left out. "
             "Native code such as lxml, sqlite and zlib is charged to the Python line that called it. "
             "Shares are of the crawl process's busy samples.", "",
             "| innermost scraper module on the stack (else library) | share of samples |", "| --- | --- |"]
    lines += [f"| `{name}` | {share:.1f}% |" for name, share in profile["by_module"][:10]]
    lines += ["", "| function (self time) | share |", "| --- | --- |"]
    lines += [f"| `{name}` | {share:.1f}% |" for name, share in profile["self"][:12]]
    lines += ["", "| scraper function (inclusive) | share |", "| --- | --- |"]
    lines += [f"| `{name}` | {share:.1f}% |" for name, share in profile["scraper_inclusive"][:14]]
    if profile.get("scraper_lines"):
        lines += ["", "| innermost scraper line (with everything it calls) | share |", "| --- | --- |"]
        lines += [f"| `{name}` | {share:.1f}% |" for name, share in profile["scraper_lines"][:15]]
    if profile.get("worker_by_module"):
        lines += ["", "The helper processes, parser and writer (shares of their busy samples):", "",
                  "| innermost scraper module on the stack (else library) | share |", "| --- | --- |"]
        lines += [f"| `{name}` | {share:.1f}% |" for name, share in profile["worker_by_module"][:8]]
    return lines


def _rerun_section(rr: dict[str, Any]) -> list[str]:
    first, second = rr["run1"], rr["run2"]
    lines = ["", "## Re-run cost", "",
             f"The same {rr['posts']:,}-post blog crawled {'with images ' if rr['images'] else ''}by fitarchive, "
             "then again with nothing changed (counted from nginx's access log, `$body_bytes_sent`), "
             "then a third time with `--full`.", "",
             "| run | requests | bytes | wall s | statuses | archive: pages fetched / not modified |",
             "| --- | --- | --- | --- | --- | --- |"]
    rows = [("1: first crawl", first), ("2: nothing changed", second)]
    if rr.get("run3_full"):
        rows.append(("3: `--full` re-check", rr["run3_full"]))
    for label, run in rows:
        archive = run.get("archive", {})
        statuses = ", ".join(f"{k}: {v}" for k, v in run["by_status"].items())
        lines.append(f"| {label} | {_f(run['requests'])} | {_f(run['bytes'])} | {_f(run['wall_s'], 2)} | {statuses} | "
                     f"{_f(archive.get('pages_fetched'))} / {_f(archive.get('pages_not_modified'))} |")
    ratio = rr["run2_vs_run1"]
    lines += ["", f"Run 2 vs run 1: **{ratio['requests_pct']:.1f}% of the requests, {ratio['bytes_pct']:.2f}% of the "
                  f"bytes, {ratio['time_pct']:.1f}% of the time** (goal: at most {RERUN_BYTES_GOAL:.0f}% of the bytes "
                  f"and {RERUN_TIME_GOAL:.0f}% of the time)."]
    kinds = second.get("archive", {}).get("fetch_kinds", {})
    if kinds:
        lines.append("What run 2 fetched: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ".")
    if rr.get("startup_s") is not None:
        lines.append(f"Starting the process alone (`python -m scraper --help`) takes {rr['startup_s']:.2f} s "
                     "of that time.")
    if rr.get("run3_full"):
        full = rr["run3_vs_run1"]
        lines.append(f"The `--full` re-check: {full['requests_pct']:.1f}% of the requests, {full['bytes_pct']:.1f}% of "
                     f"the bytes, {full['time_pct']:.1f}% of the time; "
                     f"{_f(rr['run3_full'].get('archive', {}).get('pages_not_modified'))} answers were 304 Not Modified.")
    return lines


def _extraction_section(ex: dict[str, Any]) -> list[str]:
    speed = ex["speed"]
    lines = ["", "## Extraction", "",
             f"Speed on {speed['pages']} generated post pages ({speed['avg_kib']:.0f} KiB each on average), one process:", "",
             "| extractor | ms/page |", "| --- | --- |"]
    lines += [f"| {name} | {v['ms_per_page']:.2f} |" for name, v in speed["extractors"].items()]
    if speed.get("generic_pending"):
        lines += ["", "`scraper.extract` has no generic (non-WordPress) extractor yet, so there is no generic "
                      "row in the speed table and the quality table scores `extract_post_page(...).body_text`."]
    quality = ex["quality"]
    if quality.get("error"):
        return lines + ["", f"Body quality: {quality['error']}"]
    lines += ["", f"Body quality on the article-extraction-benchmark corpus ({quality['pages']} pages): token "
                  "4-gram shingles (lower-cased word tokens, multisets), precision / recall / F1 per page, averaged.", "",
              "| extractor | precision | recall | F1 | ms/page | crashed on |", "| --- | --- | --- | --- | --- | --- |"]
    ranked = sorted(quality["extractors"].items(), key=lambda kv: -kv[1]["f1"])
    lines += [f"| {name} | {v['precision']:.3f} | {v['recall']:.3f} | **{v['f1']:.3f}** | {v['ms_per_page']:.1f} | "
              f"{v['failures']} |" for name, v in ranked]
    lines += ["", "A crash (an exception on a page) scores 0 on that page."]
    return lines


def _status_section(r: dict[str, Any]) -> list[str]:
    crawl = r["crawl"]
    c = crawl["crawlers"]
    lines = ["", "## Against the goals of issue #10", ""]
    ratio = crawl.get("ratio_pages_per_s") or 0.0
    verdict = "met" if ratio >= GOAL else ("floor met, goal not" if ratio >= FLOOR else "**behind**")
    lines.append(f"- Crawl speed: {ratio:.2f}x Scrapy's pages/s (floor {FLOOR}x, goal {GOAL}x): {verdict}.")
    profile = crawl.get("profile") or {}
    if profile.get("by_module"):
        top = ", ".join(f"`{name}` {share:.0f}%" for name, share in profile["by_module"][:3])
        lines.append(f"  The profile's biggest shares: {top}.")
    if crawl.get("rss_large"):
        large = crawl["rss_large"]
        big = max(large["rss_mib"], large.get("tree_pss_mib") or 0.0)
        small = max(c["fitarchive"]["rss_mib"], c["fitarchive"].get("tree_pss_mib") or 0.0)
        lines.append(f"- Memory: {big:.0f} MiB at {large['blog']['posts']:,} posts (the larger of main-process RSS "
                     f"and tree PSS; limit {RSS_LIMIT_MIB} MB): {'met' if big < RSS_LIMIT_MIB else '**behind**'}; "
                     f"{small:.0f} MiB at {crawl['blog']['posts']:,} posts.")
    else:
        lines.append(f"- Memory: {c['fitarchive']['rss_mib']:.0f} MiB RSS at {crawl['blog']['posts']:,} posts "
                     "(the 10,000-post check runs in full mode).")
    rr = r["rerun"]["run2_vs_run1"]
    ok = rr["bytes_pct"] <= RERUN_BYTES_GOAL and rr["time_pct"] <= RERUN_TIME_GOAL
    lines.append(f"- Re-run: {rr['bytes_pct']:.2f}% of the bytes, {rr['time_pct']:.1f}% of the time: "
                 f"{'met' if ok else '**behind**'}.")
    quality = r["extraction"]["quality"].get("extractors", {})
    ours = [(k, v) for k, v in quality.items() if k.startswith("fitarchive")]
    if ours:
        best = max((v["f1"] for k, v in quality.items() if not k.startswith("fitarchive")), default=0.0)
        name, value = ours[0]
        lines.append(f"- Body quality: {name} F1 {value['f1']:.3f} against the best peer's {best:.3f}.")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="large sizes, median of 3, 10k RSS, full corpus")
    parser.add_argument("--corpus", type=Path, default=extraction.DEFAULT_CORPUS)
    parser.add_argument("--no-datasette", action="store_true", help="skip bench/datasette_scale.py")
    parser.add_argument("--output", type=Path, default=common.ROOT / "BENCHMARKS.md")
    parser.add_argument("--server", choices=["auto", "nginx", "stdlib"], default="auto")
    parser.add_argument("--render-only", type=Path, help="re-render BENCHMARKS.md from a results JSON file")
    args = parser.parse_args()
    common.exit_on_sigterm()
    if args.render_only:
        args.output.write_text(render(json.loads(args.render_only.read_text())), encoding="utf-8")
        return
    run(args.full, corpus=args.corpus, datasette=not args.no_datasette, output=args.output, server=args.server)


if __name__ == "__main__":
    main()
