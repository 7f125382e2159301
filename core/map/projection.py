"""2-D/3-D maps of embedding vectors (UMAP, PCA, t-SNE), query placement, and a disk cache.

Vectors are L2-normalised before anything else (the encoders' already are), so cosine and
Euclidean distance order neighbours the same way; that is what lets large inputs go through
PCA (a Euclidean method) before UMAP without changing what "near" means.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from core.errors import UserError
from core.vectors import normalised

log = logging.getLogger(__name__)

Method = Literal["umap", "pca", "tsne"]
_METHODS = ("umap", "pca", "tsne")
_METRICS = ("cosine", "euclidean")
_CACHE_VERSION = 1  # bump when Projection or the fitting changes, so old files are not reused
# Placement takes milliseconds; serialising it keeps Streamlit's session threads out of
# umap/pynndescent's search state and first-call numba compilation at the same time.
_PLACE_LOCK = threading.Lock()


@dataclass(frozen=True)
class ProjectionConfig:
    """How to draw the map; every field is part of the cache key."""

    method: Method = "umap"
    dimensions: int = 2
    n_neighbors: int = 15  # UMAP only
    min_dist: float = 0.1  # UMAP only
    metric: str = "cosine"
    seed: int = 42
    # UMAP fits at most this many points (a seeded sample); the rest go through transform.
    max_fit_points: int = 20_000
    # UMAP fitting more than pca_above points first reduces to pca_dims with PCA: neighbour
    # search in 384 dims is most of the cost (20k points on 2 cores: ~40 s direct, ~16 s
    # via PCA). 0 turns it off.
    pca_dims: int = 50
    pca_above: int = 5_000
    perplexity: float = 30.0  # t-SNE only
    # t-SNE has no transform, so it cannot sample-fit: above this it refuses.
    max_tsne_points: int = 5_000

    def __post_init__(self) -> None:
        if self.method not in _METHODS:
            raise UserError(
                f"Unknown map method {self.method!r}; use one of {', '.join(_METHODS)}."
            )
        if self.dimensions not in (2, 3):
            raise UserError(f"The map can have 2 or 3 dimensions, not {self.dimensions}.")
        if self.metric not in _METRICS:
            raise UserError(f"Unknown metric {self.metric!r}; use one of {', '.join(_METRICS)}.")
        if self.n_neighbors < 2:
            raise UserError("UMAP needs at least 2 neighbours.")
        if not 0.0 <= self.min_dist <= 1.0:
            raise UserError("UMAP's minimum distance must be between 0 and 1.")
        if self.max_fit_points < self.n_neighbors + 2:
            raise UserError("The largest fit sample must be bigger than the number of neighbours.")
        if self.perplexity <= 0:
            raise UserError("t-SNE's perplexity must be positive.")


@dataclass(frozen=True, eq=False)
class Projection:
    """A fitted map: coords of every input row, and the reducer that places new vectors."""

    coords: np.ndarray  # (n, dimensions) float32, row i is vector i
    reducer: Any  # anything with .transform(vectors) -> coords; see place()
    config: ProjectionConfig
    strategy_note: str  # one human sentence for the UI
    input_dimension: int
    from_cache: bool = False


class NeighbourPlacer:
    """t-SNE's stand-in for transform: weighted mean of the map spots of the k nearest chunks."""

    def __init__(self, vectors: np.ndarray, coords: np.ndarray, k: int = 10) -> None:
        self.vectors = normalised(vectors)
        self.coords = np.asarray(coords, dtype=np.float32)
        self.k = max(1, min(k, len(self.vectors)))

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        similarities = normalised(vectors) @ self.vectors.T
        nearest = np.argsort(-similarities, axis=1, kind="stable")[:, : self.k]
        distances = 1.0 - np.take_along_axis(similarities, nearest, axis=1)
        # Inverse cosine distance: a query equal to a chunk lands on that chunk.
        weights = 1.0 / (np.maximum(distances, 0.0) + 1e-6)
        weights /= weights.sum(axis=1, keepdims=True)
        return np.einsum("qk,qkd->qd", weights, self.coords[nearest]).astype(np.float32)


def minimum_points(config: ProjectionConfig) -> int:
    """The fewest vectors the method can map with this config."""
    if config.method == "umap":
        return config.n_neighbors + 2
    if config.method == "tsne":
        # sklearn's t-SNE looks at 3 x perplexity neighbours per point.
        return int(3 * config.perplexity) + 1
    return max(3, config.dimensions + 1)


def fit_projection(vectors: np.ndarray, config: ProjectionConfig) -> Projection:
    """Fit a map of the vectors; raises UserError when there are too few or too many."""
    vectors = _checked(vectors)
    _check_size(len(vectors), config)
    if config.method == "pca":
        return _fit_pca(vectors, config)
    if config.method == "tsne":
        return _fit_tsne(vectors, config)
    return _fit_umap(vectors, config)


