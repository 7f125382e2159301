"""The Classic page, run headless with AppTest on a small real collection; and the core it uses."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.classic import storage as classic_store
from core.classic.corpus import build_corpus
from core.classic.evaluation import (
    ANALOGY_TARGET,
    analogy_map,
    compare_objectives,
    example_words,
    one_hot_vs_dense,
    stopwords,
    word_map,
)
from core.classic.training import TrainConfig, train
from core.errors import UserError
from core.retrieval.store import chroma_name, open_store
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests.appdata import app_on
from ui.render import md_escape

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DOCUMENTS = ["en/word-embeddings.md", "en/river-ecology.md", "zh/apple-fruit.md"]
COLLECTION = "课堂 demo"  # a Chinese name with a space: not a Chroma name, nor a folder name as is
SMALL = TrainConfig(vector_size=32, min_count=2, sample=0.0, epochs=15, bucket=20_000)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, e5) -> Path:
    """Three sample articles (English and Chinese) in one collection; one sentence in another."""
    directory = tmp_path_factory.mktemp("classic-data")
    store = open_store(Settings(data_dir=directory))
    ingestor = Ingestor(store=store, encoder=e5, collection=COLLECTION)
    for name in DOCUMENTS:
        path = SAMPLES / name
        assert ingestor.ingest(path.read_bytes(), path.name).status == "indexed"
    tiny = Ingestor(store=store, encoder=e5, collection="tiny")
    assert tiny.ingest(b"One lonely sentence here.", "tiny.txt").status == "indexed"
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


@pytest.fixture
def trained(app_env, corpus) -> Path:
    """Both algorithms trained and saved for the collection, as the Train tab would."""
    for algorithm in ("word2vec", "fasttext"):
        model = train(corpus.sentences, replace(SMALL, algorithm=algorithm))
        classic_store.save_model(app_env, COLLECTION, model, corpus.fingerprint)
    return app_env


def _page(tab: str = "Train", collection: str = COLLECTION) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.switch_page("pages/classic.py")
    app.session_state["collection"] = collection
    app.query_params["tab"] = tab  # the tabs are bound to the URL: /classic?tab=Explore
    app.run()
    _ok(app)
    return app


def _ok(app: AppTest) -> None:
    assert not app.exception, app.exception


def _click(app: AppTest, label: str) -> AppTest:
    next(button for button in app.button if button.label == label).click().run()
    _ok(app)
    return app


def _to_tab(app: AppTest, tab: str) -> AppTest:
    app.query_params["tab"] = tab
    app.run()
    _ok(app)
    return app


def _texts(elements) -> str:
    return "\n".join(str(element.value) for element in elements)


def test_train_then_explore_neighbours_and_an_analogy(app_env):
    app = _page()
    assert app.title[0].value == "Classic: Word2Vec and FastText"
    assert "No model trained on this collection yet." in _texts(app.caption)
    app.slider(key="train_epochs").set_value(15)
    _click(app, "Train")
    assert "Trained Word2Vec in" in app.success[0].value
    assert [e.label for e in app.expander] == ["Latest Word2Vec model"]
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["Vocabulary"].replace(",", "")) > 300
    assert len(app.get("vega_lite_chart")) == 2  # the verified loss and gensim's figure
    assert (app_env / "classic" / chroma_name(COLLECTION) / "word2vec" / "corpus.json").is_file()

    _to_tab(app, "Explore")
    neighbours, answers = app.dataframe[0].value, app.dataframe[1].value
    assert list(neighbours.columns) == ["Word", "Cosine"] and len(neighbours) == 10
    assert neighbours["Cosine"].is_monotonic_decreasing
    assert list(answers.columns) == ["Answer", "Cosine"] and len(answers) == 5
    assert not {"king", "man", "woman"} & set(answers["Answer"])
    figure = app.get("plotly_chart")[0].proto.spec
    assert figure.count('"arrowhead":3') == 2  # b -> a and c -> the best answer

    app.text_input(key="explore_word").input("苹果")
    _click(app, "Find neighbours")
    assert len(app.dataframe[0].value) == 10

    app.text_input(key="explore_word").input("xylophone")
    _click(app, "Find neighbours")
    # Messages that repeat a word are escaped like document text.
    assert md_escape("'xylophone' is not in the Word2Vec vocabulary") in app.info[0].value
    app.text_input(key="analogy_c").input("zebra")
    _click(app, "Solve")
    assert md_escape("Not in the vocabulary: 'zebra'") in app.warning[0].value


def test_unseen_words_fasttext_shows_ngrams_word2vec_refuses(trained):
    app = _page("Unseen words")
    assert app.text_input(key="unseen_word").value == "riverbanks"
    refusal = (
        "'riverbanks' is not in the Word2Vec vocabulary; Word2Vec has no vector for unseen "
        "words (FastText does)."
    )
    assert [w.value for w in app.warning] == [md_escape(refusal)]
    markdown = _texts(app.markdown)
    assert ":blue-background[\\<ri]" in markdown and ":blue-background[banks\\>]" in markdown
    found = app.dataframe[0].value  # FastText's neighbours of a word it never saw
    assert len(found) == 8 and "riverbanks" not in set(found["Word"])

    app.text_input(key="unseen_word").input("<b>苹果汁</b>")
    _click(app, "Look up")
    markdown = _texts(app.markdown)
    assert ":blue-background[\\<\\<b\\>苹]" in markdown  # escaped, never HTML
    assert "<b>" not in markdown
    assert "<b>" not in _texts(app.caption)


def test_models_are_reloaded_and_the_sidebar_picks_one(trained):
    app = _page("Explore")
    picker = app.sidebar.radio(key="classic_model")
    assert picker.options == ["Word2Vec", "FastText"]
    assert "trained on an older state" not in _texts(app.sidebar.warning).lower()
    picker.set_value("fasttext").run()
    _ok(app)
    # FastText has a vector for any word, so an unseen word gets neighbours here too.
    app.text_input(key="explore_word").input("riverbanks")
    _click(app, "Find neighbours")
    assert len(app.dataframe[0].value) == 10


def test_inputs_survive_a_visit_to_another_tab(trained):
    app = _page("Explore")
    app.text_input(key="explore_word").input("river")
    _click(app, "Find neighbours")
    before = app.dataframe[0].value
    _to_tab(app, "Evaluate")
    _to_tab(app, "Explore")
    assert app.text_input(key="explore_word").value == "river"
    assert app.dataframe[0].value.equals(before)


def test_a_model_of_an_older_collection_state_says_so(trained, corpus):
    model = train(corpus.sentences, SMALL)
    classic_store.save_model(trained, COLLECTION, model, "0" * 16)
    app = _page("Evaluate")
    assert "Trained on an older state of this collection" in app.sidebar.warning[0].value


def test_evaluate_tab(trained):
    app = _page("Evaluate")
    table = app.dataframe[0].value
    assert list(table.columns) == ["Benchmark", "Metric", "Score", "OOV share", "Items used"]
    assert len(table) == 5 and "Google analogies (en)" in set(table["Benchmark"])
    assert "corpus size" in _texts(app.caption)


def test_compare_objectives_tab(trained):
    app = _page("Compare")
    app.slider(key="compare_epochs").set_value(3)
    _click(app, "Train both and compare")
    table = app.dataframe[0].value
    assert list(table.columns) == ["Negative sampling", "Hierarchical softmax"]
    assert {"Train seconds", "Words/s", "Final loss (per example)"} <= set(table.index)
    assert "not comparable" in _texts(app.caption)


def test_static_vs_contextual_and_retrieval(trained):
    app = _page("Static vs contextual")
    app.text_input(key="polysemy_word").input("bank")
    _click(app, "Compare")
    assert len(app.get("plotly_chart")) == 2
    hover = app.get("plotly_chart")[1].proto.spec
    assert "bank" in hover
    one_hot, dense = app.dataframe[0].value, app.dataframe[1].value
    assert one_hot.shape == dense.shape == (4, 4)

    _to_tab(app, "Retrieval")
    markdown = _texts(app.markdown)
    assert "Average of Word2Vec vectors" in markdown and "Transformer encoder" in markdown
    assert markdown.count("· score ") == 10  # five passages on each side
    assert "word\\-embeddings\\.md" in markdown


def test_too_little_text_is_a_warning(app_env):
    app = _page(collection="tiny")
    _click(app, "Train")
    assert app.warning[0].value.startswith(md_escape("Not enough text to train on: 4 words"))


# --- The core behind the page ---------------------------------------------------------------


def test_models_are_saved_per_collection_and_algorithm(tmp_path, corpus):
    assert classic_store.models_dir(tmp_path, "论文") == tmp_path / "classic" / chroma_name("论文")
    assert classic_store.load_model(tmp_path, "论文", "word2vec") is None
    assert classic_store.saved_state(tmp_path, "论文", "word2vec") is None
    model = train(corpus.sentences, replace(SMALL, epochs=2))
    folder = classic_store.save_model(tmp_path, "论文", model, corpus.fingerprint)
    assert folder == classic_store.models_dir(tmp_path, "论文") / "word2vec"
    first = classic_store.saved_state(tmp_path, "论文", "word2vec")
    saved = classic_store.load_model(tmp_path, "论文", "word2vec")
    assert saved.fingerprint == corpus.fingerprint
    assert saved.model.wv.index_to_key == model.wv.index_to_key
    classic_store.save_model(tmp_path, "论文", model, corpus.fingerprint)
    assert classic_store.saved_state(tmp_path, "论文", "word2vec") != first
    assert classic_store.load_model(tmp_path, "论文", "fasttext") is None


def test_compare_objectives_trains_both_with_the_same_settings(corpus):
    seen = []
    runs = compare_objectives(
        corpus.sentences, replace(SMALL, epochs=2), lambda o, r: seen.append((o, r.epoch))
    )
    assert [r.objective for r in runs] == ["negative", "hierarchical"]
    assert seen == [("negative", 1), ("negative", 2), ("hierarchical", 1), ("hierarchical", 2)]
    assert runs[0].config == replace(SMALL, epochs=2, objective="negative")
    assert runs[1].config == replace(SMALL, epochs=2, objective="hierarchical")
    for run in runs:
        assert run.seconds > 0 and run.words_per_second > 0
        assert run.final_loss < run.initial_loss
        assert len(run.evaluation) == 5


def test_suggested_settings_follow_corpus_size():
    small, large = classic_store.suggested_config(14_000), classic_store.suggested_config(10**7)
    assert (small.min_count, small.sample, small.epochs) == (2, 0.0, 30)
    assert (large.min_count, large.sample, large.epochs) == (5, 1e-3, 5)


@pytest.fixture(scope="module")
def word2vec(corpus):
    return train(corpus.sentences, SMALL)


def test_analogy_map_draws_the_same_offset_twice(word2vec):
    result = analogy_map(word2vec, "King", "man", "woman", k=4)
    assert result.labels[:4] == ("king", "man", "woman", ANALOGY_TARGET)
    assert result.labels[4:] == tuple(w for w, _ in result.results) and len(result.results) == 4
    assert result.points.shape == (8, 2)
    # PCA is linear, so the offset b -> a reappears exactly from c to a - b + c.
    offset = result.point("king") - result.point("man")
    assert np.allclose(result.point(ANALOGY_TARGET) - result.point("woman"), offset, atol=1e-5)
    with pytest.raises(UserError, match="'zebra'"):
        analogy_map(word2vec, "king", "zebra", "woman")


def test_word_map_and_example_words(word2vec):
    placed = word_map(word2vec, 40)
    assert len(placed.words) == 40 and placed.points.shape == (40, 2)
    assert not set(placed.words) & stopwords() and {"the", "的"} <= stopwords()
    assert list(placed.counts) == sorted(placed.counts, reverse=True)
    everything = word_map(word2vec, 5, skip_stopwords=False)
    assert everything.words == tuple(word2vec.wv.index_to_key[:5])
    assert example_words(word2vec, ["zebra", "苹果", "King"], 3)[:2] == ["苹果", "king"]
    assert len(example_words(word2vec, [], 3)) == 3
    with pytest.raises(UserError, match="Name a few words"):
        one_hot_vs_dense(word2vec, [" ", ""])
