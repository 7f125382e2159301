"""Citations that link to their passage cards, and cited passages ringed on the map beside the
answer: the figure, the Markdown, and the Ask page with extractive and generated answers."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.map.atlas import collection_map
from core.map.figures import CITED, map_figure
from core.map.projection import ProjectionCache
from core.records import Chunk, Hit
from core.retrieval.answer import Answer, Evidence, answer
from core.retrieval.search import search_with_vector
from core.retrieval.store import open_store
from core.settings import Settings
from tests.appdata import app_on, indexed_folder
from tests.llm import TinyOpenAI, end_stream, send_piece, start_stream
from tests.verdicts import verdict
from ui.why import answer_lines, card_anchor, cited_chunks

ROOT = Path(__file__).resolve().parents[1]
DOCS = {
    "bread.txt": "Sourdough rises because wild yeast ferments the flour and makes carbon dioxide.",
    "fasttext.md": "FastText represents each word as a bag of character n-grams.",
    "rivers.txt": "Rivers carve meanders that a flood can cut off into oxbow lakes.",
}
BREAD_QUESTION = "Why does sourdough bread rise?"


def _values(values: object) -> list:
    """A trace's array from figure JSON (plotly sends numpy arrays as base64 typed arrays)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)  # type: ignore[call-overload]


def _chunk(source: str, index: int = 0, page: int | None = None, kind: str = "text") -> Chunk:
    text = f"Text of {source} number {index}."
    return Chunk(f"sha-{source}", index, text, source, page, page, 0, len(text), 8, kind=kind)


# -- the figure --------------------------------------------------------------------------------


def test_the_cited_trace_rings_exactly_the_cited_passages() -> None:
    coords = np.arange(20, dtype=np.float32).reshape(10, 2)
    chunks = [_chunk(f"doc{i % 3}.txt", i) for i in range(10)]
    hits = [(7, 1), (2, 2), (5, 3)]
    fig = map_figure(coords, chunks, query=np.array([1.0, 1.0]), hits=hits, cited=[(7, 1), (5, 3)])
    names = [trace.name for trace in fig.data]
    assert names[-3:] == ["query", "hits", CITED] and names.count(CITED) == 1
    ring = fig.data[-1]
    assert list(ring.customdata) == [7, 5]  # rows, so a click on a ring selects its chunk
    assert list(ring.text) == ["[1]", "[3]"]
    assert ring.x.tolist() == [14.0, 10.0] and ring.y.tolist() == [15.0, 11.0]
    assert ring.marker.symbol == "circle-open" and ring.marker.size > fig.data[-2].marker.size
    assert ring.hovertext[0].startswith("cited as [1] · <b>doc1.txt</b>")
    assert list(fig.data[-2].customdata) == [7, 2, 5]  # every hit keeps its own dot and rank
    assert CITED not in [t.name for t in map_figure(coords, chunks, hits=hits).data]


def test_cited_passages_are_ringed_in_3d_and_on_a_sampled_map() -> None:
    rng = np.random.default_rng(0)
    chunks = [_chunk("big.txt", i) for i in range(300)]
    coords = rng.normal(size=(300, 3)).astype(np.float32)
    fig3 = map_figure(coords, chunks, hits=[(4, 1)], cited=[(4, 1)])
    (ring,) = [trace for trace in fig3.data if trace.name == CITED]
    assert ring.type == "scatter3d" and ring.marker.symbol == "circle-open"
    assert list(ring.customdata) == [4] and list(ring.z) == [coords[4, 2]]
    # Above max_points only a sample is drawn, but a cited passage always is (with its hover).
    dense = map_figure(coords[:, :2], chunks, hits=[(299, 1)], cited=[(299, 1)], max_points=50)
    (ring,) = [trace for trace in dense.data if trace.name == CITED]
    assert list(ring.customdata) == [299]
    assert ring.hovertext == ("cited as [1] · <b>big.txt</b><br>Text of big.txt number 299.",)


def test_a_cited_row_outside_the_map_is_refused() -> None:
    coords = np.zeros((3, 2), dtype=np.float32)
    chunks = [_chunk("a.txt", i) for i in range(3)]
    with pytest.raises(ValueError, match=r"^a cited row is outside the map$"):
        map_figure(coords, chunks, hits=[(0, 1)], cited=[(3, 1)])


# -- the extractive answer's Markdown ----------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, e5) -> Path:
    return indexed_folder(tmp_path_factory.mktemp("citations"), e5, DOCS)


@pytest.fixture(scope="module")
def store(data_dir):
    opened = open_store(Settings(data_dir=data_dir))
    yield opened
    opened.close()


def _answer(store, e5, question: str, floor_rank: int) -> Answer:
    """The extractive answer from the passages down to rank floor_rank (the verdict by hand)."""
    vector, hits = search_with_vector(store, e5, "library", question, 3)
    floor = hits[floor_rank - 1].score
    return answer(question, vector, hits, e5, verdict(passage_floor=floor))


def test_extractive_citations_link_to_their_passage_cards(store, e5) -> None:
    result = _answer(store, e5, BREAD_QUESTION, floor_rank=1)
    assert [hit.chunk.source for hit in result.hits][:1] == ["bread.txt"]
    assert answer_lines(result) == [
        "Sourdough rises because wild yeast ferments the flour and makes carbon dioxide\\. "
        "[**\\[bread\\.txt\\]**](#passage-1)"
    ]
    assert cited_chunks(result) == (result.hits[0].chunk.id,)
    assert card_anchor(result.hits[0].rank) == "passage-1"


