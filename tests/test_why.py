"""The Ask page's search modes and its "why this result" details."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.retrieval.store import open_store
from core.settings import Settings
from ingest.pipeline import Ingestor
from ui.why import marked

ROOT = Path(__file__).resolve().parents[1]
TEA = "龙井茶产自浙江杭州西湖一带。它是中国最有名的绿茶之一。"
MODELS = "The checkpoint all-MiniLM-L6-v2 gives 384 dimensions. It is fast."


def test_marked_puts_the_sentence_on_yellow_and_terms_in_bold():
    text = "Yeast ferments dough.\nSourdough rises slowly."
    assert marked(text, (22, len(text)), ("sourdough",)) == (
        "Yeast ferments dough\\.  \n:yellow-background[**Sourdough** rises slowly\\.]"
    )
    assert marked("a*b 龙井茶", None, ("龙井",)) == "a\\*b **龙井**茶"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, e5) -> Path:
    directory = tmp_path_factory.mktemp("why-data")
    store = open_store(Settings(data_dir=directory))
    ingestor = Ingestor(store=store, encoder=e5, collection="library")
    for name, text in [("茶.txt", TEA), ("models.md", MODELS)]:
        assert ingestor.ingest(text.encode(), name).status == "indexed"
    store.close()
    return directory


@pytest.fixture
def app_env(data_dir, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(data_dir))
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_each_mode_says_why_each_passage_was_found(app_env, mode):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.switch_page("pages/ask.py")
    app.run()
    app.radio(key="search_mode").set_value(mode).run()
    app.text_input[0].input("MiniLM-L6-v2 有多少维？")
    app.button[0].click().run()
    assert not app.exception, app.exception
    captions = [caption.value for caption in app.caption]
    first = next(text for text in captions if text.startswith("dense "))
    assert "BM25 \\#1 · " in first and "fused \\#1 · " in first
    assert "Matched terms: l6, minilm, v2" in captions
    text = "\n".join(element.value for element in app.markdown)
    assert "**1. models\\.md**" in text
    assert "**MiniLM**\\-**L6**\\-**v2**" in text
