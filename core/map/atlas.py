"""A collection's map in one call: vectors from the store, projection, clusters and their names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core.errors import UserError
from core.map.clusters import cluster, cluster_name, label_clusters
from core.map.figures import DEFAULT_SAMPLE_POINTS, ColorBy, hover_texts, map_figure
from core.map.placement import (
    DEFAULT_TOLERANCE,
    StarPlacement,
    hit_weights,
    neighbour_spacing,
    place_star,
    typical_distance,
)
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
    # Above this many chunks the figure sends a density plus a sample, not every point.
    max_points: int = 20_000
    # The star moves among its hits when the transform puts it further than this many typical
    # neighbour distances from the nearest one.
    star_tolerance: float = DEFAULT_TOLERANCE


@dataclass(frozen=True, eq=False)
class CollectionMap:
    """Everything the map pages draw; shared between sessions, so never mutated."""

    chunks: tuple[Chunk, ...]
    vectors: np.ndarray
    projection: Projection
    labels: np.ndarray  # cluster per chunk, -1 for noise
    cluster_names: dict[int, str]
    hover: tuple[str, ...]  # per chunk; empty above max_points (made for drawn points only)
    note: str  # what was done and why, for the user
    max_points: int = 20_000
    star_tolerance: float = DEFAULT_TOLERANCE

    @cached_property
    def spacing(self) -> np.ndarray:
        """Median map distance to the 1st..10th neighbour (computed once, on first use)."""
        return neighbour_spacing(self.projection.coords)

    def place_query(self, query_vector: np.ndarray, hits: Sequence[Hit] = ()) -> StarPlacement:
        """Where the star goes: the fitted reducer's spot (never a refit), or among its hits."""
        transformed = place(self.projection, query_vector)[0]
        rows = [row for row, _ in self.rows_of(hits)]
        return place_star(
            transformed,
            self.projection.coords[rows],
            hit_weights(query_vector, self.vectors[rows]) if rows else np.zeros(0),
            typical_distance(self.spacing, len(rows)),
            self.star_tolerance,
        )

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
        selected: Sequence[int] = (),
        cited: Iterable[str] = (),
    ) -> go.Figure:
        """The map with the question's star (see place_query) and its hits always drawn.

        compact puts the legend under the map, for a map in a narrow column; selected rows are
        drawn on top even when a big map shows only a sample; the hits whose chunk ids are in
        cited (what the answer cites) are ringed, with their number.
        """
        cited_ids = set(cited)
        star = None if query_vector is None else self.place_query(query_vector, hits)
        figure = map_figure(
            self.projection.coords,
            self.chunks,
            color_by=color_by,
            labels=self.labels,
            cluster_names=self.cluster_names,
            query=None if star is None else star.point,
            hits=self.rows_of(hits),
            hover=self.hover or None,
            query_label=query_label,
            max_points=self.max_points,
            selected=selected,
            cited=self.rows_of([hit for hit in hits if hit.chunk.id in cited_ids]),
        )
        if star is not None:
            # Say on the map where the star comes from: in its hover text and above the map.
            figure.update_traces(
                selector={"name": "query"},
                hovertext=[f"{_query_hover(figure)}<br><i>{star.note}</i>"],
            )
            figure.add_annotation(
                text=star.note,
                xref="paper",
                yref="paper",
                x=0,
                y=1,
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font={"size": 11, "color": "#555"},
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
    # Keyed by content alone (vectors + config): a renamed or copied collection, or the same
    # vectors under another name, reuses the fitted map.
    projection = cache.get_or_fit([], vectors, projection_config)
    labels = _clusters(vectors, config)
    terms = label_clusters([chunk.text for chunk in chunks], labels)
    names = {label: cluster_name(label, words) for label, words in terms.items()}
    dense = len(chunks) > config.max_points
    density_note = ""
    if dense:
        if projection_config.dimensions == 2:
            shown = f"the density of all of them under a sample of {DEFAULT_SAMPLE_POINTS:,}"
        else:  # no density in 3D
            shown = f"a sample of {DEFAULT_SAMPLE_POINTS:,}"
        density_note = (
            f" Above {config.max_points:,} chunks the map shows {shown} points; the question, "
            "its hits and your selection are always drawn."
        )
    return CollectionMap(
        chunks=tuple(chunks),
        vectors=vectors,
        projection=projection,
        labels=labels,
        cluster_names=names,
        hover=() if dense else tuple(hover_texts(chunks)),
        note=note + projection.strategy_note + density_note,
        max_points=config.max_points,
        star_tolerance=config.star_tolerance,
    )


def _query_hover(figure: go.Figure) -> str:
    """The query trace's hover text (its escaped label)."""
    trace = next(t for t in figure.data if t.name == "query")
    return trace.hovertext[0]


def _clusters(vectors: np.ndarray, config: MapConfig) -> np.ndarray:
    if len(vectors) < 3:
        return np.zeros(len(vectors), dtype=np.int64)
    k = config.k if config.k is None else min(config.k, len(vectors))
    return cluster(vectors, method=config.clustering, k=k)
