"""Figures tested as data: traces, values, hover content, markings of targets and bounds."""

from __future__ import annotations

import tomllib

import pandas as pd

from dashboard import charts
from dashboard import metrics as mx
from tests.conftest import ROOT
from tests.factories import frame, observation

COLOURS = {"Shanxi": "#0072B2", "Shandong": "#D55E00", "Jilin": "#009E73"}


def regions_of(fig):
    """The traces that draw figures, without the legend entries explaining an encoding."""
    return [t for t in fig.data if t.legendgroup != charts.ENCODING_KEY]


def keys_of(fig) -> list[str]:
    return [t.name for t in fig.data if t.legendgroup == charts.ENCODING_KEY]


def points(trace) -> list[tuple]:
    """(x, y) of a series trace's points, without the breaks between years with no data."""
    return [(x, y) for x, y in zip(trace.x, trace.y, strict=True) if y is not None]


def test_region_colours_are_stable_and_put_the_default_pair_first():
    colours = charts.region_colours(["China", "Shanxi", "Shandong", "Jilin"], first=("Shanxi", "Shandong"))
    assert colours == {"Shanxi": charts.PALETTE[0], "Shandong": charts.PALETTE[1], "China": charts.PALETTE[2], "Jilin": charts.PALETTE[3]}
    many = charts.region_colours([f"R{i}" for i in range(12)], first=("R0", "R1"))
    assert many["R10"] == charts.PALETTE[2] and many["R11"] == charts.PALETTE[3]  # repeats past its length...
    assert {many["R0"], many["R1"]}.isdisjoint(many[f"R{i}"] for i in range(2, 12))  # ...but not the first pair's


def test_bar_chart_hover_carries_value_date_source_and_quote():
    obs = frame(observation("Shanxi", value=14), observation("Shandong", value=20, qualifier="more_than", as_of="2022-02-28", year=2022))
    fig = charts.build_bar_chart(obs, COLOURS, "Centres")
    assert [t.name for t in regions_of(fig)] == ["Shanxi", "Shandong"]
    shanxi, shandong = regions_of(fig)
    assert list(shanxi.y) == [14] and list(shandong.text) == [">20"]
    assert shanxi.customdata[0][2] == "14 centres" and shanxi.customdata[0][3] == "as of 2021-03-10"
    assert shanxi.customdata[0][4] == "News from Shanxi" and shanxi.customdata[0][5] == "Shanxi has 14 centres."
    assert "%{customdata[5]}" in shanxi.hovertemplate and "Source: %{customdata[4]}" in shanxi.hovertemplate
    assert shandong.marker.pattern.shape == (charts.BOUND_PATTERN,) and shanxi.marker.pattern.shape == ("",)
    assert shanxi.marker.color == COLOURS["Shanxi"]
    assert keys_of(fig) == ["hatched: a bound (&gt;, ≥, ≤), not exact"]  # no target drawn: no key for one
    assert fig.layout.title.text == "Centres" and fig.layout.yaxis.title.text == "centres"


def test_targets_are_drawn_apart_from_results():
    obs = frame(observation("Jilin", value=12, status="target", year=2025, year_basis="stated"), observation("Jilin", value=5))
    fig = charts.build_bar_chart(obs, COLOURS, "Factories")
    target = next(t for t in fig.data if t.name == "Jilin (target)")
    actual = next(t for t in fig.data if t.name == "Jilin")
    # One encoding each: hatching means a bound only, a target is lighter; the legend says which is which.
    assert target.marker.pattern.shape == ("",) and target.marker.opacity < actual.marker.opacity
    assert keys_of(fig) == ["lighter: a target, not a result"]
    bound_target = charts.build_bar_chart(frame(observation("Jilin", value=300, status="target", qualifier="more_than",
                                                            year=2025, year_basis="stated")), COLOURS, "Projects")
    (bar,) = regions_of(bound_target)
    assert bar.marker.pattern.shape == (charts.BOUND_PATTERN,) and bar.marker.opacity == charts.TARGET_OPACITY
    assert len(keys_of(bound_target)) == 2


def test_count_axes_have_whole_number_ticks():
    two = charts.build_bar_chart(frame(observation("Shandong", value=2), observation("Shanxi", value=1)), COLOURS, "C")
    assert two.layout.yaxis.dtick == 1 and two.layout.yaxis.tickformat == ",d"
    assert charts.count_ticks([14, 22]) == {"tickformat": ",d"}  # plotly's own ticks are whole past ten
    assert charts.count_ticks([12.42, 52.18]) == {} and charts.count_ticks([]) == {}  # money keeps its decimals


