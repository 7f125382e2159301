"""Lesson 5: aligning two word spaces with an orthogonal (Procrustes) map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classic import lab_figures
from core.classic.alignment import (
    SAMPLE_DICTIONARY,
    Alignment,
    align,
    halves,
    parse_pairs,
    shared_words,
    split_languages,
)
from core.classic.training import TrainConfig, train
from core.errors import UserError
from core.text import stopwords
from ui.lab.common import (
    Lab,
    explain,
    need_corpus,
    progress,
    recall,
    remember,
    small_corpus_warning,
)
from ui.render import md_escape

KEY = "lab_alignment"
MODES = {
    "seeds": "Same corpus, two random seeds",
    "halves": "Two halves of the corpus (even / odd sentences)",
    "languages": "English vs Chinese sentences, with a seed dictionary",
}


def render(lab: Lab) -> None:
    explain(lab, "Alignment")
    corpus = need_corpus(lab)
    if corpus is None:
        return
    small_corpus_warning(lab, corpus.words)
    with st.form("align_train"):
        mode = st.radio(
            lab.text("Two models", "两个模型"),
            list(MODES),
            format_func=MODES.get,
            key="align_mode",
            persist_state="page",
        )
        cols = st.columns(3)
        size = cols[0].select_slider(
            "Vector size", [16, 32, 50, 64, 100], 32, key="align_size", persist_state="page"
        )
        epochs = cols[1].slider("Epochs", 5, 60, 30, key="align_epochs", persist_state="page")
        held = cols[2].slider(
            lab.text("Held-out share", "留出比例"),
            0.1,
            0.5,
            0.2,
            0.05,
            key="align_held",
            persist_state="page",
        )
        dictionary = st.text_area(
            lab.text(
                "Seed dictionary (languages mode): 'english 中文' per line",
                "种子词典（双语模式）：每行 'english 中文'",
            ),
            SAMPLE_DICTIONARY,
            height=150,
            key="align_dictionary",
            persist_state="page",
        )
        submitted = st.form_submit_button("Train both and align", type="primary")
    if submitted:
        try:
            result = _run(corpus.sentences, mode, size, epochs, held, dictionary)
        except UserError as error:
            st.error(md_escape(str(error)))
            return
        remember(KEY, corpus.fingerprint, (mode, result))
    kept = recall(KEY, corpus.fingerprint)
    if kept is not None:
        _show(lab, *kept)


def _run(sentences, mode: str, size: int, epochs: int, held: float, dictionary: str) -> Alignment:
    config = TrainConfig(vector_size=size, min_count=2, sample=0.0, epochs=epochs)
    # Another seed for B: gensim starts a word from the same random vector under the same seed,
    # which would half-align the two spaces before any map.
    other = TrainConfig(**{**config.__dict__, "seed": config.seed + 1})
    if mode == "seeds":
        first, second = sentences, sentences
    elif mode == "halves":
        first, second = halves(sentences)
    else:
        first, second = split_languages(sentences)
        if not first or not second:
            raise UserError("The collection needs both English and Chinese text for this mode.")
    a = train(first, config, progress("Model A epoch", epochs)).wv
    b = train(second, other, progress("Model B epoch", epochs)).wv
    if mode == "languages":
        pairs = parse_pairs(dictionary)
    else:
        pairs = shared_words(a, b, limit=500, skip=stopwords())
    return align(a, b, pairs, held_out_share=held)


def _show(lab: Lab, mode: str, result: Alignment) -> None:
    cols = st.columns(5)
    cols[0].metric(lab.text("Seed pairs", "种子词对"), f"{len(result.seed_pairs):,}")
    cols[1].metric(lab.text("Held-out pairs", "留出词对"), f"{len(result.held_out):,}")
    cols[2].metric(
        lab.text("Translation accuracy", "翻译准确率"),
        f"{result.accuracy_after:.0%}",
        f"{result.accuracy_after - result.accuracy_before:+.0%} vs no map",
    )
    cols[3].metric(
        lab.text("Mean cosine of pairs", "词对平均余弦"),
        f"{result.cosine_after:.2f}",
        f"{result.cosine_after - result.cosine_before:+.2f} vs no map",
    )
    cols[4].metric(
        lab.text("Neighbour agreement", "近邻一致率"),
        f"{result.agreement_after:.0%}",
        f"{result.agreement_after - result.agreement_before:+.0%} vs no map",
        help="Held-out pairs: the share of the 10 nearest B words that a (mapped) and its pair "
        "b have in common.",
    )
    st.caption(
        lab.text(
            "Held-out words translated by nearest neighbo"
            f"ur in model B: {result.accuracy_before:.0%} "
            f"before the rotation, {result.accuracy_after:.0%}"
            " after (on the seed pairs themselves: "
            f"{result.seed_accuracy_after:.0%}).",
            f"留出词在模型 B 中按最近邻翻译：旋转前 {result.accuracy_before:.0%}，旋转后 "
            f"{result.accuracy_after:.0%}（种子词对本身：{result.seed_accuracy_after:.0%}）。",
        )
    )
    if mode != "seeds" and len(result.held_out) < 30:
        st.caption(
            lab.text(
                "⚠️ Few held-out pairs and a small corpus: one word more or less changes the "
                "accuracy a lot.",
                "⚠️ 留出词对少、语料小：多对或少对一个词，准确率就会变化很大。",
            )
        )
    held = min(len(result.held_out), len(result.labels))
    left, right = st.columns(2)
    left.markdown(lab.text("**Before**: each space as trained", "**对齐前**：各自训练的空间"))
    left.plotly_chart(
        lab_figures.alignment_map(result.before, result.labels, held),
        key="align_before",
    )
    right.markdown(lab.text("**After**: A rotated onto B", "**对齐后**：A 旋转到 B"))
    right.plotly_chart(
        lab_figures.alignment_map(result.after, result.labels, held),
        key="align_after",
    )
    st.caption(
        lab.text(
            "Lines join each pair; red lines are held-out pairs. Both maps are one joint PCA of "
            "the two models' (centred, unit) vectors.",
            "连线连接每个词对，红线为留出词对。两张图都是"
            "两个模型（中心化、单位化）向量的联合 PCA。",
        )
    )
    st.dataframe(
        pd.DataFrame(
            [(a, b, found, "✓" if ok else "✗") for a, b, found, ok in result.translations],
            columns=[
                "A",
                lab.text("expected in B", "B 中应为"),
                lab.text("nearest in B", "B 中最近"),
                "",
            ],
        ),
        hide_index=True,
    )
