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
    tally: store.RunCounts = field(default_factory=store.RunCounts)  # what its post saves did


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
    setattr(ctx.tally, f"posts_{result.status}", getattr(ctx.tally, f"posts_{result.status}") + 1)
    ctx.tally.comments_new += result.comments_new
    ctx.tally.comments_deleted += result.comments_deleted
    return result


def commit(ctx: WriteContext) -> None:
    """Commit the open batch."""
    ctx.batch.commit()


def rollback(ctx: WriteContext) -> None:
    """Drop the open batch (whole posts only)."""
    ctx.batch.rollback()


def take_tally(ctx: WriteContext) -> store.RunCounts:
    """Hand over the tally and start a new one."""
    tally, ctx.tally = ctx.tally, store.RunCounts()
    return tally


def is_archived(ctx: WriteContext, table: str, url: str) -> bool:
    """Whether ``table`` (posts or pages) holds a row for ``url``."""
    assert table in ("posts", "pages")
    return ctx.db.execute(f"select 1 from {table} where url = ?", [url]).fetchone() is not None


def log_failure(ctx: WriteContext, run_id: int, url: str, error: str) -> None:
    """Log a post that could not be archived in ``fetches``."""
    with ctx.db.atomic():
        ctx.db.table("fetches").insert({"run_id": run_id, "url": url, "kind": "post", "error": error,
                                        "fetched_at": store.now_iso()})


def pending_images(ctx: WriteContext, site_id: int, post_ids: list[int] | None, untried_only: bool) -> list[str]:
    """Image URLs still to download (see ``store.images_pending``)."""
    return list(store.images_pending(ctx.db, post_ids=post_ids, site_id=site_id, untried_only=untried_only))


def save_image_error(ctx: WriteContext, url: str, error: str) -> None:
    """Record why an image could not be stored."""
    store.save_image_error(ctx.db, url, error)


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
        what it saved, so only whole posts are ever kept, and its tally joins
        the local one.
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
                self.local.tally.add(self.run_now(take_tally))
            except BrokenProcessPool:
                pass  # nothing more can be saved from there; the error already on its way says why
            finally:
                self._remote = False

    def close(self) -> None:
        """Stop the writer process (its work is committed by ``offloaded``)."""
        if self._process is not None:
            self._process.close()
            self._process = None
