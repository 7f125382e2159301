"""Lesson 1: GloVe beside Word2Vec on the same corpus."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.classic import lab_figures
from core.classic.evaluation import EvalResult, evaluate, example_words
from core.classic.glove import GloveConfig, GloveModel, train_glove
from core.classic.training import EpochReport, TrainConfig, TrainedModel, analogy, neighbours, train
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

KEY = "lab_glove"


@dataclass(frozen=True)
class Pair:
    glove: GloveModel
    word2vec: TrainedModel
    glove_eval: tuple[EvalResult, ...]
    word2vec_eval: tuple[EvalResult, ...]


def render(lab: Lab) -> None:
    explain(lab, "GloVe")
    corpus = need_corpus(lab)
    if corpus is None:
        return
    small_corpus_warning(lab, corpus.words)
    with st.form("glove_train", border=True):
        cols = st.columns(5)
        size = cols[0].select_slider(
            "Vector size", [16, 25, 32, 50, 64, 100], 50, key="glove_size", persist_state="page"
        )
        window = cols[1].slider("Window", 2, 10, 5, key="glove_window", persist_state="page")
        min_count = cols[2].slider(
            "Min count", 1, 10, 2, key="glove_min_count", persist_state="page"
        )
        epochs = cols[3].slider("GloVe epochs", 5, 50, 15, key="glove_epochs", persist_state="page")
        x_max = cols[4].select_slider(
            "x_max", [5.0, 10.0, 25.0, 50.0, 100.0], 10.0, key="glove_xmax", persist_state="page"
        )
        submitted = st.form_submit_button("Train GloVe and Word2Vec", type="primary")
    if submitted:
        glove_config = GloveConfig(size, window, min_count, x_max=x_max, epochs=epochs)
        w2v_config = TrainConfig(
            vector_size=size, window=window, min_count=min_count, sample=0.0, epochs=15
        )
        try:
            step = progress("GloVe epoch", epochs)
            glove = train_glove(corpus.sentences, glove_config, step)
            step = progress("Word2Vec epoch", w2v_config.epochs)
            word2vec = train(corpus.sentences, w2v_config, step)
        except UserError as error:
            st.error(md_escape(str(error)))
            return
        with st.spinner("Scoring both on the evaluation sets…"):
            pair = Pair(glove, word2vec, tuple(evaluate(glove.model)), tuple(evaluate(word2vec)))
        remember(KEY, corpus.fingerprint, pair)
    pair = recall(KEY, corpus.fingerprint)
    if pair is None:
        st.caption(
            lab.text("Train to see the matrix and both models.", "点击训练后查看矩阵和两个模型。")
        )
        return
    _matrix(lab, pair.glove)
    _losses(lab, pair)
    _side_by_side(lab, pair)


def _matrix(lab: Lab, glove: GloveModel) -> None:
    matrix = glove.cooccurrence
    st.subheader(lab.text("The co-occurrence matrix", "共现矩阵"))
    cols = st.columns(4)
    size = len(matrix.words)
    cols[0].metric("Vocabulary V", f"{size:,}")
    cols[1].metric("Cells V × V", f"{size * size:,}")
    cols[2].metric(lab.text("Non-zero cells", "非零单元"), f"{matrix.nonzero:,}")
    cols[3].metric(lab.text("Density", "密度"), f"{matrix.density:.2%}")
    left, right = st.columns([1, 3])
    n = left.slider(
        lab.text("Top words", "高频词数"), 10, 40, 20, key="glove_top", persist_state="page"
    )
    skip = left.checkbox(
        lab.text("Hide function words", "隐藏虚词"), True, key="glove_skip", persist_state="page"
    )
    words, block = matrix.top(n, stopwords() if skip else ())
    right.plotly_chart(
        lab_figures.heatmap(words, block, lab.text("X for the most frequent words", "高频词的 X")),
        key="glove_heatmap",
    )
    st.caption(
        lab.text(
            "Each cell sums 1/d over every time the two words appear d ≤ window words apart. "
            "Most cells are zero: GloVe fits only the non-zero ones.",
            "每个单元累加两个词在窗口内相距 d 个词时的 1/d。大多数单元为零：GloVe 只拟合非零单元。",
        )
    )


def _curve(reports: tuple[EpochReport, ...], name: str) -> pd.DataFrame:
    return pd.DataFrame({"epoch": [r.epoch for r in reports], name: [r.loss for r in reports]})


def _losses(lab: Lab, pair: Pair) -> None:
    st.subheader(lab.text("Training", "训练过程"))
    left, right = st.columns(2)
    glove = pair.glove.model
    left.markdown(
        f"**GloVe** · {glove.seconds:.1f} s · "
        + lab.text("weighted squared error per non-zero cell", "每个非零单元的加权平方误差")
    )
    left.line_chart(_curve(glove.epochs, "GloVe J / cells"), x="epoch", height=240)
    w2v = pair.word2vec
    right.markdown(
        f"**Word2Vec** (skip-gram) · {w2v.seconds:.1f} s · "
        + lab.text("negative-sampling loss per example", "每个样本的负采样损失")
    )
    right.line_chart(_curve(w2v.epochs, "Word2Vec loss"), x="epoch", height=240)
    st.caption(
        lab.text(
            "The two losses measure different things: compare how each falls, not their values.",
            "两种损失含义不同：比较下降趋势，而不是数值大小。",
        )
    )


def _side_by_side(lab: Lab, pair: Pair) -> None:
    models = {"GloVe": pair.glove.model, "Word2Vec": pair.word2vec}
    st.subheader(lab.text("Neighbours", "近邻词"))
    default = (example_words(pair.word2vec, ["bank", "river", "苹果", "茶"], 1) or [""])[0]
    word = st.text_input(lab.text("Word", "词"), default, key="glove_word", persist_state="page")
    if word.strip():
        cols = st.columns(2)
        for col, (name, model) in zip(cols, models.items()):
            col.markdown(f"**{name}**")
            try:
                rows = neighbours(model, word, 8)
            except UserError as error:
                col.warning(md_escape(str(error)))
            else:
                col.dataframe(
                    pd.DataFrame(rows, columns=["word", "cosine"]).round(3), hide_index=True
                )
    st.subheader(lab.text("Analogies", "类比"))
    cols = st.columns(3)
    a = cols[0].text_input("a", "river", key="glove_a", persist_state="page")
    b = cols[1].text_input("− b", "water", key="glove_b", persist_state="page")
    c = cols[2].text_input("+ c", "tea", key="glove_c", persist_state="page")
    cols = st.columns(2)
    for col, (name, model) in zip(cols, models.items()):
        col.markdown(f"**{name}**: {md_escape(a)} − {md_escape(b)} + {md_escape(c)}")
        try:
            found = analogy(model, a, b, c, 5)
        except UserError as error:
            col.warning(md_escape(str(error)))
        else:
            col.dataframe(pd.DataFrame(found, columns=["word", "cosine"]).round(3), hide_index=True)
    st.subheader(lab.text("Evaluation sets", "评测集"))
    table = pd.DataFrame(
        {
            "set": [r.name for r in pair.glove_eval],
            "metric": [r.metric for r in pair.glove_eval],
            "GloVe": [_score(r) for r in pair.glove_eval],
            "Word2Vec": [_score(r) for r in pair.word2vec_eval],
        }
    )
    st.dataframe(table, hide_index=True)
    st.caption(
        lab.text(
            "OOV: the share of items with a word outside the vocabulary. On a few documents most "
            "items are skipped and the scores are noise.",
            "OOV：含有词表外词语的条目比例。只有几篇文档时，大多数条目被跳过，分数只是噪声。",
        )
    )


def _score(result: EvalResult) -> str:
    score = "—" if result.score is None else f"{result.score:.3f}"
    return f"{score} (OOV {result.oov_share:.0%}, {result.pairs_used:,} used)"
