"""The optional shared password (EE_APP_PASSWORD) in front of every page, run with AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import Settings
from tests.appdata import app_on
from ui import auth

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse 电池 staple"


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "WRONG_DELAY_S", 0.0)
    with app_on(tmp_path, monkeypatch):
        yield monkeypatch


def _open(page: str = "app.py") -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if page != "app.py":
        app.switch_page(page)
    app.run()
    assert not app.exception, app.exception
    return app


def _sign_in(app: AppTest, password: str) -> AppTest:
    app.text_input[0].input(password)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def _is_gate(app: AppTest) -> bool:
    return [t.label for t in app.text_input] == ["Password"] and not app.sidebar.children


def test_without_a_password_there_is_no_gate(app_env):
    app_env.delenv("EE_APP_PASSWORD", raising=False)
    app = _open()
    assert not _is_gate(app)
    assert app.info[0].value.startswith("Nothing is indexed yet.")
    assert Settings.from_env().app_password is None


@pytest.mark.parametrize("page", ["app.py", "pages/ask.py", "pages/library.py", "pages/map.py"])
def test_every_page_is_behind_the_gate(app_env, page):
    app_env.setenv("EE_APP_PASSWORD", PASSWORD)
    app = _open(page)
    assert _is_gate(app)
    assert [t.value for t in app.title] == ["Embedding Explorer"]
    assert not app.info and not app.error and not app.markdown


def test_a_wrong_password_is_refused_and_the_right_one_lets_this_session_in(app_env):
    app_env.setenv("EE_APP_PASSWORD", PASSWORD)
    app = _sign_in(_open(), PASSWORD[:-1])
    assert _is_gate(app)
    assert [e.value for e in app.error] == ["That password is not right."]
    app = _sign_in(app, PASSWORD)
    assert not _is_gate(app)
    assert app.info[0].value.startswith("Nothing is indexed yet.")
    app.switch_page("pages/library.py").run()  # the same session stays signed in
    assert not app.exception and not _is_gate(app)
    assert app.title[0].value == "Library"
    # Another session (a second browser) must sign in for itself.
    assert _is_gate(_open("pages/library.py"))


def test_the_password_never_shows_in_the_settings_repr():
    settings = Settings.from_env({"EE_APP_PASSWORD": PASSWORD})
    assert settings.app_password == PASSWORD
    assert PASSWORD not in repr(settings)
    assert Settings.from_env({"EE_APP_PASSWORD": ""}).app_password is None
