"""Near-duplicates and quantization on a collection's vectors."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import UserError
from core.records import Chunk
from core.retrieval.lessons import near_duplicates, quantization


def _chunk(doc: str, index: int) -> Chunk:
    return Chunk(doc, index, f"{doc}-{index}", f"{doc}.md", None, None, 0, 5, 3)


def test_near_duplicates_pair_chunks_of_different_documents_only():
    chunks = [_chunk("a", 0), _chunk("a", 1), _chunk("b", 0), _chunk("c", 0)]
    vectors = np.array([[1, 0, 0], [1, 0, 0], [0.96, 0.28, 0], [0, 0, 1]], dtype=np.float32)
    pairs = near_duplicates(chunks, vectors, threshold=0.95)
    assert [(p.first.text, p.second.text) for p in pairs] == [("a-0", "b-0"), ("a-1", "b-0")]
    assert pairs[0].cosine == pytest.approx(0.96)
    assert near_duplicates(chunks, vectors, threshold=0.99) == []
    with pytest.raises(UserError, match="threshold must be above 0"):
        near_duplicates(chunks, vectors, threshold=1.5)


def test_quantization_sizes_and_recall():
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((10, 64))
    vectors = np.repeat(centres, 30, axis=0) + 0.3 * rng.standard_normal((300, 64))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    results = {r.name: r for r in quantization(vectors, queries=50)}
    assert results["float32"].bytes == 300 * 64 * 4
    assert results["int8"].bytes == 300 * 64 + 64 * 4
    assert results["binary"].bytes == 300 * 64 // 8
    assert results["float32"].recall10 == 1.0
    assert 0.8 <= results["int8"].recall10 <= 1.0  # one byte per dimension loses little
    assert results["binary"].recall10 < results["int8"].recall10
    with pytest.raises(UserError, match="at least 20 chunks"):
        quantization(vectors[:10])
