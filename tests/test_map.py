"""The map on real e5 embeddings: projection, cache, placement, clusters, labels, figure."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sklearn.manifold import trustworthiness
from sklearn.metrics import adjusted_rand_score

from core.errors import UserError
from core.map.clusters import cluster, label_clusters, label_terms
from core.map.figures import default_hover_chars, figure_size_bytes, hover_texts, map_figure
from core.map.neighbours import map_trustworthiness, true_vs_map_neighbours
from core.map.projection import (
    Projection,
    ProjectionCache,
    ProjectionConfig,
    fit_projection,
    minimum_points,
    place,
)
from core.records import Chunk
from core.retrieval.encoders import Encoder

ROOT = Path(__file__).resolve().parents[1]

# Three topics, each a grid of subjects x actions: 3 x 5 x 8 = 120 English sentences.
ENGLISH = {
    "cooking": (
        ["The chef", "My grandmother", "The baker", "Our cook", "The home cook"],
        [
            "kneaded the bread dough with flour",
            "roasted the vegetables in a hot oven",
            "simmered the tomato sauce with garlic",
            "whisked eggs and butter for the cake batter",
            "seasoned the soup with salt and pepper",
            "baked a chocolate cake for dessert",
            "fried onions in olive oil",
            "followed the recipe to bake cookies",
        ],
    ),
    "astronomy": (
        ["The astronomer", "The telescope", "A space probe", "The observatory", "Scientists"],
        [
            "observed a distant galaxy full of stars",
            "measured the orbit of the planet around its star",
            "detected light from a supernova explosion",
            "mapped craters on the surface of the moon",
            "tracked a comet passing near the sun",
            "studied black holes at the centre of the galaxy",
            "photographed the rings of Saturn",
            "found a new exoplanet orbiting a red dwarf star",
        ],
    ),
    "football": (
        ["The striker", "The goalkeeper", "The football team", "The coach", "The midfielder"],
        [
            "scored a late goal in the match",
            "saved a penalty kick in the final",
            "won the league championship this season",
            "trained the players before the derby",
            "passed the ball to the winger",
            "received a yellow card from the referee",
            "celebrated the victory with the fans in the stadium",
            "lost the cup match after extra time",
        ],
    ),
}
ENGLISH_TOPIC_WORDS = {
    "cooking": {"chef", "cook", "baker", "grandmother", "cake", "flour", "oven", "recipe", "bake"},
    "astronomy": {"astronomer", "telescope", "galaxy", "star", "planet", "observatory", "probe"},
    "football": {"striker", "goalkeeper", "football", "coach", "midfielder", "match", "goal"},
}
# 3 x 5 x 6 = 90 Chinese sentences.
CHINESE = {
    "烹饪": (
        ["厨师", "奶奶", "面包师", "妈妈", "餐厅老板"],
        [
            "用面粉和鸡蛋烤了一个蛋糕",
            "在锅里炒青菜和牛肉",
            "按照菜谱做了红烧肉",
            "把蔬菜放进烤箱烘烤",
            "用酱油和大蒜调味",
            "煮了一锅美味的鸡汤",
        ],
    ),
    "天文": (
        ["天文学家", "望远镜", "探测器", "科学家", "天文台"],
        [
            "观测到遥远的星系",
            "发现了一颗新的行星",
            "记录了彗星经过太阳附近",
            "拍摄了月球表面的陨石坑",
            "研究了黑洞周围的恒星",
            "测量了行星绕恒星运行的轨道",
        ],
    ),
    "足球": (
        ["前锋", "守门员", "球队", "教练", "球员"],
        [
            "在比赛最后时刻打进一球",
            "扑出了对方的点球",
            "赢得了联赛冠军",
            "在训练中练习传球和射门",
            "在球场上被裁判出示黄牌",
            "和球迷一起庆祝胜利",
        ],
    ),
}
CHINESE_TOPIC_WORDS = {
    "烹饪": {"厨师", "奶奶", "面包师", "妈妈", "老板", "餐厅", "蛋糕", "面粉", "烤箱", "菜谱"},
    "天文": {"天文学家", "望远镜", "探测器", "科学家", "天文台", "行星", "恒星", "星系"},
    "足球": {"前锋", "守门员", "球队", "教练", "球员", "比赛", "点球", "冠军"},
}


@dataclass(frozen=True)
class Corpus:
    texts: list[str]
    topics: np.ndarray  # topic number per text
    vectors: np.ndarray
    chunks: list[Chunk]


def _corpus(encoder: Encoder, topics: dict, sentence: str) -> Corpus:
    texts, labels = [], []
    for number, (subjects, actions) in enumerate(topics.values()):
        for subject in subjects:
            for action in actions:
                texts.append(sentence.format(subject, action))
                labels.append(number)
    chunks = [
        Chunk(
            doc_sha=f"doc{label}",
            index=i,
            text=text,
            source=f"{list(topics)[label]}.pdf",
            page_start=1 + i % 4,
            page_end=1 + i % 4,
            char_start=0,
            char_end=len(text),
            token_count=12,
        )
        for i, (text, label) in enumerate(zip(texts, labels, strict=True))
    ]
    return Corpus(texts, np.array(labels), encoder.encode_documents(texts), chunks)


@pytest.fixture(scope="module")
def english(e5: Encoder) -> Corpus:
    return _corpus(e5, ENGLISH, "{} {}.")


@pytest.fixture(scope="module")
def chinese(e5: Encoder) -> Corpus:
    return _corpus(e5, CHINESE, "{}{}。")


@pytest.fixture(scope="module")
def english_maps(english: Corpus):
    """Fitted maps of the English corpus by (method, dimensions), each fitted once."""
    fitted: dict[tuple[str, int], Projection] = {}

    def get(method: str, dimensions: int = 2) -> Projection:
        if (method, dimensions) not in fitted:
            config = ProjectionConfig(method=method, dimensions=dimensions)
            fitted[method, dimensions] = fit_projection(english.vectors, config)
        return fitted[method, dimensions]

    return get


@pytest.fixture(scope="module")
def umap_map(english_maps) -> Projection:
    return english_maps("umap")


def _nearest_topic(point: np.ndarray, coords: np.ndarray, topics: np.ndarray) -> int:
    centres = np.stack([coords[topics == t].mean(axis=0) for t in np.unique(topics)])
    return int(np.argmin(np.linalg.norm(centres - point, axis=1)))


def _map_purity(coords: np.ndarray, topics: np.ndarray, k: int = 5) -> float:
    """Share of each point's k nearest map neighbours that have its topic."""
    distances = np.linalg.norm(coords[:, None] - coords[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float(np.mean(topics[nearest] == topics[:, None]))


# --- projection -------------------------------------------------------------------------


@pytest.mark.parametrize("dimensions", [2, 3])
@pytest.mark.parametrize("method", ["pca", "umap", "tsne"])
def test_projection_shapes(english: Corpus, english_maps, method: str, dimensions: int) -> None:
    projection = english_maps(method, dimensions)
    assert projection.coords.shape == (len(english.texts), dimensions)
    assert projection.coords.dtype == np.float32
    assert np.all(np.isfinite(projection.coords))
    assert projection.strategy_note.endswith(".") and "120" in projection.strategy_note
    # The topics stay apart on the map: a point's map neighbours share its topic.
    assert _map_purity(projection.coords, english.topics) > 0.9


def test_umap_is_deterministic_with_the_seed(english: Corpus, umap_map) -> None:
    again = fit_projection(english.vectors, ProjectionConfig(method="umap"))
    np.testing.assert_array_equal(again.coords, umap_map.coords)
    other = fit_projection(english.vectors, ProjectionConfig(method="umap", seed=7))
    assert not np.allclose(other.coords, umap_map.coords)


def test_tsne_is_deterministic_with_the_seed(english: Corpus, english_maps) -> None:
    again = fit_projection(english.vectors, ProjectionConfig(method="tsne"))
    np.testing.assert_allclose(again.coords, english_maps("tsne").coords)


@pytest.mark.parametrize("method", ["umap", "pca", "tsne"])
def test_query_is_placed_without_refit_near_its_topic(
    english: Corpus, english_maps, e5: Encoder, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    projection = english_maps(method)
    reducer = projection.reducer
    calls = []
    transform = reducer.transform
    monkeypatch.setattr(reducer, "transform", lambda x: calls.append(len(x)) or transform(x))
    for name in ("fit", "fit_transform"):
        if hasattr(reducer, name):
            monkeypatch.setattr(reducer, name, lambda *a, **k: pytest.fail("refit"))
    before = projection.coords.copy()
    queries = {
        0: "How long should bread dough rise before it goes into the oven?",
        1: "Which telescope can see the planets and distant galaxies?",
        2: "Who scored the winning goal in the football match?",
    }
    for topic, text in queries.items():
        point = place(projection, e5.encode_query(text))
        assert point.shape == (1, projection.config.dimensions)
        assert _nearest_topic(point[0], projection.coords, english.topics) == topic
    assert calls == [1, 1, 1]
    np.testing.assert_array_equal(projection.coords, before)


def test_chinese_query_is_placed_near_its_topic(chinese: Corpus, e5: Encoder) -> None:
    projection = fit_projection(chinese.vectors, ProjectionConfig(method="umap"))
    point = place(projection, e5.encode_query("哪一台望远镜能看到遥远的星系和行星？"))
    assert _nearest_topic(point[0], projection.coords, chinese.topics) == 1


def test_place_is_deterministic_and_checks_the_dimension(umap_map, english: Corpus) -> None:
    query = english.vectors[:2] + 0.01
    np.testing.assert_array_equal(place(umap_map, query), place(umap_map, query))
    with pytest.raises(UserError, match="384-dimensional"):
        place(umap_map, np.ones(768, dtype=np.float32))


def test_umap_fits_a_sample_and_transforms_the_rest(english: Corpus) -> None:
    config = ProjectionConfig(method="umap", max_fit_points=60, pca_above=40, pca_dims=20)
    projection = fit_projection(english.vectors, config)
    note = projection.strategy_note
    assert "sample of 60 of 120" in note and "PCA to 20" in note and "other 60" in note
    assert projection.coords.shape == (120, 2) and np.all(np.isfinite(projection.coords))
    assert _map_purity(projection.coords, english.topics) > 0.9
    assert place(projection, english.vectors[:1]).shape == (1, 2)


def test_too_little_data_is_a_clear_user_error(english: Corpus) -> None:
    few = english.vectors[:10]
    with pytest.raises(UserError) as error:
        fit_projection(few, ProjectionConfig(method="umap"))
    assert str(error.value) == (
        "The map needs at least 17 chunks for UMAP with 15 neighbours; this collection has 10. "
        "Add documents, lower the neighbours, or use PCA."
    )
    with pytest.raises(UserError, match="at least 3 chunks for PCA; this collection has 2"):
        fit_projection(few[:2], ProjectionConfig(method="pca"))
    with pytest.raises(UserError, match="t-SNE with perplexity 30; this collection has 10"):
        fit_projection(few, ProjectionConfig(method="tsne"))
    assert minimum_points(ProjectionConfig(method="umap", n_neighbors=5)) == 7
    assert fit_projection(few, ProjectionConfig(method="umap", n_neighbors=5)).coords.shape == (
        10,
        2,
    )


WARM_UP_CHECK = """
import sys
import numba
import numpy as np
import umap.umap_
from core.map.projection import ProjectionConfig, fit_projection, place, warm_up

def signatures():
    return {
        f"{name}.{attr}": set(obj.signatures)
        for name, module in list(sys.modules.items())
        if name.startswith(("umap", "pynndescent"))
        for attr, obj in list(vars(module).items())
        if isinstance(obj, numba.core.dispatcher.Dispatcher)
    }

before = signatures()
warm_up()
warmed = signatures()
rng = np.random.default_rng(1)
vectors = rng.normal(size=(200, 384)).astype(np.float32)
vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
place(fit_projection(vectors, ProjectionConfig(method="umap")), vectors[:1])
after = signatures()
print(sorted(name for name in warmed if warmed[name] - before.get(name, set())))
print(sorted(name for name in after if after[name] - warmed.get(name, set())))
"""


def test_warm_up_compiles_what_a_first_map_and_query_need() -> None:
    # In a fresh process, so nothing this test session compiled counts: after warm_up() a real
    # map (UMAP fit of e5-sized vectors) and the placing of a query compile nothing new.
    run = subprocess.run(
        [sys.executable, "-c", WARM_UP_CHECK],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    compiled_by_warm_up, compiled_later = (
        ast.literal_eval(line) for line in run.stdout.split("\n")[:2]
    )
    # UMAP's fit (nearest neighbours, fuzzy graph, layout) and transform (submatrix) kernels.
    assert {
        "umap.layouts._nb_optimize_layout_euclidean_single_epoch",
        "umap.umap_.compute_membership_strengths",
        "umap.umap_.smooth_knn_dist",
        "umap.umap_.submatrix",
    } <= set(compiled_by_warm_up)
    assert compiled_later == []


def test_tsne_refuses_collections_it_cannot_sample(english: Corpus) -> None:
    with pytest.raises(UserError, match="Use UMAP or PCA"):
        fit_projection(english.vectors, ProjectionConfig(method="tsne", max_tsne_points=100))


def test_bad_config_is_refused() -> None:
    with pytest.raises(UserError, match=r"^The map can have 2 or 3 dimensions, not 4\.$"):
        ProjectionConfig(dimensions=4)
    with pytest.raises(
        UserError, match=r"^Unknown map method 'mds'; use one of umap, pca, tsne\.$"
    ):
        ProjectionConfig(method="mds")  # type: ignore[arg-type]


# --- cache ------------------------------------------------------------------------------


def test_cache_survives_a_restart_and_refits_on_change(english: Corpus, tmp_path) -> None:
    ids = [chunk.id for chunk in english.chunks]
    parts = ["e5-small", *ids]
    config = ProjectionConfig(method="umap")
    cache = ProjectionCache(tmp_path)
    first = cache.get_or_fit(parts, english.vectors, config)
    assert (cache.fits, cache.hits, first.from_cache) == (1, 0, False)
    stored = cache.path_for(cache.key(parts, english.vectors, config))
    assert stored.exists() and not list(tmp_path.glob("*.tmp"))

    restarted = ProjectionCache(tmp_path)  # a new process: nothing in memory
    again = restarted.get_or_fit(parts, english.vectors, config)
    assert (restarted.fits, restarted.hits, again.from_cache) == (0, 1, True)
    np.testing.assert_array_equal(again.coords, first.coords)
    # The unpickled reducer still places queries, identically.
    np.testing.assert_array_equal(
        place(again, english.vectors[:1]), place(first, english.vectors[:1])
    )

    # Another collection state (a chunk removed), other vectors, another config: refit.
    restarted.get_or_fit(parts[:-1], english.vectors[:-1], config)
    restarted.get_or_fit(["minilm", *ids], english.vectors, config)
    restarted.get_or_fit(parts, english.vectors, ProjectionConfig(method="umap", min_dist=0.5))
    changed = english.vectors.copy()
    changed[0] = english.vectors[1]  # same ids, re-chunked text
    restarted.get_or_fit(parts, changed, config)
    assert (restarted.fits, restarted.hits) == (4, 1)
    assert len(list(tmp_path.glob("*.joblib"))) == 5


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_unreadable_cache_file_is_refitted(english: Corpus, tmp_path, damage: str) -> None:
    parts, config = ["e5-small", "a"], ProjectionConfig(method="pca")
    cache = ProjectionCache(tmp_path)
    cache.get_or_fit(parts, english.vectors, config)
    path = cache.path_for(cache.key(parts, english.vectors, config))
    content = path.read_bytes()
    damaged = {"garbage": b"not a pickle", "truncated": content[: len(content) // 2], "empty": b""}
    path.write_bytes(damaged[damage])
    fresh = ProjectionCache(tmp_path)
    projection = fresh.get_or_fit(parts, english.vectors, config)
    assert (fresh.fits, projection.from_cache) == (1, False)
    assert ProjectionCache(tmp_path).get_or_fit(parts, english.vectors, config).from_cache


def test_cache_keeps_at_most_max_entries(english: Corpus, tmp_path) -> None:
    cache = ProjectionCache(tmp_path, max_entries=2)
    for seed in range(4):
        cache.get_or_fit(["x"], english.vectors, ProjectionConfig(method="pca", seed=seed))
    assert len(list(tmp_path.glob("*.joblib"))) == 2


# --- clusters and labels ----------------------------------------------------------------


@pytest.mark.parametrize("language", ["english", "chinese"])
def test_kmeans_recovers_the_topics(language: str, request: pytest.FixtureRequest) -> None:
    corpus: Corpus = request.getfixturevalue(language)
    labels = cluster(corpus.vectors, "kmeans", k=3)
    assert adjusted_rand_score(corpus.topics, labels) > 0.9
    np.testing.assert_array_equal(labels, cluster(corpus.vectors, "kmeans", k=3))


@pytest.mark.parametrize("language", ["english", "chinese"])
def test_hdbscan_recovers_the_topics(language: str, request: pytest.FixtureRequest) -> None:
    corpus: Corpus = request.getfixturevalue(language)
    labels = cluster(corpus.vectors, "hdbscan")
    assert adjusted_rand_score(corpus.topics, labels) > 0.8
    assert labels.min() >= -1 and labels.dtype == np.int64


def test_clustering_a_sample_labels_every_point(english: Corpus) -> None:
    for method in ("kmeans", "hdbscan"):
        labels = cluster(english.vectors, method, k=3, max_fit_points=80, min_cluster_size=8)
        assert labels.shape == (120,)
        assert adjusted_rand_score(english.topics, labels) > 0.8


def test_english_labels_name_each_topic(english: Corpus) -> None:
    labels = cluster(english.vectors, "kmeans", k=3)
    names = label_clusters(english.texts, labels)
    assert sorted(names) == [0, 1, 2]
    for label, words in names.items():
        assert len(words) == 4
        topic = list(ENGLISH)[int(np.bincount(english.topics[labels == label]).argmax())]
        assert set(words) & ENGLISH_TOPIC_WORDS[topic], (topic, words)
        assert not set(words) & {"the", "a", "of", "in", "with"}


def test_chinese_labels_are_jieba_words_of_each_topic(chinese: Corpus) -> None:
    labels = cluster(chinese.vectors, "kmeans", k=3)
    names = label_clusters(chinese.texts, labels)
    for label, words in names.items():
        assert all(len(word) >= 2 for word in words), words
        topic = list(CHINESE)[int(np.bincount(chinese.topics[labels == label]).argmax())]
        assert set(words) & CHINESE_TOPIC_WORDS[topic], (topic, words)


def test_ctfidf_prefers_distinctive_words_and_skips_noise() -> None:
    texts = [
        "galaxy report data",
        "galaxy report data",
        "football report data",
        "football report",
        "misc noise words",
    ]
    names = label_clusters(texts, [0, 0, 1, 1, -1], top_n=2)
    assert set(names) == {0, 1}
    assert names[0][0] == "galaxy" and names[1][0] == "football"
    assert label_terms("The 2 cats 和 的 了 是 天文学家 a x") == ["cats", "天文学家"]


# --- neighbours -------------------------------------------------------------------------


def test_true_vs_map_neighbours(english: Corpus, umap_map) -> None:
    full_ids, map_ids, overlap = true_vs_map_neighbours(english.vectors, umap_map.coords, 5, k=8)
    # The same neighbours found the slow way: every other row, by cosine and by map distance.
    unit = english.vectors / np.linalg.norm(english.vectors, axis=1, keepdims=True)
    others = [row for row in range(len(unit)) if row != 5]
    by_cosine = sorted(others, key=lambda row: -float(unit[row] @ unit[5]))[:8]
    by_map = sorted(
        others, key=lambda row: float(np.linalg.norm(umap_map.coords[row] - umap_map.coords[5]))
    )[:8]
    assert full_ids.tolist() == by_cosine and map_ids.tolist() == by_map
    assert overlap == len(set(by_cosine) & set(by_map)) / 8
    # The nearest neighbours of a sentence share its topic in the full space.
    assert np.mean(english.topics[full_ids] == english.topics[5]) >= 0.75
    score = map_trustworthiness(english.vectors, umap_map.coords, k=5)
    assert score == pytest.approx(
        trustworthiness(unit, umap_map.coords, n_neighbors=5, metric="cosine")
    )
    assert score > 0.7
    sample = np.random.default_rng(42).choice(len(unit), size=50, replace=False)
    assert map_trustworthiness(
        english.vectors, umap_map.coords, k=5, max_points=50
    ) == pytest.approx(
        trustworthiness(unit[sample], umap_map.coords[sample], n_neighbors=5, metric="cosine")
    )


# --- figure -----------------------------------------------------------------------------


def test_figure_has_query_star_hits_with_ranks_and_faded_rest(english: Corpus, umap_map) -> None:
    labels = cluster(english.vectors, "kmeans", k=3)
    names = label_clusters(english.texts, labels, top_n=2)
    hits = [(40, 1), (41, 2), (50, 3)]
    fig = map_figure(
        umap_map.coords,
        english.chunks,
        color_by="cluster",
        labels=labels,
        cluster_names=names,
        query=np.array([0.5, 0.5]),
        hits=hits,
    )
    traces = {trace.name: trace for trace in fig.data}
    assert traces["query"].marker.symbol == "star" and traces["query"].type == "scattergl"
    assert list(traces["hits"].text) == ["1", "2", "3"]
    assert list(traces["hits"].customdata) == [40, 41, 50]
    for label, words in names.items():
        trace = traces[f"{label}: {', '.join(words)}"]
        assert trace.marker.opacity < 0.5
        # customdata is the row of each point, so a selection maps back to its chunk.
        assert all(labels[row] == label for row in trace.customdata)
    total = sum(len(traces[name].customdata) for name in traces if name not in ("query", "hits"))
    assert total == 120
    assert figure_size_bytes(fig) == len(fig.to_json().encode("utf-8"))


def test_figure_by_document_page_and_3d(english: Corpus) -> None:
    coords3 = fit_projection(english.vectors, ProjectionConfig(method="pca", dimensions=3)).coords
    fig = map_figure(coords3, english.chunks, query=coords3[0], hits=[(0, 1)])
    assert {trace.type for trace in fig.data} == {"scatter3d"}
    assert {"cooking.pdf", "astronomy.pdf", "football.pdf", "query", "hits"} <= {
        trace.name for trace in fig.data
    }
    assert [t for t in fig.data if t.name == "query"][0].marker.symbol == "diamond"
    pages = map_figure(coords3[:, :2], english.chunks, color_by="page")
    assert pages.data[0].marker.showscale and max(pages.data[0].marker.color) == 4
    # Beyond max_groups the small documents share one grey trace.
    grouped = map_figure(coords3[:, :2], english.chunks, max_groups=1)
    assert [trace.name for trace in grouped.data][-1] == "2 other documents"


def test_hover_text_is_escaped_and_short(english: Corpus) -> None:
    evil = Chunk(
        doc_sha="evil",
        index=0,
        text="<script>alert(1)</script> <b>bold</b> & more " + "x" * 500,
        source="<img src=x onerror=alert(2)>.txt",
        page_start=None,
        page_end=None,
        char_start=0,
        char_end=10,
        token_count=5,
    )
    chunks = [*english.chunks[:9], evil]
    coords = np.random.default_rng(0).normal(size=(10, 2)).astype(np.float32)
    fig = map_figure(coords, chunks)
    trace = next(t for t in fig.data if 9 in list(t.customdata))
    text = trace.hovertext[list(trace.customdata).index(9)]
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in text and "<img" not in text
    assert len(text) < 300
    assert trace.name.startswith("&lt;img")
    # Big maps drop the snippet by default: the hover text is most of the figure's bytes.
    (header,) = hover_texts([evil], hover_chars=0)
    assert header == "<b>&lt;img src=x onerror=alert(2)&gt;.txt</b>"
    assert default_hover_chars(1_000) == 120 and default_hover_chars(100_000) == 0


def test_chinese_hover_is_wrapped_by_width(chinese: Corpus) -> None:
    long = Chunk("d", 0, "天文学家观测到遥远的星系" * 10, "星系.txt", 2, 3, 0, 1, 1)
    (text,) = hover_texts([long], hover_chars=120)
    lines = text.split("<br>")
    assert lines[0] == "<b>星系.txt</b> · pp. 2-3"
    assert all(len(line) <= 32 for line in lines[1:]) and len(lines) >= 4
