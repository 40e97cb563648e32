"""`python -m deploy.serve --workers N --port 8501` (`make serve WORKERS=N`): the dashboard on N
`streamlit run` processes behind nginx.

One Streamlit process runs every session's script on its own Python interpreter, so it uses one
core at a time; N processes use N. nginx (config: deploy/nginx.conf.template) listens on PORT and
sends each browser to the same worker for its whole session (an `st_route` cookie, hashed), with
the websocket settings Streamlit needs. The workers listen on free loopback ports only.

Health: the launcher first checks that the port is free (another dashboard may hold it), waits
for every worker's /_stcore/health before it opens the port, then polls each worker every
HEALTH_INTERVAL seconds and restarts one that has exited or has failed FAILS_BEFORE_RESTART
checks in a row. nginx never takes a worker out of rotation itself (max_fails=0: one odd response
must not cut everyone off); a request whose worker refuses the connection goes to another one.
nginx answers /healthz from a live worker. Shutdown: Ctrl-C or SIGTERM stops nginx, then every worker,
then anything they left behind; the children also get SIGTERM if the launcher is killed.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from deploy.processes import HOST, die_with_parent, free_port, healthy, stop_process

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
HEALTH_INTERVAL = 5.0
FAILS_BEFORE_RESTART = 3
START_TIMEOUT = 90.0


def log(message: str) -> None:
    print(f"[serve {time.strftime('%H:%M:%S')}] {message}", flush=True)


def render_nginx_config(prefix: Path, listen: str, backends: list[str]) -> str:
    """The template with its placeholders filled: paths under `prefix`, `listen` (host:port) and
    one upstream line per backend address (host:port)."""
    servers = "\n".join(f"        server {address} max_fails=0;" for address in backends)
    return (TEMPLATE.read_text().replace("{{PREFIX}}", str(prefix)).replace("{{LISTEN}}", listen)
            .replace("{{SERVERS}}", servers))


@contextmanager
def nginx(workdir: Path, listen: str, backends: list[str], timeout: float = 20.0) -> Iterator[subprocess.Popen]:
    """nginx in the foreground with its own prefix (config, pid, logs, temp files) under workdir,
    running until the block ends; it answers health checks before the block starts."""
    if not os.access(NGINX, os.X_OK):
        raise RuntimeError(f"{NGINX} not found: install Debian's nginx (`make system-packages`)")
    prefix = workdir / "nginx"
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    # Run as root, nginx's workers drop to `nobody`, which must reach the temp directories.
    for path in (workdir, prefix, prefix / "temp"):
        path.chmod(0o755)
    config = prefix / "nginx.conf"
    config.write_text(render_nginx_config(prefix, listen, backends))
    command = [NGINX, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")]
    with (prefix / "stdout.log").open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   preexec_fn=die_with_parent)
    url = f"http://{HOST}:{listen.rsplit(':', 1)[1]}"
    try:
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                errors = (prefix / "error.log").read_text(errors="replace")[-2000:] if (prefix / "error.log").exists() else ""
                raise RuntimeError(f"nginx did not start on {listen}:\n{errors}")
            time.sleep(0.1)
        yield process
    finally:
        stop_process(process)


@dataclass
class Worker:
    """One `streamlit run` of the dashboard on a loopback port."""

    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    failures: int = 0

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> None:
        command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(self.port),
                   "--server.address", HOST, "--server.headless", "true"]
        with self.log_path.open("ab") as out:
            # From the repo root, so it reads .streamlit/config.toml; DASHBOARD_ROOT passes through.
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)
        self.failures = 0

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not healthy(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"worker on {self.address} did not become healthy:\n{tail}")
            time.sleep(0.2)


def check(workers: list[Worker]) -> None:
    """One round of health checks: restart a worker that exited or failed too many checks in a row."""
    for worker in workers:
        exited = worker.process.poll() is not None
        worker.failures = 0 if not exited and healthy(worker.url) else worker.failures + 1
        if exited or worker.failures >= FAILS_BEFORE_RESTART:
            reason = f"exited with {worker.process.returncode}" if exited else f"failed {worker.failures} health checks"
            log(f"worker {worker.address} {reason}: restarting it")
            worker.stop()
            worker.start()


def check_port_free(address: str, port: int) -> None:
    """RuntimeError naming the port when something listens there already: nginx would fail to
    bind it, while the one listening (maybe another dashboard) answered the health check."""
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx binds
        try:
            probe.bind((address, port))
        except OSError as err:
            raise RuntimeError(f"port {port} on {address} is not free ({err.strerror}): another dashboard or "
                               "program holds it; stop it or choose another with --port") from None


def serve(workers: int, port: int, address: str, workdir: Path) -> int:
    """Start the workers and nginx, keep them healthy until interrupted, then stop them all."""
    check_port_free(address, port)
    pool = [Worker(free_port(), workdir / f"worker-{i + 1}.log") for i in range(workers)]
    with ExitStack() as stack:
        for worker in pool:
            worker.start()
            stack.callback(worker.stop)
        for worker in pool:
            worker.wait_healthy()
        proxy = stack.enter_context(nginx(workdir, f"{address}:{port}", [w.address for w in pool]))
        time.sleep(0.5)
        if proxy.poll() is not None:  # it answered, but someone else did: nginx could not bind
            errors = (workdir / "nginx" / "error.log").read_text(errors="replace")[-1000:]
            raise RuntimeError(f"nginx exited with {proxy.returncode} on {address}:{port}:\n{errors}")
        shown = "localhost" if address in ("0.0.0.0", "127.0.0.1") else address
        log(f"serving http://{shown}:{port} with {workers} worker(s) ({', '.join(w.address for w in pool)}); "
            f"logs in {workdir}; Ctrl-C stops everything")
        while True:
            time.sleep(HEALTH_INTERVAL)
            if proxy.poll() is not None:
                log(f"nginx exited with {proxy.returncode}; stopping the workers")
                return 1
            check(pool)


def _stop_on_sigterm(signum, frame) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="app processes (default 2: one per core here)")
    parser.add_argument("--port", type=int, default=8501, help="the port nginx listens on (default 8501)")
    parser.add_argument("--address", default="0.0.0.0", help="the address nginx listens on (default all)")
    parser.add_argument("--logs", type=Path, help="keep logs and nginx's files here (default: a temp folder, removed)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with ExitStack() as stack:
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            workdir = args.logs.resolve()
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dashboard-serve-")))
        try:
            return serve(args.workers, args.port, args.address, workdir)
        except KeyboardInterrupt:
            log("interrupted: nginx and every worker stopped")
            return 0
        except SystemExit:
            log("terminated: nginx and every worker stopped")
            return 0
        except RuntimeError as err:
            log(f"error: {err}")
            return 1


if __name__ == "__main__":
    sys.exit(main())
