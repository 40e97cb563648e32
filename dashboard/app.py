"""Entry point: `streamlit run dashboard/app.py`. Placeholder page until the dashboard lands."""

import streamlit as st

from dashboard.data import load_dataset

st.set_page_config(page_title="Regional innovation metrics", layout="wide")
st.title("Regional innovation metrics")
st.dataframe(load_dataset().metrics, hide_index=True)