def place(projection: Projection, vectors: np.ndarray) -> np.ndarray:
    """Map coords of new vectors (a query) with the fitted reducer; never refits."""
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    if matrix.shape[1] != projection.input_dimension:
        raise UserError(
            f"This vector has {matrix.shape[1]} dimensions but the map was made from "
            f"{projection.input_dimension}-dimensional vectors; use the collection's model."
        )
    if not np.all(np.isfinite(matrix)):
        raise UserError("The query vector contains values that are not numbers.")
    with _PLACE_LOCK:
        coords = projection.reducer.transform(normalised(matrix))
    return np.asarray(coords, dtype=np.float32)


def warm_up() -> None:
    """Compile UMAP's numba code (fit and transform) on a tiny set; ~20 s once per process.

    Meant for a background thread at app start, so the first real map and the first query
    placement after a restart do not pay it.
    """
    rng = np.random.default_rng(0)
    sample = rng.normal(size=(64, 8)).astype(np.float32)
    place(fit_projection(sample, ProjectionConfig(method="umap", n_neighbors=5)), sample[:1])


def _fit_pca(vectors: np.ndarray, config: ProjectionConfig) -> Projection:
    from sklearn.decomposition import PCA

    reducer = PCA(n_components=config.dimensions, random_state=config.seed).fit(vectors)
    kept = float(reducer.explained_variance_ratio_.sum())
    note = (
        f"PCA of all {len(vectors):,} chunks; the {config.dimensions} axes keep "
        f"{kept:.0%} of the variance."
    )
    return _result(reducer.transform(vectors), reducer, config, note, vectors)


def _fit_tsne(vectors: np.ndarray, config: ProjectionConfig) -> Projection:
    from sklearn.manifold import TSNE

    tsne = TSNE(
        n_components=config.dimensions,
        perplexity=config.perplexity,
        metric=config.metric,
        init="pca",
        random_state=config.seed,
    )
    coords = tsne.fit_transform(vectors)
    placer = NeighbourPlacer(vectors, coords)
    note = (
        f"t-SNE (perplexity {config.perplexity:g}) of all {len(vectors):,} chunks; t-SNE cannot "
        f"place new points, so a query is put at the weighted mean of the map positions of "
        f"its {placer.k} nearest chunks."
    )
    return _result(coords, placer, config, note, vectors)


def _fit_umap(vectors: np.ndarray, config: ProjectionConfig) -> Projection:
    import umap
    from sklearn.decomposition import PCA
    from sklearn.pipeline import Pipeline

    n = len(vectors)
    sampled = n > config.max_fit_points
    if sampled:
        rng = np.random.default_rng(config.seed)
        fit_rows = np.sort(rng.choice(n, size=config.max_fit_points, replace=False))
    else:
        fit_rows = np.arange(n)
    fit_vectors = vectors[fit_rows]
    use_pca = len(fit_rows) > config.pca_above and 0 < config.pca_dims < vectors.shape[1]
    model = umap.UMAP(
        n_components=config.dimensions,
        n_neighbors=config.n_neighbors,
        min_dist=config.min_dist,
        # After PCA the vectors are no longer unit length; Euclidean distance between the
        # projections approximates the original Euclidean (= cosine-ordered) distance.
        metric="euclidean" if use_pca else config.metric,
        random_state=config.seed,
        n_jobs=1,  # random_state forces one thread anyway; saying so silences umap's warning
    )
    reducer: Any = model
    if use_pca:
        pca = PCA(n_components=config.pca_dims, random_state=config.seed)
        reducer = Pipeline([("pca", pca), ("umap", model)])
    reducer.fit(fit_vectors)
    coords = np.empty((n, config.dimensions), dtype=np.float32)
    coords[fit_rows] = model.embedding_
    if sampled:
        rest = np.setdiff1d(np.arange(n), fit_rows, assume_unique=True)
        coords[rest] = reducer.transform(vectors[rest])
    note = f"UMAP ({config.n_neighbors} neighbours, {config.metric})"
    if sampled:
        note += (
            f" fitted on a random sample of {len(fit_rows):,} of {n:,} chunks"
            f"{_pca_words(use_pca, config)}; the other {n - len(fit_rows):,} were placed with "
            f"the fitted model's transform."
        )
    else:
        note += f" fitted on all {n:,} chunks{_pca_words(use_pca, config)}."
    return _result(coords, reducer, config, note, vectors)


def _pca_words(use_pca: bool, config: ProjectionConfig) -> str:
    return f" after PCA to {config.pca_dims} dimensions" if use_pca else ""


