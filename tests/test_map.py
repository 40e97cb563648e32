"""The province map: the tile layout as data, which figure each tile shows, and the map as a figure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard import charts
from dashboard import metrics as mx
from dashboard.data import load_dataset
from dashboard.files import InvalidData
from tests.conftest import ROOT, read_rows, write_rows
from tests.factories import frame, observation

# --- the layout (data/tile_grid.csv) -----------------------------------------------------------

TILE_HELP = "a tile in data/tile_grid.csv: every division but the country is on the province map " \
            "(add a row iso_code,row,col,short_name_en,short_name_zh there)"
KNOWN = "the ISO code of a provincial-level division in data/regions.csv (the country is shown beside the map, not on a tile)"


def _line_of(path: Path, code: str) -> int:
    return next(i for i, row in enumerate(read_rows(path)) if row["iso_code"] == code) + 2


def _edit(rows: list[dict], code: str, **changes) -> list[dict]:
    return [dict(row, **changes) if row["iso_code"] == code else row for row in rows]


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        ("missing province", ["data/regions.csv:{regions_sx}: column 'iso_code': got 'CN-SX'; expected " + TILE_HELP]),
        ("two in one cell", [
            "data/tile_grid.csv:{sx}: column 'row, col': got '2 / 4'; expected a combination no other row has (line {sn} has the same)",
            "data/tile_grid.csv:{sn}: column 'row, col': got '2 / 4'; expected a combination no other row has (line {sx} has the same)",
        ]),
        ("unknown code", ["data/tile_grid.csv:{sn}: column 'iso_code': got 'CN-XX'; expected " + KNOWN]),
        ("the country on a tile", ["data/tile_grid.csv:36: column 'iso_code': got 'CN'; expected " + KNOWN]),
        ("a province twice", [
            "data/tile_grid.csv:{sx}: column 'iso_code': got 'CN-SX'; expected a value no other row has (line 36 has it too)",
            "data/tile_grid.csv:36: column 'iso_code': got 'CN-SX'; expected a value no other row has (line {sx} has it too)",
        ]),
        ("Shaanxi's name on Shanxi", [
            "data/tile_grid.csv:{sx}: column 'short_name_zh': got '陕西'; expected the start of the division's "
            "Chinese name in data/regions.csv (山西 for 山西省)",
        ]),
        ("a row that is no number", ["data/tile_grid.csv:{sx}: column 'row': got 'north'; expected a whole number"]),
        ("a negative column", ["data/tile_grid.csv:{sx}: column 'col': got '-1'; expected a number of at least 0"]),
    ],
)
def test_a_broken_layout_is_reported_at_its_line(project_copy: Path, breakage: str, expected: list[str]):
    path = project_copy / "data" / "tile_grid.csv"
    rows = read_rows(path)
    free = {"row": "0", "col": "0"}  # the north-west corner has no tile
    edits = {
        "missing province": lambda: [r for r in rows if r["iso_code"] != "CN-SX"],
        "two in one cell": lambda: _edit(rows, "CN-SN", row="2", col="4"),  # onto Shanxi
        "unknown code": lambda: _edit(rows, "CN-SN", iso_code="CN-XX"),
        "the country on a tile": lambda: rows + [{**rows[0], **free, "iso_code": "CN", "short_name_zh": "中国"}],
        "a province twice": lambda: rows + [{**next(r for r in rows if r["iso_code"] == "CN-SX"), **free}],
        "Shaanxi's name on Shanxi": lambda: _edit(rows, "CN-SX", short_name_zh="陕西"),
        "a row that is no number": lambda: _edit(rows, "CN-SX", row="north"),
        "a negative column": lambda: _edit(rows, "CN-SX", col="-1"),
    }
    lines = {"sx": _line_of(path, "CN-SX"), "sn": _line_of(path, "CN-SN"),
             "regions_sx": _line_of(project_copy / "data" / "regions.csv", "CN-SX")}
    write_rows(path, edits[breakage]())
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    assert [str(p) for p in raised.value.problems] == [line.format(**lines) for line in expected]


def test_a_new_region_needs_its_tile(project_copy: Path):
    regions = project_copy / "data" / "regions.csv"
    write_rows(regions, read_rows(regions) + [{"region": "Atlantis", "iso_code": "CN-AT", "name_zh": "亚特兰蒂斯", "level": "province"}])
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    assert [str(p) for p in raised.value.problems] == [f"data/regions.csv:37: column 'iso_code': got 'CN-AT'; expected {TILE_HELP}"]


def test_every_division_but_the_country_has_exactly_one_tile(dataset):
    divisions = dataset.regions[dataset.regions["level"] != "country"]
    grid = dataset.tile_grid
    assert len(grid) == 34 and sorted(grid["iso_code"]) == sorted(divisions["iso_code"])
    assert not grid.duplicated(["row", "col"]).any()
    assert {"CN-HK", "CN-MO", "CN-TW"} <= set(grid["iso_code"])  # they follow the regions catalogue


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Beijing", "Hebei"), ("Tianjin", "Hebei"), ("Beijing", "Tianjin"), ("Shanxi", "Hebei"), ("Shaanxi", "Henan"),
        ("Shandong", "Hebei"), ("Jiangsu", "Shanghai"), ("Zhejiang", "Shanghai"), ("Guangdong", "Hong Kong"),
        ("Guangdong", "Macao"), ("Macao", "Hong Kong"), ("Fujian", "Taiwan"), ("Hainan", "Guangxi"),
        ("Sichuan", "Chongqing"), ("Tibet", "Sichuan"), ("Xinjiang", "Qinghai"), ("Heilongjiang", "Jilin"),
        ("Jilin", "Liaoning"), ("Hubei", "Hunan"), ("Yunnan", "Guizhou"),
    ],
)
def test_neighbours_on_the_map_are_neighbours_on_the_ground(dataset, a, b):
    """Placed roughly where they lie: tiles of bordering divisions touch (side or corner)."""
    where = mx.tile_layout(dataset).set_index("region")
    assert max(abs(where.loc[a, "row"] - where.loc[b, "row"]), abs(where.loc[a, "col"] - where.loc[b, "col"])) == 1


def test_west_is_left_and_north_is_up(dataset):
    where = mx.tile_layout(dataset).set_index("region")
    assert where.loc["Xinjiang", "col"] < where.loc["Shanxi", "col"] < where.loc["Shanghai", "col"]
    assert where.loc["Heilongjiang", "row"] < where.loc["Beijing", "row"] < where.loc["Hubei", "row"] < where.loc["Hainan", "row"]


# --- which figure a tile shows -------------------------------------------------------------------

LAYOUT = pd.DataFrame({
    "iso_code": ["CN-SX", "CN-SD", "CN-HB", "CN-JL"], "row": [0, 0, 1, 1], "col": [0, 1, 0, 1],
    "short_name_en": ["Shanxi", "Shandong", "Hubei", "Jilin"], "short_name_zh": ["山西", "山东", "湖北", "吉林"],
    "region": ["Shanxi", "Shandong", "Hubei", "Jilin"],
})


def _ids(tiles: pd.DataFrame) -> dict[str, str]:
    return dict(zip(tiles["region"], tiles["figure_id"], strict=True))


@pytest.mark.parametrize(
    ("rows", "year", "expected"),
    [
        # each region's latest year, whatever the others'
        ([observation("Shanxi", value=1, year=2012, year_basis="stated"), observation("Shanxi", value=2, year=2021, year_basis="stated"),
          observation("Shandong", value=5, year=2015, year_basis="stated")], None,
         {"Shanxi": ("2", 2.0), "Shandong": ("5", 5.0)}),
        # a chosen year: only that year's figures
        ([observation("Shanxi", value=1, year=2012, year_basis="stated"), observation("Shanxi", value=2, year=2021, year_basis="stated"),
          observation("Shandong", value=5, year=2015, year_basis="stated")], 2012,
         {"Shanxi": ("1", 1.0)}),
        # a dated figure is later than an undated one
        ([observation("Shanxi", value=3, year=None, year_basis="unstated", as_of=None), observation("Shanxi", value=4, year=2020, year_basis="stated")],
         None, {"Shanxi": ("4", 4.0)}),
        # a bound keeps its mark and is coloured at its value
        ([observation("Shandong", value=20, qualifier="more_than")], None, {"Shandong": (">20", 20.0)}),
        # 'two or three': one tile, a range coloured at its midpoint
        ([observation("Hubei", value=2, qualifier="at_least", year=None, year_basis="unstated", as_of=None, status="target"),
          observation("Hubei", value=3, qualifier="at_most", year=None, year_basis="unstated", as_of=None, status="target")],
         None, {"Hubei": ("2–3", 2.5)}),
    ],
)
def test_each_tile_shows_one_figure(rows, year, expected):
    obs = frame(*rows)
    status = obs["status"].iloc[0]
    tiles = mx.tile_figures(mx.map_figures(obs, "centres", status, year))
    assert {r: (m, v) for r, m, v in zip(tiles["region"], tiles[mx.TILE_MARK], tiles[mx.TILE_VALUE], strict=True)} == expected


def test_a_range_is_cited_by_its_lower_bound_and_says_it_is_a_range():
    obs = frame(observation("Hubei", value=2, qualifier="at_least", unit="platforms per chain"),
                observation("Hubei", value=3, qualifier="at_most", unit="platforms per chain"))
    (tile,) = mx.tile_figures(mx.map_figures(obs, "centres", "actual")).to_dict("records")
    assert tile["figure_id"] == obs["figure_id"].iloc[0]
    assert tile[mx.DISPLAY] == "2 to 3 platforms per chain (a range: at least 2, at most 3)"
    assert tile[mx.IS_RANGE] and tile[mx.IS_BOUND] and tile["quote"] == "Hubei has 2 platforms per chain. / Hubei has 3 platforms per chain."


def test_documents_that_differ_show_the_first_figure_and_say_more_are_in_the_table():
    obs = frame(observation("Shanxi", value=14, source_id="a"), observation("Shanxi", value=15, qualifier="approx", source_id="b"))
    (tile,) = mx.tile_figures(mx.map_figures(obs, "centres", "actual")).to_dict("records")
    assert (tile[mx.TILE_MARK], tile[mx.TILE_NOTE]) == ("14", "1 more figure for the same date in the table")


def test_a_regions_curated_figure_wins_over_an_upload_and_an_upload_fills_a_gap():
    obs = frame(
        observation("Shanxi", value=14),
        observation("Shanxi", value=99, year=2023, **{mx.PROVENANCE: mx.USER_UNVERIFIED}),
        observation("Jilin", value=7, **{mx.PROVENANCE: mx.USER_UNVERIFIED}),
    )
    tiles = mx.tile_figures(mx.map_figures(obs, "centres", "actual"))
    assert dict(zip(tiles["region"], tiles[mx.TILE_MARK], strict=True)) == {"Shanxi": "14", "Jilin": "7"}


def test_targets_and_results_are_never_on_one_map():
    obs = frame(observation("Jilin", value=300, status="target", year=2025, year_basis="stated"), observation("Shanxi", value=14))
    assert list(mx.tile_figures(mx.map_figures(obs, "centres", "target"))["region"]) == ["Jilin"]
    assert list(mx.tile_figures(mx.map_figures(obs, "centres", "actual"))["region"]) == ["Shanxi"]


def test_every_tile_is_placed_with_or_without_a_figure():
    placed = mx.place_on_tiles(LAYOUT, mx.tile_figures(frame(observation("Shanxi"), observation("China", value=36))))
    assert list(placed["region"]) == ["Shanxi", "Shandong", "Hubei", "Jilin"]  # China is no tile
    assert list(placed[mx.HAS_FIGURE]) == [True, False, False, False]
    assert list(placed["figure_id"]) == [observation("Shanxi")["figure_id"], "", "", ""]


@pytest.mark.parametrize(
    ("rows", "note"),
    [
        ([observation("Shanxi"), observation("Shandong")], ""),
        ([observation("Shanxi"), observation("Shandong", as_of="2022-02-28", year=2022), observation("Jilin", as_of="2022-02-28", year=2022)],
         "The figures refer to different dates: as of 2021-03-10 (Shanxi); as of 2022-02-28 (Jilin, Shandong)."),
    ],
)
def test_different_reference_dates_are_flagged(rows, note):
    placed = mx.place_on_tiles(LAYOUT, mx.tile_figures(frame(*rows)))
    assert mx.reference_dates_note(placed) == note


def test_the_default_metric_fills_the_most_tiles_and_years_are_listed():
    obs = frame(observation("Shanxi", "a"), observation("Shanxi", "b"), observation("Jilin", "b"), observation("China", "c"),
                observation("China", "c", year=2012, year_basis="stated"), observation("Shandong", "a", status="target"))
    assert mx.default_map_metric(obs, list(LAYOUT["region"])) == "b"
    assert mx.map_years(obs, "c", "actual") == [2012, 2021]
    assert mx.default_map_metric(obs.iloc[0:0], list(LAYOUT["region"])) is None


def test_coverage_counts_every_figure_of_each_region():
    obs = frame(observation("Shanxi", "a"), observation("Shanxi", "b", status="target"), observation("Jilin", "a"), observation("China", "a"))
    placed = mx.figures_per_region(obs, LAYOUT)
    assert list(placed[mx.TILE_VALUE]) == [2, 0, 0, 1] and list(placed[mx.HAS_FIGURE]) == [True, False, False, True]
    assert list(placed[mx.TILE_MARK]) == ["2", "", "", "1"]


def test_the_table_lists_every_tile_in_reading_order(monkeypatch):
    monkeypatch.delenv("DASHBOARD_BASE_URL", raising=False)
    jilin = observation("Jilin", value=7)
    placed = mx.place_on_tiles(LAYOUT, mx.tile_figures(frame(jilin)))
    table = mx.tile_table(placed)
    assert list(table.columns) == ["Figure", "Region", "Value", "Refers to", "Source", "Quote"]
    links = [link if isinstance(link, str) else None for link in table["Figure"]]
    assert links == [None, None, None, f"/figure?id={jilin['figure_id']}"]  # a link where a figure is
    assert list(table["Region"]) == ["Shanxi", "Shandong", "Hubei", "Jilin"]
    assert list(table["Value"]) == ["no figure", "no figure", "no figure", "7 centres"]
    assert list(table["Quote"]) == ["", "", "", "Jilin has 7 centres."]


# --- the map as a figure ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_map(dataset, obs):
    placed = mx.place_on_tiles(mx.tile_layout(dataset), mx.tile_figures(
        mx.map_figures(obs, "national_manufacturing_innovation_centres", "actual")))
    return placed, charts.build_tile_map(placed, "National manufacturing innovation centres")


def _shipped_centres(obs):
    return obs[(obs["metric"] == "national_manufacturing_innovation_centres") & (obs["status"] == "actual")]


def test_the_map_has_a_tile_for_every_division_coloured_only_where_a_figure_is(shipped_map, obs):
    placed, fig = shipped_map
    assert len(fig.layout.shapes) == len(placed) == 34
    fills = {region: shape.fillcolor for region, shape in zip(placed["region"], fig.layout.shapes, strict=True)}
    with_figure = set(placed.loc[placed[mx.HAS_FIGURE], "region"])
    assert with_figure == set(_shipped_centres(obs)["region"]) >= {"Beijing", "Guangdong", "Shandong"}
    assert {r for r, fill in fills.items() if fill != charts.NO_FIGURE} == with_figure
    figures, empty = fig.data[0], fig.data[1]
    assert len(figures.x) + len(empty.x) == 34 and len(figures.x) == len(with_figure)
    assert "no figure" in [t.name for t in fig.data if t.showlegend is not False]
    assert fig.layout.yaxis.scaleanchor == "x"  # square tiles


def test_hover_carries_value_date_source_and_quote_and_customdata_ends_with_the_figure_id(shipped_map, obs):
    placed, fig = shipped_map
    figures = fig.data[0]
    beijing = obs[(obs["region"] == "Beijing") & (obs["metric"] == "national_manufacturing_innovation_centres")].iloc[0]
    row = next(c for c in figures.customdata if c[0] == "Beijing")
    assert list(row[:6]) == ["Beijing", "National manufacturing innovation centres", "more than 2 centres", "as of 2022-02-28",
                             charts.hover_text(beijing["source_title"]), charts.hover_text(beijing["quote"])]
    assert row[-1] == beijing["figure_id"]
    assert "%{customdata[5]}" in figures.hovertemplate and "Source: %{customdata[4]}" in figures.hovertemplate
    assert all(c[-1] == "" for c in fig.data[1].customdata)  # a tile without a figure names none
    assert [c[0] for c in fig.data[1].customdata][:3] == list(placed.loc[~placed[mx.HAS_FIGURE], "region"])[:3]


def test_bounds_are_marked_on_the_tile(shipped_map, obs):
    placed, fig = shipped_map
    texts = dict(zip([c[0] for c in fig.data[0].customdata], fig.data[0].text, strict=True))
    mark = '<br><span style="font-size:12px"><b>{}</b></span>'  # 'centres' is in the title and the key
    shipped = _shipped_centres(obs)
    assert texts == {r.region: "<br>".join(charts.tile_name_lines(r.region))
                     + mark.format(("&gt;" if r.qualifier == "more_than" else "") + f"{r.value:g}")
                     for r in shipped.itertuples()}
    assert (texts["Beijing"], texts["Shandong"]) == ("Beijing" + mark.format("&gt;2"), "Shandong" + mark.format("2"))
    widths = {r: s.line.width for r, s in zip(placed["region"], fig.layout.shapes, strict=True)}
    assert (widths["Beijing"], widths["Guangdong"], widths["Shandong"]) == (2.5, 2.5, 1)
    assert "bound or range (outlined)" in [t.name for t in fig.data]


def test_targets_are_dashed_and_ranges_marked():
    obs = frame(observation("Hubei", value=2, qualifier="at_least", status="target", year=2025, year_basis="stated"),
                observation("Hubei", value=3, qualifier="at_most", status="target", year=2025, year_basis="stated"),
                observation("Jilin", value=12, status="target", year=2025, year_basis="stated"))
    placed = mx.place_on_tiles(LAYOUT, mx.tile_figures(mx.map_figures(obs, "centres", "target")))
    fig = charts.build_tile_map(placed, "Targets")
    shapes = dict(zip(placed["region"], fig.layout.shapes, strict=True))
    assert (shapes["Hubei"].line.dash, shapes["Hubei"].line.width) == ("dash", 2.5)
    assert (shapes["Jilin"].line.dash, shapes["Jilin"].line.width) == ("dash", 1.5)
    assert "Hubei<br><span style=\"font-size:12px\"><b>2–3</b></span>" in fig.data[0].text
    assert {c[1] for c in fig.data[0].customdata} == {"Centres (target)"}
    assert "target (dashed outline)" in [t.name for t in fig.data]


def test_ranks_are_coloured_on_the_reversed_scale_so_the_best_is_darkest():
    assert [c for _, c in charts.tile_scale(True)] == [c for _, c in reversed(charts.tile_scale(False))]

    def fills(value_type):
        rows = [observation(r, value=v, unit="rank" if value_type == "rank" else "centres", value_type=value_type)
                for r, v in (("Shanxi", 1), ("Shandong", 5))]
        placed = mx.place_on_tiles(LAYOUT, mx.tile_figures(frame(*rows)))
        fig = charts.build_tile_map(placed, "x")
        return {r: s.fillcolor for r, s in zip(placed["region"], fig.layout.shapes, strict=True)}, fig

    ranks, rank_fig = fills("rank")
    counts, count_fig = fills("count")
    dark, light = charts.tile_scale(True)[0][1], charts.tile_scale(True)[-1][1]
    assert ranks["Shanxi"] == counts["Shandong"] == _rgb(dark)  # rank 1 and the larger count: darkest
    assert ranks["Shandong"] == counts["Shanxi"] == _rgb(light)
    assert rank_fig.data[0].marker.colorbar.title.text == "rank (1 = best)"
    assert count_fig.data[0].marker.colorbar.title.text == "centres"


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_one_value_has_no_colour_scale_to_read_but_a_key_naming_it():
    placed = mx.place_on_tiles(LAYOUT, mx.tile_figures(frame(observation("Shanxi"), observation("Jilin"))))
    fig = charts.build_tile_map(placed, "x")
    assert fig.data[0].marker.showscale is False
    assert "coloured: 14 centres" in [t.name for t in fig.data]


def test_tile_names_fit_a_phone_tile_and_the_unit_is_on_the_tile():
    assert charts.tile_name_lines("Hong Kong") == ["Hong", "Kong"]  # one line spilled out of its tile
    assert charts.tile_name_lines("Heilongjiang") == ["Heilong-", "jiang"]
    assert charts.tile_name_lines("Inner Mongolia") == ["Inner", "Mongolia"] and charts.tile_name_lines("Jilin") == ["Jilin"]
    assert charts.tile_unit("percent") == "%" and charts.tile_unit("rank") == "" and charts.tile_unit("million yuan") == ""
    assert charts.tile_unit("个") == "" and charts.tile_unit("centres") == ""  # in the title and the colour key
    placed = mx.place_on_tiles(LAYOUT, mx.tile_figures(frame(observation("Shanxi", value=160, unit="percent"),
                                                             observation("Jilin", value=80, unit="percent"))))
    assert all(t.endswith('<span style="font-size:9px">%</span>') for t in charts.build_tile_map(placed, "x").data[0].text)


def test_the_coverage_map_has_a_colour_key_with_whole_numbers():
    counts = mx.figures_per_region(frame(observation("Shanxi"), observation("Shanxi", metric="b"), observation("Jilin")), LAYOUT)
    marker = charts.build_coverage_tile_map(counts).data[0].marker
    assert marker.showscale is True and marker.colorbar.title.text == "figures" and marker.colorbar.dtick == 1


def test_tile_text_is_escaped():
    layout = LAYOUT.assign(short_name_en=["<b onmouseover=x>Shanxi", "Shandong", "Hubei", "Jilin"])
    placed = mx.place_on_tiles(layout, mx.tile_figures(frame(observation("Shanxi", quote="<img src=x onerror=alert(1)>"))))
    fig = charts.build_tile_map(placed, "<script>t</script>")
    assert fig.data[0].text[0].startswith("&lt;b") and fig.data[0].customdata[0][5] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "<script>" not in fig.layout.title.text


def test_the_coverage_map_counts_figures_per_tile(dataset, obs):
    placed = mx.figures_per_region(obs, mx.tile_layout(dataset))
    fig = charts.build_coverage_tile_map(placed)
    counts = obs["region"].value_counts()
    hover = {c[0]: c[1] for c in fig.data[0].customdata}
    assert hover["Shanxi"] == f"{counts['Shanxi']} figures" and hover["Tibet"] == "no figure"
    assert all(c[-1] == "" for c in fig.data[0].customdata)
    fills = np.array([s.fillcolor for s in fig.layout.shapes])
    assert list(fills == charts.NO_FIGURE) == list(~placed[mx.HAS_FIGURE])


def test_the_shipped_layout_matches_the_file(dataset):
    """The loader keeps the grid as written: every tile in data/tile_grid.csv reaches the map."""
    rows = read_rows(ROOT / "data" / "tile_grid.csv")
    assert [(r["iso_code"], int(r["row"]), int(r["col"])) for r in rows] == list(
        dataset.tile_grid[["iso_code", "row", "col"]].itertuples(index=False, name=None))


def test_a_range_read_from_uncertain_text_keeps_its_mark_and_other_reading(obs):
    """Jilin's '1 2' lighthouse factories, recorded as 1 to 2: one tile '1–2 (?)', whose full value
    says how else the text reads (12)."""
    shipped = obs[obs["metric"] == "lighthouse_factories"]
    (tile,) = mx.tile_figures(mx.map_figures(obs, "lighthouse_factories", "target")).to_dict("records")
    low, high = sorted(shipped["value"])
    assert tile[mx.TILE_MARK] == f"{low:g}–{high:g}{mx.UNCERTAIN_MARK}"
    assert tile[mx.DISPLAY].endswith(mx.uncertain_text("", "ambiguous", shipped["reading_note"].iloc[0]).strip())
