"""The ``fitarchive`` command line: thin click commands over pipeline, store and publish.

Errors from the library arrive as ``ScraperError`` and leave as one line on
stderr with exit code 1 (2 for bad usage); ``--debug`` shows the traceback.
Every command is a :class:`_Command`, which adds ``--debug`` and does that
reporting in one place.
"""

from __future__ import annotations

import errno
import io
import json
import logging
import math
import os
import re
import signal
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, Callable, Literal, NoReturn, TypeVar

import click
from sqlite_utils import Database

from scraper import merge as merging
from scraper import onepage, pipeline, publish, store
from scraper.config import MAX_CONCURRENCY, Settings, SiteConfig, load_config
from scraper.errors import ConfigError, ListenError, OutputError, ScraperError, StorageError, UsageError
from scraper.progress import RunView, summary_json, summary_line
from scraper.shard import assign, parse_shard, select_shard
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


def _exit_on_closed_stdout() -> NoReturn:
    """The reader of stdout went away (``| head``): exit quietly, as Unix tools do on SIGPIPE.

    stdout is pointed at /dev/null first, so the interpreter's last flush does
    not print "Exception ignored ... BrokenPipeError".
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):  # not a real file (CliRunner)
        pass
    sys.exit(141)  # 128 + SIGPIPE, what the shell reports for `cat big | head -1`


class _Command(click.Command):
    """A fitarchive command: takes ``--debug`` and reports a ``ScraperError`` as one line.

    The one-line error goes to stderr and the process exits with the error's
    ``exit_code`` (1, or 2 for bad usage); with ``--debug`` the traceback shows.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(click.Option(["--debug"], is_flag=True, help="Show tracebacks instead of one-line errors."))

    def invoke(self, ctx: click.Context) -> Any:
        debug = ctx.params.pop("debug", False)
        try:
            return super().invoke(ctx)
        except ScraperError as exc:
            if debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            if debug:
                raise
            _exit_on_closed_stdout()


#: Loggers of libraries whose DEBUG output is about their internals, not the crawl (-vvv shows it).
_LIBRARY_LOGGERS = ("httpx", "httpcore", "hpack", "h2", "h11", "asyncio", "urllib3", "PIL", "charset_normalizer",
                    "chardet", "filelock", "tldextract", "datasette", "uvicorn", "multipart", "markdown_it")


class _OwnRecords(logging.Filter):
    """Pass fitarchive's own records, and other libraries' only from WARNING up."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".")[0] in ("scraper", "schemas", "__main__")


def _setup_logging(verbose: int, quiet: bool) -> None:
    """Log to stderr: warnings; -v info; -vv fitarchive's debug (every request); -vvv libraries' debug too."""
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
    debug_libraries = verbose >= 3 and not quiet
    if not debug_libraries:
        handler.addFilter(_OwnRecords())
    logging.basicConfig(level=level, handlers=[handler], format="%(message)s", force=True)
    for name in _LIBRARY_LOGGERS:  # not only filtered: httpcore's debug logging costs time per request
        logging.getLogger(name).setLevel(logging.NOTSET if debug_libraries else logging.WARNING)


def _check_regexes(ctx: click.Context, param: click.Parameter, patterns: tuple[str, ...]) -> tuple[str, ...]:
    """Reject a pattern that is not a regular expression before anything runs."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise click.BadParameter(f"not a regular expression: {pattern!r} ({exc})") from None
    return patterns


class _Group(click.Group):
    """The ``fitarchive`` group: its commands are :class:`_Command`."""

    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--concurrency", type=int, help="Requests in flight per host (default 2, at most 100).")
