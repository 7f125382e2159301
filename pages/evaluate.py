"""Evaluate: a question set in, Recall@k, MRR and nDCG per collection and search mode, misses."""

import streamlit as st

from core.errors import UserError
from core.retrieval.evaluation import evaluate_collections
from core.retrieval.search import DEFAULT_MODE, DEFAULT_WEIGHT, MODES
from ui import evaluate, lessons, resources
from ui.layout import page
from ui.sidebar import existing_collection

page("Evaluate")
st.title("Evaluate")
st.caption(
    "How often does search put the passage that answers a question in the top k? Each "
    "collection is one model and chunk size: build variants below to compare them."
)
selection = existing_collection()
names = [info.name for info in resources.store().collections()]
with st.sidebar:
    modes = st.multiselect("Search modes", MODES, default=list(MODES))
    weight = st.slider("Hybrid: weight of dense", 0.0, 1.0, DEFAULT_WEIGHT, 0.05)
with st.expander("Variants: the same documents with other models or chunk sizes"):
    evaluate.variants_panel(selection.collection, selection.model)
compare = st.multiselect("Collections", names, default=[selection.collection])
questions = evaluate.question_set()

if questions and st.button("Evaluate", type="primary"):
    bar = st.progress(0.0, text="Asking…")
    try:
        st.session_state.evaluation = evaluate_collections(
            resources.store(),
            resources.encoder,
            compare,
            questions,
            modes,
            weight,
            progress=lambda stage, done, total: bar.progress(done / total, text=f"{done}/{total}"),
        )
    except UserError as error:
        st.session_state.pop("evaluation", None)
        st.error(str(error))
    bar.empty()

reports = st.session_state.get("evaluation")
if reports:
    evaluate.results(reports)
    st.subheader("Misses")
    for report in reports:
        evaluate.misses(report)
    st.subheader("On the map")
    shown = DEFAULT_MODE if DEFAULT_MODE in reports[0].modes else reports[0].modes[0]
    evaluate.question_map(reports[0], shown)

st.subheader("Lessons on this collection")
with st.expander("Near-duplicate chunks across documents"):
    lessons.duplicates_panel(selection.collection)
with st.expander("Quantization: float32, int8 and binary vectors"):
    lessons.quantization_panel(selection.collection)