def test_hostile_text_is_escaped_in_every_label():
    obs = frame(observation("Shanxi", quote="<img src=x onerror=alert(1)> more", **{mx.SOURCE_TITLE: "<script>x</script>"}))
    fig = charts.build_bar_chart(obs, COLOURS, "<b onmouseover=alert(1)>t</b>")
    custom = fig.data[0].customdata[0]
    assert custom[5] == "&lt;img src=x onerror=alert(1)&gt; more" and custom[4] == "&lt;script&gt;x&lt;/script&gt;"
    assert "<b onmouseover" not in fig.layout.title.text


def test_long_quotes_are_wrapped_for_the_hover_box():
    text = " ".join(["word"] * 60)
    wrapped = charts.hover_text(text, width=70)
    assert all(len(line) <= 70 for line in wrapped.split("<br>")) and wrapped.count("<br>") >= 3


def test_series_chart_reverses_rank_axis_and_dashes_targets():
    rank = frame(
        observation("China", "gii", 34, year=2012, year_basis="stated", unit="rank", value_type="rank"),
        observation("China", "gii", 11, year=2022, year_basis="stated", unit="rank", value_type="rank"),
    )
    fig = charts.build_series_chart(rank, {"China": "#000"}, "GII")
    assert fig.layout.yaxis.autorange == "reversed" and [x for x, _y in points(fig.data[0])] == [2012, 2022]
    assert "axis reversed" in fig.layout.yaxis.title.text
    money = frame(
        observation("Jilin", "x", 1, year=2023, year_basis="stated", status="target"),
        observation("Jilin", "x", 3, year=2025, year_basis="stated", status="target", qualifier="more_than"),
    )
    fig = charts.build_series_chart(money, COLOURS, "X")
    assert fig.layout.yaxis.autorange is True and fig.data[0].line.dash == "dash"
    drawn = [i for i, y in enumerate(fig.data[0].y) if y is not None]
    assert [fig.data[0].marker.symbol[i] for i in drawn] == ["circle", "triangle-up"]
    assert [fig.data[0].text[i] for i in drawn] == ["1", ">3"]


def test_series_chart_marks_only_dated_events_of_its_regions():
    series = frame(
        observation("Shanxi", "t", 1, year=2012, year_basis="stated"), observation("Shanxi", "t", 2, year=2021, year_basis="stated")
    )
    events = pd.DataFrame(
        {
            "region": ["Shanxi", "Shandong", "Shanxi"], "title": ["Start", "Other", "Undated plan"],
            "date_precision": ["year", "year", "unknown"], "quote": ["q", "q", "q"],
            mx.PLOT_YEAR: [2018.5, 2018.5, 2016.0],
        }
    )
    fig = charts.build_series_chart(series, COLOURS, "T", events=events)
    assert [shape.x0 for shape in fig.layout.shapes] == [2018.5]
    assert [a.text for a in fig.layout.annotations if a.yref == "paper"] == ["Shanxi: Start"]


def test_events_chart_draws_periods_and_dated_points():
    placed = pd.DataFrame(
        {
            "event_id": ["shanxi-start", "jilin-plan"],
            "region": ["Shanxi", "Jilin"], "title": ["Start", "Plan"], "date_text": ["in 2018", None],
            "date_precision": ["year", "unknown"], "quote": ["q1", "q2"], mx.SOURCE_TITLE: ["S", "J"],
            "period_start": pd.array([None, 2023], dtype="Int64"), "period_end": pd.array([None, 2025], dtype="Int64"),
            mx.PLOT_YEAR: [2018.5, 2023.0],
        }
    )
    fig = charts.build_events_chart(placed, COLOURS)
    points = [t for t in fig.data if t.type == "scatter"]
    bars = [t for t in fig.data if t.type == "bar"]
    assert [list(p.x) for p in points] == [[2018.5]]  # the plan has no date: no point
    assert list(bars[0].base) == [2023.0] and list(bars[0].x) == [3.0] and bars[0].customdata[0][4] == "2023–2025"
    # A click opens the event's page: its id is the last element of each point's customdata.
    assert [c[-1] for c in points[0].customdata] == ["shanxi-start"] and bars[0].customdata[0][-1] == "jilin-plan"