@click.option("--max-posts", type=click.IntRange(min=1), metavar="N", help="Archive only the newest N posts.")
@click.option("--since", help="Only posts published on or after this date (YYYY-MM-DD).")
@click.option("--include", multiple=True, callback=_check_regexes, help="Regex a post URL must match (repeatable).")
@click.option("--exclude", multiple=True, callback=_check_regexes,
              help="Regex that rules a post URL out (repeatable).")
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
@click.option("--shard", "shard_text", metavar="I/N",
              help="Crawl only the blogs of shard I of N (by host; see `fitarchive plan`).")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as JSON on stdout (for scripts).")
@click.option("--ocr", "run_ocr", is_flag=True,
              help="Then read new routine images with OCR (needs the [ocr] extra; see fitarchive ocr).")
@click.option("-q", "--quiet", is_flag=True, help="No progress output; only failures (for cron).")
@click.option("-v", "--verbose", count=True,
              help="More log output: -v progress, -vv every request, -vvv also libraries' debug logs (httpx, httpcore, ...).")
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
    shard_text: str | None,
    as_json: bool,
    run_ocr: bool,
    quiet: bool,
    verbose: int,
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
        if delay is not None and not math.isfinite(delay):
            raise UsageError(f"--delay must be a finite number of seconds, got {delay}")
        if concurrency is not None and concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
        if concurrency is not None and concurrency > MAX_CONCURRENCY:
            raise UsageError(f"--concurrency must be at most {MAX_CONCURRENCY}")
        for name, value in (("--max-in-flight", max_in_flight), ("--max-blogs", max_active_blogs)):
            if value is not None and value < 1:
                raise UsageError(f"{name} must be at least 1")
        shard = parse_shard(shard_text) if shard_text is not None else None
        sites = _sites_to_crawl(url, config_path, overrides)
        _check_db_path(db_path)
        if shard is not None:
            sites = select_shard(sites, shard)
            if not sites:  # an empty shard is still an archive, so a merge finds it
                store.open_db(db_path).close()
                if not quiet:
                    click.echo(f"shard {shard}: no blogs in this shard", err=True)
                sys.exit(0)
        run_ocr = run_ocr or any(site.settings.ocr for site in sites)
        if run_ocr:
            _check_ocr_installed()  # before crawling, not after
        report = _run_schedule(db_path, sites, quiet=quiet, as_json=as_json)
        if run_ocr:
            _ocr_archive(db_path, reparse=False, memory_cap_mb=None, quiet=quiet or as_json)
        sys.exit(report.exit_code)
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


@cli.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True,
              help="TOML file listing sites to crawl.")
@click.option("--shards", type=click.IntRange(min=1), required=True, help="Number of shards.")
@click.option("--json", "as_json", is_flag=True, help="Print the assignment as JSON.")
def plan(config_path: Path, shards: int, as_json: bool) -> None:
    """Show which shard crawls each blog, e.g. ``fitarchive plan --config sites.toml --shards 4``.

    Prints one line per blog: URL, politeness key (host) and shard index; a
    host never spans two shards. ``fitarchive crawl --config F --shard I/N``
    crawls the blogs of shard I.
    """
    sites = _sites_to_crawl(None, config_path, {})
    placed = assign([site.url for site in sites], shards)
    if as_json:
        click.echo(json.dumps([{"url": p.url, "key": p.key, "shard": p.shard} for p in placed], indent=2))
        return
    for where in placed:
        click.echo(f"{where.url}\t{where.key}\t{where.shard}")
    sizes = [sum(1 for p in placed if p.shard == index) for index in range(shards)]
    click.echo(f"{len(placed)} blogs over {shards} shards: " + ", ".join(
        f"{index}: {size}" for index, size in enumerate(sizes)), err=True)


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


