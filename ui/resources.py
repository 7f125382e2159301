"""The one place where models and clients are created and cached for the whole server process.

Cached objects are shared by every session: never mutate them; per-user state lives in
st.session_state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.errors import UserError
from core.map.atlas import CollectionMap, MapConfig, collection_map
from core.map.projection import ProjectionCache, warm_up
from core.retrieval.encoders import Encoder, load_encoder
from core.retrieval.rerank import Reranker, load_reranker
from core.retrieval.store import Store, open_store
from core.settings import Settings

T = TypeVar("T")


@st.cache_resource
def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner="Opening the store…")
def _store() -> Store:
    return open_store(settings())


def store() -> Store:
    """The shared store; when it cannot be opened (server down, say), say why and stop the page."""
    return _or_stop(_store)


@st.cache_resource(max_entries=3, show_spinner="Loading the model (once per server)…")
def _encoder(name: str) -> Encoder:
    return load_encoder(name)


def encoder(name: str) -> Encoder:
    """The shared encoder for a model; when it cannot be loaded, say why and stop the page."""
    return _or_stop(_encoder, name)


def _or_stop(make: Callable[..., T], *args: object) -> T:
    try:
        return make(*args)
    except UserError as error:
        st.error(str(error))
        st.stop()


@st.cache_resource(max_entries=2, show_spinner="Loading the reranker…")
def _reranker(name: str) -> Reranker:
    return load_reranker(name)


def reranker(name: str) -> Reranker | None:
    """The shared cross-encoder by name or folder; None, said why, when it cannot be loaded."""
    if not name.strip():
        return None
    try:
        return _reranker(name.strip())
    except UserError as error:
        st.warning(str(error))
        return None


@st.cache_resource
def warm_up_maps() -> threading.Thread:
    """Compile UMAP's numba code once per server, in the background, before the first map."""
    thread = threading.Thread(target=warm_up, name="umap-warm-up", daemon=True)
    thread.start()
    return thread


@st.cache_resource
def projection_cache() -> ProjectionCache:
    return ProjectionCache(settings().data_dir / "maps")


@st.cache_resource(max_entries=4, show_spinner="Drawing the map (the first one takes a while)…")
def _collection_map(collection: str, config: MapConfig, state: tuple) -> CollectionMap:
    return collection_map(store(), collection, projection_cache(), config)


def collection_map_or_none(
    collection: str, config: MapConfig | None = None
) -> CollectionMap | None:
    """The collection's map, cached per collection state; None, said why, when there is none."""
    config = config or MapConfig()
    documents = store().documents(collection)
    state = tuple((d.sha256, d.added_at) for d in documents)  # changes when documents do
    try:
        return _collection_map(collection, config, state)
    except UserError as error:
        st.info(str(error))
        return None
