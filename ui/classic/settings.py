"""The training settings of the Train and Compare tabs, and the loss charts of a training."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core.classic.report import (
    ALGORITHM_NAMES,
    ARCHITECTURE_NAMES,
    GENSIM,
    OBJECTIVE_NAMES,
    OURS,
    loss_rows,
)
from core.classic.training import EpochReport, TrainConfig

SAMPLES = [0.0, 1e-5, 1e-4, 1e-3, 1e-2]
VECTOR_SIZES = [16, 25, 32, 50, 64, 100, 128, 200, 300]
# Radios: config field -> (label, option names, key suffix, help).
_RADIOS = {
    "algorithm": (
        "Algorithm",
        ALGORITHM_NAMES,
        "algorithm",
        "FastText adds character n-grams to every word, so it has vectors for unseen words too.",
    ),
    "architecture": (
        "Architecture",
        ARCHITECTURE_NAMES,
        "architecture",
        "Skip-gram predicts each context word from the centre word (better for rare words, "
        "small corpora); CBOW predicts the centre from the averaged context (faster).",
    ),
    "objective": ("Objective", OBJECTIVE_NAMES, "objective", None),
}
# Sliders: config field -> (label, min, max, step, key suffix, help).
_SLIDERS = {
    "negative": ("Negative samples per example", 1, 25, None, "negative", None),
    "ns_exponent": ("Noise distribution exponent", 0.0, 1.0, 0.05, "exponent", None),
    "window": ("Window", 1, 15, None, "window", "How many words on each side count as context."),
    "min_count": (
        "Min count",
        1,
        20,
        None,
        "min_count",
        "Words rarer than this get no vector (and are dropped from training).",
    ),
    "epochs": (
        "Epochs",
        1,
        100,
        None,
        "epochs",
        "Passes over the corpus. A small corpus needs many.",
    ),
}


def _radio(column, field: str, key: str) -> str:
    label, names, suffix, help_ = _RADIOS[field]
    return column.radio(
        label,
        list(names),
        format_func=names.get,
        horizontal=True,
        key=f"{key}_{suffix}",
        persist_state="page",
        help=help_,
    )


def _slider(column, field: str, defaults: TrainConfig, key: str):
    label, low, high, step, suffix, help_ = _SLIDERS[field]
    value = getattr(defaults, field)
    return column.slider(
        label, low, high, value, step, key=f"{key}_{suffix}", persist_state="page", help=help_
    )


def settings_form(
    key: str, defaults: TrainConfig, objective: bool, vocab: int | None
) -> TrainConfig:
    """The training settings widgets (inside a form); the config they describe.

    vocab: the vocabulary size of the current model, to put a number on log2(V).
    """
    fields = (
        ["algorithm", "architecture", "objective"] if objective else ["algorithm", "architecture"]
    )
    values = {field: _radio(column, field, key) for field, column in zip(fields, st.columns(3))}
    for field, column in zip(["negative", "ns_exponent"], st.columns(2)):
        values[field] = _slider(column, field, defaults, key)
    st.caption(
        "**Negative sampling** scores the true word against a few random *noise* words instead "
        "of the whole vocabulary. Noise words are drawn from word frequencies raised to the "
        "exponent: 1 draws by frequency, 0 uniformly; **0.75 flattens the distribution, so rare "
        "words are drawn as negatives more often than their frequency** (and *the* less). "
        "**Hierarchical softmax** uses neither: it puts the vocabulary in a Huffman tree "
        "(frequent words near the root) and predicts a word by about log2(V) binary decisions "
        "along its path"
        + (f" (≈{math.log2(vocab):.0f} for the current model's {vocab:,} words)." if vocab else ".")
    )
    left, middle, right = st.columns(3)
    values["vector_size"] = left.select_slider(
        "Vector size", VECTOR_SIZES, defaults.vector_size, key=f"{key}_size", persist_state="page"
    )
    values["window"] = _slider(middle, "window", defaults, key)
    values["min_count"] = _slider(right, "min_count", defaults, key)
    left, middle, right = st.columns(3)
    values["epochs"] = _slider(left, "epochs", defaults, key)
    values["sample"] = middle.select_slider(
        "Downsampling threshold (sample)",
        SAMPLES,
        defaults.sample,
        key=f"{key}_sample",
        persist_state="page",
        format_func=lambda v: "0 (off)" if v == 0 else f"{v:g}",
        help="Words more frequent than this share of the corpus are randomly skipped. Helps on "
        "millions of words; on a small corpus 0 keeps every word, which works better.",
    )
    values["min_n"], values["max_n"] = right.slider(
        "Character n-gram lengths (FastText)",
        1,
        8,
        (defaults.min_n, defaults.max_n),
        key=f"{key}_ngrams",
        persist_state="page",
    )
    return TrainConfig(**{**defaults.__dict__, **values})


def loss_charts(reports: Sequence[EpochReport], initial: float | None = None) -> None:
    """The verified loss and gensim's own figure per epoch, side by side."""
    frame = pd.DataFrame(loss_rows(reports, initial))
    left, right = st.columns(2)
    left.line_chart(frame, x="Epoch", y=OURS, y_label="Verified loss per example", height=260)
    left.caption(
        "The training objective evaluated exactly, with the current weights, on a fixed sample "
        "of training examples (mean per example)."
    )
    if frame.get(GENSIM) is not None and frame[GENSIM].notna().any():
        right.line_chart(
            frame.dropna(subset=[GENSIM]),
            x="Epoch",
            y=GENSIM,
            y_label="gensim loss (biased)",
            height=260,
        )
        right.caption(
            "gensim's own tally (Word2Vec only): a sum over the epoch, taken while the weights "
            "move, from a coarse log-sigmoid table that overstates it and skips clipped scores."
        )
    else:
        right.caption("gensim keeps no loss for FastText; the verified loss is on the left.")
