"""Lesson 4: DeepWalk and Node2Vec on an uploaded graph, a classic one, or the collection."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classic import lab_figures
from core.classic.graphs import (
    GraphEmbedding,
    collection_graph,
    embed_graph,
    karate_club,
    node_neighbours,
    read_edge_list,
)
from core.classic.training import TrainConfig
from core.errors import UserError
from ui import resources
from ui.lab.common import Lab, explain, progress, recall, remember
from ui.render import md_escape

KEY = "lab_graphs"
SOURCES = {
    "karate": "Zachary's karate club (34 members)",
    "collection": "This collection: chunks linked to their nearest chunks",
    "upload": "Upload an edge list",
}
P_Q = [0.25, 0.5, 1.0, 2.0, 4.0]


def render(lab: Lab) -> None:
    explain(lab, "Graphs")
    source = st.radio(
        lab.text("Graph", "图"),
        list(SOURCES),
        format_func=SOURCES.get,
        key="graph_source",
        persist_state="page",
    )
    upload = None
    if source == "upload":
        upload = st.file_uploader(
            lab.text(
                "Edge list: 'source target [weight]' per line (CSV, TSV or spaces)",
                "边列表：每行 '起点 终点 [权重]'（CSV、TSV 或空格分隔）",
            ),
            type=["csv", "tsv", "txt", "edgelist"],
            key="graph_upload",
        )
        if upload is None:
            return
    if source == "collection" and not lab.selection.exists:
        st.info(lab.text("Pick a collection with documents first.", "请先选择一个有文档的集合。"))
        return
    with st.form("graph_train"):
        cols = st.columns(5)
        p = cols[0].select_slider("p (return)", P_Q, 1.0, key="graph_p", persist_state="page")
        q = cols[1].select_slider("q (in-out)", P_Q, 1.0, key="graph_q", persist_state="page")
        per_node = cols[2].slider(
            lab.text("Walks per node", "每节点游走数"),
            1,
            30,
            10,
            key="graph_walks",
            persist_state="page",
        )
        length = cols[3].slider(
            lab.text("Walk length", "游走长度"), 5, 80, 20, key="graph_length", persist_state="page"
        )
        neighbours = cols[4].slider(
            "k (collection graph)", 1, 10, 3, key="graph_k", persist_state="page"
        )
        submitted = st.form_submit_button("Walk and train", type="primary")
    st.caption(
        lab.text(
            "p = q = 1 is DeepWalk. Small p: walks often step back. Small q: walks move outward "
            "(communities); large q: walks stay near where they came from (roles).",
            "p = q = 1 即 DeepWalk。p 小：常常走回头"
            "路。q 小：向外探索（社区）；q 大：停留在附近（结构角色）。",
        )
    )
    stamp = (source, upload.name if upload else "", lab.selection.collection)
    if submitted:
        try:
            graph = _graph(source, upload, lab, neighbours)
            config = TrainConfig(vector_size=32, window=5, min_count=1, sample=0.0, epochs=5)
            embedding = embed_graph(
                graph, p, q, per_node, length, config, progress("Epoch", config.epochs)
            )
        except UserError as error:
            st.error(md_escape(str(error)))
            return
        remember(KEY, stamp, (p, q, embedding))
    kept = recall(KEY, stamp)
    if kept is not None:
        _show(lab, *kept)


def _graph(source: str, upload, lab: Lab, k: int):
    if source == "karate":
        return karate_club()
    if source == "upload":
        return read_edge_list(upload.getvalue())
    chunks, vectors = resources.store().embeddings(lab.selection.collection)
    return collection_graph(chunks, vectors, k)


def _show(lab: Lab, p: float, q: float, embedding: GraphEmbedding) -> None:
    graph = embedding.graph
    cols = st.columns(5)
    cols[0].metric(lab.text("Nodes", "节点"), f"{graph.number_of_nodes():,}")
    cols[1].metric(lab.text("Edges", "边"), f"{graph.number_of_edges():,}")
    cols[2].metric(lab.text("Walks", "游走"), f"{len(embedding.walks):,}")
    cols[3].metric(lab.text("Steps back", "回头步"), f"{embedding.stats.back:.0%}")
    cols[4].metric(lab.text("Steps away", "远离步"), f"{embedding.stats.away:.0%}")
    st.caption(
        lab.text(
            f"p = {p:g}, q = {q:g}. Of the steps after the first: {embedding.stats.back:.0%} went "
            f"back, {embedding.stats.near:.0%} to a neighbour of the previous node, "
            f"{embedding.stats.away:.0%} two steps away from it.",
            f"p = {p:g}，q = {q:g}。第一步之后的各步中：{embedding.stats.back:.0%} 回到上一个节点，"
            f"{embedding.stats.near:.0%} 走到上一个节点的邻居，{embedding.stats.away:.0%}"
            " 走到离它两步远的节点。",
        )
    )
    with st.expander(lab.text("Three walks: the 'sentences'", "三条游走路径：即“句子”")):
        for walk in embedding.walks[:3]:
            st.code(" → ".join(walk[:20]), language=None)
    left, right = st.columns([1, 2])
    with left:
        st.subheader(lab.text("Node neighbours", "节点近邻"))
        node = st.selectbox(
            lab.text("Node", "节点"), embedding.nodes, key="graph_node", persist_state="page"
        )
        rows = node_neighbours(embedding, node, 8)
        st.dataframe(
            pd.DataFrame(
                [(n, round(s, 3), "✓" if graph.has_edge(node, n) else "") for n, s in rows],
                columns=["node", "cosine", lab.text("linked", "相连")],
            ),
            hide_index=True,
        )
    with right:
        st.subheader(lab.text("Node map, coloured by community", "节点地图（按社区着色）"))
        st.plotly_chart(
            lab_figures.labelled_map(
                embedding.points,
                embedding.nodes,
                [c + 1 for c in embedding.communities],
                show_text=len(embedding.nodes) <= 60,
                group_name="community",
            ),
            key="graph_map",
        )
        st.caption(
            lab.text(
                "Communities come from the graph itself (Louvain), not from the vectors: when "
                "colours cluster on the map, the walks have captured the graph's structure.",
                "社区由图本身（Louvain 算法）得出，而不是由向量得出：若同色节点在地图上聚在一起，"
                "说明游走捕捉到了图的结构。",
            )
        )
