"""Lesson 2: Doc2Vec (PV-DM, PV-DBOW) on the collection's chunks or documents."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classic.doc2vec import MODES, Doc2VecConfig, DocModel, compare_retrieval, train_doc2vec
from core.errors import UserError
from core.retrieval.search import search
from ui import resources
from ui.lab.common import (
    Lab,
    chunk_label,
    explain,
    need_corpus,
    progress,
    recall,
    remember,
    small_corpus_warning,
    snippet,
)
from ui.render import md_escape

KEY = "lab_doc2vec"
UNITS = {"chunks": "Chunks", "documents": "Documents"}
QUESTIONS = (
    "How does FastText handle unseen words?\nWhy does sourdough rise?\n龙井茶产自哪里？\n"
    "苹果为什么要用嫁接来繁殖？"
)


def render(lab: Lab) -> None:
    explain(lab, "Doc2Vec")
    corpus = need_corpus(lab)
    if corpus is None:
        return
    small_corpus_warning(lab, corpus.words)
    with st.form("doc2vec_train"):
        cols = st.columns(4)
        mode = cols[0].radio(
            "Mode", list(MODES), format_func=MODES.get, key="d2v_mode", persist_state="page"
        )
        unit = cols[1].radio(
            lab.text("One vector per", "向量单位"),
            list(UNITS),
            format_func=UNITS.get,
            key="d2v_unit",
            persist_state="page",
        )
        size = cols[2].select_slider(
            "Vector size", [16, 32, 64, 100], 64, key="d2v_size", persist_state="page"
        )
        epochs = cols[3].slider("Epochs", 5, 100, 40, key="d2v_epochs", persist_state="page")
        submitted = st.form_submit_button("Train Doc2Vec", type="primary")
    labels = (
        [chunk_label(c) for c in corpus.chunks]
        if unit == "chunks"
        else [_document_name(corpus, i) for i in range(len(corpus.texts))]
    )
    if submitted:
        texts = [c.text for c in corpus.chunks] if unit == "chunks" else list(corpus.texts)
        try:
            model = train_doc2vec(
                texts, Doc2VecConfig(mode, size, epochs=epochs), progress("Epoch", epochs)
            )
        except UserError as error:
            st.error(md_escape(str(error)))
            return
        remember(KEY, corpus.fingerprint, (unit, labels, model))
    kept = recall(KEY, corpus.fingerprint)
    if kept is None:
        return
    unit, labels, model = kept
    st.success(
        f"{MODES[model.config.mode]} · {len(labels)} {unit} · {model.seconds:.1f} s · "
        f"{len(model.model.wv):,} words"
    )
    _nearest(lab, model, labels)
    _infer(lab, model, labels)
    _retrieval(lab, model, labels, unit, corpus)


def _document_name(corpus, index: int) -> str:
    seen: list[str] = []
    for chunk in corpus.chunks:
        if chunk.source not in seen:
            seen.append(chunk.source)
    return seen[index] if index < len(seen) else f"document {index + 1}"


def _table(labels: list[str], texts: tuple[str, ...], rows: list[tuple[int, float]]):
    return pd.DataFrame(
        [(labels[i], round(s, 3), snippet(texts[i])) for i, s in rows],
        columns=["text", "cosine", "begins"],
    )


def _nearest(lab: Lab, model: DocModel, labels: list[str]) -> None:
    st.subheader(lab.text("Nearest texts", "最相近的文本"))
    chosen = st.selectbox(
        lab.text("Text", "文本"),
        range(len(labels)),
        format_func=labels.__getitem__,
        key="d2v_pick",
        persist_state="page",
    )
    st.dataframe(_table(labels, model.texts, model.nearest_documents(chosen, 5)), hide_index=True)


def _infer(lab: Lab, model: DocModel, labels: list[str]) -> None:
    st.subheader(lab.text("A new paragraph", "新段落"))
    text = st.text_area(
        lab.text("Type a paragraph: its vector is inferred", "输入一段文字，推断它的向量"),
        "Rivers carry soil downstream and build new banks where the water slows.",
        key="d2v_text",
        persist_state="page",
    )
    if text.strip():
        try:
            vector = model.infer(text)
        except UserError as error:
            st.warning(md_escape(str(error)))
        else:
            st.dataframe(
                _table(labels, model.texts, model.nearest_to_vector(vector, 5)), hide_index=True
            )


def _retrieval(lab: Lab, model: DocModel, labels: list[str], unit: str, corpus) -> None:
    st.subheader(
        lab.text("Retrieval: Doc2Vec against the transformer", "检索：Doc2Vec 对比 Transformer")
    )
    questions = st.text_area(
        lab.text("Questions, one per line", "问题，每行一个"),
        QUESTIONS,
        key="d2v_questions",
        persist_state="page",
    )
    encoder = resources.encoder(lab.selection.model)
    chunk_rows = {chunk.id: row for row, chunk in enumerate(corpus.chunks)}
    sources = list(dict.fromkeys(chunk.source for chunk in corpus.chunks))

    def transformer(question: str, k: int) -> list[int]:
        # Documents: the ranks of their best chunks, each document once.
        hits = search(resources.store(), encoder, lab.selection.collection, question, k * 4)
        if unit == "chunks":
            return [chunk_rows[h.chunk.id] for h in hits if h.chunk.id in chunk_rows][:k]
        return list(dict.fromkeys(sources.index(h.chunk.source) for h in hits))[:k]

    try:
        rows = compare_retrieval(model, questions.splitlines(), transformer, k=3)
    except UserError as error:
        st.warning(md_escape(str(error)))
        return
    st.dataframe(
        pd.DataFrame(
            [
                (
                    row.question,
                    " · ".join(labels[i] for i in row.doc2vec) or "—",
                    " · ".join(labels[i] for i in row.transformer),
                    f"{row.overlap:.0%}",
                )
                for row in rows
            ],
            columns=["question", "Doc2Vec top 3", f"{lab.selection.model} top 3", "overlap"],
        ),
        hide_index=True,
    )
    st.caption(
        lab.text(
            "Doc2Vec knows only the words of this collection and infers a vector for the "
            "question by a few training steps; the transformer was trained on billions of words.",
            "Doc2Vec 只认识本集合中的词，并通过几步训练推断问"
            "题的向量；Transformer 则在数十亿词上训练过。",
        )
    )
