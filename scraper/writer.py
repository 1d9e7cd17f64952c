"""The database side of a crawl: jobs that write the archive, run one at a time, in order.

A job is a module-level function whose first argument is the ``WriteContext``
(a connection with its open batch). ``ArchiveWriter`` runs jobs inline on the
crawl's own connection, or, while a fast crawl's workers run, in a writer
process with a connection of its own: SQLite work and row building then use
the second core instead of competing with the event loop for the GIL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from scraper import store
from scraper.helper import BrokenProcessPool, HelperProcess
from scraper.errors import StorageError
from scraper.records import Comment, ImageFile, Post

__all__ = ["ArchiveWriter", "WriteContext"]

T = TypeVar("T")


@dataclass
class WriteContext:
    """A connection and its open batch: the state every job works on."""

    db: Database
    batch: store.WriteBatch
    tallies: dict[int, store.RunCounts] = field(default_factory=dict)  # what each run's post saves did


# ---------------------------------------------------------------- jobs


def write_post(
    ctx: WriteContext,
    run_id: int,
    site_id: int,
    captures: list[store.Capture],
    site_base_url: str,
    post: Post,
    comments: list[Comment] | None,
    complete: bool,
    complete_types: set[str] | None,
) -> store.PostSaveResult:
    """Save one post in the open batch, after the captures of its run logged before it; tally it."""
    ctx.batch.begin()
    store.write_captures(ctx.db, run_id, site_id, captures)
    result = store.save_post(
        ctx.db,
        site_id=site_id,
        site_base_url=site_base_url,
        post=post,
        comments=comments,
        comments_complete=complete,
        complete_types=complete_types,
    )
    ctx.batch.written()
    ctx.tallies.setdefault(run_id, store.RunCounts()).count_post(result)
    return result


def write_captures(ctx: WriteContext, run_id: int, site_id: int | None, captures: list[store.Capture]) -> None:
    """Log fetches (and keep raw pages) that no post save carried."""
    store.write_captures(ctx.db, run_id, site_id, captures)


def call_store(ctx: WriteContext, function: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """Run a ``store`` function on the writer's connection: ``function(db, *args, **kwargs)``."""
    return function(ctx.db, *args, **kwargs)


def commit(ctx: WriteContext) -> None:
    """Commit the open batch."""
    ctx.batch.commit()


def rollback(ctx: WriteContext) -> None:
    """Drop the open batch (whole posts only)."""
    ctx.batch.rollback()


def take_tally(ctx: WriteContext, run_id: int) -> store.RunCounts:
    """Hand over what the post saves of ``run_id`` did, and forget it."""
    return ctx.tallies.pop(run_id, store.RunCounts())


def take_tallies(ctx: WriteContext) -> dict[int, store.RunCounts]:
    """Hand over every run's tally, and forget them."""
    tallies, ctx.tallies = ctx.tallies, {}
    return tallies


def save_image_file(ctx: WriteContext, image: ImageFile, store_root: Path) -> None:
    """Store a downloaded image file and its row."""
    store.save_image_file(ctx.db, image, store_root=store_root)


# ---------------------------------------------------------------- the writer process

_PROCESS_CONTEXT: WriteContext | None = None


def _start_process(db_path: Path, max_items: int) -> None:
    """Initializer of the writer process: its own connection to the archive."""
    global _PROCESS_CONTEXT
    db = store.open_db(db_path)
    _PROCESS_CONTEXT = WriteContext(db, store.WriteBatch(db, max_items=max_items))


def _run_in_process(job: Callable[..., T], *args: Any) -> T:
    assert _PROCESS_CONTEXT is not None, "not in the writer process"
    return job(_PROCESS_CONTEXT, *args)


class ArchiveWriter:
    """Runs database jobs one at a time, in order: inline, or in the writer process while offloaded.

    With ``use_process`` the writer process is forked at once, before the
    crawl opens any connection; it is used only inside ``offloaded()``.
    Outside it, and without a process, jobs run on the crawl's connection.
    """

    def __init__(self, db: Database, db_path: Path, *, max_items: int, use_process: bool) -> None:
        self.local = WriteContext(db, store.WriteBatch(db, max_items=max_items))
        self._process: HelperProcess | None = None
        self._remote = False
        if use_process:
            self._process = HelperProcess(initializer=_start_process, initargs=(db_path, max_items),
                                       name="fitarchive-writer")

    async def store(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a ``store`` function (``function(db, *args, **kwargs)``) after every job before it."""
        return await self.run(call_store, function, args, kwargs)

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        """Run ``job`` after every job given before it."""
        if not self._remote or self._process is None:
            return job(self.local, *args)
        try:
            result: T = await self._process.call(_run_in_process, job, *args)
        except BrokenProcessPool:
            self._remote = False
            raise StorageError("the archive writer process died; the posts it had saved are kept") from None
        return result

    def run_now(self, job: Callable[..., T], *args: Any) -> T:
        """Run ``job`` and wait for it (for the end of a run, outside the event loop's work)."""
        if not self._remote or self._process is None:
            return job(self.local, *args)
        result: T = self._process.call_now(_run_in_process, job, *args)
        return result

    @asynccontextmanager
    async def offloaded(self) -> AsyncIterator[None]:
        """While inside, jobs run in the writer process (when there is one).

        The crawl's own connection must not write meanwhile. On the way out,
        also after an error or an interruption, the writer process commits
        what it saved, so only whole posts are ever kept, and its tallies join
        the local ones.
        """
        if self._process is None:
            yield
            return
        self.local.batch.commit()
        self._remote = True
        try:
            yield
        finally:
            try:
                self.run_now(commit)
                for run_id, tally in self.run_now(take_tallies).items():
                    self.local.tallies.setdefault(run_id, store.RunCounts()).add(tally)
            except BrokenProcessPool:
                pass  # nothing more can be saved from there; the error already on its way says why
            finally:
                self._remote = False

    def close(self) -> None:
        """Stop the writer process (its work is committed by ``offloaded``)."""
        if self._process is not None:
            self._process.close()
            self._process = None
