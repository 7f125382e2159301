"""Ask: a question in, an extractive answer with citations and the passages it came from."""

import json

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.retrieval.answer import ask
from core.retrieval.answerability import (
    DEFAULT_STRICTNESS,
    no_answer_message,
    refusal_hint,
    verdict_notes,
)
from core.retrieval.search import hit_record
from ui import generation, pictures, resources, why
from ui.layout import page
from ui.render import md_escape
from ui.sidebar import existing_collection

page("Ask")
st.title("Ask")
selection = existing_collection()
encoder = resources.encoder(selection.model)
with st.sidebar:
    k = st.slider("Passages to retrieve", 1, 20, 5)
    strictness = st.slider(
        "Strictness",
        0.0,
        1.0,
        DEFAULT_STRICTNESS,
        0.05,
        help="How sure the app must be that your documents answer the question before it "
        "answers (a calibrated confidence, the same for every model, language and search mode). "
        "Higher: fewer wrong answers, more 'not in your documents'.",
    )
    search_options = why.search_controls()  # mode, hybrid weight, reranker
    writer = generation.picker()

with st.form("ask", border=False):
    question = st.text_input("Question", placeholder="e.g. How does FastText handle unseen words?")
    asked = st.form_submit_button("Ask", type="primary")
# CLIP collections: a picture as the query; asking a question clears it.
if pictures.picture_query(encoder, selection.collection, k, clear=asked):
    st.stop()

if asked:
    try:
        question = generation.standalone(question, selection.collection, writer)
        store, baseline = resources.store(), resources.baseline(selection.collection, encoder)
        answered = ask(
            store, encoder, selection.collection, question, baseline, k, strictness, *search_options
        )
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
    confidence = f"confidence {result.verdict.confidence:.0%}"
    cited = generation.answered(result, writer, selection.collection)  # chunk ids it cites
    if cited is not None:
        pass  # written by a language model, from the passages below
    elif result.relevant:
        cited = why.cited_chunks(result)  # the passages the sentences came from
        for line in why.answer_lines(result):  # each citation links to its passage's card
            st.markdown(line)
        st.caption(f"Answered with {confidence} (strictness {result.verdict.strictness:.0%}).")
    else:
        st.warning(no_answer_message(result.query))
        st.caption(refusal_hint(result.query, result.verdict))
    for note in verdict_notes(result.query, result.verdict):  # why it is less sure
        st.caption(md_escape(note))

    pictures.grid(result.hits)  # picture hits of a CLIP collection, as thumbnails
    st.subheader("Passages")
    for evidence in result.evidence:
        if evidence.hit.chunk.is_image:
            continue  # shown in the grid above
        why.passage(evidence, result)

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
            atlas.figure(
                "document",
                result.query_vector,
                result.hits,
                result.query,
                compact=True,
                cited=cited or (),
            ),
            on_select="rerun",
            selection_mode=("points", "box", "lasso"),
            key="ask_map",
            width="stretch",
        )
        st.caption(
            "The star is the question (the note above the map says how it was placed); numbered "
            "points are the passages found, ringed those the answer cites, the rest fade. "
            + md_escape(atlas.note)
        )
        for row in atlas.selected_rows(event.selection.points):  # the star is no chunk
            chunk = atlas.chunks[row]
            with st.container(border=True):
                st.markdown(f"**{md_escape(chunk.where)}**  \n{md_escape(chunk.text)}")
