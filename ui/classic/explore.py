"""The Explore tab: nearest neighbours, an analogy drawn as arrows, and a map of the words."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classic import figures as classic_figures
from core.classic.evaluation import analogy_map, example_words, word_map
from core.classic.training import TrainedModel, neighbours
from core.errors import UserError
from ui.classic.common import ClassicView, needs_model, neighbours_table, text_form
from ui.render import md_escape


@st.cache_data(max_entries=20, show_spinner="Placing the words…")
def _word_map(state: str, n: int, method: str, skip: bool, _model: TrainedModel):
    notes: list[str] = []
    return word_map(_model, n, method, skip, notes.append), notes


@needs_model
def show(view: ClassicView, model: TrainedModel) -> None:
    _neighbours(model)
    _analogy(model, view.corpus.words)
    _map(model, view.stamp)


def _neighbours(model: TrainedModel) -> None:
    st.subheader("Nearest neighbours")
    example = (example_words(model, ["bank", "river", "苹果"], 1) or [""])[0]
    word = text_form("neighbours", "Word", example, "explore_word", "Find neighbours")
    if word.strip():
        try:
            found = neighbours(model, word, 10)
        except UserError as error:
            st.info(md_escape(str(error)))
        else:
            neighbours_table(found, width=480)


def _analogy(model: TrainedModel, corpus_words: int) -> None:
    st.subheader("Analogy: a − b + c")
    st.caption(
        f"king − man + woman ≈ queen: the offset from b to a, added to c. This corpus has "
        f"{corpus_words:,} words (the sample corpus about 14,000), so only relations its "
        "text states often come out; the famous analogies came from billions of words. "
        "中文: try 苹果 − 水果 + 公司 on your own documents."
    )
    with st.form("analogy", border=False):
        cols = st.columns([2, 2, 2, 1], vertical_alignment="bottom")
        a = cols[0].text_input("a", "king", key="analogy_a", persist_state="page")
        b = cols[1].text_input("− b", "man", key="analogy_b", persist_state="page")
        c = cols[2].text_input("+ c", "woman", key="analogy_c", persist_state="page")
        cols[3].form_submit_button("Solve")
    if not (a.strip() and b.strip() and c.strip()):
        st.info("Fill in all three words.")
        return
    try:
        solved = analogy_map(model, a, b, c, 5)
    except UserError as error:
        st.warning(md_escape(str(error)))
        return
    left, right = st.columns([1, 2])
    left.dataframe(pd.DataFrame(solved.results, columns=["Answer", "Cosine"]), hide_index=True)
    left.caption(
        "Arrows: b → a (blue), and c → the best answer (orange). × marks "
        "a − b + c itself; the answers are the words nearest to it."
    )
    right.plotly_chart(classic_figures.analogy_figure(solved), key="analogy_map")


def _map(model: TrainedModel, stamp: str | None) -> None:
    st.subheader("Word map")
    with st.form("word_map", border=False):
        cols = st.columns([3, 2, 2, 1], vertical_alignment="bottom")
        n = cols[0].slider(
            "Most frequent words", 20, 300, 100, 10, key="map_n", persist_state="page"
        )
        method = cols[1].radio(
            "Projection",
            ["pca", "umap"],
            format_func=str.upper,
            horizontal=True,
            key="map_method",
            persist_state="page",
        )
        skip = cols[2].checkbox("Hide function words", True, key="map_skip", persist_state="page")
        cols[3].form_submit_button("Draw")
    try:
        placed, notes = _word_map(stamp, n, method, skip, model)
    except UserError as error:
        st.warning(md_escape(str(error)))
        return
    for note in notes:
        st.caption(note)
    st.plotly_chart(classic_figures.word_map_figure(placed), key="word_map")
    st.caption(
        "Each word's vector squeezed to 2-D; marker size grows with its count. PCA "
        "keeps global directions (with English and Chinese in one corpus, the first "
        "one often just separates the languages); UMAP keeps neighbourhoods."
    )
