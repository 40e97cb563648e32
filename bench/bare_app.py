"""The baseline the dashboard is timed against: a bare Streamlit app over the same metrics.csv.

It reads data/metrics.csv with pandas (no validation, no joins), offers one selectbox that filters
by region, and draws one Plotly bar chart of the filtered rows. Like the dashboard it caches the
file read on the file's size and modification time, so a rerun costs what a minimal app costs.
Reads $DASHBOARD_ROOT/data/metrics.csv when set, else this checkout's.
"""

import os
from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

ROOT = Path(os.environ.get("DASHBOARD_ROOT") or Path(__file__).resolve().parent.parent)
ALL = "All regions"


@st.cache_data(show_spinner=False, max_entries=4)
def read(path: str, size: int, mtime: int) -> pd.DataFrame:
    return pd.read_csv(path)


path = ROOT / "data" / "metrics.csv"
stat = path.stat()
metrics = read(str(path), stat.st_size, stat.st_mtime_ns)

st.title("Bare metrics app")
region = st.selectbox("Region", [ALL, *sorted(metrics["region"].dropna().unique())], key="region")
rows = metrics if region == ALL else metrics[metrics["region"] == region]
st.plotly_chart(
    px.bar(rows, x="metric", y="value", color="region", hover_data=["quote"]), width="stretch", key="chart"
)
