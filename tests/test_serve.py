"""Serving on several processes: `make serve WORKERS=N` (deploy/serve.py) and its nginx config,
the one the load test uses too."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deploy.processes import OPENER, descendants, free_port, healthy
from deploy.serve import TEMPLATE, render_nginx_config
from tests.conftest import ROOT


def test_the_config_has_sticky_routes_websockets_and_every_worker(tmp_path: Path):
    config = render_nginx_config(tmp_path, "0.0.0.0:8501", ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"])
    assert re.findall(r"\{\{[A-Z]+\}\}", config) == []  # every placeholder filled
    assert "listen 0.0.0.0:8501;" in config
    assert re.findall(r"server (127\.0\.0\.1:\d+) max_fails=1 fail_timeout=10s;", config) == [
        "127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]
    assert "hash $route_key consistent;" in config  # sticky: one browser, one worker
    assert 'add_header Set-Cookie "st_route=$route_key;' in config
    stream = config[config.index("location /_stcore/stream"):]
    assert "proxy_set_header Upgrade $http_upgrade;" in stream and "proxy_set_header Connection $connection_upgrade;" in stream
    assert "location = /healthz" in config
    assert f"pid {tmp_path}/nginx.pid;" in config


def test_the_load_test_uses_the_same_config():
    import bench.load_test as lt

    assert not (ROOT / "bench" / "nginx.conf.template").exists()
    assert TEMPLATE == ROOT / "deploy" / "nginx.conf.template"
    assert lt.nginx.__module__ == "deploy.serve"


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def workers_of(launcher: subprocess.Popen) -> dict[int, int]:
    """port -> pid of each streamlit worker below the launcher, from /proc."""
    found = {}
    for pid in descendants(launcher.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in command and b"--server.port" in command:
            found[int(command[command.index(b"--server.port") + 1])] = pid
    return found


@pytest.mark.load
def test_make_serve_starts_workers_behind_nginx_restarts_a_dead_one_and_stops_cleanly(tmp_path: Path):
    if not os.access("/usr/sbin/nginx", os.X_OK):
        pytest.skip("nginx is not installed (make system-packages)")
    port = free_port()
    launcher = subprocess.Popen(
        [sys.executable, "-m", "deploy.serve", "--workers", "2", "--port", str(port), "--address", "127.0.0.1",
         "--logs", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: healthy(url), 120, "nginx to answer")
        workers = workers_of(launcher)
        assert len(workers) == 2
        with OPENER.open(f"{url}/healthz", timeout=10) as response:
            assert response.status == 200
            assert any(c.startswith("st_route=") for c in response.headers.get_all("Set-Cookie"))
        with OPENER.open(url + "/", timeout=10) as response:
            assert response.status == 200 and b"<title>Streamlit</title>" in response.read()

        port_a, pid_a = next(iter(workers.items()))
        os.kill(pid_a, signal.SIGKILL)  # a worker dies: the launcher's health check restarts it on its port
        restarted = wait_for(lambda: (p := workers_of(launcher).get(port_a)) and p != pid_a and
                             healthy(f"http://127.0.0.1:{port_a}") and p, 120, "the worker to be restarted")
        assert restarted != pid_a

        everything = [launcher.pid, *descendants(launcher.pid)]
        launcher.send_signal(signal.SIGTERM)
        out, _ = launcher.communicate(timeout=60)
        assert launcher.returncode == 0
        assert f"worker 127.0.0.1:{port_a} exited with -9: restarting it" in out
        assert "terminated: nginx and every worker stopped" in out
        assert [pid for pid in everything if Path(f"/proc/{pid}").exists()] == []
        assert not healthy(url)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
