"""What the Classic tabs share: the collection's corpus, its saved models, and small widgets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import pandas as pd
import streamlit as st

from core.classic import storage as classic_store
from core.classic.corpus import Corpus, build_corpus
from core.classic.report import ALGORITHM_NAMES, snippet
from core.classic.training import TrainConfig, TrainedModel
from core.errors import UserError
from core.records import Chunk
from ui import resources
from ui.render import md_escape
from ui.sidebar import Selection


@dataclass(frozen=True)
class ClassicView:
    """What every tab works on: the collection, its corpus and its trained models."""

    selection: Selection
    data_dir: str
    corpus: Corpus
    saved: dict[str, classic_store.SavedModel]  # algorithm -> its latest model
    current: classic_store.SavedModel | None  # the one picked in the sidebar
    stamp: str | None  # the current model's saved state: a cache key
    defaults: TrainConfig  # suggested for the corpus size

    @property
    def model(self) -> TrainedModel | None:
        return None if self.current is None else self.current.model


# --- Cached work: shared by sessions, keyed on the state of what it was computed from ------


@st.cache_resource(max_entries=4, show_spinner="Reading and tokenising the collection…")
def _corpus(collection: str, state: tuple) -> Corpus:
    return build_corpus(resources.store().chunks(collection))


@st.cache_resource(max_entries=6, show_spinner="Loading the trained model…")
def _saved(data_dir: str, collection: str, algorithm: str, state: str):
    return classic_store.load_model(Path(data_dir), collection, algorithm)


def open_view(selection: Selection) -> ClassicView:
    """The collection's corpus and saved models; the model picker in the sidebar.

    Stops the page with a hint when the collection is gone or has no words.
    """
    settings = resources.settings()
    data_dir = str(settings.data_dir)
    infos = resources.store().collections()
    info = next((i for i in infos if i.name == selection.collection), None)
    if info is None:  # deleted meanwhile
        st.info("This collection no longer exists.")
        st.stop()
    corpus = _corpus(
        selection.collection, (data_dir, settings.chroma_host, info.documents, info.chunks)
    )
    if not corpus.words:
        st.info("The documents of this collection have no words to train on.")
        st.stop()
    stamps = {
        a: classic_store.saved_state(data_dir, selection.collection, a) for a in ALGORITHM_NAMES
    }
    saved = {}
    for algorithm, state in stamps.items():
        try:
            loaded = (
                None if state is None else _saved(data_dir, selection.collection, algorithm, state)
            )
        except UserError as error:
            st.warning(md_escape(f"{ALGORITHM_NAMES[algorithm]}: {error}"))
        else:
            if loaded is not None:
                saved[algorithm] = loaded

    if "classic_next" in st.session_state:  # a model just trained: explore it
        st.session_state.classic_model = st.session_state.pop("classic_next")
    if st.session_state.get("classic_model") not in saved:
        st.session_state.pop("classic_model", None)
    current = stamp = None
    with st.sidebar:
        st.subheader("Word vectors")
        if saved:
            chosen = st.radio(
                "Model to explore",
                list(saved),
                format_func=ALGORITHM_NAMES.get,
                key="classic_model",
            )
            current, stamp = saved[chosen], stamps[chosen]
            model = current.model
            st.caption(f"{model.vocab_size:,} words × {model.wv.vector_size} dimensions")
            if current.fingerprint != corpus.fingerprint:
                st.warning(
                    "Trained on an older state of this collection (documents were added or "
                    "removed since): train again to include them."
                )
        else:
            st.caption("No model trained on this collection yet.")

    st.caption(
        f"Corpus: {len(corpus.texts)} documents · {len(corpus.sentences):,} sentences · "
        f"{corpus.words:,} words · {corpus.vocabulary:,} distinct (jieba segments Chinese)"
    )
    defaults = classic_store.suggested_config(corpus.words)
    return ClassicView(selection, data_dir, corpus, saved, current, stamp, defaults)


# --- Widgets ---------------------------------------------------------------------------------


def needs_model(
    body: Callable[[ClassicView, TrainedModel], None],
) -> Callable[[ClassicView], None]:
    """A tab that explores the current model; without one it says to train one first."""

    @wraps(body)
    def show(view: ClassicView) -> None:
        if view.model is None:
            st.info("No model yet: train one on the Train tab.")
        else:
            body(view, view.model)

    return show


def text_form(
    form: str,
    label: str,
    value: str,
    key: str,
    button: str,
    widths: tuple[int, int] = (3, 1),
    primary: bool = False,
) -> str:
    """A one-line text input with its button beside it, submitted together; the text."""
    with st.form(form, border=False):
        left, right = st.columns(list(widths), vertical_alignment="bottom")
        text = left.text_input(label, value, key=key, persist_state="page")
        right.form_submit_button(button, type="primary" if primary else "secondary")
    return text


def neighbours_table(found: list[tuple[str, float]], width: int | str = "stretch") -> None:
    """Words and their cosine similarity, most similar first."""
    st.dataframe(pd.DataFrame(found, columns=["Word", "Cosine"]), hide_index=True, width=width)


def show_hits(found: list[tuple[Chunk, float]]) -> None:
    """(chunk, score) pairs, best first, as cards; document text is escaped."""
    for rank, (chunk, score) in enumerate(found, start=1):
        with st.container(border=True):
            st.markdown(f"**{rank}. {md_escape(chunk.where)}** · score {score:.3f}")
            st.caption(md_escape(snippet(chunk.text)))
