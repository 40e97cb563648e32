"""/api/figures/<id>.png and .svg against `streamlit run`: the figure page's chart as an image a
script or a content system can fetch, cached by data version (ETag, 304), 404 for an unknown id,
400 naming a bad parameter. The expected texts come from the data."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from dashboard import citation, i18n, images
from dashboard import metrics as mx
from tests.browser import streamlit_server
from tests.harness import fetch
from tests.test_images import svg_text

pytestmark = pytest.mark.server


# The public address a deployment configures: images draw it, never the request's Host.
PUBLIC = "https://innovation.example"


@pytest.fixture(scope="module")
def api():
    with streamlit_server(env={citation.BASE_URL_ENV: PUBLIC}) as url:
        yield url


@pytest.fixture(scope="module")
def figure_id(obs, dataset):
    """A figure whose metric other regions have too (the chart has several bars)."""
    for row in obs.itertuples():
        if len(mx.same_metric_by_region(obs, obs.loc[row.Index], dataset.regions["region"])) > 1:
            return row.figure_id
    pytest.fail("no figure shares its metric with another region")


def test_png_of_a_known_figure_is_an_image_with_its_etag_and_a_304_on_repeat(api, dataset, figure_id):
    status, headers, body = fetch(f"{api}/api/figures/{figure_id}.png")
    assert status == 200 and headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(body)).size == images.SIZES["slide"]
    assert headers["etag"] == f'W/"{dataset.version}"'
    again, _headers, empty = fetch(f"{api}/api/figures/{figure_id}.png", headers={"If-None-Match": headers["etag"]})
    assert again == 304 and empty == b""
    stale, _headers, _body = fetch(f"{api}/api/figures/{figure_id}.png", headers={"If-None-Match": 'W/"older"'})
    assert stale == 200


def test_phone_size(api, figure_id):
    status, _headers, body = fetch(f"{api}/api/figures/{figure_id}.png?size=phone&lang=zh")
    assert status == 200 and Image.open(io.BytesIO(body)).size == images.SIZES["phone"]


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_svg_carries_the_figure_its_source_line_and_address(api, obs, dataset, figure_id, language):
    status, headers, body = fetch(f"{api}/api/figures/{figure_id}.svg?lang={language}")
    assert status == 200 and headers["content-type"].startswith("image/svg+xml")
    text = svg_text(body)
    with i18n.speaking(language):
        figure = mx.localise(obs).set_index("figure_id").loc[figure_id].to_dict() | {"figure_id": figure_id}
        statement = citation.figure_statement(figure)
    assert "".join(statement.split()) in text
    assert "".join(figure[mx.SOURCE_TITLE].split()) in text and dataset.version in text
    assert f"{PUBLIC}/figure?id={figure_id}&lang={language}".replace(" ", "") in text.replace("\xa0", "")


def test_unknown_id_is_404_and_a_bad_parameter_400(api):
    status, headers, body = fetch(f"{api}/api/figures/no-such-figure.png")
    assert status == 404 and headers["content-type"].startswith("application/json")
    assert "no figure with id 'no-such-figure'" in json.loads(body)["error"]
    status, _headers, body = fetch(f"{api}/api/figures/no-such-figure.png?size=poster")
    assert status == 400 and json.loads(body)["parameter"] == "size"
    status, _headers, body = fetch(f"{api}/api/figures/x.svg?colour=red")
    assert status == 400 and json.loads(body)["parameter"] == "colour"


def test_an_image_never_draws_the_requests_host(figure_id):
    """Images are cached for everyone (ETag by data version): a forged Host must not be drawn into
    the shared copy. With no public address configured, the image gives the figure's path."""
    with streamlit_server(env={citation.BASE_URL_ENV: ""}) as bare:
        status, _headers, body = fetch(f"{bare}/api/figures/{figure_id}.svg", headers={"Host": "evil.example"})
    text = svg_text(body)
    assert status == 200 and "evil.example" not in text
    assert f"{citation.figure_path(figure_id)}&lang=en" in text
