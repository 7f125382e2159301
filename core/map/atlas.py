"""A collection's map in one call: vectors from the store, projection, clusters and their names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core.errors import UserError
from core.map.clusters import cluster, cluster_name, label_clusters
from core.map.figures import ColorBy, hover_texts, map_figure
from core.map.projection import Projection, ProjectionCache, ProjectionConfig, minimum_points, place
from core.records import Chunk, Hit
from core.retrieval.store import Store


@dataclass(frozen=True)
class MapConfig:
    projection: ProjectionConfig = field(default_factory=ProjectionConfig)
    # k-means with k chosen by silhouette names topics on e5's crowded cosine scale better
    # than HDBSCAN, which lumped most of the sample corpus into one cluster.
    clustering: str = "kmeans"  # or "hdbscan"
    k: int | None = None  # k-means clusters; None picks k by silhouette


@dataclass(frozen=True, eq=False)
class CollectionMap:
    """Everything the map pages draw; shared between sessions, so never mutated."""

    chunks: tuple[Chunk, ...]
    vectors: np.ndarray
    projection: Projection
    labels: np.ndarray  # cluster per chunk, -1 for noise
    cluster_names: dict[int, str]
    hover: tuple[str, ...]
    note: str  # what was done and why, for the user

    def rows_of(self, hits: Sequence[Hit]) -> list[tuple[int, int]]:
        """(row, rank) of each hit that is on the map."""
        rows = {chunk.id: row for row, chunk in enumerate(self.chunks)}
        return [(rows[h.chunk.id], h.rank) for h in hits if h.chunk.id in rows]

    def selected_rows(self, points: Iterable[Mapping[str, Any]]) -> list[int]:
        """The chunk rows under a chart selection (Streamlit's points), sorted, no repeats.

        Every chunk's point carries its row as customdata; the query's star carries none and
        is not a chunk. A selection left from an earlier, larger map may name rows gone since.
        """
        rows = {point.get("customdata") for point in points}
        return sorted(
            int(row) for row in rows if isinstance(row, int) and 0 <= row < len(self.chunks)
        )

    def figure(
        self,
        color_by: ColorBy = "document",
        query_vector: np.ndarray | None = None,
        hits: Sequence[Hit] = (),
        query_label: str = "Query",
        compact: bool = False,
    ) -> go.Figure:
        """The map, with the query placed by the fitted reducer (never a refit) and its hits.

        compact puts the legend under the map, for a map in a narrow column.
        """
        query = None if query_vector is None else place(self.projection, query_vector)[0]
        figure = map_figure(
            self.projection.coords,
            self.chunks,
            color_by=color_by,
            labels=self.labels,
            cluster_names=self.cluster_names,
            query=query,
            hits=self.rows_of(hits),
            hover=self.hover,
            query_label=query_label,
        )
        if compact:
            figure.update_layout(
                legend={"orientation": "h", "yanchor": "top", "y": -0.02, "font": {"size": 10}},
                height=560,
            )
        return figure


def collection_map(
    store: Store, collection: str, cache: ProjectionCache, config: MapConfig = MapConfig()
) -> CollectionMap:
    """Project and cluster a collection; the projection comes from the disk cache when it can."""
    chunks, vectors = store.embeddings(collection)
    if not chunks:
        raise UserError(f"Collection '{collection}' has no chunks yet: add documents first.")
    projection_config = config.projection
    note = ""
    if projection_config.method != "pca" and len(chunks) < minimum_points(projection_config):
        # Too few points for UMAP's neighbourhoods or t-SNE's perplexity: PCA still works.
        projection_config = replace(projection_config, method="pca")
        note = (
            f"Only {len(chunks)} chunks: fewer than {config.projection.method.upper()} needs "
            f"with these settings, so this map uses PCA. "
        )
    model = store.collection_model(collection) or ""
    projection = cache.get_or_fit([collection, model], vectors, projection_config)
    labels = _clusters(vectors, config)
    terms = label_clusters([chunk.text for chunk in chunks], labels)
    names = {label: cluster_name(label, words) for label, words in terms.items()}
    return CollectionMap(
        chunks=tuple(chunks),
        vectors=vectors,
        projection=projection,
        labels=labels,
        cluster_names=names,
        hover=tuple(hover_texts(chunks)),
        note=note + projection.strategy_note,
    )


def _clusters(vectors: np.ndarray, config: MapConfig) -> np.ndarray:
    if len(vectors) < 3:
        return np.zeros(len(vectors), dtype=np.int64)
    k = config.k if config.k is None else min(config.k, len(vectors))
    return cluster(vectors, method=config.clustering, k=k)
