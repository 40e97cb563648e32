"""The read API under /api, served by the dashboard's own server (Starlette routes of st.App, app.py).

Every view of the data can be fetched by a script with the filters a reader uses: /api/figures.csv
with the query string of an /explore URL is that view's download, byte for byte (the same filter
parsing, dashboard/query.py, and the same export code, dashboard/export.py). It reads the pages'
cached dataset (store.curated), never a second copy. A script can rely on: UTF-8 with charset in the
content type; ETag = the data version (If-None-Match answers 304); Cache-Control; CORS for GET;
pages of at most `_size` rows with a `next` link (JSON) or a Link header (CSV); JSON errors: 400
naming the bad parameter, 404 for an unknown id or path, 405 for any other method (with CORS),
409 for a page token of older data, 503 with the problem list the pages show when the curated
files are invalid; never a traceback.

What a shared cache may keep is the same for everyone: the `next` link is written from the
filters as understood (each value once, in the page's order: the canonical query, whatever the
request repeated), relative to the server unless $DASHBOARD_BASE_URL names it, so no request
header (Host) is copied into a cacheable response; and a CSV's Link header is left out when it
would pass MAX_LINK characters (a proxy refuses large response headers), the JSON keeps `next`.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dashboard import charts, citation, export, i18n, images, package, query, store
from dashboard import metrics as mx
from dashboard.data import describe_failure
from dashboard.files import InvalidData, UnreadableFile

LOGGER = logging.getLogger(__name__)
CSV, JSON, ZIP = "text/csv; charset=utf-8", "application/json; charset=utf-8", "application/zip"
CACHE_CONTROL = "public, max-age=60"  # then revalidate with the ETag: a data edit shows within a minute
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Link, X-Total-Count"}
PREFLIGHT = {**CORS, "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
             "Access-Control-Allow-Headers": "If-None-Match", "Access-Control-Max-Age": "86400"}
MAX_LINK = 2000  # characters of a Link header: nginx's default proxy buffer holds 4 KB of headers in all


class NotFound(Exception):
    """An id or path the API does not have."""


class Loaded:
    """What one request reads: the shared cached dataset, and what is derived from it once per version."""

    def __init__(self):
        key, (self.dataset, self.obs) = store.curated()
        self.key, self.root = key, Path(key[0])
        self.derived_key = (key, None)  # as the pages key curated data with no upload
        self.version = self.dataset.version

    def derived(self, fn, *args):
        return store.derived_for(self.derived_key, fn, (self.dataset, self.obs), *args)


def _figure_choices(data) -> query.FilterChoices:
    dataset, obs = data
    labels = dict(zip(dataset.catalogue["metric"], dataset.catalogue["label"], strict=True))
    return query.filter_choices(dataset.regions["region"], labels, obs,
                                query.filter_aliases(dataset.regions, dataset.catalogue))


def _events(data) -> pd.DataFrame:
    return mx.enrich_events(data[0])


def _event_choices(data) -> query.FilterChoices:
    dataset, _ = data
    return query.FilterChoices(regions=tuple(mx.present_in_order(dataset.regions["region"], dataset.events["region"])),
                               aliases=query.filter_aliases(dataset.regions, dataset.catalogue))


def _datapackage(data, root: str) -> bytes:
    return export.json_bytes(package.datapackage(data[0], Path(root)))


# --- responses -------------------------------------------------------------------------------------

def _headers(version: str, **more: str) -> dict[str, str]:
    return {"ETag": f'W/"{version}"', "Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff", **CORS, **more}


def _error(status: int, message: str, headers: dict[str, str] | None = None, **more) -> Response:
    body = export.json_bytes({"status": status, "error": message, **more})
    return Response(body, status, media_type=JSON,
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", **CORS, **(headers or {})})


def _fresh(request: Request, version: str) -> bool:
    """Whether the client's copy (If-None-Match) is of this data version (weak comparison)."""
    tags = [tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")]
    return "*" in tags or f'"{version}"' in tags


def _ok(request: Request, loaded: Loaded, build: Callable[[], bytes], media_type: str, **headers: str) -> Response:
    """200 with the body `build` makes, or 304 without building it when the client has this version."""
    if _fresh(request, loaded.version):
        return Response(status_code=304, headers=_headers(loaded.version))
    return Response(build(), media_type=media_type, headers=_headers(loaded.version, **headers))


def _pairs(request: Request) -> list[tuple[str, str]]:
    return request.query_params.multi_items()


def _next_link(request: Request, canonical: list[tuple[str, str]], page: query.PageRequest, end: int, version: str) -> str:
    """The next page's address: the canonical query of this one (not the request's own text), its
    page size and shape when they were asked for (both checked already), the token; after
    $DASHBOARD_BASE_URL, else from the path."""
    asked = request.query_params
    pairs = [*canonical, *([(query.SIZE, str(page.size))] if query.SIZE in asked else []),
             *([(query.SHAPE, asked[query.SHAPE])] if query.SHAPE in asked else []),
             (query.NEXT, query.next_token(end, version))]
    return f"{citation.base_url()}{request.url.path}?{urlencode(pairs)}"


def _page(request: Request, loaded: Loaded, rows: pd.DataFrame, to_frame: Callable[[pd.DataFrame], pd.DataFrame],
          fmt: str, filename: str = "", canonical: list[tuple[str, str]] | None = None) -> Response:
    """One page of `rows` as CSV or JSON, with the link to the next page when there is one (for
    JSON with `_shape=array`, a plain array of the rows, the link in the Link header as for CSV).
    `canonical`: the query pairs of the filters as understood (none for an unfiltered table)."""
    page = query.page_request(_pairs(request), loaded.version)
    shape = query.response_shape(_pairs(request))
    chunk = rows.iloc[page.offset:page.offset + page.size]
    end = page.offset + len(chunk)
    following = end < len(rows)
    link = _next_link(request, canonical or [], page, end, loaded.version) if following else None
    headers = {"X-Total-Count": str(len(rows))}
    if link and (fmt == "csv" or shape == "array") and len(link) <= MAX_LINK:
        headers["Link"] = f'<{link}>; rel="next"'
    if fmt == "csv":
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
        return _ok(request, loaded, lambda: export.csv_bytes(to_frame(chunk)), CSV, **headers)
    if shape == "array":
        return _ok(request, loaded, lambda: export.json_bytes(export.records(to_frame(chunk))), JSON, **headers)
    return _ok(request, loaded, lambda: export.json_bytes({
        "data_version": loaded.version, "total": len(rows), "offset": page.offset, "count": len(chunk),
        "next": link, "rows": export.records(to_frame(chunk)),
    }), JSON, **headers)


# --- endpoints -------------------------------------------------------------------------------------

def figures(request: Request, loaded: Loaded, fmt: str) -> Response:
    choices = loaded.derived(_figure_choices)
    filters = query.filters_from_query(_pairs(request), choices)
    rows = mx.filter_observations(loaded.obs, filters)
    return _page(request, loaded, rows, lambda chunk: export.export_frame(chunk, loaded.version), fmt,
                 export.export_filename(filters), query.query_from_filters(filters, choices))


def events(request: Request, loaded: Loaded, fmt: str) -> Response:
    filters = query.filters_from_query(_pairs(request), loaded.derived(_event_choices), keys=(query.REGION,))
    table = loaded.derived(_events)
    rows = table[table["region"].isin(filters.regions)] if filters.regions else table
    name = export.export_filename(filters).replace(export.FILE_PREFIX, f"{export.FILE_PREFIX}-events", 1)
    return _page(request, loaded, rows, lambda chunk: export.events_frame(chunk, loaded.version), fmt, name,
                 [(query.REGION, region) for region in filters.regions])


def catalogue_table(name: str) -> Callable[[Request, Loaded], Response]:
    def respond(request: Request, loaded: Loaded) -> Response:
        query.filters_from_query(_pairs(request), query.FilterChoices(), keys=())  # only _size and _next
        return _page(request, loaded, getattr(loaded.dataset, name), export.neutralised, "json")
    return respond


def figure(request: Request, loaded: Loaded) -> Response:
    figure_id = request.path_params["figure_id"]
    rows = loaded.obs[loaded.obs["figure_id"] == figure_id]
    if rows.empty:
        raise NotFound(f"no figure with id {figure_id[:100]!r}; the ids are in /api/figures.json")
    return _ok(request, loaded, lambda: export.json_bytes({
        "data_version": loaded.version, "figure": export.records(export.export_frame(rows, loaded.version))[0]}), JSON)


def event(request: Request, loaded: Loaded) -> Response:
    event_id = request.path_params["event_id"]
    table = loaded.derived(_events)
    rows = table[table["event_id"] == event_id]
    if rows.empty:
        raise NotFound(f"no event with id {event_id[:100]!r}; the ids are in /api/events.json")
    return _ok(request, loaded, lambda: export.json_bytes({
        "data_version": loaded.version, "event": export.records(export.events_frame(rows, loaded.version))[0]}), JSON)


IMAGE_KEYS = ("lang", "size")
IMAGE_CACHE_ENTRIES = 64  # ~60-120 KB a PNG: at most a few MB
_images: OrderedDict[tuple, bytes] = OrderedDict()
_images_lock = threading.Lock()


def _figure_image(loaded: Loaded, figure_id: str, fmt: str, size: str, language: str, base: str) -> bytes:
    """The figure page's chart (charts.build_same_metric_chart) with its caption drawn in, in
    `language` on the light theme; kept per data version, id, format, size, language and address."""
    key = (loaded.version, figure_id, fmt, size, language, base)
    with _images_lock:
        if key in _images:
            _images.move_to_end(key)
            return _images[key]
    with i18n.speaking(language):
        obs = loaded.derived(localised)
        figure = mx.find_by_id(obs, "figure_id", figure_id)
        by_region = mx.same_metric_by_region(obs, figure, loaded.dataset.regions["region"])
        fig = charts.build_same_metric_chart(by_region, loaded.derived(_colours))
        url = citation.figure_url(figure_id, base) + f"&lang={language}"
        body = images.image(fig, images.figure_caption(figure, by_region, loaded.version, url), fmt, size)
    with _images_lock:
        _images[key] = body
        while len(_images) > IMAGE_CACHE_ENTRIES:
            _images.popitem(last=False)
    return body


def localised(data) -> pd.DataFrame:
    """The observations in the active language (metrics.localise), once per version and language."""
    return mx.localise(data[1])


def _colours(data) -> dict[str, str]:
    return charts.palette_of(data[0], False)


def figure_image(request: Request, loaded: Loaded, fmt: str) -> Response:
    """/api/figures/<id>.png|.svg?lang=zh&size=phone: the figure page's chart as an image."""
    pairs = _pairs(request)
    for key, _value in pairs:
        if key not in IMAGE_KEYS:
            raise query.BadParameter(key, f"unknown parameter; the parameters here are {', '.join(IMAGE_KEYS)}")
    params = dict(pairs)
    language = params.get("lang", i18n.DEFAULT_LANGUAGE)
    if language not in i18n.LANGUAGES:
        raise query.BadParameter("lang", f"{language[:40]!r} is not one of {', '.join(i18n.LANGUAGES)}")
    size = params.get("size", "slide")
    if size not in images.SIZES:
        raise query.BadParameter("size", f"{size[:40]!r} is not one of {', '.join(images.SIZES)}")
    figure_id = request.path_params["figure_id"]
    if not (loaded.obs["figure_id"] == figure_id).any():
        raise NotFound(f"no figure with id {figure_id[:100]!r}; the ids are in /api/figures.json")
    # The address drawn in is the configured one, never the request's Host: the image is cached
    # for everyone (a forged Host would otherwise be drawn into a shared copy). Without a configured
    # base it is the figure's path, as the API's figure_url column is.
    name = images.filename(figure_id, size, fmt)
    return _ok(request, loaded, lambda: _figure_image(loaded, figure_id, fmt, size, language, citation.base_url()),
               images.FORMATS[fmt], **{"Content-Disposition": f'inline; filename="{name}"'})


def datapackage_json(request: Request, loaded: Loaded) -> Response:
    return _ok(request, loaded, lambda: loaded.derived(_datapackage, str(loaded.root)), JSON)


def datapackage_zip(request: Request, loaded: Loaded) -> Response:
    name = package.zip_filename(loaded.version)
    return _ok(request, loaded, lambda: store.package_zip(loaded.key), ZIP, **{"Content-Disposition": f'attachment; filename="{name}"'})


ENDPOINTS = {  # path -> (what it answers, handler)
    "/api/figures.csv": ("figures as CSV (the /explore download); filters: " + ", ".join(query.FILTER_KEYS),
                         lambda request, loaded: figures(request, loaded, "csv")),
    "/api/figures.json": ("figures as JSON; the same filters", lambda request, loaded: figures(request, loaded, "json")),
    "/api/figures/{figure_id}.json": ("one figure by its figure_id", figure),
    "/api/figures/{figure_id}.png": ("the figure page's chart as a PNG, its title, sources, address and data version "
                                     "drawn in; lang (en, zh), size (slide 1200x675, phone 1080x1350)",
                                     lambda request, loaded: figure_image(request, loaded, "png")),
    "/api/figures/{figure_id}.svg": ("the same as an SVG", lambda request, loaded: figure_image(request, loaded, "svg")),
    "/api/events.csv": ("dated policy events as CSV; filter: region", lambda request, loaded: events(request, loaded, "csv")),
    "/api/events.json": ("dated policy events as JSON; filter: region", lambda request, loaded: events(request, loaded, "json")),
    "/api/events/{event_id}.json": ("one event by its event_id", event),
    "/api/sources.json": ("the source documents", catalogue_table("sources")),
    "/api/catalogue.json": ("the metric catalogue", catalogue_table("catalogue")),
    "/api/regions.json": ("the regions", catalogue_table("regions")),
    "/api/datapackage.json": ("the Frictionless Data Package descriptor", datapackage_json),
    "/api/datapackage.zip": ("the data package: CSVs, datapackage.json, README", datapackage_zip),
}


def index(request: Request, loaded: Loaded) -> Response:
    return _ok(request, loaded, lambda: export.json_bytes({
        "data_version": loaded.version,
        "endpoints": {path: text for path, (text, _) in ENDPOINTS.items()},
        "paging": f"at most {query.SIZE} rows a response (default {query.DEFAULT_PAGE_SIZE}, at most "
                  f"{query.MAX_PAGE_SIZE}); follow `next` (JSON) or the Link header (CSV)",
    }), JSON)


def _endpoint(handler: Callable[[Request, Loaded], Response]) -> Callable[[Request], Response]:
    """A Starlette endpoint (run in the thread pool: it is not async) that turns every failure into
    a JSON error: no traceback, no HTML."""

    def respond(request: Request) -> Response:
        try:
            return handler(request, Loaded())
        except query.BadParameter as err:
            return _error(err.status, f"{err.parameter}: {err.message}", parameter=err.parameter)
        except NotFound as err:
            return _error(404, str(err))
        except images.ImageUnavailable as err:
            return _error(503, str(err))
        except (UnreadableFile, InvalidData) as err:
            headline, problems = describe_failure(err)
            return _error(503, f"The dashboard cannot show data: {headline}.", problems=problems)
        except Exception:
            LOGGER.exception("read API: %s failed", request.url.path)
            return _error(500, "the request could not be answered (logged on the server)")

    return respond


def _fallback(request: Request) -> Response:
    """Anything else under /api, whatever its method (TRACE, PROPFIND...): a CORS preflight, 405
    for another method on a known path, else 404; always JSON with CORS."""
    known = any(route.path_regex.match(request.url.path) for route in _GET_ROUTES)
    if known and request.method == "OPTIONS":
        return Response(status_code=204, headers=PREFLIGHT)
    if known:
        return _error(405, f"{request.method} is not allowed here; the API is read-only (GET)",
                      headers={"Allow": "GET, HEAD, OPTIONS"})
    return _error(404, f"no such API path: {request.url.path[:200]!r}; see /api for the list")


def server_error(request: Request, exc: Exception) -> Response:
    """The server's last resort (st.App exception handler): a short JSON error, never a traceback."""
    LOGGER.error("unhandled error on %s: %r", request.url.path, exc)
    return _error(500, "the request could not be answered (logged on the server)")


_GET_ROUTES = [
    Route("/api", _endpoint(index), methods=["GET"]),
    Route("/api/", _endpoint(index), methods=["GET"]),
    *(Route(path, _endpoint(handler), methods=["GET"]) for path, (_, handler) in ENDPOINTS.items()),
]


class _AnyMethod:
    """The fallback as a plain ASGI app: Starlette gives a function endpoint a method list (GET by
    default) and answers any method outside it (TRACE, PROPFIND...) itself, in plain text without
    CORS; an ASGI app with no list receives every method."""

    def __init__(self, handler: Callable[[Request], Response]):
        self.handler = handler

    async def __call__(self, scope, receive, send) -> None:
        await self.handler(Request(scope, receive))(scope, receive, send)


ROUTES = [*_GET_ROUTES, Route("/api", _AnyMethod(_fallback)), Route("/api/{rest:path}", _AnyMethod(_fallback))]
