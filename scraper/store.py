"""Write records into the archive database; the only module that opens it.

Rows get stable ids derived from their natural keys (``stable_id``), so
re-crawls and merges upsert instead of renumbering. A post, its images and its
comments are saved in one transaction. Imports only leaves (records, errors)
and ``schemas``.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import sqlite3
import time
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol

from sqlite_utils import Database

from schemas import MIGRATION_SET_NAME, migrations
from scraper.errors import DiskFullError, LockedError, SchemaError, StorageError
from scraper.records import Comment, Fetched, ImageFile, Post, Term

__all__ = [
    "live_comment_count",
    "site_post_count",
    "stored_pages",
    "site_has_posts",
    "site_exists",
    "post_check_rows",
    "post_change_marks",
    "mark_site_crawled",
    "log_failure",
    "live_comment_ids",
    "known_platform",
    "is_archived",
    "comment_remote_ids",
    "archived_sites",
    "ArchiveLock",
    "attach_run",
    "applied_migrations",
    "close_interrupted_runs",
    "CaptureLog",
    "WriteBatch",
    "PostSaveResult",
    "RunCounts",
    "comment_path_segment",
    "content_hash",
    "finish_run",
    "get_state",
    "image_path_for",
    "images_pending",
    "remove_partial_image_files",
    "iso",
    "open_db",
    "save_comments",
    "save_image_file",
    "save_image_error",
    "save_post",
    "save_site",
    "forget_site",
    "set_state",
    "stable_id",
    "storage_error",
    "start_run",
]

SQLITE_HEADER = b"SQLite format 3\x00"


def stable_id(*parts: str) -> int:
    """Return a 63-bit integer id derived from the natural key ``parts``."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def iso(moment: datetime | None) -> str | None:
    """Format a datetime as ISO 8601 in UTC (naive values are taken as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def now_iso() -> str:
    """The current time, ISO 8601 UTC."""
    return iso(datetime.now(timezone.utc)) or ""


def content_hash(post: Post) -> str:
    """Hash what a reader sees of a post: title and sanitized body."""
    material = f"{post.title}\x1f{post.body_html}\x1f{int(post.is_protected)}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


_UPSERT_SQL: dict[tuple[str, tuple[str, ...], tuple[str, ...]], str] = {}


def _upsert(db: Database, table: str, rows: list[dict[str, Any]], pk: tuple[str, ...] = ("id",)) -> None:
    """Insert rows, updating the given columns of rows that already exist.

    One ``INSERT ... ON CONFLICT DO UPDATE`` per row through ``executemany``:
    the hot path of a crawl, where sqlite-utils' per-call table introspection
    would cost more than the writes. Every row must have the same keys.
    """
    if not rows:
        return
    columns = tuple(rows[0])
    key = (table, columns, pk)
    sql = _UPSERT_SQL.get(key)
    if sql is None:
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in pk)
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        sql = (
            f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '
            f'VALUES ({", ".join("?" for _ in columns)}) '
            f'ON CONFLICT ({", ".join(pk)}) {action}'
        )
        _UPSERT_SQL[key] = sql
    db.conn.executemany(sql, [tuple(row[c] for c in columns) for row in rows])


def comment_path_segment(remote_id: str) -> str:
    """A sortable path segment: numeric ids zero-padded, others kept as they are."""
    return remote_id.zfill(12) if remote_id.isdigit() else remote_id


# ---------------------------------------------------------------- opening


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise StorageError(f"{path}: is a directory, not a database file")
    if not path.exists():
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.exists():
            raise StorageError(f"{path}: folder {parent} does not exist")
        if not os.access(parent, os.W_OK):
            raise StorageError(f"{path}: cannot create the database, folder {parent} is read-only")
        return
    if path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise SchemaError(f"{path}: not an SQLite database (left untouched)")


def _check_archive(db: Database, path: Path) -> None:
    try:
        result = db.execute("PRAGMA quick_check").fetchone()
        tables = set(db.table_names())
    except sqlite3.OperationalError as exc:  # cannot read it now (full disk, I/O error, lock): not corrupt
        raise storage_error(path, exc) from None
    except sqlite3.DatabaseError as exc:
        raise SchemaError(f"{path}: corrupt database ({exc}); left untouched") from None
    if result is None or result[0] != "ok":
        raise SchemaError(f"{path}: corrupt database ({result[0] if result else 'no answer'}); left untouched")
    user_tables = {name for name in tables if not name.startswith("sqlite_")}
    if not user_tables:
        return
    if "_sqlite_migrations" not in tables:
        raise SchemaError(f"{path}: not a fitarchive archive (it has other tables); left untouched")
    applied = {
        row[0]
        for row in db.execute(
            "select name from _sqlite_migrations where migration_set = ?", [MIGRATION_SET_NAME]
        )
    }
    if not applied:
        raise SchemaError(f"{path}: not a fitarchive archive (no fitarchive migrations); left untouched")
    known = {migration.name for migration in migrations._migrations}
    newer = sorted(applied - known)
    if newer:
        raise SchemaError(
            f"{path}: archive was written by a newer fitarchive (migration {newer[-1]}); upgrade fitarchive"
        )


def open_db(path: Path | str, *, readonly: bool = False) -> Database:
    """Open (creating or migrating as needed) the archive at ``path``.

    :raises SchemaError: not an SQLite file, corrupt, foreign, or newer than the code.
    :raises StorageError: the path is a directory or cannot be written.
    """
    path = Path(path)
    _check_file(path)
    if readonly:
        if not path.exists():
            raise StorageError(f"{path}: no archive there yet (run `fitarchive crawl` first)")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db = Database(conn)
        _check_archive(db, path)
        return db
    try:
        conn = sqlite3.connect(str(path), timeout=30)
        db = Database(conn)
        _check_archive(db, path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        # Stable ids scatter inserts over the whole table: a larger page cache and
        # fewer, larger checkpoints cut a crawl's SQLite time by about a fifth.
        db.execute("PRAGMA cache_size=-16384")  # KiB
        db.execute("PRAGMA wal_autocheckpoint=10000")  # pages
        db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(db)
    except sqlite3.OperationalError as exc:
        raise storage_error(path, exc) from None
    return db


def applied_migrations(db: Database) -> list[str]:
    """Return the names of the archive migrations applied to ``db``, oldest first (read-only)."""
    return [migration.name for migration in migrations.applied(db)]


def _disk_nearly_full(path: Path) -> bool:
    try:
        stats = os.statvfs(path.parent if str(path.parent) else ".")
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def storage_error(path: Path, exc: sqlite3.Error) -> StorageError:
    """The one-line error for a failed database write (DiskFullError when the disk is full)."""
    text = str(exc)
    if "full" in text or ("disk i/o error" in text.lower() and _disk_nearly_full(path)):
        return DiskFullError(f"{path}: disk full while writing the archive; nothing was half-written")
    if "readonly" in text or "read-only" in text:
        return StorageError(f"{path}: database is read-only")
    if "disk i/o error" in text.lower():
        return StorageError(f"{path}: disk I/O error on the archive (is the disk full or failing?); nothing was half-written")
    if "unable to open" in text:
        return StorageError(f"{path}: cannot open database ({text})")
    return StorageError(f"{path}: database error ({text})")


class ArchiveLock:
    """An exclusive lock on ``<db>.lock`` for the duration of a crawl.

    The kernel drops it when the process dies, so a killed run never leaves a
    stale lock behind.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> "ArchiveLock":
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot create lock file ({exc.strerror})") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self._fd)
            self._fd = None
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise LockedError(
                    f"{self.path.with_suffix('')}: another fitarchive crawl is running on this archive"
                ) from None
            raise
        os.ftruncate(self._fd, 0)
        os.write(self._fd, str(os.getpid()).encode())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


