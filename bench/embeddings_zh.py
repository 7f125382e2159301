"""The issues' own case, rebuilt: Chinese articles about embeddings (bench/data/zh-embeddings).

    python bench/embeddings_zh.py [--model e5-small] [--db DIR] [--misses]

Indexes the five articles (written for the project) and reports, as the app would answer:
- retrieval (issue 10): where the passage holding each question's answer ranks, per question
  language and mode, as hit@1 | hit@5 | MRR@10 (core.retrieval.evaluation, the code behind
  `python -m core.evaluate --questions`);
- answerability (issue 11): the share of those questions answered, and of the set's
  unanswerable ones refused (off-topic and near-topic, Chinese and English), each judged on the
  default search's top 5 hits (core.retrieval.answerability). The shipped calibration is
  fitted on these questions too (bench/answerability.py), so these verdicts are not held out:
  that script's cross-validated figures are.
--misses lists the questions missed at hit@5 and the wrong verdicts.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.answerability import EMBEDDINGS, embedding_articles  # noqa: E402
from bench.answerability_outside import read_jsonl  # noqa: E402
from bench.crosslingual import summary  # noqa: E402
from bench.machine import cpu_note  # noqa: E402
from core.retrieval.answerability import (  # noqa: E402
    BaselineCache,
    Verdict,
    judge,
    load_calibration,
    word_rarity,
)
from core.retrieval.encoders import load_encoder  # noqa: E402
from core.retrieval.evaluation import Question, evaluate_questions  # noqa: E402
from core.retrieval.search import MODES, search  # noqa: E402
from core.retrieval.store import open_store  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402

COLLECTION = EMBEDDINGS.name
K = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="e5-small")
    parser.add_argument("--db", type=Path, help="data folder to fill once and reuse")
    parser.add_argument("--misses", action="store_true", help="list the misses")
    args = parser.parse_args()

    data_dir = args.db or Path(tempfile.mkdtemp(prefix="ee-zh-embeddings-"))
    store = open_store(Settings(data_dir=data_dir))
    encoder = load_encoder(args.model)
    if store.collection_model(COLLECTION) is None:
        Ingestor(store, encoder, COLLECTION).ingest_paths(embedding_articles())
    answerable = read_jsonl(EMBEDDINGS / "questions.jsonl")
    unanswerable = read_jsonl(EMBEDDINGS / "unanswerable.jsonl")
    questions = [Question(r["question"], r["answer"], r["file"]) for r in answerable]
    report = evaluate_questions(store, encoder, COLLECTION, questions, MODES)

    baseline = BaselineCache(data_dir / "baselines").get(store, encoder, COLLECTION)
    calibration = load_calibration(encoder.name)

    def verdict(question: str) -> Verdict:
        hits = search(store, encoder, COLLECTION, question, K)
        rarity = word_rarity(store, COLLECTION, question)
        return judge(question, hits, baseline, calibration, rarity=rarity)

    chunks = len(store.chunks(COLLECTION))
    print(f"bench/embeddings_zh.py --model {args.model}: 5 articles, {chunks} chunks")
    print(f"  {cpu_note()}")
    print("\n| questions | n | mode | hit@1 | hit@5 | MRR@10 |\n|---|---|---|---|---|---|")
    for lang in ("zh", "en-zh"):
        chosen = [i for i, row in enumerate(answerable) if row["lang"] == lang]
        for mode in MODES:
            ranks = [report.outcomes[i].ranks[mode] for i in chosen]
            print(f"| {lang} | {len(chosen)} | {mode} | {summary(ranks)} |")

    print("\n| questions | n | right verdicts |\n|---|---|---|")
    wrong = []
    groups = [(f"answerable {lang}", lang, True) for lang in ("zh", "en-zh")]
    groups += [
        (f"{kind} {lang}", (lang, kind), False)
        for kind in ("off-topic", "near-topic")
        for lang in ("zh", "en")
    ]
    for label, key, expected in groups:
        rows = answerable if expected else unanswerable
        picked = [r["question"] for r in rows if key in (r["lang"], (r["lang"], r.get("kind")))]
        verdicts = [(q, verdict(q)) for q in picked]
        right = sum(v.answerable == expected for _, v in verdicts)
        word = "answered" if expected else "refused"
        print(f"| {label} | {len(picked)} | {word} {right} = {right / len(picked):.2f} |")
        wrong += [(q, v.confidence) for q, v in verdicts if v.answerable != expected]

    if args.misses:
        print("\nMissed at hit@5 (hybrid):")
        for outcome in report.misses("hybrid", K):
            print(f"  {outcome.question.question}  rank {outcome.ranks['hybrid']}")
        print("\nWrong verdicts (confidence):")
        for question, confidence in wrong:
            print(f"  {confidence:.2f}  {question}")
    if args.db is None:
        print(f"\n(data folder left in {data_dir}: pass it as --db to measure again)")


if __name__ == "__main__":
    main()
