"""An in-process HTTP server on 127.0.0.1 that serves a small blog with injected faults.

The blog is the bundled static capture of a WordPress site
(``scraper/sample_blog/site``); its absolute links name the capture's origin,
so text responses are rewritten to this server's own origin. Any path can be
given a *fault*: a function that writes the answer on the raw connection.
Factories below build the common ones::

    with FaultServer() as server:
        server.add("/faults/500/", status(500))
        server.add("/2024/07/04/rest-days-are-training-days/", reset_mid_body())
        server.list_in_sitemap("/faults/500/")   # so the crawler finds it
        crawl(db, server.url, settings)
        assert server.count("/faults/500/") == 2

Every request is logged (``requests``, ``count``) and handed to
``on_request`` before it is answered; ``delay_s`` slows every answer down
(for tests that must interrupt a crawl mid-way). Nothing here
talks to anything but the client on loopback.
"""

from __future__ import annotations

import functools
import mimetypes
import posixpath
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit

from scraper.sample_site import SAMPLE_ROOT, sample_origin

from .pages import sitemap

__all__ = [
    "MB",
    "Fault",
    "FaultServer",
    "big_body",
    "gzip_bomb",
    "page",
    "redirect",
    "reset_mid_body",
    "sequence",
    "site",
    "slow_loris",
    "status",
    "truncated",
]

MB = 1024 * 1024
SAMPLE_SITE = SAMPLE_ROOT / "site"
_TEXT_SUFFIXES = {".html", ".xml", ".txt", ".json", ".xsl"}

Fault = Callable[["FaultHandler"], None]


@dataclass(frozen=True)
class Request:
    """One request the server received: when (monotonic seconds) and which path (with query)."""

    at: float
    path: str


