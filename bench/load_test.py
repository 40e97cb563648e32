"""Load test: many concurrent sessions against one `streamlit run`, and against two behind nginx.

    python -m bench.load_test --sessions 20             # both scenarios
    python -m bench.load_test --sessions 20 --no-nginx  # one server only
    python -m bench.load_test --nginx --backends 2      # nginx scenario only
    python -m bench.load_test --api-clients 20 --api-requests 50  # the read API wave (the default)

Each session does what a visitor does: load the page over HTTP (which is where nginx hands out the
sticky-route cookie and Streamlit its XSRF cookie), open the websocket, view the overview, switch
to compare, switch to explore, pick two regions in its Region filter, then click the filtered
download: for a button whose file is built on click, the backend operation that builds it over
the websocket, then the GET of the file's URL over HTTP with its cookies. It speaks Streamlit's own protocol (BackMsg/ForwardMsg protobufs
over `/_stcore/stream`) instead of driving 20 browsers, so 2 cores can carry 20 sessions and
the timings are the server's, not a browser's. A page visit is timed from the rerun request to
the `script_finished` message; a visit only counts when the page really rendered (its title, no
exception, the right page), and the download only when its row count equals the "N of M figures
match." the page showed.

Memory is VmRSS from /proc/PID/status, summed over each server process and its children: cold
(just started), before (after one warm-up session per server, so imports and the cached dataset
are in), after each wave of sessions (all done and still connected) and after the last closed.
The first wave also pays one-time costs (the heap of 20 concurrent runs at their peak); the
second runs on that heap, so its growth is what sessions keep: `--waves 2` (the default) shows
whether memory levels off.

Everything it starts (streamlit servers, nginx) runs in a temp directory and is stopped on the
way out, also on failure or Ctrl-C. Each session sends a fixed number of requests, each with a
timeout, and the whole run has a deadline. Timings are reported here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import math
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

from deploy.serve import nginx
from tests.harness import HOST, OPENER, Server, free_port, memory, streamlit_servers

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = Path(__file__).with_name("results") / "load.json"
ROUTE_COOKIE = "st_route"
XSRF_COOKIE = "_streamlit_xsrf"

# What every session does, in order. `filter` is the explore page rerun with the Region filter set.
STEPS = ("overview", "compare", "explore", "filter", "download")
PAGE_PATHS = {"overview": "", "compare": "compare", "explore": "explore"}
PAGE_TITLES = {"overview": "Regional innovation metrics", "compare": "Compare regions",
               "explore": "Explore and download"}
FILTER_LABEL = "Region"
FILTER_REGIONS = ("Shanxi", "Shandong")
HEADING = re.compile(r"#{1,6} (.+)")  # a page's title or heading, drawn as Markdown
MATCH = re.compile(r"\*\*(\d+)\*\* of (\d+) figures match\.")
FILTERED_DOWNLOAD = re.compile(r"^Download CSV \((\d+) rows\)$")

STEP_TIMEOUT = 60.0      # one page visit or one HTTP request
MAX_MESSAGE = 32 * 2**20


# --- processes ----------------------------------------------------------------------------------


@dataclass
class Proxy:
    """nginx in front of the backends."""

    url: str
    process: subprocess.Popen
    prefix: Path

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def memory(self) -> dict:
        return memory(self.process.pid)

    def requests(self) -> list[dict]:
        """The access log: one entry per request (a websocket once it has closed)."""
        entries = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) == 7:
                entries.append(dict(zip(("time", "route", "upstream", "status", "method", "uri", "bytes"), parts, strict=False)))
        return entries


@contextmanager
def nginx_proxy(backends: list[Server], workdir: Path) -> Iterator[Proxy]:
    """nginx on a free loopback port with the product's config (deploy/nginx.conf.template, the
    one `make serve` uses), its prefix, pid, logs and temp files under workdir."""
    port = free_port()
    with nginx(workdir, f"{HOST}:{port}", [b.address for b in backends]) as process:
        yield Proxy(f"http://{HOST}:{port}", process, workdir / "nginx")


@dataclass
class Cluster:
    """What the sessions talk to: one backend directly, or nginx in front of several."""

    entry_url: str
    backends: list[Server]
    proxy: Proxy | None = None
    workdir: Path | None = None


@contextmanager
def cluster(backends: int = 1, nginx: bool = False) -> Iterator[Cluster]:
    """Start the servers (and nginx) in a temp directory; stop everything and remove it after."""
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-test-")))
        servers = stack.enter_context(streamlit_servers(backends, log_dir=workdir))
        proxy = stack.enter_context(nginx_proxy(servers, workdir)) if nginx else None
        yield Cluster(proxy.url if proxy else servers[0].url, servers, proxy, workdir)


# --- one session ----------------------------------------------------------------------------------


@dataclass
class PageVisit:
    """What one page run sent back."""

    seconds: float = 0.0
    headings: list[str] = field(default_factory=list)
    charts: int = 0
    dataframes: int = 0
    messages: int = 0
    bytes: int = 0
    page: str = ""
    match: list[int] | None = None  # [N, M] from "N of M figures match."
    # label -> the button's URL, or "deferred:ID" when the file is built on click (callable data)
    downloads: dict[str, str] = field(default_factory=dict)


@dataclass
class SessionResult:
    index: int
    ok: bool = False
    error: str = ""
    route: str = ""  # the nginx sticky cookie, when there is one
    times: dict[str, float] = field(default_factory=dict)  # step -> seconds, plus "session"
    pages: dict[str, PageVisit] = field(default_factory=dict)
    download_rows: int | None = None
    download_name: str = ""
    wave: int = 0
    backend: str = ""  # host:port of the streamlit process that ran it


class SessionFailed(Exception):
    pass


class Client:
    """One visitor: its cookies, its HTTP requests and its websocket session."""

    def __init__(self, base_url: str, executor: ThreadPoolExecutor):
        self.base_url = base_url
        self.executor = executor
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.page_hashes: dict[str, str] = {}
        self.widgets: dict[str, object] = {}
        self.session_id = ""

    def _get(self, path: str) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base_url + path)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            with OPENER.open(request, timeout=STEP_TIMEOUT) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as err:
            status, headers, body = err.code, err.headers, err.read()
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return status, dict(headers.items()), body

    async def get(self, path: str, expect: int = 200) -> tuple[dict, bytes]:
        loop = asyncio.get_running_loop()
        status, headers, body = await loop.run_in_executor(self.executor, self._get, path)
        if status != expect:
            raise SessionFailed(f"GET {path}: HTTP {status}")
        return headers, body

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        # As the frontend does: subprotocol "streamlit", then the XSRF token from the cookie.
        xsrf = self.cookies.get(XSRF_COOKIE)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else None
        self.ws = await connect(
            self.base_url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"], origin=self.base_url,
            additional_headers=headers, proxy=None, compression=None, max_size=MAX_MESSAGE,
            open_timeout=STEP_TIMEOUT, ping_interval=None, close_timeout=5,
        )

    async def close(self) -> None:
        if self.ws is not None:
            with suppress(Exception):
                await self.ws.close()

    async def visit(self, page: str, widget_states=None) -> PageVisit:
        """Ask for a run of `page` (its URL path) and read messages until that run finishes."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        # As a click in the page navigation: the page's hash once known, and its URL path.
        message.rerun_script.page_script_hash = self.page_hashes.get(page, "")
        message.rerun_script.page_name = page
        message.rerun_script.query_string = ""
        if widget_states is not None:
            message.rerun_script.widget_states.CopyFrom(widget_states)
        result = PageVisit()
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        deadline = started + STEP_TIMEOUT
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise SessionFailed(f"page {page or '/'!r}: no script_finished within {STEP_TIMEOUT:.0f} s")
            forward, size = await self._receive(remaining)
            result.messages += 1
            result.bytes += size
            kind = forward.WhichOneof("type")
            if kind == "navigation":
                self.page_hashes.update({p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages})
                by_hash = {p.page_script_hash: p.url_pathname for p in forward.navigation.app_pages}
                result.page = by_hash.get(forward.navigation.page_script_hash, "?")
            elif kind == "page_not_found":
                raise SessionFailed(f"page {page or '/'!r}: page not found")
            elif kind == "session_event" and forward.session_event.WhichOneof("type") == "script_compilation_exception":
                raise SessionFailed(f"page {page or '/'!r}: script compilation error")
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                self._element(forward.delta.new_element, result, page)
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if forward.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise SessionFailed(f"page {page or '/'!r}: script finished with status {forward.script_finished}")
                result.seconds = time.perf_counter() - started
                return result

    async def _receive(self, timeout: float):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        data = await asyncio.wait_for(self.ws.recv(), timeout)
        forward = ForwardMsg()
        forward.ParseFromString(data)
        if forward.WhichOneof("type") == "new_session" and forward.new_session.initialize.session_id:
            self.session_id = forward.new_session.initialize.session_id
        return forward, len(data)

    async def download(self, button: str) -> tuple[dict, bytes]:
        """What clicking a download button fetches: its URL, or for a file built on click, first
        the backend operation that builds it (as the frontend does), then the URL it answers."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if button.startswith("deferred:"):
            message = BackMsg()
            request = message.backend_operation_request
            request.request_id = uuid.uuid4().hex
            request.session_id = self.session_id
            request.deferred_file.file_id = button.removeprefix("deferred:")
            await self.ws.send(message.SerializeToString())
            deadline = time.perf_counter() + STEP_TIMEOUT
            while True:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise SessionFailed(f"download: no answer to the deferred file request in {STEP_TIMEOUT:.0f} s")
                forward, _ = await self._receive(remaining)
                if (forward.WhichOneof("type") == "backend_operation_response"
                        and forward.backend_operation_response.request_id == request.request_id):
                    response = forward.backend_operation_response
                    if response.error_msg or not response.deferred_file.url:
                        raise SessionFailed(f"download: deferred file failed: {response.error_msg or 'no URL'}")
                    button = response.deferred_file.url
                    break
        if not button.startswith("/"):
            raise SessionFailed(f"download: unexpected URL {button!r}")
        return await self.get(button)

    def _element(self, element, result: PageVisit, page: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            raise SessionFailed(f"page {page or '/'!r}: exception shown: {element.exception.type} "
                                f"{element.exception.message[:200]}")
        if kind == "markdown" and (heading := HEADING.fullmatch(element.markdown.body)):
            result.headings.append(heading.group(1))  # views.page_frame.heading
        elif kind == "plotly_chart":
            result.charts += 1
        elif kind == "dataframe":
            result.dataframes += 1
        elif kind == "markdown" and (found := MATCH.search(element.markdown.body)):
            result.match = [int(found.group(1)), int(found.group(2))]
        elif kind == "download_button":
            button = element.download_button
            result.downloads[button.label] = f"deferred:{button.deferred_file_id}" if button.deferred_file_id else button.url
        elif kind == "multiselect":
            self.widgets[element.multiselect.label] = element.multiselect


def _check_page(step: str, visit: PageVisit) -> None:
    expected = PAGE_PATHS[step if step != "filter" else "explore"]
    if visit.page != expected:
        raise SessionFailed(f"{step}: the server ran page {visit.page!r}, not {expected!r}")
    title = PAGE_TITLES[step if step != "filter" else "explore"]
    if title not in visit.headings:
        raise SessionFailed(f"{step}: title {title!r} missing; headings {visit.headings}")


def _region_filter(client: Client):
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    widget = client.widgets.get(FILTER_LABEL)
    if widget is None:
        raise SessionFailed(f"explore: no {FILTER_LABEL!r} multiselect")
    missing = [r for r in FILTER_REGIONS if r not in widget.options]
    if missing:
        raise SessionFailed(f"explore: {FILTER_LABEL!r} offers no {missing}")
    states = WidgetStates()
    state = states.widgets.add()
    state.id = widget.id
    state.string_array_value.data.extend(FILTER_REGIONS)
    return states


async def run_session(index: int, base_url: str, executor: ThreadPoolExecutor,
                      release: asyncio.Event | None = None, done: asyncio.Event | None = None) -> SessionResult:
    """One visitor's whole visit. Keeps its websocket open until `release` is set (if given)."""
    result = SessionResult(index)
    client = Client(base_url, executor)
    started = time.perf_counter()
    try:
        # The page load: index.html (nginx's route cookie), then what the frontend fetches before
        # it opens the websocket (the health check sets Streamlit's XSRF cookie).
        _, body = await client.get("/")
        if b'id="root"' not in body:
            raise SessionFailed("GET /: not the Streamlit index page")
        await client.get("/_stcore/health")
        await client.get("/_stcore/host-config")
        result.route = client.cookies.get(ROUTE_COOKIE, "")
        await client.connect()
        for step in ("overview", "compare", "explore"):
            visit = await client.visit(PAGE_PATHS[step])
            _check_page(step, visit)
            result.pages[step] = visit
            result.times[step] = visit.seconds
        visit = await client.visit("explore", _region_filter(client))
        _check_page("filter", visit)
        result.pages["filter"] = visit
        result.times["filter"] = visit.seconds
        if visit.match is None:
            raise SessionFailed("filter: no 'N of M figures match.' line")
        label, url = next(((label, url) for label, url in visit.downloads.items() if FILTERED_DOWNLOAD.match(label)),
                          (None, None))
        if url is None:
            raise SessionFailed(f"filter: no filtered download button; buttons {list(visit.downloads)}")
        if int(FILTERED_DOWNLOAD.match(label).group(1)) != visit.match[0]:
            raise SessionFailed(f"filter: button {label!r} disagrees with {visit.match[0]} matching figures")
        download_started = time.perf_counter()
        headers, body = await client.download(url)
        result.times["download"] = time.perf_counter() - download_started
        reader = csv.DictReader(io.StringIO(body.decode("utf-8")))
        rows = list(reader)
        if "region" not in (reader.fieldnames or []):
            raise SessionFailed(f"download: not the CSV export: {body[:80]!r}")
        result.download_rows = len(rows)
        disposition = headers.get("Content-Disposition", headers.get("content-disposition", ""))
        result.download_name = (re.search(r'filename="?([^";]+)', disposition) or [None, ""])[1]
        if len(rows) != visit.match[0]:
            raise SessionFailed(f"download: {len(rows)} rows, the page said {visit.match[0]}")
        if sorted({r["region"] for r in rows}) != sorted(FILTER_REGIONS):
            raise SessionFailed(f"download: regions {sorted({r['region'] for r in rows})}, not {FILTER_REGIONS}")
        result.times["session"] = time.perf_counter() - started
        result.ok = True
    except SessionFailed as err:
        result.error = str(err)
    except Exception as err:
        result.error = f"{type(err).__name__}: {err}"
    finally:
        if done is not None:
            done.set()
        if release is not None and result.ok:
            await release.wait()
        await client.close()
    return result