def _open_archive(db_path: Path) -> Database:
    """Open the archive read-only; an empty file is not one.

    :raises StorageError: no archive at ``db_path`` (missing, empty, corrupt, foreign).
    """
    db = store.open_db(db_path, readonly=True)
    if not store.applied_migrations(db):
        db.close()
        raise StorageError(f"{db_path}: empty file, no archive in it yet (run `fitarchive crawl` or `fitarchive migrate`)")
    return db


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _serve(db_path: Path, port: int, host: str = "127.0.0.1", allow_sql: bool = False) -> NoReturn:
    """Check the port, say where the archive is served, and become Datasette."""
    publish.check_port_free(host, port)
    click.echo(f"Serving {_url(host, port)}", err=True)
    publish.run_datasette(db_path, port=port, host=host, allow_sql=allow_sql)


PORT = click.IntRange(1, 65535)


@cli.command()
@db_option
@click.option("--port", type=PORT, default=8001, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--allow-sql", is_flag=True, help="Allow arbitrary SQL queries (off by default).")
def serve(db_path: Path, port: int, host: str, allow_sql: bool) -> None:
    """Publish the archive with Datasette, e.g. ``fitarchive serve --port 8001``.

    Read-only; open http://127.0.0.1:8001/ to browse, search and download CSV.
    """
    _open_archive(db_path).close()
    _serve(db_path, port, host, allow_sql)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _output_file(output: Path) -> Iterator[BinaryIO]:
    """Open ``output`` for an export that replaces it only once complete: a failed export leaves it as it was.

    A device or pipe (``-o /dev/stdout``) is written directly.

    :raises OutputError: the folder is missing or unwritable, or ``output`` is a directory.
    """
    if output.exists() and not output.is_file() and not output.is_dir():
        with output.open("wb") as handle:
            yield handle
        return
    try:
        if output.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        fd, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"{output}: cannot write the export there ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(partial, 0o666 & ~_umask())
        os.replace(partial, output)
    finally:
        Path(partial).unlink(missing_ok=True)


@cli.command()
@click.argument("table")
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
@click.option("--where", help="SQL condition on the rows, e.g. \"depth > 2\".")
@click.option("--since", help="Only rows whose date column is on or after this date.")
def export(table: str, db_path: Path, fmt: Literal["csv", "json"], output: Path | None, where: str | None,
           since: str | None) -> None:
    """Stream a table or view as CSV or JSON, e.g. ``fitarchive export comment_threads -o threads.csv``."""
    _open_archive(db_path).close()
    try:
        if output is None:
            publish.stream_export(db_path, table, fmt, sys.stdout.buffer, where=where, since=since)
            sys.stdout.flush()  # a closed pipe shows here, while errors are still handled
            return
        if any(_same_file(output, Path(f"{db_path}{suffix}")) for suffix in ("", "-wal", "-shm")):
            raise UsageError(f"-o {output}: that is the archive itself; write the export to another file")
        with _output_file(output) as handle:
            publish.stream_export(db_path, table, fmt, handle, where=where, since=since)
    except sqlite3.Error as exc:
        raise UsageError(f"export of {table} failed: {exc}") from None


@cli.command()
@db_option
def stats(db_path: Path) -> None:
    """Show what the archive holds, e.g. ``fitarchive stats --db archive/fitness.db``."""
    db = _open_archive(db_path)
    width = len("deleted comments")
    for table in ("sites", "authors", "posts", "post_versions", "comments", "images", "post_images", "terms",
                  "crawl_runs", "fetches", "pages"):
        click.echo(f"{table:{width}} {db[table].count:>9}")
    deleted = db.execute("select count(*) from comments where deleted_at is not null").fetchone()[0]
    click.echo(f"{'deleted comments':{width}} {deleted:>9}")
    if "image_text" in db.table_names():  # an archive read-only from before OCR lacks the tables
        ocr = store.ocr_counts(db)
        click.echo(f"{'images read':{width}} {ocr['with_text'] + ocr['without_text'] + ocr['failed']:>9}")
        click.echo(f"{'images with text':{width}} {ocr['with_text']:>9}")
        click.echo(f"{'routine rows':{width}} {ocr['routine_rows']:>9}")
    last = list(db.query("select started_at, status, message from crawl_runs order by started_at desc, id desc limit 1"))
    if last:
        click.echo(f"last run: {last[0]['started_at']} {last[0]['status']} {last[0]['message'] or ''}".rstrip())
    db.close()


@cli.command()
@click.argument("target", type=click.Path(path_type=Path))
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print what was merged as JSON on stdout.")
def merge(target: Path, shards: tuple[Path, ...], as_json: bool) -> None:
    """Fold shard archives into TARGET, e.g. ``fitarchive merge archive/fitness.db shards/*.db``.

    TARGET is created when missing. Merging is idempotent (the same shard twice
    changes nothing), order-independent (the newer capture of a row wins) and
    atomic (an interrupted merge leaves TARGET as it was). Image files are
    copied into TARGET's image store, each once. An older shard is migrated
    first; a shard written by a newer fitarchive is refused.
    """
    _setup_logging(0, False)
    if target.is_dir():
        raise StorageError(f"{target}: is a directory, not a database file")
    report = merging.merge_archives(target, list(shards))
    if as_json:
        click.echo(json.dumps({"target": str(report.target), "shards": report.shards, "rows_read": report.rows_read,
                               "rows_written": report.rows_written, "images_copied": report.images_copied,
                               "images_missing": report.images_missing, "seconds": round(report.seconds, 3)},
                              indent=2))
    else:
        click.echo(report.summary(), err=True)


@cli.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), required=True,
              help="TOML file listing sites to crawl (sent to the workers).")
