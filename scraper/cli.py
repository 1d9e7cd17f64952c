"""The ``fitarchive`` command line: thin click commands over pipeline, store and publish.

Errors from the library arrive as ``ScraperError`` and leave as one line on
stderr with exit code 1 (2 for bad usage); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import logging
import signal
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Literal, TypeVar

import click

from scraper import pipeline, publish, store
from scraper.config import Settings, SiteConfig, load_config
from scraper.errors import ConfigError, ScraperError, StorageError, UsageError
from scraper.progress import RunView, summary_json, summary_line
from scraper.urls import normalize_seed

__all__ = ["cli"]

DEFAULT_DB = Path("archive/fitness.db")
F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    """The shared ``--db PATH`` option."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path),
        default=DEFAULT_DB,
        show_default=True,
        help="Archive database file (images are stored in images/ next to it).",
    )(func)


def _fail(exc: BaseException, debug: bool) -> None:
    if debug:
        raise exc
    code = getattr(exc, "exit_code", 1)
    click.echo(f"Error: {exc}", err=True)
    sys.exit(code)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING
    if quiet:
        level = logging.ERROR
    elif verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    try:
        from rich.console import Console
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(console=Console(stderr=True), show_path=False, rich_tracebacks=False)
    except ImportError:  # pragma: no cover - rich is a dependency
        handler = logging.StreamHandler()
    logging.basicConfig(level=level, handlers=[handler], format="%(message)s", force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fitarchive")
def cli() -> None:
    """Archive fitness blogs into SQLite and publish them with Datasette.

    \b
    Quick start:
      fitarchive crawl https://example-fitness.blog/
      fitarchive serve
    """


@cli.command()
@click.argument("url", required=False)
@db_option
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML file listing sites to crawl.")
@click.option("--delay", type=float, help="Seconds between requests to one host (default 1).")
@click.option("--concurrency", type=int, help="Requests in flight per host (default 2).")
@click.option("--max-posts", type=int, help="Stop after this many posts.")
@click.option("--since", help="Only posts published on or after this date (YYYY-MM-DD).")
@click.option("--include", multiple=True, help="Regex a post URL must match (repeatable).")
@click.option("--exclude", multiple=True, help="Regex that rules a post URL out (repeatable).")
@click.option("--image-host", "image_hosts", multiple=True, help="Extra host images may come from (a CDN).")
@click.option("--user-agent", help="User-Agent header to send.")
@click.option("--contact", help="Contact URL or e-mail added to the User-Agent.")
@click.option("--no-rest", is_flag=True, help="Do not use the WordPress REST API; read HTML only.")
@click.option("--no-images", is_flag=True, help="Do not download images (their URLs are still recorded).")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (only for your own sites).")
@click.option("--full", "recheck_all", is_flag=True, help="Re-fetch every post and thread, not only what changed.")
@click.option("--max-in-flight", type=int, help="Requests in flight over all blogs at once (default 32).")
@click.option("--max-blogs", "max_active_blogs", type=int,
              help="Blogs crawled side by side (default 16); the others wait their turn.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as JSON on stdout (for scripts).")
@click.option("-q", "--quiet", is_flag=True, help="No progress output; only failures (for cron).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for every request).")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def crawl(
    url: str | None,
    db_path: Path,
    config_path: Path | None,
    delay: float | None,
    concurrency: int | None,
    max_posts: int | None,
    since: str | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    image_hosts: tuple[str, ...],
    user_agent: str | None,
    contact: str | None,
    no_rest: bool,
    no_images: bool,
    ignore_robots: bool,
    recheck_all: bool,
    max_in_flight: int | None,
    max_active_blogs: int | None,
    as_json: bool,
    quiet: bool,
    verbose: int,
    debug: bool,
) -> None:
    """Crawl a blog, or every blog of --config side by side, e.g. ``fitarchive crawl example-fitness.blog``.

    Re-running it fetches only what changed. Each host is paced on its own; a
    blog that fails ends only itself. Exit code 0 when every blog worked, 1
    when some pages or blogs failed or the run could not start, 2 for bad
    usage, 130 when interrupted.
    """
    _setup_logging(verbose, quiet)
    # Ctrl-C and SIGTERM both stop a crawl cleanly, also when started in the background (SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        overrides: dict[str, Any] = {
            key: value
            for key, value in {
                "delay_s": delay,
                "concurrency": concurrency,
                "max_posts": max_posts,
                "since": since,
                "user_agent": user_agent,
                "contact": contact,
                "max_in_flight": max_in_flight,
                "max_active_blogs": max_active_blogs,
            }.items()
            if value is not None
        }
        if include:
            overrides["include"] = include
        if exclude:
            overrides["exclude"] = exclude
        if image_hosts:
            overrides["image_hosts"] = image_hosts
        if no_rest:
            overrides["use_rest"] = False
        if no_images:
            overrides["download_images"] = False
        if ignore_robots:
            overrides["obey_robots"] = False
        if recheck_all:
            overrides["recheck_all"] = True
        if delay is not None and delay < 0:
            raise UsageError("--delay must not be negative")
        if concurrency is not None and concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
        for name, value in (("--max-in-flight", max_in_flight), ("--max-blogs", max_active_blogs)):
            if value is not None and value < 1:
                raise UsageError(f"{name} must be at least 1")
        sites = _sites_to_crawl(url, config_path, overrides)
        _check_db_path(db_path)
        report = _run_schedule(db_path, sites, quiet=quiet, as_json=as_json)
        sys.exit(report.exit_code)
    except ScraperError as exc:
        _fail(exc, debug)
    except KeyboardInterrupt:
        click.echo("Interrupted; what was saved stays saved. Run the same command to resume.", err=True)
        sys.exit(130)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM (systemd stop, timeout) ends a crawl like Ctrl-C: whole posts kept, run marked.

    Raising SIGINT lets asyncio's own handler cancel the crawl task cleanly.
    """
    signal.raise_signal(signal.SIGINT)


def _sites_to_crawl(url: str | None, config_path: Path | None, overrides: dict[str, Any]) -> list[SiteConfig]:
    if url and config_path:
        raise UsageError("give either a URL or --config, not both")
    if config_path:
        result = []
        for index, site in enumerate(load_config(config_path), start=1):
            try:
                seed = normalize_seed(site.url)
            except UsageError as exc:
                raise ConfigError(f"{config_path}: [[sites]] #{index}: {exc}") from None
            result.append(SiteConfig(url=seed, settings=replace(site.settings, **overrides)))
        return result
    if not url:
        raise UsageError("missing the blog URL (or --config FILE); see fitarchive crawl --help")
    return [SiteConfig(url=normalize_seed(url), settings=replace(Settings(), **overrides))]


def _check_db_path(db_path: Path) -> None:
    if db_path.is_dir():
        raise StorageError(f"{db_path}: is a directory, not a database file")
    parent = db_path.parent
    if str(parent) and not parent.exists():
        parent.mkdir(parents=True, exist_ok=True)


def _run_schedule(db_path: Path, sites: list[SiteConfig], *, quiet: bool, as_json: bool) -> pipeline.ScheduleReport:
    """Crawl the sites side by side and tell the person or script how it went."""
    if not quiet and sys.stderr.isatty():
        with RunView(len(sites)) as view:
            report = pipeline.crawl_many(db_path, sites, on_event=view.on_event)
    else:
        report = pipeline.crawl_many(db_path, sites)
    for blog in report.blogs:
        if blog.status == "failed":
            click.echo(f"Error: {blog.message}", err=True)
        elif blog.status == "partial":
            click.echo(f"{blog.site_url}: partial ({blog.mode}) - {blog.counts.summary()}", err=True)
    if as_json:
        click.echo(json.dumps(summary_json(report), indent=2))
    elif not quiet:
        click.echo(summary_line(report), err=True)
    return report


@cli.command()
@db_option
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on (127.0.0.1).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--allow-sql", is_flag=True, help="Allow arbitrary SQL queries (off by default).")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def serve(db_path: Path, port: int, host: str, allow_sql: bool, debug: bool) -> None:
    """Publish the archive with Datasette, e.g. ``fitarchive serve --port 8001``.

    Read-only; open http://127.0.0.1:8001/ to browse, search and download CSV.
    """
    try:
        db = store.open_db(db_path, readonly=True)
        db.close()
        publish.run_datasette(db_path, port=port, host=host, allow_sql=allow_sql)
    except ScraperError as exc:
        _fail(exc, debug)


@cli.command()
@click.argument("table")
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
@click.option("--where", help="SQL condition on the rows, e.g. \"depth > 2\".")
@click.option("--since", help="Only rows whose date column is on or after this date.")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def export(table: str, db_path: Path, fmt: Literal["csv", "json"], output: Path | None, where: str | None, since: str | None,
           debug: bool) -> None:
    """Stream a table or view as CSV or JSON, e.g. ``fitarchive export comment_threads -o threads.csv``."""
    try:
        db = store.open_db(db_path, readonly=True)
        db.close()
        if output is None:
            publish.stream_export(db_path, table, fmt, sys.stdout.buffer, where=where, since=since)
        else:
            with output.open("wb") as handle:
                publish.stream_export(db_path, table, fmt, handle, where=where, since=since)
    except ScraperError as exc:
        _fail(exc, debug)
    except sqlite3.Error as exc:
        _fail(UsageError(f"export of {table} failed: {exc}"), debug)


@cli.command()
@db_option
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def stats(db_path: Path, debug: bool) -> None:
    """Show what the archive holds, e.g. ``fitarchive stats --db archive/fitness.db``."""
    try:
        db = store.open_db(db_path, readonly=True)
    except ScraperError as exc:
        _fail(exc, debug)
        return
    for table in ("sites", "authors", "posts", "post_versions", "comments", "images", "post_images", "terms",
                  "crawl_runs", "fetches", "pages"):
        click.echo(f"{table:14} {db[table].count:>9}")
    deleted = db.execute("select count(*) from comments where deleted_at is not null").fetchone()[0]
    click.echo(f"{'deleted comments':14} {deleted:>9}")
    last = list(db.query("select started_at, status, message from crawl_runs order by id desc limit 1"))
    if last:
        click.echo(f"last run: {last[0]['started_at']} {last[0]['status']} {last[0]['message'] or ''}".rstrip())
    db.close()


@cli.command()
@db_option
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def reextract(db_path: Path, debug: bool) -> None:
    """Rebuild posts, images and comments from the stored raw pages, offline.

    Run it after upgrading fitarchive to apply better extraction to what was
    already crawled, e.g. ``fitarchive reextract --db archive/fitness.db``.
    """
    _setup_logging(0, False)
    try:
        store.open_db(db_path, readonly=True).close()
        counts = pipeline.reextract(db_path)
        click.echo(f"{db_path}: re-extracted - {counts.summary()}")
    except ScraperError as exc:
        _fail(exc, debug)


@cli.command()
@db_option
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def migrate(db_path: Path, debug: bool) -> None:
    """Create the archive or bring an older one up to date, e.g. ``fitarchive migrate``."""
    try:
        db = store.open_db(db_path)
        db.close()
        click.echo(f"{db_path}: up to date")
    except ScraperError as exc:
        _fail(exc, debug)


@cli.command()
@db_option
@click.option("--port", type=int, default=8001, show_default=True, help="Port for Datasette (127.0.0.1).")
@click.option("--no-serve", is_flag=True, help="Only crawl the sample blog; do not start Datasette.")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def demo(db_path: Path, port: int, no_serve: bool, debug: bool) -> None:
    """Crawl the bundled sample blog, then serve it, e.g. ``fitarchive demo --port 8001``.

    The sample blog is served on 127.0.0.1 for the crawl only; the archive
    lands in --db and Datasette publishes it until Ctrl-C.
    """
    from scraper.sample_site import serve_sample_blog

    _setup_logging(0, False)
    try:
        _check_db_path(db_path)
        with serve_sample_blog() as url:
            settings = replace(Settings(), delay_s=0.0, concurrency=4)
            report = _run_schedule(db_path, [SiteConfig(url=url, settings=settings)], quiet=False, as_json=False)
        if report.exit_code:
            sys.exit(report.exit_code)
        if not no_serve:
            click.echo(f"Serving the archive at http://127.0.0.1:{port}/ (Ctrl-C to stop)", err=True)
            publish.run_datasette(db_path, port=port, allow_sql=False)
    except ScraperError as exc:
        _fail(exc, debug)
