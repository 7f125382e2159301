"""The Ask page with a generated answer: streamed from a loopback server speaking OpenAI's
protocol, citations shown, model output escaped, follow-ups rewritten and shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.retrieval.generate import REFUSAL
from tests.appdata import app_on, indexed_folder
from tests.llm import TinyOpenAI, end_stream, send_piece, start_stream

ROOT = Path(__file__).resolve().parents[1]
BREAD = "Sourdough rises because wild yeast ferments the flour and makes carbon dioxide."
FASTTEXT = "FastText represents each word as a bag of character n-grams."
ANSWER = ["Wild yeast ", "makes the gas [1]. ", "<b>Bold</b> ![x](http://evil/x.png) [5]"]
REWRITTEN = "How does FastText represent words?"
UNANSWERED = "Who baked the first sourdough loaf?"  # the model finds no answer to it


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, e5) -> Path:
    texts = {"bread.txt": BREAD, "fasttext.md": FASTTEXT}
    return indexed_folder(tmp_path_factory.mktemp("generation-page"), e5, texts)


@pytest.fixture
def llm(data_dir, monkeypatch):
    def handle(handler, body):
        start_stream(handler)
        rewrite = body["messages"][0]["content"].startswith("Rewrite")
        unanswered = body["messages"][-1]["content"].endswith(f"Question: {UNANSWERED}")
        for piece in [REWRITTEN] if rewrite else [REFUSAL["English"]] if unanswered else ANSWER:
            send_piece(handler, piece)
        end_stream(handler)

    server = TinyOpenAI(handle)
    monkeypatch.setenv("EE_LLM_GENERATOR", "openai")
    monkeypatch.setenv("EE_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("EE_LLM_MODEL", "tiny")
    monkeypatch.setenv("EE_LLM_API_KEY", "sk-page-secret")
    with app_on(data_dir, monkeypatch):
        yield server
    server.close()


def _ask(app: AppTest, question: str) -> AppTest:
    field = next(t for t in app.text_input if t.label == "Question")
    field.input(question)
    next(b for b in app.button if b.label == "Ask").click().run()
    assert not app.exception, app.exception
    return app


def _markdown(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def test_a_generated_answer_is_streamed_cited_and_escaped(llm):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.switch_page("pages/ask.py")
    app.run()
    assert not app.exception, app.exception
    assert next(r for r in app.radio if r.label == "Answer writer").value == "openai"
    assert "sk-page-secret" not in _markdown(app) + str(app.text_input)
    next(s for s in app.slider if s.label == "Strictness").set_value(0.0).run()
    _ask(app, "Why does sourdough rise?")
    text = _markdown(app)
    assert "Wild yeast makes the gas [**\\[1\\]**](#passage-1)." in text
    assert "&lt;b&gt;Bold&lt;/b&gt;" in text and "<b>" not in text
    assert "!\\[x\\](http" in text  # no image is fetched
    assert "Sources: [**\\[1\\]**](#passage-1) bread\\.txt" in text
    assert any("\\[5\\]" in element.value for element in app.caption)  # not a passage given
    (request,) = llm.requests
    assert request["model"] == "tiny" and request["stream"] is True
    assert request["headers"]["authorization"] == "Bearer sk-page-secret"
    assert '<passage n="1" source="bread.txt">' in request["messages"][1]["content"]

    _ask(app, "and FastText?")  # a follow-up: rewritten before retrieval, and shown
    assert len(llm.requests) == 3
    rewrite = llm.requests[1]
    assert rewrite["messages"][-1]["content"] == "and FastText?"
    assert any(f"Asked as: {REWRITTEN[:-1]}" in element.value for element in app.caption)
    assert (
        "Question: How does FastText represent words?"
        in (llm.requests[2]["messages"][1]["content"])
    )


def test_a_model_that_finds_no_answer_is_shown_as_declining_not_as_unsupported(llm):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.switch_page("pages/ask.py")
    app.run()
    next(s for s in app.slider if s.label == "Strictness").set_value(0.0).run()
    _ask(app, UNANSWERED)
    assert REFUSAL["English"] in _markdown(app)
    captions = [element.value for element in app.caption]
    assert "The model read the passages below and found no answer in them." in captions
    assert not [w.value for w in app.warning if "cites none of the passages" in w.value]