# --- a scenario -------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile: a value that was measured, never interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timing_summary(sessions: list[SessionResult]) -> dict[str, dict]:
    summary = {}
    for step in (*STEPS, "session"):
        values = [s.times[step] for s in sessions if s.ok and step in s.times]
        summary[step] = {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
                         "max": max(values) if values else None,
                         "mean": statistics.fmean(values) if values else None}
    return summary


def stickiness(proxy: Proxy, sessions: list[SessionResult], backends: list[Server]) -> dict:
    """From nginx's access log: which backend each client's requests reached."""
    by_route: dict[str, Counter] = defaultdict(Counter)
    websockets: Counter = Counter()
    for entry in proxy.requests():
        by_route[entry["route"]][entry["upstream"]] += 1
        if entry["uri"].startswith("/_stcore/stream") and entry["status"] == "101":
            websockets[entry["upstream"]] += 1
    clients = []
    for session in sessions:
        upstreams = dict(by_route.get(session.route, {}))
        clients.append({"index": session.index, "route": session.route, "upstreams": upstreams,
                        "requests": sum(upstreams.values()),
                        "sticky": bool(session.route) and len(upstreams) == 1})
    split = Counter(next(iter(c["upstreams"])) for c in clients if c["sticky"])
    return {
        "clients": clients,
        "all_sticky": all(c["sticky"] for c in clients),
        "sessions_per_backend": {b.address: split.get(b.address, 0) for b in backends},
        "websockets_per_backend": {b.address: websockets.get(b.address, 0) for b in backends},
    }


