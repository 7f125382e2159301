"""Answerability: the share of unanswerable questions refused and of answerable ones answered.

    python bench/answerability.py [--models e5-small,minilm] [--questions FILE] [--write]
                                  [--one-document]

Indexes two corpora once per model into a temporary folder, each its own collection, and runs
every question of their sets, all written for the project:
- the sample corpus (samples/en, samples/zh) and samples/questions/answerability.jsonl: English
  and Chinese, answerable (often across languages) and off-topic;
- five Chinese articles about embeddings (bench/data/zh-embeddings, bench/embeddings_zh.py):
  Chinese and English questions they answer, off-topic ones, and questions on neighbouring
  topics (LoRA, KV caches) that they do not answer;
and reports per model, language and language pair (en>zh: an English question that a Chinese
passage answers; en>none: an English question nothing answers):
- each signal's distribution per pair (median [min, max]): what separates the two kinds;
- the fixed cosine floor each model used before (encoder.relevance_floor): the same-run baseline;
- the calibrated decision, scored by 5-fold cross-validation (each question judged by a model
  fitted without it), and fitted on the whole set (what --write ships);
- the cost: baseline computation (cold, once per collection state) and judging one question.
--one-document also indexes each sample document alone, as a user with one file has it, and
asks it its own questions and the unanswerable ones, judged by the shipped calibration (fitted
on the same questions asked of the whole corpus; about 3 minutes per model).
--write fits one logistic model per model, plus one on all models' signals for models without
their own, and writes core/retrieval/data/answerability.json: the calibration script.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import cpu_note  # noqa: E402
from core.records import Hit  # noqa: E402
from core.retrieval import answerability  # noqa: E402
from core.retrieval.answer import answer  # noqa: E402
from core.retrieval.encoders import Encoder, load_encoder  # noqa: E402
from core.retrieval.search import search_with_vector  # noqa: E402
from core.retrieval.second_opinion import second_opinion  # noqa: E402
from core.retrieval.store import Store, open_store  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.pipeline import Ingestor, expand_paths  # noqa: E402

QUESTIONS = ROOT / "samples" / "questions" / "answerability.jsonl"
CORPUS = [ROOT / "samples" / "en", ROOT / "samples" / "zh"]
COLLECTION = "sample"
EMBEDDINGS = ROOT / "bench" / "data" / "zh-embeddings"  # Chinese articles: every passage is zh
K = 5
FEATURES = (
    "best standing (per language pair)",
    "lexical, in the answer's language",
    "rarity-weighted lexical",
    "second opinion's standing",
    "share of words absent from the collection",
)


@dataclass(frozen=True)
class Case:
    question: str
    lang: str
    answerable: bool
    features: list[float]
    top_score: float
    pair: str  # question language > answering document's language ('none' when unanswerable)
    corpus: str = COLLECTION  # the collection asked
    cap: float = 1.0  # the most confidence judge() and its sentences allow (doubt())


def pair_of(item: dict) -> str:
    """'en>zh' for an English question a Chinese sample answers; 'en>none' when none does."""
    if not item["answerable"]:
        return f"{item['lang']}>none"
    folder = next(folder for folder in CORPUS if (folder / item["source"]).is_file())
    return f"{item['lang']}>{folder.name}"


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def index_samples(model: str, folder: Path) -> tuple[Encoder, Store]:
    """The model's encoder and a store in folder holding the sample corpus."""
    encoder = load_encoder(model)
    store = open_store(Settings(data_dir=folder / model))
    Ingestor(store=store, encoder=encoder, collection=COLLECTION).ingest_paths(
        list(expand_paths(CORPUS))
    )
    return encoder, store


