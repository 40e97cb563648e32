"""The dashboard's pages, one module each, and the Streamlit pieces they share (ui)."""
