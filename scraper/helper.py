"""A forked helper process that runs functions for the crawl, answering over a socket pair.

The crawl's event loop sends ``(function, args)`` and awaits the answer; the
helper runs requests one at a time, in order. Compared with a
``ProcessPoolExecutor`` of one process there is no feeder thread and no
manager thread: a call costs the crawl about a fifth of the CPU, which
matters when every page and every post crosses to a helper.
"""

from __future__ import annotations

import asyncio
import collections
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, TypeVar

__all__ = ["BrokenProcessPool", "HelperProcess"]

T = TypeVar("T")
PARENT_POLL_S = 0.5
BUFFER_BYTES = 4 << 20  # socket buffers: the bounded requests and answers in flight fit without blocking


def _exit_with_parent() -> None:
    """In a helper process: exit as soon as the crawl process that started it is gone.

    A watcher thread polls the parent pid, so a crawl killed by SIGKILL or
    SIGTERM leaves no helper process behind.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _serve(conn: Connection, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    """The helper's loop: run each request, send back (True, result) or (False, exception).

    Ctrl-C reaches the whole process group and systemd's stop the whole unit,
    but those signals are the crawl's to handle: it still needs its helpers to
    finish (the writer commits what it saved), then ends them itself. So a
    helper ignores them, and exits on its own when its crawl is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _exit_with_parent()
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        function, args, kwargs = request
        try:
            reply: tuple[bool, Any] = (True, function(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            reply = (False, exc)
        try:
            conn.send(reply)
        except Exception as exc:  # the answer could not be pickled
            conn.send((False, RuntimeError(f"{getattr(function, '__name__', function)}: answer not sendable ({exc})")))


class HelperProcess:
    """One forked process that runs functions for the caller, in order.

    The fork happens in the constructor, so create it before the crawl opens
    any connection. At most ``max_pending`` calls are in flight; more wait
    their turn. When the process dies, pending and later calls raise
    ``BrokenProcessPool``. It ignores SIGINT and SIGTERM and exits when the
    process that started it is gone.
    """

    def __init__(self, *, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
                 max_pending: int = 16, name: str = "fitarchive-helper") -> None:
        ours, theirs = multiprocessing.Pipe(duplex=True)
        for end in (ours, theirs):
            with socket.socket(fileno=os.dup(end.fileno())) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER_BYTES)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUFFER_BYTES)
        self._process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(theirs, initializer, initargs), name=name, daemon=True)
        self._process.start()
        theirs.close()
        self._conn = ours
        self._pending: collections.deque[asyncio.Future[tuple[bool, Any]]] = collections.deque()
        self._max_pending = max_pending
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._broken = False

    @property
    def pid(self) -> int | None:
        return self._process.pid

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``function(*args, **kwargs)`` in the helper and return its result (or raise its error)."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._attach(loop)
        assert self._slots is not None
        async with self._slots:
            if self._broken:
                raise BrokenProcessPool("the helper process is gone")
            future: asyncio.Future[tuple[bool, Any]] = loop.create_future()
            self._pending.append(future)
            try:
                self._conn.send((function, args, kwargs))
            except OSError:
                self._fail_pending()
                raise BrokenProcessPool("the helper process is gone") from None
            ok, value = await future
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def call_now(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function`` and wait for it without the event loop (for cleanup)."""
        if self._broken:
            raise BrokenProcessPool("the helper process is gone")
        try:
            self._conn.send((function, args, {}))
            while True:  # answers to calls sent earlier come first
                ok, value = self._conn.recv()
                if not self._pending:
                    break
                earlier = self._pending.popleft()
                if not earlier.done():
                    earlier.set_result((ok, value))
        except (EOFError, OSError):
            self._fail_pending()
            raise BrokenProcessPool("the helper process is gone") from None
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """Ask the helper to finish; kill it if it does not."""
        self._detach()
        if self._process.is_alive():
            try:
                self._conn.send(None)
            except OSError:
                pass
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(timeout=5)
        self._conn.close()
        self._broken = True

    def _attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._detach()
        self._loop = loop
        self._slots = asyncio.Semaphore(self._max_pending)
        loop.add_reader(self._conn.fileno(), self._on_answer)

    def _detach(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._conn.fileno())
        self._loop = None

    def _on_answer(self) -> None:
        try:
            while self._conn.poll():
                answer = self._conn.recv()
                if self._pending:
                    future = self._pending.popleft()
                    if not future.done():
                        future.set_result(answer)
        except (EOFError, OSError):
            self._detach()
            self._fail_pending()

    def _fail_pending(self) -> None:
        self._broken = True
        while self._pending:
            future = self._pending.popleft()
            if not future.done():
                future.set_exception(BrokenProcessPool("the helper process died"))
