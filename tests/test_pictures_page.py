"""The Ask page with pictures: a CLIP collection (the tiny random CLIP) and a text collection.

Plumbing only: which elements appear and what they say, never whether the pictures fit.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.retrieval.originals import Originals
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests.appdata import app_on
from ui.pictures import NO_CLIP

ROOT = Path(__file__).resolve().parents[1]


def _png(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    out = BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory, clip) -> Path:
    directory = tmp_path_factory.mktemp("clip-data")
    store = open_store(Settings(data_dir=directory))
    ingestor = Ingestor(
        store=store,
        encoder=clip,
        collection="library",
        originals=Originals(directory / "originals"),
    )
    for seed in range(5):
        assert ingestor.ingest(_png(seed), f"picture-{seed}.png").status == "indexed"
    store.close()
    return directory


@pytest.fixture
def clip_env(clip_dir, monkeypatch):
    with app_on(clip_dir, monkeypatch):
        yield


def _ask_page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.switch_page("pages/ask.py")
    app.run()
    assert not app.exception, app.exception
    return app


def test_a_picture_query_shows_the_nearest_pictures_as_a_grid(clip_env):
    app = _ask_page()
    uploader = app.get_by_key("picture_query-0")
    uploader.upload("picture-3.png", _png(3), "image/png").run()
    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    images = app.image
    assert images[0].captions == ["Query: picture-3.png"]
    assert len(images) == 1 + 5  # the query, then one thumbnail per hit (k = 5)
    markdown = "\n".join(element.value for element in app.markdown)
    assert markdown.startswith("**1.** picture\\-3\\.png · score 1.000\n**2.** ")
    subheaders = [sub.value for sub in app.main.subheader]
    assert subheaders == ["Nearest pictures", "Where the picture lands"]


def test_a_text_question_shows_picture_hits_as_thumbnails(clip_env):
    app = _ask_page()
    app.get_by_key("picture_query-0").upload("q.png", _png(9), "image/png").run()
    assert app.image[0].captions == ["Query: q.png"]  # a picture search, until a question
    app.text_input[0].input("a photo of a dog")
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert len(app.image) == 5
    markdown = "\n".join(element.value for element in app.markdown)
    assert all(f"picture\\-{seed}\\.png" in markdown for seed in range(5))


def test_a_text_collection_says_how_to_add_a_clip_model(tmp_path, monkeypatch, minilm):
    store = open_store(Settings(data_dir=tmp_path))
    Ingestor(store=store, encoder=minilm, collection="library").ingest(b"Rivers erode.", "a.md")
    store.close()
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    try:
        app = _ask_page()
        assert [expander.label for expander in app.sidebar.expander] == ["Search pictures?"]
        assert NO_CLIP in [element.value for element in app.markdown]
    finally:
        st.cache_resource.clear()


def _lab_page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.switch_page("pages/lab.py")
    app.query_params["tab"] = "CLIP"
    app.run()
    assert not app.exception, app.exception
    return app


def test_the_clip_lesson_uses_the_collections_pictures(clip_env):
    app = _lab_page()
    assert not app.error, [error.value for error in app.error]
    shown = app.image[0].captions
    assert sorted(shown) == [f"picture-{seed}.png" for seed in range(5)]
    table = app.dataframe[0].value
    assert list(table.columns) == ["dog", "cat", "chart", "river"]
    assert list(table.index) == [f"{i}. {name}" for i, name in enumerate(shown, start=1)]
    np.testing.assert_allclose(table.to_numpy().sum(axis=1), 1.0, atol=1e-6)
    app.text_input(key="clip_labels").input("dog").run()
    assert [error.value for error in app.error] == [
        "Type at least two different labels, separated by commas."
    ]


def test_the_map_marks_pictures_in_the_hover(clip_env):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.switch_page("pages/map.py")
    app.run()
    assert not app.exception, app.exception
    (chart,) = app.get("plotly_chart")
    assert chart.proto.spec.count("picture (select it to see it)") == 5


def _selected_script() -> None:
    import streamlit as st

    from ui import pictures, resources

    st.session_state.shown = [
        chunk.source for chunk in resources.store().chunks("library") if chunk.is_image
    ]
    pictures.selected(resources.store().chunks("library"))


def test_selected_pictures_show_their_thumbnails(clip_env):
    app = AppTest.from_function(_selected_script, default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    (images,) = app.image
    assert images.captions == app.session_state.shown
    assert len(images.value) == 5
