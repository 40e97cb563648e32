"""Overview (/): headline growth figures, innovation centres per province, how to read the data."""

import streamlit as st

from dashboard import charts, citation
from dashboard import metrics as mx
from dashboard.i18n import _, ngettext
from dashboard.views import chart_block, page_frame, safe_text, session_data, tables

MAX_CARDS = 4

dataset, obs = session_data.load()
colours = session_data.colours(dataset)

page_frame.heading(_("Regional innovation metrics"), level=1)
# Every document, as /sources lists them (one may give events only), not just those with figures.
st.caption(
    _("{figures} on {regions} and {events}, from {documents}, each with the sentence it came from.").format(
        figures=ngettext("{n} figure", "{n} figures", len(obs)).format(n=len(obs)),
        regions=ngettext("{n} region", "{n} regions", obs["region"].nunique()).format(n=obs["region"].nunique()),
        events=ngettext("{n} policy event", "{n} policy events", len(dataset.events)).format(n=len(dataset.events)),
        documents=ngettext("{n} document", "{n} documents", len(dataset.sources)).format(n=len(dataset.sources)))
)



def growth_and_centres(obs, colours, dark):
    """What the page shows, computed once per version of the data (see session_data.derived): the
    series with two or more years, the longest first (the cards), and the centres with their chart."""
    growth = mx.growth_summary(mx.time_series(obs))
    cards = growth.assign(_span=growth["last_year"] - growth["first_year"]).sort_values("_span", ascending=False,
                                                                                        kind="stable")
    centres = obs[(obs[mx.CATEGORY] == mx.CENTRES_CATEGORY) & (obs["unit"] == "centres")]
    # Untitled: the section heading above it says what it shows.
    fig = charts.build_bar_chart(centres, colours, "", dark=dark) if len(centres) else None
    return growth, cards, centres, fig


growth, cards, centres, centres_chart = session_data.derived(growth_and_centres, obs, colours, session_data.dark())


def coverage_map(data, dark):
    """Figures per province on the tile map, the rows it counts and its table, once per version of
    the data (see session_data.derived)."""
    dataset, obs = data
    placed = mx.figures_per_region(obs, mx.tile_layout(dataset))
    table = placed[[mx.REGION_NAME, mx.TILE_VALUE]].rename(columns={mx.REGION_NAME: _("Region"), mx.TILE_VALUE: _("Figures")})
    return placed, charts.build_coverage_tile_map(placed, dark=dark), obs[obs["region"].isin(placed["region"])], table


coverage, coverage_chart, coverage_rows, coverage_table = session_data.derived(coverage_map, (dataset, obs),
                                                                               session_data.dark())

page_frame.heading(_("Growth over time"))
# The longest series first; past a handful of cards the rest are a table. A card is one element
# (its title, growth and source as one Markdown text) in a bordered column: each element and block
# is drawn at load and redrawn on every rerun (three texts in a bordered container were four
# elements and blocks a card).
for column, (_index, row) in zip(st.columns(max(min(len(cards), MAX_CARDS), 1), border=True),
                                 cards.head(MAX_CARDS).iterrows(), strict=False):
    with column:
        # The card's title opens the series on Trends (a link, as the figures' links on Sources).
        st.markdown("\n\n".join([
            "[**{}**]({})".format(_("{region}: {metric}").format(
                region=safe_text.md(row[mx.REGION_NAME]), metric=safe_text.md(row["label"])), citation.trends_path(row["region"])),
            safe_text.md(mx.describe_growth(row)),
            ":small[:gray[{}]]".format(_("Source: {titles}").format(titles=safe_text.md(row["source_title"])))]))

if len(growth) > MAX_CARDS:
    with st.expander(_("All {count} series with two or more years").format(count=f"{len(growth):,}")):
        tables.responsive_table(growth.assign(growth=[mx.describe_growth(r) for _i, r in growth.iterrows()],
                                              status=[mx.status_word(s) for s in growth["status"]])[
            [mx.REGION_NAME, "label", "status", "growth", "source_title"]].rename(columns={
                mx.REGION_NAME: _("Region"), "label": _("Metric"), "status": _("Status"), "growth": _("Growth"),
                "source_title": _("Source")}), "growth")

if len(centres):
    page_frame.heading(_("Manufacturing innovation centres, by type and region"))
    chart_block.chart_block(centres_chart, centres, key="centres")
    st.info(_(
        "Counts come from different documents and dates: compare them on the Compare page, which shows "
        "each figure's reference date. Hatched bars are bounds ('>' or '≥' lower, '≤' upper), not exact counts. "
        "A missing bar means the documents give no figure, not zero."
    ))

page_frame.heading(_("Where the data is"))
left, right = st.columns([2, 1])
with left:
    # Below the first screen, drawn when the reader comes near it: / then loads one chart, as the
    # bare app does (Lighthouse 70 against 67 with and without the box, alternating; README).
    chart_block.chart_block(coverage_chart, coverage_rows, key="coverage-map", table=coverage_table, lazy=True)
with right:
    st.markdown(_(
        "**{shown}** of {total} provincial-level divisions have at least one figure. A grey tile means the documents "
        "give none, not that the number is zero. The Map page maps any metric, with national figures beside it."
    ).format(shown=int(coverage[mx.HAS_FIGURE].sum()), total=len(coverage)))

page_frame.heading(_("How to read this"))
st.markdown(_(
    """
- **Qualifiers.** A figure stated as "more than 20" is shown as **>20** and treated as a lower bound;
  "about 350" as **≈350**; "at least"/"at most" as **≥** and **≤**. Differences involving a bound are
  given as a range ("more than 6"), never as an exact number.
- **Uncertain readings.** Where the text can be read two ways ("build 1 2 lighthouse factories": 12, or
  1 to 2 with a lost dash), the value is marked **(?)** and the other reading is given beside it;
  such a value is left out of differences and growth rates.
- **Targets and results.** Plans and goals are marked *target* and drawn lighter (hatching marks a
  bound, never a target); they are never mixed with actual results.
- **Dates.** Each figure has a reference year, or an "as of" date when it is a count reported on a
  given day. Where a document states no year, the figure says "year not stated" and is not placed on
  a time axis.
- **Sources.** Tap or click any bar, point or tile to open its figure's page with the exact sentence;
  the Sources page shows every document with the quoted passages highlighted.
"""
))