async def _run_sessions(entry_url: str, count: int, first_index: int, ramp: float, deadline: float,
                        while_connected=None, settle: float = 1.0) -> list[SessionResult]:
    """`count` sessions at once (starts spread over `ramp` s); `while_connected` runs once all are done, before they close."""
    release = asyncio.Event()
    done = [asyncio.Event() for _ in range(count)]
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="load-http") as executor:

        async def start(offset: int) -> SessionResult:
            await asyncio.sleep(ramp * offset / max(count - 1, 1))
            return await run_session(first_index + offset, entry_url, executor, release, done[offset])

        tasks = [asyncio.create_task(start(i)) for i in range(count)]
        waiters = [asyncio.create_task(event.wait()) for event in done]
        try:
            _, late = await asyncio.wait(waiters, timeout=deadline)
            for waiter in late:  # the stragglers are cancelled below and reported as failed
                waiter.cancel()
            if not late and while_connected is not None:
                await asyncio.sleep(settle)  # let the last runs' transient objects go
                while_connected()
        finally:
            release.set()
            _, pending = await asyncio.wait(tasks, timeout=15)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)
        results = []
        for offset, task in enumerate(tasks):
            if task.done() and not task.cancelled() and task.exception() is None:
                results.append(task.result())
            else:
                results.append(SessionResult(first_index + offset, error=f"did not finish within {deadline:.0f} s"))
        return results


