"""Data folders for page tests: a few texts indexed with a real encoder, and the app on one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st

from core.retrieval.encoders import Encoder
from core.retrieval.originals import Originals
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.pipeline import Ingestor


def indexed_folder(
    directory: Path,
    encoder: Encoder,
    texts: Mapping[str, str],
    collection: str = "library",
    keep_originals: bool = False,
) -> Path:
    """directory as a data folder holding texts (file name -> text) in one collection."""
    settings = Settings(data_dir=directory)
    store = open_store(settings)
    originals = Originals(settings.originals_dir) if keep_originals else None
    ingestor = Ingestor(store, encoder, collection, originals=originals)
    for name, text in texts.items():
        result = ingestor.ingest(text.encode(), name)
        assert result.status == "indexed", result.line()
    store.close()
    return directory


@contextmanager
def app_on(directory: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's settings, store, models and data read from directory while inside."""
    monkeypatch.setenv("EE_DATA_DIR", str(directory))
    _clear()  # settings, the store and what was read from it are cached per server process
    try:
        yield
    finally:
        _clear()


def _clear() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()
