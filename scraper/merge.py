"""Fold shard archives into one archive: idempotent, order-independent, atomic.

Each table is merged by the rule in ``MERGE_RULES``: the natural key that
identifies a row across archives, the columns that point at other tables
(their ids are mapped through those tables' natural keys, never copied
blindly), which of two copies of a row wins (the newer capture; equal
captures are decided by the row's content, so any merge order gives the
same archive), the columns that fold (earliest ``first_seen_at``), and the
rows that come as a set with their parent (a post's images and terms, a
run's fetch log). A table without a rule is merged by its primary key; full
text indexes are not copied, their triggers rebuild them.

All shards are folded in one transaction on TARGET with the shards
attached (and only read), so a merge killed at any point leaves TARGET as
it was. Image files are copied into
TARGET's image store first, by sha256, each once. Sits beside ``store``
(it uses its opening, locking and stable ids); the SQL of merging lives here.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import sqlite3
import string
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from schemas import migrations
from scraper import store
from scraper.errors import StorageError, UsageError

__all__ = ["MERGE_RULES", "MergeReport", "TableRule", "merge_archives"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class TableRule:
    """How one table's rows are folded from a shard into the target.

    ``key``: columns naming a row across archives (after ``refs`` are mapped).
    ``refs``: (column, table) pairs whose ids are mapped through that table.
    ``id_column``: the integer id mapped by ``key`` (None: ``key`` is the primary key).
    ``new_id``: SQL giving the target id of a row the target lacks, for ids that are
    local counters; ``{column}`` stands for the row's (mapped) value. Default: keep the
    shard's id, which the archive derives from the natural key.
    ``newer``: SQL over ``{column}`` values ranking captures; the greater wins
    (the smaller with ``older_wins``). Ties, and tables without it, go to the
    row whose content hashes greater.
    ``earliest`` / ``latest``: columns folded to the earliest / latest value of both copies.
    ``owned_by``: (table, column): the rows are a set belonging to that parent row and are
    replaced as a whole when the shard's copy of the parent wins.
    """

    name: str
    key: tuple[str, ...]
    refs: tuple[tuple[str, str], ...] = ()
    id_column: str | None = "id"
    new_id: str | None = None
    newer: str | None = None
    older_wins: bool = False
    earliest: tuple[str, ...] = ()
    latest: tuple[str, ...] = ()
    owned_by: tuple[str, str] | None = None


_FETCH_ORDER = (
    "{fetched_at}, {url}, {kind}, {status}, {bytes}, {elapsed_ms}, {etag}, {last_modified}, {error}"
)

#: Every table of the contract, parents before children. A new table is one more entry.
MERGE_RULES: tuple[TableRule, ...] = (
    TableRule(
        name="sites",
        key=("base_url",),
        newer="coalesce({last_crawled_at}, '')",
        earliest=("first_crawled_at",),
    ),
    TableRule(name="authors", key=("id",), refs=(("site_id", "sites"),)),
    TableRule(name="terms", key=("site_id", "kind", "slug"), refs=(("site_id", "sites"),)),
    TableRule(
        name="posts",
        key=("url",),
        refs=(("site_id", "sites"), ("author_id", "authors")),
        newer="coalesce({last_seen_at}, '')",
        earliest=("first_seen_at",),
    ),
    TableRule(
        name="post_versions",
        key=("post_id", "content_hash"),
        refs=(("post_id", "posts"),),
        newer="coalesce({captured_at}, '')",
        older_wins=True,
    ),
    TableRule(
        name="post_terms",
        key=("post_id", "term_id"),
        id_column=None,
        refs=(("post_id", "posts"), ("term_id", "terms")),
        owned_by=("posts", "post_id"),
    ),
    TableRule(name="images", key=("url",), newer="coalesce({fetched_at}, '')"),
    TableRule(
        name="post_images",
        key=("post_id", "position"),
        id_column=None,
        refs=(("post_id", "posts"), ("image_id", "images")),
        owned_by=("posts", "post_id"),
    ),
    TableRule(
        name="comments",
        key=("post_id", "remote_id"),
        refs=(("post_id", "posts"), ("parent_id", "comments")),
        newer="max(coalesce({last_seen_at}, ''), coalesce({deleted_at}, ''))",
        earliest=("first_seen_at",),
    ),
    TableRule(
        name="crawl_runs",
        key=("seed_url", "started_at"),
        refs=(("site_id", "sites"),),
        new_id="fa_stable_id('crawl_run', {seed_url}, {started_at})",
        newer="coalesce({finished_at}, '')",
    ),
    TableRule(
        name="fetches",
        key=("id",),
        refs=(("run_id", "crawl_runs"),),
        owned_by=("crawl_runs", "run_id"),
        new_id=f"fa_stable_id('fetch', {{run_id}}, row_number() OVER (PARTITION BY {{run_id}} "
        f"ORDER BY {_FETCH_ORDER}))",
    ),
    TableRule(
        name="pages", key=("url",), refs=(("site_id", "sites"),), newer="coalesce({fetched_at}, '')"
    ),
    TableRule(
        name="crawl_state",
        key=("site_id", "key"),
        id_column=None,
        refs=(("site_id", "sites"),),
        newer="coalesce({updated_at}, '')",
    ),
)

#: Derived values recomputed for the posts a shard touched.
_LIVE_COMMENTS = (
    "(SELECT count(*) FROM main.comments c WHERE c.post_id = posts.id AND c.deleted_at IS NULL)"
)
_RECOUNT_COMMENTS = (
    f"UPDATE main.posts SET comment_count = {_LIVE_COMMENTS} "
    f"WHERE id IN (SELECT dst FROM temp.map_posts) AND comment_count IS NOT {_LIVE_COMMENTS}"
)

#: Tables never merged: bookkeeping of the schema itself.
_SKIP = {"_sqlite_migrations"}

#: At most this many shards are attached at once (SQLite's limit is 10).
MAX_ATTACHED = 9


@dataclass(slots=True)
class MergeReport:
    """What a merge did: rows written per table, image files copied, time taken."""

    target: Path
    shards: int = 0
    rows_read: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    images_copied: int = 0
    images_missing: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for people and logs."""
        written = sum(self.rows_written.values())
        rate = self.rows_read / self.seconds if self.seconds else 0.0
        line = (
            f"{self.target}: merged {self.shards} shard(s), {self.rows_read} rows read, "
            f"{written} written, {self.images_copied} image file(s) copied "
            f"in {self.seconds:.1f} s ({rate:,.0f} rows/s)"
        )
        if self.images_missing:
            line += f"; {self.images_missing} image file(s) missing in the shards"
        return line


