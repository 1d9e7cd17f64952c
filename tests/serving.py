"""Run a fitarchive command that serves the archive with Datasette, and wait until it answers."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(argv: Sequence[str], port: int, *, cwd: Path | None = None,
            env: Mapping[str, str] | None = None, wait_s: float = 30.0) -> Iterator[str]:
    """Start ``argv`` (which serves on ``port``), yield its base URL once Datasette answers, stop it after.

    The test fails with the command's last output when it exits or does not answer within ``wait_s``.
    """
    with tempfile.TemporaryFile() as output:  # a file, not a pipe: a long-lived server's log never blocks it
        process = subprocess.Popen(list(argv), cwd=cwd, env=None if env is None else dict(env),
                                   stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    output.seek(0)
                    pytest.fail(f"{' '.join(argv[1:3])} did not serve: {output.read().decode()[-3000:]}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
