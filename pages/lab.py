"""Lab: GloVe, Doc2Vec, Item2Vec, graph walks, space alignment, indexes and distances."""

from __future__ import annotations

import streamlit as st

from ui.lab import (
    alignment_tab,
    clip_tab,
    distances_tab,
    doc2vec_tab,
    glove_tab,
    graphs_tab,
    indexes_tab,
    item2vec_tab,
)
from ui.lab.common import Lab, corpus_of, language_switch
from ui.layout import page
from ui.sidebar import collection_picker

LESSONS = {
    "GloVe": glove_tab.render,
    "Doc2Vec": doc2vec_tab.render,
    "Item2Vec": item2vec_tab.render,
    "Graphs": graphs_tab.render,
    "Alignment": alignment_tab.render,
    "Indexes": indexes_tab.render,
    "Distances": distances_tab.render,
    "CLIP": clip_tab.render,
}

page("Lab")
st.title("Lab: everything can be embedded")
st.markdown(
    "Beyond Word2Vec: global co-occurrence, paragraphs, shopping baskets, graphs, two spaces "
    "aligned, the indexes behind fast search — on your own data. 万物皆可嵌入。"
)
selection = collection_picker()
lab = Lab(language_switch(), selection, corpus_of(selection))
tabs = st.tabs(list(LESSONS), key="tab", on_change="rerun", bind="query-params")
for render, tab in zip(LESSONS.values(), tabs):
    with tab:
        if tab.open:
            render(lab)
