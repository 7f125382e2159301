"""One upload limit: the uploader says the number the app enforces (EE_MAX_FILE_MB)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from core.errors import UserError
from core.settings import Settings
from ingest.extract import Limits, extract

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def library(tmp_path, monkeypatch):
    """Run the Library page on an empty data folder with the given EE_MAX_FILE_MB."""

    def run(max_file_mb: str | None) -> AppTest:
        monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
        if max_file_mb is None:
            monkeypatch.delenv("EE_MAX_FILE_MB", raising=False)
        else:
            monkeypatch.setenv("EE_MAX_FILE_MB", max_file_mb)
        st.cache_resource.clear()
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        app.switch_page("pages/library.py")
        app.run()
        assert not app.exception, app.exception
        return app

    yield run
    st.cache_resource.clear()


def test_config_ceiling_is_the_apps_default_limit():
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["maxUploadSize"] == Settings().max_file_mb == 100
    assert Limits().max_bytes == Settings().max_file_bytes


def test_start_script_raises_the_server_ceiling_to_the_apps_limit():
    start = (ROOT / "scripts" / "start.sh").read_text()
    assert 'app.py --server.maxUploadSize "${EE_MAX_FILE_MB:-100}" "$@"' in start


@pytest.mark.parametrize("setting", [None, "7"])
def test_uploader_says_the_limit_the_app_enforces(library, setting):
    app = library(setting)
    expected = Settings.from_env().max_file_mb
    assert expected == (100 if setting is None else 7)
    uploader = app.file_uploader[0]
    assert uploader.proto.max_upload_size_mb == expected
    assert f"up to {expected} MB and " in uploader.help
    # One byte over that number is refused by the app with the same number in the message.
    limits = Limits(max_bytes=Settings.from_env().max_file_bytes)
    too_big = b"a" * (expected * 1024 * 1024 + 1)
    limit = f"{expected * 1024 * 1024:,}"
    with pytest.raises(UserError, match=rf"too large \(\S+ bytes; the limit is {limit} bytes\)"):
        extract(too_big, "big.txt", limits=limits)


def test_a_lower_server_ceiling_is_what_the_uploader_says(library):
    before = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 30)
    try:
        app = library("500")
    finally:
        config.set_option("server.maxUploadSize", before)
    assert app.file_uploader[0].proto.max_upload_size_mb == 30
    assert "up to 30 MB and " in app.file_uploader[0].help
