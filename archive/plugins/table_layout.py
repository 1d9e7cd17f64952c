"""Table pages that read well: each table's ``table_layout`` block in metadata.yml puts
the columns a reader wants first, the ids last, hides long markup (unless asked for
with ``?_col=``), and adds computed columns (a post's thumbnail and image count). Only
the HTML table changes: JSON and CSV keep every column in storage order.

``templates/_table.html`` calls :func:`table_layout` (given to templates on table
pages); every page also gets ``archive_database``, the served archive's name, for links.
Imports only datasette, markupsafe and the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup

THUMBNAILS_SQL = """
select pi.post_id, count(*) as image_count,
  (select i.path from post_images p2 join images i on i.id = p2.image_id
   where p2.post_id = pi.post_id and i.path is not null
   order by p2.is_featured desc, p2.position limit 1) as thumbnail
from post_images pi
where pi.post_id in (select value from json_each(:ids))
group by pi.post_id
"""


class Layout:
    """The columns and rows the table template shows. (A plain class: Datasette loads
    plugins without registering them as modules, which dataclasses need.)"""

    __slots__ = ("columns", "rows")

    def __init__(self, columns: list[dict[str, Any]], rows: list[list[dict[str, Any]]]):
        self.columns = columns
        self.rows = rows


def _column(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "sortable": False, "is_pk": False, "type": "",
            "notnull": 0, "description": description}


def _thumbnail(datasette: Any, path: str | None) -> Markup:
    if not path or not path.startswith("images/") or ".." in path.split("/"):
        return Markup("&nbsp;")
    src = datasette.urls.path("/" + quote(path))
    return Markup('<a href="{0}"><img class="thumb" src="{0}" alt="" loading="lazy"></a>').format(
        src
    )


async def _post_images(datasette: Any, database: str,
                       rows: list[list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Image count and thumbnail path of each post in ``rows``, by post id (as text)."""
    ids = []
    for row in rows:
        for cell in row:
            if cell["column"] == "id":
                ids.append(int(cell["raw"]))
    if not ids:
        return {}
    db = datasette.get_database(database)
    result = await db.execute(THUMBNAILS_SQL, {"ids": json.dumps(ids)})
    return {str(r["post_id"]): dict(r) for r in result.rows}


async def _add_post_images(datasette: Any, database: str, layout: Layout,
                           names: Iterable[str]) -> None:
    found = await _post_images(datasette, database, layout.rows)
    wanted = list(names)
    descriptions = {"thumbnail": "The post's featured (or first) image from the image store.",
                    "image_count": "Number of images placed in the post (archived or not)."}
    layout.columns += [_column(n, descriptions[n]) for n in wanted]
    for row in layout.rows:
        post_id = next((str(c["raw"]) for c in row if c["column"] == "id"), "")
        info = found.get(post_id, {})
        for name in wanted:
            if name == "thumbnail":
                value: Any = _thumbnail(datasette, info.get("thumbnail"))
                raw = info.get("thumbnail")
            else:
                raw = int(info.get("image_count") or 0)
                value = str(raw)
            row.append({"column": name, "value": value, "raw": raw,
                        "value_type": "none" if raw is None else type(raw).__name__})


COMPUTED: dict[str, Callable[[Any, str, Layout, Iterable[str]], Awaitable[None]]] = {
    "thumbnail": _add_post_images,
    "image_count": _add_post_images,
}


def arrange(layout: Layout, first: list[str], last: list[str], hidden: list[str]) -> Layout:
    """Order columns ``first`` ..., the others in their order, ... ``last``; drop
    ``hidden``. Names not in the table are ignored."""
    names = [c["name"] for c in layout.columns]
    middle = [n for n in names if n not in first and n not in last]
    order = [n for n in first if n in names] + middle + [n for n in last if n in names]
    order = [n for n in order if n not in hidden]
    by_name = {c["name"]: c for c in layout.columns}
    rows = []
    for row in layout.rows:
        cells = {c["column"]: c for c in row}
        rows.append([cells[n] for n in order if n in cells])
    return Layout(columns=[by_name[n] for n in order], rows=rows)


def _archive_database(datasette: Any) -> str | None:
    names = [n for n in datasette.databases if n not in ("_internal", "_memory")]
    if not names:
        return None
    return "fitness" if "fitness" in names else names[0]


@hookimpl
def extra_template_vars(template: str, database: str | None, table: str | None,
                        view_name: str, request: Any, datasette: Any) -> dict[str, Any]:
    variables: dict[str, Any] = {"archive_database": _archive_database(datasette)}
    if view_name != "table" or not database or not table:
        return variables

    async def table_layout(metadata: dict[str, Any], columns: list[dict[str, Any]],
                           rows: Iterable[Iterable[dict[str, Any]]]) -> Layout:
        layout = Layout(columns=list(columns), rows=[list(row) for row in rows])
        config = (metadata or {}).get("table_layout") or {}
        if not config:
            return layout
        computed = [n for n in config.get("computed", []) if n in COMPUTED]
        done: set[Any] = set()
        for name in computed:
            adder = COMPUTED[name]
            if adder not in done:
                await adder(datasette, database, layout,
                            [n for n in computed if COMPUTED[n] is adder])
                done.add(adder)
        asked = set(request.args.getlist("_col")) if request is not None else set()
        hidden = [n for n in config.get("hidden", []) if n not in asked]
        return arrange(layout, list(config.get("first", [])), list(config.get("last", [])),
                       hidden)

    variables["table_layout"] = table_layout
    return variables