def _backend_of(session: SessionResult, report: dict, backends: list[Server]) -> str | None:
    if "stickiness" not in report:
        return backends[0].address
    client = next(c for c in report["stickiness"]["clients"] if c["index"] == session.index)
    return next(iter(client["upstreams"])) if client["sticky"] else None


def run_scenario(target: Cluster, sessions: int = 20, name: str | None = None, waves: int = 1,
                 ramp: float = 0.0, deadline: float = 240.0, warmup: bool = True, api_clients: int = 20,
                 api_requests: int = 50) -> dict:
    """Warm each backend with one session, then `waves` rounds of `sessions` concurrent sessions,
    then a wave of `api_clients` script clients of the read API (`api_requests` each; 0: none).

    Memory per backend: cold (just started), before (after the warm-up), after each wave (all of
    its sessions done and still connected), after close (the last wave disconnected).
    """
    name = name or ("nginx" if target.proxy else "single")
    memory_log: dict[str, dict] = {b.address: {"cold": b.memory(), "waves": []} for b in target.backends}
    if warmup:
        with ThreadPoolExecutor(max_workers=1) as executor:
            for backend in target.backends:  # directly, so every backend has run each page once
                warm = asyncio.run(run_session(-1 - target.backends.index(backend), backend.url, executor))
                if not warm.ok:
                    raise RuntimeError(f"warm-up session on {backend.url} failed: {warm.error}\n{backend.log_tail()}")
    time.sleep(0.5)
    for backend in target.backends:
        memory_log[backend.address]["before"] = backend.memory()

    results: list[SessionResult] = []
    walls = []
    for wave in range(waves):
        def sample() -> None:
            for b in target.backends:
                memory_log[b.address]["waves"].append({"after": b.memory()})

        started = time.perf_counter()
        batch = asyncio.run(_run_sessions(target.entry_url, sessions, wave * sessions, ramp, deadline, sample))
        walls.append(round(time.perf_counter() - started, 2))
        for session in batch:
            session.wave = wave + 1
        results += batch
        for entry in memory_log.values():
            if len(entry["waves"]) < wave + 1:  # the wave timed out before sampling
                entry["waves"].append({"after": None})
    time.sleep(1.0)
    for backend in target.backends:
        memory_log[backend.address]["after_close"] = backend.memory()

    report = {
        "scenario": name,
        "entry_url": target.entry_url,
        "backends": [b.address for b in target.backends],
        "sessions": sessions,
        "waves": waves,
        "ok": sum(r.ok for r in results),
        "failed": sum(not r.ok for r in results),
        "errors": dict(Counter(r.error for r in results if not r.ok)),
        "wall_seconds": walls,
        "timings": timing_summary(results),
        "memory": memory_log,
    }
    if target.proxy is not None:
        time.sleep(0.5)  # nginx logs a websocket when it closes
        report["stickiness"] = stickiness(target.proxy, results, target.backends)
        report["nginx_memory"] = target.proxy.memory()
    for session in results:
        session.backend = _backend_of(session, report, target.backends) or ""
    for address, entry in memory_log.items():
        previous = entry["before"]["rss_mb"]
        for wave, sample in enumerate(entry["waves"], start=1):
            sample["sessions"] = sum(1 for r in results if r.wave == wave and r.backend == address)
            if sample["after"] is None:
                continue
            sample["growth_mb"] = round(sample["after"]["rss_mb"] - previous, 1)
            sample["growth_per_session_mb"] = (round(sample["growth_mb"] / sample["sessions"], 2)
                                               if sample["sessions"] else None)
            previous = sample["after"]["rss_mb"]
    report["results"] = [asdict(r) for r in results]
    if api_clients:  # after the stickiness count: script clients carry no route cookie
        report["api"] = api_wave(target.entry_url, api_clients, api_requests)
    return report


