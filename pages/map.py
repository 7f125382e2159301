"""Map: the whole collection projected to 2D/3D, clusters named by their words, selections."""

import pandas as pd
import streamlit as st

from core.map.atlas import MapConfig
from core.map.neighbours import map_trustworthiness, true_vs_map_neighbours
from core.map.projection import ProjectionConfig
from ui import pictures, resources
from ui.layout import page
from ui.render import md_escape
from ui.sidebar import existing_collection

METHODS = {"UMAP": "umap", "PCA (instant)": "pca", "t-SNE": "tsne"}
COLOURS = {"Document": "document", "Cluster": "cluster", "Page": "page"}

page("Map")
st.title("Map")
selection = existing_collection()

with st.sidebar:
    st.subheader("Projection")
    method = METHODS[st.radio("Method", list(METHODS), horizontal=True)]
    dimensions = 3 if st.toggle("3D") else 2
    colour = COLOURS[st.radio("Colour by", list(COLOURS), horizontal=True)]
    clustering = st.radio(
        "Clusters",
        ["k-means", "HDBSCAN"],
        horizontal=True,
        help="Found in the full-dimensional space, not on the map. k-means splits every chunk "
        "into k groups; HDBSCAN finds dense groups and leaves the rest unclustered.",
    )
    k = None
    if clustering == "k-means" and not st.toggle("Choose k automatically", value=True):
        k = st.slider("k", 2, 30, 8)
    with st.expander("UMAP parameters", expanded=method == "umap"):
        neighbours = st.slider(
            "Neighbours",
            2,
            100,
            15,
            help="How many nearest chunks UMAP looks at for each one. Few: fine local "
            "detail, clusters split apart. Many: the global layout, small groups merge.",
        )
        min_dist = st.slider(
            "Minimum distance",
            0.0,
            1.0,
            0.1,
            0.05,
            help="How tightly points may pack. Low: dense clumps that show clusters. "
            "High: an even spread that keeps more of the broad structure.",
        )
        metric = st.radio(
            "Metric",
            ["cosine", "euclidean"],
            horizontal=True,
            help="How distance is measured in the original space. Sentence embeddings are "
            "compared by angle, so cosine is the natural choice.",
        )

config = MapConfig(
    projection=ProjectionConfig(
        method=method,
        dimensions=dimensions,
        n_neighbors=neighbours,
        min_dist=min_dist,
        metric=metric,
    ),
    clustering="kmeans" if clustering == "k-means" else "hdbscan",
    k=k,
)
atlas = resources.collection_map_or_none(selection.collection, config)
if atlas is None:
    st.stop()
st.caption(md_escape(atlas.note))

event = st.plotly_chart(
    atlas.figure(colour).update_layout(height=640),
    on_select="rerun",
    selection_mode=("points", "box", "lasso"),
    key="map",
    width="stretch",
)
rows = atlas.selected_rows(event.selection.points)

sizes = pd.Series(atlas.labels).value_counts()
clusters = [f"{name} ({sizes.get(label, 0)})" for label, name in atlas.cluster_names.items()]
if -1 in sizes:
    clusters.append(f"unclustered ({sizes[-1]})")
st.caption("Clusters: " + md_escape(" · ".join(clusters)))

if not rows:
    st.info("Select points on the map (click, box or lasso) to read their chunks.")
    st.stop()

chosen = pd.DataFrame(
    [
        {
            "Source": atlas.chunks[row].source,
            "Page": atlas.chunks[row].page_label,
            "Cluster": atlas.cluster_names.get(int(atlas.labels[row]), "noise"),
            "Text": atlas.chunks[row].text,
        }
        for row in rows
    ]
)
st.subheader(f"{len(rows)} selected")
st.dataframe(chosen, hide_index=True, width="stretch")
pictures.selected([atlas.chunks[row] for row in rows])  # thumbnails of selected pictures
st.download_button(
    "Download selection (CSV)",
    chosen.to_csv(index=False).encode("utf-8-sig"),
    "selection.csv",
    "text/csv",
)

st.subheader("How honest is the map here?")
row = rows[0]
full, near, overlap = true_vs_map_neighbours(atlas.vectors, atlas.projection.coords, row, k=8)
st.markdown(
    f"For **{md_escape(atlas.chunks[row].source)}** {md_escape(atlas.chunks[row].page_label)}: "
    f"**{overlap:.0%}** of its 8 nearest chunks on the map are also among its 8 nearest in the "
    f"full {atlas.vectors.shape[1]}-dimensional space. Distances on a 2D map are squeezed: "
    "neighbours across the map can be close in meaning, and near ones can be far."
)
left, right = st.columns(2)
left.markdown("**Nearest in the full space**")
left.dataframe(
    [{"Source": atlas.chunks[i].source, "Text": atlas.chunks[i].text[:120]} for i in full],
    hide_index=True,
)
right.markdown("**Nearest on the map**")
right.dataframe(
    [{"Source": atlas.chunks[i].source, "Text": atlas.chunks[i].text[:120]} for i in near],
    hide_index=True,
)
trust = map_trustworthiness(atlas.vectors, atlas.projection.coords)
st.caption(f"Trustworthiness of the whole map (1 = no false neighbours): {trust:.3f}")
