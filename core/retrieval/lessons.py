"""Two lessons on a user's own collection: near-duplicate chunks, and quantized vectors."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.errors import UserError
from core.records import Chunk

BLOCK = 1024  # rows per block of the similarity matrix: bounded memory for large collections


@dataclass(frozen=True)
class Pair:
    first: Chunk
    second: Chunk
    cosine: float


def near_duplicates(
    chunks: Sequence[Chunk], vectors: np.ndarray, threshold: float = 0.95, limit: int = 1000
) -> list[Pair]:
    """Pairs of chunks from different documents with cosine >= threshold, most similar first."""
    if not 0.0 < threshold <= 1.0:
        raise UserError(f"The threshold must be above 0 and at most 1 (got {threshold}).")
    vectors = np.asarray(vectors, dtype=np.float32)
    docs = np.array([chunk.doc_sha for chunk in chunks])
    found: list[tuple[float, int, int]] = []
    for start in range(0, len(chunks), BLOCK):
        block = vectors[start : start + BLOCK] @ vectors.T
        rows, cols = np.nonzero(block >= threshold)
        rows += start
        keep = (cols > rows) & (docs[rows] != docs[cols])  # each pair once, across documents
        found.extend(
            (float(block[r - start, c]), int(r), int(c))
            for r, c in zip(rows[keep], cols[keep], strict=True)
        )
    found.sort(key=lambda item: (-item[0], item[1], item[2]))
    return [Pair(chunks[r], chunks[c], score) for score, r, c in found[:limit]]


def pair_rows(pairs: Sequence[Pair]) -> list[dict]:
    """Pairs as table rows (and CSV)."""
    return [
        {
            "cosine": round(pair.cosine, 4),
            "first": pair.first.where,
            "second": pair.second.where,
            "first_text": pair.first.text,
            "second_text": pair.second.text,
        }
        for pair in pairs
    ]


@dataclass(frozen=True)
class Quantized:
    name: str  # float32, int8, binary
    bytes: int
    recall10: float  # share of the exact float32 top 10 found in this variant's top 10
    query_ms: float  # mean time to score every vector and take the top 10, per query


def quantization(vectors: np.ndarray, queries: int = 100, seed: int = 0) -> list[Quantized]:
    """float32 against int8 (per-dimension scale) and binary (sign bits, Hamming distance).

    The queries are chunk vectors of the collection itself (each query's own row excluded),
    so the test needs nothing but the collection.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    if n < 20:
        raise UserError("The quantization panel needs a collection of at least 20 chunks.")
    rng = np.random.default_rng(seed)
    picks = rng.choice(n, size=min(queries, n), replace=False)
    k = 10

    def top(scores: np.ndarray, own: int) -> np.ndarray:
        scores = scores.astype(np.float32, copy=True)
        scores[own] = -np.inf
        return np.argpartition(-scores, k)[:k]

    scale = np.abs(vectors).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    codes = np.round(vectors / scale).astype(np.int8)
    bits = np.packbits(vectors > 0, axis=1)
    popcount = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).sum(axis=1)

    def float_scores(q: int) -> np.ndarray:
        return vectors @ vectors[q]

    def int8_scores(q: int) -> np.ndarray:
        query = (vectors[q] * scale).astype(np.float32)  # asymmetric: float query, int8 store
        return codes.astype(np.float32) @ query

    def binary_scores(q: int) -> np.ndarray:
        return -popcount[np.bitwise_xor(bits, bits[q])].sum(axis=1)

    variants = [
        ("float32", vectors.nbytes, float_scores),
        ("int8", codes.nbytes + scale.astype(np.float32).nbytes, int8_scores),
        ("binary", bits.nbytes, binary_scores),
    ]
    exact = {int(q): set(top(float_scores(int(q)), int(q)).tolist()) for q in picks}
    results = []
    for name, size, scorer in variants:
        found = 0
        start = time.perf_counter()
        for q in picks:
            found += len(exact[int(q)] & set(top(scorer(int(q)), int(q)).tolist()))
        elapsed = time.perf_counter() - start
        results.append(
            Quantized(name, int(size), found / (k * len(picks)), 1000 * elapsed / len(picks))
        )
    return results
