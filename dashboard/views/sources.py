"""Sources (/sources): each document with its title and date, its full text with every quoted
passage highlighted, and the figures and events taken from it."""

import streamlit as st

from dashboard.evidence import quote_spans
from dashboard.views import ui

dataset, obs = ui.load()
events = dataset.events

st.title("Sources")
st.caption(
    "Every figure in this dashboard comes from one of these documents. Highlighted passages are the "
    "quotes the figures and events were taken from; validation checks that each quote is in its document."
)
for source in dataset.sources.itertuples():
    figures = obs[obs["source_id"] == source.source_id]
    dated = events[events["source_id"] == source.source_id]
    published = source.published if isinstance(source.published, str) else "date not stated"
    with st.container(border=True):
        st.subheader(ui.md(source.title))
        st.markdown(
            f"**Published:** {ui.md(published)} · **Publisher:** {ui.md(source.publisher if isinstance(source.publisher, str) else 'not named')}"
            f" · **File:** `{source.file}` · **{len(figures)}** figure{'' if len(figures) == 1 else 's'},"
            f" **{len(dated)}** event{'' if len(dated) == 1 else 's'}"
        )
        if isinstance(source.note, str):
            st.caption(ui.md(source.note))
        if len(figures):
            st.dataframe(ui.observation_table(figures), hide_index=True, width="stretch")
        with st.expander("Full text with quoted passages highlighted"):
            text = dataset.documents[source.source_id]
            st.markdown(ui.highlighted(text, quote_spans(text, [*figures["quote"], *dated["quote"]])))
