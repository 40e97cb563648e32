"""Chart images that carry their source: a plotly figure framed with its title, the filters in
words, the source line, its address and the data version, drawn by the server as PNG or SVG.

A chart taken out of the dashboard into a slide, an article or a chat keeps its provenance only
if the provenance is in the picture, as Our World in Data's grapher does it. `framed` lays the
caption out in the figure itself (title and subtitle at the top, source, address and data version
in a footer band), at a size that reads on a slide (1200x675) or a phone (1080x1350); `render`
draws it with Plotly's static export (kaleido 1.x), which drives a headless Chromium: Debian's
/usr/bin/chromium unless $BROWSER_PATH names another, with MathJax off and plotly.js from the
plotly package, so nothing is fetched from the network. Chinese text is drawn with the system's
CJK fonts (fonts-noto-cjk, `make system-packages`).

One Chromium is started on the first image and kept for the next ones (the first image of a
process took 2-4 s here, the next 0.1-0.3 s), and stopped after IDLE_SECONDS without an image:
it holds ~290 MB (PSS) when started and levels off near 650 MB after ~60 images (`python -m
bench.images`). Images are built on request, never on page load. No
Streamlit here: the views' "Download image" and the API's /api/figures/<id>.png both call it.
"""

from __future__ import annotations

import copy
import html
import os
import threading
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import charts, citation
from dashboard import metrics as mx
from dashboard.i18n import N_, _

CHROMIUM = "/usr/bin/chromium"
SIZES = {"slide": (1200, 675), "phone": (1080, 1350)}
SIZE_NAMES = {"slide": N_("Slide, 1200 × 675"), "phone": N_("Phone, 1080 × 1350")}
# A phone image is shrunk to ~400 px on the screen: its text is drawn larger to stay readable.
SCALE = {"slide": 1.0, "phone": 1.6}
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
FONT_PX, TITLE_PX, SUBTITLE_PX, FOOTER_PX = 17, 26, 17, 15
# Characters per line of wrapped text: plotly never wraps, so a long source line would run off the
# image. ~0.55 em per Latin character; a CJK character is a full em and counts twice (see _wrap).
EM_PER_CHAR = 0.55
SIDE_PX = 40  # left and right margin of the image
AXIS_BAND_PX = 70  # under the plot: tick labels and an axis title, above the footer
TOP_PX, GAP_PX = 24, 12  # above the title; between title, subtitle, legend and plot


class ImageUnavailable(Exception):
    """The image cannot be drawn on this server (no Chromium, or it failed); the message says why."""


