"""Vector indexes with faiss: recall against exact search, on synthetic and real vectors."""

from __future__ import annotations

import numpy as np
import pytest

from core.classic.indexes import (
    IndexSpec,
    default_nlist,
    default_specs,
    measure,
    recall_at_k,
    split_queries,
    synthetic,
)
from core.errors import UserError


def test_recall_by_hand():
    exact = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    found = np.array([[4, 3, 9, -1], [5, 6, 7, 8]])
    assert recall_at_k(found, exact) == (2 / 4 + 4 / 4) / 2


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return split_queries(synthetic(3000, 32, seed=1), 100)


def test_synthetic_vectors_are_unit_and_reproducible():
    vectors = synthetic(500, 16, seed=2)
    assert vectors.shape == (500, 16) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors, synthetic(500, 16, seed=2))
    with pytest.raises(UserError, match="Pick between 1 and 200,000"):
        synthetic(0, 16)


def test_exact_and_exhaustive_ivf_find_exactly_the_exact_top_k(data):
    base, queries = data
    assert base.shape == (2900, 32) and queries.shape == (100, 32)
    nlist = default_nlist(len(base))
    results = measure(
        base, queries, [IndexSpec("exact"), IndexSpec("ivf-flat", nlist=nlist, nprobe=nlist)]
    )
    assert [r.recall for r in results] == [1.0, 1.0]
    # A flat index stores the vectors themselves: n x d float32, plus a small header.
    assert 2900 * 32 * 4 <= results[0].size_bytes < 2900 * 32 * 4 + 1024


def test_hnsw_recall_grows_with_ef_and_pq_is_smaller_than_flat(data):
    base, queries = data
    results = measure(
        base,
        queries,
        [
            IndexSpec("exact"),
            IndexSpec("hnsw", m=8, ef_search=4),
            IndexSpec("hnsw", m=8, ef_search=128),
            IndexSpec("ivf-pq", nlist=32, nprobe=1),
            IndexSpec("ivf-pq", nlist=32, nprobe=32),
        ],
    )
    exact, low, high, pq_one, pq_all = results
    assert low.recall < high.recall and high.recall >= 0.95
    assert pq_one.recall < pq_all.recall < 1.0  # the codes lose detail even visiting every list
    assert pq_all.size_bytes < exact.size_bytes / 3
    assert high.size_bytes > exact.size_bytes  # the graph's links cost memory on top
    assert all(r.build_seconds >= 0 and r.query_ms > 0 for r in results)
    # Another ef or nprobe is a search setting: the index built once is searched again.
    assert (low.build_seconds, low.size_bytes) == (high.build_seconds, high.size_bytes)
    assert (pq_one.build_seconds, pq_one.size_bytes) == (pq_all.build_seconds, pq_all.size_bytes)


def test_a_small_collection_gets_a_workable_pq_and_a_note():
    base, queries = split_queries(synthetic(60, 384, seed=3), 10)
    (result,) = measure(base, queries, [IndexSpec("ivf-pq", nprobe=50)], k=10)
    assert result.spec.pq_bits < 8 and result.spec.pq_m == 64  # 384 / 4 = 96, at most 64
    assert "PQ adjusted" in result.note
    assert 0 < result.recall <= 1


def test_default_grid_and_its_labels():
    labels = [spec.label for spec in default_specs(10_000)]
    assert labels[0] == "Exact (flat)"
    assert "HNSW M=32 ef=128" in labels
    assert "IVF-PQ nlist=100 nprobe=12" in labels
    assert IndexSpec("ivf-pq", nlist=4, nprobe=2, pq_m=16).label == (
        "IVF-PQ nlist=4 nprobe=2 16×8-bit codes"
    )


def test_queries_are_held_out():
    vectors = synthetic(50, 8)
    base, queries = split_queries(vectors, 5)
    assert len(base) == 45 and len(queries) == 5
    rows = {tuple(v) for v in base.tolist()}
    assert not any(tuple(q) in rows for q in queries.tolist())
    with pytest.raises(UserError, match="At least 3 vectors"):
        split_queries(vectors[:2], 1)