# --- the read API wave ---------------------------------------------------------------------------

# What a script client asks, in turn: filtered CSV and JSON (the /explore query keys), one figure,
# events, a catalogue, the package descriptor, and a conditional GET that must answer 304.
API_PATHS = (
    "/api/figures.csv?region=Shanxi&region=Shandong",
    "/api/figures.json?years=2012&years=2021&undated=false",
    "/api/figures.csv?metric=Technology+contract+turnover",
    "/api/figures.json?_size=10",
    "/api/events.json",
    "/api/sources.json",
    "/api/datapackage.json",
)


def _api_client(base_url: str, index: int, requests: int) -> tuple[list[float], Counter]:
    """One script client: `requests` GETs in turn over API_PATHS (every 8th conditional, expecting
    304); an answer counts as an error unless its status and body are what the API promises."""
    from tests.harness import fetch

    times, errors = [], Counter()
    etag = None
    for number in range(requests):
        conditional = etag is not None and number % 8 == 7
        path = API_PATHS[(index + number) % len(API_PATHS)]
        started = time.perf_counter()
        try:
            status, headers, body = fetch(base_url + path, {"If-None-Match": etag} if conditional else None,
                                          timeout=STEP_TIMEOUT)
        except OSError as err:
            errors[f"{type(err).__name__}"] += 1
            continue
        times.append(time.perf_counter() - started)
        expected = 304 if conditional else 200
        if status != expected:
            errors[f"HTTP {status} (expected {expected})"] += 1
        elif status == 200 and (not body or "charset=utf-8" not in headers.get("content-type", "")):
            errors["200 without a UTF-8 body"] += 1
        etag = headers.get("etag", etag)
    return times, errors


