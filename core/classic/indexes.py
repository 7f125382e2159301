"""Vector indexes, measured: exact search against HNSW and IVF (flat and product-quantised).

All indexes use the inner product on unit vectors, i.e. cosine similarity. Recall@k is the
share of the exact top k that an index returns; build time, size (the serialised index) and
query time are measured on this machine, one thread, so the figures compare fairly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter

import faiss
import numpy as np

from core.errors import UserError
from core.vectors import normalised

MAX_SYNTHETIC = 200_000


@dataclass(frozen=True)
class IndexSpec:
    """One index to measure. kind: exact, hnsw, ivf-flat or ivf-pq."""

    kind: str
    m: int = 16  # HNSW: links per node
    ef_construction: int = 40
    ef_search: int = 16
    nlist: int = 0  # IVF: number of lists; 0 chooses about sqrt(n)
    nprobe: int = 1  # IVF: lists visited per query
    pq_m: int = 0  # IVF-PQ: sub-vectors per vector (bytes per code); 0: about d / 4, max 64
    pq_bits: int = 8  # IVF-PQ: bits per sub-vector code

    @property
    def label(self) -> str:
        if self.kind == "hnsw":
            return f"HNSW M={self.m} ef={self.ef_search}"
        if self.kind == "ivf-flat":
            return f"IVF-Flat nlist={self.nlist} nprobe={self.nprobe}"
        if self.kind == "ivf-pq":
            codes = f" {self.pq_m}×{self.pq_bits}-bit codes" if self.pq_m else ""
            return f"IVF-PQ nlist={self.nlist} nprobe={self.nprobe}{codes}"
        return "Exact (flat)"


@dataclass(frozen=True)
class IndexResult:
    spec: IndexSpec
    build_seconds: float
    size_bytes: int
    recall: float  # Recall@k against exact search, mean over the queries
    query_ms: float  # per query, batch of all queries / their number
    note: str = ""


def recall_at_k(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean over queries of |found ∩ exact| / k (rows are queries; -1 marks no result)."""
    k = exact.shape[1]
    hits = [len(set(f[f >= 0].tolist()) & set(e.tolist())) for f, e in zip(found, exact)]
    return float(np.mean(hits) / k)


def synthetic(n: int, dimension: int, clusters: int = 20, seed: int = 0) -> np.ndarray:
    """n unit vectors drawn around random cluster centres (real embeddings are clustered too)."""
    if not 1 <= n <= MAX_SYNTHETIC or dimension < 2:
        raise UserError(f"Pick between 1 and {MAX_SYNTHETIC:,} vectors of at least 2 dimensions.")
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dimension))
    labels = rng.integers(0, clusters, n)
    return normalised(centres[labels] + 0.6 * rng.normal(size=(n, dimension)))


