"""Crash safety: SIGKILL mid-crawl, and a full disk, never corrupt or lose the archive.

The crawler runs as ``python -m scraper crawl`` against the sample blog on the
fault-injection server, which answers every request a little late so that
kills land mid-crawl. The server's ``on_request`` hook kills the crawler at
seeded moments: on the n-th request of a round, on a post page, on an image
download, or shortly after one (while the answer is being extracted, saved
or written to the image store). After the last kill the crawl is run to
completion and the archive must equal an uninterrupted crawl's, row for row.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from faults.helpers import (
    CONTENT_TABLES,
    image_store_files,
    integrity_check,
    orphan_rows,
    query,
    rows_by_key,
    snapshot,
)
from faults.server import FaultServer

from scraper.sample_site import SAMPLE_ROOT

REPO = Path(__file__).resolve().parents[1]
SEED = 20241127
ROUNDS = 14
POST_PAGE = re.compile(r"^/2024/\d\d/\d\d/[^/]+/$")
IMAGE = re.compile(r"^/wp-content/uploads/")


def crawl_command(url: str, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scraper", "crawl", url, "--db", str(db), "--delay", "0", "--concurrency", "2",
            "--quiet", *extra]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def run_crawl(url: str, db: Path, *extra: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(crawl_command(url, db, *extra), capture_output=True, text=True, timeout=timeout,
                          env=_env(), cwd=REPO, check=False)


@pytest.fixture(scope="module")
def server():
    with FaultServer(delay_s=0.02) as fault_server:
        yield fault_server


@pytest.fixture(scope="module")
def reference(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("reference") / "archive.db"
    done = run_crawl(server.url, db)
    assert done.returncode == 0, done.stderr
    return db


# ---------------------------------------------------------------- kills


@dataclass
class KillPoint:
    phase: str  # "any", "post", "image" or "write"
    nth: int  # kill at the nth request of the round that matches the phase
    extra_s: float = 0.0  # then wait this long before the kill
    killed_on: str | None = None  # the request that triggered it
    killed: bool = False


def kill_plan(rng: random.Random) -> list[KillPoint]:
    phases = ["any", "post", "image", "write"] * (ROUNDS // 4 + 1)
    plan = []
    for phase in phases[:ROUNDS]:
        if phase == "any":
            plan.append(KillPoint(phase, rng.randint(1, 12)))
        elif phase == "post" or phase == "image":
            plan.append(KillPoint(phase, rng.randint(1, 3)))
        else:
            plan.append(KillPoint(phase, rng.randint(1, 3), rng.uniform(0.02, 0.12)))
    rng.shuffle(plan)
    return plan


def _matches(phase: str, path: str) -> bool:
    if phase == "any":
        return True
    if phase == "post":
        return bool(POST_PAGE.match(path))
    if phase == "image":
        return bool(IMAGE.match(path))
    return bool(POST_PAGE.match(path) or IMAGE.match(path))


def crawl_and_kill(server: FaultServer, db: Path, point: KillPoint) -> int:
    """Start a crawl, SIGKILL it at ``point``; returns the exit status."""
    seen = 0
    lock = threading.Lock()
    child = subprocess.Popen(crawl_command(server.url, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env=_env(), cwd=REPO)

    def kill() -> None:
        point.killed = True
        try:
            os.kill(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            point.killed = False

    def hook(path: str) -> None:
        nonlocal seen
        with lock:
            if point.killed_on is not None or not _matches(point.phase, path):
                return
            seen += 1
            if seen < point.nth:
                return
            point.killed_on = path
        if point.extra_s:
            threading.Timer(point.extra_s, kill).start()
        else:
            kill()

    server.on_request = hook
    try:
        _, stderr = child.communicate(timeout=60)
    finally:
        server.on_request = None
        if child.poll() is None:
            child.kill()
            child.wait()
    if child.returncode == -signal.SIGKILL:
        point.killed = True
    elif child.returncode not in (0, 1):
        raise AssertionError(f"crawl failed on its own (exit {child.returncode}): {stderr.decode()[-2000:]}")
    else:
        point.killed = False
    return child.returncode


@pytest.fixture(scope="module")
def killed_archive(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[KillPoint]]:
    db = tmp_path_factory.mktemp("killed") / "archive.db"
    plan = kill_plan(random.Random(SEED))
    for point in plan:
        crawl_and_kill(server, db, point)
    done = run_crawl(server.url, db)
    assert done.returncode == 0, done.stderr
    return db, plan


def test_at_least_ten_kills_landed_during_pages_and_images(killed_archive: tuple[Path, list[KillPoint]]) -> None:
    _, plan = killed_archive
    landed = [p for p in plan if p.killed]
    summary = [(p.phase, p.nth, round(p.extra_s, 3), p.killed_on, p.killed) for p in plan]
    for line in summary:
        print("kill point", *line)
    assert len(landed) >= 10, summary
    assert sum(1 for p in landed if p.killed_on and IMAGE.match(p.killed_on)) >= 3, summary
    assert sum(1 for p in landed if p.killed_on and POST_PAGE.match(p.killed_on)) >= 3, summary


def test_killed_and_resumed_archive_equals_an_uninterrupted_one(
    reference: Path, killed_archive: tuple[Path, list[KillPoint]]
) -> None:
    db, _ = killed_archive
    expected, got = snapshot(reference), snapshot(db)
    for table in CONTENT_TABLES:
        missing, extra = expected[table] - got[table], got[table] - expected[table]
        assert not missing and not extra, (
            f"{table}: {len(missing)} rows missing, {len(extra)} unexpected; "
            f"e.g. missing {sorted(missing, key=repr)[:1]} unexpected {sorted(extra, key=repr)[:1]}"
        )


def test_killed_archive_passes_integrity_check(killed_archive: tuple[Path, list[KillPoint]]) -> None:
    db, _ = killed_archive
    assert integrity_check(db) == "ok"
    assert query(db, "pragma foreign_key_check") == []


def test_killed_archive_has_no_orphan_rows(killed_archive: tuple[Path, list[KillPoint]]) -> None:
    db, _ = killed_archive
    assert {name: n for name, n in orphan_rows(db).items() if n} == {}


def test_no_run_is_left_running(killed_archive: tuple[Path, list[KillPoint]]) -> None:
    db, plan = killed_archive
    rows = query(db, "select status, count(*) from crawl_runs group by status")
    statuses = dict(rows)
    assert "running" not in statuses, statuses
    assert statuses.get("interrupted", 0) >= sum(1 for p in plan if p.killed) - 2  # a kill before the run row exists


def test_image_store_has_no_orphan_or_partial_files(
    reference: Path, killed_archive: tuple[Path, list[KillPoint]]
) -> None:
    db, _ = killed_archive
    files = {str(p) for p in image_store_files(db.parent)}
    referenced = {row[0] for row in query(db, "select path from images where path is not null")}
    assert not [f for f in files if f.endswith(".tmp")]
    assert files == referenced  # no orphan file, no row pointing at a missing file
    assert files == {str(p) for p in image_store_files(reference.parent)}


def test_stale_partial_image_files_are_removed_by_the_next_crawl(
    server: FaultServer, reference: Path, tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    shutil.copy(reference, db)
    for sidecar in ("-wal", "-shm"):
        if Path(str(reference) + sidecar).exists():
            shutil.copy(Path(str(reference) + sidecar), Path(str(db) + sidecar))
    shutil.copytree(reference.parent / "images", tmp_path / "images")
    partial = tmp_path / "images" / "ab" / ".abcdef.jpg.4242.tmp"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"half an image")
    done = run_crawl(server.url, db)
    assert done.returncode == 0, done.stderr
    assert not partial.exists()


# ---------------------------------------------------------------- a full disk


@contextmanager
def small_filesystem(path: Path, size: str) -> Iterator[bool]:
    """Mount a tmpfs of ``size`` at ``path``; yields False when this process may not mount."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = (
        os.geteuid() == 0
        and shutil.which("mount") is not None
        and subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                           capture_output=True, check=False).returncode == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def _fill(path: Path, leave: int) -> Path:
    stats = os.statvfs(path)
    filler = path / "filler"
    with filler.open("wb") as handle:
        handle.write(bytes(max(0, stats.f_bavail * stats.f_frsize - leave)))
    return filler


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _assert_one_line_disk_error(done: subprocess.CompletedProcess[str], *, simulated: bool) -> None:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "Traceback" not in done.stderr
    assert "disk full" in lines[0] or (simulated and "disk I/O error" in lines[0]), lines[0]


