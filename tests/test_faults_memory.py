"""Memory stays bounded by the body cap for a 50 MB body and a 1 GB gzip bomb.

Three measurements against the fault-injection server on 127.0.0.1:

- ``tracemalloc`` peak of one in-process fetch (Python allocations only);
- peak RSS growth of a fresh process that fetches the faults after a
  warm-up fetch (the whole process, C allocations included);
- peak RSS of a full ``fitarchive crawl`` whose post pages are the faults,
  against the same crawl of the clean blog.

Each must stay within the body cap plus a small allowance for buffers. Peak
RSS is the kernel's high-water mark (``VmHWM``, the figure ``ru_maxrss``
reports), reset through ``/proc/self/clear_refs`` once the child has started:
a forked child otherwise inherits the parent's high-water mark.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from faults.helpers import query
from faults.server import MB, FaultServer, big_body, gzip_bomb, gzip_bomb_bytes

from scraper.config import Settings
from scraper.fetch import Fetcher

CAP = 4 * MB
SLACK = 3 * MB  # httpx read buffers, one inflated piece, the request objects
REPO = Path(__file__).resolve().parents[1]
BOMB = 1024 * MB

FAULTS = {
    "/faults/big/": big_body(50 * MB, declare_length=True),
    "/faults/big-chunked/": big_body(50 * MB, declare_length=False),
    "/faults/bomb/": gzip_bomb(BOMB),
}


@pytest.fixture(scope="module")
def server():
    gzip_bomb_bytes(BOMB)  # built before any measurement
    with FaultServer() as fault_server:
        for path, fault in FAULTS.items():
            fault_server.add(path, fault)
        yield fault_server


async def _fetch_measured(url: str) -> tuple[int, str | None, int]:
    settings = Settings(delay_s=0, timeout_s=10, retries=0, max_body_bytes=CAP, obey_robots=False)
    async with Fetcher(settings) as fetcher:
        await fetcher.fetch(url.rsplit("/faults/", 1)[0] + "/robots.txt")  # warm up the client
        tracemalloc.start()
        try:
            fetched = await fetcher.fetch(url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, fetched.error, len(fetched.content)


@pytest.mark.parametrize("path", sorted(FAULTS))
def test_tracemalloc_peak_of_one_fetch_stays_within_the_cap(server: FaultServer, path: str) -> None:
    peak, error, size = asyncio.run(_fetch_measured(server.absolute(path)))
    print(f"{path}: tracemalloc peak {peak / MB:.1f} MiB (cap {CAP / MB:.0f} MiB)")
    assert error == f"body larger than {CAP} bytes" and size == 0
    assert peak < CAP + SLACK, f"{path}: peak {peak / MB:.1f} MiB"


_HWM = """
import re

def reset_peak():
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")

def peak_kb():
    with open("/proc/self/status") as handle:
        return int(re.search(r"VmHWM:\\s+(\\d+)", handle.read()).group(1))
"""

_CHILD = _HWM + """
import asyncio, json, sys
from scraper.config import Settings
from scraper.fetch import Fetcher

async def main(cap, warm, urls):
    settings = Settings(delay_s=0, timeout_s=10, retries=0, max_body_bytes=cap, obey_robots=False)
    async with Fetcher(settings) as fetcher:
        await fetcher.fetch(warm)
        reset_peak()
        base = peak_kb()
        results = {}
        for url in urls:
            fetched = await fetcher.fetch(url)
            results[url] = [fetched.error, len(fetched.content)]
        peak = peak_kb()
    print(json.dumps({"base_kb": base, "peak_kb": peak, "results": results}))

asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3:]))
"""

_CRAWL_CHILD = _HWM + """
import os, sys
reset_peak()
from scraper.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="fitarchive")
finally:
    with open(os.environ["PEAK_FILE"], "w") as handle:
        handle.write(str(peak_kb()))
"""

needs_proc = pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc/self/clear_refs")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


@needs_proc
def test_process_rss_grows_by_less_than_the_cap(server: FaultServer) -> None:
    urls = [server.absolute(path) for path in sorted(FAULTS)]
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(CAP), server.absolute("/robots.txt"), *urls],
        check=False, capture_output=True, text=True, timeout=60, env=_env(), cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    growth = (report["peak_kb"] - report["base_kb"]) * 1024
    print(f"peak RSS {report['base_kb'] / 1024:.1f} -> {report['peak_kb'] / 1024:.1f} MiB "
          f"(growth {growth / MB:.1f} MiB, cap {CAP / MB:.0f} MiB)")
    for url in urls:
        assert report["results"][url] == [f"body larger than {CAP} bytes", 0]
    assert growth < CAP + SLACK


def _crawl_rss(server: FaultServer, tmp_path: Path, name: str) -> int:
    config = tmp_path / f"{name}.toml"
    config.write_text(
        f'delay = 0\nconcurrency = 1\ntimeout = 10\nretries = 0\nmax_body_bytes = {CAP}\n'
        f'download_images = false\n[[sites]]\nurl = "{server.url}"\n'
    )
    db = tmp_path / f"{name}.db"
    peak_file = tmp_path / f"{name}.peak"
    done = subprocess.run(
        [sys.executable, "-c", _CRAWL_CHILD, "crawl", "--config", str(config), "--db", str(db), "--quiet"],
        check=False, capture_output=True, text=True, timeout=60, env={**_env(), "PEAK_FILE": str(peak_file)}, cwd=REPO,
    )
    assert done.returncode in (0, 1), done.stderr
    assert query(db, "select count(*) from posts")[0][0] >= 10
    return int(peak_file.read_text()) * 1024


@needs_proc
def test_crawl_rss_with_huge_posts_stays_near_a_clean_crawl(server: FaultServer, tmp_path: Path) -> None:
    clean = _crawl_rss(server, tmp_path, "clean")
    server.add("/2024/03/20/kettlebell-basics-swing-goblet-squat-and-get-up/", gzip_bomb(BOMB))
    server.add("/2024/06/01/deadlift-form-checklist/", big_body(50 * MB, declare_length=False))
    server.add("/2024/04/08/core-routine-1-anti-rotation-and-planks/", big_body(50 * MB, declare_length=True))
    try:
        faulty = _crawl_rss(server, tmp_path, "faulty")
    finally:
        for path in ("/2024/03/20/kettlebell-basics-swing-goblet-squat-and-get-up/", "/2024/06/01/deadlift-form-checklist/",
                     "/2024/04/08/core-routine-1-anti-rotation-and-planks/"):
            server.remove(path)
    print(f"crawl peak RSS clean {clean / MB:.1f} MiB, with bomb and 50 MB bodies {faulty / MB:.1f} MiB")
    errors = query(tmp_path / "faulty.db", "select count(*) from fetches where error like 'body larger than%'")[0][0]
    assert errors == 3
    assert faulty - clean < CAP + SLACK
