"""What every lab lesson shares: the language, the collection's corpus, progress, warnings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from core.classic.corpus import Corpus, build_corpus
from core.classic.storage import SMALL_CORPUS_WORDS
from core.records import Chunk
from ui import resources
from ui.lab.texts import LANGUAGES, LESSONS, SMALL_CORPUS
from ui.sidebar import Selection


@dataclass(frozen=True)
class Lab:
    """The page's state for a lesson: language, and the picked collection when it has text."""

    lang: str  # "en" or "zh"
    selection: Selection
    corpus: Corpus | None  # None when the collection is empty

    def text(self, en: str, zh: str) -> str:
        return zh if self.lang == "zh" else en


@st.cache_resource(max_entries=4, show_spinner="Reading and tokenising the collection…")
def _corpus(collection: str, state: tuple) -> Corpus:
    return build_corpus(resources.store().chunks(collection))


def corpus_of(selection: Selection) -> Corpus | None:
    """The collection's corpus, cached while its documents stay the same."""
    if not selection.exists:
        return None
    documents = resources.store().documents(selection.collection)
    if not documents:
        return None
    state = tuple((d.sha256, d.added_at) for d in documents)
    corpus = _corpus(selection.collection, state)
    return corpus if corpus.words else None


def language_switch() -> str:
    """The lessons' language (sidebar), remembered for the session."""
    with st.sidebar:
        st.subheader("Lessons in")
        choice = st.segmented_control(
            "Language",
            list(LANGUAGES),
            format_func=LANGUAGES.get,
            default="en",
            key="lab_lang",
            persist_state="page",
            label_visibility="collapsed",
        )
    return choice or "en"


def explain(lab: Lab, lesson: str) -> None:
    """The lesson's explanation in the chosen language, the other one a click away."""
    other = "en" if lab.lang == "zh" else "zh"
    st.info(LESSONS[lesson][lab.lang])
    with st.expander(LANGUAGES[other]):
        st.markdown(LESSONS[lesson][other])


def need_corpus(lab: Lab) -> Corpus | None:
    """The corpus, or a hint and None when the collection has no text."""
    if lab.corpus is None:
        st.info(
            lab.text(
                "This lesson trains on a collection: pick one with documents in the sidebar, or "
                "load the sample corpus from the Home page.",
                "本课需要一个有文档的集合：请在侧栏选择，或在首页加载示例语料。",
            )
        )
    return lab.corpus


def small_corpus_warning(lab: Lab, words: int) -> None:
    if words < SMALL_CORPUS_WORDS:
        st.caption(f"⚠️ {SMALL_CORPUS[lab.lang]} ({words:,} words)")


def progress(label: str, total: int) -> Callable[..., None]:
    """A progress bar and a callback that advances it one step per call."""
    bar = st.progress(0.0, text=label)
    done = [0]

    def step(*_: object) -> None:
        done[0] += 1
        bar.progress(min(done[0] / max(total, 1), 1.0), text=f"{label} {done[0]}/{total}")

    return step


def snippet(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def chunk_label(chunk: Chunk) -> str:
    return f"{chunk.where} #{chunk.index + 1}"


def remember(key: str, stamp: object, value: object) -> None:
    """Keep a lesson's result for this session, with what it was computed from."""
    st.session_state[key] = (stamp, value)


def recall(key: str, stamp: object) -> object | None:
    """The lesson's result if it was computed from stamp (the same corpus and settings)."""
    kept = st.session_state.get(key)
    return kept[1] if kept is not None and kept[0] == stamp else None