def test_coverage_chart_shows_gaps_as_blank_cells():
    matrix = pd.DataFrame({"Shanxi": [1, 0], "Shandong": [2, 1]}, index=["A", "B"])
    fig = charts.build_coverage_chart(matrix)
    heat = fig.data[0]
    assert list(heat.x) == ["Shanxi", "Shandong"] and list(heat.y) == ["A", "B"]
    assert [list(r) for r in heat.text] == [["1", "2"], ["", "1"]]


def test_series_chart_leaves_many_events_to_the_events_chart():
    series = frame(
        observation("Shanxi", "t", 1, year=2000, year_basis="stated"), observation("Shanxi", "t", 2, year=2020, year_basis="stated")
    )
    n = charts.MAX_EVENT_MARKERS + 1
    events = pd.DataFrame({"region": ["Shanxi"] * n, "title": [f"e{i}" for i in range(n)], "date_precision": ["year"] * n,
                           "quote": ["q"] * n, mx.PLOT_YEAR: [2001.5 + i for i in range(n)]})
    assert charts.build_series_chart(series, COLOURS, "T", events=events).layout.shapes == ()
    fewer = charts.build_series_chart(series, COLOURS, "T", events=events.head(charts.MAX_EVENT_LABELS + 1))
    assert len(fewer.layout.shapes) == charts.MAX_EVENT_LABELS + 1  # lines, no labels
    assert [a.yref for a in fewer.layout.annotations] == ["y"]  # only the gap's "no data" note


def test_series_lines_join_only_consecutive_years_and_a_gap_says_no_data():
    series = frame(*[observation("Shanxi", "t", v, year=y, year_basis="stated")
                     for y, v in ((2012, 12.42), (2021, 52.18), (2022, 60.0))])
    fig = charts.build_series_chart(series, COLOURS, "T")
    (trace,) = fig.data
    # A break (None) after 2012: the line does not cross 2013-2020, where there is no figure.
    assert list(trace.x) == [2012, 2013, 2021, 2022] and list(trace.y) == [12.42, None, 52.18, 60.0]
    assert trace.connectgaps is False and trace.customdata[1][-1] == ""  # the break opens no figure
    (note,) = fig.layout.annotations
    assert note.text == "no data 2013–2020" and 2012 < note.x < 2021
    # The end labels lean inwards, and are not clipped at the plot's edge.
    assert trace.textposition[0] == "top right" and trace.textposition[-1] == "top left" and trace.cliponaxis is False
    assert charts.gapped([2020, 2021], [1, 2]) == ([2020, 2021], [1, 2], [])
    assert charts.gapped([2019, 2021], [1, 2]) == ([2019, 2020, 2021], [1, None, 2], [(2019, 2021, 1, 2)])


def test_every_point_carries_its_figure_id_last_and_a_click_reads_it():
    obs = frame(observation("Shanxi", value=14), observation("Shandong", value=20, year=2022, as_of="2022-02-28"))
    bars = charts.build_bar_chart(obs, COLOURS, "Centres")
    assert [point[-1] for trace in bars.data for point in trace.customdata] == list(obs["figure_id"])
    series = frame(observation("Shanxi", "t", 1, year=2020, year_basis="stated"), observation("Shanxi", "t", 2, year=2021, year_basis="stated"))
    (line,) = charts.build_series_chart(series, COLOURS, "T").data
    assert [point[-1] for point in line.customdata] == list(series["figure_id"])
    # What st.plotly_chart(on_select="rerun") returns when the reader clicks a point.
    clicked = {"selection": {"points": [{"curve_number": 0, "point_index": 1, "customdata": list(line.customdata[1])}],
                             "point_indices": [1], "box": [], "lasso": []}}
    assert charts.selected_id(clicked) == series["figure_id"].iloc[1]


def test_a_selection_without_a_figure_id_opens_nothing():
    empty = {"selection": {"points": [], "point_indices": [], "box": [], "lasso": []}}
    heat_cell = {"selection": {"points": [{"x": "Shanxi", "y": "A", "z": 1}]}}
    numbers_only = {"selection": {"points": [{"customdata": [1, 2]}]}}
    for selection in (None, {}, empty, heat_cell, numbers_only):
        assert charts.selected_id(selection) is None


# --- themes and small screens ----------------------------------------------------------------------