@click.option("--shards", type=click.IntRange(min=1), required=True, help="Number of shards (one task each).")
@click.option("--shard-dir", type=click.Path(path_type=Path), required=True,
              help="Folder for the shard archives, on a volume every worker can reach.")
@click.option("--db", "db_path", type=click.Path(path_type=Path),
              help="Merged archive (default: archive.db in --shard-dir); the merging worker writes it.")
@click.option("--broker", required=True, help="Redis URL of the Celery broker and result backend.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1), default=None,
              help="Give up waiting after this many seconds (the workers go on).")
@click.option("--json", "as_json", is_flag=True, help="Print the run's result as JSON on stdout.")
def submit(config_path: Path, shards: int, shard_dir: Path, db_path: Path | None, broker: str,
           timeout_s: float | None, as_json: bool) -> None:
    """Run a sharded crawl on Celery workers and wait for the merge, e.g.
    ``fitarchive submit --config sites.toml --shards 4 --shard-dir /shared/shards --broker redis://queue:6379/0``.

    Enqueues one crawl task per shard and a merge into --db once all are
    done (a Celery chord); workers run ``celery -A scraper.celery_app worker``.
    Needs the ``celery`` extra: ``pip install fitarchive[celery]``.
    """
    _setup_logging(0, False)
    try:
        from scraper import celery_app
    except ImportError as exc:
        raise UsageError(f"submit needs Celery: pip install 'fitarchive[celery]' ({exc})") from None
    load_config(config_path)
    target = db_path or shard_dir / "archive.db"
    result = celery_app.submit_run(broker, config_path, shards, shard_dir, target, timeout_s=timeout_s)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    for shard in sorted(result["shards"], key=lambda item: item["shard"]):
        blogs = shard["summary"].get("blogs", [])
        failed = sum(1 for blog in blogs if blog["status"] == "failed")
        click.echo(f"shard {shard['shard']}/{shard['count']}: {len(blogs)} blog(s), {failed} failed "
                   f"(worker {shard['worker']})")
    click.echo(result["merge"])


@cli.command()
@db_option
def reextract(db_path: Path) -> None:
    """Rebuild posts, images and comments from the stored raw pages, offline.

    Run it after upgrading fitarchive to apply better extraction to what was
    already crawled, e.g. ``fitarchive reextract --db archive/fitness.db``.
    """
    _setup_logging(0, False)
    _open_archive(db_path).close()
    counts = pipeline.reextract(db_path)
    click.echo(f"{db_path}: re-extracted - {counts.summary()}")


