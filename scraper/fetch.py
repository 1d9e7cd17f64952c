"""Polite HTTP: robots.txt, per-host pacing, retries, size caps, conditional GETs.

``Fetcher.fetch`` turns a URL into a ``Fetched`` record and never raises for a
per-URL failure: the error is in ``Fetched.error``. ``httpx`` stays inside this
module. Imports leaves only (config, errors, records, urls).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import select
import socket
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from protego import Protego
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from scraper.config import Settings
from scraper.errors import UnreachableError
from scraper.records import Fetched
from scraper.urls import host_key, is_private_address, politeness_key

__all__ = ["Downloader", "Fetcher", "HostSlot", "RETRY_STATUSES", "check_reachable", "pool_size"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
MAX_REDIRECTS = 5
CONNECTION_FAILED = "connection failed"
SEND_MARGIN_S = 0.005
# httpcore's trace events that say a request's headers went out (HTTP/1.1 and HTTP/2).
_HEADERS_SENT = frozenset({"http11.send_request_headers.complete", "http2.send_request_headers.complete"})
HOST_NOT_FOUND = "host not found"


class _Inflater:
    """Undo gzip/deflate Content-Encoding without ever producing more than asked for.

    httpx inflates each network chunk in one go, so a gzip bomb turns 64 KiB
    read into up to 64 MiB held in memory; ``feed`` yields small pieces and
    stops after ``max_out`` bytes.
    """

    PIECE = 256 * 1024

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._first = True
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, max_out: int) -> Iterator[bytes]:
        """Inflate ``data`` piece by piece, yielding at most ``max_out`` (>= 1) bytes in all."""
        produced = 0
        while data and produced < max_out:
            try:
                piece = self._inflate.decompress(data, min(self.PIECE, max_out - produced))
            except zlib.error as exc:
                if self._first and not self._gzip:  # "deflate" sent as raw deflate
                    self._first = False
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise httpx.DecodingError(str(exc)) from None
            self._first = False
            produced += len(piece)
            data = self._inflate.unconsumed_tail
            yield piece


class _Retryable(Exception):
    """A response or failure worth another attempt."""

    def __init__(self, fetched: Fetched) -> None:
        super().__init__(fetched.error or str(fetched.status))
        self.fetched = fetched


@dataclass
class HostSlot:
    """Paces requests to one host: at most ``concurrency`` in flight, their starts ``delay_s`` apart.

    A Retry-After pause (``hold_off``) quiets this host only. ``waiting_for``
    says why the host's next request waits, for progress displays.
    """

    concurrency: int
    delay_s: float
    semaphore: asyncio.Semaphore = field(init=False)
    next_start: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting_for: str = "delay"  # "delay", "Crawl-delay" or "Retry-After"

    def __post_init__(self) -> None:
        self.semaphore = asyncio.Semaphore(self.concurrency)

    @asynccontextmanager
    async def turn(self, in_flight: asyncio.Semaphore) -> AsyncIterator[None]:
        """Hold one of this host's request places and one of the run's, started on time.

        The next start is counted from the moment this request really starts
        (after it got a place under the run-wide cap), and again from the
        moment its headers leave (``mark_sent``): a request held back by the
        cap or by connection set-up never lets the next one reach the server
        sooner than the delay after it.
        """
        async with self.semaphore:
            async with self.lock:
                while True:  # the request before may push the start back while it is being sent
                    wait = self.next_start - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                        continue
                    await in_flight.acquire()
                    if self.next_start <= time.monotonic():
                        break
                    in_flight.release()
                self.next_start = time.monotonic() + self.delay_s
            try:
                yield
            finally:
                in_flight.release()

    def mark_sent(self) -> None:
        """A request's headers just left: the next may not start before the delay from now.

        A few milliseconds are added to a non-zero delay: servers stamp requests
        with a coarse, cached clock, and their logs must never show a shorter gap.
        """
        margin = SEND_MARGIN_S if self.delay_s > 0 else 0.0
        self.next_start = max(self.next_start, time.monotonic() + self.delay_s + margin)

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook for this host's requests: ``mark_sent`` once the headers are out."""
        if event in _HEADERS_SENT:
            self.mark_sent()

    def hold_off(self, seconds: float, reason: str = "Retry-After") -> None:
        """Keep the host quiet for ``seconds`` from now."""
        until = time.monotonic() + seconds
        if until > self.next_start:
            self.next_start = until
            self.waiting_for = reason

    def slow_down(self, delay_s: float, reason: str) -> None:
        """Space this host's requests at least ``delay_s`` apart from now on."""
        if delay_s > self.delay_s:
            self.delay_s = delay_s
            self.waiting_for = reason


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


