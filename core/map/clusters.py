"""Clusters of chunks and their names: HDBSCAN or k-means, labelled with c-TF-IDF words.

Clustering runs on the full-dimensional, L2-normalised vectors, not on the map's coords:
UMAP/t-SNE layouts tear and glue groups depending on neighbours, min_dist, seed and
sampling, so clusters found there would be artefacts of the drawing and would change with
the map's settings. In the full space clusters are a property of the collection, and the map
becomes a check on them. (On unit vectors Euclidean distance orders pairs like cosine.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal

import numpy as np

from core.errors import UserError
from core.text import simplified, stopwords, words
from core.vectors import normalised

ClusterMethod = Literal["hdbscan", "kmeans"]

# Above this many vectors the clusterer is fitted on a seeded sample and the rest are
# assigned (k-means: nearest centre; HDBSCAN: label of the nearest fitted point).
# HDBSCAN in 384 dims needs the full distance matrix: 5,000 points ~2 s and 200 MB.
MAX_FIT_POINTS = 5_000


def cluster(
    vectors: np.ndarray,
    method: ClusterMethod = "hdbscan",
    k: int | None = None,
    min_cluster_size: int | None = None,
    seed: int = 42,
    max_fit_points: int = MAX_FIT_POINTS,
) -> np.ndarray:
    """Cluster labels (n,) int; -1 is HDBSCAN's noise. k=None lets k-means pick k by silhouette."""
    matrix = _normalised(vectors)
    n = len(matrix)
    if n < 3:
        raise UserError(f"Clustering needs at least 3 chunks; this collection has {n}.")
    rng = np.random.default_rng(seed)
    if n > max_fit_points:
        fit_rows = np.sort(rng.choice(n, size=max_fit_points, replace=False))
    else:
        fit_rows = np.arange(n)
    sample = matrix[fit_rows]
    if method == "kmeans":
        if k is not None and not 2 <= k <= len(sample):
            raise UserError(f"k-means needs 2 to {len(sample)} clusters, not {k}.")
        model = _kmeans(sample, k if k is not None else _best_k(sample, seed), seed)
        return model.predict(matrix).astype(np.int64)
    if method != "hdbscan":
        raise UserError(f"Unknown clustering method {method!r}; use hdbscan or kmeans.")
    fit_labels = _hdbscan(sample, min_cluster_size)
    if len(fit_rows) == n:
        return fit_labels
    return _nearest_labels(matrix, sample, fit_labels)


def default_min_cluster_size(n: int) -> int:
    """About 2% of the fitted chunks, at least 10: topics, not echoes of one template."""
    return max(10, n // 50)


def _hdbscan(vectors: np.ndarray, min_cluster_size: int | None) -> np.ndarray:
    from sklearn.cluster import HDBSCAN

    size = min_cluster_size or default_min_cluster_size(len(vectors))
    size = max(2, min(size, len(vectors)))
    # Trees do not prune in 384 dims; brute force is ~10x faster at these sizes.
    model = HDBSCAN(min_cluster_size=size, algorithm="brute", copy=True)
    return model.fit_predict(vectors).astype(np.int64)


def _kmeans(vectors: np.ndarray, k: int, seed: int, n_init: int = 10):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(vectors)


def _best_k(vectors: np.ndarray, seed: int, largest: int = 12) -> int:
    from sklearn.metrics import silhouette_score

    candidates = range(2, min(largest, len(vectors) - 1) + 1)
    if not candidates:
        return 2
    # Silhouette on at most 2,000 random points: it is quadratic.
    rng = np.random.default_rng(seed)
    subset = vectors[rng.permutation(len(vectors))[:2_000]]
    scores = {}
    for k in candidates:
        labels = _kmeans(vectors, k, seed, n_init=3).predict(subset)
        if len(set(labels.tolist())) > 1:
            scores[k] = silhouette_score(subset, labels, metric="cosine")
    return max(scores, key=scores.__getitem__) if scores else 2


def _nearest_labels(vectors: np.ndarray, fitted: np.ndarray, labels: np.ndarray) -> np.ndarray:
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), 4_096):  # bounded memory: 4k x 5k similarities
        block = vectors[start : start + 4_096] @ fitted.T
        out[start : start + len(block)] = labels[np.argmax(block, axis=1)]
    return out


def _normalised(vectors: np.ndarray) -> np.ndarray:
    matrix = normalised(vectors)
    if not np.all(np.isfinite(matrix)):
        raise UserError("Some stored vectors are not numbers (NaN or infinite); re-index them.")
    return matrix


def label_terms(text: str) -> list[str]:
    """The words of text that may name a cluster: no stopwords (in either Chinese script), no
    1-letter English tokens."""
    stop = stopwords()
    return [
        word
        for word in words(text)
        if simplified(word) not in stop
        and not (len(word) < 2 and word.isascii())
        and not any(ch.isdigit() for ch in word)
    ]


def label_clusters(
    texts: Sequence[str], labels: Sequence[int] | np.ndarray, top_n: int = 4
) -> dict[int, list[str]]:
    """Top c-TF-IDF words per cluster (as in BERTopic); noise (-1) counts for idf but gets none."""
    labels = np.asarray(labels)
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    counts: dict[int, Counter[str]] = {}
    for text, label in zip(texts, labels.tolist(), strict=True):
        counts.setdefault(label, Counter()).update(label_terms(text))
    # Term frequency across classes, and the average number of words per class.
    totals: Counter[str] = Counter()
    for counter in counts.values():
        totals.update(counter)
    average_words = sum(totals.values()) / max(len(counts), 1)
    names: dict[int, list[str]] = {}
    for label, counter in sorted(counts.items()):
        if label == -1:
            continue
        size = sum(counter.values()) or 1
        scores = {
            term: (count / size) * np.log(1.0 + average_words / totals[term])
            for term, count in counter.items()
        }
        # Ties (common with few texts) break by the term itself, so names are deterministic.
        ranked = sorted(scores, key=lambda term: (-scores[term], term))
        names[label] = ranked[:top_n]
    return names


def cluster_name(label: int, terms: Sequence[str]) -> str:
    """A legend name such as '2: galaxy, telescope, orbit'."""
    if label == -1:
        return "noise"
    return f"{label}: {', '.join(terms)}" if terms else f"cluster {label}"