# ---------------------------------------------------------------- sites, state


def forget_site(db: Database, site_id: int) -> bool:
    """Remove a site that has no posts, with its runs, fetch log, raw pages and state.

    A site enters the archive with its first post: when a first crawl finds
    no blog there, this takes back what the attempt wrote, except the run
    rows that record the attempt. Returns False, and
    removes nothing, when the site has posts.
    """
    with db.atomic():
        if db.execute("select 1 from posts where site_id = ? limit 1", [site_id]).fetchone():
            return False
        for table in ("pages", "crawl_state", "authors", "terms"):
            db.execute(f"delete from {table} where site_id = ?", [site_id])
        # The runs stay, with their fetch log, to say why the site is not archived.
        db.execute("update crawl_runs set site_id = null where site_id = ?", [site_id])
        db.execute("delete from sites where id = ?", [site_id])
    return True


def save_site(db: Database, *, base_url: str, name: str | None, platform: str) -> int:
    """Upsert a site row and return its id."""
    site_id = stable_id(base_url)
    existing = db.execute("select name, first_crawled_at from sites where id = ?", [site_id]).fetchone()
    row = {
        "id": site_id,
        "base_url": base_url,
        "platform": platform,
        "name": name or (existing[0] if existing else None),
        "first_crawled_at": (existing[1] if existing else None) or now_iso(),
    }
    with db.atomic():
        db.table("sites").upsert(row, pk="id")
    return site_id


def get_state(db: Database, site_id: int, key: str) -> str | None:
    """Read a per-site crawl_state value."""
    row = db.execute(
        "select value from crawl_state where site_id = ? and key = ?", [site_id, key]
    ).fetchone()
    return row[0] if row else None


def set_state(db: Database, site_id: int, key: str, value: str | None) -> None:
    """Write a per-site crawl_state value."""
    with db.atomic():
        db.table("crawl_state").upsert(
            {"site_id": site_id, "key": key, "value": value, "updated_at": now_iso()},
            pk=("site_id", "key"),
        )


# ---------------------------------------------------------------- runs and fetches


@dataclass(slots=True)
class RunCounts:
    """Counters of one crawl run, written to ``crawl_runs``."""

    pages_fetched: int = 0
    pages_not_modified: int = 0
    bytes_fetched: int = 0
    posts_new: int = 0
    posts_updated: int = 0
    posts_unchanged: int = 0
    comments_new: int = 0
    comments_deleted: int = 0
    images_new: int = 0
    errors: int = 0

    def add(self, other: RunCounts) -> None:
        """Add ``other``'s counters to these (a helper's tally to the run's)."""
        for name in RunCounts.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def count_post(self, result: PostSaveResult) -> None:
        """Count one saved post by what saving it did."""
        if result.status == "new":
            self.posts_new += 1
        elif result.status == "updated":
            self.posts_updated += 1
        else:
            self.posts_unchanged += 1
        self.comments_new += result.comments_new
        self.comments_deleted += result.comments_deleted

    def summary(self) -> str:
        """One line for people and logs."""
        return (
            f"fetched {self.pages_fetched} ({self.bytes_fetched / 1024:.0f} KiB), "
            f"not modified {self.pages_not_modified}, posts new {self.posts_new} / "
            f"updated {self.posts_updated} / unchanged {self.posts_unchanged}, "
            f"comments new {self.comments_new} / deleted {self.comments_deleted}, "
            f"images new {self.images_new}, errors {self.errors}"
        )


