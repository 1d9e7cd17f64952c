"""The engine for real: Debian's redis-server, two Celery workers, a 4-shard run, one worker killed.

redis-server listens only on a unix socket in a temporary folder; the blogs are
sample blogs on 127.0.1.N. One worker is killed with SIGKILL while it crawls a
shard: the shard is delivered again after Redis' visibility timeout and redone
by the other worker, and the merged archive still equals a single-process
crawl. Every process is bounded by timeouts and killed in teardown.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from shards_fixture import (
    TABLES,
    contract_rows,
    env,
    fitarchive,
    image_files,
    start_blogs,
    write_config,
)

SHARDS = 4
DELAY = 0.1
VISIBILITY_TIMEOUT = 8


@dataclass
class Redis:
    url: str
    process: subprocess.Popen[bytes]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Redis]:
    server = shutil.which("redis-server")
    assert server, "redis-server is a test dependency (scripts/install-test-deps.sh)"
    folder = tmp_path / "redis"
    folder.mkdir()
    socket_path = folder / "redis.sock"
    process = subprocess.Popen(
        [
            server,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis as redis_client

        deadline = time.monotonic() + 20
        while True:
            try:
                if (
                    socket_path.exists()
                    and redis_client.Redis(unix_socket_path=str(socket_path)).ping()
                ):
                    break
            except redis_client.ConnectionError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, (
                "redis-server did not start"
            )
            time.sleep(0.05)
        yield Redis(f"redis+socket://{socket_path}", process)
    finally:
        _stop(process)


def start_worker(name: str, broker: str, log: Path) -> subprocess.Popen[bytes]:
    celery = shutil.which("celery", path=str(Path(sys.executable).parent))
    assert celery, "celery comes with the celery extra"
    worker_env = {
        **env(),
        "FITARCHIVE_BROKER": broker,
        "FITARCHIVE_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    return subprocess.Popen(
        [
            celery,
            "-A",
            "scraper.celery_app",
            "worker",
            "--pool",
            "solo",
            "-O",
            "fair",
            "--prefetch-multiplier",
            "1",
            "-n",
            f"{name}@fitarchive-test",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        env=worker_env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def wait_ready(log: Path, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while b" ready." not in log.read_bytes():
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, (
            "worker not ready: " + log.read_text(errors="replace")[-3000:]
        )
        time.sleep(0.1)


def lock_held(lock: Path) -> bool:
    """Whether some process holds the archive lock file ``lock``."""
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def shard_being_crawled_by(shard_dir: Path, pid: int) -> Path | None:
    """The shard archive whose lock ``pid`` holds and that is not done yet, if any."""
    for lock in shard_dir.glob("shard-*.db.lock"):
        shard = Path(str(lock)[: -len(".lock")])
        try:
            owner = int(lock.read_text() or 0)
        except (OSError, ValueError):
            continue
        if (
            owner == pid
            and not Path(f"{shard}.done").exists()
            and lock_held(lock)
            and shard.exists()
        ):
            return shard
    return None


def test_a_sharded_run_on_two_workers_survives_a_killed_worker(
    redis: Redis, tmp_path: Path
) -> None:
    servers = start_blogs(SHARDS, SHARDS, delay_s=0.02)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        config = write_config(
            tmp_path / "sites.toml", [server.url for server in servers], delay=DELAY
        )
        single = tmp_path / "single" / "archive.db"
        done = fitarchive("crawl", "--config", str(config), "--db", str(single), "--quiet")
        assert done.returncode == 0, done.stderr
        for server in servers:
            server.reset_log()

        logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
        doomed = start_worker("a", redis.url, logs[0])
        survivor = start_worker("b", redis.url, logs[1])
        processes += [doomed, survivor]
        for log, process in zip(logs, processes):
            wait_ready(log, process)

        shard_dir = tmp_path / "shards"
        submit = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scraper",
                "submit",
                "--config",
                str(config),
                "--shards",
                str(SHARDS),
                "--shard-dir",
                str(shard_dir),
                "--broker",
                redis.url,
                "--timeout",
                "400",
                "--json",
            ],
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        processes.append(submit)  # type: ignore[arg-type]
        killed_shard = None
        deadline = time.monotonic() + 120
        while killed_shard is None:
            assert time.monotonic() < deadline, (
                "worker a never crawled a shard: " + logs[0].read_text()[-3000:]
            )
            assert submit.poll() is None, submit.communicate()
            killed_shard = shard_being_crawled_by(shard_dir, doomed.pid)
            time.sleep(0.02)
        time.sleep(0.5)  # well inside the shard's crawl
        assert not Path(f"{killed_shard}.done").exists()
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)

        out, err = submit.communicate(timeout=420)
        assert submit.returncode == 0, err.decode(errors="replace")[-3000:]
        result = json.loads(out)
    finally:
        for process in processes:
            _stop(process)
        for server in servers:
            server.stop()

    # The killed worker's shard was redone by the other one.
    marks = {mark["shard"]: mark for mark in result["shards"]}
    assert sorted(marks) == list(range(SHARDS))
    killed_index = int(killed_shard.name.split("-")[1])
    assert marks[killed_index]["worker"] == "b@fitarchive-test"

    merged = shard_dir / "archive.db"
    merged_rows, single_rows = contract_rows(merged), contract_rows(single)
    for table in TABLES:
        if table in ("crawl_runs", "fetches"):
            continue  # the killed crawl left an interrupted run and its fetch log
        assert merged_rows[table] == single_rows[table], table
    assert image_files(merged.parent) == image_files(single.parent)
    with sqlite3.connect(merged) as conn:
        runs = conn.execute("select seed_url, status from crawl_runs").fetchall()
    assert {seed for seed, status in runs if status == "ok"} == {server.url for server in servers}
    assert all(status in ("ok", "interrupted") for _seed, status in runs)
    assert any(status == "interrupted" for _seed, status in runs)  # the killed worker's run

    # Per-host politeness across workers: a host is crawled by one worker at a time, so the server
    # sees one paced stream; two workers on one host would interleave two streams and put about
    # half of the requests closer than half the delay. The server logs a request when its handler
    # thread runs (a new connection's thread starts later on a loaded machine), so a single gap
    # may look some ms short; none may be near zero and nearly all must be the full delay.
    for server in servers:
        times = sorted(request.at for request in server.requests)
        assert len(times) > 10, server.url
        gaps = [later - earlier for earlier, later in zip(times, times[1:])]
        assert min(gaps) >= DELAY / 2, (server.url, sorted(gaps)[:5])
        assert sum(gap < DELAY * 0.95 for gap in gaps) <= len(gaps) // 20, (
            server.url,
            sorted(gaps)[:5],
        )


def test_submit_to_a_broker_that_does_not_answer_fails_in_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path / "sites.toml", ["http://127.0.0.1:9/"])
    broker = f"redis+socket://{tmp_path / 'no-redis.sock'}"
    done = fitarchive(
        "submit",
        "--config",
        str(config),
        "--shards",
        "2",
        "--shard-dir",
        str(tmp_path / "shards"),
        "--broker",
        broker,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: cannot reach the broker at {broker}")


def test_a_beat_entry_runs_the_whole_sharded_crawl_periodically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scraper import celery_app

    monkeypatch.setenv(
        "FITARCHIVE_BEAT", "/etc/sites.toml|8|/shared/shards|/shared/archive.db|15 3"
    )
    app = celery_app.make_app("redis://127.0.0.1:1/0")
    entry = app.conf.beat_schedule["fitarchive-run"]
    assert entry["task"] == "fitarchive.start_run" and entry["task"] in celery_app.app.tasks
    assert entry["args"] == ["/etc/sites.toml", 8, "/shared/shards", "/shared/archive.db"]
    assert entry["schedule"].minute == {15} and entry["schedule"].hour == {3}
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1


def test_a_shard_task_delivered_twice_crawls_once(redis: Redis, tmp_path: Path) -> None:
    """Two copies of one shard task on two workers at once (what Redis does to a task that
    outlives its visibility timeout): one crawls, the other waits for the shard's lock and
    returns the first copy's result; the host sees one paced crawl."""
    from scraper.celery_app import make_app

    servers = start_blogs(2, 1, delay_s=0.02)
    processes: list[subprocess.Popen[bytes]] = []
    client = make_app(redis.url)
    try:
        config = write_config(tmp_path / "sites.toml", [server.url for server in servers], delay=DELAY)
        logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
        processes += [start_worker("a", redis.url, logs[0]), start_worker("b", redis.url, logs[1])]
        for log, process in zip(logs, processes):
            wait_ready(log, process)
        shard_dir = tmp_path / "shards"
        args = (config.read_text(), str(shard_dir), 0, 1, "run-1")
        copies = [client.send_task("fitarchive.crawl_shard", args=args) for _ in range(2)]
        results = [copy.get(timeout=240) for copy in copies]
    finally:
        client.close()
        for process in processes:
            _stop(process)
        for server in servers:
            server.stop()
    assert results[0] == results[1]  # the second copy returned the first copy's record
    texts = [log.read_text(errors="replace") for log in logs]
    assert all("Task fitarchive.crawl_shard[" in text and "] received" in text for text in texts)
    assert any("retry: Retry in" in text for text in texts)  # one copy found the shard locked
    with sqlite3.connect(shard_dir / "shard-0-of-1.db") as conn:
        runs = conn.execute("select seed_url, status from crawl_runs").fetchall()
    assert sorted(runs) == sorted((server.url, "ok") for server in servers)  # crawled once
    for server in servers:
        times = sorted(request.at for request in server.requests)
        gaps = [later - earlier for earlier, later in zip(times, times[1:])]
        assert len(times) > 10 and min(gaps) >= DELAY / 2, server.url
