"""Routine rows read by OCR under each image of the reader view (``/post/<id>``).

Gives ``archive_post.html`` a ``routine_texts`` mapping: image position -> the newest
reading of that image file that found text (its ``text`` and confidence) with its parsed
``rows``. Archives where ``fitarchive ocr`` never ran get an empty mapping.
Imports only datasette and the standard library.
"""

from __future__ import annotations

import json
from typing import Any

from datasette import hookimpl

#: Per image placement of the post: the newest reading of its file that found text.
IMAGE_TEXT_SQL = """
select pi.position, t.id as reading_id, t.text, t.mean_confidence, t.engine
from post_images pi join images i on i.id = pi.image_id
join image_text t on t.sha256 = i.sha256
where pi.post_id = :id and t.error is null and t.line_count > 0
  and t.id = (select t2.id from image_text t2 where t2.sha256 = i.sha256
              order by t2.created_at desc, t2.id desc limit 1)
"""
ROUTINE_ROWS_SQL = """
select image_text_id, position, exercise, sets, reps, rest_seconds, low_confidence, source_line
from routine_rows where image_text_id in (select value from json_each(:ids))
order by image_text_id, position
"""


def _archive_database(datasette: Any) -> Any:
    names = [n for n in datasette.databases if n not in ("_internal", "_memory")]
    return datasette.get_database("fitness" if "fitness" in names else names[0]) if names else None


async def _routine_texts(datasette: Any, post_id: int) -> dict[int, dict[str, Any]]:
    db = _archive_database(datasette)
    if db is None or not await db.table_exists("image_text"):
        return {}
    texts = {row["position"]: dict(row) for row in await db.execute(IMAGE_TEXT_SQL, {"id": post_id})}
    if not texts:
        return {}
    ids = sorted({text["reading_id"] for text in texts.values()})
    rows: dict[int, list[dict[str, Any]]] = {}
    for row in await db.execute(ROUTINE_ROWS_SQL, {"ids": json.dumps(ids)}):
        rows.setdefault(row["image_text_id"], []).append(dict(row))
    for text in texts.values():
        text["rows"] = rows.get(text["reading_id"], [])
    return texts


@hookimpl
def extra_template_vars(template: str, request: Any, datasette: Any) -> Any:
    if template != "archive_post.html" or request is None:
        return {}
    post_id = int(request.url_vars.get("post_id") or 0)

    async def inner() -> dict[str, Any]:
        return {"routine_texts": await _routine_texts(datasette, post_id) if 0 < post_id < 2**63 else {}}

    return inner
