"""Many blogs, polite (issue 14): fitarchive and Scrapy over K blogs on K loopback hosts.

Generates K small blogs (bench/generate_blog.py, one seed per blog: comments,
paginated threads and a few images each) and serves them with ONE nginx, blog N
on its own loopback address ``127.0.1.N`` (same port on every address), with an
access log that records ``$msec``, ``$request_time`` and ``$server_addr`` so the
gaps between requests to one host are measured server-side. The stdlib server
(one thread per address) stands in when nginx is missing (the smoke test).

Then, in the same invocation and one after the other:

* ``fitarchive crawl --config sites.toml`` with ``delay = DELAY`` (the K blogs,
  everything else at its defaults: REST probe, images, 2 requests per host),
* the Scrapy peer (bench/peers/scrapy_many.py): ``DOWNLOAD_DELAY = DELAY``,
  no randomizing, one slot per host, 16 requests in flight, 2 per host.

Per crawler: wall time, the paced floor (busiest host's requests x delay), wall
/ floor, requests per host (min / median / max), the smallest start-to-start
gap between two requests to one host (start = ``$msec - $request_time``; a gap
below the delay, less the log's 1 ms resolution, is flagged), peak PSS of the
process tree, and whether every post and comment of every blog was archived.

``--memory``: K = 200 blogs of 5 posts at delay 0, for fitarchive's memory.
Every address is in 127.0.1.0/24; every crawl is bounded by a timeout.

Usage::

    python bench/many_blogs.py                 # K=8 blogs of 40 posts, delay 0.25
    python bench/many_blogs.py --memory        # K=200 blogs of 5 posts, delay 0
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import itertools
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common  # noqa: E402
from generate_blog import generate  # noqa: E402

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
FITARCHIVE = [common.PYTHON, "-m", "scraper"]
LOG_FORMAT = ('$msec $request_time $server_addr $host $request_method $request_uri $status '
              '$body_bytes_sent "$http_user_agent"')
DEFAULT = {"blogs": 8, "posts": 40, "delay": 0.25}
MEMORY = {"blogs": 200, "posts": 5, "delay": 0.0}
WALL_OVER_FLOOR_GOAL = 1.3  # issue 14
LOG_RESOLUTION_S = 0.001  # nginx's $msec and $request_time are in milliseconds
PER_HOST = 2  # fitarchive's default requests in flight per host; the peer gets the same
PEER_CONCURRENCY = 16

Log = Callable[[str], None]


@dataclass(frozen=True)
class Blog:
    """One generated blog and the loopback address serving it."""

    address: str
    base_url: str
    site: Path
    manifest: dict[str, Any]


@dataclass(frozen=True)
class Request:
    """One line of the access log."""

    start: float  # seconds since the epoch, when the server began reading the request
    address: str
    method: str
    uri: str
    status: int


def addresses(count: int) -> list[str]:
    """The loopback addresses 127.0.1.1 ... 127.0.1.count."""
    if not 1 <= count <= 254:
        raise ValueError("between 1 and 254 blogs (127.0.1.1 ... 127.0.1.254)")
    return [f"127.0.1.{n}" for n in range(1, count + 1)]


def _port_free(address: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


def pick_port(hosts: Sequence[str], preferred: int = 8080) -> int:
    """A port free on every address: ``preferred`` when it is, else one the kernel offers."""
    for _attempt in range(20):
        port = preferred if _attempt == 0 else common.free_port()
        if all(_port_free(host, port) for host in hosts):
            return port
    raise RuntimeError("no port free on every loopback address")


def build_blogs(workdir: Path, count: int, posts: int, port: int) -> list[Blog]:
    """Generate ``count`` blogs of ``posts`` posts, blog N for http://127.0.1.N:port (seed 100 + N)."""
    blogs = []
    for n, address in enumerate(addresses(count), start=1):
        base = f"http://{address}:{port}"
        site = workdir / "sites" / f"blog-{n:03d}"
        manifest = generate(site, posts=posts, seed=100 + n, base_url=base)
        blogs.append(Blog(address=address, base_url=base, site=site, manifest=manifest))
    common.open_for_server(workdir / "sites")
    return blogs


# ---------------------------------------------------------------- servers