@cli.command()
@click.argument("sources", nargs=-1, required=True, metavar="URL_OR_FILE...")
@click.option("--url", "page_url", metavar="URL",
              help="The address of a page read from a file (resolves its links); default file://PATH.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="text: the article's prose; json: everything (one object, or a list for several "
                   "inputs); jsonl: one object per line per input.")
def extract(sources: tuple[str, ...], page_url: str | None, fmt: Literal["text", "json", "jsonl"]) -> None:
    """Print the article of web pages or saved HTML files, archiving nothing.

    \b
    A URL is fetched politely (robots.txt obeyed); a file is read from disk:
      fitarchive extract https://example-fitness.blog/2024/leg-day/
      fitarchive extract saved.html --url https://example-fitness.blog/2024/leg-day/ --format json
    Several inputs are read in turn; one that fails is reported on stderr as
    one line and the exit code is 1 (2 for bad usage), the others still print.
    """
    if page_url is not None and len(sources) != 1:
        raise UsageError("--url names the address of one file; give exactly one FILE with it")
    articles: list[dict[str, Any]] = []
    failure: ScraperError | None = None
    for number, source in enumerate(sources):
        try:
            found = onepage.extract_page(onepage.load_page(source, url=page_url))
        except ScraperError as exc:
            if isinstance(exc, UsageError):
                raise
            click.echo(f"Error: {exc}", err=True)
            failure = failure or exc
            continue
        if fmt == "text":
            click.echo(("\n" if number else "") + found.text)
        elif fmt == "jsonl":
            click.echo(json.dumps(found.to_dict(), ensure_ascii=False))
        else:
            articles.append(found.to_dict())
    if fmt == "json" and (articles or failure is None):
        value: Any = articles[0] if len(sources) == 1 else articles
        click.echo(json.dumps(value, ensure_ascii=False, indent=2))
    if failure is not None:
        sys.exit(failure.exit_code)


@cli.command()
@db_option
def migrate(db_path: Path) -> None:
    """Create the archive or bring an older one up to date, e.g. ``fitarchive migrate``.

    Says what it did: "created", "applied 0009_x, 0010_y" or "up to date".
    """
    existed = db_path.is_file() and db_path.stat().st_size > 0
    before: list[str] = []
    if existed:
        db = _open_archive(db_path)
        before = store.applied_migrations(db)
        db.close()
    db = store.open_db(db_path)
    applied = [name for name in store.applied_migrations(db) if name not in before]
    db.close()
    if not existed:
        click.echo(f"{db_path}: created")
    elif applied:
        click.echo(f"{db_path}: applied {', '.join(applied)}")
    else:
        click.echo(f"{db_path}: up to date")


@cli.command()
@db_option
@click.option("--port", type=PORT, default=8001, show_default=True, help="Port for Datasette (127.0.0.1).")
@click.option("--no-serve", is_flag=True, help="Only crawl the sample blog; do not start Datasette.")
@click.option("--ocr", "run_ocr", is_flag=True, help="Also read the routine cards with OCR (the [ocr] extra).")
def demo(db_path: Path, port: int, no_serve: bool, run_ocr: bool) -> None:
    """Crawl the bundled sample blog, then serve it, e.g. ``fitarchive demo --port 8001``.

    The sample blog is served on 127.0.0.1 for the crawl only (on port 8089,
    or any free port when that is taken); the archive lands in --db and
    Datasette publishes it until Ctrl-C.
    """
    from scraper.sample_site import serve_sample_blog

    _setup_logging(0, False)
    _check_db_path(db_path)
    if not no_serve:
        publish.check_port_free("127.0.0.1", port)  # before crawling, not after
    if run_ocr:
        _check_ocr_installed()
    with ExitStack() as stack:
        try:
            url = stack.enter_context(serve_sample_blog())
        except OSError as exc:
            raise ListenError(f"cannot serve the sample blog on 127.0.0.1 ({exc.strerror})") from None
        settings = replace(Settings(), delay_s=0.0, concurrency=4)
        report = _run_schedule(db_path, [SiteConfig(url=url, settings=settings)], quiet=False, as_json=False)
    if report.exit_code:
        sys.exit(report.exit_code)
    if run_ocr:
        _ocr_archive(db_path, reparse=False, memory_cap_mb=None, quiet=False)
    if not no_serve:
        _serve(db_path, port)


