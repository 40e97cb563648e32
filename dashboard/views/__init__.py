"""The dashboard's pages, one module each (overview, compare, map, trends, explore, sources,
figure), and the Streamlit pieces they share, one concern a module: languages, widgets (bound to
the URL), session_data (the run's data from dashboard/store.py, plus uploads), downloads, uploads,
errors, safe_text (inert Markdown), highlight (documents), chart_block, tables, page_frame (tab
title, footer, page files) and share (images, embeds, links)."""
