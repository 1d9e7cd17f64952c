"""The reader view's way around: the previous and next post of the same blog (by
publication time) and how many versions of the post the archive holds, given to
``templates/archive_post.html`` as ``previous_post``, ``next_post`` and ``version_count``.
Imports only datasette.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

POST_SQL = "select id, site_id, published_at from posts where id = :id"
NEIGHBOURS_SQL = """
select 'previous' as side, id, title from (
  select id, title from posts
  where site_id = :site and (published_at < :at or (published_at = :at and id < :id))
  order by published_at desc, id desc limit 1)
union all
select 'next', id, title from (
  select id, title from posts
  where site_id = :site and (published_at > :at or (published_at = :at and id > :id))
  order by published_at, id limit 1)
"""
VERSIONS_SQL = "select count(*) from post_versions where post_id = :id"


def _archive_database(datasette: Any) -> Any:
    names = [n for n in datasette.databases if n not in ("_internal", "_memory")]
    return datasette.get_database("fitness" if "fitness" in names else names[0])


@hookimpl
def extra_template_vars(template: str, request: Any, datasette: Any) -> Any:
    if template != "archive_post.html" or request is None:
        return None

    async def post_nav() -> dict[str, Any]:
        post_id = int(request.url_vars["post_id"])
        db = _archive_database(datasette)
        post = (await db.execute(POST_SQL, {"id": post_id})).first()
        found: dict[str, Any] = {}
        if post is not None and post["published_at"]:
            params = {"site": post["site_id"], "at": post["published_at"], "id": post_id}
            found = {r["side"]: dict(r) for r in await db.execute(NEIGHBOURS_SQL, params)}
        versions = (await db.execute(VERSIONS_SQL, {"id": post_id})).single_value()
        return {"previous_post": found.get("previous"), "next_post": found.get("next"),
                "version_count": versions}

    return post_nav