# ---------------------------------------------------------------- SQL helpers


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _digest(*values: Any) -> str:
    """A content hash of a row, for deterministic tie-breaks."""
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def _stable_id(*parts: Any) -> int:
    return store.stable_id(*("" if part is None else str(part) for part in parts))


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    """Stored (not generated, not hidden) columns of a table."""
    rows = conn.execute(f"PRAGMA {_q(schema)}.table_xinfo({_q(table)})").fetchall()
    return [row[1] for row in rows if row[6] == 0]


def _primary_key(conn: sqlite3.Connection, schema: str, table: str) -> tuple[str, ...]:
    rows = conn.execute(f"PRAGMA {_q(schema)}.table_xinfo({_q(table)})").fetchall()
    return tuple(row[1] for row in sorted(rows, key=lambda r: r[5]) if row[5] > 0)


def _merged_tables(conn: sqlite3.Connection, schema: str) -> list[str]:
    """Ordinary tables of ``schema`` that a merge folds (not FTS indexes or their shadow tables)."""
    rows = conn.execute(
        f"SELECT name, sql FROM {_q(schema)}.sqlite_master WHERE type = 'table'"
    ).fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    return [
        name
        for name, _sql in rows
        if not name.startswith("sqlite_")
        and name not in _SKIP
        and name not in virtual
        and not any(name.startswith(f"{v}_") for v in virtual)
    ]


