"""Read the archive's routine images with OCR and store their text and routine rows.

``run_ocr(db_path)`` reads every archived image file (one per sha256) that the
current engine version has not read yet, in a worker process whose memory is
capped, and writes readings in small batches: a run that is killed loses at most
one batch, and the next run reads only the rest. Stored readings whose rows come
from an older parser are parsed again from their stored lines, without OCR.
Holds the archive lock like a crawl. Imports ``store`` and ``scraper.ocr``.
"""

from __future__ import annotations

import logging
import resource
import signal
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from sqlite_utils import Database

from scraper import store
from scraper.errors import ScraperError
from scraper.ocr.engine import OcrEngine
from scraper.ocr.records import ImageReading, OcrLine, RoutineRow
from scraper.ocr.routine import PARSER_VERSION, parse_routine

__all__ = ["DEFAULT_MEMORY_CAP_MB", "EngineFactory", "OcrReport", "ProgressCallback", "run_ocr"]

log = logging.getLogger(__name__)

#: Address-space cap of the OCR worker. RapidOCR's PP-OCR models on onnxruntime peak at
#: about 0.7 GB resident and map about 1.6 GB of address space on a large card; the cap
#: leaves headroom for that and stops a pathological image before it takes the machine.
DEFAULT_MEMORY_CAP_MB = 3072
#: Readings written per transaction.
BATCH_SIZE = 8

#: ``on_progress(done, total)``: called once with (0, total) before reading, then after each image.
ProgressCallback = Callable[[int, int], None]


class Engine(Protocol):
    """What the worker needs of an OCR engine (``scraper.ocr.engine.OcrEngine``)."""

    name: str
    version: str

    def read(self, image: bytes) -> ImageReading: ...


class EngineFactory(Protocol):
    """Builds the engine in the worker; ``identity()`` says what it would read with, loading nothing."""

    def __call__(self) -> Engine: ...

    def identity(self) -> tuple[str, str]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class OcrReport:
    """What one ``run_ocr`` did."""

    engine: str
    engine_version: str
    read: int  # image files read in this run
    with_text: int  # of those, how many had text
    rows: int  # routine rows found in them
    failed: int  # could not be read (recorded, not retried by this engine version)
    reparsed: int  # stored readings parsed again without OCR
    memory_cap_mb: int

    def summary(self) -> str:
        """One line for people and logs."""
        return (f"read {self.read} image{'s' if self.read != 1 else ''} ({self.with_text} with text, "
                f"{self.rows} routine row{'s' if self.rows != 1 else ''}), {self.failed} failed, "
                f"{self.reparsed} re-parsed - {self.engine} {self.engine_version}")


# ---------------------------------------------------------------- the worker process

_engine: Engine | None = None


_default_engine: EngineFactory = OcrEngine


def _init_worker(factory: EngineFactory, memory_cap_mb: int) -> None:
    """Cap the worker's address space, then load the engine (models once per worker).

    Ctrl-C is the parent's to handle: it stores what was read and stops the worker, so
    the image being read is not taken for one that killed its worker.
    """
    global _engine
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cap = memory_cap_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    _engine = factory()


def _identify() -> tuple[str, str]:
    assert _engine is not None
    return _engine.name, _engine.version


def _read(path: str) -> ImageReading | str:
    """Read one image file; an error comes back as its one-line message."""
    assert _engine is not None
    try:
        data = Path(path).read_bytes()
        return _engine.read(data)
    except MemoryError:
        return "out of memory while reading the image (worker memory cap reached)"
    except Exception as exc:  # noqa: BLE001 - a bad image ends only itself
        return f"cannot read the image ({type(exc).__name__}: {exc})".splitlines()[0]


class _Worker:
    """One OCR worker process, restarted when it dies (the image it was reading is marked failed)."""

    def __init__(self, factory: EngineFactory, memory_cap_mb: int) -> None:
        self._args = (factory, memory_cap_mb)
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"),
                                   initializer=_init_worker, initargs=self._args)

    def identify(self) -> tuple[str, str]:
        """Start the engine (loading its models) and return its ``(name, version)``."""
        try:
            return self._pool.submit(_identify).result()
        except BrokenProcessPool:
            raise ScraperError(
                f"the OCR engine could not start in its worker (memory cap {self._args[1]} MB; try --memory-cap)"
            ) from None

    def read(self, path: Path) -> ImageReading | str:
        try:
            return self._pool.submit(_read, str(path)).result()
        except BrokenProcessPool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            return "the OCR worker died reading this image (memory cap or crash)"

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _worker(factory: EngineFactory, memory_cap_mb: int) -> Iterator[_Worker]:
    worker = _Worker(factory, memory_cap_mb)
    try:
        yield worker
    finally:
        worker.close()