def test_every_region_colour_stands_out_on_the_dark_page_and_keeps_its_place():
    dark = charts.theme_colours(True)
    assert [c for c in dark.palette if charts.contrast_ratio(c, dark.background) < 3] == []
    regions = [f"R{i}" for i in range(10)]
    light_colours, dark_colours = charts.region_colours(regions), charts.region_colours(regions, dark=True)
    swapped = {r for r in regions if light_colours[r] != dark_colours[r]}
    assert swapped == {r for r in regions if charts.contrast_ratio(light_colours[r], dark.background) < 3}
    assert len(set(dark_colours.values())) == len(regions)


def test_chart_backgrounds_are_the_pages_own():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["theme"]["light"]["backgroundColor"] == charts.theme_colours(False).background
    assert config["theme"]["dark"]["backgroundColor"] == charts.theme_colours(True).background


def test_a_dark_chart_has_a_dark_background_light_text_and_the_dark_palette():
    obs = frame(observation("Shanxi", value=14), observation("Shandong", value=20))
    dark = charts.theme_colours(True)
    fig = charts.build_bar_chart(obs, charts.region_colours(["Shanxi", "Shandong"], dark=True), "Centres", dark=True)
    assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == dark.background
    assert charts.contrast_ratio(fig.layout.font.color, dark.background) >= 4.5
    assert charts.contrast_ratio(fig.layout.yaxis.gridcolor, dark.background) < 2  # a guide, not a mark
    light = charts.build_bar_chart(obs, COLOURS, "Centres")
    assert light.layout.plot_bgcolor == "#ffffff" and charts.contrast_ratio(light.layout.font.color, "#ffffff") >= 4.5


def test_contrast_ratio_follows_wcag():
    assert round(charts.contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert charts.contrast_ratio("rgb(255, 255, 255)", "#ffffff") == 1.0
    assert round(charts.contrast_ratio("#767676", "#ffffff"), 2) == 4.54


def test_a_legend_too_wide_for_a_phone_gets_room_above_the_plot_and_a_long_title_wraps():
    assert charts.legend_rows(["Shanxi", "Shandong"]) == 1
    assert charts.legend_rows(["Shanxi", "Shandong", "Beijing", "Guangdong"]) == 2
    two = frame(observation("Shanxi", value=14), observation("Shandong", value=20))
    four = frame(*(observation(r, value=v) for r, v in [("Shanxi", 1), ("Shandong", 2), ("Beijing", 3), ("Guangdong", 4)]))
    assert charts.build_bar_chart(four, COLOURS, "C").layout.margin.t == charts.build_bar_chart(two, COLOURS, "C").layout.margin.t + charts.LEGEND_ROW_PX
    long = charts.build_bar_chart(two, COLOURS, "Manufacturing innovation centres, by type and region")
    assert all(len(line) <= charts.TITLE_WIDTH for line in long.layout.title.text.split("<br>"))


def test_year_axes_show_whole_years_and_never_more_labels_than_fit_a_phone():
    assert charts.year_ticks(3) == {"dtick": 1}
    assert charts.year_ticks(7) == {"tickformat": "d", "nticks": charts.MAX_YEAR_TICKS}
    assert charts.year_ticks(10) == {"tickformat": "d", "nticks": charts.MAX_YEAR_TICKS}


def test_a_chinese_unit_is_written_out_upright_never_turned_on_its_side(obs):
    """个 turned 90 degrees reads as an arrow: in Chinese the unit is '单位：个' above the axis."""
    from dashboard import i18n

    centres = obs[obs["unit"] == "centres"]
    with i18n.speaking("zh"):
        fig = charts.build_bar_chart(mx.localise(centres), {}, "标题")
    assert not fig.layout.yaxis.title.text
    assert charts.unit_title(fig) == "单位：个"
    english = charts.build_bar_chart(centres, {}, "Title")
    assert english.layout.yaxis.title.text == "centres" and charts.unit_title(english) == "centres"


def test_chinese_labels_wrap_though_they_have_no_spaces():
    # Unwrapped, a phone's bar axis turned '新培育的制造业创新中心' on its side and squeezed the plot.
    assert charts.hover_text("新培育的制造业创新中心", 16) == "新培育的制造<br>业创新中心"
    assert charts.hover_text("山西省", 16) == "山西省"  # short enough: whole
    assert charts.hover_text("Manufacturing innovation centres", 16) == "Manufacturing<br>innovation<br>centres"
