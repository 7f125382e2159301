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

Three more parts, each on its own (they skip the table above):
  --figures 10000,100000[,1000000]  payload of the big-map figure (density + 2,000-point sample,
      the query and 10 hits on top) against the old full scatter, both built in this run from the
      same synthetic 2-D coords: JSON bytes, build + serialise seconds, and the ratios.
      --no-old skips the full scatter (1M points of it take minutes and gigabytes).
  --cold  the first map in a fresh process (UMAP fit of --cold-n vectors + one query placement):
      with no warm-up, while the background warm-up is still running, and after it finished.
  --star  real e5 vectors of small bilingual collections: how far the map's transform puts the
      question's star from its nearest top-5 hit, in typical neighbour distances, and after
      core.map.placement moved the far ones among their hits.
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


def map_coords(n: int, seed: int = 0) -> np.ndarray:
    """2-D map coords like a UMAP of topics: 60 blobs of uneven size and spread."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-20, 20, size=(60, 2))
    topic = rng.choice(60, size=n, p=rng.dirichlet(np.ones(60)))
    spread = rng.uniform(0.3, 1.5, size=60)[topic, None]
    return (centres[topic] + rng.normal(size=(n, 2)) * spread).astype(np.float32)


def run_figures(sizes: list[int], old: bool) -> None:
    """Bytes and seconds of the big-map figure against the old full scatter, same coords."""
    from core.map.atlas import MapConfig
    from core.map.figures import hover_texts

    max_points = MapConfig().max_points
    print(f"figure with a query and 10 hits; big-map mode above {max_points:,} points")
    header = (
        f"{'n':>8} {'old MB':>8} {'old s':>7} {'new MB':>7} {'new s':>6} "
        f"{'bytes old/new':>13} {'time old/new':>12}"
    )
    print(header)
    print("-" * len(header))
    for n in sizes:
        coords = map_coords(n)
        fake_chunks = chunks(n)
        hits = [(int(row), rank) for rank, row in enumerate(range(0, n, n // 10), 1)][:10]
        query = coords[hits[0][0]] + 0.5

        sent = (coords, fake_chunks, query, hits)
        old_mb = old_s = float("nan")
        if old:
            # The app kept every point's hover text cached, so it is not part of the old cost.
            hover = hover_texts(fake_chunks)
            old_bytes, old_s = timed(_figure_bytes, *sent, hover=hover)
            old_mb = old_bytes / 1e6
            del hover
        new_bytes, new_s = timed(_figure_bytes, *sent, max_points=max_points)
        new_mb = new_bytes / 1e6
        print(
            f"{n:>8} {old_mb:>8.2f} {old_s:>7.2f} {new_mb:>7.3f} {new_s:>6.2f} "
            f"{old_mb / new_mb:>13.1f} {old_s / new_s:>12.1f}",
            flush=True,
        )


def _figure_bytes(coords, fake_chunks, query, hits, **options: object) -> int:
    """Build the figure and serialise it as it is sent: the JSON's bytes."""
    figure = map_figure(coords, fake_chunks, query=query, hits=hits, **options)
    return len(figure.to_json().encode("utf-8"))


def run_cold(n: int) -> None:
    """The first map (fit + one placement) in fresh processes, with and without the warm-up."""
    print(f"first map in a fresh Python process: UMAP of {n} clustered vectors + one query")
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="map-cold-") as cache_dir:
        for mode, words in [
            ("none", "fit, no warm-up"),
            ("racing", "fit, requested as the background warm-up starts"),
            ("warmed", "fit, after the background warm-up finished"),
            ("restart", "restart: cached map, no warm-up"),
            ("restart-warmed", "restart: cached map, after the warm-up"),
        ]:
            spec = f"{mode},{n},{cache_dir}"
            command = [sys.executable, "-m", "bench.map", "--cold-probe", spec]
            result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root)
            first, again, warm = (float(x) for x in result.stdout.split()[-3:])
            extra = f"; the warm-up took {warm:.1f} s" if warm == warm else ""
            print(
                f"  {words:<50} first map {first:6.1f} s (the same again {again:5.1f} s{extra})",
                flush=True,
            )


