"""The Retrieval tab: averaged word vectors against the transformer encoder, on one question."""

from __future__ import annotations

import streamlit as st

from core.classic.evaluation import average_vector_chunks
from core.classic.report import ALGORITHM_NAMES
from core.classic.training import TrainedModel
from core.errors import UserError
from core.retrieval.search import search
from ui import resources
from ui.classic.common import ClassicView, needs_model, show_hits, text_form
from ui.render import md_escape


@st.cache_data(max_entries=20, show_spinner="Averaging word vectors…")
def _average_search(state: str, corpus: str, question: str, k: int, _model, _chunks):
    return average_vector_chunks(_model, _chunks, question, k)


@needs_model
def show(view: ClassicView, model: TrainedModel) -> None:
    question = text_form(
        "retrieval",
        "Question",
        "How does FastText handle words it has never seen?",
        "retrieval_question",
        "Search",
        widths=(4, 1),
        primary=True,
    )
    if not question.strip():
        return
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Average of {ALGORITHM_NAMES[model.config.algorithm]} vectors**")
        corpus = view.corpus
        try:
            found = _average_search(
                view.stamp, corpus.fingerprint, question, 5, model, corpus.chunks
            )
        except UserError as error:
            st.warning(md_escape(str(error)))
        else:
            show_hits(found)
    with right:
        selection = view.selection
        st.markdown(f"**Transformer encoder `{selection.model}`**")
        try:
            hits = search(
                resources.store(),
                resources.encoder(selection.model),
                selection.collection,
                question,
                5,
            )
        except UserError as error:
            st.warning(md_escape(str(error)))
        else:
            show_hits([(h.chunk, h.score) for h in hits])
    st.caption(
        "Averaging word vectors loses word order and blurs the question into its "
        "frequent words; the encoder reads the whole sentence. The two scores are "
        "cosines in different spaces: compare rankings, not numbers."
    )
