"""The Train tab: settings, a live training with its loss, and the latest models."""

from __future__ import annotations

import streamlit as st

from core.classic import storage as classic_store
from core.classic.report import ALGORITHM_NAMES, summary
from core.classic.training import EpochReport, TrainedModel, train
from core.errors import UserError
from ui.classic.common import ClassicView
from ui.classic.settings import loss_charts, settings_form
from ui.render import md_escape


def show(view: ClassicView) -> None:
    model = view.model
    with st.form("train"):
        config = settings_form("train", view.defaults, True, model and model.vocab_size)
        submitted = st.form_submit_button("Train", type="primary", icon=":material/play_arrow:")
    if submitted:
        progress = st.progress(0.0, text="Building the vocabulary…")
        live = st.empty()
        reports: list[EpochReport] = []

        def on_epoch(report: EpochReport) -> None:
            reports.append(report)
            progress.progress(
                report.epoch / config.epochs,
                text=f"Epoch {report.epoch}/{config.epochs} · loss {report.loss:.3f} · "
                f"{report.words_per_second:,.0f} words/s · {report.elapsed:.1f} s",
            )
            with live.container():
                loss_charts(reports)

        try:
            trained = train(view.corpus.sentences, config, on_epoch)
        except UserError as error:
            progress.empty()
            st.warning(md_escape(str(error)))
        else:
            collection = view.selection.collection
            classic_store.save_model(view.data_dir, collection, trained, view.corpus.fingerprint)
            st.session_state.classic_next = config.algorithm
            st.session_state.classic_flash = (
                f"Trained {ALGORITHM_NAMES[config.algorithm]} in {trained.seconds:.1f} s and "
                f"saved it for **{md_escape(collection)}**: explore it in the other tabs."
            )
            st.rerun()
    flash = st.session_state.pop("classic_flash", None)
    if flash:
        st.success(flash)
    for algorithm, entry in view.saved.items():
        label = f"Latest {ALGORITHM_NAMES[algorithm]} model"
        with st.expander(label, expanded=entry is view.current):
            st.caption(summary(entry))
            _metrics(entry.model)
            loss_charts(entry.model.epochs, entry.model.initial_loss)


def _metrics(model: TrainedModel) -> None:
    columns = st.columns(5)
    columns[0].metric("Vocabulary", f"{model.vocab_size:,}")
    columns[1].metric("Corpus words", f"{model.corpus_words:,}")
    columns[2].metric("Train time", f"{model.seconds:.1f} s")
    columns[3].metric("Words/s", f"{model.words_per_second:,.0f}")
    final = model.final_loss
    columns[4].metric(
        "Final loss", f"{final:.3f}", f"{final - model.initial_loss:.3f}", delta_color="inverse"
    )
