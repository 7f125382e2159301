"""What the Classic page shows, as plain data: names, a model's summary, and table rows."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.classic.evaluation import EvalResult, ObjectiveRun
from core.classic.storage import SavedModel
from core.classic.training import EpochReport

ALGORITHM_NAMES = {"word2vec": "Word2Vec", "fasttext": "FastText"}
ARCHITECTURE_NAMES = {"skipgram": "Skip-gram", "cbow": "CBOW"}
OBJECTIVE_NAMES = {"negative": "Negative sampling", "hierarchical": "Hierarchical softmax"}
OURS = "Loss per example (verified)"
GENSIM = "gensim running loss per epoch (biased)"  # no quote: Vega-Lite field names

_WORD_SEPARATORS = re.compile(r"[\s,，、;；]+")


def summary(saved: SavedModel) -> str:
    """One line on how a saved model was trained, and when."""
    c = saved.model.config
    objective = (
        f"{OBJECTIVE_NAMES[c.objective].lower()} ({c.negative} negatives, exponent "
        f"{c.ns_exponent:g})"
        if c.objective == "negative"
        else OBJECTIVE_NAMES[c.objective].lower()
    )
    return (
        f"{ARCHITECTURE_NAMES[c.architecture]}, {objective}, {c.vector_size} dimensions, window "
        f"{c.window}, min count {c.min_count}, sample {c.sample:g}, {c.epochs} epochs · trained "
        f"{saved.trained_at.replace('T', ' ').replace('+00:00', ' UTC')}"
    )


def loss_rows(
    reports: Sequence[EpochReport], initial: float | None = None
) -> list[dict[str, float | None]]:
    """One row per epoch (epoch 0: the initial loss, when given): the verified and gensim loss."""
    rows: list[dict[str, float | None]] = (
        [{"Epoch": 0, OURS: initial}] if initial is not None else []
    )
    rows += [{"Epoch": r.epoch, OURS: r.loss, GENSIM: r.gensim_loss} for r in reports]
    return rows


def score_text(result: EvalResult) -> str:
    """A benchmark score with how much of the benchmark it rests on."""
    score = "—" if result.score is None else f"{result.score:.3f}"
    return f"{score} (OOV {result.oov_share:.1%}, {result.pairs_used:,} used)"


def comparison_table(runs: Sequence[ObjectiveRun]) -> tuple[list[str], dict[str, list[str]]]:
    """The objectives' names, and per measure one formatted cell for each run."""
    table = {
        "Train seconds": [f"{r.seconds:.2f}" for r in runs],
        "Words/s": [f"{r.words_per_second:,.0f}" for r in runs],
        "Final loss (per example)": [f"{r.final_loss:.3f}" for r in runs],
        "Vocabulary": [f"{r.vocab_size:,}" for r in runs],
    }
    for i, result in enumerate(runs[0].evaluation if runs else ()):
        table[f"{result.name}: {result.metric}"] = [score_text(r.evaluation[i]) for r in runs]
    return [OBJECTIVE_NAMES[r.objective] for r in runs], table


def evaluation_rows(results: Sequence[EvalResult]) -> list[dict[str, object]]:
    """One row per benchmark: its score (3 decimals) and how much of it could be asked."""
    return [
        {
            "Benchmark": r.name,
            "Metric": r.metric,
            "Score": None if r.score is None else round(r.score, 3),
            "OOV share": f"{r.oov_share:.1%}",
            "Items used": f"{r.pairs_used:,} of {r.total:,}",
        }
        for r in results
    ]


def word_list(text: str) -> list[str]:
    """The words of a list typed by hand: split at spaces and (also Chinese) commas/semicolons."""
    return [w for w in _WORD_SEPARATORS.split(text) if w]


def snippet(text: str, limit: int = 240) -> str:
    """text on one line, cut to limit characters (with an ellipsis) when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
