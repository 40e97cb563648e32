"""Serving on several processes: `make serve WORKERS=N` (deploy/serve.py) and its nginx config,
the one the load test uses too."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from deploy.processes import OPENER, descendants, free_port, healthy
from deploy.serve import TEMPLATE, render_nginx_config
from tests.conftest import ROOT
from tests.harness import DASHBOARD_APP, checkout_of, fetch


def test_the_config_has_sticky_routes_websockets_and_every_worker(tmp_path: Path):
    config = render_nginx_config(tmp_path, "0.0.0.0:8501", ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"])
    assert re.findall(r"\{\{[A-Z]+\}\}", config) == []  # every placeholder filled
    assert "listen 0.0.0.0:8501;" in config
    # One odd response must not take a worker out of rotation for everyone: nginx never marks one
    # failed (serve's health check restarts a dead one), and a long response header fits.
    assert re.findall(r"server (127\.0\.0\.1:\d+) max_fails=0;", config) == [
        "127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]
    assert "proxy_buffer_size 16k;" in config and "proxy_next_upstream error timeout;" in config
    assert "hash $route_key consistent;" in config  # sticky: one browser, one worker
    assert "add_header Set-Cookie $route_cookie always;" in config
    cookie_map = config[config.index("map $upstream_http_cache_control $route_cookie"):]
    assert '"~*public"  "";' in cookie_map  # no route cookie on what a shared cache may keep
    stream = config[config.index("location /_stcore/stream"):]
    assert "proxy_set_header Upgrade $http_upgrade;" in stream and "proxy_set_header Connection $connection_upgrade;" in stream
    assert "location = /healthz" in config
    assert f"pid {tmp_path}/nginx.pid;" in config


def test_the_load_test_uses_the_same_config():
    import bench.load_test as lt

    assert not (ROOT / "bench" / "nginx.conf.template").exists()
    assert TEMPLATE == ROOT / "deploy" / "nginx.conf.template"
    assert lt.nginx.__module__ == "deploy.serve"


def test_serve_refuses_a_port_another_program_holds_before_saying_it_serves():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "deploy.serve", "--workers", "1", "--port", str(port),
                                 "--address", "127.0.0.1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "serving" not in result.stdout
    assert result.stdout.splitlines()[-1].endswith(
        f"error: port {port} on 127.0.0.1 is not free (Address already in use): another dashboard or program "
        "holds it; stop it or choose another with --port")


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


@contextmanager
def served(tmp_path: Path, workers: int = 2):
    """`python -m deploy.serve` (what `make serve` runs) on a free port; yields its URL."""
    if not os.access("/usr/sbin/nginx", os.X_OK):
        pytest.skip("nginx is not installed (make system-packages)")
    port = free_port()
    launcher = subprocess.Popen(
        [sys.executable, "-m", "deploy.serve", "--workers", str(workers), "--port", str(port), "--address", "127.0.0.1",
         "--logs", str(tmp_path)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: healthy(url), 120, "nginx to answer")
        yield url
    finally:
        launcher.send_signal(signal.SIGTERM)
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait()


@pytest.mark.load
def test_a_burst_of_long_urls_through_serve_leaves_every_later_request_answered(tmp_path: Path):
    """Issue 20, point 1: four GETs with a 4 KB query took the whole deployment down for 10-12 s
    (the Link header copied the URL, nginx refused it and marked the worker dead). Now every
    request of the burst is answered, and so is every request in the 15 s after it."""
    long_query = "&".join(["region=Shanxi"] * 300) + "&_size=1"  # 4.2 KB
    longer_query = "&".join(["region=Shanxi"] * 540)  # 7.6 KB, under nginx's 8 KB request line
    with served(tmp_path) as url:
        burst = [fetch(f"{url}/api/figures.csv?{long_query}") for _ in range(6)]
        burst += [fetch(f"{url}/api/figures.json?{longer_query}") for _ in range(4)]
        assert [status for status, _, _ in burst] == [200] * len(burst)
        assert all(len(headers.get("link", "")) < 200 for _, headers, _ in burst[:6])
        statuses = []
        deadline = time.monotonic() + 15  # longer than the old fail_timeout of 10 s
        while time.monotonic() < deadline:
            statuses += [fetch(url + path)[0] for path in ("/healthz", "/api/regions.json", "/")]
            time.sleep(0.3)
        assert set(statuses) == {200}, f"{statuses.count(502)} of {len(statuses)} later requests got 502"
        errors = (tmp_path / "nginx" / "error.log").read_text()
        assert "too big header" not in errors
        _, api_headers, _ = fetch(url + "/api/regions.json")
        _, page_headers, _ = fetch(url + "/")
        assert api_headers["cache-control"] == "public, max-age=60" and "set-cookie" not in api_headers
        assert page_headers["set-cookie"].startswith("st_route=")


def test_a_server_runs_from_the_checkout_its_app_is_in(tmp_path: Path):
    other = tmp_path / "other-checkout"
    (other / "dashboard").mkdir(parents=True)
    (other / "dashboard" / "__init__.py").write_text("", encoding="utf-8")
    (other / "dashboard" / "app.py").write_text("", encoding="utf-8")
    # Another checkout's app runs from that checkout (its own `dashboard` package is imported), not
    # from this one's root, where `import dashboard` found this checkout's code.
    assert checkout_of(other / "dashboard" / "app.py") == other
    assert checkout_of(DASHBOARD_APP) == ROOT
    assert checkout_of(ROOT / "bench" / "bare_app.py") == ROOT  # the bare app runs from this checkout
