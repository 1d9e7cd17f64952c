"""Table search with the archive's search language (``?_search=``, read as ``?_q=``).

The query goes through ``search_match``/``search_notes`` (``search_language.py``) and
matches the table's ``fts_table`` from metadata, so ``/fitness/posts?_search=deadlift
OR plank`` finds what ``/search`` finds. A query with nothing to search for shows no
rows and says why, instead of an error page. A query with few matches looks each up; one
with more than :data:`DENSE`, in the table's default (indexed) order, walks the table in
page order and asks the index about each row, so the first page of a common word comes as
fast as a rare one's. Imports only datasette and the standard
library.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments

TABLE_SEARCH_ARG = "_q"
#: more matches than this make a search "dense" (same value in table_search_arg.py)
DENSE = 20_000
#: more matches than this are counted from the index (same value in table_search_arg.py)
COUNT_FROM_INDEX = 5_000
PARSE_SQL = "select search_match(:q), search_notes(:q)"
COUNT_SQL = 'select count(*) from (select 1 from "{fts}" where "{fts}" match :q limit :cap)'


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
        pk, quoted = metadata.get("fts_pk", "rowid"), fts_table.replace('"', '""')
        count_sql = COUNT_SQL.format(fts=quoted)
        count = (await db.execute(count_sql, {"q": fts, "cap": DENSE + 1})).single_value()
        description = f"search matches “{typed}”"
        if count > COUNT_FROM_INDEX:  # Datasette does not count these (_nocount): say how many
            count = (await db.execute(count_sql, {"q": fts, "cap": -1})).single_value()
            description += f" ({count:,} matches)"
        default_order = not (request.args.get("_sort") or request.args.get("_sort_desc"))
        if count > DENSE and default_order:  # walk the table in page order, probe the index
            clause = (f'exists (select 1 from "{quoted}" where "{quoted}" match '
                      f':archive_search and rowid = "{pk}")')
        else:  # look each match up
            clause = f'"{pk}" in (select rowid from "{quoted}" where "{quoted}" match :archive_search)'
        description += f" ({notes})" if notes else ""
        return FilterArguments([clause], {"archive_search": fts}, [description], context)

    return inner
