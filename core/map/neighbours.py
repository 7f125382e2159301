"""The honest view: how far the map's neighbourhoods match the full space's."""

from __future__ import annotations

import numpy as np

from core.vectors import normalised


def true_vs_map_neighbours(
    vectors: np.ndarray, coords: np.ndarray, index: int, k: int = 10
) -> tuple[np.ndarray, np.ndarray, float]:
    """Row ids of a point's k nearest by cosine (full space) and on the map, and their overlap."""
    matrix = normalised(vectors)
    coords = np.asarray(coords, dtype=np.float32)
    n = len(matrix)
    if len(coords) != n:
        raise ValueError(f"{n} vectors but {len(coords)} map points")
    if not 0 <= index < n:
        raise IndexError(f"row {index} is not in a map of {n} points")
    k = max(0, min(k, n - 1))
    similarity = matrix @ matrix[index]
    similarity[index] = -np.inf  # a point is not its own neighbour
    full_ids = np.argsort(-similarity, kind="stable")[:k]
    distance = np.linalg.norm(coords - coords[index], axis=1)
    distance[index] = np.inf
    map_ids = np.argsort(distance, kind="stable")[:k]
    overlap = len(set(full_ids.tolist()) & set(map_ids.tolist())) / k if k else 0.0
    return full_ids, map_ids, overlap


def map_trustworthiness(
    vectors: np.ndarray, coords: np.ndarray, k: int = 10, max_points: int = 2_000, seed: int = 42
) -> float:
    """sklearn's trustworthiness (1 = no false neighbours on the map), on a seeded sample.

    It needs all pairwise distances, so above max_points it is measured among a random
    sample of rows: neighbours are then those within the sample, in both spaces alike.
    """
    from sklearn.manifold import trustworthiness

    matrix = normalised(vectors)
    coords = np.asarray(coords, dtype=np.float32)
    if len(matrix) > max_points:
        rows = np.random.default_rng(seed).choice(len(matrix), size=max_points, replace=False)
        matrix, coords = matrix[rows], coords[rows]
    # sklearn requires k < n / 2.
    k = min(k, (len(matrix) - 1) // 2)
    if k < 1:
        return float("nan")
    return float(trustworthiness(matrix, coords, n_neighbors=k, metric="cosine"))