class Downloader:
    """The HTTP side of a whole run: one client, one slot per host, a cap on requests in flight.

    Every blog of a run fetches through it (each through its own ``Fetcher``
    view), so per-host pacing holds across blogs that share a host and no
    host ever slows another. robots.txt is read once per host.
    """

    def __init__(
        self,
        *,
        max_in_flight: int = 16,
        connections: int = 8,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.resolve_names = transport is None  # a test transport has no DNS to ask
        self.client = httpx.AsyncClient(
            transport=transport or _PooledTransport(limits),
            headers={"Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            limits=limits,
        )
        self.in_flight = asyncio.Semaphore(max(1, max_in_flight))
        self.slots: dict[str, HostSlot] = {}
        self.robots: dict[str, Protego | None] = {}
        self.robots_locks: dict[str, asyncio.Lock] = {}
        self.private_hosts: dict[str, bool] = {}
        self.unreachable: dict[str, str] = {}  # host -> why robots.txt got no answer
        self.requests_made = 0
        self.bytes_received = 0

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()

    def slot(self, url: str, settings: Settings) -> HostSlot:
        """The pacing slot of ``url``'s host (created with ``settings`` on first use).

        Two blogs on one host share it; the longer delay wins.
        """
        key = politeness_key(url)
        slot = self.slots.get(key)
        if slot is None:
            slot = HostSlot(settings.concurrency, settings.delay_s)
            self.slots[key] = slot
        else:
            slot.slow_down(settings.delay_s, "delay")
        return slot

    def robots_lock(self, url: str) -> asyncio.Lock:
        """The lock that makes one blog at a time read ``url``'s robots.txt."""
        return self.robots_locks.setdefault(host_key(url), asyncio.Lock())

    def busiest_wait(self) -> tuple[str, float, str] | None:
        """(host, seconds, reason) of the host whose next request waits longest, or None."""
        now = time.monotonic()
        waits = [(slot.next_start - now, key, slot.waiting_for) for key, slot in self.slots.items()]
        if not waits:
            return None
        wait, key, reason = max(waits)
        return (key, wait, reason) if wait > 0 else None


class Fetcher:
    """One blog's polite view of the run's ``Downloader``.

    ``allowed_hosts`` lists the hosts (host[:port], or a bare host name that
    also admits its subdomains) that URLs and redirects may lead to; empty
    admits any host. A host that is, or resolves to, a private, link-local or
    reserved address (loopback excepted) is refused unless it is
    ``site_host``, the site being crawled. robots.txt is obeyed when
    ``settings.obey_robots``. Without a ``downloader`` the fetcher makes and
    owns one of its own.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        allowed_hosts: set[str] | None = None,
        site_host: str | None = None,
        downloader: Downloader | None = None,
    ) -> None:
        self.settings = settings
        self.allowed_hosts = allowed_hosts if allowed_hosts is not None else set()
        self.site_host = site_host
        self._owns_downloader = downloader is None
        self.downloader = downloader or Downloader(
            max_in_flight=max(settings.concurrency, 1), connections=pool_size(settings), transport=transport)
        self._headers = {"User-Agent": settings.full_user_agent}

    @property
    def requests_made(self) -> int:
        """Requests sent through the downloader (all blogs sharing it)."""
        return self.downloader.requests_made

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool when this fetcher owns it."""
        if self._owns_downloader:
            await self.downloader.aclose()

    # ------------------------------------------------------------ robots

    async def robots_for(self, url: str) -> Protego | None:
        """Fetch and parse robots.txt of ``url``'s host once per run; None when there is none."""
        host = host_key(url)
        known = self.downloader.robots
        async with self.downloader.robots_lock(url):
            if host in known:
                return known[host]
            parts = urlsplit(url)
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            fetched = await self._fetch_paced(robots_url, max_bytes=512 * 1024)
            if fetched.status == 0 and fetched.error and not fetched.robots_disallowed:
                self.downloader.unreachable[host] = fetched.error
            parser = None
            if fetched.error is None and fetched.status == 200:
                parser = Protego.parse(fetched.content.decode("utf-8", "replace"))
                delay = parser.crawl_delay(self.settings.user_agent)
                if delay:
                    slot = self.downloader.slot(url, self.settings)
                    slot.slow_down(float(delay), "Crawl-delay")
                    slot.hold_off(slot.delay_s, "Crawl-delay")
                    log.info("robots.txt of %s asks for Crawl-delay %ss", host, delay)
            known[host] = parser
            return parser

    def seems_unreachable(self, url: str) -> str | None:
        """Why fetching robots.txt of ``url``'s host got no answer at all ("host not found", ...), or None."""
        return self.downloader.unreachable.get(host_key(url))

    async def allowed(self, url: str) -> bool:
        """True when robots.txt lets our user agent fetch ``url``."""
        if not self.settings.obey_robots:
            return True
        parser = await self.robots_for(url)
        return parser is None or parser.can_fetch(url, self.settings.user_agent)

    async def sitemaps_from_robots(self, url: str) -> list[str]:
        """The ``Sitemap:`` URLs listed in robots.txt of ``url``'s host."""
        parser = await self.robots_for(url)
        return list(parser.sitemaps) if parser is not None else []

    # ------------------------------------------------------------ where we may go

    def _host_allowed(self, url: str) -> bool:
        if not self.allowed_hosts:
            return True
        key = host_key(url)
        name = (urlsplit(url).hostname or "").lower()
        return key in self.allowed_hosts or any(
            name == allowed or name.endswith("." + allowed) for allowed in self.allowed_hosts if ":" not in allowed
        )

    async def _is_private(self, url: str) -> bool:
        """True when ``url``'s host is or resolves to a non-loopback private/reserved address."""
        if self.site_host is not None and host_key(url) == self.site_host:
            return False
        host = (urlsplit(url).hostname or "").lower()
        cache = self.downloader.private_hosts
        if host in cache:
            return cache[host]
        addresses = [host]
        if self.downloader.resolve_names and not _is_ip_literal(host):
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError):
                infos = []  # unresolvable: the request fails on its own
            addresses += [str(info[4][0]).split("%", 1)[0] for info in infos]
        private = any(is_private_address(address) for address in addresses)
        cache[host] = private
        return private

    async def _refusal(self, url: str) -> str | None:
        """Why ``url`` must not be requested at all, or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"not an http(s) URL ({parts.scheme or 'no scheme'}:); refused"
        if not self._host_allowed(url):
            return f"off-site URL ({parts.netloc}) refused; only the site and allowed image hosts are fetched"
        if await self._is_private(url):
            return f"{parts.netloc} is a private network address; refused"
        return None

    # ------------------------------------------------------------ fetching

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        check_robots: bool = True,
    ) -> Fetched:
        """GET ``url`` politely, retrying what is worth retrying.

        Returns a ``Fetched`` whose ``error`` explains any failure, including
        a robots.txt refusal.
        """
        refusal = await self._refusal(url)
        if refusal is not None:
            log.warning("%s: %s", url, refusal)
            return Fetched(url=url, final_url=url, status=0, error=refusal, fetched_at=datetime.now(timezone.utc))
        if check_robots and not await self.allowed(url):
            log.warning("robots.txt disallows %s", url)
            return Fetched(url=url, final_url=url, status=0, error="robots.txt disallows this URL",
                           fetched_at=datetime.now(timezone.utc), robots_disallowed=True)
        return await self._fetch_paced(url, etag=etag, last_modified=last_modified, max_bytes=max_bytes)

    async def _fetch_paced(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> Fetched:
        slot = self.downloader.slot(url, self.settings)
        attempts = AsyncRetrying(
            stop=stop_after_attempt(self.settings.retries + 1),
            wait=wait_random_exponential(multiplier=0.5, max=30),
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            async for attempt in attempts:
                with attempt:
                    async with slot.turn(self.downloader.in_flight):
                        fetched = await self._fetch_following(url, etag, last_modified, max_bytes, slot)
                    if fetched.status in RETRY_STATUSES or fetched.error == CONNECTION_FAILED:
                        retry_after = _retry_after_seconds(fetched.header("retry-after"))
                        if retry_after is not None:
                            if retry_after > self.settings.max_retry_after_s:
                                return _with_error(fetched, f"HTTP {fetched.status}: Retry-After {retry_after:.0f}s is too long")
                            log.info("%s answered %s; waiting %.1fs (Retry-After)", url, fetched.status, retry_after)
                            slot.hold_off(retry_after)
                        raise _Retryable(fetched)
        except _Retryable as exc:
            return exc.fetched
        return fetched

    async def _fetch_following(
        self, url: str, etag: str | None, last_modified: str | None, max_bytes: int | None, slot: HostSlot
    ) -> Fetched:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            fetched, location = await self._fetch_once(current, url, etag, last_modified, max_bytes, slot)
            if location is None:
                return fetched
            target = urljoin(current, location)
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https"):
                return _with_error(fetched, f"redirect to a non-http URL ({parts.scheme}:) refused")
            if not self._host_allowed(target) and host_key(target) != host_key(url):
                return _with_error(fetched, f"redirect off the site to {parts.netloc} refused")
            if await self._is_private(target):
                return _with_error(fetched, f"redirect to a private network address ({parts.netloc}) refused")
            current = target
        return _with_error(fetched, f"too many redirects (more than {MAX_REDIRECTS})")

    async def _fetch_once(
        self, url: str, original: str, etag: str | None, last_modified: str | None, max_bytes: int | None,
        slot: HostSlot,
    ) -> tuple[Fetched, str | None]:
        headers = dict(self._headers)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        limit = max_bytes or self.settings.max_body_bytes
        started = time.monotonic()
        moment = datetime.now(timezone.utc)
        downloader = self.downloader
        downloader.requests_made += 1
        try:
            async with asyncio.timeout(self.settings.timeout_s * 2):
                async with downloader.client.stream("GET", url, headers=headers, timeout=self.settings.timeout_s,
                                                    extensions={"trace": slot.trace}) as response:
                    location = response.headers.get("location") if response.is_redirect else None
                    chunks = []
                    size = 0
                    too_big = False
                    declared = response.headers.get("content-length")
                    encoding = response.headers.get("content-encoding", "").strip().lower()
                    if declared and declared.isdigit() and int(declared) > limit:
                        too_big = True
                    elif encoding in ("gzip", "x-gzip", "deflate") and not response.is_stream_consumed:
                        inflater = _Inflater(encoding)
                        async for raw in response.aiter_raw():
                            for chunk in inflater.feed(raw, limit - size + 1):
                                size += len(chunk)
                                if size > limit:
                                    too_big = True
                                    break
                                chunks.append(chunk)
                            if too_big:
                                break
                    else:
                        async for chunk in response.aiter_bytes():
                            size += len(chunk)
                            if size > limit:
                                too_big = True
                                break
                            chunks.append(chunk)
                    downloader.bytes_received += size
        except TimeoutError:
            return self._failed(original, url, started, moment, "timed out (no complete answer)"), None
        except httpx.TimeoutException:
            return self._failed(original, url, started, moment, "timed out"), None
        except httpx.ConnectError as exc:
            return self._failed(original, url, started, moment, _connect_error(exc)), None
        except httpx.ConnectTimeout:
            return self._failed(original, url, started, moment, CONNECTION_FAILED), None
        except httpx.DecodingError as exc:
            return self._failed(original, url, started, moment, f"bad content encoding ({exc})"), None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            return self._failed(original, url, started, moment, f"connection broken mid-answer ({type(exc).__name__})"), None
        except httpx.HTTPError as exc:
            return self._failed(original, url, started, moment, f"HTTP error ({type(exc).__name__}: {exc})"), None
        except httpx.InvalidURL as exc:  # also raised for a Location such as "javascript:..."
            return self._failed(original, url, started, moment, f"invalid URL or redirect target refused ({exc})"), None
        elapsed = int((time.monotonic() - started) * 1000)
        fetched = Fetched(
            url=original,
            final_url=url,
            status=response.status_code,
            content=b"" if too_big else b"".join(chunks),
            content_type=response.headers.get("content-type", ""),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            not_modified=response.status_code == 304,
            elapsed_ms=elapsed,
            fetched_at=moment,
            error=f"body larger than {limit} bytes" if too_big else (
                None if response.status_code < 400 or response.status_code == 304 else f"HTTP {response.status_code}"
            ),
            headers=tuple(response.headers.multi_items()),
        )
        log.debug("GET %s -> %s (%d bytes, %d ms)", url, response.status_code, len(fetched.content), elapsed)
        return fetched, location

    def _failed(self, original: str, url: str, started: float, moment: datetime, error: str) -> Fetched:
        return Fetched(
            url=original,
            final_url=url,
            status=0,
            elapsed_ms=int((time.monotonic() - started) * 1000),
            fetched_at=moment,
            error=error,
        )


class _PooledTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over an httpcore pool whose idle-connection probe is one ``poll``.

    Before each request httpcore asks every idle pooled connection whether
    its socket has become readable (the server closed it). Through anyio
    that question also builds a dictionary of socket attributes and calls
    ``getpeername``: a fifth of a fast crawl's event-loop time. The probe
    below answers it from the socket directly; everything else is httpx's.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        ssl_context = httpx.create_ssl_context()  # ~20 ms: made once, shared with httpx's own pool
        super().__init__(verify=ssl_context, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_ProbingBackend(httpcore.AnyIOBackend()),
        )


class _ProbingBackend(httpcore.AsyncNetworkBackend):
    """Opens connections with the wrapped backend; their streams probe readability cheaply."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                                 socket_options=socket_options)
        return _ProbingStream(stream)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        return _ProbingStream(await self._backend.connect_unix_socket(path, timeout=timeout,
                                                                      socket_options=socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class _ProbingStream(httpcore.AsyncNetworkStream):
    """A network stream that answers ``is_readable`` with one ``poll`` on its socket."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._poller: select.poll | None = None
        sock: socket.socket | None = stream.get_extra_info("socket")
        if sock is not None:
            self._poller = select.poll()
            self._poller.register(sock, select.POLLIN)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        self._poller = None  # its descriptor number may soon belong to another socket
        await self._stream.aclose()

    async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        return _ProbingStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._poller is not None:
            # Readable while idle: data, end of stream, an error, or a closed socket (POLLNVAL).
            return bool(self._poller.poll(0))
        return self._stream.get_extra_info(info)


def pool_size(settings: Settings, blogs: int = 1) -> int:
    """Pooled connections for ``blogs`` blogs crawled with ``settings`` side by side.

    httpx's pool probes every idle connection before each request (httpx
    issue #3215), so it costs more CPU the more connections it holds. A
    polite crawl keeps a few spare per host; a crawl without delay is
    CPU-bound and a few busy keep-alive connections carry it best.
    """
    if settings.unpaced:
        per_blog = min(max(settings.concurrency, 2), 4)
    else:
        per_blog = min(max(settings.concurrency * 2, 4), 8)
    return per_blog if blogs <= 1 else min(max(per_blog, blogs * settings.concurrency), 64)


def _connect_error(exc: httpx.ConnectError) -> str:
    """Tell a name that does not resolve (not worth retrying) from a refused or dropped connection."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return HOST_NOT_FOUND
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "name or service not known" in text or "nodename nor servname" in text or "name resolution" in text:
        return HOST_NOT_FOUND
    return CONNECTION_FAILED


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _with_error(fetched: Fetched, error: str) -> Fetched:
    return Fetched(
        url=fetched.url,
        final_url=fetched.final_url,
        status=fetched.status,
        elapsed_ms=fetched.elapsed_ms,
        fetched_at=fetched.fetched_at,
        error=error,
        headers=fetched.headers,
    )


async def check_reachable(fetcher: Fetcher, url: str) -> Fetched:
    """Fetch the seed page; raise when the host cannot be reached at all.

    :raises UnreachableError: DNS or connection failure, or a timeout.
    """
    fetched = await fetcher.fetch(url, check_robots=False)
    if fetched.status == 0 and fetched.error and "robots" not in fetched.error:
        raise UnreachableError(f"{url}: cannot reach the site ({fetched.error})", url=url)
    return fetched