def _cold_probe(spec: str) -> None:
    """One fresh process: optional warm-up, then the first map (and a second one) timed."""
    import threading

    from core.map import projection

    mode, n, cache_dir = spec.split(",", 2)
    matrix = vectors(int(n), "clustered")
    warm_s = float("nan")
    if mode != "none" and mode != "restart":
        start = time.perf_counter()
        thread = threading.Thread(target=projection.warm_up, daemon=True)
        thread.start()
        if mode != "racing":
            thread.join()
            warm_s = time.perf_counter() - start
    # "none" stores its fit in the cache that the restart modes then load.
    cache = ProjectionCache(cache_dir)
    config = ProjectionConfig(method="umap")
    restart = mode.startswith("restart")
    times = []
    for attempt in range(2):
        start = time.perf_counter()
        if restart or (mode == "none" and attempt == 0):
            fitted = cache.get_or_fit(["cold"], matrix, config)
        else:  # the second map of a fit mode: a fit again, with everything compiled
            fitted = fit_projection(matrix, config)
        place(fitted, matrix[:1])
        times.append(time.perf_counter() - start)
    assert fitted.from_cache == restart
    print(times[0], times[1], warm_s)


STAR_QUESTIONS = [
    "How long should bread dough rise before baking?",
    "Which telescope can see distant galaxies?",
    "Who scored the winning goal in the final?",
    "A star player under the night sky at the stadium",
    "What did the chef cook for dessert?",
    "谁在比赛最后时刻进球了？",
    "哪一台望远镜能看到遥远的星系？",
    "奶奶用什么做了蛋糕？",
]


def run_star() -> None:
    """Star vs its top-5 hits on maps of real e5 vectors of small bilingual collections."""
    from core.map.placement import hit_weights, neighbour_spacing, place_star, typical_distance
    from core.retrieval.encoders import load_encoder
    from tests.test_map import CHINESE, ENGLISH

    texts = [
        sentence
        for topics, form in ((ENGLISH, "{} {}."), (CHINESE, "{}{}。"))
        for subjects, actions in topics.values()
        for action in actions
        for subject in subjects
        for sentence in [form.format(subject, action)]
    ]
    encoder = load_encoder("e5-small")
    all_vectors = encoder.encode_documents(texts)
    queries = encoder.encode_queries(STAR_QUESTIONS)
    print(f"{len(STAR_QUESTIONS)} questions (English and Chinese), top 5 hits, tolerance 2.0")
    header = (
        f"{'chunks':>6} {'seed':>4} {'transform ratio median/max':>26} {'moved':>5} "
        f"{'drawn ratio median/max':>22}"
    )
    print(header)
    print("-" * len(header))
    for n in (22, 40, 120, 210):
        for seed in (0, 1, 2):
            rows = np.sort(np.random.default_rng(seed).choice(len(texts), n, replace=False))
            matrix = all_vectors[rows]
            projection = fit_projection(matrix, ProjectionConfig(method="umap", seed=42 + seed))
            spacing = neighbour_spacing(projection.coords)
            before, after, moved = [], [], 0
            for query in queries:
                hits = np.argsort(-(matrix @ query))[:5]
                star = place_star(
                    place(projection, query)[0],
                    projection.coords[hits],
                    hit_weights(query, matrix[hits]),
                    typical_distance(spacing, 5),
                )
                drawn = np.linalg.norm(projection.coords[hits] - star.point, axis=1).min()
                before.append(star.ratio)
                after.append(drawn / star.typical)
                moved += star.method == "hits"
            print(
                f"{n:>6} {seed:>4} {np.median(before):>14.2f} / {max(before):<9.2f} "
                f"{moved:>5} {np.median(after):>12.2f} / {max(after):<7.2f}",
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
    parser.add_argument("--figures", help="sizes for the big-map payload comparison")
    parser.add_argument("--no-old", action="store_true", help="--figures without the old figure")
    parser.add_argument("--cold", action="store_true", help="first map in a fresh process")
    parser.add_argument("--cold-n", type=int, default=1000)
    parser.add_argument("--cold-probe", help=argparse.SUPPRESS)
    parser.add_argument("--star", action="store_true", help="star vs its hits on real vectors")
    args = parser.parse_args()
    if args.probe:
        _probe(args.probe)
        return
    if args.cold_probe:
        _cold_probe(args.cold_probe)
        return
    if args.figures:
        run_figures([int(size) for size in args.figures.split(",")], not args.no_old)
        return
    if args.cold:
        run_cold(args.cold_n)
        return
    if args.star:
        run_star()
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="map-bench-") as cache_dir:
        run(sizes, args.methods.split(","), args.data, not args.no_restart, cache_dir)


if __name__ == "__main__":
    main()
