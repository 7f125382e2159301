"""The one place where models and clients are created and cached for the whole server process.

Cached objects are shared by every session: never mutate them; per-user state lives in
st.session_state.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import streamlit as st

from core.errors import UserError
from core.map.atlas import CollectionMap, MapConfig, collection_map
from core.map.projection import ProjectionCache
from core.map.projection import warm_up as warm_up_maps
from core.retrieval.answerability import Baseline, BaselineCache, read_word_lists
from core.retrieval.embedding_cache import EmbeddingCache
from core.retrieval.encoders import Encoder, load_encoder
from core.retrieval.generate import Generator, open_generator
from core.retrieval.originals import Originals
from core.retrieval.rerank import Reranker, load_reranker
from core.retrieval.second_opinion import second_opinion
from core.retrieval.store import Store, open_store
from core.settings import Settings
from ingest.service import IngestService

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


@st.cache_resource
def embedding_cache() -> EmbeddingCache:
    return EmbeddingCache(settings().embedding_cache_path)


@st.cache_resource
def originals() -> Originals:
    return Originals(settings().originals_dir)


@st.cache_resource(max_entries=3, show_spinner="Loading the model (once per server)…")
def _encoder(name: str) -> Encoder:
    return load_encoder(name, settings().device)


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
def warm_up() -> threading.Thread:
    """Once per server, in the background: compile UMAP's numba code before the first map, and
    read the word lists (answerability.read_word_lists: about 2 s) and load the second opinion
    on answers (core.retrieval.second_opinion: 1.5 s) before the first answer."""
    thread = threading.Thread(target=_warm_up, name="warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up() -> None:
    read_word_lists()
    second_opinion()
    warm_up_maps()


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
    config = replace(config or MapConfig(), max_points=settings().map_max_points)
    documents = store().documents(collection)
    state = tuple((d.sha256, d.added_at) for d in documents)  # changes when documents do
    try:
        return _collection_map(collection, config, state)
    except UserError as error:
        st.info(str(error))
        return None


@st.cache_resource
def baseline_cache() -> BaselineCache:
    return BaselineCache(settings().data_dir / "baselines")


def baseline(collection: str, encoder: Encoder) -> Baseline:
    """What unrelated questions score on the collection: measured once per collection state."""
    with st.spinner("Measuring what unrelated questions score here (once per collection)…"):
        return baseline_cache().get(store(), encoder, collection)


@st.cache_resource(show_spinner=False, on_release=IngestService.stop)
def _ingest() -> IngestService:
    shared_store, baselines = _store(), baseline_cache()

    def measure(collection: str, encoder: Encoder) -> Baseline:
        return baselines.get(shared_store, encoder, collection)

    return IngestService(settings(), shared_store, originals(), measure).start()


def ingest() -> IngestService:
    """The ingest service: queues jobs, runs the worker process, stores what it prepares."""
    return _or_stop(_ingest)


def resume_ingest() -> None:
    """Start the ingest service on the first page view, so jobs an earlier run left go on."""
    with contextlib.suppress(UserError):  # no store now: the pages that need one say so
        _ingest()


def llm_api_key() -> str | None:
    """The endpoint key: Streamlit secrets first, then EE_LLM_API_KEY / OPENAI_API_KEY."""
    try:
        secret = st.secrets.get("EE_LLM_API_KEY") or st.secrets.get("OPENAI_API_KEY")
    except Exception:  # no secrets file: the environment decides
        secret = None
    return secret or settings().llm_api_key


@st.cache_resource(max_entries=2, show_spinner="Loading the language model (once per server)…")
def generator(kind: str, base_url: str | None, model: str | None) -> Generator:
    """The shared generator for a choice; raises UserError (shown by the caller) when it can't."""
    config = settings()
    return open_generator(
        kind,
        base_url=base_url,
        model=model,
        api_key=llm_api_key(),
        context_window=config.llm_context,
        timeout=config.llm_timeout,
    )
