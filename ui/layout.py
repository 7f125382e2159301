"""What every page starts with: page settings and the navigation in the sidebar."""

from __future__ import annotations

import streamlit as st

from ui import auth, resources

# (script, label, icon): the app is a classic multipage app (app.py + pages/), so a deep link
# such as /ask works on a fresh server; the sidebar navigation is drawn here with titles.
PAGES = (
    ("app.py", "Home", ":material/home:"),
    ("pages/library.py", "Library", ":material/library_books:"),
    ("pages/ask.py", "Ask", ":material/question_answer:"),
    ("pages/map.py", "Map", ":material/scatter_plot:"),
    ("pages/evaluate.py", "Evaluate", ":material/fact_check:"),
    ("pages/classic.py", "Classic", ":material/school:"),
    ("pages/lab.py", "Lab", ":material/science:"),
)


def page(title: str) -> None:
    """Set up a page: browser title, wide layout, the navigation; then the page's own title."""
    # The favicon is an emoji: a material icon there is fetched from a font server.
    st.set_page_config(page_title=f"{title} · Embedding Explorer", page_icon="🧭", layout="wide")
    auth.require_password(resources.settings())  # stops here until signed in, when one is set
    resources.warm_up()
    resources.resume_ingest()
    with st.sidebar:
        for script, label, icon in PAGES:
            st.page_link(script, label=label, icon=icon)
        st.divider()
