"""The harness the server and browser tests run on, which the benchmarks (bench/) reuse: `streamlit
run` servers whose processes we know (for /proc memory readings and clean stops), one HTTP request
whose error statuses are answers, and Debian's Chromium with its flags.

It lives with the tests because the tests are what must keep working; bench/ imports it from here
rather than keeping a second copy.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The process helpers live with the product's launcher (deploy.serve); re-exported for tests and bench/.
from deploy.processes import HOST, OPENER, descendants, die_with_parent, free_port, healthy, stop_process

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD_APP = ROOT / "dashboard" / "app.py"

# Playwright cannot download its own browser here, so everything drives Debian's Chromium.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def fetch(url: str, headers: dict | None = None, method: str = "GET", timeout: float = 30) -> tuple[int, dict, bytes]:
    """(status, headers with lower-case names, body) of one HTTP request; error statuses are
    answers too, never exceptions (the read API's 4xx/5xx are what tests and load waves check)."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(pid: int) -> dict:
    """VmRSS (and the VmHWM peak) in MB of pid plus all its descendants."""
    pids = [pid, *descendants(pid)]
    return {"rss_mb": round(sum(_status_kb(p, "VmRSS") for p in pids) / 1024, 1),
            "peak_mb": round(sum(_status_kb(p, "VmHWM") for p in pids) / 1024, 1),
            "processes": len(pids)}


@dataclass
class Server:
    """One `streamlit run` process on a loopback port."""

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def healthy(self, timeout: float = 5) -> bool:
        return healthy(self.url, timeout)

    def log_tail(self, chars: int = 3000) -> str:
        return tail(self.log_path, chars)

    def memory(self) -> dict:
        return memory(self.pid)


def checkout_of(app: Path) -> Path:
    """The checkout an app file is in: the nearest folder above it with a `dashboard` package (this
    one for bench/bare_app.py). A server must run from there: `python -m streamlit run` puts the
    current folder first on sys.path, so a server of another checkout's app.py started from this
    one imported this checkout's `dashboard`, and an A/B of two checkouts measured one of them twice."""
    return next((folder for folder in Path(app).resolve().parents if (folder / "dashboard" / "__init__.py").is_file()), ROOT)


@contextmanager
def streamlit_servers(count: int, app: Path = DASHBOARD_APP, env: dict | None = None, log_dir: Path | None = None,
                      timeout: float = 60) -> Iterator[list[Server]]:
    """`count` × `python -m streamlit run APP` on free loopback ports, started together; stopped after.

    Run from APP's checkout (checkout_of), so each reads its .streamlit/config.toml (XSRF on, no
    error details) and imports that checkout's code. Each
    logs to a file, never a pipe nobody reads (a full pipe blocks a long-running server): in
    `log_dir`, kept, when given; else a temp file removed afterwards.
    """
    servers: list[Server] = []
    try:
        for index in range(count):
            port = free_port()
            if log_dir is None:
                with tempfile.NamedTemporaryFile(prefix="dashboard-streamlit-", suffix=".log", delete=False) as handle:
                    log_path = Path(handle.name)
            else:
                log_path = log_dir / f"streamlit-{index + 1}.log"
            command = [
                sys.executable, "-m", "streamlit", "run", str(app),
                "--server.port", str(port), "--server.address", HOST, "--server.headless", "true",
                "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            ]
            with log_path.open("wb") as out:
                process = subprocess.Popen(command, cwd=checkout_of(app), env={**os.environ, **(env or {})}, stdout=out,
                                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)
            servers.append(Server(f"http://{HOST}:{port}", port, process, log_path))
        deadline = time.monotonic() + timeout
        for server in servers:
            while not server.healthy(timeout=2):
                if not server.alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not become healthy on {server.url}:\n{server.log_tail()}")
                time.sleep(0.2)
        yield servers
    finally:
        for server in servers:
            stop_process(server.process)
            if log_dir is None:
                server.log_path.unlink(missing_ok=True)


@contextmanager
def streamlit_server(app: Path = DASHBOARD_APP, env: dict | None = None, timeout: float = 60) -> Iterator[Server]:
    """One server (see streamlit_servers)."""
    with streamlit_servers(1, app, env, timeout=timeout) as (server,):
        yield server
