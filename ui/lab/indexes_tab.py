"""Lesson 6: vector indexes measured on the collection's vectors or a synthetic set."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classic import lab_figures
from core.classic.indexes import default_specs, measure, split_queries, synthetic
from core.errors import UserError
from ui import resources
from ui.lab.common import Lab, explain, progress, recall, remember
from ui.render import md_escape

KEY = "lab_indexes"
SOURCES = {"collection": "This collection's vectors", "synthetic": "A synthetic set"}
SIZES = [1_000, 5_000, 10_000, 20_000, 50_000, 100_000]


def render(lab: Lab) -> None:
    explain(lab, "Indexes")
    with st.form("index_measure"):
        source = st.radio(
            lab.text("Vectors", "向量"),
            list(SOURCES),
            format_func=SOURCES.get,
            key="index_source",
            persist_state="page",
        )
        cols = st.columns(3)
        n = cols[0].select_slider(
            lab.text("Synthetic: vectors", "合成：向量数"),
            SIZES,
            10_000,
            key="index_n",
            persist_state="page",
        )
        dimension = cols[1].select_slider(
            lab.text("Synthetic: dimensions", "合成：维度"),
            [32, 64, 128, 384],
            64,
            key="index_dim",
            persist_state="page",
        )
        queries = cols[2].slider(
            lab.text("Queries", "查询数"), 10, 500, 100, key="index_queries", persist_state="page"
        )
        submitted = st.form_submit_button("Measure", type="primary")
    if submitted:
        try:
            if source == "collection":
                if not lab.selection.exists:
                    raise UserError("Pick a collection with documents, or use a synthetic set.")
                _, vectors = resources.store().embeddings(lab.selection.collection)
                name = f"{lab.selection.collection}: {len(vectors):,} × {vectors.shape[1]}"
            else:
                vectors = synthetic(n, dimension)
                name = f"synthetic: {n:,} × {dimension}"
            data, held = split_queries(vectors, queries)
            specs = default_specs(len(data))
            results = measure(data, held, specs, 10, progress("Index", len(specs)))
        except UserError as error:
            st.error(md_escape(str(error)))
            return
        remember(KEY, "last", (name, len(data), len(held), results))
    kept = recall(KEY, "last")
    if kept is None:
        return
    name, size, count, results = kept
    st.markdown(
        lab.text(
            f"**{md_escape(name)}** · {size:,} indexed, {count:,} held out as queries · one thread",
            f"**{md_escape(name)}** · 索引 {size:,} 个，留出 {count:,} 个作查询 · 单线程",
        )
    )
    if size < 5_000:
        st.caption(
            lab.text(
                "⚠️ With a few thousand vectors exact search is already fast: indexes pay off "
                "from hundreds of thousands. Try a larger synthetic set.",
                "⚠️ 只有几千个向量时精确搜索已经很快：索引"
                "要到数十万规模才显出优势。试试更大的合成集。",
            )
        )
    st.dataframe(
        pd.DataFrame(
            [
                (
                    r.spec.label,
                    round(r.build_seconds, 3),
                    round(r.size_bytes / 1e6, 2),
                    round(r.recall, 3),
                    round(r.query_ms, 3),
                    r.note,
                )
                for r in results
            ],
            columns=["index", "build s", "size MB", "Recall@10", "ms / query", "note"],
        ),
        hide_index=True,
    )
    st.plotly_chart(
        lab_figures.recall_speed(results),
        key="index_chart",
    )
    st.caption(
        lab.text(
            "Up and left is better. HNSW buys recall with memory (links per node) and ef; IVF-PQ "
            "is the smallest but its compressed codes cap the recall.",
            "越靠左上越好。HNSW 用内存（每节点的连接）和 ef 换"
            "召回率；IVF-PQ 最省内存，但压缩编码限制了召回率上限。",
        )
    )
