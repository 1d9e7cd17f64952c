"""Apply the archive's metadata (descriptions, sorts, facets, search, hidden tables,
queries) to an archive file with any name, not only ``fitness.db``.

``metadata.yml`` describes the database ``fitness``; ``fitarchive serve --db
shard-3.db`` serves a database named ``shard-3``, which gets the same block here. Only
acts when Datasette runs with this plugins directory, i.e. the archive configuration.
Imports only datasette, PyYAML and the standard library.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from datasette import hookimpl

ARCHIVE_DIR = Path(__file__).resolve().parent.parent
NAME = "fitness"


@functools.lru_cache(maxsize=1)
def _archive_block() -> dict[str, Any]:
    metadata = yaml.safe_load((ARCHIVE_DIR / "metadata.yml").read_text(encoding="utf-8"))
    return dict(metadata["databases"][NAME])


@hookimpl
def get_metadata(datasette: Any, key: Any, database: Any, table: Any) -> dict[str, Any]:
    plugins_dir = getattr(datasette, "plugins_dir", None)
    if not plugins_dir or Path(plugins_dir).resolve() != Path(__file__).resolve().parent:
        return {}
    others = [n for n in datasette.databases if n not in (NAME, "_internal", "_memory")]
    if not others:
        return {}
    return {"databases": {name: _archive_block() for name in others}}
