"""Map benchmark: projection time cold (fit) and cached (disk), query placement, figure size.

Run from the repository root:  python -m bench.map --sizes 1000,10000,100000

Vectors are synthetic, 384-dim unit vectors: by default clustered (60 random topic centres
plus noise, closer to real embeddings than uniform noise, which is the worst case for UMAP's
neighbour search); --data random gives uniform random directions. Timings are wall-clock on
whatever else the machine is doing; the first UMAP call's numba compilation is paid in a
warm-up and reported on its own. "restart" runs a fresh Python process that loads the cached
map and places one query: what the first search after an app restart costs. "fig MB" is the
figure JSON with a query and 10 hits (hover snippets of "hover" characters: the default for
that size), "fig s" the time to build it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from core.map.figures import default_hover_chars, figure_size_bytes, map_figure
from core.map.projection import Projection, ProjectionCache, ProjectionConfig, fit_projection, place
from core.records import Chunk

DIMENSION = 384
_WORDS = [
    "embedding", "vector", "model", "search", "query", "chunk", "document", "page", "cluster",
    "topic", "galaxy", "football", "recipe", "oven", "telescope", "planet", "match", "goal",
    "天文学家", "望远镜", "行星", "星系", "比赛", "球员", "厨师", "蛋糕",
]  # fmt: skip


def vectors(n: int, data: str, seed: int = 0) -> np.ndarray:
    """n unit vectors of DIMENSION; the same for the same arguments."""
    rng = np.random.default_rng(seed)
    if data == "random":
        matrix = rng.normal(size=(n, DIMENSION))
    else:
        centres = rng.normal(size=(60, DIMENSION))
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
        matrix = centres[rng.integers(0, len(centres), n)] + rng.normal(
            scale=0.06, size=(n, DIMENSION)
        )
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix.astype(np.float32)


def chunks(n: int, seed: int = 0) -> list[Chunk]:
    """Fake chunks of ~300 characters, mixed English and Chinese, in 50 documents."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        text = " ".join(rng.choice(_WORDS, size=45))
        doc = i % 50
        out.append(
            Chunk(
                f"doc{doc:02d}", i, text, f"report-{doc:02d}.pdf", 1 + i % 30, 1 + i % 30, 0, 1, 80
            )
        )
    return out


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def warm_up() -> float:
    """Pay numba's compilation for UMAP fit and transform once, before timing."""
    sample = vectors(300, "clustered", seed=1)
    start = time.perf_counter()
    projection = fit_projection(sample, ProjectionConfig(method="umap"))
    place(projection, sample[:1])
    return time.perf_counter() - start


def restart_probe(cache_dir: str, n: int, method: str, data: str) -> float:
    """Seconds for a fresh process to load the cached map and place one query."""
    command = [sys.executable, "-m", "bench.map", "--probe", f"{n},{method},{data},{cache_dir}"]
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root)
    return float(result.stdout.split()[-1])


def _probe(spec: str) -> None:
    """The fresh process's side: load (imports umap when unpickling) and place, timed."""
    n, method, data, cache_dir = spec.split(",", 3)
    matrix = vectors(int(n), data)
    start = time.perf_counter()
    parts = ["bench", n, data]
    projection = ProjectionCache(cache_dir).get_or_fit(parts, matrix, ProjectionConfig(method))
    assert projection.from_cache
    place(projection, matrix[:1])
    print(time.perf_counter() - start)


def run(sizes: list[int], methods: list[str], data: str, restart: bool, cache_dir: str) -> None:
    print(f"data: {data} unit vectors, dim {DIMENSION}; cache: {cache_dir}")
    print(f"warm-up (numba compile for UMAP fit + transform): {warm_up():.1f} s\n")
    header = (
        f"{'n':>7} {'method':6} {'cold s':>8} {'cached s':>9} {'ratio':>7} {'place ms':>9} "
        f"{'restart s':>9} {'cache MB':>8} {'fig MB':>7} {'fig s':>6} {'hover':>5}  strategy"
    )
    print(header)
    print("-" * len(header))
    for n in sizes:
        matrix = vectors(n, data)
        fake_chunks = chunks(n)
        parts = ["bench", str(n), data]
        for method in methods:
            config = ProjectionConfig(method=method)
            cache = ProjectionCache(cache_dir, max_entries=64)
            cold_map, cold = timed(cache.get_or_fit, parts, matrix, config)
            assert cache.fits == 1, "the bench needs an empty cache directory"
            loader = ProjectionCache(cache_dir, max_entries=64)
            cached_map, cached = timed(loader.get_or_fit, parts, matrix, config)
            assert cached_map.from_cache
            place_ms = _place_ms(cached_map, matrix)
            restart_s = restart_probe(cache_dir, n, method, data) if restart else float("nan")
            size_mb = cache.path_for(cache.key(parts, matrix, config)).stat().st_size / 1e6
            hits = [(int(row), rank) for rank, row in enumerate(range(0, n, max(1, n // 10)), 1)]
            query = place(cached_map, matrix[:1])[0]
            figure, fig_s = timed(
                map_figure, cold_map.coords, fake_chunks, query=query, hits=hits[:10]
            )
            fig_mb = figure_size_bytes(figure) / 1e6
            print(
                f"{n:>7} {method:6} {cold:>8.2f} {cached:>9.3f} {cached / cold:>7.3f} "
                f"{place_ms:>9.1f} {restart_s:>9.2f} {size_mb:>8.1f} {fig_mb:>7.2f} "
                f"{fig_s:>6.2f} {default_hover_chars(n):>5}  {cold_map.strategy_note}",
                flush=True,
            )


def _place_ms(projection: Projection, matrix: np.ndarray, repeats: int = 5) -> float:
    """Median milliseconds to place one query (a perturbed stored vector)."""
    rng = np.random.default_rng(3)
    times = []
    for _ in range(repeats):
        query = matrix[rng.integers(len(matrix))] + rng.normal(scale=0.02, size=DIMENSION)
        times.append(timed(place, projection, query.astype(np.float32))[1])
    return 1000 * float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--methods", default="umap,pca")
    parser.add_argument("--data", choices=["clustered", "random"], default="clustered")
    parser.add_argument("--no-restart", action="store_true", help="skip the fresh-process probe")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        _probe(args.probe)
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="map-bench-") as cache_dir:
        run(sizes, args.methods.split(","), args.data, not args.no_restart, cache_dir)


if __name__ == "__main__":
    main()
