"""Serving the dashboard on several processes: N `streamlit run` workers behind nginx (deploy.serve)."""
