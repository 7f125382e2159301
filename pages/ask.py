"""Ask: a question in, an extractive answer with citations and the passages it came from."""

import json

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.retrieval.answer import ask
from core.retrieval.search import hit_record
from ui import resources, why
from ui.layout import page
from ui.render import md_escape
from ui.sidebar import existing_collection

page("Ask")
st.title("Ask")
selection = existing_collection()
encoder = resources.encoder(selection.model)
with st.sidebar:
    k = st.slider("Passages to retrieve", 1, 20, 5)
    floor = st.slider(
        "Relevance floor",
        0.0,
        1.0,
        float(encoder.relevance_floor),
        0.01,
        help=why.FLOOR_HELP,
    )
    search_options = why.search_controls()  # mode, hybrid weight, reranker

with st.form("ask", border=False):
    question = st.text_input("Question", placeholder="e.g. How does FastText handle unseen words?")
    asked = st.form_submit_button("Ask", type="primary")

if asked:
    try:
        store = resources.store()
        answered = ask(store, encoder, selection.collection, question, k, floor, *search_options)
        st.session_state.answer = (selection.collection, answered)
    except UserError as error:
        st.session_state.pop("answer", None)
        st.warning(str(error))
collection, result = st.session_state.get("answer", (None, None))
if result is None or collection != selection.collection:  # asked of another collection
    st.stop()

answer_column, map_column = st.columns([1, 1], gap="large")
with answer_column:
    st.subheader("Answer")
    if result.relevant:
        for sentences, citation in result.cited():
            st.markdown(f"{md_escape(sentences)} **{md_escape(citation)}**")
    else:
        st.warning(
            f"No passage is relevant enough to answer this (best score "
            f"{max((h.score for h in result.hits), default=0):.3f}, floor {result.floor:.2f}). "
            "Try other words, or lower the relevance floor in the sidebar."
        )

    st.subheader("Passages")
    for evidence in result.evidence:
        why.passage(evidence, result.floor)

    records = [hit_record(hit) for hit in result.hits]
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "CSV",
        pd.DataFrame(records).to_csv(index=False).encode("utf-8-sig"),
        "results.csv",
        "text/csv",
        icon=":material/download:",
    )
    right.download_button(
        "JSON",
        json.dumps({"query": result.query, "results": records}, ensure_ascii=False, indent=2),
        "results.json",
        "application/json",
        icon=":material/download:",
    )

with map_column:
    st.subheader("Where the question lands")
    atlas = resources.collection_map_or_none(selection.collection)
    if atlas is not None:
        event = st.plotly_chart(
            atlas.figure("document", result.query_vector, result.hits, result.query, compact=True),
            on_select="rerun",
            selection_mode=("points", "box", "lasso"),
            key="ask_map",
            width="stretch",
        )
        st.caption(
            "The star is the question, placed by the fitted map (not refitted); numbered points "
            "are the passages found, the rest fade. " + md_escape(atlas.note)
        )
        for point in event.selection.points:
            chunk = atlas.chunks[point["customdata"]]
            with st.container(border=True):
                st.markdown(f"**{md_escape(chunk.where)}**  \n{md_escape(chunk.text)}")