# ---------------------------------------------------------------- the run


def _reparse(db: Database, *, everything: bool) -> int:
    """Parse stored readings again with the current parser; returns how many."""
    count = 0
    for stored in store.readings_to_reparse(db, PARSER_VERSION, everything=everything):
        reading = ImageReading(
            lines=tuple(OcrLine(text=text, confidence=confidence, box=box) for text, confidence, box in stored.lines),
            text=stored.text,
            mean_confidence=stored.mean_confidence,
            engine=stored.engine,
            engine_version=stored.engine_version,
        )
        store.replace_routine_rows(db, stored.id, stored.sha256, parse_routine(reading), PARSER_VERSION)
        count += 1
    return count


def _write(db: Database, batch: list[tuple[store.OcrTarget, ImageReading | str, list[RoutineRow]]],
           engine: str, version: str) -> None:
    with db.atomic():
        for target, result, rows in batch:
            if isinstance(result, str):
                store.save_image_read_error(db, target.sha256, engine, version, result)
            else:
                store.save_image_reading(db, target.sha256, result, rows, PARSER_VERSION)
    batch.clear()


def _read_targets(
    db: Database,
    targets: list[store.OcrTarget],
    factory: EngineFactory,
    memory_cap_mb: int,
    store_root: Path,
    identity: tuple[str, str],
    on_progress: ProgressCallback | None,
) -> tuple[int, int, int, int]:
    """Read ``targets`` in a worker and store them in batches; returns (read, with text, rows, failed)."""
    engine, version = identity
    read = with_text = rows_found = failed = 0
    with _worker(factory, memory_cap_mb) as worker:
        started = worker.identify()
        if started != identity:
            raise ScraperError(f"the OCR engine reads as {started}, not as its identity {identity}")
        batch: list[tuple[store.OcrTarget, ImageReading | str, list[RoutineRow]]] = []
        try:
            for done, target in enumerate(targets, start=1):
                path = store_root / target.path
                if not path.is_file():
                    log.warning("%s: image file missing from the store; skipped", path)
                    if on_progress:
                        on_progress(done, len(targets))
                    continue
                result = worker.read(path)
                rows: list[RoutineRow] = []
                if isinstance(result, str):
                    log.warning("%s: %s", target.path, result)
                    failed += 1
                else:
                    rows = parse_routine(result) if result.lines else []
                    with_text += bool(result.lines)
                    rows_found += len(rows)
                read += 1
                batch.append((target, result, rows))
                if len(batch) >= BATCH_SIZE:
                    _write(db, batch, engine, version)
                if on_progress:
                    on_progress(done, len(targets))
        finally:
            _write(db, batch, engine, version)  # also when interrupted: what was read stays read
    return read, with_text, rows_found, failed


def run_ocr(
    db_path: Path,
    *,
    reparse: bool = False,
    on_progress: ProgressCallback | None = None,
    memory_cap_mb: int = DEFAULT_MEMORY_CAP_MB,
    engine_factory: EngineFactory | None = None,
) -> OcrReport:
    """Read the archive's unread image files and store their text and routine rows.

    ``reparse`` parses every stored reading again (readings from an older parser
    version are parsed again anyway). ``engine_factory`` (picklable, e.g. an engine
    class) replaces the RapidOCR engine. The unread images are listed before any
    engine starts: with nothing new to read, no worker process is started.

    :raises OcrUnavailable: the ``[ocr]`` extra is not installed.
    :raises LockedError: a crawl or another OCR run holds the archive.
    """
    if engine_factory is None:
        from scraper.ocr.engine import INSTALL_HINT, OcrUnavailable, ocr_available

        if not ocr_available():
            raise OcrUnavailable(f"OCR is not installed: {INSTALL_HINT}")
        engine_factory = _default_engine
    engine, version = engine_factory.identity()
    db_path = Path(db_path)
    store_root = db_path.parent
    read = with_text = rows_found = failed = 0
    with store.ArchiveLock(db_path):
        db = store.open_db(db_path)
        try:
            reparsed = _reparse(db, everything=reparse)
            targets = store.ocr_pending(db, engine, version)
            log.info("%d image files to read with %s %s", len(targets), engine, version)
            if on_progress:
                on_progress(0, len(targets))
            if targets:  # nothing new: no worker, no models loaded
                counts = _read_targets(db, targets, engine_factory, memory_cap_mb, store_root,
                                       (engine, version), on_progress)
                read, with_text, rows_found, failed = counts
        except sqlite3.OperationalError as exc:
            raise store.storage_error(db_path, exc) from None
        finally:
            db.close()
    return OcrReport(engine=engine, engine_version=version, read=read, with_text=with_text, rows=rows_found,
                     failed=failed, reparsed=reparsed, memory_cap_mb=memory_cap_mb)

