"""The Evaluate page: a question set in, the metrics per mode, the misses, the map."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.retrieval.encoders import MINILM
from core.retrieval.search import CANDIDATES
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.queue import JobQueue
from tests.appdata import app_on, indexed_folder
from ui import evaluate

ROOT = Path(__file__).resolve().parents[1]
DOCS = {
    "bread.md": "Sourdough rises slowly because a starter holds few yeast cells.",
    "茶.md": "龙井茶产自浙江杭州西湖一带，是中国最有名的绿茶之一。",
    "space.md": "Yang Liwei flew on Shenzhou 5 in October 2003.",
}
QUESTIONS = [
    {"question": "Why does sourdough rise slowly?", "answer": "few yeast cells"},
    {"question": "龙井茶产自哪里？", "file": "茶.md"},
    {"question": "Which river is the longest in China?", "answer": "长江"},  # nowhere
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, e5) -> Path:
    return indexed_folder(tmp_path_factory.mktemp("evaluate-page"), e5, DOCS)


def _use_questions(monkeypatch, folder: Path) -> None:
    """QUESTIONS as the page's sample question set."""
    questions = folder / "questions.jsonl"
    lines = [json.dumps(q, ensure_ascii=False) for q in QUESTIONS]
    questions.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(evaluate, "SAMPLE_QUESTIONS", questions)


@pytest.fixture
def app_env(data_dir, monkeypatch, tmp_path):
    _use_questions(monkeypatch, tmp_path)
    with app_on(data_dir, monkeypatch):
        yield


def _page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.switch_page("pages/evaluate.py")
    app.run()
    assert not app.exception, app.exception
    return app


def _button(app: AppTest, label: str):
    [button] = [button for button in app.button if button.label == label]
    return button


def test_the_question_set_is_scored_in_every_mode_with_its_misses(app_env):
    app = _page()
    assert "3 questions from questions.jsonl." in [c.value for c in app.caption]
    _button(app, "Evaluate").click().run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert list(table["mode"]) == ["dense", "bm25", "hybrid"]
    assert list(table["queries"]) == [3, 3, 3]
    # Two of three are found first in every mode; the third has no passage anywhere.
    assert list(table["recall@1"]) == [0.6667] * 3
    misses = app.dataframe[1].value
    assert list(misses["question"]) == ["Which river is the longest in China?"]
    assert list(misses["hybrid rank"]) == [f">{CANDIDATES}"]
    assert len(app.get("plotly_chart")) == 2  # the chart and the map


def test_a_question_set_naming_unknown_files_is_refused(app_env, tmp_path):
    (tmp_path / "questions.jsonl").write_text('{"question": "Why?", "file": "nope.pdf"}\n')
    app = _page()
    _button(app, "Evaluate").click().run()
    assert "names files not in 'library': nope.pdf" in app.error[0].value


@pytest.fixture
def kept_env(monkeypatch, tmp_path, e5):
    """A collection whose originals are kept, so that it can be indexed again."""
    directory = indexed_folder(tmp_path / "data", e5, DOCS, keep_originals=True)
    _use_questions(monkeypatch, tmp_path)
    with app_on(directory, monkeypatch):
        yield Settings(data_dir=directory)


def test_variants_index_the_documents_again_and_are_compared(kept_env):
    app = _page()
    [models] = [box for box in app.multiselect if box.label == "Models"]
    [sizes] = [box for box in app.multiselect if box.label == "Chunk sizes (tokens)"]
    models.set_value([MINILM])
    sizes.set_value([96])
    _button(app.run(), "Index the variants").click().run()
    assert not app.exception, app.exception
    queue = JobQueue(kept_env.jobs_dir)
    deadline = time.monotonic() + 300
    while any(not job.done for job in queue.jobs(app.session_state["owner"])):
        assert time.monotonic() < deadline, "the variant was not indexed"
        time.sleep(0.2)
    variant = f"library · {MINILM} · 96 tokens"
    store = open_store(kept_env)  # the app's store is cached; this one only reads
    try:
        assert sorted(d.source for d in store.documents(variant)) == sorted(DOCS)
        assert {d.model for d in store.documents(variant)} == {MINILM}
    finally:
        store.close()
    app.run()
    [compare] = [box for box in app.multiselect if box.label == "Collections"]
    assert variant in compare.options
    compare.set_value(["library", variant])
    _button(app.run(), "Evaluate").click().run()
    assert not app.exception and not app.error, (app.exception, [e.value for e in app.error])
    assert list(app.dataframe[0].value["collection"]) == ["library"] * 3 + [variant] * 3
