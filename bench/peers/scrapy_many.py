"""The Scrapy peer over many blogs at once: the single-blog spider given every blog's sitemap.

Reuses the parsing of bench/peers/scrapy_spider.py (posts, comment pagination,
comments with their parents) and runs all blogs in one ``CrawlerProcess`` with
Scrapy's own politeness: ``DOWNLOAD_DELAY`` per download slot (one slot per
host name, Scrapy's default), ``RANDOMIZE_DOWNLOAD_DELAY`` off, AutoThrottle
off, robots.txt obeyed, ``CONCURRENT_REQUESTS`` in flight overall and
``CONCURRENT_REQUESTS_PER_DOMAIN`` per host. Comments are keyed by post URL
and comment id (the generated blogs reuse comment ids). Prints one JSON line
with the counts, per host too.

Usage::

    python bench/peers/scrapy_many.py http://127.0.1.1:8080/ http://127.0.1.2:8080/ --db peer.db --delay 0.25
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.spiders import SitemapSpider

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scrapy_spider import BlogSpider, SQLitePipeline  # noqa: E402


class ManyBlogSpider(BlogSpider):
    """BlogSpider started from every blog's robots.txt."""

    name = "many-blogs"

    def __init__(self, base_urls: list[str], **kwargs: Any) -> None:
        SitemapSpider.__init__(self, **kwargs)
        self.sitemap_urls = [url.rstrip("/") + "/robots.txt" for url in base_urls]
        self.pages = 0


class ManySQLitePipeline(SQLitePipeline):
    """SQLitePipeline with comments keyed by (post URL, comment id)."""

    def open_spider(self, spider: Any) -> None:
        self.db = sqlite3.connect(self.path)
        self.db.executescript("""
            create table if not exists posts (url text primary key, title text, published_at text,
                                              body_html text, body_text text);
            create table if not exists comments (id text, post_url text, parent_id text, depth integer,
                                                 author text, published_at text, body_text text,
                                                 primary key (post_url, id));
        """)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--db", required=True)
    parser.add_argument("--delay", type=float, default=0.25, help="DOWNLOAD_DELAY per host")
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS")
    parser.add_argument("--per-host", type=int, default=2, help="CONCURRENT_REQUESTS_PER_DOMAIN")
    args = parser.parse_args()
    Path(args.db).unlink(missing_ok=True)
    process = CrawlerProcess(settings={
        "BOT_NAME": "peer",
        "USER_AGENT": "scrapy-peer (benchmark)",
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.per_host,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": args.delay,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 20,
        "CLOSESPIDER_TIMEOUT": 600,  # bounded even if a host stalls
        "LOG_LEVEL": "WARNING",
        "ITEM_PIPELINES": {ManySQLitePipeline: 300},
        "PEER_DB": args.db,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    })
    crawler = process.create_crawler(ManyBlogSpider)
    started = time.perf_counter()
    process.crawl(crawler, base_urls=args.urls)
    process.start()
    elapsed = time.perf_counter() - started
    stats = crawler.stats.get_stats()
    db = sqlite3.connect(args.db)
    per_host: dict[str, dict[str, int]] = {_host(url): {"posts": 0, "comments": 0} for url in args.urls}
    for (url,) in db.execute("select url from posts"):
        per_host.setdefault(_host(url), {"posts": 0, "comments": 0})["posts"] += 1
    for url, count in db.execute("select post_url, count(*) from comments group by post_url"):
        per_host.setdefault(_host(url), {"posts": 0, "comments": 0})["comments"] += count
    result = {
        "pages": crawler.spider.pages,
        "requests": stats.get("downloader/request_count", 0),
        "posts": db.execute("select count(*) from posts").fetchone()[0],
        "comments": db.execute("select count(*) from comments").fetchone()[0],
        "replies": db.execute("select count(*) from comments where parent_id is not null").fetchone()[0],
        "per_host": per_host,
        "elapsed_s": elapsed,
        "finish_reason": stats.get("finish_reason"),
        "scrapy": scrapy.__version__,
    }
    db.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
