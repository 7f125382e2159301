"""Big maps (density + sample, bounded payload), the content-keyed cache, the question's star."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from core.map.atlas import MapConfig, collection_map
from core.map.figures import DEFAULT_SAMPLE_POINTS, figure_size_bytes, map_figure, sample_rows
from core.map.placement import (
    DEFAULT_TOLERANCE,
    StarPlacement,
    hit_groups,
    hit_weights,
    neighbour_spacing,
    place_star,
    typical_distance,
)
from core.map.projection import ProjectionCache
from core.records import Chunk, Document
from core.retrieval.encoders import Encoder
from core.retrieval.store import open_store
from core.settings import Settings
from tests.test_map import CHINESE, ENGLISH


def _chunks(n: int, documents: int = 7) -> list[Chunk]:
    return [
        Chunk(f"doc{i % documents}", i, f"chunk {i} 第{i}段", f"file{i % documents}.pdf", 1 + i % 9,
              1 + i % 9, 0, 10, 5)
        for i in range(n)
    ]  # fmt: skip


def _traces(figure) -> dict:
    return {trace.name: trace for trace in figure.data}


# --- placement maths --------------------------------------------------------------------


def test_neighbour_spacing_is_the_median_kth_neighbour_distance() -> None:
    coords = np.array([[0, 0], [1, 0], [2, 0], [3, 0], [10, 0]], dtype=np.float32)
    # 1st neighbours: 1, 1, 1, 1, 7; 2nd: 2, 1, 1, 2, 8; 3rd: 3, 2, 2, 3, 9 (medians 1, 2, 3).
    np.testing.assert_array_equal(neighbour_spacing(coords, max_k=3), [1.0, 2.0, 3.0])
    # Only 4 other points: k stops at 4 (4th neighbours: 10, 9, 8, 7, 10).
    np.testing.assert_array_equal(neighbour_spacing(coords, max_k=10)[3], 9.0)
    assert len(neighbour_spacing(coords[:1])) == 0
    spacing = np.array([1.0, 2.0, 4.0])
    assert typical_distance(spacing, 2) == 2.0
    assert typical_distance(spacing, 5) == 4.0  # more hits than measured neighbours: the last
    assert typical_distance(spacing, 0) == 1.0
    assert math.isnan(typical_distance(np.zeros(0), 3))
    # A sample of probes still searches neighbours among all points: a square grid stays 1.
    grid = np.stack(np.meshgrid(np.arange(60), np.arange(60)), axis=-1).reshape(-1, 2)
    np.testing.assert_array_equal(neighbour_spacing(grid, max_k=4, max_points=500), [1, 1, 1, 1])


def test_hit_weights_follow_cosine_similarity() -> None:
    weights = hit_weights(np.array([2.0, 0.0]), np.array([[1.0, 0.0], [3.0, 4.0], [-1.0, 0.0]]))
    # Cosines 1, 0.6 and -1 (floored to 1e-6).
    total = 1.6 + 1e-6
    np.testing.assert_allclose(weights, [1 / total, 0.6 / total, 1e-6 / total], rtol=1e-6)


def test_star_within_tolerance_keeps_the_transform() -> None:
    star = place_star(np.array([0.0, 0.0]), np.array([[1.0, 0.0], [3.0, 0.0]]), [0.5, 0.5], 1.0)
    assert star.method == "transform" and (star.distance, star.ratio) == (1.0, 1.0)
    np.testing.assert_array_equal(star.point, [0.0, 0.0])
    assert star.note == (
        "★ placed by the map's transform, 1.0× the typical neighbour distance from its nearest hit."
    )
    at_limit = place_star(np.array([0.0, 0.0]), np.array([[2.0, 0.0]]), [1.0], 1.0, tolerance=2.0)
    assert at_limit.method == "transform" and at_limit.ratio == 2.0


def test_star_far_from_its_hits_moves_to_their_weighted_mean() -> None:
    star = place_star(
        np.array([10.0, 0.0]), np.array([[0.0, 0.0], [0.0, 2.0]]), [0.75, 0.25], typical=2.5
    )
    assert star.method == "hits"
    assert (star.distance, star.ratio) == (10.0, 4.0)
    np.testing.assert_array_equal(star.point, [0.0, 0.5])
    np.testing.assert_array_equal(star.transformed, [10.0, 0.0])
    assert star.note == (
        "★ drawn at the similarity-weighted mean of its hits: the map's transform put it 4.0× the "
        "typical neighbour distance from the nearest hit."
    )
    three_d = place_star(np.zeros(3), np.array([[3.0, 0, 0], [5.0, 0, 0]]), [1, 3], typical=1.0)
    np.testing.assert_array_equal(three_d.point, [4.5, 0.0, 0.0])
    assert three_d.ratio == 3.0


def test_hit_groups_link_chains_of_near_hits() -> None:
    hits = np.array([[10, 0], [0, 0], [11, 0], [1.5, 0], [12, 0], [30, 0]])
    np.testing.assert_array_equal(hit_groups(hits, 1.5), [0, 1, 0, 1, 0, 2])
    np.testing.assert_array_equal(hit_groups(hits, 1.0), [0, 1, 0, 2, 0, 3])
    np.testing.assert_array_equal(hit_groups(hits, 100.0), [0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(hit_groups(hits[:1], 0.0), [0])


def test_star_far_from_split_hits_goes_to_the_heaviest_group() -> None:
    hits = np.array([[0.0, 0.0], [2.0, 0.0], [20.0, 0.0], [21.0, 0.0], [22.0, 0.0]])
    # Group A (first two) weighs 3 + 1 = 4, group B 1 + 1 + 1 = 3: the star goes to A's mean.
    star = place_star(np.array([10.0, 10.0]), hits, [3, 1, 1, 1, 1], typical=1.0)
    assert star.method == "hits" and (star.hits, star.group) == (5, 2)
    np.testing.assert_array_equal(star.point, [0.5, 0.0])
    assert star.ratio == pytest.approx(math.sqrt(8**2 + 10**2))  # nearest hit: (2, 0)
    assert star.note == (
        "★ drawn at the similarity-weighted mean of 2 of its 5 hits (the other 3 lie elsewhere "
        "on the map): the map's transform put it 12.8× the typical neighbour distance from the "
        "nearest hit."
    )
    # Equal weights 4 and 4: the group of the heaviest hit (weight 3) wins.
    tie = place_star(np.array([10.0, 10.0]), hits, [3, 1, 2, 1, 1], typical=1.0)
    np.testing.assert_array_equal(tie.point, [0.5, 0.0])
    heavier = place_star(np.array([10.0, 10.0]), hits, [3, 1, 2, 2, 1], typical=1.0)
    np.testing.assert_array_equal(heavier.point, np.float32([20.8, 0.0]))


def test_star_without_hits_or_spacing() -> None:
    alone = place_star(np.array([1.0, 2.0]), np.zeros((0, 2)), np.zeros(0), typical=1.0)
    assert alone.method == "transform" and math.isnan(alone.ratio)
    assert alone.note == "★ placed by the map's transform."
    on_top = place_star(np.array([1.0, 1.0]), np.array([[1.0, 1.0]]), [1.0], typical=0.0)
    assert on_top.method == "transform" and on_top.ratio == 0.0
    apart = place_star(np.array([1.0, 1.0]), np.array([[2.0, 1.0]]), [1.0], typical=0.0)
    assert apart.method == "hits" and apart.ratio == math.inf


# --- big figures ------------------------------------------------------------------------


def test_density_bins_are_exact() -> None:
    coords = np.array([[0, 0], [0, 0], [0, 0], [2, 1]], dtype=np.float32)
    figure = map_figure(coords, _chunks(4), max_points=3, sample_points=2, bins=2)
    density = figure.data[0]
    assert density.type == "heatmap" and density.name == "density of all 4"
    # Square bins of 1 (the wider axis, 2 wide, in 2 bins): x bins [0,1) [1,2], one y bin;
    # counts 3 and 1 as log levels: 255 and ceil(255 * log 2 / log 4) = 128.
    np.testing.assert_array_equal(density.z, [[255, 128]])
    assert density.z.dtype == np.uint8
    assert (density.x0, density.dx, density.y0, density.dy) == (0.5, 1.0, 0.5, 1.0)
    drawn = sorted(row for trace in figure.data[1:] for row in trace.customdata)
    assert drawn == sample_rows(4, 2).tolist() and len(drawn) == 2


def test_big_map_sends_a_bounded_payload_with_query_hits_and_selection() -> None:
    n = 60_000
    rng = np.random.default_rng(1)
    coords = (rng.normal(size=(n, 2)) + rng.integers(0, 6, size=(n, 1)) * 4).astype(np.float32)
    chunks = _chunks(n)
    hits = [(59_999, 1), (7, 2), (31_337, 3)]
    selected = [12_345, 54_321]
    figure = map_figure(
        coords, chunks, query=[1.5, 2.5], hits=hits, max_points=20_000, selected=selected
    )
    traces = _traces(figure)
    assert figure_size_bytes(figure) < 400_000  # the full scatter is megabytes
    assert traces["density of all 60,000"].z.sum() > 0
    sampled = sorted(
        row
        for trace in figure.data
        if trace.type == "scattergl" and trace.name not in ("query", "hits", "selected")
        for row in trace.customdata
    )
    assert sampled == sample_rows(n, DEFAULT_SAMPLE_POINTS).tolist()
    assert list(traces["hits"].customdata) == [59_999, 7, 31_337]
    assert list(traces["hits"].text) == ["1", "2", "3"]
    assert list(traces["selected"].customdata) == selected
    assert traces["selected"].hovertext[0].startswith("<b>file4.pdf</b> · p. 7")
    assert list(traces["query"].x) == [1.5] and list(traces["query"].y) == [2.5]
    # Top to bottom: hits over the query over the selection over the sample over the density.
    names = [trace.name for trace in figure.data]
    assert names[0].startswith("density") and names[-3:] == ["selected", "query", "hits"]
    # The same figure twice: the sample does not jump between reruns.
    again = map_figure(coords, chunks, query=[1.5, 2.5], hits=hits, max_points=20_000)
    assert [t.customdata.tolist() for t in again.data[1:-2]] == [
        t.customdata.tolist() for t in figure.data[1:-3]
    ]
    with pytest.raises(ValueError, match="selected row is outside"):
        map_figure(coords, chunks, max_points=20_000, selected=[n])


def test_big_map_by_cluster_page_and_3d() -> None:
    n = 25_000
    rng = np.random.default_rng(2)
    coords = rng.normal(size=(n, 3)).astype(np.float32)
    chunks = _chunks(n)
    labels = np.arange(n) % 4 - 1  # -1 = noise
    sample = sample_rows(n, 500)
    by_cluster = map_figure(
        coords[:, :2], chunks, "cluster", labels, max_points=20_000, sample_points=500
    )
    for trace in by_cluster.data[1:]:
        label = -1 if trace.name == "noise" else int(trace.name.split()[-1])
        assert set(labels[trace.customdata]) == {label}
    assert sum(len(t.customdata) for t in by_cluster.data[1:]) == 500
    pages = map_figure(coords[:, :2], chunks, "page", max_points=20_000, sample_points=500)
    assert list(pages.data[1].customdata) == sample.tolist()
    assert list(pages.data[1].marker.color) == [chunks[row].page_start for row in sample]
    cube = map_figure(coords, chunks, query=[0, 0, 0], hits=[(3, 1)], max_points=20_000)
    assert "heatmap" not in {trace.type for trace in cube.data}  # 3D: the sample alone
    assert sum(len(t.customdata) for t in cube.data[:-2]) == DEFAULT_SAMPLE_POINTS
    small = map_figure(coords[:100, :2], chunks[:100], max_points=20_000)
    assert {trace.type for trace in small.data} == {"scattergl"}
    assert sum(len(t.customdata) for t in small.data) == 100


def test_map_threshold_setting() -> None:
    assert Settings.from_env({}).map_max_points == 20_000
    assert Settings.from_env({"EE_MAP_MAX_POINTS": "5000"}).map_max_points == 5_000


# --- a real small collection: the star among its hits, the cache keyed by content -------


def _sentences() -> list[tuple[str, str]]:
    """22 chunks in three files: 8 cooking and 7 astronomy sentences, 7 Chinese football ones."""
    (cooks, cooking), (astronomers, astronomy) = ENGLISH["cooking"], ENGLISH["astronomy"]
    players, football = CHINESE["足球"]
    rows = [("cooking.txt", f"{cooks[i % 5]} {cooking[i]}.") for i in range(8)]
    rows += [("astronomy.txt", f"{astronomers[i % 5]} {astronomy[i]}.") for i in range(7)]
    rows += [("足球.txt", f"{players[i % 5]}{football[i % 6]}。") for i in range(7)]
    return rows


def _store_with(directory, e5: Encoder, names: list[str]):
    store = open_store(Settings(data_dir=directory))
    rows = _sentences()
    vectors = e5.encode_documents([text for _, text in rows])
    for name in names:
        store.ensure_collection(name, "e5-small", vectors.shape[1])
        for source in dict.fromkeys(source for source, _ in rows):
            sha = f"{source.encode().hex():0<64}"[:64]
            picked = [i for i, (s, _) in enumerate(rows) if s == source]
            chunks = [
                Chunk(sha, j, rows[i][1], source, None, None, 0, len(rows[i][1]), 12)
                for j, i in enumerate(picked)
            ]
            document = Document(sha, source, "text", None, len(chunks), "e5-small", "2026-12-01")
            store.add_document(name, document, chunks, vectors[picked])
    return store


QUESTIONS = [
    "How long should bread dough rise before baking?",
    "Which telescope can see distant galaxies?",
    "谁在比赛最后时刻进球了？",
    "A star player under the night sky at the stadium",
]


@pytest.mark.parametrize("tolerance", [DEFAULT_TOLERANCE, 0.5])
def test_star_sits_among_its_hits_on_a_small_collection(
    tmp_path, e5: Encoder, tolerance: float
) -> None:
    # 0.5 moves every star whose transform lands more than half a neighbour distance from its
    # nearest hit: the moving path end to end on real vectors, store and search.
    store = _store_with(tmp_path, e5, ["small"])
    config = MapConfig(star_tolerance=tolerance)
    atlas = collection_map(store, "small", ProjectionCache(tmp_path / "maps"), config)
    coords = atlas.projection.coords
    assert len(coords) == 22 and "UMAP" in atlas.note
    spacing = neighbour_spacing(coords)
    moved = 0
    for question in QUESTIONS:
        query = e5.encode_query(question)
        hits = store.search("small", query, 5)
        rows = [row for row, _ in atlas.rows_of(hits)]
        star: StarPlacement = atlas.place_query(query, hits)
        assert star.typical == typical_distance(spacing, 5)
        nearest = np.linalg.norm(coords[rows] - star.transformed, axis=1).min()
        assert star.distance == pytest.approx(float(nearest), rel=1e-6)
        if star.ratio > tolerance:
            moved += 1
            weights = np.array([hit.score for hit in hits])  # Chroma's cosine, unit vectors
            groups = hit_groups(coords[rows], tolerance * star.typical)
            heaviest = max(set(groups), key=lambda g: weights[groups == g].sum())
            members = groups == heaviest
            expected = np.average(coords[rows][members], axis=0, weights=weights[members])
            assert star.method == "hits" and star.group == members.sum()
            np.testing.assert_allclose(star.point, expected, rtol=1e-3, atol=1e-4)
            assert star.note.startswith("★ drawn at the similarity-weighted mean of")
        else:
            assert star.method == "transform"
            np.testing.assert_array_equal(star.point, star.transformed)
        # Drawn where it is, the star sits among its hits on this map.
        drawn = np.linalg.norm(coords[rows] - star.point, axis=1).min()
        assert drawn <= DEFAULT_TOLERANCE * star.typical, (question, star.note)
        figure = atlas.figure("document", query, hits, question)
        traces = _traces(figure)
        assert [traces["query"].x[0], traces["query"].y[0]] == pytest.approx(star.point.tolist())
        assert figure.layout.annotations[0].text == star.note
        assert traces["query"].hovertext[0].endswith(f"<i>{star.note}</i>")
        assert json.loads(figure.to_json())  # serialisable as sent
    if tolerance < 1:
        assert moved > 0
    store.close()


def test_map_cache_is_keyed_by_content_not_collection_name(tmp_path, e5: Encoder) -> None:
    store = _store_with(tmp_path, e5, ["first", "copy"])
    cache = ProjectionCache(tmp_path / "maps")
    first = collection_map(store, "first", cache)
    copy = collection_map(store, "copy", cache)
    assert (cache.fits, cache.hits, copy.projection.from_cache) == (1, 1, True)
    np.testing.assert_array_equal(first.projection.coords, copy.projection.coords)
    # A threshold below the collection's size switches its figure to density + sample.
    dense = collection_map(store, "copy", cache, MapConfig(max_points=10))
    assert "Above 10 chunks the map shows the density" in dense.note and dense.hover == ()
    assert _traces(dense.figure())["density of all 22"].type == "heatmap"
    store.close()
