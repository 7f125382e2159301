"""The Static vs contextual tab: one vector per word against one per occurrence; one-hot."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classic import figures as classic_figures
from core.classic.evaluation import example_words, one_hot_vs_dense, polysemy_demo
from core.classic.report import ALGORITHM_NAMES, word_list
from core.classic.training import TrainedModel
from core.errors import UserError
from ui import resources
from ui.classic.common import ClassicView, needs_model, text_form
from ui.render import md_escape


@st.cache_data(max_entries=20, show_spinner="Encoding every sentence with the word…")
def _polysemy(state: str, corpus: str, encoder: str, word: str, _texts, _model, _encoder):
    return polysemy_demo(_texts, word, _model, _encoder)


@needs_model
def show(view: ClassicView, model: TrainedModel) -> None:
    st.markdown(
        "A static model gives a word **one** vector whatever the sentence; a transformer "
        "gives every occurrence its own. Try a word with two senses."
    )
    example = (example_words(model, ["bank", "苹果"], 1) or [""])[0]
    word = text_form("polysemy", "Word", example, "polysemy_word", "Compare")
    st.caption("中文: try 苹果 (the fruit and the company) on the sample corpus.")
    if word.strip():
        _polysemy_maps(view, model, word.strip().lower())
    _one_hot(model)


def _polysemy_maps(view: ClassicView, model: TrainedModel, word: str) -> None:
    name = view.selection.model
    encoder = resources.encoder(name)
    try:
        shown = _polysemy(
            view.stamp,
            view.corpus.fingerprint,
            encoder.name,
            word,
            view.corpus.texts,
            model,
            encoder,
        )
    except UserError as error:
        st.warning(md_escape(str(error)))
        return
    static_fig, contextual_fig = classic_figures.polysemy_figures(shown)
    left, right = st.columns(2)
    left.markdown(f"**{ALGORITHM_NAMES[model.config.algorithm]}: one point**")
    left.plotly_chart(static_fig, key="static_map")
    right.markdown(f"**{name}: one point per occurrence ({len(shown.sentences)})**")
    right.plotly_chart(contextual_fig, key="contextual_map")
    st.caption(
        "Each map is its own PCA: the two spaces are unrelated. Right: colours are "
        "a 2-way k-means split of the contextual vectors; hover to read the "
        "sentence."
    )


def _one_hot(model: TrainedModel) -> None:
    st.subheader("One-hot vs dense")
    examples = ", ".join(example_words(model, ["king", "queen", "bank", "river"], 4))
    listed = text_form("one_hot", "Words", examples, "one_hot_words", "Show")
    try:
        contrast = one_hot_vs_dense(model, word_list(listed))
    except UserError as error:
        st.warning(md_escape(str(error)))
        return
    left, right = st.columns(2)
    labels = list(contrast.words)
    left.markdown(
        f"**One-hot**: {contrast.one_hot_dimension:,} dimensions, "
        f"{contrast.one_hot_sparsity:.2%} zeros; every pair is orthogonal."
    )
    left.dataframe(pd.DataFrame(contrast.one_hot_cosine, labels, labels).round(2))
    right.markdown(
        f"**Dense**: {contrast.dense_dimension} dimensions, no zeros; similar words "
        "have similar vectors."
    )
    right.dataframe(pd.DataFrame(contrast.dense_cosine, labels, labels).round(2))
    st.caption("Cosine similarity between the words' vectors.")