def default_nlist(n: int) -> int:
    return max(1, min(int(round(math.sqrt(n))), n // 39 or 1))


def _pq_m(dimension: int, wanted: int) -> int:
    """The largest sub-vector count <= wanted that divides the dimension."""
    return max(d for d in range(1, min(wanted, dimension) + 1) if dimension % d == 0)


def _build(spec: IndexSpec, data: np.ndarray) -> tuple[faiss.Index, IndexSpec, str]:
    n, dimension = data.shape
    note = ""
    if spec.kind == "exact":
        index = faiss.IndexFlatIP(dimension)
    elif spec.kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, spec.m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = spec.ef_construction
    elif spec.kind in ("ivf-flat", "ivf-pq"):
        nlist = min(spec.nlist or default_nlist(n), n)
        quantizer = faiss.IndexFlatIP(dimension)
        if spec.kind == "ivf-flat":
            index = faiss.IndexIVFFlat(quantizer, dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        else:
            pq_m = _pq_m(dimension, spec.pq_m or min(64, max(1, dimension // 4)))
            # k-means on the codebook needs points: 2^bits centroids per sub-space.
            bits = min(spec.pq_bits, max(1, int(math.log2(max(n, 2))) - 2))
            if (pq_m, bits) != (spec.pq_m or pq_m, spec.pq_bits):
                note = f"PQ adjusted to m={pq_m}, {bits} bits for {n} vectors of {dimension}-d."
            index = faiss.IndexIVFPQ(
                quantizer, dimension, nlist, pq_m, bits, faiss.METRIC_INNER_PRODUCT
            )
            spec = IndexSpec(**{**spec.__dict__, "pq_m": pq_m, "pq_bits": bits})
        spec = IndexSpec(**{**spec.__dict__, "nlist": nlist})
        index.cp.min_points_per_centroid = 1  # small collections: no warning spam, still works
        index.train(data)
    else:
        raise UserError(f"Unknown index {spec.kind!r}: use exact, hnsw, ivf-flat or ivf-pq.")
    index.add(data)
    return index, spec, note


def _search_settings(index: faiss.Index, spec: IndexSpec) -> None:
    if spec.kind == "hnsw":
        index.hnsw.efSearch = spec.ef_search
    elif spec.kind in ("ivf-flat", "ivf-pq"):
        index.nprobe = min(spec.nprobe, spec.nlist)


def measure(
    data: np.ndarray,
    queries: np.ndarray,
    specs: Sequence[IndexSpec],
    k: int = 10,
    on_result: Callable[[IndexResult], None] | None = None,
) -> list[IndexResult]:
    """Build every index on data, search the queries, compare with exact search."""
    data, queries = normalised(data), normalised(queries)
    if len(data) < 2 or len(queries) < 1:
        raise UserError("Measuring an index needs at least 2 vectors and 1 query.")
    k = min(k, len(data))
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        exact_index = faiss.IndexFlatIP(data.shape[1])
        exact_index.add(data)
        _, exact = exact_index.search(queries, k)
        results = []
        built: dict[tuple, tuple[faiss.Index, IndexSpec, str, float, int]] = {}
        for spec in specs:
            # Search-time settings (ef, nprobe) reuse the index built with the same structure.
            structure = (
                spec.kind,
                spec.m,
                spec.ef_construction,
                spec.nlist,
                spec.pq_m,
                spec.pq_bits,
            )
            if structure not in built:
                start = perf_counter()
                index, used, note = _build(spec, data)
                seconds = perf_counter() - start
                built[structure] = (index, used, note, seconds, faiss.serialize_index(index).nbytes)
            index, used, note, seconds, size = built[structure]
            spec = IndexSpec(
                **{**used.__dict__, "ef_search": spec.ef_search, "nprobe": spec.nprobe}
            )
            _search_settings(index, spec)
            start = perf_counter()
            _, found = index.search(queries, k)
            query_ms = (perf_counter() - start) * 1000 / len(queries)
            result = IndexResult(
                spec=spec,
                build_seconds=seconds,
                size_bytes=int(size),
                recall=recall_at_k(found, exact),
                query_ms=query_ms,
                note=note,
            )
            results.append(result)
            if on_result is not None:
                on_result(result)
        return results
    finally:
        faiss.omp_set_num_threads(threads)


def default_specs(n: int) -> list[IndexSpec]:
    """The lesson's grid: exact, HNSW at two M and three ef, IVF-PQ at three nprobe."""
    nlist = default_nlist(n)
    specs = [IndexSpec("exact")]
    specs += [IndexSpec("hnsw", m=m, ef_search=ef) for m in (8, 32) for ef in (8, 32, 128)]
    probes = sorted({1, max(1, nlist // 8), max(1, nlist // 2)})
    specs += [IndexSpec("ivf-pq", nlist=nlist, nprobe=p) for p in probes]
    return specs


def split_queries(vectors: np.ndarray, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(data, queries): count rows held out as queries, so no query finds itself."""
    if len(vectors) < 3:
        raise UserError("At least 3 vectors are needed to hold some out as queries.")
    count = max(1, min(count, len(vectors) // 5 or 1))
    order = np.random.default_rng(seed).permutation(len(vectors))
    return vectors[order[count:]], vectors[order[:count]]
