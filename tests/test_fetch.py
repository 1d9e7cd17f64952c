"""Polite HTTP: robots.txt, Retry-After, retries, redirects and size caps (mock transport)."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time

import httpx
import pytest

from scraper.config import Settings
from scraper.fetch import Fetcher
from scraper.urls import host_key

FAST = Settings(delay_s=0.0, retries=2, timeout_s=5)


def run(coro):  # noqa: ANN001, ANN201 - tiny helper
    return asyncio.run(coro)


async def fetch_with(handler, url: str, settings: Settings = FAST, **kwargs):  # noqa: ANN001, ANN201
    async with Fetcher(settings, transport=httpx.MockTransport(handler), allowed_hosts={"blog.test"}) as fetcher:
        return await fetcher.fetch(url, **kwargs), fetcher


def test_robots_disallow_is_honored() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /private/\n")
        return httpx.Response(200, text="ok")

    fetched, _ = run(fetch_with(handler, "http://blog.test/private/x/"))
    assert fetched.error == "robots.txt disallows this URL"
    assert seen == ["/robots.txt"]


def test_crawl_delay_from_robots_spaces_requests() -> None:
    stamps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nCrawl-delay: 0.3\n")
        stamps.append(time.monotonic())
        return httpx.Response(200, text="ok")

    async def go() -> None:
        async with Fetcher(FAST, transport=httpx.MockTransport(handler)) as fetcher:
            await asyncio.gather(*(fetcher.fetch(f"http://blog.test/{i}") for i in range(3)))

    run(go())
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert len(stamps) == 3 and min(gaps) >= 0.28


def test_retry_after_delays_the_next_request_to_the_host() -> None:
    stamps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        stamps.append(time.monotonic())
        if len(stamps) == 1:
            return httpx.Response(429, headers={"Retry-After": "1"})
        return httpx.Response(200, text="fine")

    fetched, _ = run(fetch_with(handler, "http://blog.test/a"))
    assert fetched.status == 200 and fetched.content == b"fine"
    assert stamps[1] - stamps[0] >= 0.99


def test_server_errors_are_retried_then_reported() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        calls += 1
        return httpx.Response(503)

    fetched, _ = run(fetch_with(handler, "http://blog.test/a", Settings(delay_s=0, retries=2)))
    assert calls == 3
    assert fetched.error == "HTTP 503" and not fetched.ok


def test_redirect_off_site_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": "http://elsewhere.test/x"})

    fetched, _ = run(fetch_with(handler, "http://blog.test/a"))
    assert fetched.error == "redirect off the site to elsewhere.test refused"


def test_redirect_loop_ends_with_an_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(301, headers={"Location": "/loop" if request.url.path != "/loop" else "/a"})

    fetched, _ = run(fetch_with(handler, "http://blog.test/a"))
    assert fetched.error is not None and "too many redirects" in fetched.error


def test_gzip_bomb_is_cut_at_the_body_limit() -> None:
    bomb = gzip.compress(b"\0" * (30 * 1024 * 1024))

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})

    fetched, _ = run(fetch_with(handler, "http://blog.test/a", Settings(delay_s=0, max_body_bytes=1024 * 1024)))
    assert fetched.error == "body larger than 1048576 bytes"
    assert fetched.content == b""


def test_conditional_get_sends_validators_and_reports_304() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, text="body", headers={"ETag": '"v1"'})

    fetched, _ = run(fetch_with(handler, "http://blog.test/a", etag='"v1"'))
    assert fetched.not_modified and fetched.ok and fetched.content == b""


@pytest.mark.parametrize("contact", ["ops@example.org"])
def test_user_agent_is_descriptive(contact: str) -> None:
    agents: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        agents.append(request.headers["user-agent"])
        return httpx.Response(404)

    run(fetch_with(handler, "http://blog.test/a", Settings(delay_s=0, contact=contact)))
    assert agents and all(a.startswith("fitarchive/") and contact in a for a in agents)


def test_idle_connection_probe_sees_a_closed_or_talking_peer() -> None:
    import socket

    from scraper.fetch import _ProbingStream

    class Raw:  # the part of an httpcore stream the probe uses
        def __init__(self, sock: socket.socket) -> None:
            self.sock = sock

        def get_extra_info(self, info: str) -> object:
            return self.sock if info == "socket" else None

    ours, theirs = socket.socketpair()
    stream = _ProbingStream(Raw(ours))  # type: ignore[arg-type]
    try:
        assert not stream.get_extra_info("is_readable")  # idle and open: reusable
        theirs.sendall(b"x")
        assert stream.get_extra_info("is_readable")  # unexpected bytes: not reusable
        ours.recv(1)
        theirs.close()
        assert stream.get_extra_info("is_readable")  # the peer closed it: end of stream is readable
    finally:
        ours.close()
    assert stream.get_extra_info("is_readable")  # a closed socket is never reused


def test_fetcher_reuses_pooled_connections_through_the_probing_transport() -> None:
    from scraper.fetch import _PooledTransport
    from scraper.sample_site import serve_sample_blog

    async def fetch_twice(url: str) -> list[int]:
        async with Fetcher(Settings(delay_s=0, concurrency=1, obey_robots=False),
                           allowed_hosts={host_key(url)}, site_host=host_key(url)) as fetcher:
            assert isinstance(fetcher.downloader.client._transport, _PooledTransport)
            return [(await fetcher.fetch(url)).status for _ in range(3)]

    with serve_sample_blog() as url:
        assert asyncio.run(fetch_twice(url)) == [200, 200, 200]


def test_a_name_that_does_not_resolve_reads_host_not_found_and_is_not_retried() -> None:
    from scraper.fetch import CONNECTION_FAILED, HOST_NOT_FOUND, _connect_error

    def failing(cause: BaseException) -> httpx.ConnectError:
        try:
            raise httpx.ConnectError("connect failed") from cause
        except httpx.ConnectError as exc:
            return exc

    assert _connect_error(failing(socket.gaierror(-2, "Name or service not known"))) == HOST_NOT_FOUND
    assert _connect_error(httpx.ConnectError("[Errno -2] Name or service not known")) == HOST_NOT_FOUND
    assert _connect_error(failing(ConnectionRefusedError(111, "Connection refused"))) == CONNECTION_FAILED

    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    async def fetch() -> str | None:
        async with Fetcher(Settings(delay_s=0, retries=3, obey_robots=False),
                           transport=httpx.MockTransport(handler)) as fetcher:
            return (await fetcher.fetch("http://blog.test/")).error

    assert asyncio.run(fetch()) == HOST_NOT_FOUND
    assert calls == 1  # a missing name is not worth another attempt