def close_interrupted_runs(db: Database) -> int:
    """Mark runs still 'running' as 'interrupted'; returns how many.

    Call it holding the ``ArchiveLock`` before a schedule starts: any run still
    'running' then belongs to a crawler that died (killed, power cut).
    """
    with db.atomic():
        cursor = db.execute(
            "update crawl_runs set status = 'interrupted', "
            "message = coalesce(message, 'the crawler stopped before the run finished') where status = 'running'"
        )
        return cursor.rowcount


def start_run(db: Database, *, site_id: int | None, seed_url: str) -> int:
    """Insert a ``crawl_runs`` row in state 'running' and return its id.

    ``site_id`` is None for a blog not in the archive yet (it enters with its first post).
    """
    with db.atomic():
        table = db.table("crawl_runs")
        table.insert({"site_id": site_id, "seed_url": seed_url, "started_at": now_iso(), "status": "running"})
        return int(table.last_pk)  # type: ignore[arg-type]


def attach_run(db: Database, run_id: int, site_id: int) -> None:
    """Tie a run to its site once the site has a row."""
    with db.atomic():
        db.execute("update crawl_runs set site_id = ? where id = ?", [site_id, run_id])


def finish_run(db: Database, run_id: int, counts: RunCounts, *, status: str, message: str | None = None) -> None:
    """Close a run with its counts and final status (ok / partial / failed)."""
    row: dict[str, Any] = {
        "finished_at": now_iso(),
        "status": status,
        "message": message,
        **{name: getattr(counts, name) for name in RunCounts.__dataclass_fields__},
    }
    with db.atomic():
        db.table("crawl_runs").update(run_id, row)


_FETCH_COLUMNS = ("run_id", "url", "kind", "status", "bytes", "elapsed_ms", "etag", "last_modified", "fetched_at", "error")
_INSERT_FETCH = (
    f'INSERT INTO fetches ({", ".join(_FETCH_COLUMNS)}) VALUES ({", ".join("?" for _ in _FETCH_COLUMNS)})'
)


def _fetch_row(run_id: int, capture: Capture) -> tuple[Any, ...]:
    """A ``fetches`` row in ``_FETCH_COLUMNS`` order."""
    fetched = capture.fetched
    return (run_id, fetched.url, capture.kind, fetched.status, capture.size, fetched.elapsed_ms, fetched.etag,
            fetched.last_modified, iso(fetched.fetched_at) or now_iso(), fetched.error)


@dataclass(frozen=True, slots=True)
class PackedPage:
    """A raw page as the ``pages`` table keeps it: zlib-compressed, with its sha256."""

    body: bytes
    sha256: str


def pack_page(content: bytes) -> PackedPage:
    """Compress and hash raw bytes for the ``pages`` table (pure: any process may do it)."""
    return PackedPage(zlib.compress(content, 3), hashlib.sha256(content).hexdigest())


def _page_row(fetched: Fetched, site_id: int | None, kind: str, packed: PackedPage | None) -> dict[str, Any]:
    packed = packed or pack_page(fetched.content)
    return {
        "id": stable_id(fetched.url),
        "url": fetched.url,
        "site_id": site_id,
        "kind": kind,
        "fetched_at": iso(fetched.fetched_at) or now_iso(),
        "status": fetched.status,
        "content_type": fetched.content_type,
        "etag": fetched.etag,
        "last_modified": fetched.last_modified,
        "body": packed.body,
        "sha256": packed.sha256,
    }


class WriteBatch:
    """Group the writes of several posts into one commit.

    Each post is still saved inside its own savepoint, so a failure undoes
    only that post, and a crash loses at most the open batch, never half a
    post. ``max_items`` 1 commits after every post.
    """

    def __init__(self, db: Database, *, max_items: int = 1, max_seconds: float = 1.0) -> None:
        self.db = db
        self.max_items = max_items
        self.max_seconds = max_seconds
        self._count = 0
        self._opened = 0.0

    def begin(self) -> None:
        """Open the batch's transaction if none is open."""
        if self.max_items > 1 and not self.db.conn.in_transaction:
            self.db.conn.execute("BEGIN")
            self._count = 0
            self._opened = time.monotonic()

    def written(self) -> None:
        """Count one saved post; commit when the batch is full or old."""
        self._count += 1
        if self._count >= self.max_items or time.monotonic() - self._opened >= self.max_seconds:
            self.commit()

    def commit(self) -> None:
        """Commit what the batch holds."""
        if self.db.conn.in_transaction:
            self.db.conn.execute("COMMIT")
        self._count = 0

    def rollback(self) -> None:
        """Drop the open batch (whole posts only)."""
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")
        self._count = 0


@dataclass(frozen=True, slots=True)
class Capture:
    """One exchange waiting to be logged; ``keep`` also stores its raw bytes (``packed`` when done already)."""

    fetched: Fetched
    kind: str
    keep: bool
    packed: PackedPage | None = None
    size: int = 0  # bytes received (``fetched.content`` is dropped once packed)


