"""The Ask page's search modes and its "why this result" details."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.appdata import app_on, indexed_folder
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
    texts = {"茶.txt": TEA, "models.md": MODELS}
    return indexed_folder(tmp_path_factory.mktemp("why-data"), e5, texts)


@pytest.fixture
def app_env(data_dir, monkeypatch):
    with app_on(data_dir, monkeypatch):
        yield


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
    assert "Matched terms: dimens, l6, minilm, v2" in captions  # 维: dimension, translated
    text = "\n".join(element.value for element in app.markdown)
    assert "**1. models\\.md**" in text
    assert "**MiniLM**\\-**L6**\\-**v2**" in text