def rules_for(conn: sqlite3.Connection, schema: str = "main") -> list[TableRule]:
    """The rules for every merged table of the archive: ``MERGE_RULES`` first, then the rest by primary key.

    :raises StorageError: a table without a rule has no primary key to merge by.
    """
    tables = _merged_tables(conn, schema)
    rules = [rule for rule in MERGE_RULES if rule.name in tables]
    for name in tables:
        if any(rule.name == name for rule in MERGE_RULES):
            continue
        key = _primary_key(conn, schema, name)
        if not key:
            raise StorageError(
                f"merge: table {name} has no primary key and no merge rule in scraper/merge.py"
            )
        rules.append(TableRule(name=name, key=key, id_column=None))
    return rules


class _Plan:
    """The SQL that folds one attached shard's table into main."""

    def __init__(
        self, conn: sqlite3.Connection, rule: TableRule, shard: str, mapped: set[str]
    ) -> None:
        self.rule = rule
        self.shard = shard
        target_columns = _columns(conn, "main", rule.name)
        shard_columns = set(_columns(conn, shard, rule.name))
        self.columns = [c for c in target_columns if c in shard_columns]
        self.has_map = rule.id_column is not None and (
            rule.key != (rule.id_column,) or rule.new_id is not None
        )
        joins = []
        self.expr: dict[str, str] = {c: f"s.{_q(c)}" for c in self.columns}
        for column, parent in rule.refs:
            if column in self.expr and (parent in mapped or (parent == rule.name and self.has_map)):
                alias = _q(f"m_{column}")
                joins.append(
                    f"LEFT JOIN temp.{_q('map_' + parent)} AS {alias} ON {alias}.src = s.{_q(column)}"
                )
                self.expr[column] = f"coalesce({alias}.dst, s.{_q(column)})"
        self.source = f"FROM {_q(shard)}.{_q(rule.name)} AS s " + " ".join(joins)
        if self.has_map:
            assert rule.id_column is not None
            self.self_join = (
                f"JOIN temp.{_q('map_' + rule.name)} AS m_self "
                f"ON m_self.src = s.{_q(rule.id_column)}"
            )
            self.mapped_expr = dict(self.expr, **{rule.id_column: "m_self.dst"})
        else:
            self.self_join = ""
            self.mapped_expr = self.expr

    def _fill(self, template: str, values: dict[str, str]) -> str:
        return template.format(**{c: values.get(c, "NULL") for c in self._placeholders(template)})

    @staticmethod
    def _placeholders(template: str) -> list[str]:
        return [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]

    def map_sql(self, lookup: str) -> str:
        """Fill temp.map_<table> (shard id -> target id) by the natural key, looked up in ``lookup``."""
        rule = self.rule
        assert rule.id_column is not None
        fallback = self._fill(rule.new_id, self.expr) if rule.new_id else f"s.{_q(rule.id_column)}"
        if rule.key == (rule.id_column,):
            target = fallback
        else:
            match = " AND ".join(f"t.{_q(k)} IS {self.expr[k]}" for k in rule.key)
            target = f"coalesce((SELECT t.{_q(rule.id_column)} FROM {lookup} AS t WHERE {match}), {fallback})"
        return (
            f"INSERT OR REPLACE INTO temp.{_q('map_' + rule.name)} (src, dst) "
            f"SELECT s.{_q(rule.id_column)}, {target} {self.source}"
        )

    def wins(self, new: dict[str, str], old: dict[str, str]) -> str:
        """SQL true when the ``new`` copy of a row beats the ``old`` one."""
        rule = self.rule
        folded = set(rule.earliest) | set(rule.latest)
        content = [c for c in self.columns if c not in folded]
        differs = " OR ".join(f"{new[c]} IS NOT {old[c]}" for c in content) or "0"
        by_content = (
            f"(({differs}) AND fa_digest({', '.join(new[c] for c in content)}) > "
            f"fa_digest({', '.join(old[c] for c in content)}))"
        )
        if rule.newer is None:
            return by_content
        rank_new, rank_old = self._fill(rule.newer, new), self._fill(rule.newer, old)
        beats = "<" if rule.older_wins else ">"
        return (
            f"(({rank_new}) {beats} ({rank_old}) OR (({rank_new}) = ({rank_old}) AND {by_content}))"
        )

    def conflict_columns(self) -> tuple[str, ...]:
        return (self.rule.id_column,) if self.rule.id_column else self.rule.key

    def won_sql(self) -> str:
        """Fill temp.won_<table> with the target ids of rows where the shard's copy wins (or is new)."""
        rule = self.rule
        assert rule.id_column is not None
        old = {c: f"o.{_q(c)}" for c in self.columns}
        on = " AND ".join(f"o.{_q(c)} = {self.mapped_expr[c]}" for c in self.conflict_columns())
        return (
            f"INSERT OR IGNORE INTO temp.{_q('won_' + rule.name)} (id) "
            f"SELECT {self.mapped_expr[rule.id_column]} {self.source} {self.self_join} "
            f"LEFT JOIN main.{_q(rule.name)} AS o ON {on} "
            f"WHERE o.{_q(rule.id_column)} IS NULL OR {self.wins(self.mapped_expr, old)}"
        )

    def upsert_sql(self) -> str:
        """Insert the shard's rows; a row already there takes the shard's values only where they win."""
        rule = self.rule
        table = _q(rule.name)
        names = ", ".join(_q(c) for c in self.columns)
        values = ", ".join(self.mapped_expr[c] for c in self.columns)
        where = "1"
        if rule.owned_by is not None:
            parent, column = rule.owned_by
            where = f"{self.mapped_expr[column]} IN (SELECT id FROM temp.{_q('won_' + parent)})"
        conflict = self.conflict_columns()
        excluded = {c: f"excluded.{_q(c)}" for c in self.columns}
        current = {c: f"{table}.{_q(c)}" for c in self.columns}
        wins = self.wins(excluded, current)
        sets = []
        improves = []
        for c in self.columns:
            if c in conflict:
                continue
            if c in rule.earliest or c in rule.latest:
                pick = "min" if c in rule.earliest else "max"
                sets.append(
                    f"{_q(c)} = coalesce({pick}({excluded[c]}, {current[c]}), {excluded[c]}, {current[c]})"
                )
                improves.append(
                    f"coalesce({pick}({excluded[c]}, {current[c]}), {excluded[c]}, {current[c]}) "
                    f"IS NOT {current[c]}"
                )
            else:
                sets.append(f"{_q(c)} = CASE WHEN {wins} THEN {excluded[c]} ELSE {current[c]} END")
        action = "DO NOTHING"
        if sets:
            action = f"DO UPDATE SET {', '.join(sets)} WHERE {' OR '.join([wins, *improves])}"
        return (
            f"INSERT INTO main.{table} ({names}) SELECT {values} {self.source} {self.self_join} "
            f"WHERE {where} ON CONFLICT ({', '.join(_q(c) for c in conflict)}) {action}"
        )

    def delete_owned_sql(self) -> str:
        assert self.rule.owned_by is not None
        parent, column = self.rule.owned_by
        return (
            f"DELETE FROM main.{_q(self.rule.name)} WHERE {_q(column)} IN "
            f"(SELECT id FROM temp.{_q('won_' + parent)})"
        )