def write_captures(db: Database, run_id: int, site_id: int | None, captures: list[Capture]) -> None:
    """Write captures of a run in one transaction (a savepoint inside an open one)."""
    if not captures:
        return
    fetch_rows = [_fetch_row(run_id, c) for c in captures]
    pages = {}
    for c in captures:
        if c.keep and c.fetched.ok and not c.fetched.not_modified and (c.fetched.content or c.packed):
            row = _page_row(c.fetched, site_id, c.kind, c.packed)
            pages[row["id"]] = row
    with db.atomic():
        db.conn.executemany(_INSERT_FETCH, fetch_rows)
        _upsert(db, "pages", list(pages.values()))


class CaptureLog:
    """Fetch-log rows and raw pages of a run, buffered and written in batches.

    ``add`` only buffers; ``take`` hands the buffer over for
    ``write_captures``, so the costly part can run wherever the database
    writes run. The pipeline writes a post's captures in the same job that
    saves the post, before it, so a post's raw pages are on disk no later
    than the post itself.
    """

    def __init__(self, db: Database, *, run_id: int, site_id: int | None) -> None:
        self.db = db
        self.run_id = run_id
        self.site_id = site_id
        self._buffer: list[Capture] = []

    def add(self, fetched: Fetched, *, kind: str, keep: bool, packed: PackedPage | None = None) -> None:
        """Buffer one exchange; ``keep`` also buffers its raw bytes (dropped when ``packed`` holds them)."""
        size = len(fetched.content)
        if packed is not None:
            fetched = replace(fetched, content=b"")
        self._buffer.append(Capture(fetched, kind, keep, packed, size))

    def take(self) -> list[Capture]:
        """Hand over (and forget) what is buffered."""
        taken, self._buffer = self._buffer, []
        return taken

    def flush(self) -> None:
        """Write what is buffered now."""
        write_captures(self.db, self.run_id, self.site_id, self.take())