@dataclass(frozen=True)
class Caption:
    """What an image says about its chart, in the reader's language."""

    title: str
    filters: str  # the filters in words ('Regions: Shanxi, Shandong · Status: actual'), '' when none
    source: str  # citation.cite_chart: the documents, the dataset and the data version
    url: str  # the page the chart is on, with its state
    version: str


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` (half-em) columns: at spaces, and anywhere inside a run of
    CJK characters (Chinese has no spaces between words); a word longer than a line (a URL) is cut."""
    lines, line, used = [], "", 0
    for token in _tokens(text):
        size = sum(map(charts.char_width, token))
        if line and used + size > width:
            lines.append(line.rstrip())
            line, used = "", 0
            token = token.lstrip()
            size = sum(map(charts.char_width, token))
        while size > width:  # a token longer than a line
            cut, taken = 0, 0
            while cut < len(token) and taken + charts.char_width(token[cut]) <= width:
                taken += charts.char_width(token[cut])
                cut += 1
            lines.append(token[:cut])
            token, size = token[cut:], size - taken
        line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Words with their leading space, and each CJK character on its own (a line may break there)."""
    tokens, word = [], ""
    for char in " ".join(text.split()):
        if charts.char_width(char) == 2:
            if word:
                tokens.append(word)
            tokens.append(char)
            word = ""
        elif char == " ":
            if word:
                tokens.append(word)
            word = " "
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


def _lines(text: str, px: int, width_px: int) -> list[str]:
    return _wrap(text, int(width_px / (px * EM_PER_CHAR))) if text else []


def _markup(lines: list[str]) -> str:
    return "<br>".join(html.escape(line) for line in lines)


def footer_lines(caption: Caption, width_px: int, px: int = FOOTER_PX) -> list[str]:
    """The footer band: the source line (documents, dataset, data version), then the address."""
    return [*_lines(caption.source, px, width_px - 2 * SIDE_PX), *_lines(caption.url, px, width_px - 2 * SIDE_PX)]


def framed(fig: go.Figure, caption: Caption, size: str = "slide") -> go.Figure:
    """A copy of `fig` at one of SIZES with the caption drawn in: the title and the filters at the
    top, the source line, the address and the data version in the footer. Colours are the
    figure's own (the theme the reader saw), the text in its font colour."""
    width, height = SIZES[size]
    scale = SCALE[size]
    font_px, title_px, subtitle_px, footer_px = (int(px * scale) for px in (FONT_PX, TITLE_PX, SUBTITLE_PX, FOOTER_PX))
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    layout = out.layout
    text_colour = layout.font.color or charts.LIGHT.text
    usable = width - 2 * SIDE_PX
    title = _lines(caption.title, title_px, usable)
    subtitle = _lines(caption.filters, subtitle_px, usable)
    footer = footer_lines(caption, width, footer_px)
    legend_px = (charts.LEGEND_ROW_PX * charts.legend_rows([t.name or "" for t in out.data if t.showlegend is not False],
                                                           width=usable)
                 if layout.showlegend is not False and len(out.data) > 1 else 0)
    title_h, subtitle_h = int(1.3 * title_px) * len(title), int(1.4 * subtitle_px) * len(subtitle)
    top = TOP_PX + title_h + (subtitle_h + GAP_PX if subtitle else 0) + int(legend_px * scale) + GAP_PX
    bottom = _axis_band(out, font_px) + int(1.35 * footer_px) * len(footer) + 16
    plot_px = max(height - top - bottom, 1)
    out.update_layout(width=width, height=height, autosize=False, font=dict(size=font_px, color=text_colour),
                      title=dict(text=""), margin=dict(l=SIDE_PX, r=SIDE_PX, t=top, b=bottom))
    # The axis titles and tick labels take what room they need inside the margins (plotly's
    # default leaves a y-axis title over its tick labels at these margins).
    out.update_xaxes(automargin=True)
    out.update_yaxes(automargin=True)
    # Title, subtitle and footer are annotations placed in pixels from the image's edges (as
    # fractions of the plot's height): plotly's own title cuts a title of several lines at the top.
    lines = [("image-title", f"<b>{_markup(title)}</b>", title_px, 1 + (top - TOP_PX) / plot_px, "top"),
             ("image-subtitle", _markup(subtitle), subtitle_px, 1 + (top - TOP_PX - title_h - GAP_PX) / plot_px, "top"),
             ("image-footer", _markup(footer), footer_px, -(bottom - 12) / plot_px, "bottom")]
    for name, text, px, y, anchor in lines:
        if text:
            out.add_annotation(text=text, name=name, showarrow=False, align="left", xref="paper", x=0, xanchor="left",
                               yref="paper", y=y, yanchor=anchor, font=dict(size=px, color=text_colour))
    return out


FIGURE_FILTERS = N_("Figure {id} beside the same metric in other regions (the latest figure of each)")


def figure_caption(figure, by_region, version: str, url: str) -> Caption:
    """The caption of a figure page's chart (charts.build_same_metric_chart): the figure in one line
    as its citation states it, the documents behind every bar, the figure's address."""
    return Caption(title=citation.figure_statement(figure), filters=_(FIGURE_FILTERS).format(id=figure["figure_id"]),
                   source=citation.cite_chart(mx.cite_sources(by_region), version), url=url, version=version)


def _axis_band(fig: go.Figure, font_px: int) -> int:
    """Room under the plot for the x axis's labels (as many lines as its longest wrapped category
    name) and its title: the footer is placed below it, and plotly growing the margin by itself
    would move the footer into the labels."""
    lines = max([1, *(value.count("<br>") + 1 for trace in fig.data for value in (getattr(trace, "x", None) or ())
                      if isinstance(value, str))])
    title = 1.6 * font_px if fig.layout.xaxis.title.text else 0
    return int(1.35 * font_px * lines + title + AXIS_BAND_PX / 2)


def caption_text(caption: Caption) -> str:
    """Every line an image draws, in order (what a test or an alt text reads)."""
    return "\n".join([caption.title, caption.filters, caption.source, caption.url])


IDLE_SECONDS = float(os.environ.get("DASHBOARD_IMAGE_IDLE_SECONDS", 300))
_lock = threading.Lock()
_started = False
_idle_timer: threading.Timer | None = None


def _stop_when_idle() -> None:
    """(Re)arm the timer that stops the browser once no image was asked for in IDLE_SECONDS."""
    global _idle_timer
    if _idle_timer is not None:
        _idle_timer.cancel()
    _idle_timer = threading.Timer(IDLE_SECONDS, stop)
    _idle_timer.daemon = True
    _idle_timer.start()


def browser_path() -> str:
    """The Chromium kaleido drives: $BROWSER_PATH (choreographer's own variable), else Debian's."""
    return os.environ.get("BROWSER_PATH") or CHROMIUM


def _start() -> None:
    """Start kaleido's one shared Chromium (once per process), MathJax off: nothing from the network."""
    global _started
    if _started:
        return
    path = browser_path()
    if not os.access(path, os.X_OK):
        raise ImageUnavailable(_("Images need Chromium at {path}; install it (make system-packages) or set "
                                 "BROWSER_PATH.").format(path=path))
    import kaleido

    os.environ.setdefault("BROWSER_PATH", path)  # choreographer reads it when it starts the browser
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _started = True


def render(fig: go.Figure, fmt: str, size: str = "slide") -> bytes:
    """PNG or SVG bytes of a framed figure (framed() has set its size)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; expected one of {', '.join(FORMATS)}")
    width, height = SIZES[size]
    import kaleido

    with _lock:  # one render at a time through the one browser tab
        _start()
        try:
            return kaleido.calc_fig_sync(fig, opts=dict(format=fmt, width=width, height=height))
        except Exception as err:  # kaleido's own errors carry the browser's message
            raise ImageUnavailable(_("The image could not be drawn: {reason}").format(reason=str(err)[:300])) from err
        finally:
            _stop_when_idle()


def stop() -> None:
    """Stop the shared Chromium (tests and the benchmark measure a cold start with it)."""
    global _started
    with _lock:
        if _started:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _started = False


def image(fig: go.Figure, caption: Caption, fmt: str, size: str = "slide") -> bytes:
    """The chart framed with its caption, drawn as `fmt` at `size`."""
    return render(framed(fig, caption, size), fmt, size)


def filename(stem: str, size: str, fmt: str) -> str:
    """'innovation-metrics_compare-tech-contract_slide.png': ASCII, no spaces."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in stem).strip("-") or "chart"
    return f"innovation-metrics_{safe[:80]}_{size}.{fmt}"
