"""The sidebar shared by the pages: which collection, and which model it uses."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.retrieval.cli import DEFAULT_COLLECTION
from core.retrieval.encoders import BUNDLED_MODELS
from core.text import count_noun
from ui import resources

NEW = "➕ New collection…"


@dataclass(frozen=True)
class Selection:
    collection: str
    model: str
    exists: bool


def collection_picker() -> Selection:
    """Pick an existing collection, or name a new one and its model; remembered per session."""
    infos = {info.name: info for info in resources.store().collections()}
    names = sorted(infos) or [DEFAULT_COLLECTION]
    choices = [*names, NEW]
    remembered = st.session_state.get("collection")
    # The box is redrawn afresh whenever its options change, in every session (another user's
    # job adds a collection or a document): a remembered name not (yet) listed is one this
    # session is naming, so it stays on "New collection…" instead of jumping to another's.
    if remembered in choices:
        index = choices.index(remembered)
    else:
        index = len(choices) - 1 if remembered else 0
    with st.sidebar:
        st.subheader("Collection")
        choice = st.selectbox(
            "Collection",
            choices,
            index=index,
            label_visibility="collapsed",
            format_func=lambda name: _label(name, infos),
        )
        if choice == NEW:
            name = st.text_input("Name", placeholder="e.g. papers, 论文", max_chars=100).strip()
            st.session_state.collection = name or NEW
            model = _model_picker()
            if not name:
                st.caption("Name the collection, then add files on the Library page.")
                st.stop()
            if name in infos:
                return Selection(name, infos[name].model, True)
            return Selection(name, model, False)
        st.session_state.collection = choice
        if choice in infos:
            info = infos[choice]
            st.caption(
                f"Model: `{info.model}` · {count_noun(info.documents, 'document')} · "
                f"{count_noun(info.chunks, 'chunk')}"
            )
            return Selection(choice, info.model, True)
        model = _model_picker()
        return Selection(choice, model, False)


def _model_picker() -> str:
    options = list(BUNDLED_MODELS)
    model = st.selectbox(
        "Model",
        [*options, "Other (sentence-transformers)…"],
        help="\n\n".join(f"**{key}**: {text}" for key, text in BUNDLED_MODELS.items()),
    )
    if model in options:
        return model
    custom = st.text_input(
        "Model name or local folder",
        placeholder="BAAI/bge-small-en-v1.5",
        help="A CLIP model (clip-ViT-B-32, clip-ViT-B-32-multilingual-v1 or a local CLIP "
        "folder) makes an image collection: pictures and PDF figures, searched by text or by "
        "picture. None is installed here; a hub name needs internet once.",
    )
    return custom.strip() or options[0]


def _label(name: str, infos: dict) -> str:
    if name == NEW or name not in infos:
        return name if name == NEW else f"{name} (empty)"
    info = infos[name]
    return f"{name} · {count_noun(info.documents, 'doc')}"


def existing_collection() -> Selection:
    """The picked collection; the page stops with a hint when it has nothing in it yet."""
    selection = collection_picker()
    if not selection.exists:
        st.info(
            "This collection is empty: add files on the Library page, or load the sample "
            "corpus from the Home page."
        )
        st.stop()
    return selection
