"""Classic: train Word2Vec and FastText on a collection, then explore and judge static vectors."""

from __future__ import annotations

import streamlit as st

from ui.classic import compare, contextual, evaluate, explore, retrieval, train, unseen
from ui.classic.common import open_view
from ui.layout import page
from ui.sidebar import existing_collection

# Tab label -> what it shows; only the open tab runs (the tabs are bound to ?tab=...).
TABS = {
    "Train": train.show,
    "Compare": compare.show,
    "Explore": explore.show,
    "Unseen words": unseen.show,
    "Evaluate": evaluate.show,
    "Static vs contextual": contextual.show,
    "Retrieval": retrieval.show,
}

page("Classic")
st.title("Classic: Word2Vec and FastText")
st.markdown(
    "Train the static word vectors that came before transformers on your own documents, watch "
    "them learn, and see what they can and cannot do — in English and 中文."
)
view = open_view(existing_collection())
for label, tab in zip(TABS, st.tabs(list(TABS), key="tab", on_change="rerun", bind="query-params")):
    with tab:
        if tab.open:
            TABS[label](view)
