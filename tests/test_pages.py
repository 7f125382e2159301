"""The pages, run headless with Streamlit's AppTest against a real store and the real model."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.appdata import app_on, indexed_folder
from ui.render import md_escape

ROOT = Path(__file__).resolve().parents[1]
FASTTEXT = (
    "FastText represents each word as a bag of character n-grams. "
    "It builds vectors for unseen words from the vectors of their n-grams."
)
TEA = "龙井茶产自浙江杭州西湖一带。它是中国最有名的绿茶之一，以色绿、香郁、味甘、形美著称。"
HOSTILE = (
    "Click <script>alert('x')</script> and [this](javascript:alert(1)) ![img](http://x/y.png)."
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, e5) -> Path:
    """A data folder with one collection of three small documents, indexed with e5."""
    texts = {"fasttext.md": FASTTEXT, "茶.txt": TEA, "hostile.txt": HOSTILE}
    return indexed_folder(tmp_path_factory.mktemp("app-data"), e5, texts)


@pytest.fixture
def app_env(data_dir, monkeypatch):
    with app_on(data_dir, monkeypatch):
        yield


def _page(name: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if name != "app.py":
        app.switch_page(name)
    app.run()
    assert not app.exception, app.exception
    return app


def _markdown(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def _ask(question: str) -> AppTest:
    app = _page("pages/ask.py")
    app.text_input[0].input(question)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def test_home_lists_what_is_indexed(app_env):
    app = _page("app.py")
    table = app.dataframe[0].value
    assert list(table["Collection"]) == ["library"]
    assert list(table["Documents"]) == [3]
    assert app.button[0].label == "Load the sample corpus"


def test_ask_answers_with_citation_in_english(app_env):
    app = _ask("How does FastText handle unseen words?")
    answer = app.markdown[0].value
    assert answer.startswith("FastText ")
    assert "**\\[fasttext\\.md\\]**" in answer
    assert "script" not in answer  # the unrelated passage is not quoted
    assert "**1. fasttext\\.md**" in _markdown(app)


def test_ask_answers_in_chinese(app_env):
    text = _markdown(_ask("龙井茶产自哪里？"))
    assert "浙江杭州西湖" in text
    assert "茶\\.txt" in text


def test_ask_says_so_when_the_documents_do_not_answer(app_env):
    app = _ask("What is the boiling point of liquid nitrogen on Neptune?")
    assert app.warning[0].value.startswith("Your documents don't seem to answer this.")
    captions = [c.value for c in app.caption]
    assert "Closest, but not an answer: not used for the answer." in captions
    assert any(c.startswith("confidence ") and "lower the strictness" in c for c in captions)
    assert "**\\[" not in _markdown(app)


def test_ask_says_so_in_chinese_when_the_documents_do_not_answer(app_env):
    app = _ask("火山为什么会喷发？")
    assert app.warning[0].value.startswith("你的文档似乎没有回答这个问题。")
    captions = [c.value for c in app.caption]
    assert "你的文档中没有出现：火山、喷发" in captions
    assert any(c.startswith("置信度 ") and "调低严格度" in c for c in captions)
    assert "**\\[" not in _markdown(app)  # no citation: nothing is stitched into an answer


def test_a_question_in_traditional_characters_is_answered_and_refused_in_them(app_env):
    assert "浙江杭州西湖" in _markdown(_ask("龍井茶產自哪裡？"))  # the document is simplified
    app = _ask("火山為什麼會噴發？")
    assert app.warning[0].value.startswith("你的文檔似乎沒有回答這個問題。")
    assert "你的文檔中沒有出現：火山、噴發" in [c.value for c in app.caption]


def test_document_text_is_escaped_not_rendered(app_env):
    text = _markdown(_ask("Click the script and the link"))
    # Escaped, whether or not the passage shows 'script' in bold as a matched term.
    assert re.search(r"\\<(\*\*)?script(\*\*)?\\>", text)
    assert "<script>" not in text
    assert "](javascript" not in text and "\\]\\(javascript" in text


def test_library_lists_and_previews_documents(app_env, e5):
    app = _page("pages/library.py")
    table = app.dataframe[0].value
    assert sorted(table["Name"]) == ["fasttext.md", "hostile.txt", "茶.txt"]
    assert set(table["Model"]) == {"e5-small"}
    for name, text in [("茶.txt", TEA), ("hostile.txt", HOSTILE)]:
        label = f"{name} · {hashlib.sha256(text.encode()).hexdigest()[:8]}"
        app.selectbox(key="doc_choice").set_value(label).run()
        assert not app.exception, app.exception
        # The first expander is the chunking help; then one per chunk of the chosen document.
        chunking, *previews = app.expander
        assert chunking.label.startswith("Chunking")
        assert [e.label for e in previews] == [f"Chunk 1 · text · {e5.count_tokens(text)} tokens"]
        assert previews[0].markdown[0].value == md_escape(text)


def test_map_page_draws_the_collection_and_says_how(app_env):
    app = _page("pages/map.py")
    captions = [caption.value for caption in app.caption]
    assert any("so this map uses PCA" in text for text in captions)  # 3 chunks: too few for UMAP
    (clusters,) = [text for text in captions if text.startswith("Clusters: ")]
    assert "n\\-grams" in clusters  # the FastText chunk's cluster is named by its words
    assert len(app.get("plotly_chart")) == 1
    assert app.info[0].value.startswith("Select points on the map")


def test_ask_page_shows_the_question_on_the_map(app_env):
    app = _ask("How does FastText handle unseen words?")
    (chart,) = app.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    names = [trace.get("name") for trace in figure["data"]]
    assert names[-3:] == ["query", "hits", "cited in the answer"]
    assert figure["data"][-2]["text"][0] == "1"
    assert figure["data"][-1]["text"] == ["[1]"]  # the answer quotes the best passage
