"""Cosine, dot product and Euclidean distance: when they rank alike and when they do not.

On unit vectors the three agree exactly: a.b = cos(a, b) and ||a - b||^2 = 2 - 2 cos(a, b).
On raw vectors the dot product rewards length (a long vector wins by being long) and the
Euclidean distance rewards similar length; only cosine ignores length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import UserError

METRICS = ("cosine", "dot", "euclidean")


def scores(vectors: np.ndarray, query: np.ndarray, metric: str) -> np.ndarray:
    """Similarity of every row to the query; larger is closer (Euclidean is negated)."""
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    query = np.asarray(query, dtype=np.float64)
    if metric == "dot":
        return vectors @ query
    if metric == "cosine":
        norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(query)
        return (vectors @ query) / np.maximum(norms, 1e-12)
    if metric == "euclidean":
        return -np.linalg.norm(vectors - query, axis=1)
    raise UserError(f"Unknown metric {metric!r}: use cosine, dot or euclidean.")


def ranking(vectors: np.ndarray, query: np.ndarray, metric: str) -> np.ndarray:
    """Row indices best first (ties keep row order)."""
    return np.argsort(-scores(vectors, query, metric), kind="stable")


def unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class MetricComparison:
    """The top k of each metric on raw and on normalised vectors, and how much they overlap."""

    k: int
    raw: dict[str, tuple[int, ...]]  # metric -> top-k rows
    normalised: dict[str, tuple[int, ...]]
    raw_overlap: dict[tuple[str, str], float]  # share of top k in common, per metric pair
    normalised_overlap: dict[tuple[str, str], float]

    @property
    def normalised_agree(self) -> bool:
        return len(set(self.normalised.values())) == 1


def compare(vectors: np.ndarray, query: np.ndarray, k: int = 10) -> MetricComparison:
    """Rank the rows for the query by each metric, raw and after scaling to unit length."""
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    if len(vectors) == 0:
        raise UserError("No vectors to rank.")
    k = max(1, min(k, len(vectors)))
    raw = {m: tuple(int(i) for i in ranking(vectors, query, m)[:k]) for m in METRICS}
    normalised = {
        m: tuple(int(i) for i in ranking(unit(vectors), unit(query), m)[:k]) for m in METRICS
    }
    return MetricComparison(k, raw, normalised, _overlaps(raw, k), _overlaps(normalised, k))


def _overlaps(tops: dict[str, tuple[int, ...]], k: int) -> dict[tuple[str, str], float]:
    pairs = [("cosine", "dot"), ("cosine", "euclidean"), ("dot", "euclidean")]
    return {(a, b): len(set(tops[a]) & set(tops[b])) / k for a, b in pairs}


# A two-dimensional example where the three metrics give three different orders.
TOY_QUERY = np.array([1.0, 0.0])
TOY_POINTS = {
    "A (long, 45°)": np.array([3.0, 3.0]),
    "B (short, close)": np.array([0.9, 0.1]),
    "C (longer, almost aligned)": np.array([2.0, 0.1]),
}


@dataclass(frozen=True)
class ToyRow:
    label: str
    vector: tuple[float, float]
    length: float
    cosine: float
    dot: float
    euclidean: float  # the distance itself, smaller is closer


def toy_table(points: dict[str, np.ndarray] | None = None, query=TOY_QUERY) -> list[ToyRow]:
    """Each point's length, cosine, dot product and Euclidean distance to the query."""
    points = points or TOY_POINTS
    rows = []
    for label, vector in points.items():
        v = np.asarray(vector, dtype=np.float64)
        rows.append(
            ToyRow(
                label=label,
                vector=(float(v[0]), float(v[1])),
                length=float(np.linalg.norm(v)),
                cosine=float(scores(v, query, "cosine")[0]),
                dot=float(v @ query),
                euclidean=float(np.linalg.norm(v - query)),
            )
        )
    return rows


def orders(rows: list[ToyRow]) -> dict[str, list[str]]:
    """Labels best first under each metric."""
    return {
        "cosine": [r.label for r in sorted(rows, key=lambda r: -r.cosine)],
        "dot": [r.label for r in sorted(rows, key=lambda r: -r.dot)],
        "euclidean": [r.label for r in sorted(rows, key=lambda r: r.euclidean)],
    }
