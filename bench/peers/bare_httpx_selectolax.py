"""The floor: a bare httpx.AsyncClient + selectolax loop that archives the same pages.

No robots.txt, no retries, no raw capture, no sanitising: it reads the sitemaps,
fetches every post and its comment pages with 16 requests in flight, parses the
title, body and comments with parents with selectolax (lexbor), and writes
SQLite. It shows what the parsing and HTTP alone cost in Python.

Usage::

    python bench/peers/bare_httpx_selectolax.py http://127.0.0.1:8090/ --db bare.db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sqlite3
import time
from pathlib import Path

import httpx
from selectolax.lexbor import LexborHTMLParser

_PAGE_NUMBER = re.compile(r"/comment-page-(\d+)/?")
_LOC = re.compile(rb"<loc>([^<]+)</loc>")


def _post_url(url: str) -> str:
    return _PAGE_NUMBER.sub("/", url.split("#", 1)[0])


def _number(url: str) -> int | None:
    match = _PAGE_NUMBER.search(url)
    return int(match.group(1)) if match else None


def parse(html: bytes, url: str) -> tuple[dict[str, str] | None, list[tuple[str, ...]], list[str]]:
    tree = LexborHTMLParser(html)
    post = None
    title = tree.css_first("h1.entry-title")
    body = tree.css_first("div.entry-content")
    if title is not None and body is not None:
        post = {"url": _post_url(url), "title": title.text(strip=True), "body_html": body.html or "",
                "body_text": body.text(separator=" ", strip=True)}
    comments = []
    for li in tree.css("ol.comment-list li.comment"):
        parent = li.parent.parent if li.parent is not None else None
        parent_id = parent.attributes.get("id", "")[8:] if parent is not None and parent.tag == "li" else None
        author = li.css_first(".comment-author .fn")
        text = li.css_first(".comment-content")
        when = li.css_first(".comment-metadata time")
        comments.append((li.attributes.get("id", "")[8:], _post_url(url), parent_id,
                         author.text(strip=True) if author else "",
                         when.attributes.get("datetime") if when else None,
                         text.text(separator=" ", strip=True) if text else ""))
    own = {_number(a.attributes.get("href") or "") for a in tree.css(".comment-metadata a")}
    own.add(_number(url))
    links = []
    for a in tree.css("nav.comments-pagination a.page-numbers"):
        href = (a.attributes.get("href") or "").split("#", 1)[0]
        if href and _number(href) not in own:
            links.append(href)
    return post, comments, links


async def crawl(base: str, db: sqlite3.Connection, concurrency: int) -> dict[str, int]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    counts = {"pages": 0, "requests": 0}
    async with httpx.AsyncClient(limits=limits, timeout=30, follow_redirects=True) as client:
        async def get(url: str) -> bytes:
            counts["requests"] += 1
            response = await client.get(url)
            return response.content

        index = await get(base.rstrip("/") + "/wp-sitemap.xml")
        posts: list[str] = []
        for loc in _LOC.findall(index):
            posts.extend(u.decode() for u in _LOC.findall(await get(loc.decode())))
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        for url in posts:
            queue.put_nowait(url)
        seen = set(posts)
        pending = [len(posts)]

        async def worker() -> None:
            while True:
                url = await queue.get()
                if url is None:
                    return
                html = await get(url)
                counts["pages"] += 1
                post, comments, links = parse(html, url)
                if post is not None:
                    db.execute("insert or replace into posts values (:url, :title, :body_html, :body_text)", post)
                db.executemany("insert or replace into comments values (?, ?, ?, ?, ?, ?)", comments)
                for link in links:
                    if link not in seen:
                        seen.add(link)
                        pending[0] += 1
                        queue.put_nowait(link)
                pending[0] -= 1
                if pending[0] == 0:
                    for _ in range(concurrency):
                        queue.put_nowait(None)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    db.commit()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--db", required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    Path(args.db).unlink(missing_ok=True)
    db = sqlite3.connect(args.db)
    db.executescript("""
        create table posts (url text primary key, title text, body_html text, body_text text);
        create table comments (id text primary key, post_url text, parent_id text, author text,
                               published_at text, body_text text);
    """)
    started = time.perf_counter()
    counts = asyncio.run(crawl(args.url, db, args.concurrency))
    counts["elapsed_s"] = time.perf_counter() - started  # type: ignore[assignment]
    counts["posts"] = db.execute("select count(*) from posts").fetchone()[0]
    counts["comments"] = db.execute("select count(*) from comments").fetchone()[0]
    counts["replies"] = db.execute("select count(*) from comments where parent_id is not null").fetchone()[0]
    db.close()
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
