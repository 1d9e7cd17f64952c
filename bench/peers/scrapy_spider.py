"""The Scrapy peer: a minimal SitemapSpider that archives a WordPress blog into SQLite.

What a user would write instead of fitarchive: read robots.txt and the sitemaps,
fetch every post, follow the comment pagination (``/comment-page-N/``), parse
the title, body and comments with their parents with parsel (lxml), and write
SQLite. Concurrency 16, no delay, AutoThrottle off, robots.txt obeyed. It does
not download images.

Usage::

    python bench/peers/scrapy_spider.py http://127.0.0.1:8090/ --db peer.db --stats stats.json
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.spiders import SitemapSpider

_PAGE_NUMBER = re.compile(r"/comment-page-(\d+)/?")


def _text(selector: Any) -> str:
    return " ".join(" ".join(selector.xpath(".//text()").getall()).split())


def _page_number(url: str) -> int | None:
    match = _PAGE_NUMBER.search(url)
    return int(match.group(1)) if match else None


def _post_url(url: str) -> str:
    url = url.split("#", 1)[0].split("?", 1)[0]
    return _PAGE_NUMBER.sub("/", url)


class BlogSpider(SitemapSpider):
    name = "blog"

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sitemap_urls = [base_url.rstrip("/") + "/robots.txt"]
        self.pages = 0

    def parse(self, response: scrapy.http.Response) -> Any:
        """A post page (with the newest comment page when comments are paginated)."""
        self.pages += 1
        article = response.css("article.post")
        if not article:
            return
        post_url = _post_url(response.url)
        body = article.css("div.entry-content")
        yield {
            "kind": "post",
            "url": post_url,
            "title": _text(article.css("h1.entry-title")),
            "published_at": article.css("time.entry-date::attr(datetime)").get(),
            "body_html": body.get() or "",
            "body_text": _text(body),
        }
        yield from self._comments(response, post_url)

    def parse_comment_page(self, response: scrapy.http.Response, post_url: str) -> Any:
        self.pages += 1
        yield from self._comments(response, post_url)

    def _comments(self, response: scrapy.http.Response, post_url: str) -> Any:
        for li in response.css("ol.comment-list li[id^='comment-']"):
            remote_id = li.attrib["id"][len("comment-"):]
            parent = li.xpath("ancestor::li[starts-with(@id, 'comment-')][1]/@id").get()
            yield {
                "kind": "comment",
                "id": remote_id,
                "post_url": post_url,
                "parent_id": parent[len("comment-"):] if parent else None,
                "depth": len(li.xpath("ancestor::li[starts-with(@id, 'comment-')]")) + 1,
                "author": _text(li.css(":scope > article .comment-author .fn")),
                "published_at": li.css(":scope > article .comment-metadata time::attr(datetime)").get(),
                "body_text": _text(li.css(":scope > article .comment-content")),
            }
        # the page's own comments link to its own number (the bare URL shows the newest page)
        own = {_page_number(href) for href in response.css(".comment-metadata a::attr(href)").getall()}
        own.add(_page_number(response.url))
        for href in response.css("nav.comments-pagination a.page-numbers::attr(href)").getall():
            url = response.urljoin(href).split("#", 1)[0]
            if _page_number(url) not in own and _post_url(url) == post_url:
                yield scrapy.Request(url, callback=self.parse_comment_page, cb_kwargs={"post_url": post_url})


class SQLitePipeline:
    """Write posts and comments to SQLite, committing in batches."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.pending = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> SQLitePipeline:
        return cls(crawler.settings.get("PEER_DB"))

    def open_spider(self, spider: Any) -> None:
        self.db = sqlite3.connect(self.path)
        self.db.executescript("""
            create table if not exists posts (url text primary key, title text, published_at text,
                                              body_html text, body_text text);
            create table if not exists comments (id text primary key, post_url text, parent_id text,
                                                 depth integer, author text, published_at text, body_text text);
        """)

    def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        if item["kind"] == "post":
            self.db.execute("insert or replace into posts values (?, ?, ?, ?, ?)",
                            (item["url"], item["title"], item["published_at"], item["body_html"], item["body_text"]))
        else:
            self.db.execute("insert or replace into comments values (?, ?, ?, ?, ?, ?, ?)",
                            (item["id"], item["post_url"], item["parent_id"], item["depth"], item["author"],
                             item["published_at"], item["body_text"]))
        self.pending += 1
        if self.pending >= 500:
            self.db.commit()
            self.pending = 0
        return item

    def close_spider(self, spider: Any) -> None:
        self.db.commit()
        self.db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--db", required=True)
    parser.add_argument("--stats", help="write counts and timing here as JSON")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    Path(args.db).unlink(missing_ok=True)
    process = CrawlerProcess(settings={
        "BOT_NAME": "peer",
        "USER_AGENT": "scrapy-peer (benchmark)",
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "ITEM_PIPELINES": {SQLitePipeline: 300},
        "PEER_DB": args.db,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    })
    crawler = process.create_crawler(BlogSpider)
    started = time.perf_counter()
    process.crawl(crawler, base_url=args.url)
    process.start()
    elapsed = time.perf_counter() - started
    stats = crawler.stats.get_stats()
    db = sqlite3.connect(args.db)
    result = {
        "pages": crawler.spider.pages,
        "requests": stats.get("downloader/request_count", 0),
        "bytes": stats.get("downloader/response_bytes", 0),
        "posts": db.execute("select count(*) from posts").fetchone()[0],
        "comments": db.execute("select count(*) from comments").fetchone()[0],
        "replies": db.execute("select count(*) from comments where parent_id is not null").fetchone()[0],
        "elapsed_s": elapsed,
        "scrapy": scrapy.__version__,
    }
    db.close()
    if args.stats:
        Path(args.stats).write_text(json.dumps(result))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