class FaultHandler(BaseHTTPRequestHandler):
    """Serves the blog, or hands the connection to the fault registered for the path."""

    protocol_version = "HTTP/1.1"
    server_version = "fault-blog/1"
    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        owner._log(self.path)
        if owner.delay_s:
            time.sleep(owner.delay_s)
        fault = owner.fault_for(self.path)
        if fault is not None:
            fault(self)
        else:
            owner._serve_site(self)

    # -- helpers the faults use -------------------------------------------------

    def answer(
        self,
        code: int,
        body: bytes = b"",
        content_type: str = "text/html; charset=UTF-8",
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Send a complete response with a correct Content-Length."""
        self.send_response(code)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def head(self, code: int, headers: Iterable[tuple[str, str]]) -> None:
        """Send only the status line and headers; the fault writes the body itself."""
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0, then close)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # The file wrappers hold the descriptor open: close them too, so the RST goes out now.
            self.rfile.close()
            self.wfile.close()
            self.connection.close()
        except OSError:
            pass

    def hang_up(self) -> None:
        """Close the connection cleanly (FIN) whatever was promised."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ValueError):
            # The client went away (it gave up on a fault); nothing to do.
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FaultServer

    def handle_error(self, request: object, client_address: object) -> None:
        return  # broken connections are the point here


class FaultServer:
    """A threaded loopback server for the sample blog plus faults at chosen paths.

    ``site_dir`` holds the static site and ``origin`` is the origin its
    absolute links name (rewritten to this server's). ``delay_s`` is slept
    before every answer.
    """

    def __init__(self, *, site_dir: Path = SAMPLE_SITE, origin: str | None = None, delay_s: float = 0.0,
                 host: str = "127.0.0.1") -> None:
        self.host = host  # a loopback address: 127.0.0.1, or 127.0.1.N for a blog of its own
        self.site_dir = site_dir
        self.capture_origin = (origin or sample_origin()).rstrip("/")
        self.delay_s = delay_s
        self.on_request: Callable[[str], None] | None = None  # called with each path, in the server thread
        self.stopping = threading.Event()
        self.requests: list[Request] = []
        self.sitemap_paths: list[str] = []
        self.extra_robots_sitemaps: list[str] = []
        self._routes: dict[str, Fault] = {}
        self._prefixes: dict[str, Fault] = {}
        self._lock = threading.Lock()
        self._cache: dict[Path, bytes] = {}
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> Self:
        """Bind a free port on the server's loopback address and serve in a background thread."""
        httpd = _Server((self.host, 0), FaultHandler)
        httpd.owner = self
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="fault-blog", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; faults that drip bytes notice and end."""
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """``http://HOST:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The blog's base URL, with a trailing slash."""
        return self.origin + "/"

    def absolute(self, path: str) -> str:
        """The full URL of ``path`` on this server."""
        return self.origin + path

    # -- configuration -----------------------------------------------------------

    def add(self, path: str, fault: Fault) -> None:
        """Answer ``path`` (exact, query included if given) with ``fault``."""
        with self._lock:
            self._routes[path] = fault

    def add_prefix(self, prefix: str, fault: Fault) -> None:
        """Answer every path starting with ``prefix`` with ``fault``."""
        with self._lock:
            self._prefixes[prefix] = fault

    def add_page(self, path: str, body: bytes, content_type: str = "text/html; charset=UTF-8") -> None:
        """Serve ``body`` at ``path``."""
        self.add(path, page(body, content_type))

    def remove(self, path: str) -> None:
        """Serve ``path`` normally again."""
        with self._lock:
            self._routes.pop(path, None)

    def clear_faults(self) -> None:
        """Drop every fault, page and sitemap entry added so far."""
        with self._lock:
            self._routes.clear()
            self._prefixes.clear()
            self.sitemap_paths.clear()
            self.extra_robots_sitemaps.clear()

    def list_in_sitemap(self, *paths: str) -> None:
        """List ``paths`` in ``/fault-sitemap.xml``, which robots.txt announces."""
        with self._lock:
            self.sitemap_paths.extend(paths)

    def fault_for(self, raw_path: str) -> Fault | None:
        """The fault registered for a request path, if any."""
        with self._lock:
            fault = self._routes.get(raw_path) or self._routes.get(urlsplit(raw_path).path)
            if fault is not None:
                return fault
            for prefix, candidate in self._prefixes.items():
                if raw_path.startswith(prefix):
                    return candidate
        return None

    # -- request log -------------------------------------------------------------

    def _log(self, path: str) -> None:
        with self._lock:
            self.requests.append(Request(time.monotonic(), path))
            hook = self.on_request
        if hook is not None:
            hook(path)

    def paths(self) -> list[str]:
        """Every requested path so far, in order."""
        with self._lock:
            return [request.path for request in self.requests]

    def count(self, path: str) -> int:
        """How many times exactly ``path`` (or ``path`` without its query) was requested."""
        return sum(1 for seen in self.paths() if seen == path or urlsplit(seen).path == path)

    def count_prefix(self, prefix: str) -> int:
        """How many requests started with ``prefix``."""
        return sum(1 for seen in self.paths() if seen.startswith(prefix))

    def times(self, path: str) -> list[float]:
        """Monotonic arrival times of the requests for ``path``."""
        with self._lock:
            return [r.at for r in self.requests if r.path == path or urlsplit(r.path).path == path]

    def reset_log(self) -> None:
        """Forget the requests seen so far."""
        with self._lock:
            self.requests.clear()

    # -- the static blog -----------------------------------------------------------

    def _rewrite(self, data: bytes) -> bytes:
        old = self.capture_origin.split("://", 1)[1]
        new = f"{self.host}:{self.port}"
        data = data.replace(old.encode(), new.encode())
        return data.replace(old.replace(":", "%3A").encode(), new.replace(":", "%3A").encode())

    def _file_bytes(self, target: Path) -> bytes:
        cached = self._cache.get(target)
        if cached is None:
            cached = target.read_bytes()
            if target.suffix in _TEXT_SUFFIXES:
                cached = self._rewrite(cached)
            self._cache[target] = cached
        return cached

    def _robots(self) -> bytes:
        text = self._rewrite((self.site_dir / "robots.txt").read_bytes()).decode()
        with self._lock:
            extra = list(self.extra_robots_sitemaps)
            if self.sitemap_paths:
                extra.append("/fault-sitemap.xml")
        for path in extra:
            text += f"Sitemap: {self.absolute(path)}\n"
        return text.encode()

    def _serve_site(self, handler: FaultHandler) -> None:
        path = urlsplit(handler.path).path
        if path == "/robots.txt":
            handler.answer(200, self._robots(), "text/plain; charset=utf-8")
            return
        if path == "/fault-sitemap.xml":
            with self._lock:
                urls = [self.absolute(p) for p in self.sitemap_paths]
            handler.answer(200, sitemap(urls), "application/xml; charset=UTF-8")
            return
        target = _resolve(self.site_dir, path)
        if target is None:
            handler.answer(404, b"<html><body><h1>Not Found</h1></body></html>")
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".html":
            kind = "text/html; charset=UTF-8"
        elif target.suffix == ".xml":
            kind = "application/xml; charset=UTF-8"
        handler.answer(200, self._file_bytes(target), kind)


def _resolve(site: Path, raw_path: str) -> Path | None:
    path = posixpath.normpath(unquote(raw_path))
    parts = [part for part in path.split("/") if part and part not in (".", "..")]
    target = site.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


# ---------------------------------------------------------------- fault factories


def page(body: bytes, content_type: str = "text/html; charset=UTF-8", code: int = 200) -> Fault:
    """A fixed, well-formed answer (for synthetic pages and content faults)."""

    def fault(handler: FaultHandler) -> None:
        handler.answer(code, body, content_type)

    return fault


def site() -> Fault:
    """Answer from the static blog as if no fault were registered (the end of a ``sequence``)."""

    def fault(handler: FaultHandler) -> None:
        handler.server.owner._serve_site(handler)

    return fault


def status(code: int, *, retry_after: str | None = None, body: bytes = b"<html><body>error</body></html>") -> Fault:
    """An error status, optionally with ``Retry-After``."""
    headers = [("Retry-After", retry_after)] if retry_after is not None else []

    def fault(handler: FaultHandler) -> None:
        handler.answer(code, body, headers=headers)

    return fault


def sequence(*faults: Fault) -> Fault:
    """The n-th request gets the n-th fault; the last one repeats."""
    calls = 0
    lock = threading.Lock()

    def fault(handler: FaultHandler) -> None:
        nonlocal calls
        with lock:
            index = min(calls, len(faults) - 1)
            calls += 1
        faults[index](handler)

    return fault


def reset_mid_body(*, declared: int = 200_000, sent: int = 30_000) -> Fault:
    """Promise ``declared`` bytes, send ``sent``, then reset the connection."""

    def fault(handler: FaultHandler) -> None:
        handler.head(200, [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", str(declared))])
        try:
            handler.wfile.write(b"<html><body><p>" + b"x" * sent)
            time.sleep(0.05)
        except OSError:
            pass
        handler.reset()

    return fault


def truncated(*, declared: int = 100_000, sent: int = 10_000) -> Fault:
    """Promise ``declared`` bytes (Content-Length), send ``sent``, then close cleanly."""

    def fault(handler: FaultHandler) -> None:
        handler.head(200, [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", str(declared))])
        try:
            handler.wfile.write(b"<html><body><p>" + b"y" * sent)
        except OSError:
            pass
        handler.hang_up()

    return fault


def slow_loris(*, interval_s: float = 1.0, max_s: float = 60.0) -> Fault:
    """Send headers, then one body byte every ``interval_s`` seconds, never finishing."""

    def fault(handler: FaultHandler) -> None:
        handler.head(200, [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", "1000000")])
        started = time.monotonic()
        owner = handler.server.owner
        while time.monotonic() - started < max_s and not owner.stopping.is_set():
            try:
                handler.wfile.write(b"z")
            except OSError:
                break
            owner.stopping.wait(interval_s)
        handler.hang_up()

    return fault


def redirect(location: str, code: int = 302) -> Fault:
    """A redirect to ``location`` (relative, absolute, or any scheme at all)."""

    def fault(handler: FaultHandler) -> None:
        handler.answer(code, b"", headers=[("Location", location)])

    return fault


def big_body(size: int = 50 * MB, *, declare_length: bool = True, chunk: int = MB) -> Fault:
    """A ``size``-byte HTML body, with a Content-Length or chunked (no length)."""
    block = (b"<p>" + b"w" * (chunk - 8) + b"</p>\n")[:chunk]

    def fault(handler: FaultHandler) -> None:
        headers = [("Content-Type", "text/html; charset=UTF-8")]
        headers.append(("Content-Length", str(size)) if declare_length else ("Transfer-Encoding", "chunked"))
        handler.head(200, headers)
        remaining = size
        try:
            while remaining > 0 and not handler.server.owner.stopping.is_set():
                part = block[: min(chunk, remaining)]
                if declare_length:
                    handler.wfile.write(part)
                else:
                    handler.wfile.write(b"%x\r\n%b\r\n" % (len(part), part))
                remaining -= len(part)
            if not declare_length:
                handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        handler.close_connection = True

    return fault


@functools.lru_cache(maxsize=4)
def gzip_bomb_bytes(expanded: int) -> bytes:
    """A valid gzip member that inflates to about ``expanded`` bytes of HTML (~1000:1).

    One megabyte of zeros is deflated once after a full flush, so its
    compressed block is self-contained and can simply be repeated.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    prefix_text = b"<html><body><p>"
    prefix = compressor.compress(prefix_text) + compressor.flush(zlib.Z_FULL_FLUSH)
    zeros = bytes(MB)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    count = max(1, expanded // MB)
    crc = zlib.crc32(prefix_text)
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    size = len(prefix_text) + count * MB
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)
    return header + prefix + block * count + tail + trailer


def gzip_bomb(expanded: int = 1024 * MB, *, content_type: str = "text/html; charset=UTF-8") -> Fault:
    """A small gzip-encoded body (Content-Encoding: gzip) that inflates to ``expanded`` bytes."""

    def fault(handler: FaultHandler) -> None:
        handler.answer(200, gzip_bomb_bytes(expanded), content_type, headers=[("Content-Encoding", "gzip")])

    return fault
