"""The Ask page opens a cited passage's page, highlighted, with the original to download."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.retrieval.embedding_cache import EmbeddingCache
from core.retrieval.originals import Originals
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests import pdfs

ROOT = Path(__file__).resolve().parents[1]
TEA = "龙井茶产自浙江杭州西湖一带。它是中国最有名的绿茶之一，以色绿、香郁、味甘、形美著称。"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, e5) -> Path:
    directory = tmp_path_factory.mktemp("page-view-data")
    settings = Settings(data_dir=directory)
    store = open_store(settings)
    ingestor = Ingestor(
        store=store,
        encoder=e5,
        collection="tea",
        cache=EmbeddingCache(settings.embedding_cache_path),
        originals=Originals(settings.originals_dir),
    )
    data = pdfs.chinese_pdf(["第一页只讲天气。", TEA[:14] + "\n" + TEA[14:]])
    assert ingestor.ingest(data, "茶.pdf").status == "indexed"
    store.close()
    return directory


def test_show_page_draws_the_cited_page_and_offers_the_original(data_dir, monkeypatch):
    monkeypatch.setenv("EE_DATA_DIR", str(data_dir))
    st.cache_resource.clear()
    try:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        app.switch_page("pages/ask.py")
        app.run()
        app.text_input[0].input("龙井茶产自哪里？")
        app.button[0].click().run()
        assert not app.exception, app.exception
        toggle = app.toggle[0]
        assert toggle.label == "Show page"
        toggle.set_value(True).run()
        assert not app.exception, app.exception
        captions = [image.proto.imgs[0].caption for image in app.get("image")]
        # The two short pages share one chunk: both pages are shown, both with a highlight.
        assert captions == [
            "茶.pdf, p. 1 · passage highlighted",
            "茶.pdf, p. 2 · passage highlighted",
        ]
        downloads = [b for b in app.get("download_button") if b.proto.label == "Download 茶\\.pdf"]
        assert len(downloads) == 1
    finally:
        st.cache_resource.clear()
