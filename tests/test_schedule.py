"""A run over many blogs: side by side, each host paced on its own, a failing blog costing only itself.

End to end through the command line against real loopback servers, one
blog per loopback address (127.0.1.N), checked from the servers' own request
logs; plus the scheduler's pacing alone over a mock transport.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from faults.server import FaultServer, page, sequence, site, status
from sqlite_utils import Database

from scraper.config import Settings
from scraper.fetch import Downloader, Fetcher
from scraper.sample_site import SAMPLE_ROOT

DELAY = 0.2
_MANIFEST = json.loads((SAMPLE_ROOT / "manifest.json").read_text(encoding="utf-8"))
SAMPLE_POSTS = len(_MANIFEST["posts"])
SAMPLE_COMMENTS = sum(len(post["comments"]) for post in _MANIFEST["posts"])


def closed_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def gaps(server: FaultServer) -> list[float]:
    times = sorted(request.at for request in server.requests)
    return [later - earlier for earlier, later in zip(times, times[1:])]


def paced(gaps: list[float], delay: float) -> list[bool]:
    """For each gap between a host's requests: at least ``delay``, as the server logged it.

    A server thread that stamps a request late (a busy machine) makes that request's gap to
    the next one short and its gap from the one before long by the same amount, so a short
    gap is also accepted when it and the gap before it add up to two delays and the request
    came at least half a delay after the one before: a client that sent early fails either way.
    """
    return [gap >= delay or (index > 0 and gap >= delay / 2 and gaps[index - 1] + gap >= 2 * delay)
            for index, gap in enumerate(gaps)]


def test_a_config_of_blogs_runs_side_by_side_and_failures_stay_with_their_blog(tmp_path: Path) -> None:
    healthy = [FaultServer(host=f"127.0.1.{n}") for n in (11, 12)]
    throttled = FaultServer(host="127.0.1.13")  # answers 429 with Retry-After twice, then normally
    throttled.add("/", sequence(status(429, retry_after="1"), status(429, retry_after="1"), site()))
    forbidding = FaultServer(host="127.0.1.14")
    forbidding.add("/robots.txt", page(b"User-agent: *\nDisallow: /\n", "text/plain"))
    unreachable = f"http://127.0.1.15:{closed_port('127.0.1.15')}/"
    servers = [*healthy, throttled, forbidding]
    for server in servers:
        server.start()
    try:
        config = tmp_path / "sites.toml"
        urls = [unreachable, forbidding.url, *(server.url for server in healthy), throttled.url]
        config.write_text(f"delay = {DELAY}\nconcurrency = 2\n"
                          + "".join(f'[[sites]]\nurl = "{url}"\n' for url in urls))
        db_path = tmp_path / "archive.db"
        done = subprocess.run([sys.executable, "-m", "scraper", "crawl", "--config", str(config), "--db",
                               str(db_path), "--json"], capture_output=True, text=True, timeout=300)
    finally:
        for server in servers:
            server.stop()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2
    assert any(unreachable in line and "cannot reach the site" in line for line in errors)
    assert any(forbidding.url in line and "robots.txt disallows" in line for line in errors)
    summary = json.loads(done.stdout)
    by_site = {blog["site"]: blog for blog in summary["blogs"]}
    assert [by_site[url]["status"] for url in urls] == ["failed", "failed", "ok", "ok", "ok"]

    db = Database(db_path)
    runs = {row["seed_url"]: row for row in db.query("select * from crawl_runs")}
    assert runs[unreachable]["status"] == "failed" and "cannot reach" in runs[unreachable]["message"]
    assert runs[forbidding.url]["status"] == "failed" and "robots.txt" in runs[forbidding.url]["message"]
    for server in [*healthy, throttled]:  # every healthy blog whole, the throttled one included
        site_id = db.execute("select id from sites where base_url = ?", [server.url]).fetchone()[0]
        posts = db.execute("select count(*) from posts where site_id = ?", [site_id]).fetchone()[0]
        comments = db.execute("select count(*) from comments c join posts p on p.id = c.post_id "
                              "where p.site_id = ?", [site_id]).fetchone()[0]
        assert (posts, comments) == (SAMPLE_POSTS, SAMPLE_COMMENTS), server.url
        assert runs[server.url]["status"] == "ok"
    db.close()

    assert forbidding.paths() == ["/robots.txt"]  # nothing past robots.txt
    assert throttled.count("/") >= 3
    for server in [*healthy, throttled]:
        # Each host paced on its own: no two requests closer than the delay (2 % for the server
        # thread's own scheduling).
        assert all(paced(gaps(server), DELAY * 0.98)), (server.url, gaps(server))
    # Side by side: every healthy blog was being read while each of the others was.
    spans = [(min(r.at for r in s.requests), max(r.at for r in s.requests)) for s in [*healthy, throttled]]
    assert max(start for start, _end in spans) < min(end for _start, end in spans)
    # The throttled host's pause did not hold the others back: they got requests during it.
    first_429, retried = throttled.times("/")[:2]
    assert all(any(first_429 < r.at < retried for r in s.requests) for s in healthy)


def test_a_retry_after_pause_holds_back_its_host_only() -> None:
    seen: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, time.monotonic()))
        if request.url.host == "slow.test" and sum(1 for host, _ in seen if host == "slow.test") == 1:
            return httpx.Response(429, headers={"Retry-After": "1"})
        return httpx.Response(200, text="ok")

    settings = Settings(delay_s=0.05, concurrency=1, obey_robots=False, retries=2)

    async def run() -> None:
        downloader = Downloader(max_in_flight=4, transport=httpx.MockTransport(handler))
        slow = Fetcher(settings, downloader=downloader)
        fast = Fetcher(settings, downloader=downloader)
        async with slow, fast:
            results = await asyncio.gather(slow.fetch("http://slow.test/a"),
                                           *(fast.fetch(f"http://fast.test/{n}") for n in range(6)))
        await downloader.aclose()
        assert [result.status for result in results] == [200] * 7

    asyncio.run(run())
    slow_times = [at for host, at in seen if host == "slow.test"]
    fast_times = [at for host, at in seen if host == "fast.test"]
    assert len(slow_times) == 2 and slow_times[1] - slow_times[0] >= 1.0  # Retry-After honoured
    assert max(fast_times) < slow_times[1]  # the other host finished meanwhile
    fast_gaps = [b - a for a, b in zip(fast_times, fast_times[1:])]
    assert all(paced(fast_gaps, 0.05)), fast_gaps  # and kept its own delay


def test_the_run_wide_cap_never_lets_a_held_request_break_its_host_delay() -> None:
    seen: list[tuple[str, float]] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, time.monotonic()))
        await asyncio.sleep(0.03)
        return httpx.Response(200, text="ok")

    settings = Settings(delay_s=0.02, concurrency=2, obey_robots=False)

    async def run() -> None:
        downloader = Downloader(max_in_flight=1, transport=httpx.MockTransport(handler))
        fetchers = [Fetcher(settings, downloader=downloader) for _ in range(3)]
        await asyncio.gather(*(fetcher.fetch(f"http://h{n % 3}.test/{n}") for n, fetcher in
                               enumerate(fetchers * 4)))
        await downloader.aclose()

    asyncio.run(run())
    assert len(seen) == 12
    for host in {host for host, _ in seen}:
        times = sorted(at for seen_host, at in seen if seen_host == host)
        assert min(b - a for a, b in zip(times, times[1:])) >= 0.02
    ordered = sorted(at for _host, at in seen)
    assert min(b - a for a, b in zip(ordered, ordered[1:])) >= 0.03  # one in flight at a time


@pytest.mark.parametrize("blogs", [3])
def test_folded_www_hosts_share_one_slot(blogs: int) -> None:
    downloader = Downloader(transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    settings = Settings()
    assert downloader.slot("http://www.blog.test/a", settings) is downloader.slot("http://blog.test/b", settings)
    assert downloader.slot("http://blog.test/", settings) is not downloader.slot("http://other.test/", settings)
    asyncio.run(downloader.aclose())
