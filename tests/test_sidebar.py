"""The collection picker keeps a session's choice when other sessions change the collections."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.retrieval.encoders import E5_SMALL
from tests.appdata import app_on
from ui import resources
from ui.sidebar import NEW

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    with app_on(tmp_path, monkeypatch):
        yield


def _library() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.switch_page("pages/library.py")
    app.run()
    assert not app.exception, app.exception
    return app


def _target(app: AppTest) -> str:
    return next(m.value for m in app.markdown if m.value.startswith("Add files to "))


def test_a_new_collection_being_named_survives_another_session_creating_one(app_env):
    app = _library()
    app.sidebar.selectbox[0].select(NEW).run()
    app.sidebar.text_input[0].input("mine").run()
    assert _target(app) == "Add files to **mine** (model `e5-small`)"

    # Another browser's job creates a collection (the store is shared by the server's sessions).
    resources.store().ensure_collection("theirs", E5_SMALL, 384)
    app.run()
    assert not app.exception, app.exception
    assert app.sidebar.selectbox[0].value == NEW
    assert app.sidebar.text_input[0].value == "mine"
    assert _target(app) == "Add files to **mine** (model `e5-small`)"