@pytest.mark.parametrize("leave", [0, 60_000, 400_000], ids=["no-space-at-start", "60k-left", "400k-left"])
def test_full_disk_gives_one_line_error_and_keeps_the_archive(server: FaultServer, tmp_path: Path, leave: int) -> None:
    root = tmp_path / "small"
    with small_filesystem(root, "8m") as mounted:
        db = root / "archive.db"
        first = run_crawl(server.url, db, "--max-posts", "3")
        assert first.returncode == 0, first.stderr
        before = snapshot(db)
        if mounted:
            filler = _fill(root, leave)
            done = run_crawl(server.url, db)
            filler.unlink()
        else:  # no tmpfs: a file-size limit stands in for the full disk
            limit = max(p.stat().st_size for p in root.glob("archive.db*")) + leave
            done = subprocess.run(crawl_command(server.url, db), capture_output=True, text=True, timeout=60,
                                  env=_env(), cwd=REPO, check=False, preexec_fn=_file_size_limit(limit))
        _assert_one_line_disk_error(done, simulated=not mounted)
        assert integrity_check(db) == "ok"
        after = snapshot(db)
        for table, rows in before.items():
            assert rows <= after[table], f"{table}: rows lost or altered by the failed crawl"
        assert not [p for p in image_store_files(root) if p.name.endswith(".tmp")]
        again = run_crawl(server.url, db)  # with space again, the crawl completes
        assert again.returncode == 0, again.stderr
        assert query(db, "select count(*) from posts")[0][0] == len(json.loads(
            (SAMPLE_ROOT / "manifest.json").read_text(encoding="utf-8"))["posts"])


def test_full_image_store_gives_one_line_error_and_keeps_the_archive(server: FaultServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    first = run_crawl(server.url, db, "--max-posts", "3", "--no-images")
    assert first.returncode == 0, first.stderr
    before = snapshot(db)
    with small_filesystem(tmp_path / "images", "256k") as mounted:
        if not mounted:
            pytest.skip("cannot mount a small tmpfs for the image store (needs root); the database case covers RLIMIT_FSIZE")
        done = run_crawl(server.url, db)
        _assert_one_line_disk_error(done, simulated=False)
        assert "storing an image" in done.stderr
        assert not [p for p in image_store_files(tmp_path) if p.name.endswith(".tmp")]
    assert integrity_check(db) == "ok"
    after = snapshot(db)
    for table, rows in before.items():
        if table != "images":  # image rows were placeholders; some got filled in before the store filled up
            assert rows <= after[table], f"{table}: rows lost or altered by the failed crawl"
    images = rows_by_key(db, "images", "url")
    assert len(images) >= len(before["images"])
    stored = [row["path"] for row in images.values() if row["path"]]
    assert stored, "some images were stored before the image store filled up"
