"""Cosine, dot and Euclidean: exact agreement on unit vectors, a hand-made disagreement."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.classic.distances import (
    TOY_POINTS,
    compare,
    orders,
    ranking,
    scores,
    toy_table,
    unit,
)
from core.errors import UserError


def test_scores_by_hand():
    vectors = np.array([[3.0, 4.0], [1.0, 0.0]])
    query = np.array([1.0, 0.0])
    assert scores(vectors, query, "dot").tolist() == [3.0, 1.0]
    assert scores(vectors, query, "cosine").tolist() == pytest.approx([0.6, 1.0])
    assert scores(vectors, query, "euclidean").tolist() == pytest.approx([-math.sqrt(20), 0.0])
    with pytest.raises(UserError, match="Unknown metric 'manhattan'"):
        scores(vectors, query, "manhattan")


def test_the_toy_example_gives_three_different_orders():
    rows = {r.label: r for r in toy_table()}
    a, b, c = TOY_POINTS
    assert rows[a].dot == 3.0 and rows[a].cosine == pytest.approx(1 / math.sqrt(2))
    assert rows[b].euclidean == pytest.approx(math.sqrt(0.02))
    assert orders(list(rows.values())) == {
        "cosine": [c, b, a],
        "dot": [a, c, b],
        "euclidean": [b, c, a],
    }


def test_on_unit_vectors_all_three_rank_alike():
    rng = np.random.default_rng(0)
    vectors = unit(rng.normal(size=(300, 16)))
    query = unit(rng.normal(size=16))
    order = ranking(vectors, query, "cosine")
    assert np.array_equal(ranking(vectors, query, "dot"), order)
    assert np.array_equal(ranking(vectors, query, "euclidean"), order)
    # ||a - b||^2 = 2 - 2 cos(a, b) for unit a and b.
    assert np.allclose(
        scores(vectors, query, "euclidean") ** 2, 2 - 2 * scores(vectors, query, "cosine")
    )


def test_raw_vectors_of_different_lengths_disagree_until_normalised():
    rng = np.random.default_rng(1)
    vectors = unit(rng.normal(size=(200, 8))) * rng.uniform(0.1, 10, size=(200, 1))
    result = compare(vectors, rng.normal(size=8), k=10)
    assert result.normalised_agree
    assert set(result.normalised_overlap.values()) == {1.0}
    assert result.raw["cosine"] == result.normalised["cosine"]  # cosine ignores length
    assert result.raw_overlap[("cosine", "dot")] < 1.0
    assert result.raw_overlap[("dot", "euclidean")] < 1.0
    assert compare(vectors[:3], vectors[0], k=10).k == 3
