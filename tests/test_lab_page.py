"""The Lab page, run headless with AppTest on a small real collection: every lesson end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.classic.corpus import build_corpus
from core.classic.glove import cooccurrence
from core.classic.indexes import default_specs
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests.appdata import app_on
from ui.lab.texts import LESSONS
from ui.layout import PAGES

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DOCUMENTS = ["en/word-embeddings.md", "en/river-ecology.md", "zh/apple-fruit.md"]
COLLECTION = "lab demo 实验"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, e5) -> Path:
    directory = tmp_path_factory.mktemp("lab-data")
    store = open_store(Settings(data_dir=directory))
    ingestor = Ingestor(store=store, encoder=e5, collection=COLLECTION)
    for name in DOCUMENTS:
        path = SAMPLES / name
        assert ingestor.ingest(path.read_bytes(), path.name).status == "indexed"
    store.close()
    return directory


@pytest.fixture
def app_env(data_dir, monkeypatch):
    with app_on(data_dir, monkeypatch):
        yield data_dir


@pytest.fixture(scope="module")
def corpus(data_dir):
    store = open_store(Settings(data_dir=data_dir))
    try:
        return build_corpus(store.chunks(COLLECTION))
    finally:
        store.close()


def _page(tab: str, lang: str = "en") -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    app.switch_page("pages/lab.py")
    app.session_state["collection"] = COLLECTION
    app.session_state["lab_lang"] = lang
    app.query_params["tab"] = tab
    app.run()
    _ok(app)
    return app


def _ok(app: AppTest) -> None:
    assert not app.exception, app.exception


def _click(app: AppTest, label: str) -> AppTest:
    next(button for button in app.button if button.label == label).click().run()
    _ok(app)
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_the_lab_is_in_the_navigation_after_classic():
    scripts = [script for script, _, _ in PAGES]
    assert scripts.index("pages/lab.py") == scripts.index("pages/classic.py") + 1


def test_glove_beside_word2vec(app_env, corpus):
    app = _page("GloVe")
    assert app.title[0].value == "Lab: everything can be embedded"
    assert app.info[0].value == LESSONS["GloVe"]["en"]
    app.slider(key="glove_epochs").set_value(5)
    _click(app, "Train GloVe and Word2Vec")
    matrix = cooccurrence(corpus.sentences, 5, 2)
    metrics = _metrics(app)
    assert metrics["Vocabulary V"] == f"{len(matrix.words):,}"
    assert metrics["Non-zero cells"] == f"{matrix.nonzero:,}"
    assert len(app.get("plotly_chart")) == 1  # the heatmap
    assert len(app.get("vega_lite_chart")) == 2  # the two loss curves
    frames = [frame.value for frame in app.dataframe]
    # Neighbours of both models, analogies of both, the evaluation table.
    assert [len(f) for f in frames[:2]] == [8, 8]
    assert list(frames[-1].columns) == ["set", "metric", "GloVe", "Word2Vec"]
    app.text_input(key="glove_word").input("xylophone").run()
    _ok(app)
    assert len(app.warning) >= 2  # both models say the word is unknown


def test_doc2vec_retrieval_beside_the_transformer(app_env, corpus):
    app = _page("Doc2Vec")
    app.radio(key="d2v_mode").set_value("dm")
    _click(app, "Train Doc2Vec")
    assert f"PV-DM · {len(corpus.chunks)} chunks" in app.success[0].value
    nearest, inferred, retrieval = (frame.value for frame in app.dataframe)
    assert len(nearest) == len(inferred) == 5
    assert len(retrieval) == 4  # the four default questions
    assert list(retrieval.columns)[-1] == "overlap"


def test_item2vec_on_the_bundled_sample(app_env):
    app = _page("Item2Vec")
    _click(app, "Train Item2Vec")
    assert app.success[0].value.startswith("600 sessions")
    similar, cold = (frame.value for frame in app.dataframe)
    assert len(similar) == 8
    assert "solar filter 太阳滤镜" in set(cold["item"])
    assert len(app.get("plotly_chart")) == 1


def test_node2vec_on_the_karate_club(app_env):
    app = _page("Graphs")
    app.select_slider(key="graph_q").set_value(0.5)
    _click(app, "Walk and train")
    metrics = _metrics(app)
    assert metrics["Nodes"] == "34" and metrics["Edges"] == "78"
    assert metrics["Walks"] == "340"
    assert "q = 0.5" in "\n".join(c.value for c in app.caption)
    assert len(app.dataframe[0].value) == 8


def test_node2vec_on_the_collection_graph(app_env, corpus):
    app = _page("Graphs")
    app.radio(key="graph_source").set_value("collection")
    app.run()
    _click(app, "Walk and train")
    nodes = len(corpus.chunks) + len(DOCUMENTS)
    assert _metrics(app)["Nodes"] == f"{nodes:,}"


def test_alignment_of_two_seeds(app_env):
    app = _page("Alignment")
    app.slider(key="align_epochs").set_value(10)
    _click(app, "Train both and align")
    metrics = _metrics(app)
    assert int(metrics["Held-out pairs"]) >= 10
    assert len(app.get("plotly_chart")) == 2  # before and after
    assert len(app.dataframe[0].value) == int(metrics["Held-out pairs"])


def test_indexes_on_a_synthetic_set(app_env):
    app = _page("Indexes")
    app.radio(key="index_source").set_value("synthetic")
    app.select_slider(key="index_n").set_value(1_000)
    _click(app, "Measure")
    table = app.dataframe[0].value
    assert len(table) == len(default_specs(1_000 - 100))
    assert table["Recall@10"].iloc[0] == 1.0  # exact search
    assert len(app.get("plotly_chart")) == 1


def test_distances_in_chinese(app_env):
    app = _page("Distances", lang="zh")
    assert app.info[0].value == LESSONS["Distances"]["zh"]
    assert len(app.dataframe[0].value) == 3
    assert len(app.get("plotly_chart")) == 2
    _click(app, "Train a small Word2Vec")
    table = app.dataframe[1].value
    assert len(table) == 11 and len(table.columns) == 6


def test_indexes_on_the_collections_own_vectors(app_env, corpus):
    app = _page("Indexes")
    _click(app, "Measure")  # the collection is the default source
    queries = max(1, len(corpus.chunks) // 5)
    assert (
        f"{len(corpus.chunks) - queries:,} indexed, {queries:,} held out" in app.markdown[-1].value
    )
    table = app.dataframe[0].value
    assert table["Recall@10"].iloc[0] == 1.0
    assert "PQ adjusted" in table["note"].iloc[-1]  # a few dozen vectors: smaller codebooks
