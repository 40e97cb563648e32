"""The bare app (bare_app.py) on a server that sends at once, as the dashboard's does
(dashboard/serving.py: Nagle's algorithm off, so a kept-alive connection does not wait 40 ms for
each response). The bench measures it beside the bare app as Streamlit ships it, so what the
dashboard gains from its server and what from its pages can be told apart (README, Web vitals).

`streamlit run` imports this file to find `app` and then runs bare_app.py for every page view.
"""

from pathlib import Path

import streamlit as st

from dashboard import serving

if __name__ != "__main__":
    app = st.App(str(Path(__file__).with_name("bare_app.py")), lifespan=serving.lifespan)
