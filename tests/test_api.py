"""The read API over HTTP against `streamlit run dashboard/app.py`: every endpoint, the filters of
/explore, pages, caching headers, errors a script can rely on (400 naming the parameter, 404, 405,
409, 503 with the problem list), escaping of hostile text, and recovery when the data is fixed.

Expected rows come from the dashboard's own export and filter code on the same files, so the tests
follow the data; the byte-for-byte match with a real /explore download is in test_browser_api.py.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urljoin

import pandas as pd
import pytest

from dashboard import export, i18n, package, query
from dashboard import metrics as mx
from dashboard.data import describe_failure, load_dataset
from dashboard.files import InvalidData
from tests.browser import streamlit_server
from tests.conftest import EVIL_REGION, ROOT, read_rows, write_rows
from tests.harness import fetch

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def api():
    with streamlit_server() as url:
        yield url


def choices_of(dataset, obs):
    labels = dict(zip(dataset.catalogue["metric"], dataset.catalogue["label"], strict=True))
    return query.filter_choices(dataset.regions["region"], labels, obs,
                                query.filter_aliases(dataset.regions, dataset.catalogue))


def expected_csv(dataset, obs, text: str) -> bytes:
    filters = query.filters_from_query(parse_qsl(text, keep_blank_values=True), choices_of(dataset, obs))
    return export.to_csv_bytes(mx.filter_observations(obs, filters), dataset.version)


def error_of(body: bytes) -> dict:
    return json.loads(body)


ENDPOINTS = [
    ("/api", "application/json; charset=utf-8"),
    ("/api/figures.csv", "text/csv; charset=utf-8"),
    ("/api/figures.json", "application/json; charset=utf-8"),
    ("/api/events.csv", "text/csv; charset=utf-8"),
    ("/api/events.json", "application/json; charset=utf-8"),
    ("/api/sources.json", "application/json; charset=utf-8"),
    ("/api/catalogue.json", "application/json; charset=utf-8"),
    ("/api/regions.json", "application/json; charset=utf-8"),
    ("/api/datapackage.json", "application/json; charset=utf-8"),
    ("/api/datapackage.zip", "application/zip"),
]


@pytest.mark.parametrize(("path", "content_type"), ENDPOINTS)
def test_every_endpoint_answers_with_its_type_etag_caching_and_cors(api, dataset, path, content_type):
    status, headers, body = fetch(api + path)
    assert status == 200 and body
    assert headers["content-type"] == content_type
    assert headers["etag"] == f'W/"{dataset.version}"'
    assert headers["cache-control"] == "public, max-age=60"
    assert headers["access-control-allow-origin"] == "*"
    status, headers, body = fetch(api + path, {"If-None-Match": f'W/"{dataset.version}"'})
    assert (status, body) == (304, b"") and headers["etag"] == f'W/"{dataset.version}"'
    assert fetch(api + path, {"If-None-Match": '"0000000000"'})[0] == 200  # another version: the body again


@pytest.mark.parametrize(
    "text",
    [
        "",
        "region=Shanxi&region=Shandong",
        "metric=Technology+contract+turnover",
        "years=2012&years=2021&undated=false",
        "status=target&qualifier=exact",
        "category=Manufacturing+innovation+centres&region=Shandong",
    ],
)
def test_figures_csv_is_the_explore_download_of_the_same_query(api, dataset, obs, text):
    status, headers, body = fetch(f"{api}/api/figures.csv?{text}")
    assert status == 200
    assert body == expected_csv(dataset, obs, text)
    assert int(headers["x-total-count"]) == len(list(csv.DictReader(io.StringIO(body.decode("utf-8")))))
    status, _, raw = fetch(f"{api}/api/figures.json?{text}")
    rows = json.loads(raw)["rows"]
    assert [[("" if v is None else str(float(v)) if isinstance(v, float) else str(v)) for v in row.values()] for row in rows] \
        == [list(r.values()) for r in csv.DictReader(io.StringIO(body.decode("utf-8")))]


def _other_names(dataset, region: str, metric: str) -> list[str]:
    """The query strings a Chinese page or a script may write for one region, metric and status."""
    regions = dataset.regions.set_index("region")
    catalogue = dataset.catalogue.set_index("metric")
    zh = i18n.translations("zh").gettext
    return [
        urlencode({"region": regions.at[region, "name_zh"], "metric": catalogue.at[metric, "label_zh"],
                   "status": zh(mx.STATUS_WORDS["actual"]), "lang": "zh"}),
        urlencode({"region": regions.at[region, "iso_code"], "metric": metric, "status": "actual", "lang": "en"}),
    ]


def test_the_chinese_names_ids_and_iso_codes_a_page_url_holds_give_the_english_forms_rows(api, dataset, obs):
    for region, metric in obs[["region", "metric"]].drop_duplicates().head(3).itertuples(index=False):
        label = dataset.catalogue.set_index("metric").at[metric, "label"]
        english = urlencode({"region": region, "metric": label, "status": "actual"})
        expected = expected_csv(dataset, obs, english)
        for text in _other_names(dataset, region, metric):
            status, _, body = fetch(f"{api}/api/figures.csv?{text}")
            assert (status, body) == (200, expected), text
    chinese = dataset.regions.set_index("region").at["Shanxi", "name_zh"]
    status, _, body = fetch(f"{api}/api/events.json?{urlencode({'region': chinese, 'lang': 'zh'})}")
    assert status == 200
    assert [r["event_id"] for r in json.loads(body)["rows"]] == \
        dataset.events.loc[dataset.events["region"] == "Shanxi", "event_id"].tolist()


def test_shape_array_is_a_plain_json_array_pandas_reads_as_a_clean_frame(api, dataset, obs):
    status, headers, body = fetch(f"{api}/api/figures.json?_shape=array&region=Shanxi&_size=5")
    shanxi = obs[obs["region"] == "Shanxi"]
    rows = json.loads(body)
    assert status == 200 and isinstance(rows, list) and len(rows) == min(5, len(shanxi))
    assert headers["x-total-count"] == str(len(shanxi))
    assert ("link" in headers) == (len(shanxi) > 5)
    frame = pd.read_json(io.StringIO(body.decode("utf-8")), dtype_backend="numpy_nullable")
    expected = export.export_frame(shanxi.head(5), dataset.version)
    assert list(frame.columns) == list(expected.columns)
    assert frame["figure_id"].tolist() == expected["figure_id"].tolist()
    for column in [c for c in ("year", "period_start", "period_end") if expected[c].notna().any()]:
        assert str(frame[column].dtype) == "Int64", column  # whole years, never 2018.0
        assert frame[column].tolist() == expected[column].tolist(), column
    assert b".0," not in body.split(b'"value"')[0]  # nothing before the first value is a float


def test_shape_array_pages_stay_arrays_when_followed(api, obs):
    """The next link of an array page keeps _shape=array: a script following Link headers gets
    arrays to the end, and exactly the whole result."""
    url, seen = f"{api}/api/figures.json?_shape=array&_size=7", []
    while url:
        status, headers, body = fetch(url)
        rows = json.loads(body)
        assert status == 200 and isinstance(rows, list), url
        seen += [row["figure_id"] for row in rows]
        link = headers.get("link")
        url = urljoin(url, link.split(">")[0].lstrip("<")) if link else None
    assert seen == obs["figure_id"].tolist()


def test_pages_follow_next_links_to_exactly_the_whole_result(api, dataset, obs):
    whole = expected_csv(dataset, obs, "")
    lines, url, pages = [], f"{api}/api/figures.csv?_size=7", 0
    while url:
        status, headers, body = fetch(url)
        assert status == 200 and headers["x-total-count"] == str(len(obs))
        page = body.decode("utf-8").splitlines(keepends=True)
        lines += page if not lines else page[1:]  # each page repeats the header
        link = headers.get("link")
        url = urljoin(url, link.split(">")[0].lstrip("<")) if link else None
        pages += 1
    assert "".join(lines).encode("utf-8") == whole
    assert pages == -(-len(obs) // 7)

    ids, url = [], f"{api}/api/figures.json?_size=10&region=Shanxi"
    while url:
        document = json.loads(fetch(url)[2])
        ids += [row["figure_id"] for row in document["rows"]]
        url = document["next"] and urljoin(url, document["next"])
    assert ids == obs.loc[obs["region"] == "Shanxi", "figure_id"].tolist()


def test_one_figure_and_one_event_by_id(api, dataset, obs):
    figure_id = obs["figure_id"].iloc[3]
    status, _, body = fetch(f"{api}/api/figures/{figure_id}.json")
    every = {row["figure_id"]: row for row in json.loads(fetch(f"{api}/api/figures.json")[2])["rows"]}
    assert status == 200 and json.loads(body) == {"data_version": dataset.version, "figure": every[figure_id]}
    event_id = dataset.events["event_id"].iloc[0]
    status, _, body = fetch(f"{api}/api/events/{event_id}.json")
    assert status == 200 and json.loads(body)["event"]["event_id"] == event_id


def test_catalogues_and_events_hold_every_row(api, dataset):
    assert [r["source_id"] for r in json.loads(fetch(f"{api}/api/sources.json")[2])["rows"]] == dataset.sources["source_id"].tolist()
    assert [r["metric"] for r in json.loads(fetch(f"{api}/api/catalogue.json")[2])["rows"]] == dataset.catalogue["metric"].tolist()
    assert [r["region"] for r in json.loads(fetch(f"{api}/api/regions.json")[2])["rows"]] == dataset.regions["region"].tolist()
    shanxi = json.loads(fetch(f"{api}/api/events.json?region=Shanxi")[2])["rows"]
    assert [r["event_id"] for r in shanxi] == dataset.events.loc[dataset.events["region"] == "Shanxi", "event_id"].tolist()


def test_the_data_package_is_the_one_the_explore_button_gives(api, dataset, tmp_path):
    assert json.loads(fetch(f"{api}/api/datapackage.json")[2]) == package.datapackage(dataset, ROOT)
    status, headers, raw = fetch(f"{api}/api/datapackage.zip")
    assert raw == package.package_zip(dataset, ROOT)
    assert headers["content-disposition"] == f'attachment; filename="{package.zip_filename(dataset.version)}"'
    assert "datapackage.json" in {Path(n).name for n in zipfile.ZipFile(io.BytesIO(raw)).namelist()}


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/api/figures.csv?region=Atlantis", 400,
         "region: unknown value 'Atlantis'; expected one of {regions} (or a Chinese name or an ISO code)"),
        ("/api/figures.json?region=%3Cscript%3Ealert(1)%3C%2Fscript%3E", 400,
         "region: unknown value '<script>alert(1)</script>'; expected one of {regions} (or a Chinese name or an ISO code)"),
        ("/api/figures.csv?years=1e9&years=2021", 400,
         "years: expected two whole years from {low} to {high}, first and last (years={low}&years={high}); got '1e9', '2021'"),
        ("/api/figures.csv?undated=%FF", 400, "undated: expected true or false; got '\ufffd'"),
        ("/api/figures.csv?_size=100000000000000000000", 400,
         "_size: expected a whole number of rows from 1 to 10000; got '100000000000000000000'"),
        ("/api/figures.csv?_next=..%2F..%2Fetc", 400,
         "_next: not a page token of this API (take the next link of the previous page); got '../../etc'"),
        ("/api/figures.csv?_next=0123456789.5", 409,
         "_next: this token is for data version 0123456789, but the data is now version {version}; start again from the first page"),
        ("/api/figures.csv?drop+table=1", 400,
         "drop table: unknown parameter; the parameters here are region, metric, category, years, status, qualifier, undated, "
         "lang, _size, _next, _shape"),
        ("/api/events.json?metric=x", 400, "metric: unknown parameter; the parameters here are region, lang, _size, _next, _shape"),
        ("/api/figures/no-such-figure.json", 404, "no figure with id 'no-such-figure'; the ids are in /api/figures.json"),
        ("/api/figures/%3Cimg%20src%3Dx%3E.json", 404, "no figure with id '<img src=x>'; the ids are in /api/figures.json"),
        ("/api/events/no-such-event.json", 404, "no event with id 'no-such-event'; the ids are in /api/events.json"),
        ("/api/figures.xml", 404, "no such API path: '/api/figures.xml'; see /api for the list"),
    ],
)
def test_bad_requests_get_a_json_error_naming_what_is_wrong(api, dataset, obs, path, status, error):
    choices = choices_of(dataset, obs)
    expected = error.format(version=dataset.version, regions=", ".join(repr(r) for r in choices.regions),
                            low=choices.years[0], high=choices.years[1])
    code, headers, body = fetch(api + path)
    assert code == status
    assert headers["content-type"] == "application/json; charset=utf-8" and headers["cache-control"] == "no-store"
    assert error_of(body)["error"] == expected
    assert b"Traceback" not in body and b"<" not in body  # JSON writes < as \u003c


def test_only_reading_is_allowed_and_a_browser_may_ask_first(api):
    code, headers, body = fetch(f"{api}/api/figures.csv", method="POST")
    assert code == 405 and headers["allow"] == "GET, HEAD, OPTIONS"
    assert error_of(body)["error"] == "POST is not allowed here; the API is read-only (GET)"
    code, headers, _ = fetch(f"{api}/api/figures.csv", {"Origin": "https://example.org"}, method="OPTIONS")
    assert code == 204 and headers["access-control-allow-origin"] == "*"
    assert "If-None-Match" in headers["access-control-allow-headers"]
    assert fetch(f"{api}/api/figures.csv", method="HEAD")[0] == 200


@pytest.mark.parametrize(("path", "method"), [("/api/figures.csv", "TRACE"), ("/api/figures.csv", "PROPFIND"),
                                              ("/api", "POST"), ("/api", "DELETE")])
def test_every_other_method_gets_a_json_405_with_cors(api, path, method):
    code, headers, body = fetch(api + path, method=method)
    assert code == 405 and headers["allow"] == "GET, HEAD, OPTIONS" and headers["access-control-allow-origin"] == "*"
    assert error_of(body)["error"] == f"{method} is not allowed here; the API is read-only (GET)"
    code, headers, _ = fetch(api + "/api", {"Origin": "https://example.org"}, method="OPTIONS")
    assert code == 204 and headers["access-control-allow-origin"] == "*"


def test_a_page_token_with_a_trailing_newline_is_refused(api, dataset):
    code, _, body = fetch(f"{api}/api/figures.json?_next={dataset.version}.5%0A")
    assert code == 400 and error_of(body)["parameter"] == "_next"


def test_next_links_are_the_canonical_query_without_the_host_and_short(api, dataset, obs):
    """A long query of repeated values (300 region=Shanxi, 4 KB) and a forged Host: the link of a
    cacheable response holds neither, so no proxy refuses its headers and no cache replays a
    poisoned link; it still leads to the next page."""
    query_text = "&".join(["region=Shanxi"] * 300) + "&_size=2"
    status, headers, body = fetch(f"{api}/api/figures.csv?{query_text}", {"Host": "evil.example"})
    token = f"{dataset.version}.2"
    assert status == 200 and headers["cache-control"] == "public, max-age=60"
    assert headers["link"] == f'</api/figures.csv?region=Shanxi&_size=2&_next={token}>; rel="next"'
    assert "evil" not in str(headers) and b"evil" not in body
    document = json.loads(fetch(f"{api}/api/figures.json?{query_text}", {"Host": "evil.example"})[2])
    assert document["next"] == f"/api/figures.json?region=Shanxi&_size=2&_next={token}"
    second = json.loads(fetch(urljoin(api, document["next"]))[2])
    assert [r["figure_id"] for r in second["rows"]] == obs.loc[obs["region"] == "Shanxi", "figure_id"].tolist()[2:4]


def test_a_long_hostile_query_is_refused_not_crashed(api):
    hostile = "&".join(f"region={quote(v)}" for v in ["Shanxi"] * 500 + ["'; DROP TABLE x;--", "\x00", "%s%n"])
    code, _, body = fetch(f"{api}/api/figures.json?{hostile}")
    assert code == 400 and error_of(body)["parameter"] == "region"


@pytest.fixture(scope="module")
def hostile_api(tmp_path_factory):
    """A server on a copy of the data whose texts carry formulas, HTML and JS (conftest's hostile_project)."""
    from tests.conftest import hostile_project, project_copy

    root = hostile_project.__wrapped__(project_copy.__wrapped__(tmp_path_factory.mktemp("hostile")))
    with streamlit_server(env={"DASHBOARD_ROOT": str(root)}) as url:
        yield url, root


def test_hostile_text_is_escaped_in_csv_and_json(hostile_api):
    url, root = hostile_api
    region = quote(EVIL_REGION)
    status, _, body = fetch(f"{url}/api/figures.csv?region={region}")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert {r["metric_label"] for r in rows} == {"'=cmd|' /C calc'!A0 <b onmouseover=window.__xss=5>centres</b>"}
    status, _, raw = fetch(f"{url}/api/figures.json?region={region}")
    assert b"<" not in raw and b">" not in raw
    assert json.loads(raw)["rows"][0]["metric_label"].startswith("'=cmd|")
    assert json.loads(fetch(f"{url}/api/events.json?region={region}")[2])["rows"][0]["title"] == "<img src=x onerror=window.__xss=9>event"


def test_a_missing_folder_answers_503_without_the_server_path(hostile_api):
    url, root = hostile_api
    (root / "seeds").rename(root / "seeds-away")
    try:
        status, _, body = fetch(url + "/api/regions.json")
    finally:
        (root / "seeds-away").rename(root / "seeds")
    assert status == 503
    assert error_of(body) == {"status": 503, "error": "The dashboard cannot show data: seeds/: folder not found.", "problems": []}
    assert str(root).encode() not in body and b"/tmp" not in body
    assert fetch(url + "/api/regions.json")[0] == 200


def test_invalid_data_answers_503_with_the_pages_problem_list_and_recovers_when_fixed(hostile_api):
    url, root = hostile_api
    path = root / "data" / "metrics.csv"
    rows = read_rows(path)
    write_rows(path, [dict(rows[0], value="15"), *rows[1:]])
    try:
        with pytest.raises(InvalidData) as raised:
            load_dataset(root)
        headline, problems = describe_failure(raised.value)
        for endpoint in ("/api/figures.csv", "/api/figures.json", "/api/sources.json", "/api/datapackage.json"):
            status, headers, body = fetch(url + endpoint)
            assert status == 503 and headers["content-type"] == "application/json; charset=utf-8"
            assert error_of(body) == {"status": 503, "error": f"The dashboard cannot show data: {headline}.",
                                      "problems": problems}
        assert any("data/metrics.csv:2: column 'value': got '15'" in p for p in problems)
    finally:
        write_rows(path, rows)
    assert fetch(url + "/api/figures.csv")[0] == 200
