"""Run shards on many machines with Celery 5 and Redis: one task per shard, a chord into the merge.

Workers start with ``celery -A scraper.celery_app worker --pool solo -O fair``
on each machine (one task at a time per worker process: the crawl forks its own
parser and writer processes, which a prefork pool child may not), with
``FITARCHIVE_BROKER`` naming the Redis server (broker and result backend;
``redis://host:6379/0`` or ``redis+socket:///path/redis.sock``).
Shard archives go to a folder every worker and the merging worker can reach
(a shared volume). ``fitarchive submit`` enqueues a run.

A long crawl is the case Celery handles worst, so the settings say so:
``acks_late`` with ``task_reject_on_worker_lost`` puts the shard of a worker
that died back in the queue; one task at a time per worker
(``worker_prefetch_multiplier = 1``); and Redis delivers a task again when it
is still unacknowledged after ``visibility_timeout`` (default 12 h here,
``FITARCHIVE_VISIBILITY_TIMEOUT``). A second copy of a shard task is harmless:
while the first holds the shard's archive lock it comes back later (a retry,
which frees its worker), then finds the shard's done mark for the run and
returns the first copy's result. The merge task likewise comes back until every
shard of the run is done, so an early or repeated chord callback merges nothing
half-written, and merging twice changes nothing. ``FITARCHIVE_BEAT`` adds a
beat entry for periodic runs. At the top of the import layers, beside ``cli``.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery, chord
from celery.exceptions import TimeoutError as ResultTimeout
from celery.schedules import crontab
from kombu.exceptions import OperationalError

from scraper import pipeline, store
from scraper.config import SiteConfig, load_config
from scraper.errors import LockedError, ScraperError
from scraper.merge import merge_archives
from scraper.progress import summary_json
from scraper.shard import ShardSpec, select_shard
from scraper.urls import normalize_seed

__all__ = [
    "SubmitResult",
    "app",
    "crawl_shard",
    "enqueue_run",
    "make_app",
    "merge_shards",
    "shard_path",
    "submit_run",
]

log = logging.getLogger(__name__)

DEFAULT_BROKER = "redis://localhost:6379/0"
#: Seconds a task may run unacknowledged before Redis hands it to another worker.
DEFAULT_VISIBILITY_TIMEOUT = 12 * 3600
#: Seconds before a task that waits for a shard looks again.
WAIT_POLL_S = 5.0


def _transport_options() -> dict[str, Any]:
    timeout = int(os.environ.get("FITARCHIVE_VISIBILITY_TIMEOUT", DEFAULT_VISIBILITY_TIMEOUT))
    # Abandoned tasks are looked for every few seconds (not every ~100 s), so a dead worker's shard
    # is picked up soon after its visibility timeout.
    return {
        "visibility_timeout": timeout,
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
    }


def make_app(broker: str | None = None) -> Celery:
    """The Celery app, configured for long, idempotent crawl tasks."""
    url = broker or os.environ.get("FITARCHIVE_BROKER", DEFAULT_BROKER)
    celery = Celery(
        "fitarchive", broker=url, backend=os.environ.get("FITARCHIVE_RESULT_BACKEND", url)
    )
    celery.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_transport_options=_transport_options(),
        result_backend_transport_options=_transport_options(),
        broker_connection_retry_on_startup=True,
        result_expires=7 * 24 * 3600,
        task_track_started=True,
        worker_hijack_root_logger=False,
    )
    schedule = os.environ.get(
        "FITARCHIVE_BEAT"
    )  # "CONFIG|SHARDS|SHARD_DIR|TARGET|crontab minute hour ..."
    if schedule:
        celery.conf.beat_schedule = _beat_schedule(schedule)
    return celery


def _beat_schedule(spec: str) -> dict[str, Any]:
    """One beat entry from ``CONFIG|SHARDS|SHARD_DIR|TARGET|MINUTE HOUR``: a periodic run."""
    config, shards, shard_dir, target, when = spec.split("|")
    minute, hour = (when.split() + ["*"])[:2]
    return {
        "fitarchive-run": {
            "task": "fitarchive.start_run",
            "schedule": crontab(minute=minute, hour=hour),
            "args": [config, int(shards), shard_dir, target],
        }
    }


app = make_app()


def shard_path(shard_dir: Path | str, index: int, count: int) -> Path:
    """Where shard ``index`` of ``count`` keeps its archive."""
    return Path(shard_dir) / f"shard-{index}-of-{count}.db"


def _done_mark(path: Path) -> Path:
    return Path(f"{path}.done")


def _read_done(path: Path) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = json.loads(_done_mark(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return result


def _write_done(path: Path, result: dict[str, Any]) -> None:
    mark = _done_mark(path)
    partial = mark.with_name(f".{mark.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(result), encoding="utf-8")
    os.replace(partial, mark)


def _sites(config_text: str, spec: ShardSpec) -> list[SiteConfig]:
    with tempfile.NamedTemporaryFile("w", suffix=".toml", encoding="utf-8", delete=False) as handle:
        handle.write(config_text)
    try:
        sites = load_config(Path(handle.name))
    finally:
        os.unlink(handle.name)
    return select_shard(
        [SiteConfig(url=normalize_seed(s.url), settings=s.settings) for s in sites], spec
    )


#: Retries of a task that waits (for a shard another copy crawls, or for the shards of a merge).
MAX_WAITS = 24 * 3600 // 5


_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "max_retries": MAX_WAITS,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@app.task(name="fitarchive.crawl_shard", **_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def crawl_shard(
    self: Any, config_text: str, shard_dir: str, index: int, count: int, run: str
) -> dict[str, Any]:
    """Crawl shard ``index`` of ``count`` into its archive in ``shard_dir``; idempotent per ``run``.

    A copy delivered while another copy crawls the shard finds its lock taken and
    comes back later (a retry frees the worker meanwhile); once the shard is done
    for ``run``, every copy returns the recorded result.
    """
    path = shard_path(shard_dir, index, count)
    path.parent.mkdir(parents=True, exist_ok=True)
    spec = ShardSpec(index=index, count=count)
    done = _read_done(path)
    if done is not None and done.get("run") == run:
        log.info("shard %s of run %s already crawled", spec, run)
        return done
    sites = _sites(config_text, spec)
    try:
        if sites:
            summary = summary_json(pipeline.crawl_many(path, sites))
        else:  # an empty shard is still an archive, so the merge finds it
            with store.ArchiveLock(path):
                store.open_db(path).close()
            summary = {"exit_code": 0, "blogs": []}
    except LockedError as exc:  # another copy of this task is crawling the shard
        raise self.retry(countdown=WAIT_POLL_S) from exc
    result = {
        "run": run,
        "shard": index,
        "count": count,
        "path": str(path),
        "worker": self.request.hostname,
        "pid": os.getpid(),
        "summary": summary,
    }
    _write_done(path, result)
    return result


@app.task(name="fitarchive.merge_shards", **_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def merge_shards(
    self: Any,
    results: list[dict[str, Any]] | None,
    shard_dir: str,
    count: int,
    run: str,
    target: str,
) -> dict[str, Any]:
    """Merge every shard of ``run`` into ``target`` once all are done.

    The chord may call it before the last shard is really done (a task delivered
    twice counts twice): it then comes back later, freeing its worker meanwhile.
    """
    paths = [shard_path(shard_dir, index, count) for index in range(count)]
    marks = [_read_done(path) for path in paths]
    shards = [mark for mark in marks if mark is not None and mark.get("run") == run]
    if len(shards) < count:
        raise self.retry(countdown=WAIT_POLL_S)
    try:
        report = merge_archives(Path(target), paths)
    except LockedError as exc:  # a late copy of a shard task, or another merge: come back
        raise self.retry(countdown=WAIT_POLL_S) from exc
    return {
        "run": run,
        "target": target,
        "shards": shards,
        "merge": report.summary(),
        "rows_read": report.rows_read,
        "rows_written": report.rows_written,
        "images_copied": report.images_copied,
    }


@app.task(name="fitarchive.start_run")  # type: ignore[untyped-decorator]
def start_run(config_path: str, count: int, shard_dir: str, target: str) -> str:
    """Enqueue a whole run from a worker (what the beat schedule calls); returns the run id."""
    config_text = Path(config_path).read_text(encoding="utf-8")
    return enqueue_run(app, config_text, count, shard_dir, target).run


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """An enqueued run: its id and the Celery result of its merge."""

    run: str
    result: Any


def enqueue_run(
    celery: Celery, config_text: str, count: int, shard_dir: str, target: str
) -> SubmitResult:
    """Send one crawl task per shard and the merge as their chord callback."""
    run = uuid.uuid4().hex
    header = [
        celery.signature("fitarchive.crawl_shard", args=(config_text, shard_dir, index, count, run))
        for index in range(count)
    ]
    callback = celery.signature("fitarchive.merge_shards", args=(shard_dir, count, run, target))
    return SubmitResult(run, chord(header, app=celery)(callback))


def _check_reachable(celery: Celery, broker: str) -> None:
    """Fail in one line, and soon, when the broker or the result backend does not answer.

    :raises ScraperError: either is unreachable.
    """
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=2, interval_start=0.2, interval_step=0.5)
        ping = getattr(celery.backend, "client", None)
        if ping is not None:
            ping.ping()
    except Exception as exc:  # kombu and redis-py raise their own connection errors
        raise ScraperError(
            f"cannot reach the broker at {broker} ({str(exc).splitlines()[0]})"
        ) from None


def submit_run(
    broker: str,
    config_path: Path,
    count: int,
    shard_dir: Path,
    target: Path,
    *,
    timeout_s: float | None,
) -> dict[str, Any]:
    """Enqueue a run on ``broker`` and wait for its merge; returns the merge task's result.

    :raises ScraperError: the run did not finish in ``timeout_s`` or a task failed.
    """
    config_text = config_path.read_text(encoding="utf-8")
    load_config(config_path)  # a bad config stops here, not on every worker
    celery = make_app(broker)
    try:
        _check_reachable(celery, broker)
        try:
            submitted = enqueue_run(celery, config_text, count, str(shard_dir), str(target))
        except (OperationalError, RuntimeError) as exc:
            raise ScraperError(f"cannot reach the broker at {broker} ({exc})") from None
        log.info("run %s enqueued: %d shard task(s) and a merge", submitted.run, count)
        try:
            result: dict[str, Any] = submitted.result.get(timeout=timeout_s, propagate=True)
        except ResultTimeout:
            raise ScraperError(
                f"run {submitted.run}: not finished after {timeout_s:.0f} s; "
                "the workers go on with it"
            ) from None
        except ScraperError:
            raise
        except Exception as exc:  # a task's own error, re-raised by Celery
            raise ScraperError(f"run {submitted.run} failed: {exc}") from None
        return result
    finally:
        celery.close()