def _result(
    coords: np.ndarray, reducer: Any, config: ProjectionConfig, note: str, vectors: np.ndarray
) -> Projection:
    return Projection(
        coords=np.ascontiguousarray(coords, dtype=np.float32),
        reducer=reducer,
        config=config,
        strategy_note=note,
        input_dimension=vectors.shape[1],
    )


def _check_size(n: int, config: ProjectionConfig) -> None:
    needed = minimum_points(config)
    if n < needed:
        if config.method == "umap":
            how = f"UMAP with {config.n_neighbors} neighbours"
            fix = "Add documents, lower the neighbours, or use PCA."
        elif config.method == "tsne":
            how = f"t-SNE with perplexity {config.perplexity:g}"
            fix = "Add documents, lower the perplexity, or use PCA."
        else:
            how, fix = "PCA", "Add documents."
        raise UserError(
            f"The map needs at least {needed} chunks for {how}; this collection has {n}. {fix}"
        )
    if config.method == "tsne" and n > config.max_tsne_points:
        raise UserError(
            f"t-SNE can map at most {config.max_tsne_points:,} chunks (it cannot fit a sample and "
            f"place the rest); this collection has {n:,}. Use UMAP or PCA."
        )


def _checked(vectors: np.ndarray) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError(f"expected a (n, dim) matrix, got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)):
        raise UserError("Some stored vectors are not numbers (NaN or infinite); re-index them.")
    return normalised(matrix)


class ProjectionCache:
    """Fitted maps on disk, keyed by collection state + vectors + config, so a restart reuses them.

    Files are pickles (joblib): only point this at a directory the app alone writes to.
    """

    def __init__(self, directory: str | Path, max_entries: int = 16) -> None:
        self.directory = Path(directory)
        self.max_entries = max_entries
        self.fits = 0  # how many get_or_fit calls had to fit (tests and the bench read these)
        self.hits = 0
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def key(self, key_parts: Sequence[str], vectors: np.ndarray, config: ProjectionConfig) -> str:
        """Hash of the key parts (in order), the vectors' bytes and the config."""
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        digest = hashlib.blake2b(digest_size=20)
        header = {"v": _CACHE_VERSION, "parts": list(key_parts), "config": asdict(config)}
        digest.update(json.dumps(header, sort_keys=True, ensure_ascii=False).encode())
        digest.update(repr(matrix.shape).encode())
        # The vectors too (~0.1 s per 100k x 384): ids that survive a re-chunking with other
        # settings must not bring back a map of the old chunks.
        digest.update(memoryview(matrix).cast("B"))
        return digest.hexdigest()

    def path_for(self, key: str) -> Path:
        return self.directory / f"{key}.joblib"

    def get_or_fit(
        self, key_parts: Sequence[str], vectors: np.ndarray, config: ProjectionConfig
    ) -> Projection:
        """The cached map for this state, or a new fit (then stored)."""
        key = self.key(key_parts, vectors, config)
        with self._lock_for(key):
            cached = self._load(key, len(vectors), config)
            if cached is not None:
                self.hits += 1
                return cached
            projection = fit_projection(vectors, config)
            self.fits += 1
            self._store(key, projection)
            return projection

    def _lock_for(self, key: str) -> threading.Lock:
        # Two sessions asking for the same map wait for one fit instead of both fitting.
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    def _load(self, key: str, n: int, config: ProjectionConfig) -> Projection | None:
        import joblib

        path = self.path_for(key)
        if not path.exists():
            return None
        try:
            projection = joblib.load(path)
        except Exception as error:  # truncated, corrupt or from an incompatible version
            log.warning("Ignoring unreadable map cache %s: %s", path.name, error)
            return None
        if (
            not isinstance(projection, Projection)
            or projection.config != config
            or projection.coords.shape != (n, config.dimensions)
        ):
            log.warning("Ignoring map cache %s: it does not match this collection", path.name)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used files survive pruning
        return replace(projection, from_cache=True)

    def _store(self, key: str, projection: Projection) -> None:
        import joblib

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Temp file in the same directory, then an atomic rename: a crash never leaves
            # a half-written file under the real name.
            handle, temp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    joblib.dump(projection, file)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temp, self.path_for(key))
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as error:  # a read-only or full disk costs a refit later, nothing more
            log.warning("Could not store the map cache: %s", error)
            return
        self._prune()

    def _prune(self) -> None:
        try:
            files = sorted(
                self.directory.glob("*.joblib"), key=lambda p: p.stat().st_mtime, reverse=True
            )
        except OSError:  # another process pruned a file between glob and stat
            return
        for old in files[self.max_entries :]:
            with contextlib.suppress(OSError):
                old.unlink(missing_ok=True)
