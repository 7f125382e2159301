"""The Unseen words tab: Word2Vec has no vector for them, FastText builds one from n-grams."""

from __future__ import annotations

import streamlit as st

from core.classic.report import ALGORITHM_NAMES
from core.classic.training import char_ngrams, in_vocabulary, neighbours
from core.errors import UserError
from ui.classic.common import ClassicView, neighbours_table, text_form
from ui.render import md_escape


def show(view: ClassicView) -> None:
    st.markdown(
        "Word2Vec has one vector per vocabulary word and nothing for any other word. FastText "
        "also learns vectors for character n-grams, and builds a vector for any word from "
        "its n-grams."
    )
    unseen = text_form(
        "unseen", "A word the corpus never uses", "riverbanks", "unseen_word", "Look up"
    )
    st.caption("中文: try 苹果汁 or 长江水 on the sample corpus.")
    for column, algorithm in zip(st.columns(2), ALGORITHM_NAMES):
        with column:
            st.subheader(ALGORITHM_NAMES[algorithm])
            entry = view.saved.get(algorithm)
            if entry is None:
                st.info(f"No {ALGORITHM_NAMES[algorithm]} model yet: train one on the Train tab.")
                continue
            if not unseen.strip():
                continue
            key = unseen.strip().lower()
            known = in_vocabulary(entry.model, key)
            st.caption(f"'{md_escape(key)}' is {'in' if known else 'not in'} the vocabulary.")
            if algorithm == "fasttext":
                grams = char_ngrams(entry.model, key)
                st.markdown("**Character n-grams** (< and > mark the word's edges)")
                st.markdown(" ".join(f":blue-background[{md_escape(g)}]" for g in grams))
            try:
                found = neighbours(entry.model, key, 8)
            except UserError as error:
                st.warning(md_escape(str(error)))
            else:
                st.markdown("**Nearest vocabulary words**")
                neighbours_table(found)
