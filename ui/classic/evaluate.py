"""The Evaluate tab: the current model on analogy and word-similarity benchmarks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classic.evaluation import EvalResult, evaluate
from core.classic.report import ALGORITHM_NAMES, evaluation_rows, summary
from core.classic.training import TrainedModel
from ui.classic.common import ClassicView, needs_model


@st.cache_data(max_entries=20, show_spinner=False)
def _evaluation(state: str, _model: TrainedModel) -> list[EvalResult]:
    return evaluate(_model)


@needs_model
def show(view: ClassicView, model: TrainedModel) -> None:
    st.caption(f"{ALGORITHM_NAMES[model.config.algorithm]}: {summary(view.current)}")
    results = _evaluation(view.stamp, model)
    st.dataframe(pd.DataFrame(evaluation_rows(results)), hide_index=True, width="stretch")
    st.caption(
        "Analogies: share of a : b :: c : ? questions answered exactly. Word pairs: "
        "Spearman correlation of cosine similarity with human ratings. Only items whose "
        "words are all in the vocabulary count (OOV share: the rest). Quality is driven by "
        "corpus size: a few documents cover a small share of the benchmarks and give noisy "
        "scores; millions of words are needed for the published numbers."
    )