# ---------------------------------------------------------------- image files


def _copy_file(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` through a temporary name, so no partial file has the final name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)


def _copy_images(
    conn: sqlite3.Connection, shard: str, shard_root: Path, target_root: Path, report: MergeReport
) -> None:
    """Copy the shard's image files into the target's store, each sha256 once.

    Only files at the place the store gives their sha256 are copied, so a shard
    cannot make the merge write outside the image store.
    """
    rows = conn.execute(
        f"SELECT DISTINCT sha256, mime, path FROM {_q(shard)}.images "
        "WHERE sha256 IS NOT NULL AND path IS NOT NULL"
    ).fetchall()
    for sha256, mime, relative in rows:
        if relative != store.image_path_for(sha256, mime) or not re.fullmatch(r"[0-9a-f]{64}", sha256):
            report.images_missing += 1
            log.warning("%s: image path %r is not in the image store; not copied", shard, relative)
            continue
        target = target_root / relative
        if target.exists():
            continue
        source = shard_root / relative
        if not source.is_file():
            report.images_missing += 1
            log.warning("%s: image file missing in the shard's store", source)
            continue
        try:
            _copy_file(source, target)
        except OSError as exc:
            raise StorageError(f"{target}: cannot copy image ({exc.strerror})") from None
        report.images_copied += 1


# ---------------------------------------------------------------- merging


def _check_shard(path: Path) -> None:
    """Refuse a shard that is not an archive or is newer than the code; migrate an older one.

    :raises StorageError: unreadable or empty. :raises SchemaError: newer or not an archive.
    """
    db = store.open_db(path, readonly=True)
    try:
        applied = store.applied_migrations(db)
    finally:
        db.close()
    if not applied:
        raise StorageError(f"{path}: empty file, not a shard archive")
    if set(_known_migrations()) - set(applied):
        log.info("%s: migrating the shard to the current schema", path)
        store.open_db(path).close()


def _key_indexed(conn: sqlite3.Connection, table: str, key: tuple[str, ...]) -> bool:
    """Whether an index of main.<table> starts with the columns of ``key`` (lookups by it are fast)."""
    for row in conn.execute(f"PRAGMA main.index_list({_q(table)})").fetchall():
        columns = [
            info[2] for info in conn.execute(f"PRAGMA main.index_info({_q(row[1])})").fetchall()
        ]
        if set(columns[: len(key)]) == set(key):
            return True
    return False


def _lookup_table(conn: sqlite3.Connection, rule: TableRule) -> str:
    """Where to look a natural key up: main.<table>, or an indexed temp copy of its keys when no index serves."""
    if rule.key == (rule.id_column,) or _key_indexed(conn, rule.name, rule.key):
        return f"main.{_q(rule.name)}"
    name = _q("keys_" + rule.name)
    columns = ", ".join(_q(c) for c in (*rule.key, rule.id_column or "rowid"))
    conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    conn.execute(f"CREATE TEMP TABLE {name} AS SELECT {columns} FROM main.{_q(rule.name)}")
    conn.execute(
        f"CREATE INDEX temp.{_q('keys_' + rule.name + '_idx')} ON {name} "
        f"({', '.join(_q(c) for c in rule.key)})"
    )
    return f"temp.{name}"


def _known_migrations() -> list[str]:
    return [migration.name for migration in migrations._migrations]


def _fold_shard(conn: sqlite3.Connection, alias: str, report: MergeReport) -> None:
    """Fold one attached shard into main (inside the caller's transaction)."""
    rules = rules_for(conn, "main")
    mapped: set[str] = set()
    shard_tables = set(_merged_tables(conn, alias))
    owners = {rule.owned_by[0] for rule in rules if rule.owned_by}
    for rule in rules:
        if rule.name not in shard_tables:
            continue
        started = time.monotonic()
        plan = _Plan(conn, rule, alias, mapped)
        report.rows_read += conn.execute(
            f"SELECT count(*) FROM {_q(alias)}.{_q(rule.name)}"
        ).fetchone()[0]
        if plan.has_map:
            conn.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_q('map_' + rule.name)} "
                "(src INTEGER PRIMARY KEY, dst INTEGER)"
            )
            conn.execute(f"DELETE FROM temp.{_q('map_' + rule.name)}")
            conn.execute(plan.map_sql(_lookup_table(conn, rule)))
            mapped.add(rule.name)
            log.debug("%s %s: ids mapped, %.2f s", alias, rule.name, time.monotonic() - started)
        if rule.name in owners:
            conn.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_q('won_' + rule.name)} (id INTEGER PRIMARY KEY)"
            )
            conn.execute(f"DELETE FROM temp.{_q('won_' + rule.name)}")
            conn.execute(plan.won_sql())
        written = 0
        if rule.owned_by is not None:
            written += conn.execute(plan.delete_owned_sql()).rowcount
        written += conn.execute(plan.upsert_sql()).rowcount
        report.rows_written[rule.name] = report.rows_written.get(rule.name, 0) + written
        log.debug(
            "%s %s: %d rows written, %.2f s", alias, rule.name, written, time.monotonic() - started
        )
    if "posts" in mapped and "comments" in shard_tables:
        conn.execute(_RECOUNT_COMMENTS)


def _register_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("fa_digest", -1, _digest, deterministic=True)
    conn.create_function("fa_stable_id", -1, _stable_id, deterministic=True)


def _fold_group(target: Path, shards: Sequence[Path], report: MergeReport) -> None:
    """Fold up to ``MAX_ATTACHED`` shards into ``target`` in one transaction."""
    db = store.open_db(target)
    conn = db.conn
    try:
        _register_functions(conn)
        conn.execute("PRAGMA temp_store = MEMORY")
        # KiB, allocated only as pages are used: the indexes and full-text segments of a big merge stay
        # in memory (measured: a third faster at 1M comments than with 256 MiB).
        conn.execute("PRAGMA cache_size = -1048576")
        aliases = []
        for index, shard in enumerate(shards):
            alias = f"shard{index}"
            conn.execute(f"ATTACH DATABASE ? AS {alias}", [str(shard)])
            aliases.append(alias)
        for alias, shard in zip(aliases, shards):
            _copy_images(conn, alias, shard.parent, target.parent, report)
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for alias in aliases:
                _fold_shard(conn, alias, report)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        raise store.storage_error(target, exc) from None
    except sqlite3.IntegrityError as exc:
        raise StorageError(
            f"{target}: merge refused, the shards disagree with the archive ({exc}); "
            "nothing was changed"
        ) from None
    finally:
        db.close()


@contextmanager
def _locked(paths: Sequence[Path]) -> Iterator[None]:
    with ExitStack() as stack:
        for path in paths:
            stack.enter_context(store.ArchiveLock(path))
        yield


def merge_archives(
    target: Path | str,
    shards: Sequence[Path | str],
    *,
    on_progress: Callable[[str], None] | None = None,
) -> MergeReport:
    """Fold ``shards`` into ``target`` (created when missing) and report what was done.

    Holds the archive lock of the target and of every shard. Up to
    ``MAX_ATTACHED`` shards are folded in one transaction; more are first
    folded in groups into staging archives next to the target (whose image
    store they share), then those in one transaction, so TARGET changes at
    once or not at all.

    :raises StorageError: a shard is missing, locked, unreadable or newer; the target cannot be written.
    """
    started = time.monotonic()
    target = Path(target)
    paths = sorted(dict.fromkeys(Path(shard) for shard in shards), key=str)
    if not paths:
        raise UsageError("merge: give at least one shard archive")
    report = MergeReport(target=target, shards=len(paths))
    if str(target.parent) and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    for path in paths:
        if path.is_dir():
            raise StorageError(f"{path}: is a directory, not a shard archive")
        if not path.is_file():
            raise StorageError(f"{path}: no such shard archive")
        if target.exists() and path.resolve() == target.resolve():
            raise UsageError(f"{path}: a shard cannot be the merge target itself")
    with _locked([target, *paths]):
        for path in paths:
            _check_shard(path)
        if len(paths) <= MAX_ATTACHED:
            _fold_group(target, paths, report)
        else:
            stages: list[Path] = []
            staged = MergeReport(target=target)
            try:
                for start in range(0, len(paths), MAX_ATTACHED):
                    stage = target.with_name(f".{target.name}.stage{len(stages)}.db")
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{stage}{suffix}").unlink(missing_ok=True)
                    stages.append(stage)
                    _fold_group(stage, paths[start : start + MAX_ATTACHED], staged)
                    if on_progress:
                        on_progress(
                            f"staged shards {start + 1}-{min(start + MAX_ATTACHED, len(paths))}"
                        )
                _fold_group(target, stages, report)
                report.rows_read = staged.rows_read  # the shards' rows, not the stages'
                report.images_copied += staged.images_copied
                report.images_missing += staged.images_missing
            finally:
                for stage in stages:
                    for suffix in ("", "-wal", "-shm", ".lock"):
                        Path(f"{stage}{suffix}").unlink(missing_ok=True)
    report.seconds = time.monotonic() - started
    return report


def database_summary(path: Path) -> dict[str, int]:
    """Row counts per merged table (for reports)."""
    db = Database(path)
    try:
        return {name: db.table(name).count for name in _merged_tables(db.conn, "main")}
    finally:
        db.close()
