"""What users do on the pages beyond reading them: select on a map, download, unlock a PDF.

Run headless with AppTest against a real store and the real model. AppTest cannot click a
Plotly chart, so a selection is sent the way the browser sends it: Streamlit's frontend turns
Plotly's selection event into JSON (each point's fields in snake_case, without data/fullData)
and stores it as the chart's widget value; the page then reruns with it.
"""

from __future__ import annotations

import base64
import codecs
import io
import json
import socket
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core.map.atlas import MapConfig, collection_map
from core.map.projection import ProjectionCache
from core.retrieval.encoders import BUNDLED_MODELS
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.queue import JobQueue
from tests import pdfs
from tests.appdata import app_on
from tests.test_pages import FASTTEXT, TEA, _page, app_env, data_dir  # noqa: F401
from ui.render import md_escape


@pytest.fixture
def downloads(monkeypatch) -> dict[str, tuple[str, bytes]]:
    """What each download button hands the browser: file name -> (MIME type, bytes)."""
    files: dict[str, tuple[str, bytes]] = {}
    add = MediaFileManager.add

    def recording_add(self, data, mimetype, coordinates, file_name=None, **kwargs):
        files[file_name] = (mimetype, data)
        return add(self, data, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", recording_add)
    return files


def _values(values: object) -> list:
    """A trace's array from the figure JSON (plotly sends numpy arrays as base64 typed arrays)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)  # type: ignore[call-overload]


def _chart(app: AppTest, key: str):
    (chart,) = [chart for chart in app.get("plotly_chart") if chart.key == key]
    return chart


def _traces(app: AppTest, key: str) -> list[dict]:
    return json.loads(_chart(app, key).proto.spec)["data"]


def _select(app: AppTest, key: str, picks: Sequence[tuple[int, int]]) -> AppTest:
    """Rerun the page as after selecting these (trace, point) pairs on the chart with this key."""
    chart = _chart(app, key)
    traces = json.loads(chart.proto.spec)["data"]
    points = []
    for curve, index in picks:
        trace = traces[curve]
        # Plotly's event point: its trace and index, coordinates, and the per-point arrays.
        point = {
            "curve_number": curve,
            "point_number": index,
            "point_index": index,
            "x": _values(trace["x"])[index],
            "y": _values(trace["y"])[index],
        }
        for name in ("customdata", "hovertext", "text"):
            if name in trace:
                point[name] = _values(trace[name])[index]
        points.append(point)
    selection = {
        "points": points,
        "point_indices": sorted({point["point_index"] for point in points}),
        "box": [],
        "lasso": [],
    }
    states = app._tree.get_widget_states()
    state = states.widgets.add()
    state.id = chart.proto.id
    state.string_value = json.dumps({"selection": selection})
    app._run(states)
    assert not app.exception, app.exception
    return app


def _ask(question: str) -> AppTest:
    app = _page("pages/ask.py")
    app.text_input[0].input(question)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


# --- Map page ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("app_env")
def test_map_selection_lists_the_chunks_and_downloads_them(downloads):
    app = _page("pages/map.py")
    traces = _traces(app, "map")
    names = [trace["name"] for trace in traces]
    tea, fasttext = names.index("茶.txt"), names.index("fasttext.md")
    app = _select(app, "map", [(tea, 0), (fasttext, 0), (tea, 0)])  # a point twice: one row
    assert app.subheader[0].value == "2 selected"
    table = app.dataframe[0].value
    rows = sorted(
        [_values(traces[tea]["customdata"])[0], _values(traces[fasttext]["customdata"])[0]]
    )
    by_row = {
        _values(traces[tea]["customdata"])[0]: TEA,
        _values(traces[fasttext]["customdata"])[0]: FASTTEXT,
    }
    assert list(table.columns) == ["Source", "Page", "Cluster", "Text"]
    assert list(table["Text"]) == [by_row[row] for row in rows]  # in map-row order
    assert sorted(table["Source"]) == ["fasttext.md", "茶.txt"]
    assert list(table["Page"]) == ["", ""]  # text files have no pages

    mimetype, data = downloads["selection.csv"]
    assert mimetype == "text/csv"
    assert data.startswith(codecs.BOM_UTF8)  # so spreadsheet programs read the Chinese right
    csv = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert csv.to_dict("records") == table.to_dict("records")

    # The honesty check below the table is about the first selected chunk.
    first = by_row[rows[0]]
    source = "茶.txt" if first == TEA else "fasttext.md"
    assert any(
        element.value.startswith(f"For **{md_escape(source)}** ") for element in app.markdown
    )


@pytest.mark.usefixtures("app_env")
def test_map_without_a_selection_asks_for_one(downloads):
    app = _select(_page("pages/map.py"), "map", [])
    assert app.info[0].value.startswith("Select points on the map")
    assert not app.dataframe and downloads == {}


# --- Ask page ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("app_env")
def test_ask_downloads_hold_the_answers_passages(downloads):
    question = "龙井茶产自哪里？"
    app = _ask(question)
    _, result = app.session_state["answer"]
    assert [hit.chunk.source for hit in result.hits][0] == "茶.txt"

    mimetype, data = downloads["results.json"]
    assert mimetype == "application/json"
    assert "龙井茶产自浙江杭州西湖一带" in data.decode("utf-8")  # readable, not \\u escapes
    exported = json.loads(data)
    assert exported["query"] == question
    assert [r["rank"] for r in exported["results"]] == [1, 2, 3]
    assert [r["source"] for r in exported["results"]] == [h.chunk.source for h in result.hits]
    assert [r["text"] for r in exported["results"]] == [h.chunk.text for h in result.hits]
    assert exported["results"][0]["text"] == TEA
    assert [r["score"] for r in exported["results"]] == [round(h.score, 4) for h in result.hits]
    assert [r["chunk_id"] for r in exported["results"]] == [h.chunk.id for h in result.hits]

    mimetype, data = downloads["results.csv"]
    assert mimetype == "text/csv" and data.startswith(codecs.BOM_UTF8)
    csv = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(csv.columns) == list(exported["results"][0])
    assert list(csv["text"]) == [TEA, *[h.chunk.text for h in result.hits[1:]]]
    assert list(csv["source"]) == [r["source"] for r in exported["results"]]
    assert list(csv["rank"]) == [1, 2, 3]
    assert csv["page"].isna().all()  # text files have no pages


@pytest.mark.usefixtures("app_env")
def test_clicking_the_question_star_and_passages_on_the_ask_map():
    app = _ask("How does FastText handle unseen words?")
    traces = _traces(app, "ask_map")
    names = [trace["name"] for trace in traces]
    star, hits = names.index("query"), names.index("hits")
    assert "customdata" not in traces[star]  # the question is not a chunk
    tea = names.index("茶.txt")
    app = _select(app, "ask_map", [(star, 0), (hits, 0), (tea, 0)])
    shown = [element.value for element in app.markdown if element.value.startswith("**")]
    cards = [text for text in shown if "  \n" in text]
    assert sorted(cards) == sorted(
        [f"**fasttext\\.md**  \n{md_escape(FASTTEXT)}", f"**茶\\.txt**  \n{md_escape(TEA)}"]
    )


@pytest.mark.usefixtures("app_env")
def test_only_the_star_selected_shows_no_chunk():
    app = _ask("How does FastText handle unseen words?")
    star = [trace["name"] for trace in _traces(app, "ask_map")].index("query")
    app = _select(app, "ask_map", [(star, 0)])
    assert not [element.value for element in app.markdown if "  \n" in element.value]


# --- Library page: encrypted PDFs -------------------------------------------------------------


@pytest.fixture
def empty_env(tmp_path, monkeypatch):
    with app_on(tmp_path / "data", monkeypatch):
        yield


def _finish_job(app: AppTest) -> AppTest:
    """Wait for the page's jobs (in the worker process), then rerun as the page's timer would."""
    queue = JobQueue(Settings.from_env().jobs_dir)
    deadline = time.monotonic() + 300
    while any(not job.done for job in queue.jobs(app.session_state["owner"])):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.2)
    app.run()
    assert not app.exception, app.exception
    return app


def test_an_encrypted_pdf_is_indexed_after_its_password_is_given(empty_env):
    text = "The secret recipe uses saffron and cardamom in the dough."
    locked = pdfs.encrypted_pdf(pdfs.english_pdf([text]), "s3cret")
    app = _page("pages/library.py")
    app.file_uploader[0].upload("locked.pdf", locked, "application/pdf")
    app.run()
    [index] = [button for button in app.button if button.label == "Index files"]
    index.click().run()
    app = _finish_job(app)
    assert app.warning[0].value == "Some PDFs are encrypted. Give their passwords to index them."
    assert [t.label for t in app.text_input] == ["Password for locked\\.pdf"]
    assert "No documents yet" in app.info[0].value

    # A wrong password: the form comes back and nothing is stored.
    app.text_input(key="pw0").input("guess")
    [unlock] = [button for button in app.button if button.label == "Unlock and index"]
    unlock.click().run()
    app = _finish_job(app)
    assert any("locked\\.pdf" in m.value and "failed" in m.value for m in app.markdown)
    assert [t.label for t in app.text_input] == ["Password for locked\\.pdf"]

    app.text_input(key="pw0").input("s3cret")
    [unlock] = [button for button in app.button if button.label == "Unlock and index"]
    unlock.click().run()
    app = _finish_job(app)
    assert not app.text_input  # the form is gone
    assert list(app.dataframe[0].value["Name"]) == ["locked.pdf"]
    assert app.expander[1].markdown[0].value == md_escape(text)


def test_selected_rows_skip_the_star_repeats_and_rows_gone_since(data_dir, tmp_path):  # noqa: F811
    store = open_store(Settings(data_dir=data_dir))
    atlas = collection_map(store, "library", ProjectionCache(tmp_path), MapConfig())
    assert len(atlas.chunks) == 3
    star = {"curve_number": 3, "point_number": 0, "point_index": 0, "x": 0.5, "y": -0.25}
    points = [
        star,
        {
            "curve_number": 0,
            "point_number": 0,
            "point_index": 0,
            "x": 1.0,
            "y": 2.0,
            "customdata": 2,
        },
        {
            "curve_number": 1,
            "point_number": 0,
            "point_index": 0,
            "x": 3.0,
            "y": 1.0,
            "customdata": 0,
        },
        {
            "curve_number": 4,
            "point_number": 0,
            "point_index": 0,
            "x": 1.0,
            "y": 2.0,
            "customdata": 2,
        },
        {
            "curve_number": 0,
            "point_number": 1,
            "point_index": 1,
            "x": 0.0,
            "y": 0.0,
            "customdata": 3,
        },
    ]
    assert atlas.selected_rows(points) == [0, 2]
    assert atlas.selected_rows([star]) == []


# --- Messages instead of tracebacks -----------------------------------------------------------


def test_every_page_says_when_the_chroma_server_is_unreachable(tmp_path, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the probe is
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EE_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("EE_CHROMA_PORT", str(port))
    st.cache_resource.clear()
    try:
        for name in ("app.py", "pages/library.py", "pages/ask.py", "pages/map.py"):
            app = _page(name)  # no exception
            (error,) = app.error
            assert error.value.startswith(
                f"Could not reach the Chroma server at 127.0.0.1:{port} ("
            ), name
            assert error.value.endswith("); is it running?"), name
    finally:
        st.cache_resource.clear()
    assert not (tmp_path / "data").exists()


def test_library_says_when_a_model_name_is_unknown(empty_env):
    app = _page("pages/library.py")
    app.selectbox[0].set_value("➕ New collection…").run()
    app.text_input[0].input("papers").run()
    [model] = [box for box in app.selectbox if box.label == "Model"]
    model.set_value("Other (sentence-transformers)…").run()
    [custom] = [box for box in app.text_input if box.label == "Model name or local folder"]
    custom.input("no-such-model").run()
    app.file_uploader[0].upload("note.md", b"A short note.", "text/markdown")
    app.run()
    [index] = [button for button in app.button if button.label == "Index files"]
    index.click().run()
    assert not app.exception, app.exception
    (error,) = app.error
    assert error.value.startswith("Could not load the model 'no-such-model' (")
    assert f"Use a bundled model ({', '.join(BUNDLED_MODELS)})" in error.value
    assert "job_uploads" not in app.session_state  # nothing was queued
