"""Register the archive's migrations with sqlite-utils, in order.

Each ``NNNN_*.sql`` file next to this module is one step, applied in its own
transaction and recorded in ``_sqlite_migrations``; files are never edited once
released. Python steps follow for what SQL alone does poorly (FTS with triggers).
Also usable as ``sqlite-utils migrate archive.db schemas/migrations.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

__all__ = ["MIGRATION_SET_NAME", "migrations", "FTS_CONFIG"]

MIGRATION_SET_NAME = "fitarchive"
SQL_DIR = Path(__file__).parent

migrations = Migrations(MIGRATION_SET_NAME)

#: Full-text search as step 0006 set it up (table -> columns); 0010_search.sql replaces
#: both indexes (stemming, categories and tags).
FTS_CONFIG: dict[str, list[str]] = {
    "posts": ["title", "body_text"],
    "comments": ["author_name", "body_text"],
}


def _sql_step(path: Path) -> Any:
    def step(db: Database) -> None:
        db.executescript(path.read_text(encoding="utf-8"))

    return step


def _fts(db: Database) -> None:
    for table, columns in FTS_CONFIG.items():
        db.table(table).enable_fts(
            columns, create_triggers=True, tokenize="unicode61 remove_diacritics 2"
        )


#: Steps written in Python, by name; their number orders them among the SQL files.
PYTHON_STEPS: dict[str, Any] = {"0006_fts": _fts}


def _all_steps() -> list[tuple[str, Any]]:
    steps = [(path.stem, _sql_step(path)) for path in SQL_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")]
    steps += list(PYTHON_STEPS.items())
    return sorted(steps)


for _name, _step in _all_steps():
    migrations(name=_name)(_step)
