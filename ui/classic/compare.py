"""The Compare tab: negative sampling against hierarchical softmax, trained side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classic.evaluation import compare_objectives
from core.classic.report import OBJECTIVE_NAMES, comparison_table
from core.classic.training import EpochReport
from core.errors import UserError
from ui.classic.common import ClassicView
from ui.classic.settings import settings_form
from ui.render import md_escape


def show(view: ClassicView) -> None:
    st.markdown(
        "Negative sampling or hierarchical softmax? Both are trained here with the same "
        "settings on the same corpus, then timed and evaluated side by side."
    )
    model = view.model
    with st.form("compare"):
        config = settings_form("compare", view.defaults, False, model and model.vocab_size)
        submitted = st.form_submit_button("Train both and compare", type="primary")
    if submitted:
        progress = st.progress(0.0, text="Building the vocabulary…")

        def on_compare_epoch(objective: str, report: EpochReport) -> None:
            done = (objective == "hierarchical") * config.epochs + report.epoch
            progress.progress(
                done / (2 * config.epochs),
                text=f"{OBJECTIVE_NAMES[objective]}: epoch {report.epoch}/{config.epochs}",
            )

        try:
            runs = compare_objectives(view.corpus.sentences, config, on_compare_epoch)
        except UserError as error:
            st.warning(md_escape(str(error)))
        else:
            st.session_state.classic_compare = (
                view.selection.collection,
                view.corpus.fingerprint,
                runs,
            )
        progress.empty()
    compared = st.session_state.get("classic_compare")
    if compared and compared[0] == view.selection.collection:
        columns, table = comparison_table(compared[2])
        st.dataframe(pd.DataFrame(table, index=columns).T, width="stretch")
        st.caption(
            "The two final losses are different objectives (negative sampling's true-vs-noise "
            "loss, hierarchical softmax's path loss), so they are not comparable with each "
            "other, only across epochs. Quality: analogy accuracy and Spearman correlation "
            "with human similarity scores, on the questions whose words are all in the "
            "vocabulary (OOV: share skipped). On a small corpus few questions can be asked "
            "and the scores are noisy."
        )
