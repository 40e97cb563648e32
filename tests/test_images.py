"""Chart images (dashboard/images.py): the caption laid out in the figure as data, then drawn by
Chromium (kaleido) and read back: SVG text nodes, PNG size and the footer band's pixels.

The rendering tests need Debian's Chromium (`make system-packages`), so they carry the browser
marker; the layout tests run everywhere."""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest
from PIL import Image

from dashboard import charts, citation, i18n, images
from dashboard import metrics as mx

SVG = "{http://www.w3.org/2000/svg}"


def svg_text(svg: bytes) -> str:
    """Every text node of an SVG, joined without whitespace (a wrapped line splits words)."""
    root = ET.fromstring(svg)
    return "".join("".join(node.itertext()) for node in root.iter(f"{SVG}text")).replace(" ", "").replace("\xa0", "")


def squeezed(text: str) -> str:
    return "".join(text.split())


def footer_ink(png: bytes, band_px: int) -> tuple[tuple[int, int], int]:
    """(size, dark pixels in the bottom `band_px` rows): text drawn in the footer band."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    band = image.crop((0, height - band_px, width, height))
    return image.size, sum(band.histogram()[:128])


@pytest.mark.parametrize(("text", "width", "expected"), [
    ("Source: one two three", 10, ["Source:", "one two", "three"]),
    ("山西省技术合同", 6, ["山西省", "技术合", "同"]),  # a CJK character is two columns; a line breaks anywhere
    ("http://example.org/compare?region=Shanxi", 16,  # a word longer than a line is cut
     ["http://example.o", "rg/compare?regio", "n=Shanxi"]),
    ("", 10, []),
])
def test_wrap_breaks_at_spaces_inside_cjk_and_cuts_long_words(text, width, expected):
    assert images._wrap(text, width) == expected


def compare_chart(obs, language: str):
    """Shanxi vs Shandong's first shared metric, as /compare draws it, in `language`."""
    with i18n.speaking(language):
        local = mx.localise(obs)
        table = mx.compare_regions(local, ["Shanxi", "Shandong"], status="actual")
        row = table[table["shared"]].iloc[0]
        chosen = local[local["region"].isin(["Shanxi", "Shandong"]) & (local["status"] == "actual")]
        rows = mx.latest_observations(chosen[chosen["metric"] == row["metric"]])
        fig = charts.build_bar_chart(rows, charts.region_colours(["Shanxi", "Shandong"]), row["label"], x="region")
    return row["label"], rows, fig


def caption_for(title, rows, version, language):
    with i18n.speaking(language):
        return images.Caption(title=title, filters="Regions: Shanxi, Shandong",
                              source=citation.cite_chart(mx.cite_sources(rows), version, "https://metrics.example.org"),
                              url=f"https://metrics.example.org/compare?region=Shanxi&region=Shandong&lang={language}",
                              version=version)


@pytest.mark.parametrize("size", list(images.SIZES))
def test_framed_figure_has_the_size_title_filters_and_footer_as_annotations(dataset, obs, size):
    title, rows, fig = compare_chart(obs, "en")
    caption = caption_for(title, rows, dataset.version, "en")
    out = images.framed(fig, caption, size)
    assert (out.layout.width, out.layout.height) == images.SIZES[size]
    drawn = {a.name: a.text for a in out.layout.annotations}
    assert squeezed(title) in squeezed(drawn["image-title"].replace("<br>", ""))
    assert squeezed(caption.filters) in squeezed(drawn["image-subtitle"].replace("<br>", ""))
    footer = squeezed(drawn["image-footer"].replace("<br>", ""))
    assert squeezed(caption.source).replace("&", "&amp;") in footer and f"dataversion{dataset.version}" in footer
    assert squeezed(caption.url).replace("&", "&amp;") in footer
    assert fig.layout.width is None and not fig.layout.annotations  # the page's figure is left as it was


@pytest.mark.browser
@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_drawn_svg_and_png_carry_title_source_line_and_address(dataset, obs, language):
    title, rows, fig = compare_chart(obs, language)
    caption = caption_for(title, rows, dataset.version, language)
    svg = images.image(fig, caption, "svg", "slide")
    text = svg_text(svg)
    assert squeezed(title) in text
    for document in rows[mx.SOURCE_TITLE].unique():  # the documents' titles, as the data has them
        assert squeezed(document) in text
    assert squeezed(caption.url) in text and dataset.version in text
    assert "\ufffd" not in svg.decode("utf-8") and "Ã" not in text  # no mojibake
    for size, (width, height) in images.SIZES.items():
        png = images.image(fig, caption, "png", size)
        assert png.startswith(b"\x89PNG")
        drawn, ink = footer_ink(png, band_px=int(60 * images.SCALE[size]))
        assert drawn == (width, height)
        assert ink > 500, f"no text in the footer band of the {size} PNG ({ink} dark pixels)"


@pytest.mark.browser
def test_the_footer_band_is_empty_without_a_caption(dataset, obs):
    """The pixel check can fail: the same chart framed with no source and no address has no ink there."""
    title, rows, fig = compare_chart(obs, "en")
    empty = images.Caption(title=title, filters="", source="", url="", version=dataset.version)
    _size, ink = footer_ink(images.image(fig, empty, "png", "slide"), band_px=30)
    assert ink == 0


def test_a_missing_chromium_is_a_clear_message(monkeypatch):
    images.stop()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(images.ImageUnavailable, match="Chromium at /nonexistent/chromium"):
        images.render(images.framed(go.Figure(), images.Caption("t", "", "", "", "v")), "png")


def test_file_names_are_ascii_and_say_size_and_format():
    assert images.filename("compare-技术 turnover", "phone", "svg") == "innovation-metrics_compare----turnover_phone.svg"


@pytest.mark.browser
def test_the_browser_stops_once_no_image_was_asked_for_a_while(monkeypatch, dataset, obs):
    """Chromium holds hundreds of MB (bench/images.py): an idle server gives it back."""
    monkeypatch.setattr(images, "IDLE_SECONDS", 0.5)
    title, rows, fig = compare_chart(obs, "en")
    images.image(fig, caption_for(title, rows, dataset.version, "en"), "svg")
    assert images._started
    deadline = time.monotonic() + 10
    while images._started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not images._started


def test_text_from_the_data_is_escaped_for_plotly(dataset, obs):
    """Plotly's labels read a little HTML: a hostile title or source is drawn as text, never as markup."""
    title, rows, fig = compare_chart(obs, "en")
    hostile = images.Caption(title='<a href="https://evil.example">click</a>', filters="<b>x</b>",
                             source="Source: <img src=x onerror=alert(1)>", url="https://x.example/?a=1&b=<2>",
                             version=dataset.version)
    drawn = {a.name: a.text for a in images.framed(fig, hostile, "slide").layout.annotations}
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt;" in drawn["image-title"]
    assert "<b>x</b>" not in drawn["image-subtitle"] and "&lt;img" in drawn["image-footer"]
    assert "<img" not in drawn["image-footer"] and "&amp;b=&lt;2&gt;" in drawn["image-footer"]
