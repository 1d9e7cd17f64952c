"""Shared pieces of the benchmark scripts: local static servers, measured child
processes, the server-ceiling client and a description of the machine.

Every server listens on 127.0.0.1 only; every request loop is bounded in count
and time.
"""

from __future__ import annotations

import asyncio
import http.server
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

LOG_FORMAT = '$request_method $request_uri $status $body_bytes_sent $request_time "$http_user_agent"'
_LOG_LINE = re.compile(r'^(\S+) (\S+) (\d{3}) (\d+) \S+ "(.*)"$')


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so ``finally`` blocks stop the servers this run started."""
    signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(143))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LogStats:
    requests: int = 0
    bytes: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    html_requests: int = 0  # everything but images, sitemaps, feeds and robots.txt

    def add(self, uri: str, status: int, size: int) -> None:
        self.requests += 1
        self.bytes += size
        self.by_status[status] = self.by_status.get(status, 0) + 1
        path = uri.split("?", 1)[0]
        if not (path.startswith("/wp-content/") or path.endswith((".xml", "/feed/")) or path == "/robots.txt"):
            self.html_requests += 1


class _Server:
    """A running static server; ``mark()`` and ``stats_since()`` read its access log."""

    kind = "?"
    base_url: str
    access_log: Path

    def mark(self) -> int:
        self.flush()
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def flush(self) -> None:
        pass

    def stats_since(self, offset: int) -> LogStats:
        self.flush()
        stats = LogStats()
        if not self.access_log.exists():
            return stats
        with self.access_log.open("rb") as fh:
            fh.seek(offset)
            for raw in fh:
                match = _LOG_LINE.match(raw.decode("utf-8", "replace").rstrip("\n"))
                if match:
                    stats.add(match.group(2), int(match.group(3)), int(match.group(4)))
        return stats

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def nginx_site(listen: str, root: Path) -> str:
    """One ``server`` block serving a generated blog's files like a WordPress site."""
    return f"""
    server {{
        listen {listen};
        root {root.resolve()};
        location /wp-json/ {{ return 404; }}
        location ~ /feed/$ {{
            types {{ }}
            default_type application/rss+xml;
            try_files ${{uri}}index.xml =404;
        }}
        location / {{ try_files $uri $uri/index.html =404; }}
    }}"""


def nginx_config(
    workdir: Path, access_log: Path, log_format: str, servers: str, *, workers: int = 1,
    connections: int = 1024,
) -> str:
    """A private nginx configuration: pid, logs and temporary files under ``workdir``."""
    temp = workdir / "tmp"
    temp.mkdir(exist_ok=True)
    return f"""
worker_processes {workers};
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    types {{
        text/html html; text/plain txt; application/xml xml; application/json json;
        image/jpeg jpg jpeg; image/png png; image/gif gif; image/webp webp;
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html text/plain application/xml;
    log_format bench '{log_format}';
    access_log {access_log} bench;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;{servers}
}}
"""


class NginxServer(_Server):
    """Debian's nginx with a private config, pid and logs under ``workdir``."""

    kind = "nginx"

    def __init__(self, root: Path, workdir: Path, port: int | None = None, workers: int = 1) -> None:
        if NGINX is None:
            raise RuntimeError("nginx is not installed (apt-get install -y nginx-light)")
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        workdir.mkdir(parents=True, exist_ok=True)
        self.access_log = workdir / "access.log"
        if self.access_log.exists():
            self.access_log.unlink()
        conf = workdir / "nginx.conf"
        site = nginx_site(f"127.0.0.1:{self.port}", root)
        conf.write_text(nginx_config(workdir, self.access_log, LOG_FORMAT, site, workers=workers))
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        _wait_listening(self.port, self.proc)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class _Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_file: object = None
    lock = threading.Lock()

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def translate_path(self, path: str) -> str:
        local = super().translate_path(path)
        if path.split("?", 1)[0].endswith("/feed/"):
            return os.path.join(local, "index.xml")
        return local

    def guess_type(self, path: str) -> str:
        if path.endswith(os.sep + "index.xml") and os.sep + "feed" + os.sep in path:
            return "application/rss+xml"
        return super().guess_type(path)

    def send_head(self):  # type: ignore[no-untyped-def]
        if self.path.startswith("/wp-json/"):
            self.send_error(404)
            return None
        return super().send_head()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self._status = int(code) if str(code).isdigit() else 0
        self._sent_length = 0

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "content-length":
            self._sent_length = int(value)
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        status = getattr(self, "_status", 0)
        sent = getattr(self, "_sent_length", 0)
        body = 0 if self.command == "HEAD" or status == 304 else sent
        line = f'{self.command} {self.path} {status} {body} 0 "{self.headers.get("User-Agent", "")}"\n'
        with self.lock:
            self.log_file.write(line)  # type: ignore[attr-defined]
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class StdlibServer(_Server):
    """``http.server`` in a thread: the fallback when nginx is not installed (smoke tests)."""

    kind = "http.server"

    def __init__(self, root: Path, workdir: Path, port: int | None = None) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.access_log = workdir / "access.log"
        self._log = self.access_log.open("w", encoding="utf-8")
        directory = str(root.resolve())
        log = self._log

        class Handler(_Handler):
            log_file = log

            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, directory=directory, **kwargs)  # type: ignore[arg-type]

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port or 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self.thread.start()

    def flush(self) -> None:
        with _Handler.lock:
            self._log.flush()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._log.close()


