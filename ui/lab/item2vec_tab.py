"""Lesson 3: Item2Vec on uploaded sessions or the bundled sample."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.classic import lab_figures
from core.classic.item2vec import (
    SAMPLE,
    cold_start,
    config_for,
    item_map,
    load_sample,
    read_sequences,
    similar_items,
    train_items,
)
from core.errors import UserError
from ui.lab.common import Lab, explain, progress, recall, remember
from ui.render import md_escape

KEY = "lab_item2vec"
SOURCES = {"sample": "Bundled sample (600 shopping sessions)", "upload": "Upload sessions"}


def render(lab: Lab) -> None:
    explain(lab, "Item2Vec")
    source = st.radio(
        lab.text("Sessions", "会话数据"),
        list(SOURCES),
        format_func=SOURCES.get,
        horizontal=True,
        key="i2v_source",
        persist_state="page",
    )
    if source == "upload":
        upload = st.file_uploader(
            lab.text(
                "CSV (one session per row, or session_id,item_id events) or JSONL (a list of "
                "items per line)",
                "CSV（每行一个会话，或 session_id,item_id 事件日志）或 JSONL（每行一个商品列表）",
            ),
            type=["csv", "jsonl", "json", "txt"],
            key="i2v_upload",
        )
        if upload is None:
            return
        name, data = upload.name, upload.getvalue()
    else:
        name, data = SAMPLE.name, None
    with st.form("i2v_train"):
        cols = st.columns(3)
        size = cols[0].select_slider(
            "Vector size", [8, 16, 32, 64], 32, key="i2v_size", persist_state="page"
        )
        min_count = cols[1].slider("Min count", 1, 10, 3, key="i2v_min_count", persist_state="page")
        epochs = cols[2].slider("Epochs", 5, 50, 20, key="i2v_epochs", persist_state="page")
        submitted = st.form_submit_button("Train Item2Vec", type="primary")
    stamp = (name, len(data) if data is not None else 0)
    if submitted:
        try:
            sessions = load_sample() if data is None else read_sequences(data, name)
            config = config_for(sessions, size, min_count, epochs)
            model = train_items(sessions, config, progress("Epoch", epochs))
        except UserError as error:
            st.error(md_escape(str(error)))
            return
        remember(KEY, stamp, (sessions, model))
    kept = recall(KEY, stamp)
    if kept is None:
        return
    sessions, model = kept
    st.success(
        f"{len(sessions):,} sessions · {model.vocab_size:,} items with a vector · window "
        f"{model.config.window} (spans the longest basket) · {model.seconds:.1f} s"
    )
    if len(sessions) < 1000:
        st.caption(
            lab.text(
                "⚠️ A few hundred sessions are enough to show the idea; real catalogues use "
                "millions.",
                "⚠️ 几百个会话足以演示原理；真实系统通常使用数百万个会话。",
            )
        )
    st.subheader(lab.text("Similar items", "相似商品"))
    item = st.selectbox(
        lab.text("Item", "商品"), model.wv.index_to_key, key="i2v_item", persist_state="page"
    )
    try:
        st.dataframe(
            pd.DataFrame(similar_items(model, item, 8), columns=["item", "cosine"]).round(3),
            hide_index=True,
        )
    except UserError as error:
        st.warning(md_escape(str(error)))
    st.subheader(lab.text("Item map", "商品地图"))
    shown = item_map(model)
    st.plotly_chart(
        lab_figures.labelled_map(
            shown.points, shown.items, sizes=[6 + 3 * math.log10(c) for c in shown.counts]
        ),
        key="i2v_map",
    )
    st.subheader(lab.text("Cold start", "冷启动"))
    cold = cold_start(model, sessions)
    if not cold:
        st.caption(
            lab.text(
                "Every item has a vector at this min count.", "在此最小次数下每个商品都有向量。"
            )
        )
        return
    st.markdown(
        lab.text(
            f"{len(cold)} items were seen fewer than {model.config.min_count} times and have no "
            "vector. A stand-in: the mean vector of the items bought with them.",
            f"{len(cold)} 个商品出现次数少于 {model.config.min_count}"
            "，没有向量。替代办法：用与它们同篮"
            "商品的平均向量。",
        )
    )
    st.dataframe(
        pd.DataFrame(
            [
                (
                    c.item,
                    c.count,
                    len(c.companions),
                    " · ".join(i for i, _ in c.neighbours[:3]) or "—",
                )
                for c in cold[:50]
            ],
            columns=["item", "seen", "companions", "nearest known items to the stand-in"],
        ),
        hide_index=True,
    )
