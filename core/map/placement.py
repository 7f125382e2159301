"""Where the question's star goes on the map, and whether it sits among its own hits.

A reducer's transform (UMAP's especially, on small collections) can put a query far from the
chunks the search ranked first: five hits on one side, the star on the other. That tells the
wrong story, so the distance is measured against the map's own neighbour spacing, and a star
that lands too far is drawn at the similarity-weighted mean of its hits instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from core.vectors import normalised

Placement = Literal["transform", "hits"]
# A star more than this many typical neighbour distances from its nearest hit is moved.
DEFAULT_TOLERANCE = 2.0


@dataclass(frozen=True, eq=False)
class StarPlacement:
    """Where the star is drawn, where the transform put it, and how far that was from the hits."""

    point: np.ndarray  # (dimensions,) float32: where the star is drawn
    transformed: np.ndarray  # (dimensions,) float32: where the reducer's transform put it
    method: Placement
    distance: float  # transform's star to its nearest hit, map units (nan without hits)
    typical: float  # typical neighbour distance on this map, map units
    ratio: float  # distance / typical (nan without hits)

    @property
    def note(self) -> str:
        """One sentence for the map saying which placement was used and why."""
        if self.method == "hits":
            return (
                f"★ drawn at the similarity-weighted mean of its hits: the map's transform put it "
                f"{self.ratio:.1f}× the typical neighbour distance from the nearest hit."
            )
        if np.isnan(self.ratio):
            return "★ placed by the map's transform."
        return (
            f"★ placed by the map's transform, {self.ratio:.1f}× the typical neighbour "
            f"distance from its nearest hit."
        )


def neighbour_spacing(
    coords: np.ndarray, max_k: int = 10, max_points: int = 2_000, seed: int = 0
) -> np.ndarray:
    """Typical neighbour distances on a map: entry j-1 is the median distance to the j-th neighbour.

    The median runs over every point, or a seeded sample of max_points of them on big maps;
    the neighbours are always searched among all points.
    """
    from scipy.spatial import cKDTree

    points = np.asarray(coords, dtype=np.float64)
    n = len(points)
    k = min(max_k, n - 1)
    if k < 1:
        return np.zeros(0)
    probes = points
    if n > max_points:
        rows = np.random.default_rng(seed).choice(n, size=max_points, replace=False)
        probes = points[np.sort(rows)]
    distances, _ = cKDTree(points).query(probes, k=k + 1)
    # Column 0 is each point itself (distance 0; or a duplicate, which is just as near).
    return np.median(distances[:, 1:], axis=0)


def typical_distance(spacing: np.ndarray, hits: int) -> float:
    """The median distance to the hits-th neighbour: the radius a point's hits-nearest span."""
    if len(spacing) == 0:
        return float("nan")
    return float(spacing[min(max(hits, 1), len(spacing)) - 1])


def hit_weights(query_vector: np.ndarray, hit_vectors: np.ndarray) -> np.ndarray:
    """Weights summing to 1, proportional to each hit's cosine similarity to the query.

    Cosine from the vectors, not the search's scores: hybrid or reranked scores live on other
    scales. Similarities at or below zero get a tiny weight rather than a negative one.
    """
    similarities = normalised(np.atleast_2d(hit_vectors)) @ normalised(
        np.atleast_2d(query_vector)
    ).reshape(-1)
    weights = np.maximum(similarities.astype(np.float64), 1e-6)
    return weights / weights.sum()


def place_star(
    transformed: np.ndarray,
    hit_coords: np.ndarray,
    weights: np.ndarray,
    typical: float,
    tolerance: float = DEFAULT_TOLERANCE,
) -> StarPlacement:
    """Keep the transform's spot when it is within tolerance x typical of a hit, else move it.

    The moved star is the weights-weighted mean of the hits' map coordinates.
    """
    star = np.asarray(transformed, dtype=np.float32).reshape(-1)
    hits = np.asarray(hit_coords, dtype=np.float64).reshape(-1, len(star))
    if len(hits) == 0:
        return StarPlacement(star, star, "transform", float("nan"), typical, float("nan"))
    distance = float(np.min(np.linalg.norm(hits - star, axis=1)))
    ratio = distance / typical if typical > 0 else (0.0 if distance == 0 else float("inf"))
    if ratio <= tolerance:
        return StarPlacement(star, star, "transform", distance, typical, ratio)
    weights = np.asarray(weights, dtype=np.float64).reshape(-1)
    mean = (weights[:, None] * hits).sum(axis=0) / weights.sum()
    return StarPlacement(mean.astype(np.float32), star, "hits", distance, typical, ratio)
