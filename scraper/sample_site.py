"""Serve the bundled sample blog (a static capture of a WordPress site) on loopback.

Used by ``fitarchive demo`` and the tests: a plain threaded HTTP server over
``scraper/sample_blog/site``, mapping directory URLs to their ``index.html``.
The capture's links are absolute (``http://127.0.0.1:8089/...``); when the blog
is served on another port, text files are served with their links rewritten to it.
"""

from __future__ import annotations

import mimetypes
import posixpath
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, unquote, urlsplit

__all__ = ["SAMPLE_ROOT", "sample_origin", "serve_sample_blog"]

SAMPLE_ROOT = Path(__file__).parent / "sample_blog"


def sample_origin() -> str:
    """The origin (``http://127.0.0.1:PORT``) the sample blog was captured from."""
    return (SAMPLE_ROOT / "origin.txt").read_text(encoding="utf-8").strip().rstrip("/")


def _resolve(site: Path, raw_path: str) -> Path | None:
    path = posixpath.normpath(unquote(urlsplit(raw_path).path))
    parts = [part for part in path.split("/") if part and part not in (".", "..")]
    target = site.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


_TEXT_SUFFIXES = (".html", ".xml", ".txt")


class _SampleServer(ThreadingHTTPServer):
    """The server, with the byte replacements that point the capture's links at it."""

    daemon_threads = True
    rewrites: tuple[tuple[bytes, bytes], ...] = ()


def _rewrites(captured: str, served: str) -> tuple[tuple[bytes, bytes], ...]:
    """Replacements turning the captured host:port into the served one, plain and percent-encoded."""
    if captured == served:
        return ()
    pairs = ((captured, served), (quote(captured, safe=""), quote(served, safe="")))
    return tuple((old.encode(), new.encode()) for old, new in pairs)


class _Handler(BaseHTTPRequestHandler):
    site: Path = SAMPLE_ROOT / "site"
    server_version = "fitarchive-sample/1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        target = _resolve(self.site, self.path)
        if target is None:
            self.send_error(404, "Not Found")
            return
        body = target.read_bytes()
        assert isinstance(self.server, _SampleServer)
        if target.suffix in _TEXT_SUFFIXES:
            for old, new in self.server.rewrites:
                body = body.replace(old, new)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".html":
            kind = "text/html; charset=UTF-8"
        elif target.suffix == ".xml" or target.name == "index.xml":
            kind = "application/xml; charset=UTF-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@contextmanager
def serve_sample_blog(port: int | None = None) -> Iterator[str]:
    """Serve the sample blog on 127.0.0.1 and yield its base URL.

    ``port`` defaults to the port of the captured origin, or any free port when
    that one is taken; the capture's links always point at the port served.

    :raises OSError: when an explicit ``port`` cannot be listened on.
    """
    captured = urlsplit(sample_origin())
    if port is not None:
        server = _SampleServer(("127.0.0.1", port), _Handler)
    else:
        try:
            server = _SampleServer(("127.0.0.1", int(captured.port or 80)), _Handler)
        except OSError:  # taken (another demo, a test): any free port, links rewritten
            server = _SampleServer(("127.0.0.1", 0), _Handler)
    port = int(server.server_address[1])
    server.rewrites = _rewrites(captured.netloc, f"127.0.0.1:{port}")
    thread = threading.Thread(target=server.serve_forever, name="sample-blog", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()
