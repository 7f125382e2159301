"""The Evaluate page's parts: the question set, the results table and chart, misses, the map."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

from core.errors import UserError
from core.map.questions import questions_figure
from core.retrieval.chunking import ChunkConfig
from core.retrieval.encoders import BUNDLED_MODELS
from core.retrieval.evaluation import (
    Question,
    QuestionReport,
    miss_rows,
    read_questions,
    report_rows,
)
from ingest.variants import kept_uploads, variant_name
from ui import jobs, resources

SAMPLE_QUESTIONS = Path(__file__).resolve().parents[1] / "samples" / "questions.jsonl"
SAMPLE_LABEL = "Sample question set (for the sample corpus)"
METRICS = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]


def question_set() -> list[Question] | None:
    """The sample question set or an uploaded one; None (said why) when there is none yet."""
    source = st.radio("Questions", [SAMPLE_LABEL, "Upload a question set"], horizontal=True)
    if source == SAMPLE_LABEL:
        name, data = SAMPLE_QUESTIONS.name, SAMPLE_QUESTIONS.read_bytes()
    else:
        upload = st.file_uploader(
            "CSV or JSONL",
            type=["csv", "jsonl"],
            help="Columns (CSV) or keys (JSONL): question, and answer (text the right passage "
            "contains) and/or file (its file name), optionally page.",
        )
        if upload is None:
            st.caption("Upload a question set to evaluate.")
            return None
        name, data = upload.name, upload.getvalue()
    try:
        questions = read_questions(name, data)
    except UserError as error:
        st.error(str(error))
        return None
    st.caption(f"{len(questions)} questions from {name}.")
    return questions


def results(reports: list[QuestionReport]) -> None:
    """The metrics as a table and a chart."""
    table = pd.DataFrame(report_rows(reports))
    st.dataframe(table, hide_index=True)
    long = table.melt(id_vars=["collection", "mode"], value_vars=METRICS, var_name="metric")
    long["run"] = long["collection"] + " · " + long["mode"]
    chart = px.bar(long, x="metric", y="value", color="run", barmode="group", range_y=[0, 1])
    st.plotly_chart(chart, width="stretch")


def misses(report: QuestionReport) -> None:
    rows = miss_rows(report)
    if not rows:
        st.success(f"{report.collection}: every question's passage is in the top 5 in every mode.")
        return
    st.markdown(f"**{report.collection}** ({report.model}): questions missed in some mode")
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def question_map(report: QuestionReport, mode: str) -> None:
    atlas = resources.collection_map_or_none(report.collection)
    if atlas is None:
        return
    outcomes = report.outcomes
    found = [(o.ranks[mode] or 99) <= 5 for o in outcomes]
    figure = questions_figure(
        atlas,
        [o.query_vector for o in outcomes],
        found,
        [o.question.question for o in outcomes],
    )
    st.plotly_chart(figure, width="stretch", key=f"questions_map_{report.collection}")
    st.caption(
        f"Each question placed on the map of {report.collection} by the fitted reducer: green "
        f"when its passage is in the top 5 ({mode}), red when not."
    )


VARIANT_SIZES = [96, 128, 200, 320]


def variants_panel(collection: str, model: str) -> None:
    """Index the collection's documents again with other models and chunk sizes, to compare."""
    st.caption(
        "Each variant is a new collection holding the same documents (from the kept originals), "
        "indexed in the background; tick it under Collections once it is ready."
    )
    models = st.multiselect(
        "Models", list(BUNDLED_MODELS), default=[model] if model in BUNDLED_MODELS else []
    )
    sizes = st.multiselect("Chunk sizes (tokens)", VARIANT_SIZES, default=[128])
    if st.button("Index the variants", disabled=not models or not sizes):
        uploads, missing = kept_uploads(resources.store(), resources.originals(), collection)
        if missing:
            st.warning(f"No original kept for {', '.join(missing)}: left out of the variants.")
        for name in models:
            for tokens in sizes:
                chunking = ChunkConfig(tokens, min(tokens // 5, 40))
                variant = variant_name(collection, name, tokens)
                jobs.start(variant, name, uploads, chunking, follow=False)
    jobs.progress_panel()