def page_validators(db: Database, url: str) -> tuple[str | None, str | None]:
    """Return the (etag, last_modified) stored for ``url``, for a conditional GET."""
    row = db.execute("select etag, last_modified from pages where url = ?", [url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


# ---------------------------------------------------------------- posts


@dataclass(frozen=True, slots=True)
class PostSaveResult:
    """What saving one post did."""

    post_id: int
    status: str  # "new", "updated" or "unchanged"
    comments_new: int = 0
    comments_deleted: int = 0


def post_id_for(site_base_url: str, post: Post) -> int:
    """The stable id of a post: site + remote id, or site + canonical URL."""
    if post.remote_id:
        return stable_id(site_base_url, "post", post.remote_id)
    return stable_id(site_base_url, "url", post.url)


def _save_terms(db: Database, site_id: int, post_id: int, terms: Iterable[Term]) -> None:
    db.execute("delete from post_terms where post_id = ?", [post_id])
    term_rows = {}
    for term in terms:
        slug = term.slug or term.name.strip().lower().replace(" ", "-")
        term_id = stable_id(str(site_id), term.kind, slug)
        term_rows[term_id] = {"id": term_id, "site_id": site_id, "kind": term.kind, "name": term.name, "slug": slug}
    if term_rows:
        _upsert(db, "terms", list(term_rows.values()))
        _upsert(db, "post_terms", [{"post_id": post_id, "term_id": t} for t in term_rows], pk=("post_id", "term_id"))


def _public_url(url: str | None) -> str | None:
    """Return ``url`` when it is an http(s) link; None for mailto:, tel: and the like.

    A commenter's e-mail address or phone number is never published.
    """
    return url if url is not None and url.lower().startswith(("http://", "https://")) else None


def _save_images(db: Database, post_id: int, post: Post) -> None:
    db.execute("delete from post_images where post_id = ?", [post_id])
    if not post.images:
        return
    db.conn.executemany(
        "INSERT INTO images (id, url) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
        [(stable_id(ref.url), ref.url) for ref in post.images],
    )
    _upsert(
        db,
        "post_images",
        [
            {
                "post_id": post_id,
                "image_id": stable_id(ref.url),
                "position": ref.position,
                "role": ref.role,
                "is_featured": int(ref.is_featured or ref.role == "featured"),
                "alt": ref.alt,
                "caption": ref.caption,
                "heading": ref.heading,
            }
            for ref in post.images
        ],
        pk=("post_id", "position"),
    )


def save_post(
    db: Database,
    *,
    site_id: int,
    site_base_url: str,
    post: Post,
    comments: Iterable[Comment] | None = None,
    comments_complete: bool = False,
    complete_types: Iterable[str] | None = None,
) -> PostSaveResult:
    """Save a post with its author, terms, images and comments in one transaction.

    ``comments`` None leaves the stored comments alone. With
    ``comments_complete`` the given comments are the whole thread, so stored
    comments missing from it are marked ``deleted_at`` (and kept);
    ``complete_types`` narrows that to some comment types (a source that
    cannot list pingbacks must not mark them deleted).
    """
    post_id = post_id_for(site_base_url, post)
    now = now_iso()
    digest = content_hash(post)
    try:
        with db.atomic():
            previous = db.execute(
                "select content_hash, first_seen_at from posts where id = ?", [post_id]
            ).fetchone()
            author_id = None
            if post.author is not None:
                author_key = post.author.remote_id or post.author.slug or post.author.name
                author_id = stable_id(str(site_id), "author", author_key)
                _upsert(db, "authors", [{
                    "id": author_id,
                    "site_id": site_id,
                    "remote_id": post.author.remote_id,
                    "name": post.author.name,
                    "slug": post.author.slug,
                    "url": post.author.url,
                }])
            if previous is None:
                status = "new"
            elif previous[0] != digest:
                status = "updated"
            else:
                status = "unchanged"
            row: dict[str, Any] = {
                "id": post_id,
                "site_id": site_id,
                "remote_id": post.remote_id,
                "url": post.url,
                "title": post.title,
                "author_id": author_id,
                "published_at": iso(post.published_at),
                "modified_at": iso(post.modified_at),
                "excerpt": post.excerpt,
                "is_protected": int(post.is_protected),
                "source": post.source,
                "last_seen_at": now,
            }
            if status != "unchanged":
                row.update(body_html=post.body_html, body_text=post.body_text, content_hash=digest)
            if previous is None:
                row["first_seen_at"] = now
            _upsert(db, "posts", [row])
            if status != "unchanged":
                _upsert(db, "post_versions", [{
                    "id": stable_id(str(post_id), digest),
                    "post_id": post_id,
                    "content_hash": digest,
                    "title": post.title,
                    "body_html": post.body_html,
                    "modified_at": iso(post.modified_at),
                    "captured_at": now,
                }])
            _save_terms(db, site_id, post_id, post.terms)
            _save_images(db, post_id, post)
            new = deleted = 0
            if comments is not None:
                new, deleted = _save_comments(
                    db, post_id, list(comments), complete=comments_complete, now=now, complete_types=complete_types
                )
    except sqlite3.OperationalError as exc:
        raise storage_error(Path(db.conn.execute("pragma database_list").fetchone()[2]), exc) from None
    return PostSaveResult(post_id=post_id, status=status, comments_new=new, comments_deleted=deleted)


def save_comments(
    db: Database,
    *,
    post_id: int,
    comments: Iterable[Comment],
    complete: bool,
    complete_types: Iterable[str] | None = None,
) -> tuple[int, int]:
    """Save comments of an already stored post; returns (new, deleted) counts."""
    with db.atomic():
        return _save_comments(
            db, post_id, list(comments), complete=complete, now=now_iso(), complete_types=complete_types
        )


def _save_comments(
    db: Database,
    post_id: int,
    comments: list[Comment],
    *,
    complete: bool,
    now: str,
    complete_types: Iterable[str] | None = None,
) -> tuple[int, int]:
    stored_rows = {
        row[0]: row
        for row in db.execute(
            "select remote_id, path, depth, deleted_at, comment_type, parent_id, author_name, author_url, "
            "is_post_author, published_at, body_html, permalink from comments where post_id = ?",
            [post_id],
        )
    }
    stored = {remote: (row[1], row[2], row[3], row[4]) for remote, row in stored_rows.items()}
    stored_deleted = {remote for remote, row in stored_rows.items() if row[3] is not None}
    by_remote = {comment.remote_id: comment for comment in comments}
    placed: dict[str, tuple[str, int]] = {}

    def place(remote_id: str) -> tuple[str, int]:
        """Return (path, depth) of a comment, placing its ancestors first."""
        chain = []
        current: str | None = remote_id
        seen: set[str] = set()
        while current is not None and current not in placed and current not in seen:
            seen.add(current)
            comment = by_remote.get(current)
            if comment is None:
                break
            chain.append(current)
            current = comment.parent_remote_id
        if current is not None and current in placed:
            base_path, base_depth = placed[current]
        elif current is not None and current in stored and current not in by_remote:
            base_path, base_depth = stored[current][0], stored[current][1]
        else:
            base_path, base_depth = "", 0
        for remote in reversed(chain):
            segment = comment_path_segment(remote)
            base_path = f"{base_path}/{segment}" if base_path else segment
            base_depth += 1
            placed[remote] = (base_path, base_depth)
        return placed[remote_id]

    new = 0
    rows = []
    for comment in comments:
        path, depth = place(comment.remote_id)
        parent = comment.parent_remote_id
        parent_known = parent is not None and (parent in by_remote or parent in stored)
        if comment.remote_id not in stored:
            new += 1
        rows.append(
            {
                "id": stable_id(str(post_id), "comment", comment.remote_id),
                "post_id": post_id,
                "remote_id": comment.remote_id,
                "parent_id": stable_id(str(post_id), "comment", parent) if parent_known and parent else None,
                "depth": depth,
                "path": path,
                "comment_type": comment.comment_type,
                "author_name": comment.author_name,
                "author_url": _public_url(comment.author_url),
                "is_post_author": int(comment.is_post_author),
                "published_at": iso(comment.published_at),
                "body_html": comment.body_html,
                "body_text": comment.body_text,
                "permalink": comment.permalink,
                "last_seen_at": now,
                "deleted_at": None,
            }
        )
    # Parents first so the self-referencing foreign key is always satisfied.
    rows.sort(key=lambda row: (row["depth"], row["path"]))
    fresh = [{**row, "first_seen_at": now} for row in rows if row["remote_id"] not in stored]
    changed = [row for row in rows if row["remote_id"] in stored and _comment_differs(row, stored_rows[row["remote_id"]])]
    seen_again = [
        (now, row["id"]) for row in rows if row["remote_id"] in stored and not _comment_differs(row, stored_rows[row["remote_id"]])
    ]
    _upsert(db, "comments", fresh)
    _upsert(db, "comments", changed)
    if seen_again:
        db.conn.executemany("update comments set last_seen_at = ? where id = ?", seen_again)
    deleted = 0
    if complete:
        types = set(complete_types) if complete_types is not None else None
        gone = [
            remote
            for remote, (_path, _depth, _deleted, kind) in stored.items()
            if remote not in by_remote and remote not in stored_deleted and (types is None or kind in types)
        ]
        for remote in gone:
            db.execute(
                "update comments set deleted_at = ? where post_id = ? and remote_id = ?",
                [now, post_id, remote],
            )
        deleted = len(gone)
    live = db.execute(
        "select count(*) from comments where post_id = ? and deleted_at is null", [post_id]
    ).fetchone()[0]
    db.execute(
        "update posts set comment_count = ?, comments_checked_at = ? where id = ?",
        [live, now, post_id],
    )
    return new, deleted


def _comment_differs(row: dict[str, Any], stored: tuple[Any, ...]) -> bool:
    """True when a comment row differs from its stored copy in anything but times seen."""
    return (
        row["path"], row["depth"], row["deleted_at"], row["comment_type"], row["parent_id"], row["author_name"],
        row["author_url"], row["is_post_author"], row["published_at"], row["body_html"], row["permalink"],
    ) != (stored[1], stored[2], stored[3], stored[4], stored[5], stored[6], stored[7], stored[8], stored[9],
          stored[10], stored[11])


# ---------------------------------------------------------------- images


def image_path_for(sha256: str, mime: str | None) -> str:
    """The image store path of a file, relative to the database's folder."""
    extension = {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/gif": "gif",
        "image/webp": "webp",
        "image/avif": "avif",
        "image/svg+xml": "svg",
        "image/bmp": "bmp",
        "image/tiff": "tif",
    }.get(mime or "", "bin")
    return f"images/{sha256[:2]}/{sha256}.{extension}"


def images_pending(
    db: Database, *, post_ids: Iterable[int] | None = None, site_id: int | None = None, untried_only: bool = False
) -> list[str]:
    """URLs of images referenced by posts but not downloaded yet.

    ``site_id`` limits them to one site's posts; ``untried_only`` skips images
    whose download already failed (those carry an ``error``).
    """
    sql = (
        "select distinct i.url from images i join post_images pi on pi.image_id = i.id "
        "where i.sha256 is null"
    )
    params: list[Any] = []
    if untried_only:
        sql += " and i.error is null"
    if site_id is not None:
        sql += " and pi.post_id in (select id from posts where site_id = ?)"
        params.append(site_id)
    if post_ids is not None:
        ids = list(post_ids)
        if not ids:
            return []
        sql += f" and pi.post_id in ({', '.join('?' for _ in ids)})"
        params += ids
    return [row[0] for row in db.execute(sql, params).fetchall()]


def remove_partial_image_files(store_root: Path) -> int:
    """Delete temporary files a killed crawl left in the image store; returns how many.

    Call it holding the ``ArchiveLock`` (no other crawl is writing images).
    """
    removed = 0
    for partial in (store_root / "images").glob("*/.*.tmp"):
        partial.unlink(missing_ok=True)
        removed += 1
    return removed


def save_image_file(db: Database, image: ImageFile, *, store_root: Path) -> bool:
    """Write an image into the content-addressed store and fill its row.

    The file is written to a temporary name and renamed, so a crash leaves no
    partial file under its final name. Returns True when a new file was written.
    """
    relative = image_path_for(image.sha256, image.mime)
    target = store_root / relative
    written = False
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("wb") as handle:
                handle.write(image.data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                raise DiskFullError(f"{target}: disk full while storing an image") from None
            raise StorageError(f"{target}: cannot write image ({exc.strerror})") from None
        written = True
    with db.atomic():
        db.table("images").upsert(
            {
                "id": stable_id(image.url),
                "url": image.url,
                "sha256": image.sha256,
                "mime": image.mime,
                "width": image.width,
                "height": image.height,
                "bytes": image.size,
                "path": relative,
                "fetched_at": iso(image.fetched_at) or now_iso(),
                "error": None,
            },
            pk="id",
        )
    return written


def save_image_error(db: Database, url: str, error: str) -> None:
    """Record why an image could not be stored (it is retried on a later run)."""
    with db.atomic():
        db.execute("update images set error = ? where url = ?", [error, url])


# ---------------------------------------------------------------- what sources ask of the archive


def site_exists(db: Database, base_url: str) -> bool:
    """Whether the archive has a row for the site at ``base_url``."""
    return db.execute("select 1 from sites where base_url = ?", [base_url]).fetchone() is not None


def site_has_posts(db: Database, site_id: int) -> bool:
    """Whether the site has at least one archived post."""
    return db.execute("select 1 from posts where site_id = ? limit 1", [site_id]).fetchone() is not None


def site_post_count(db: Database, site_id: int) -> int:
    """How many posts of the site the archive holds."""
    return int(db.execute("select count(*) from posts where site_id = ?", [site_id]).fetchone()[0])


def known_platform(db: Database, site_id: int) -> str | None:
    """The platform recorded for a site by an earlier run that archived posts, or None."""
    row = db.execute(
        "select platform from sites where id = ? and exists (select 1 from posts where site_id = ?)",
        [site_id, site_id],
    ).fetchone()
    return row[0] if row else None


def mark_site_crawled(db: Database, site_id: int) -> None:
    """Stamp the site's ``last_crawled_at``."""
    with db.atomic():
        db.execute("update sites set last_crawled_at = ? where id = ?", [now_iso(), site_id])


def post_check_rows(db: Database, site_id: int) -> list[dict[str, Any]]:
    """Per archived post of a site: what decides whether to read it again.

    Keys: id, url, remote_id, title, published_at, modified_at,
    comments_checked_at, comment_count, author_remote_id.
    """
    return list(db.query(
        "select p.id, p.url, p.remote_id, p.title, p.published_at, p.modified_at, p.comments_checked_at, "
        "p.comment_count, a.remote_id as author_remote_id "
        "from posts p left join authors a on a.id = p.author_id where p.site_id = ?", [site_id]))


def post_change_marks(db: Database, url: str) -> tuple[str | None, int | None] | None:
    """(modified_at, comment_count) of the archived post at ``url``, or None when not archived."""
    row = db.execute("select modified_at, comment_count from posts where url = ?", [url]).fetchone()
    return (row[0], row[1]) if row else None


def live_comment_ids(db: Database, site_id: int, comment_type: str = "comment") -> dict[str, set[str]]:
    """Remote ids of the site's comments not marked deleted, by the remote id of their post."""
    ids: dict[str, set[str]] = {}
    for post_remote, comment_remote in db.execute(
        "select p.remote_id, c.remote_id from comments c join posts p on p.id = c.post_id "
        "where p.site_id = ? and c.deleted_at is null and c.comment_type = ?", [site_id, comment_type]):
        ids.setdefault(str(post_remote), set()).add(str(comment_remote))
    return ids


def live_comment_count(db: Database, site_id: int, comment_type: str = "comment") -> int:
    """How many of the site's comments of ``comment_type`` are not marked deleted."""
    return int(db.execute(
        "select count(*) from comments c join posts p on p.id = c.post_id "
        "where p.site_id = ? and c.deleted_at is null and c.comment_type = ?", [site_id, comment_type]
    ).fetchone()[0])


def comment_remote_ids(db: Database, site_id: int) -> set[str]:
    """Remote ids of every archived comment of a site (deleted ones too)."""
    return {row[0] for row in db.execute(
        "select c.remote_id from comments c join posts p on p.id = c.post_id where p.site_id = ?", [site_id])}


def is_archived(db: Database, table: str, url: str) -> bool:
    """Whether ``table`` (posts or pages) holds a row for ``url``."""
    if table not in ("posts", "pages"):
        raise ValueError(f"is_archived: no url lookup for table {table!r}")
    return db.execute(f"select 1 from {table} where url = ?", [url]).fetchone() is not None


def log_failure(db: Database, run_id: int, url: str, error: str, kind: str = "post") -> None:
    """Log a URL that could not be archived in ``fetches``."""
    with db.atomic():
        db.table("fetches").insert({"run_id": run_id, "url": url, "kind": kind, "error": error,
                                    "fetched_at": now_iso()})


def archived_sites(db: Database) -> list[tuple[int, str]]:
    """(id, base_url) of every site in the archive."""
    return [(row[0], row[1]) for row in db.execute("select id, base_url from sites order by id")]


def stored_pages(db: Database, site_id: int, kind: str) -> Iterator[tuple[str, bytes, str]]:
    """(url, raw bytes, content type) of the site's stored raw pages of one kind, by URL."""
    for url, body, content_type in db.execute(
        "select url, body, content_type from pages where site_id = ? and kind = ? order by url", [site_id, kind]
    ):
        yield url, zlib.decompress(body), content_type or ""


# ---------------------------------------------------------------- image text (OCR) and routine rows

__all__ += [
    "OcrTarget",
    "StoredReading",
    "image_text_id",
    "ocr_counts",
    "ocr_pending",
    "readings_to_reparse",
    "replace_routine_rows",
    "save_image_reading",
    "save_image_read_error",
]

#: Image types OCR can decode; vector images and unknown files are not read.
OCR_MIME_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/tiff")


class _Line(Protocol):
    """An OCR line (``scraper.ocr.records.OcrLine``): store does not import the OCR package."""

    @property
    def text(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def box(self) -> tuple[tuple[float, float], ...]: ...


class _Reading(Protocol):
    """An image reading (``scraper.ocr.records.ImageReading``)."""

    @property
    def lines(self) -> tuple[_Line, ...]: ...
    @property
    def text(self) -> str: ...
    @property
    def mean_confidence(self) -> float | None: ...
    @property
    def engine(self) -> str: ...
    @property
    def engine_version(self) -> str: ...


class _Row(Protocol):
    """A routine row (``scraper.ocr.records.RoutineRow``)."""

    @property
    def position(self) -> int: ...
    @property
    def exercise(self) -> str: ...
    @property
    def sets(self) -> int | None: ...
    @property
    def reps(self) -> str | None: ...
    @property
    def rest_seconds(self) -> int | None: ...
    @property
    def source_line(self) -> str: ...
    @property
    def low_confidence(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class OcrTarget:
    """An archived image file not yet read by an engine version."""

    sha256: str
    path: str  # in the image store, relative to the database's folder


@dataclass(frozen=True, slots=True)
class StoredReading:
    """A stored reading, to parse again: its id, image and lines as (text, confidence, box)."""

    id: int
    sha256: str
    engine: str
    engine_version: str
    text: str
    mean_confidence: float | None
    lines: tuple[tuple[str, float, tuple[tuple[float, float], ...]], ...]


def image_text_id(sha256: str, engine: str, engine_version: str) -> int:
    """The stable id of one engine version's reading of one image file."""
    return stable_id("image_text", sha256, engine, engine_version)


def ocr_pending(db: Database, engine: str, engine_version: str) -> list[OcrTarget]:
    """Archived image files with no reading by this engine version, one per sha256, oldest first."""
    marks = ", ".join("?" for _ in OCR_MIME_TYPES)
    sql = (
        "select i.sha256, min(i.path) from images i "
        f"where i.sha256 is not null and i.path is not null and i.mime in ({marks}) "
        "and not exists (select 1 from image_text t where t.sha256 = i.sha256 "
        "and t.engine = ? and t.engine_version = ?) "
        "group by i.sha256 order by min(i.fetched_at), i.sha256"
    )
    return [OcrTarget(sha256, path) for sha256, path in
            db.execute(sql, [*OCR_MIME_TYPES, engine, engine_version]).fetchall()]


def _routine_row(reading_id: int, sha256: str, row: _Row, parser_version: int) -> dict[str, Any]:
    return {
        "image_text_id": reading_id,
        "sha256": sha256,
        "position": row.position,
        "exercise": row.exercise,
        "sets": row.sets,
        "reps": row.reps,
        "rest_seconds": row.rest_seconds,
        "source_line": row.source_line,
        "low_confidence": int(row.low_confidence),
        "parser_version": parser_version,
    }


def _delete_reading(db: Database, reading_id: int) -> None:
    for table, column in (("routine_rows", "image_text_id"), ("image_text_lines", "image_text_id"),
                          ("image_text", "id")):
        db.execute(f"delete from {table} where {column} = ?", [reading_id])


def save_image_reading(
    db: Database, sha256: str, reading: _Reading, rows: Iterable[_Row], parser_version: int
) -> int:
    """Store one reading of an image file with its lines and routine rows (replacing any earlier
    reading by the same engine version); returns the reading's id. Call inside ``db.atomic()``
    to write several readings in one transaction."""
    reading_id = image_text_id(sha256, reading.engine, reading.engine_version)
    with db.atomic():
        _delete_reading(db, reading_id)
        db.table("image_text").insert({
            "id": reading_id,
            "sha256": sha256,
            "engine": reading.engine,
            "engine_version": reading.engine_version,
            "text": reading.text,
            "mean_confidence": reading.mean_confidence,
            "line_count": len(reading.lines),
            "error": None,
            "parser_version": parser_version,
            "created_at": now_iso(),
        })
        db.table("image_text_lines").insert_all(
            ({"image_text_id": reading_id, "position": index, "text": line.text,
              "confidence": line.confidence, "box": json.dumps([list(point) for point in line.box])}
             for index, line in enumerate(reading.lines, start=1)),
            batch_size=500,
        )
        db.table("routine_rows").insert_all(
            (_routine_row(reading_id, sha256, row, parser_version) for row in rows), batch_size=500
        )
    return reading_id


def save_image_read_error(db: Database, sha256: str, engine: str, engine_version: str, error: str) -> None:
    """Record that an image file could not be read by this engine version (not tried again by it)."""
    reading_id = image_text_id(sha256, engine, engine_version)
    with db.atomic():
        _delete_reading(db, reading_id)
        db.table("image_text").insert({
            "id": reading_id, "sha256": sha256, "engine": engine, "engine_version": engine_version,
            "text": "", "mean_confidence": None, "line_count": 0, "error": error, "parser_version": None,
            "created_at": now_iso(),
        })


def readings_to_reparse(db: Database, parser_version: int, *, everything: bool = False) -> Iterator[StoredReading]:
    """Readings whose routine rows come from another parser version (all of them with ``everything``)."""
    sql = "select id, sha256, engine, engine_version, text, mean_confidence from image_text where error is null"
    params: list[Any] = []
    if not everything:
        sql += " and (parser_version is null or parser_version != ?)"
        params.append(parser_version)
    for reading_id, sha256, engine, engine_version, text, mean in db.execute(sql + " order by id", params).fetchall():
        lines = tuple(
            (line_text, confidence, tuple((float(x), float(y)) for x, y in json.loads(box or "[]")))
            for line_text, confidence, box in db.execute(
                "select text, confidence, box from image_text_lines where image_text_id = ? order by position",
                [reading_id])
        )
        yield StoredReading(reading_id, sha256, engine, engine_version, text, mean, lines)


def replace_routine_rows(db: Database, reading_id: int, sha256: str, rows: Iterable[_Row], parser_version: int) -> None:
    """Replace the routine rows of one stored reading with a new parse."""
    with db.atomic():
        db.execute("delete from routine_rows where image_text_id = ?", [reading_id])
        db.table("routine_rows").insert_all(
            (_routine_row(reading_id, sha256, row, parser_version) for row in rows), batch_size=500
        )
        db.execute("update image_text set parser_version = ? where id = ?", [parser_version, reading_id])


def ocr_counts(db: Database) -> dict[str, int]:
    """Image files by their newest reading (with text, without text, failed) and that reading's routine rows."""
    newest = (
        "with newest as (select t.* from image_text t where t.id = (select t2.id from image_text t2 "
        "where t2.sha256 = t.sha256 order by t2.created_at desc, t2.id desc limit 1)) "
    )
    row = db.execute(
        newest + "select count(*) filter (where error is null and line_count > 0), "
        "count(*) filter (where error is null and line_count = 0), count(*) filter (where error is not null), "
        "(select count(*) from routine_rows r where r.image_text_id in (select id from newest)) from newest"
    ).fetchone()
    return {"with_text": row[0], "without_text": row[1], "failed": row[2], "routine_rows": row[3]}