def embeddings_questions() -> list[dict]:
    """The zh-embeddings questions in the sample set's shape, each with its pair."""
    rows = [
        json.loads(line)
        for name in ("questions", "unanswerable")
        for line in (EMBEDDINGS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    return [
        {
            "question": row["question"],
            "lang": row["lang"][:2],
            "answerable": "file" in row,
            "pair": f"{row['lang'][:2]}>{'zh' if 'file' in row else 'none'}",
        }
        for row in rows
    ]


def embedding_articles() -> list[Path]:
    """The five articles about embeddings (not the set's README)."""
    return sorted(path for path in EMBEDDINGS.glob("*.md") if path.name != "README.md")


def index_embeddings(encoder: Encoder, folder: Path) -> Store:
    """A store in folder holding the five articles about embeddings."""
    store = open_store(Settings(data_dir=folder / encoder.name / "zh-embeddings"))
    Ingestor(store=store, encoder=encoder, collection=EMBEDDINGS.name).ingest_paths(
        embedding_articles()
    )
    return store


def case_of(
    item: dict,
    hits: list[Hit],
    found: answerability.Signals,
    corpus: str = COLLECTION,
    cap: float = 1.0,
) -> Case:
    """One question of a set with its signals."""
    return Case(
        item["question"],
        item["lang"],
        item["answerable"],
        found.features(),
        hits[0].score,
        item.get("pair") or pair_of(item),
        corpus,
        cap,
    )


def measure(model: str, questions: list[dict], folder: Path) -> tuple[list[Case], dict]:
    """Index both corpora with model and compute every question's signals."""
    encoder, store = index_samples(model, folder)
    second_opinion()  # loaded once per process (the app does it at start), not timed
    start = time.perf_counter()
    baseline = answerability.compute_baseline(store, encoder, COLLECTION)
    baseline_s = time.perf_counter() - start
    # Read once per process (the app does it at start), not timed per question.
    answerability.read_word_lists()
    cases, judge_s, search_s = [], 0.0, 0.0
    embeddings = index_embeddings(encoder, folder)
    asked = [(store, COLLECTION, baseline, item) for item in questions]
    other = answerability.compute_baseline(embeddings, encoder, EMBEDDINGS.name)
    asked += [(embeddings, EMBEDDINGS.name, other, item) for item in embeddings_questions()]
    calibration = answerability.load_calibration(encoder.name)
    for where, collection, read_against, item in asked:
        question = item["question"]
        start = time.perf_counter()
        vector, hits = search_with_vector(where, encoder, collection, question, K)
        middle = time.perf_counter()
        rarity = answerability.word_rarity(where, collection, question)
        # With no strictness every passage near the best one is admitted: the answer's sentences.
        verdict = answerability.judge(question, hits, read_against, calibration, 0.0, rarity)
        judge_s += time.perf_counter() - middle
        search_s += middle - start
        # The sentences the answer would quote, which the app chooses anyway (not timed).
        quoted = [e.sentence for e in answer(question, vector, hits, encoder, verdict).sentences]
        cap = verdict.cap
        if answerability.doubt(question, quoted):
            cap = min(cap, answerability.UNDATED_CONFIDENCE)
        cases.append(case_of(item, hits, verdict.signals, collection, cap))
    timing = {
        "baseline_s": baseline_s,
        "judge_ms": 1000 * judge_s / len(asked),
        "search_ms": 1000 * search_s / len(asked),
        "floor": encoder.relevance_floor,
    }
    return cases, timing


def fit(cases: list[Case]):
    from sklearn.linear_model import LogisticRegression

    x = np.array([case.features for case in cases])
    y = np.array([case.answerable for case in cases])
    return LogisticRegression(C=1.0, max_iter=1000).fit(x, y)


def cross_validated(cases: list[Case], folds: int = 5) -> np.ndarray:
    """Each case's confidence from a model fitted on the other folds (stratified by label)."""
    order = sorted(
        range(len(cases)), key=lambda i: (cases[i].answerable, cases[i].corpus, cases[i].lang, i)
    )
    fold_of = {index: position % folds for position, index in enumerate(order)}
    confidence = np.zeros(len(cases))
    for fold in range(folds):
        train = [case for i, case in enumerate(cases) if fold_of[i] != fold]
        held = [i for i in range(len(cases)) if fold_of[i] == fold]
        model = fit(train)
        confidence[held] = model.predict_proba(np.array([cases[i].features for i in held]))[:, 1]
    return confidence


def rates(cases: list[Case], answered: np.ndarray, lang: str | None = None) -> tuple[str, str]:
    """(share of answerable answered, share of unanswerable refused), as 'a/b = r' strings;
    lang is a question language ('en'), a pair ('en>zh'), a collection ('sample'), or None for
    every question."""
    chosen = [
        i
        for i, case in enumerate(cases)
        if lang is None or lang in (case.lang, case.pair, case.corpus)
    ]
    good = [i for i in chosen if cases[i].answerable]
    bad = [i for i in chosen if not cases[i].answerable]
    answered_share = sum(bool(answered[i]) for i in good)
    refused_share = sum(not answered[i] for i in bad)
    return (
        f"{answered_share}/{len(good)} = {answered_share / len(good):.2f}" if good else "-",
        f"{refused_share}/{len(bad)} = {refused_share / len(bad):.2f}" if bad else "-",
    )


def capped(cases: list[Case], confidence: np.ndarray) -> np.ndarray:
    """The confidences as judge() gives them: each at most its case's cap."""
    return np.minimum(confidence, [case.cap for case in cases])


def report(model: str, cases: list[Case], timing: dict) -> None:
    floor = np.array([case.top_score >= timing["floor"] for case in cases])
    strictness = answerability.DEFAULT_STRICTNESS
    cv = capped(cases, cross_validated(cases)) >= strictness
    fitted = fit(cases)
    whole = capped(cases, fitted.predict_proba(np.array([c.features for c in cases]))[:, 1])
    whole = whole >= strictness
    print(f"\n## {model}\n")
    print(f"| pair | questions | {' | '.join(FEATURES)} |")
    print("|---|---|" + "---|" * len(FEATURES))
    for pair in sorted({case.pair for case in cases}):
        values = np.array([case.features for case in cases if case.pair == pair])
        cells = [
            f"{np.median(column):.2f} [{column.min():.2f}, {column.max():.2f}]"
            for column in values.T
        ]
        print(f"| {pair} | {len(values)} | {' | '.join(cells)} |")
    print("\n| decision | language | answerable answered | unanswerable refused |")
    print("|---|---|---|---|")
    for name, answered in (
        (f"fixed floor {timing['floor']:.2f} (before)", floor),
        ("calibrated, 5-fold cross-validated", cv),
        ("calibrated, fitted on all (shipped)", whole),
    ):
        for lang in (
            "en>en",
            "en>zh",
            "zh>zh",
            "zh>en",
            "en",
            "zh",
            COLLECTION,
            EMBEDDINGS.name,
            None,
        ):
            good, bad = rates(cases, answered, lang)
            print(f"| {name} | {lang or 'both'} | {good} | {bad} |")
    print(
        f"\ncost: baseline {timing['baseline_s']:.2f} s once per collection state (cached on "
        f"disk); judging {timing['judge_ms']:.2f} ms per question against a dense search of "
        f"{timing['search_ms']:.1f} ms ({timing['judge_ms'] / timing['search_ms']:.2f}x)"
    )
    misses = [c.question for c, a in zip(cases, cv) if a != c.answerable]
    if misses:
        print("cross-validated mistakes: " + "; ".join(misses))


def one_document_at_a_time(model: str, questions: list[dict], folder: Path) -> None:
    """Each sample document alone in a collection, as a user with one file has it, judged by
    the shipped calibration: its own questions should be answered, those that no document
    answers refused."""
    encoder = load_encoder(model)
    calibration = answerability.load_calibration(model)
    refusable = [item for item in questions if not item["answerable"]]
    tally = {(lang, kind): [0, 0] for lang in ("en", "zh") for kind in ("own", "none")}
    mistakes: list[str] = []
    documents = sorted(path for corpus in CORPUS for path in corpus.glob("*.md"))
    for path in documents:
        store = open_store(Settings(data_dir=folder / model / "one" / path.stem))
        Ingestor(store=store, encoder=encoder, collection=COLLECTION).ingest_paths([path])
        baseline = answerability.compute_baseline(store, encoder, COLLECTION)
        own = [item for item in questions if item.get("source") == path.name]
        for item in own + refusable:
            question = item["question"]
            _, hits = search_with_vector(store, encoder, COLLECTION, question, K)
            rarity = answerability.word_rarity(store, COLLECTION, question)
            verdict = answerability.judge(question, hits, baseline, calibration, rarity=rarity)
            right = tally[(item["lang"], "own" if item["answerable"] else "none")]
            right[0] += verdict.answerable == item["answerable"]
            right[1] += 1
            if verdict.answerable != item["answerable"]:
                mistakes.append(f"{question} ({path.name}, {verdict.confidence:.2f})")
        store.close()
    print(f"\n### {model}: one document per collection ({len(documents)} documents, shipped fit)\n")
    print("| language | own questions answered | unanswerable questions refused |")
    print("|---|---|---|")
    for lang in ("en", "zh"):
        cells = [f"{a}/{b} = {a / b:.2f}" for a, b in (tally[(lang, "own")], tally[(lang, "none")])]
        print(f"| {lang} | {' | '.join(cells)} |")
    print(f"\nmistakes (question, document, confidence): {'; '.join(mistakes) or 'none'}")


def calibration_entry(cases: list[Case]) -> dict:
    model = fit(cases)
    return {
        "weights": [round(float(w), 4) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 4),
        "questions": len(cases),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="e5-small,minilm")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--write", action="store_true", help="write the shipped calibration")
    parser.add_argument(
        "--one-document",
        action="store_true",
        help="also ask each sample document alone (its own questions and the unanswerable ones)",
    )
    args = parser.parse_args()
    questions = load_questions(args.questions)
    print(f"# Answerability on two corpora; {cpu_note()}")
    everything: dict[str, list[Case]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for model in args.models.split(","):
            cases, timing = measure(model, questions, Path(folder))
            everything[model] = cases
            report(model, cases, timing)
            if args.one_document:
                one_document_at_a_time(model, questions, Path(folder))
    if args.write:
        pooled = [case for cases in everything.values() for case in cases]
        table = {model: calibration_entry(cases) for model, cases in everything.items()}
        table[answerability.DEFAULT_CALIBRATION] = calibration_entry(pooled)
        features = ", ".join(FEATURES)
        payload = {"features": features, "fitted_by": "bench/answerability.py", "models": table}
        answerability.CALIBRATION_FILE.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nwrote {answerability.CALIBRATION_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