def api_wave(base_url: str, clients: int = 20, requests: int = 50) -> dict:
    """`clients` concurrent script clients, `requests` each, against the read API."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as executor:
        results = list(executor.map(lambda i: _api_client(base_url, i, requests), range(clients)))
    wall = time.perf_counter() - started
    times = [t for client_times, _ in results for t in client_times]
    errors = sum((client_errors for _, client_errors in results), Counter())
    return {"clients": clients, "requests": clients * requests, "answered": len(times),
            "errors": sum(errors.values()), "error_kinds": dict(errors), "wall_seconds": round(wall, 2),
            "requests_per_second": round(len(times) / wall, 1) if wall else None,
            "p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times) if times else None}


# --- report -------------------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:6.2f}"


def _memory_line(address: str, entry: dict) -> str:
    parts = [f"cold {entry['cold']['rss_mb']:.1f}", f"before {entry['before']['rss_mb']:.1f}"]
    for wave, sample in enumerate(entry["waves"], start=1):
        if sample["after"] is None:
            parts.append(f"after wave {wave} -")
            continue
        per = sample.get("growth_per_session_mb")
        parts.append(f"after wave {wave} {sample['after']['rss_mb']:.1f} ({sample['growth_mb']:+.1f}"
                     + (f", {per:+.2f}/session x{sample['sessions']}" if per is not None else ", no session") + ")")
    parts.append(f"after close {entry['after_close']['rss_mb']:.1f}")
    parts.append(f"peak {entry['after_close']['peak_mb']:.1f}")
    return f"   RSS MB {address}: " + ", ".join(parts)


def format_report(report: dict) -> str:
    title = {"single": "one server", "nginx": f"nginx + {len(report['backends'])} servers, sticky"}.get(
        report["scenario"], report["scenario"])
    total = report["sessions"] * report["waves"]
    walls = " + ".join(f"{w:.1f}" for w in report["wall_seconds"])
    lines = [f"== {title}: {report['waves']} wave(s) of {report['sessions']} concurrent sessions via {report['entry_url']}",
             f"   sessions ok: {report['ok']}/{total}, failed: {report['failed']}   (wall {walls} s)"]
    for error, count in report["errors"].items():
        lines.append(f"   failed x{count}: {error}")
    lines.append(f"   {'step':<10} {'p50 s':>7} {'p95 s':>7} {'max s':>7}   n")
    for step, stats in report["timings"].items():
        lines.append(f"   {step:<10} {_seconds(stats['p50']):>7} {_seconds(stats['p95']):>7} "
                     f"{_seconds(stats['max']):>7}   {stats['n']}")
    for address, entry in report["memory"].items():
        lines.append(_memory_line(address, entry))
    if "api" in report:
        api = report["api"]
        lines.append(f"   read API: {api['clients']} clients x {api['requests'] // api['clients']} requests: "
                     f"{api['answered']} answered, {api['errors']} errors {api['error_kinds'] or ''}; "
                     f"p50 {_seconds(api['p50'])} s, p95 {_seconds(api['p95'])} s, max {_seconds(api['max'])} s; "
                     f"{api['requests_per_second']} requests/s")
    if "stickiness" in report:
        sticky = report["stickiness"]
        stuck = sum(c["sticky"] for c in sticky["clients"])
        split = ", ".join(f"{a}: {n}" for a, n in sticky["sessions_per_backend"].items())
        ws = ", ".join(f"{a}: {n}" for a, n in sticky["websockets_per_backend"].items())
        lines.append(f"   sticky: {stuck}/{len(sticky['clients'])} clients had every request on one backend")
        lines.append(f"   sessions per backend: {split}   (websockets in nginx's log: {ws})")
        lines.append(f"   nginx RSS: {report['nginx_memory']['rss_mb']:.1f} MB "
                     f"({report['nginx_memory']['processes']} processes)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_test", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions per scenario (default 20)")
    parser.add_argument("--nginx", action=argparse.BooleanOptionalAction, default=None,
                        help="only the nginx scenario (--nginx) or only the one-server one (--no-nginx); default both")
    parser.add_argument("--backends", type=int, default=2, help="streamlit processes behind nginx (default 2)")
    parser.add_argument("--waves", type=int, default=2,
                        help="rounds of --sessions against the same servers; the 2nd shows whether memory levels off")
    parser.add_argument("--ramp", type=float, default=0.0, help="spread session starts over this many seconds")
    parser.add_argument("--deadline", type=float, default=240.0, help="give up on sessions after this many seconds")
    parser.add_argument("--api-clients", type=int, default=20, help="script clients of the read API (default 20; 0: none)")
    parser.add_argument("--api-requests", type=int, default=50, help="requests per API client (default 50)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"results file (default {DEFAULT_JSON})")
    args = parser.parse_args(argv)
    if min(args.sessions, args.backends, args.waves) < 1:
        parser.error("--sessions, --backends and --waves must be at least 1")

    # SIGTERM (a CI timeout, kill) unwinds like Ctrl-C, so the servers and nginx are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return _run(args)
    except (KeyboardInterrupt, SystemExit) as stop:
        print("load test interrupted; the servers and nginx it started are stopped", file=sys.stderr)
        return 130 if isinstance(stop, KeyboardInterrupt) else int(stop.code or 1)


def _run(args: argparse.Namespace) -> int:
    scenarios = []
    if args.nginx is not True:
        scenarios.append(("single", 1, False))
    if args.nginx is not False:
        scenarios.append(("nginx", args.backends, True))

    from importlib.metadata import version

    output = {"generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cpus": os.cpu_count(),
              "python": platform.python_version(), "streamlit": version("streamlit"),
              "sessions": args.sessions, "scenarios": []}
    for name, backends, behind_nginx in scenarios:
        with cluster(backends, behind_nginx) as target:
            report = run_scenario(target, args.sessions, name, waves=args.waves, ramp=args.ramp,
                                  deadline=args.deadline, api_clients=args.api_clients, api_requests=args.api_requests)
        output["scenarios"].append(for_json(report))
        print(format_report(report), flush=True)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(output, indent=1, default=str, separators=(",", ":")) + "\n")
    print(f"results: {args.json}")
    problems = verdict(output["scenarios"])
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


def for_json(report: dict) -> dict:
    """The report without what only the checks need (headings, button URLs), to keep the file small."""
    def rounded(value):
        if isinstance(value, float):
            return round(value, 3)
        if isinstance(value, dict):
            return {k: rounded(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rounded(v) for v in value]
        return value

    slim = dict(report)
    slim["results"] = [
        {**session, "pages": {step: {k: v for k, v in page.items() if k not in ("headings", "downloads")}
                              for step, page in session["pages"].items()}}
        for session in report["results"]
    ]
    return rounded(slim)


def verdict(reports: list[dict]) -> list[str]:
    """What makes the run fail: a failed session; behind nginx, a client on two backends or an idle backend."""
    problems = []
    for report in reports:
        if report["failed"]:
            problems.append(f"{report['scenario']}: {report['failed']} session(s) failed")
        sticky = report.get("stickiness")
        if sticky and not sticky["all_sticky"]:
            problems.append(f"{report['scenario']}: a client's requests reached more than one backend")
        if sticky and not all(sticky["sessions_per_backend"].values()):
            problems.append(f"{report['scenario']}: a backend served no session")
        api = report.get("api")
        if api and (api["errors"] or api["answered"] != api["requests"]):
            problems.append(f"{report['scenario']}: read API: {api['errors']} error(s) in {api['requests']} requests")
    return problems


if __name__ == "__main__":
    sys.exit(main())
