"""What the Classic page shows, computed without Streamlit: names, summaries and table rows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.classic.evaluation import (
    EvalResult,
    ObjectiveRun,
    average_vector_chunks,
    average_vector_search,
)
from core.classic.report import (
    GENSIM,
    OURS,
    comparison_table,
    evaluation_rows,
    loss_rows,
    score_text,
    snippet,
    summary,
    word_list,
)
from core.classic.storage import SavedModel
from core.classic.training import EpochReport, has_vector, in_vocabulary
from core.errors import UserError
from core.records import Chunk
from tests.test_classic import ROYAL, royal_model

ANALOGIES = EvalResult("Google analogies (en)", "accuracy", 0.12345, 0.5, 1234, 2468)
PAIRS = EvalResult("WordSim-353 (en)", "spearman", None, 1.0, 0, 353)


def test_summary_names_the_objective_and_its_settings() -> None:
    model = royal_model()
    saved = SavedModel(model, "0" * 16, "2026-12-01T11:05:09+00:00")
    assert summary(saved) == (
        "Skip-gram, negative sampling (5 negatives, exponent 0.75), 16 dimensions, window 4, "
        "min count 1, sample 0, 10 epochs · trained 2026-12-01 11:05:09 UTC"
    )
    config = replace(ROYAL, architecture="cbow", objective="hierarchical", sample=1e-4)
    saved = replace(saved, model=replace(model, config=config))
    assert summary(saved) == (
        "CBOW, hierarchical softmax, 16 dimensions, window 4, min count 1, sample 0.0001, "
        "10 epochs · trained 2026-12-01 11:05:09 UTC"
    )


def test_loss_rows_start_at_the_initial_loss_when_given() -> None:
    reports = [
        EpochReport(1, 2.5, 1000.0, 50.0, 0.1, 0.1),
        EpochReport(2, 2.0, None, 60.0, 0.1, 0.2),
    ]
    assert loss_rows(reports) == [
        {"Epoch": 1, OURS: 2.5, GENSIM: 1000.0},
        {"Epoch": 2, OURS: 2.0, GENSIM: None},
    ]
    assert loss_rows(reports, 3.0)[0] == {"Epoch": 0, OURS: 3.0}
    assert len(loss_rows(reports, 3.0)) == 3 and loss_rows([], None) == []


def test_final_loss_is_the_last_epochs_or_the_initial() -> None:
    model = royal_model()
    assert model.final_loss == model.epochs[-1].loss < model.initial_loss
    assert replace(model, epochs=()).final_loss == model.initial_loss


def test_scores_and_evaluation_rows() -> None:
    assert score_text(ANALOGIES) == "0.123 (OOV 50.0%, 1,234 used)"
    assert score_text(PAIRS) == "— (OOV 100.0%, 0 used)"
    assert evaluation_rows([ANALOGIES, PAIRS]) == [
        {
            "Benchmark": "Google analogies (en)",
            "Metric": "accuracy",
            "Score": 0.123,
            "OOV share": "50.0%",
            "Items used": "1,234 of 2,468",
        },
        {
            "Benchmark": "WordSim-353 (en)",
            "Metric": "spearman",
            "Score": None,
            "OOV share": "100.0%",
            "Items used": "0 of 353",
        },
    ]


def test_comparison_table_has_one_column_per_objective() -> None:
    runs = [
        ObjectiveRun("negative", ROYAL, 1.234, 12345.6, 4.0, 2.3456, 34, (ANALOGIES, PAIRS)),
        ObjectiveRun(
            "hierarchical",
            replace(ROYAL, objective="hierarchical"),
            0.5,
            999.4,
            5.0,
            1.0,
            34,
            (replace(ANALOGIES, score=0.5), PAIRS),
        ),
    ]
    columns, table = comparison_table(runs)
    assert columns == ["Negative sampling", "Hierarchical softmax"]
    assert table == {
        "Train seconds": ["1.23", "0.50"],
        "Words/s": ["12,346", "999"],
        "Final loss (per example)": ["2.346", "1.000"],
        "Vocabulary": ["34", "34"],
        "Google analogies (en): accuracy": [
            "0.123 (OOV 50.0%, 1,234 used)",
            "0.500 (OOV 50.0%, 1,234 used)",
        ],
        "WordSim-353 (en): spearman": ["— (OOV 100.0%, 0 used)", "— (OOV 100.0%, 0 used)"],
    }
    assert comparison_table([]) == (
        [],
        {
            "Train seconds": [],
            "Words/s": [],
            "Final loss (per example)": [],
            "Vocabulary": [],
        },
    )


def test_word_list_splits_english_and_chinese_separators() -> None:
    text = " king, queen，苹果、香蕉;river；  bank\tboy\n"
    assert word_list(text) == ["king", "queen", "苹果", "香蕉", "river", "bank", "boy"]
    assert word_list(" ,，; ") == []


def test_snippet_flattens_and_cuts() -> None:
    assert snippet("Rivers\n  carry   长江 water.") == "Rivers carry 长江 water."
    cut = snippet("word " * 100, limit=20)
    assert cut == "word word word word…" and len(cut) == 20
    assert snippet("x" * 20, limit=20) == "x" * 20


def test_in_vocabulary_is_not_fasttexts_composed_vector() -> None:
    fasttext = royal_model("fasttext")
    assert in_vocabulary(fasttext, " King ") and in_vocabulary(royal_model(), "queen")
    assert not in_vocabulary(fasttext, "kingly") and has_vector(fasttext, "kingly")
    assert not in_vocabulary(royal_model(), "kingly")


def test_average_vector_chunks_returns_the_chunks_it_ranked() -> None:
    texts = ["The queen sat on her throne.", "xyzzy plugh", "A boy played in the street."]
    chunks = [
        Chunk("d" * 64, i, text, "people.txt", None, None, 0, len(text), 5)
        for i, text in enumerate(texts)
    ]
    model = royal_model()
    found = average_vector_chunks(model, chunks, "the old king in his palace", 5)
    expected = average_vector_search(model, texts, "the old king in his palace", 5)
    assert [(chunk.index, score) for chunk, score in found] == expected
    assert [chunk.text for chunk, _ in found] == [texts[0], texts[2]]
    with pytest.raises(UserError, match="None of the query's words"):
        average_vector_chunks(model, chunks, "xyzzy", 3)
