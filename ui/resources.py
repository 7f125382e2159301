"""The one place where models and clients are created and cached for the whole server process.

Cached objects are shared by every session: never mutate them; per-user state lives in
st.session_state.
"""

from __future__ import annotations

import streamlit as st

from core.encoders import Encoder, load_encoder
from core.errors import UserError
from core.settings import Settings
from core.store import Store, open_store


@st.cache_resource
def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner="Opening the store…")
def _store() -> Store:
    return open_store(settings())


def store() -> Store:
    """The shared store; when it cannot be opened (server down, say), say why and stop the page."""
    try:
        return _store()
    except UserError as error:
        st.error(str(error))
        st.stop()


@st.cache_resource(max_entries=3, show_spinner="Loading the model (once per server)…")
def _encoder(name: str) -> Encoder:
    return load_encoder(name)


def encoder(name: str) -> Encoder:
    """The shared encoder for a model; when it cannot be loaded, say why and stop the page."""
    try:
        return _encoder(name)
    except UserError as error:
        st.error(str(error))
        st.stop()
