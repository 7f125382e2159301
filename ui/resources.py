"""The one place where models and clients are created and cached for the whole server process.

Cached objects are shared by every session: never mutate them; per-user state lives in
st.session_state.
"""

from __future__ import annotations

import streamlit as st

from core.encoders import Encoder, load_encoder
from core.settings import Settings
from core.store import Store, open_store


@st.cache_resource
def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner="Opening the store…")
def store() -> Store:
    return open_store(settings())


@st.cache_resource(max_entries=3, show_spinner="Loading the model (once per server)…")
def encoder(name: str) -> Encoder:
    return load_encoder(name)