def _check_ocr_installed() -> None:
    """:raises OcrUnavailable: the ``[ocr]`` extra is not installed (says how to install it)."""
    from scraper.ocr.engine import INSTALL_HINT, OcrUnavailable, ocr_available

    if not ocr_available():
        raise OcrUnavailable(f"OCR is not installed: {INSTALL_HINT}")


def _ocr_archive(db_path: Path, *, reparse: bool, memory_cap_mb: int | None, quiet: bool) -> None:
    """Read the archive's new images, with a progress bar on a terminal and a summary line."""
    from scraper.ocr_run import DEFAULT_MEMORY_CAP_MB, run_ocr

    memory_cap_mb = memory_cap_mb or DEFAULT_MEMORY_CAP_MB

    _open_archive(db_path).close()
    if not quiet and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("OCR"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("ocr", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = run_ocr(db_path, reparse=reparse, on_progress=progress, memory_cap_mb=memory_cap_mb)
    else:
        report = run_ocr(db_path, reparse=reparse, memory_cap_mb=memory_cap_mb)
    if not quiet:
        click.echo(f"{db_path}: {report.summary()}", err=True)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@db_option
@click.option("--json", "as_json", is_flag=True,
              help="Read the image FILEs directly (no archive) and print one JSON object per line.")
@click.option("--reparse", is_flag=True, help="Parse every stored reading again into routine rows (no OCR).")
@click.option("--memory-cap", "memory_cap_mb", type=click.IntRange(min=256), metavar="MB",
              help="Address-space cap of the OCR worker process (default 3072).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary (for cron).")
def ocr(files: tuple[Path, ...], db_path: Path, as_json: bool, reparse: bool, memory_cap_mb: int | None,
        quiet: bool) -> None:
    """Read routine images with OCR into text and routine rows, e.g. ``fitarchive ocr --db archive/fitness.db``.

    Reads every archived image not yet read by this engine version (once per
    file content), so a scheduled run reads only new images; a killed run
    resumes where it stopped. ``fitarchive ocr --json card.jpg`` reads files
    directly and prints text, lines and parsed rows. Needs the extra:
    ``pip install 'fitarchive[ocr]'``.
    """
    _setup_logging(0, quiet)
    if files and not as_json:
        raise UsageError("image FILEs are read with --json (to read the archive, give no FILE)")
    if as_json and not files:
        raise UsageError("--json needs at least one image FILE")
    _check_ocr_installed()
    if as_json:
        _ocr_files(files)
        return
    try:
        _ocr_archive(db_path, reparse=reparse, memory_cap_mb=memory_cap_mb, quiet=quiet)
    except KeyboardInterrupt:
        click.echo("Interrupted; what was read stays stored. Run the same command to resume.", err=True)
        sys.exit(130)


def _ocr_files(files: tuple[Path, ...]) -> None:
    """Print one JSON object per image file: text, lines with boxes, routine rows.

    A file that cannot be read gets ``{"file", "error"}`` and the others are still
    read; the exit code is then 1.
    """
    from scraper.ocr import read_files_json

    failed = 0
    for result in read_files_json(files):
        failed += "error" in result
        click.echo(json.dumps(result, ensure_ascii=False))
    if failed:
        click.echo(f"Error: {failed} of {len(files)} file{'s' if len(files) != 1 else ''} could not be read",
                   err=True)
        sys.exit(1)
