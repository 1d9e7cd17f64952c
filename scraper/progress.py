"""What a person sees of a crawl run: a live view on a terminal, plain lines for cron, JSON for scripts.

``RunView`` turns the scheduler's events into a ``rich`` live display
(blogs done / active / queued, posts and comments saved, requests per
second, the host that waits longest and why); ``summary_line`` and
``summary_json`` describe a finished run. Part of the command line layer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from scraper.scheduler import CrawlReport, ScheduleReport

__all__ = ["RunView", "summary_json", "summary_line"]

MAX_ACTIVE_SHOWN = 8


@dataclass
class _BlogLine:
    posts: int = 0
    comments: int = 0
    last_title: str = ""


@dataclass
class RunView:
    """A live display of a run, fed by the scheduler's events."""

    total_blogs: int
    console: Console = field(default_factory=lambda: Console(stderr=True))
    done: int = 0
    failed: int = 0
    active: dict[str, _BlogLine] = field(default_factory=dict)
    queued: int = 0
    posts: int = 0
    comments: int = 0
    requests: int = 0
    waiting: tuple[str, float, str] | None = None
    _started: float = field(default_factory=time.monotonic)
    _rate: float = 0.0
    _last_tick: tuple[float, int] = (0.0, 0)
    _live: Live | None = None

    def __post_init__(self) -> None:
        self.queued = self.total_blogs

    def __enter__(self) -> RunView:
        self._live = Live(self.render(), console=self.console, refresh_per_second=4, transient=True)
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)
            self._live = None

    def on_event(self, kind: str, data: dict[str, Any]) -> None:
        """Take one scheduler event."""
        site = str(data.get("site", ""))
        if kind == "blog_started":
            self.active[site] = _BlogLine()
            self.queued = max(0, self.queued - 1)
        elif kind == "blog_done":
            self.active.pop(site, None)
            self.done += 1
            report = data.get("report")
            if isinstance(report, CrawlReport) and report.status == "failed":
                self.failed += 1
        elif kind == "post":
            line = self.active.setdefault(site, _BlogLine())
            line.posts += 1
            line.comments += int(data.get("comments_new") or 0)
            line.last_title = str(data.get("title") or "")
            self.posts += 1
            self.comments += int(data.get("comments_new") or 0)
        elif kind == "tick":
            self._take_tick(data)
        if self._live is not None:
            self._live.update(self.render())

    def _take_tick(self, data: dict[str, Any]) -> None:
        now = time.monotonic()
        self.requests = int(data.get("requests") or 0)
        then, before = self._last_tick
        if then:
            self._rate = (self.requests - before) / max(now - then, 1e-6)
        self._last_tick = (now, self.requests)
        self.queued = int(data.get("queued") or 0)
        waiting = data.get("waiting")
        self.waiting = tuple(waiting) if waiting else None

    def render(self) -> Group:
        """The display: one status line, the waiting host, the active blogs."""
        elapsed = time.monotonic() - self._started
        lines = [Text(
            f"blogs {self.done}/{self.total_blogs} done ({self.failed} failed), {len(self.active)} active, "
            f"{self.queued} queued | posts {self.posts}, comments {self.comments} | "
            f"{self._rate:.1f} req/s | {elapsed:.0f}s", style="bold")]
        if self.waiting is not None:
            host, seconds, reason = self.waiting
            lines.append(Text(f"slowest host: {host} waits {seconds:.1f}s ({reason})", style="yellow"))
        for site, line in list(self.active.items())[:MAX_ACTIVE_SHOWN]:
            lines.append(Text(f"  {site}  {line.posts} posts, {line.comments} comments  {line.last_title}"[:120]))
        if len(self.active) > MAX_ACTIVE_SHOWN:
            lines.append(Text(f"  ... and {len(self.active) - MAX_ACTIVE_SHOWN} more"))
        return Group(*lines)


def summary_line(report: ScheduleReport) -> str:
    """One line for a finished run: blogs, posts, comments, images, bytes, time."""
    totals = report.totals
    failed = sum(1 for blog in report.blogs if blog.status == "failed")
    partial = sum(1 for blog in report.blogs if blog.status == "partial")
    ok = len(report.blogs) - failed - partial
    blogs = f"blogs ok {ok}" + (f", partial {partial}" if partial else "") + f", failed {failed}"
    return (
        f"{blogs}; posts new {totals.posts_new} / updated {totals.posts_updated} / "
        f"unchanged {totals.posts_unchanged}; comments new {totals.comments_new} / deleted "
        f"{totals.comments_deleted}; images new {totals.images_new}; fetched {totals.pages_fetched} "
        f"({_size(totals.bytes_fetched)}), errors {totals.errors}; {report.elapsed_s:.1f}s"
    )


def summary_json(report: ScheduleReport) -> dict[str, Any]:
    """The run as a JSON-ready dict: totals and one entry per blog."""
    def counts(blog_counts: Any) -> dict[str, int]:
        return {name: int(getattr(blog_counts, name)) for name in type(blog_counts).__dataclass_fields__}

    return {
        "exit_code": report.exit_code,
        "elapsed_s": round(report.elapsed_s, 3),
        "requests": report.requests,
        "totals": counts(report.totals),
        "blogs": [
            {"site": blog.site_url, "run_id": blog.run_id, "status": blog.status, "mode": blog.mode,
             "message": blog.message, "counts": counts(blog.counts)}
            for blog in report.blogs
        ],
    }


def _size(size: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size:.1f} GiB"
