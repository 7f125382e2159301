"""Lesson 7: cosine, dot product and Euclidean distance, raw and normalised."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classic import lab_figures
from core.classic.distances import METRICS, TOY_QUERY, compare, orders, toy_table
from core.classic.training import TrainConfig, train
from core.errors import UserError
from ui.lab.common import Lab, explain, recall, remember
from ui.render import md_escape

KEY = "lab_distances"


def render(lab: Lab) -> None:
    explain(lab, "Distances")
    rows = toy_table()
    st.dataframe(
        pd.DataFrame(
            [
                (
                    r.label,
                    f"({r.vector[0]:g}, {r.vector[1]:g})",
                    round(r.length, 2),
                    round(r.cosine, 3),
                    r.dot,
                    round(r.euclidean, 3),
                )
                for r in rows
            ],
            columns=["point", "vector", "length", "cosine ↑", "dot ↑", "Euclidean ↓"],
        ),
        hide_index=True,
    )
    ranked = orders(rows)
    st.markdown("  \n".join(f"**{metric}**: {' > '.join(ranked[metric])}" for metric in METRICS))
    left, right = st.columns(2)
    left.markdown(
        lab.text("**Raw vectors**: three metrics, three orders", "**原始向量**：三种度量，三种排序")
    )
    left.plotly_chart(
        lab_figures.toy_vectors(rows, TOY_QUERY, False),
        key="toy_raw",
    )
    right.markdown(
        lab.text(
            "**Normalised**: all on the unit circle, one order",
            "**归一化后**：都在单位圆上，排序一致",
        )
    )
    right.plotly_chart(
        lab_figures.toy_vectors(rows, TOY_QUERY, True),
        key="toy_unit",
    )
    _on_word_vectors(lab)


def _on_word_vectors(lab: Lab) -> None:
    st.subheader(lab.text("On real word vectors", "在真实词向量上"))
    corpus = lab.corpus
    if corpus is None:
        st.caption(
            lab.text(
                "Pick a collection with documents to try this on word vectors.",
                "选择一个有文档的集合，在词向量上试试。",
            )
        )
        return
    st.caption(
        lab.text(
            "Word2Vec's raw vectors have different lengths (frequent words tend to be longer), "
            "so the metrics disagree until the vectors are normalised.",
            "Word2Vec 的原始向量长度各不相同（高频词往往更长），因此在归一化之前各度量结果不一致。",
        )
    )
    model = recall(KEY, corpus.fingerprint)
    if model is None and st.button("Train a small Word2Vec", key="dist_train"):
        with st.spinner("Training…"):
            try:
                model = train(corpus.sentences, TrainConfig(vector_size=32, sample=0.0, epochs=10))
            except UserError as error:
                st.error(md_escape(str(error)))
                return
        remember(KEY, corpus.fingerprint, model)
    if model is None:
        return
    word = st.text_input(
        lab.text("Word", "词"),
        model.wv.index_to_key[min(50, len(model.wv) - 1)],
        key="dist_word",
        persist_state="page",
    )
    key = word.strip().lower()
    if key not in model.wv.key_to_index:
        st.warning(md_escape(f"'{key}' is not in the vocabulary."))
        return
    vectors = model.wv.vectors
    result = compare(vectors, model.wv.get_vector(key), k=11)
    words = model.wv.index_to_key
    table = {f"{metric} (raw)": [words[i] for i in result.raw[metric]] for metric in METRICS} | {
        f"{metric} (unit)": [words[i] for i in result.normalised[metric]] for metric in METRICS
    }
    st.dataframe(pd.DataFrame(table), hide_index=True)
    st.caption(
        " · ".join(
            f"{a}/{b}: raw {result.raw_overlap[(a, b)]:.0%}"
            f", unit {result.normalised_overlap[(a, b)]:.0%}"
            for a, b in result.raw_overlap
        )
        + lab.text(
            " overlap of the top 11 (the word itself included).",
            "：前 11 名的重合比例（含该词本身）。",
        )
    )