def open_for_server(site: Path) -> None:
    """Let nginx's workers (another user) reach ``site``: mkdtemp folders are 0700.

    Adds o+rx to the folders above ``site`` that this user owns, up to the temp root.
    """
    stop = {Path(tempfile.gettempdir()).resolve(), Path("/")}
    for folder in [site.resolve(), *site.resolve().parents]:
        if folder in stop:
            break
        info = folder.stat()
        if info.st_uid == os.geteuid() and not info.st_mode & 0o001:
            folder.chmod(info.st_mode | 0o005)


def start_server(root: Path, workdir: Path, kind: str = "auto", port: int | None = None) -> _Server:
    """Serve ``root`` on 127.0.0.1 with nginx when installed (``kind`` auto/nginx/stdlib)."""
    if kind == "nginx" or (kind == "auto" and NGINX is not None):
        return NginxServer(root, workdir, port=port)
    return StdlibServer(root, workdir, port=port)


def _wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {err}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


# ---------------------------------------------------------------- measured children


@dataclass
class ChildRun:
    returncode: int
    wall_s: float
    cpu_s: float  # user + sys of the child (and of children it waited for)
    user_s: float
    sys_s: float
    max_rss_mib: float  # peak resident set size of the child's own program (VmHWM after exec)
    tree_pss_mib: float  # peak PSS summed over the child and its descendants (e.g. a parser pool)
    processes: int  # most processes seen in the child's tree at once
    stdout: str
    stderr: str


def run_measured(cmd: Sequence[str], *, timeout: float = 900.0, env: dict[str, str] | None = None,
                 cwd: Path | None = None) -> ChildRun:
    """Run ``cmd`` and return its wall time, CPU time and peak RSS (from wait4's rusage)."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-child-{os.getpid()}-{time.monotonic_ns()}"
    with open(f"{out_path}.out", "w+b") as out, open(f"{out_path}.err", "w+b") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=cwd)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        peak: dict[str, int] = {}
        done = threading.Event()
        poller = threading.Thread(target=_poll_memory, args=(proc.pid, list(cmd), peak, done), daemon=True)
        poller.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            done.set()
            poller.join(5)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return ChildRun(
        returncode=proc.returncode, wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime,
        user_s=usage.ru_utime, sys_s=usage.ru_stime,
        max_rss_mib=(peak.get("hwm") or usage.ru_maxrss) / 1024,
        tree_pss_mib=peak.get("tree_pss", 0) / 1024, processes=peak.get("processes", 1),
        stdout=stdout, stderr=stderr,
    )


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue and len(found) < 256:
        current = queue.pop()
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in children:
                found.append(int(child))
                queue.append(int(child))
    return found


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _poll_memory(pid: int, cmd: Sequence[str], peak: dict[str, int], done: threading.Event,
                 interval: float = 0.05) -> None:
    """Track the child's own VmHWM and the peak PSS of its whole process tree (KiB).

    wait4's ru_maxrss is not used: Linux carries the peak of the address space
    the child had before exec (this runner's, which may hold a generated blog)
    into it. Nothing is read until ``/proc/PID/cmdline`` shows the exec'd
    command. The tree figure counts worker processes (a parser pool), with
    pages shared between them counted once (PSS).
    """
    expected = "\0".join(cmd).encode() + b"\0"
    root = Path(f"/proc/{pid}")
    tick = 0
    while True:
        try:
            if (root / "cmdline").read_bytes() == expected:
                peak["hwm"] = max(peak.get("hwm", 0), _status_kib(pid, "VmHWM:"))
                if tick % 2 == 0:  # smaps_rollup is dearer: every other tick
                    tree = [pid, *_descendants(pid)]
                    peak["tree_pss"] = max(peak.get("tree_pss", 0), sum(_pss_kib(p) for p in tree))
                    peak["processes"] = max(peak.get("processes", 0), len(tree))
        except OSError:
            return
        tick += 1
        if done.wait(interval):
            return


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


# ---------------------------------------------------------------- server ceiling


async def _keepalive_worker(port: int, path: str, count: int, deadline: float, done: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: bench-ceiling\r\n\r\n".encode()
    try:
        for _ in range(count):
            if time.monotonic() > deadline:
                break
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"{path}: {head.splitlines()[0].decode()}")
            match = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if not match:
                raise RuntimeError(f"no Content-Length in response to {path}")
            await reader.readexactly(int(match.group(1)))
            done[0] += 1
    finally:
        writer.close()


def measure_ceiling(port: int, path: str, *, requests: int = 20000, connections: int = 8,
                    max_seconds: float = 10.0) -> float:
    """Requests/s a bare keep-alive asyncio client gets from the server (bounded)."""
    done = [0]

    async def main() -> float:
        deadline = time.monotonic() + max_seconds
        start = time.perf_counter()
        per = max(1, requests // connections)
        await asyncio.gather(*(_keepalive_worker(port, path, per, deadline, done) for _ in range(connections)))
        return done[0] / (time.perf_counter() - start)

    return asyncio.run(main())


# ---------------------------------------------------------------- machine


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    nginx_version = ""
    if NGINX:
        result = subprocess.run([NGINX, "-v"], capture_output=True, text=True)
        nginx_version = (result.stderr or result.stdout).strip().replace("nginx version: ", "")
    os_name = platform.platform()
    try:
        release = dict(
            line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
        os_name = release.get("PRETTY_NAME", os_name).strip('"')
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": mem,
        "python": platform.python_version(),
        "os": os_name,
        "nginx": nginx_version,
    }


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
