"""Child processes we start and must stop: free ports, health checks, stopping a process and
whatever it left behind. Shared by deploy.serve (the product's launcher) and bench/ (the load
test, benchmarks and browser tests)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import urllib.request
from contextlib import suppress
from pathlib import Path

HOST = "127.0.0.1"
# Loopback only: never through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def healthy(url: str, timeout: float = 2) -> bool:
    """Whether `url/_stcore/health` answers 200 (nginx forwards it to a backend)."""
    try:
        with OPENER.open(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def descendants(pid: int) -> list[int]:
    """Every process below pid (children, grandchildren, ...), from /proc."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.append(child)
                    queue.append(child)
    return found


def die_with_parent() -> None:
    """In a child before exec: SIGTERM when we die, even by SIGKILL (Linux prctl), so a killed
    launcher, benchmark or test run leaves no server behind."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 10.0) -> None:
    """Stop a process we started, then any of its descendants left behind, by pid."""
    if process.poll() is None:
        below = descendants(process.pid)
        process.send_signal(sig)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            for pid in below:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.kill()
            process.wait(timeout=grace)
        for pid in below:  # workers the master did not take down with it
            if Path(f"/proc/{pid}").exists():
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