def test_each_source_links_to_the_card_of_its_own_best_passage() -> None:
    # Two chunks of one page share one citation; the link goes to the better one's card.
    # A picture has no card (it is a thumbnail), so its citation is bold but no link.
    page_a, page_b = _chunk("a.pdf", 0, page=2), _chunk("a.pdf", 1, page=2)
    picture = _chunk("photo.png", 0, kind="image")
    hits = (Hit(picture, 0.9, 1), Hit(page_b, 0.8, 2), Hit(page_a, 0.7, 3))
    evidence = tuple(Evidence(hit, 0, len(hit.chunk.text), hit.score) for hit in hits)
    result = Answer(
        "q", np.zeros(2), hits, evidence, (evidence[1], evidence[2], evidence[0]), verdict()
    )
    assert answer_lines(result) == [
        "Text of a\\.pdf number 1\\. Text of a\\.pdf number 0\\. "
        "[**\\[a\\.pdf, p\\. 2\\]**](#passage-2)",
        "Text of photo\\.png number 0\\. **\\[photo\\.png\\]**",
    ]
    assert cited_chunks(result) == (page_b.id, page_a.id, picture.id)


def test_the_collection_map_rings_the_hits_the_answer_cites(store, e5, tmp_path) -> None:
    atlas = collection_map(store, "library", ProjectionCache(tmp_path))
    result = _answer(store, e5, BREAD_QUESTION, floor_rank=2)
    cited = cited_chunks(result)
    assert len(cited) == 2
    fig = atlas.figure("document", result.query_vector, result.hits, result.query, cited=cited)
    (ring,) = [trace for trace in fig.data if trace.name == CITED]
    rows = {chunk.id: row for row, chunk in enumerate(atlas.chunks)}
    assert list(ring.customdata) == [rows[hit.chunk.id] for hit in result.hits[:2]]
    assert list(ring.text) == ["[1]", "[2]"]
    # A chunk id that is no hit of this answer is not ringed.
    fig = atlas.figure("document", result.query_vector, result.hits[:1], result.query, cited=cited)
    (ring,) = [trace for trace in fig.data if trace.name == CITED]
    assert list(ring.customdata) == [rows[result.hits[0].chunk.id]]


# -- the Ask page ------------------------------------------------------------------------------


@pytest.fixture
def app_env(data_dir, monkeypatch):
    with app_on(data_dir, monkeypatch):
        yield


def _ask(question: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.switch_page("pages/ask.py")
    app.run()
    assert not app.exception, app.exception
    next(s for s in app.slider if s.label == "Strictness").set_value(0.0).run()
    next(t for t in app.text_input if t.label == "Question").input(question)
    next(b for b in app.button if b.label == "Ask").click().run()
    assert not app.exception, app.exception
    return app


def _anchors(app: AppTest) -> list[str]:
    """The card anchors on the page, in order."""
    return [m.value for m in app.markdown if m.value.startswith("<a id=")]


def _ring(app: AppTest) -> dict:
    (chart,) = app.get("plotly_chart")
    traces = json.loads(chart.proto.spec)["data"]
    (ring,) = [trace for trace in traces if trace.get("name") == CITED]
    return ring


def _rows(data_dir: Path) -> dict[str, int]:
    """Row on the map of each file's (only) chunk: the map lists the store's chunks in order."""
    opened = open_store(Settings(data_dir=data_dir))
    try:
        chunks, _ = opened.embeddings("library")
    finally:
        opened.close()
    return {chunk.source: row for row, chunk in enumerate(chunks)}


def test_ask_page_links_extractive_citations_and_rings_them_on_the_map(app_env, data_dir):
    app = _ask(BREAD_QUESTION)
    (line,) = [m.value for m in app.markdown if "](#passage-" in m.value]
    assert line == (
        "Sourdough rises because wild yeast ferments the flour and makes carbon dioxide\\. "
        "[**\\[bread\\.txt\\]**](#passage-1)"
    )
    assert _anchors(app) == [
        f'<a id="passage-{n}" style="scroll-margin-top: 4rem"></a>' for n in (1, 2, 3)
    ]
    ring = _ring(app)
    assert list(ring["text"]) == ["[1]"]
    assert _values(ring["customdata"]) == [_rows(data_dir)["bread.txt"]]


@pytest.fixture
def llm(data_dir, monkeypatch):
    def handle(handler, body):
        start_stream(handler)
        for piece in ["Wild yeast makes gas [1]", " (see [1, 9])."]:
            send_piece(handler, piece)
        end_stream(handler)

    server = TinyOpenAI(handle)
    monkeypatch.setenv("EE_LLM_GENERATOR", "openai")
    monkeypatch.setenv("EE_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("EE_LLM_MODEL", "tiny")
    with app_on(data_dir, monkeypatch):
        yield server
    server.close()


def test_ask_page_links_generated_citations_and_rings_them_on_the_map(llm, data_dir):
    app = _ask(BREAD_QUESTION)
    (request,) = llm.requests
    assert '<passage n="1" source="bread.txt">' in request["messages"][1]["content"]
    answer_text = next(m.value for m in app.markdown if m.value.startswith("Wild yeast"))
    assert answer_text == (
        "Wild yeast makes gas [**\\[1\\]**](#passage-1) (see \\[[**1**](#passage-1), 9\\])."
    )
    sources = next(m.value for m in app.markdown if m.value.startswith("Sources: "))
    assert sources == "Sources: [**\\[1\\]**](#passage-1) bread\\.txt"
    assert _anchors(app)[0] == '<a id="passage-1" style="scroll-margin-top: 4rem"></a>'
    ring = _ring(app)
    assert list(ring["text"]) == ["[1]"]
    assert _values(ring["customdata"]) == [_rows(data_dir)["bread.txt"]]
