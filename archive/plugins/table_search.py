"""Table search with the archive's search language (``?_search=``, read as ``?_q=``).

The query goes through ``search_match``/``search_notes`` (``search_language.py``) and
matches the table's ``fts_table`` from metadata, so ``/fitness/posts?_search=deadlift
OR plank`` finds what ``/search`` finds. A query with nothing to search for shows no
rows and says why, instead of an error page. Imports only datasette and the standard
library.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments

TABLE_SEARCH_ARG = "_q"
PARSE_SQL = "select search_match(:q), search_notes(:q)"


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    typed = request.args.get(TABLE_SEARCH_ARG)
    if typed is None:
        return None

    async def inner() -> FilterArguments:
        db = datasette.get_database(database)
        metadata = datasette.table_metadata(database, table)
        fts_table = metadata.get("fts_table") or await db.fts_table(table)
        context = {"search": typed}
        if not fts_table or not typed.strip():
            return FilterArguments([], extra_context=context)
        fts, notes = (await db.execute(PARSE_SQL, {"q": typed})).first()
        notes = " ".join(notes.splitlines())
        if not fts:
            return FilterArguments(["0"], {}, [f"search “{typed}”: {notes}"], context)
        pk = metadata.get("fts_pk", "rowid")
        clause = (
            f'"{pk}" in (select rowid from "{fts_table}" '
            f'where "{fts_table}" match :archive_search)'
        )
        description = f"search matches “{typed}”" + (f" ({notes})" if notes else "")
        return FilterArguments([clause], {"archive_search": fts}, [description], context)

    return inner