class ManyServer:
    """Serves every blog on its own address; ``mark()`` and ``requests_since()`` read the access log."""

    kind = "?"
    access_log: Path

    def mark(self) -> int:
        self.flush()
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def flush(self) -> None:
        pass

    def requests_since(self, offset: int) -> list[Request]:
        self.flush()
        with self.access_log.open("rb") as handle:
            handle.seek(offset)
            return parse_log(handle.read().decode("utf-8", "replace"))

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> ManyServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ManyNginx(ManyServer):
    """One nginx, one ``server`` block per blog: ``listen 127.0.1.N:PORT``."""

    kind = "nginx"

    def __init__(self, blogs: Sequence[Blog], port: int, workdir: Path) -> None:
        if common.NGINX is None:
            raise RuntimeError("nginx is not installed (make bench-deps)")
        workdir.mkdir(parents=True, exist_ok=True)
        self.access_log = workdir / "access.log"
        self.access_log.unlink(missing_ok=True)
        servers = "".join(common.nginx_site(f"{blog.address}:{port}", blog.site) for blog in blogs)
        conf = workdir / "nginx.conf"
        conf.write_text(
            common.nginx_config(workdir, self.access_log, LOG_FORMAT, servers, connections=4096)
        )
        self.proc = subprocess.Popen([common.NGINX, "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _wait_listening([blog.address for blog in blogs], port, self.proc)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class _ManyHandler(common._Handler):
    """The smoke-test server's handler, logging in the same fields as LOG_FORMAT."""

    def parse_request(self) -> bool:
        self._started = time.time()
        return super().parse_request()

    def end_headers(self) -> None:
        status = getattr(self, "_status", 0)
        body = 0 if self.command == "HEAD" or status == 304 else getattr(self, "_sent_length", 0)
        now = time.time()
        host = (self.headers.get("Host") or "-").rsplit(":", 1)[0]
        line = (f"{now:.3f} {now - getattr(self, '_started', now):.3f} {self.server.server_address[0]} {host} "
                f'{self.command} {self.path} {status} {body} "{self.headers.get("User-Agent", "")}"\n')
        with self.lock:
            self.log_file.write(line)  # type: ignore[attr-defined]
        http.server.SimpleHTTPRequestHandler.end_headers(self)


class ManyStdlib(ManyServer):
    """``http.server`` threads, one per address: the fallback when nginx is missing."""

    kind = "http.server"

    def __init__(self, blogs: Sequence[Blog], port: int, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.access_log = workdir / "access.log"
        self._log = self.access_log.open("w", encoding="utf-8")
        self.servers: list[http.server.ThreadingHTTPServer] = []
        for blog in blogs:
            handler = type("Handler", (_ManyHandler,), {"log_file": self._log, "directory_root": str(blog.site)})

            def make(*args: Any, _handler: type = handler, **kwargs: Any) -> Any:
                return _handler(*args, directory=_handler.directory_root, **kwargs)

            httpd = http.server.ThreadingHTTPServer((blog.address, port), make)  # type: ignore[arg-type]
            httpd.daemon_threads = True
            self.servers.append(httpd)
            threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()

    def flush(self) -> None:
        with _ManyHandler.lock:
            self._log.flush()

    def stop(self) -> None:
        for httpd in self.servers:
            httpd.shutdown()
            httpd.server_close()
        self._log.close()


def start_servers(blogs: Sequence[Blog], port: int, workdir: Path, kind: str = "auto") -> ManyServer:
    """nginx when installed (``kind`` auto/nginx/stdlib), else the stdlib threads."""
    if kind == "nginx" or (kind == "auto" and common.NGINX is not None):
        return ManyNginx(blogs, port, workdir)
    return ManyStdlib(blogs, port, workdir)


def _wait_listening(hosts: Sequence[str], port: int, proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    pending = list(hosts)
    while pending and time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"nginx exited with {proc.returncode}: {err}")
        try:
            with socket.create_connection((pending[0], port), timeout=0.5):
                pending.pop(0)
        except OSError:
            time.sleep(0.05)
    if pending:
        raise RuntimeError(f"nothing listening on {pending[0]}:{port} after {timeout} s")


def parse_log(text: str) -> list[Request]:
    """Requests of LOG_FORMAT lines; start = ``$msec - $request_time``."""
    requests = []
    for line in text.splitlines():
        parts = line.split(" ", 7)
        if len(parts) < 8:
            continue
        try:
            end, took, status = float(parts[0]), float(parts[1]), int(parts[6])
        except ValueError:
            continue
        requests.append(Request(start=end - took, address=parts[2], method=parts[4], uri=parts[5], status=status))
    return requests


# ---------------------------------------------------------------- figures


def host_figures(requests: Sequence[Request], hosts: Sequence[str], delay: float) -> dict[str, Any]:
    """Requests per host, the paced floor and the smallest start-to-start gap on one host."""
    by_host: dict[str, list[Request]] = {host: [] for host in hosts}
    for request in requests:
        by_host.setdefault(request.address, []).append(request)
    counts = sorted(len(starts) for starts in by_host.values())
    busiest = max(by_host, key=lambda host: len(by_host[host]))
    smallest: tuple[float, str] | None = None
    below: list[dict[str, Any]] = []
    for host, seen in by_host.items():
        seen.sort(key=lambda request: request.start)
        for earlier, later in itertools.pairwise(seen):
            gap = later.start - earlier.start
            if smallest is None or gap < smallest[0]:
                smallest = (gap, host)
            if delay and gap < delay - LOG_RESOLUTION_S:
                below.append({"host": host, "gap_s": round(gap, 4), "first": earlier.uri, "second": later.uri})
    return {
        "requests": len(requests),
        "requests_per_host": {"min": counts[0], "median": common.median(counts), "max": counts[-1]},
        "busiest_host": busiest,
        "floor_s": len(by_host[busiest]) * delay,
        "min_gap_s": round(smallest[0], 4) if smallest else None,
        "min_gap_host": smallest[1] if smallest else None,
        "gaps_below_delay": len(below),
        "gaps_below_90pct": sum(1 for item in below if item["gap_s"] < 0.9 * delay),
        "gaps_below_delay_examples": sorted(below, key=lambda item: item["gap_s"])[:10],
        "other_hosts": sorted(set(by_host) - set(hosts)),
        "statuses": _statuses(requests),
    }


def _statuses(requests: Sequence[Request]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for request in requests:
        counts[str(request.status)] = counts.get(str(request.status), 0) + 1
    return dict(sorted(counts.items()))


def completeness(blogs: Sequence[Blog], per_host: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Whether every blog's posts and comments were all archived (per host, from the crawler's database)."""
    missing = []
    for blog in blogs:
        got = per_host.get(urllib.parse.urlsplit(blog.base_url).netloc, {"posts": 0, "comments": 0})
        if got["posts"] != blog.manifest["posts"] or got["comments"] != blog.manifest["comments"]:
            missing.append({"host": blog.address, "posts": got["posts"], "posts_expected": blog.manifest["posts"],
                            "comments": got["comments"], "comments_expected": blog.manifest["comments"]})
    return {"complete": not missing, "incomplete_blogs": missing,
            "posts": sum(v["posts"] for v in per_host.values()),
            "comments": sum(v["comments"] for v in per_host.values())}


def _child(child: common.ChildRun) -> dict[str, Any]:
    result: dict[str, Any] = {"returncode": child.returncode, "wall_s": child.wall_s, "cpu_s": child.cpu_s,
                              "rss_mib": child.max_rss_mib, "tree_pss_mib": child.tree_pss_mib,
                              "processes": child.processes}
    if child.returncode != 0:
        result["error"] = (child.stderr or child.stdout)[-2000:]
    return result


# ---------------------------------------------------------------- crawlers


def export_ref(ref: str, target: Path) -> Path:
    """``git archive REF scraper schemas`` into ``target``: fitarchive as committed, whatever the working tree holds."""
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref, "scraper", "schemas"], cwd=common.ROOT, capture_output=True,
                             check=True, timeout=60)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True, timeout=60)
    return target


def describe_source(ref: str | None) -> str:
    """The commit measured: ``REF`` resolved, or HEAD noting uncommitted changes under scraper/."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", ref or "HEAD"], capture_output=True, text=True,
                                cwd=common.ROOT, timeout=10, check=False).stdout.strip()
        if ref:
            return f"{commit} (git archive of {ref})"
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "scraper", "schemas"], capture_output=True,
                               text=True, cwd=common.ROOT, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{commit} (with uncommitted changes in scraper/)" if dirty else commit


def run_fitarchive(blogs: Sequence[Blog], delay: float, workdir: Path, *, timeout: float,
                   source: Path | None = None) -> dict[str, Any]:
    """``fitarchive crawl --config sites.toml`` over every blog; counts per host from its database.

    ``source``: a folder holding ``scraper/`` and ``schemas/`` to run instead of the working tree's.
    """
    out = workdir / "fitarchive"
    out.mkdir(parents=True, exist_ok=True)
    config = out / "sites.toml"
    config.write_text(f"delay = {delay}\n\n" + "".join(f'[[sites]]\nurl = "{blog.base_url}/"\n\n' for blog in blogs),
                      encoding="utf-8")
    db_path = out / "archive.db"
    child = common.run_measured([*FITARCHIVE, "crawl", "--config", str(config), "--db", str(db_path), "--quiet"],
                                timeout=timeout, cwd=source or common.ROOT)
    result = _child(child)
    per_host: dict[str, dict[str, int]] = {}
    if db_path.exists():
        db = sqlite3.connect(db_path)
        try:
            for url, comments in db.execute(
                    "select p.url, (select count(*) from comments c where c.post_id = p.id) from posts p"):
                counts = per_host.setdefault(urllib.parse.urlsplit(url).netloc, {"posts": 0, "comments": 0})
                counts["posts"] += 1
                counts["comments"] += comments
            result["runs"] = dict(db.execute("select status, count(*) from crawl_runs group by status"))
            result["images"] = db.execute("select count(*) from fetches where kind = 'image'").fetchone()[0]
        finally:
            db.close()
    result.update(completeness(blogs, per_host))
    return result


def run_scrapy(blogs: Sequence[Blog], delay: float, workdir: Path, *, timeout: float,
               source: Path | None = None) -> dict[str, Any]:
    """The Scrapy peer (bench/peers/scrapy_many.py) over every blog."""
    out = workdir / "scrapy"
    out.mkdir(parents=True, exist_ok=True)
    child = common.run_measured(
        [common.PYTHON, str(BENCH / "peers" / "scrapy_many.py"), *(blog.base_url + "/" for blog in blogs),
         "--db", str(out / "peer.db"), "--delay", str(delay), "--concurrency", str(PEER_CONCURRENCY),
         "--per-host", str(PER_HOST)], timeout=timeout, cwd=out)
    result = _child(child)
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    data = json.loads(lines[-1]) if lines else {}
    result["version"] = data.get("scrapy")
    result.update(completeness(blogs, data.get("per_host", {})))
    return result


CRAWLERS = {"fitarchive": run_fitarchive, "scrapy": run_scrapy}


def measure(*, blogs: int, posts: int, delay: float, workdir: Path, server_kind: str = "auto",
            crawlers: Sequence[str] = ("fitarchive", "scrapy"), timeout: float = 900.0, ref: str | None = None,
            log: Log = print) -> dict[str, Any]:
    """Generate and serve the blogs, run each crawler once against them, return every figure.

    ``ref``: measure fitarchive as committed at this git ref (else the working tree).
    """
    source = export_ref(ref, workdir / "fitarchive-src") if ref else None
    hosts = addresses(blogs)
    port = pick_port(hosts)
    started = time.perf_counter()
    built = build_blogs(workdir, blogs, posts, port)
    totals = {key: sum(blog.manifest[key] for blog in built)
              for key in ("posts", "comments", "html_pages_to_fetch", "comment_pages_to_fetch")}
    log(f"{blogs} blogs of {posts} posts on 127.0.1.1-{hosts[-1]}:{port}: {totals['posts']} posts, "
        f"{totals['comments']} comments, {totals['html_pages_to_fetch']} HTML pages "
        f"(generated in {time.perf_counter() - started:.1f} s)")
    results: dict[str, Any] = {
        "blogs": blogs, "posts_per_blog": posts, "delay_s": delay, "port": port, "totals": totals,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine(), "load_before": os.getloadavg(), "crawlers": {},
        "per_host_concurrency": PER_HOST, "peer_concurrency": PEER_CONCURRENCY,
        "commit": describe_source(ref),
    }
    with start_servers(built, port, workdir / "server", server_kind) as server:
        results["server"] = server.kind
        for name in crawlers:
            offset = server.mark()
            result = CRAWLERS[name](built, delay, workdir, timeout=timeout, source=source)
            time.sleep(0.05)  # let the last log lines land
            result.update(host_figures(server.requests_since(offset), hosts, delay))
            result["wall_over_floor"] = result["wall_s"] / result["floor_s"] if result["floor_s"] else None
            results["crawlers"][name] = result
            log(_summary_line(name, result, delay))
    results["load_after"] = os.getloadavg()
    results["total_s"] = time.perf_counter() - started
    return results


def _summary_line(name: str, r: dict[str, Any], delay: float) -> str:
    per = r["requests_per_host"]
    return (f"{name}: {r['wall_s']:.1f} s wall (floor {r['floor_s']:.1f} s), {r['requests']} requests "
            f"({per['min']}/{per['median']:g}/{per['max']} per host), smallest gap {_gap(r, delay)}, "
            f"{r['tree_pss_mib']:.0f} MiB PSS, {'complete' if r['complete'] else 'INCOMPLETE'}"
            + (f" ERROR {r['error'][-300:]}" if r.get("error") else ""))


def _gap(r: dict[str, Any], delay: float) -> str:
    if r.get("min_gap_s") is None:
        return "–"
    if not delay:
        return f"{r['min_gap_s'] * 1000:.1f} ms"
    flag = ""
    if r.get("gaps_below_delay"):
        flag = (f" ({r['gaps_below_delay']} gaps below {delay * 1000:.0f} ms, "
                f"{r.get('gaps_below_90pct', 0)} below {delay * 900:.0f} ms)")
    return f"{r['min_gap_s'] * 1000:.0f} ms{flag}"


# ---------------------------------------------------------------- report

_NAMES = {"fitarchive": "fitarchive crawl --config", "scrapy": "Scrapy {version} (peer)"}


def table(results: dict[str, Any]) -> list[str]:
    """The markdown table of one measure() result."""
    delay = results["delay_s"]
    lines = ["| crawler | wall s | paced floor s | wall / floor | requests per host (min / median / max) "
             "| smallest gap on one host | peak PSS MiB (tree) | CPU s | posts / comments archived |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in results["crawlers"].items():
        per = r["requests_per_host"]
        label = _NAMES.get(name, name).format(version=r.get("version") or "")
        label += " **failed**" if r.get("error") else ""
        ratio = f"{r['wall_over_floor']:.2f}x" if r.get("wall_over_floor") else "–"
        archived = (f"{r['posts']:,} / {r['comments']:,} " + ("(all)" if r["complete"] else
                    f"(**{len(r['incomplete_blogs'])} blogs incomplete**)"))
        gap = _gap(r, delay)
        if delay and r.get("gaps_below_delay"):
            gap = f"**{gap}**"
        floor = f"{r['floor_s']:.1f}" if delay else "–"
        lines.append(f"| {label} | {r['wall_s']:.1f} | {floor} | {ratio} | "
                     f"{per['min']} / {per['median']:g} / {per['max']} | {gap} | {r['tree_pss_mib']:.0f} | "
                     f"{r['cpu_s']:.1f} | {archived} |")
    return lines


def markdown(results: dict[str, Any], memory: dict[str, Any] | None = None, *, heading: str = "##") -> list[str]:
    """The "Many blogs" section of BENCHMARKS.md (default run, and the --memory run when given)."""
    t = results["totals"]
    delay = results["delay_s"]
    m = results["machine"]
    lines = [f"{heading} Many blogs (issue 14)", "",
             f"`bench/many_blogs.py`: {results['blogs']} generated blogs of {results['posts_per_blog']} posts "
             f"({t['posts']:,} posts, {t['comments']:,} comments, {t['html_pages_to_fetch']:,} HTML pages, "
             "a few images each), each on its own loopback address (127.0.1.1 ... "
             f"127.0.1.{results['blogs']}, port {results['port']}) of one {results['server']}. "
             f"fitarchive: `crawl --config` with `delay = {delay}` and its defaults otherwise (REST probe, images, "
             f"{results['per_host_concurrency']} requests per host); Scrapy: the same spider over every blog's "
             f"sitemap, `DOWNLOAD_DELAY = {delay}`, no randomizing, one slot per host, "
             f"{results['peer_concurrency']} requests in flight, {results['per_host_concurrency']} per host, "
             "no images. One run each, one after the other, against the same server.",
             "",
             "The paced floor is the busiest host's request count (from the server's log) x the delay; the smallest "
             "gap is between the starts of two requests to one host (`$msec - $request_time`, 1 ms resolution). "
             "Memory is the peak PSS of the crawler's process tree.",
             "",
             f"Run of {results['date']}, fitarchive at commit {results.get('commit') or '?'}, on {m['cpu']}, "
             f"{m['cores']} cores, {m['ram']}, {m['os']}, Python {m['python']}; load average "
             f"{results['load_before'][0]:.2f} before, {results['load_after'][0]:.2f} after.",
             "", *table(results)]
    c = results["crawlers"]
    if "fitarchive" in c and "scrapy" in c:
        ours, peer = c["fitarchive"], c["scrapy"]
        gaps = "; ".join(f"{name} {r['gaps_below_delay']} ({r.get('gaps_below_90pct', 0)} below 90% of it, "
                         f"smallest {r['min_gap_s'] * 1000:.0f} ms)" for name, r in c.items())
        lines += ["", f"Against issue 14's goals: wall / floor **{ours['wall_over_floor'] or 0:.2f}x** "
                      f"(goal at most {WALL_OVER_FLOOR_GOAL}x); **{ours['wall_s'] / peer['wall_s']:.1f}x Scrapy's "
                      f"wall time** (goal below 1x); gaps below the delay (goal none): {gaps}."] if delay else []
    if memory:
        r = memory["crawlers"].get("fitarchive", {})
        lines += ["", f"`--memory` (run of {memory['date']}, fitarchive at commit {memory.get('commit') or '?'}; "
                      f"load average {memory['load_before'][0]:.2f} before, {memory['load_after'][0]:.2f} after): "
                      f"{memory['blogs']} blogs of {memory['posts_per_blog']} posts "
                      f"({memory['totals']['posts']:,} posts), "
                      + (f"delay {memory['delay_s']}:" if memory["delay_s"] else "no delay:"), "", *table(memory)]
        if r:
            lines += ["", f"fitarchive: **{r['tree_pss_mib']:.0f} MiB PSS** over its process tree (goal under "
                          f"250 MB) in {r['wall_s']:.1f} s."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--memory", action="store_true", help="K=200 blogs of 5 posts at delay 0")
    parser.add_argument("--blogs", type=int, help="K (default 8; 200 with --memory)")
    parser.add_argument("--posts", type=int, help="posts per blog (default 40; 5 with --memory)")
    parser.add_argument("--delay", type=float,
                        help="seconds between requests to one host (default 0.25; 0 with --memory)")
    parser.add_argument("--crawlers", default="fitarchive,scrapy", help="comma-separated: fitarchive,scrapy")
    parser.add_argument("--server", choices=["auto", "nginx", "stdlib"], default="auto")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds each crawler may take")
    parser.add_argument("--ref", help="measure fitarchive as committed at this git ref (git archive), "
                                      "not the working tree")
    parser.add_argument("--json", type=Path, help="write the results here (default bench/out/many-blogs-MODE.json)")
    args = parser.parse_args()
    common.exit_on_sigterm()
    preset = MEMORY if args.memory else DEFAULT
    crawlers = [name.strip() for name in args.crawlers.split(",") if name.strip()]
    unknown = set(crawlers) - set(CRAWLERS)
    if unknown:
        parser.error(f"unknown crawler(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="bench-many-") as tmp:
        results = measure(blogs=args.blogs or preset["blogs"], posts=args.posts or preset["posts"],
                          delay=preset["delay"] if args.delay is None else args.delay, workdir=Path(tmp),
                          server_kind=args.server, crawlers=crawlers, timeout=args.timeout, ref=args.ref,
                          log=lambda m: print(m, file=sys.stderr, flush=True))
    results["mode"] = "memory" if args.memory else "default"
    path = args.json or OUT / f"many-blogs-{results['mode']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print("\n".join(table(results)))
    print(f"\nresults: {path} ({results['total_s']:.0f} s)")


if __name__ == "__main__":
    main()
