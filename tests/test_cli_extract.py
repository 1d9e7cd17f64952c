"""``fitarchive extract``: one page's article from a URL (fetched politely) or a file.

Pages are served from 127.0.0.1 by a small threaded server that also
answers robots.txt; files are written to tmp_path. Bad input ends in one
``Error:`` line on stderr and exit code 1 (2 for bad usage).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli

SITES = Path(__file__).parent / "fixtures" / "sites"
POST = (SITES / "handmade" / "posts" / "push-pull-legs" / "index.html").read_bytes()
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@contextmanager
def serve(pages: dict[str, tuple[str, bytes]]) -> Iterator[tuple[str, list[str]]]:
    """Serve ``pages`` (path -> (content type, body)) on 127.0.0.1; yield (origin, requested paths)."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            if self.path not in pages:
                self.send_error(404)
                return
            kind, body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield origin, requested
    finally:
        server.shutdown()
        server.server_close()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["extract", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def post_file(tmp_path: Path) -> Path:
    path = tmp_path / "saved.html"
    path.write_bytes(POST.replace(b"__ORIGIN__", b"https://chalk.example"))
    return path


def test_a_file_prints_the_article_text(post_file: Path) -> None:
    code, out, err = run(str(post_file))
    assert (code, err) == (0, "")
    assert out.startswith("Three days a week, forty-five minutes each.")
    assert "Bench press\n4 x 6\n" in out  # table cells, one a line
    assert "Recent posts" not in out and "Share on Twitter" not in out


def test_json_of_a_file_uses_url_as_its_address(post_file: Path) -> None:
    url = "https://chalk.example/posts/push-pull-legs/"
    code, out, _ = run(str(post_file), "--url", url, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["url"] == url
    assert data["title"] == "A Push/Pull/Legs Split for Busy Weeks"
    assert data["images"][1]["url"].startswith("https://chalk.example/")
    assert data["images"][2]["caption"] == "Chin-ups with a slow lowering phase."
    assert [(c["id"], c["parent_id"]) for c in data["comments"]] == [
        ("12", None),
        ("13", "12"),
        ("15", "13"),
        ("14", None),
    ]


def test_without_url_a_file_is_its_file_uri(tmp_path: Path) -> None:
    path = tmp_path / "notes.html"
    path.write_text(
        "<html><head><title>Notes</title></head><body><main><h1>Rowing notes</h1>"
        "<p>Row at a steady rate of twenty strokes a minute, then sprint, then rest again.</p>"
        '<img src="img/erg.jpg" alt="The erg"></main></body></html>',
        encoding="utf-8",
    )
    code, out, _ = run(str(path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["url"] == path.resolve().as_uri()
    assert data["title"] == "Rowing notes"
    assert "Row at a steady rate" in data["body_text"]
    assert data["images"] == []  # archived images need an http(s) address: that is what --url gives


def test_jsonl_prints_one_object_per_input(post_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "about.html"
    other.write_bytes((SITES / "handmade" / "about" / "index.html").read_bytes())
    code, out, _ = run(str(post_file), str(other), "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["is_post"] for row in rows] == [True, False]
    assert rows[0]["title"] == "A Push/Pull/Legs Split for Busy Weeks"


def test_a_url_is_fetched_after_robots_txt() -> None:
    pages = {"/robots.txt": ("text/plain", ROBOTS)}
    with serve(pages) as (origin, requested):
        body = POST.replace(b"__ORIGIN__", origin.encode())
        pages["/posts/push-pull-legs/"] = ("text/html; charset=utf-8", body)
        code, out, err = run(f"{origin}/posts/push-pull-legs/", "--format", "jsonl")
    assert (code, err) == (0, "")
    assert requested == ["/robots.txt", "/posts/push-pull-legs/"]
    data = json.loads(out)
    assert data["url"] == f"{origin}/posts/push-pull-legs/"
    assert "Bench press | 4 x 6" in data["body_text"]
    assert data["images"][1]["url"].startswith(origin)


def test_robots_txt_disallowing_the_page_is_an_error() -> None:
    pages = {"/robots.txt": ("text/plain", ROBOTS), "/private/p/": ("text/html", POST)}
    with serve(pages) as (origin, requested):
        code, out, err = run(f"{origin}/private/p/")
    assert code == 1 and out == ""
    assert err == f"Error: {origin}/private/p/: robots.txt disallows fetching this page\n"
    assert requested == ["/robots.txt"]


def test_a_url_that_is_not_html_is_an_error() -> None:
    pages = {"/robots.txt": ("text/plain", ROBOTS), "/data.json": ("application/json", b'{"a": 1}')}
    with serve(pages) as (origin, _):
        code, _, err = run(f"{origin}/data.json")
    assert code == 1
    assert err == f"Error: {origin}/data.json: not an HTML page (application/json)\n"


def test_a_missing_page_is_an_error() -> None:
    with serve({"/robots.txt": ("text/plain", ROBOTS)}) as (origin, _):
        code, _, err = run(f"{origin}/gone/")
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"Error: {origin}/gone/: HTTP 404")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_url_is_one_line() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/post/"
    code, _, err = run(url)
    assert code == 1
    assert err.startswith(f"Error: {url}: cannot reach the site") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "not an HTML page (no HTML markup)"),
        (b"just a line of plain text\n", "not an HTML page (no HTML markup)"),
    ],
)
def test_a_file_that_is_not_html_is_an_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "thing.html"
    path.write_bytes(content)
    code, out, err = run(str(path))
    assert (code, out) == (1, "")
    assert err == f"Error: {path}: {problem}\n"


def test_an_unreadable_file_is_an_error(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "missing.html"))
    assert code == 1
    assert (
        err
        == f"Error: {tmp_path / 'missing.html'}: cannot read the file (No such file or directory)\n"
    )
    code, _, err = run(str(tmp_path))
    assert code == 1 and err.startswith(f"Error: {tmp_path}: cannot read the file")


def test_one_bad_input_among_several_still_prints_the_others(
    post_file: Path, tmp_path: Path
) -> None:
    code, out, err = run(str(tmp_path / "missing.html"), str(post_file), "--format", "jsonl")
    assert code == 1
    assert len(out.splitlines()) == 1 and json.loads(out)["is_post"] is True
    assert err.startswith("Error: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["a.html", "b.html", "--url", "https://chalk.example/p/"],
        ["a.html", "--url", "ftp://chalk.example/p/"],
        ["https://chalk.example/p/", "--url", "https://chalk.example/q/"],
        ["a.html", "--format", "xml"],
        [],
    ],
)
def test_bad_usage_exits_2(args: list[str]) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith(("Error: ", "Usage: "))
