"""Two lessons on the user's own collection: near-duplicate chunks and quantized vectors."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.retrieval.lessons import near_duplicates, pair_rows, quantization
from ui import resources


def duplicates_panel(collection: str) -> None:
    threshold = st.slider("Cosine at least", 0.80, 1.0, 0.95, 0.01, key="duplicate_threshold")
    if not st.button("Find near-duplicates", key="find_duplicates"):
        return
    chunks, vectors = resources.store().embeddings(collection)
    try:
        pairs = near_duplicates(chunks, vectors, threshold)
    except UserError as error:
        st.error(str(error))
        return
    if not pairs:
        st.info(f"No two chunks of different documents reach cosine {threshold:.2f}.")
        return
    table = pd.DataFrame(pair_rows(pairs))
    st.caption(f"{len(pairs)} pairs across documents (most similar first).")
    st.dataframe(table, hide_index=True)
    st.download_button(
        "CSV",
        table.to_csv(index=False).encode("utf-8-sig"),
        "near-duplicates.csv",
        "text/csv",
        icon=":material/download:",
    )


def quantization_panel(collection: str) -> None:
    if not st.button("Compare float32, int8 and binary", key="quantize"):
        return
    _, vectors = resources.store().embeddings(collection)
    try:
        results = quantization(vectors)
    except UserError as error:
        st.error(str(error))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "vectors": r.name,
                    "memory (KB)": round(r.bytes / 1024, 1),
                    "Recall@10 vs float32": round(r.recall10, 3),
                    "query (ms, exact scan)": round(r.query_ms, 2),
                }
                for r in results
            ]
        ),
        hide_index=True,
    )
    st.caption(
        "Queries are 100 of the collection's own chunk vectors; Recall@10 is the share of the "
        "exact float32 top 10 that each variant also returns. int8 keeps one scale per dimension; "
        "binary keeps the sign of each dimension and compares by Hamming distance."
    )
