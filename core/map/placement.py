"""Where the question's star goes on the map, and whether it sits among its own hits.

A reducer's transform (UMAP's especially, on small collections) can put a query far from the
chunks the search ranked first: five hits on one side, the star on the other. That tells the
wrong story, so the distance is measured against the map's own neighbour spacing, and a star
that lands too far is drawn at the similarity-weighted mean of its hits instead; of the heaviest
group of them when the hits themselves lie in separate places (the mean of two distant groups
would fall between them, near none).
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
    hits: int = 0  # how many hits were measured
    group: int = 0  # how many of them the moved star is the mean of (0: not moved)

    @property
    def note(self) -> str:
        """One sentence for the map saying which placement was used and why."""
        if self.method == "hits":
            which = "its hits"
            if self.group < self.hits:
                rest = self.hits - self.group
                which = (
                    f"{self.group} of its {self.hits} hits (the other {rest} lie elsewhere on "
                    "the map)"
                )
            return (
                f"★ drawn at the similarity-weighted mean of {which}: the map's transform put it "
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

    The moved star is the weighted mean of the map coordinates of the heaviest hit group (see
    hit_groups, linked at tolerance x typical); a tie goes to the group of the heaviest hit.
    """
    star = np.asarray(transformed, dtype=np.float32).reshape(-1)
    hits = np.asarray(hit_coords, dtype=np.float64).reshape(-1, len(star))
    n = len(hits)
    if n == 0:
        return StarPlacement(star, star, "transform", float("nan"), typical, float("nan"))
    distance = float(np.min(np.linalg.norm(hits - star, axis=1)))
    ratio = distance / typical if typical > 0 else (0.0 if distance == 0 else float("inf"))
    if ratio <= tolerance:
        return StarPlacement(star, star, "transform", distance, typical, ratio, n)
    weights = np.asarray(weights, dtype=np.float64).reshape(-1)
    groups = hit_groups(hits, tolerance * typical if typical > 0 else 0.0)
    heaviest = int(np.argmax(weights))
    best = max(
        set(groups.tolist()), key=lambda g: (weights[groups == g].sum(), g == groups[heaviest])
    )
    members = groups == best
    mean = (weights[members, None] * hits[members]).sum(axis=0) / weights[members].sum()
    point = mean.astype(np.float32)
    return StarPlacement(point, star, "hits", distance, typical, ratio, n, int(members.sum()))


def hit_groups(hit_coords: np.ndarray, link: float) -> np.ndarray:
    """Group number per hit: hits within link of each other, directly or in a chain, share one.

    Numbered by first member, so the group of hit 0 is 0.
    """
    points = np.asarray(hit_coords, dtype=np.float64)
    n = len(points)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    near = np.linalg.norm(points[:, None] - points[None], axis=2) <= link
    for i, j in zip(*np.nonzero(np.triu(near, k=1)), strict=True):
        parent[max(root(i), root(j))] = min(root(i), root(j))
    roots = [root(i) for i in range(n)]
    numbers = {r: number for number, r in enumerate(dict.fromkeys(roots))}
    return np.array([numbers[r] for r in roots], dtype=np.int64)
