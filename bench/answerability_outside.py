"""Answerability on documents the calibration never saw: SciFact abstracts (English science).

    python bench/answerability_outside.py [--beir ../shared/data/scifact] [--model e5-small]
                                          [--claims 40] [--others 200] [--db DIR]

Indexes the abstracts that answer --claims test claims plus --others random abstracts, then
judges (core.retrieval.answerability, as the app does): the claims (answerable), claims whose
abstracts were left out (their topic is there but their answer mostly is not: shown, not
scored), and the project's unanswerable questions (samples/questions/answerability.jsonl,
English and Chinese: off-topic here). A Chinese question over English-only documents is the
case the calibration corpus, which holds both languages, does not contain.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import cpu_note  # noqa: E402
from core.retrieval.answerability import (  # noqa: E402
    BaselineCache,
    judge,
    load_calibration,
    word_rarity,
)
from core.retrieval.encoders import Encoder, load_encoder  # noqa: E402
from core.retrieval.search import search  # noqa: E402
from core.retrieval.store import Store, open_store  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.text import language  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402

COLLECTION = "outside"
UNANSWERABLE = ROOT / "samples" / "questions" / "answerability.jsonl"
K = 5
Row = tuple[str, list[str], bool | None]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def arguments(description: str) -> argparse.ArgumentParser:
    """The options that choose the SciFact collection and the model."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--beir", type=Path, default=ROOT.parent / "shared/data/scifact")
    parser.add_argument("--model", default="e5-small")
    parser.add_argument("--claims", type=int, default=40)
    parser.add_argument("--others", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="data folder to fill once and reuse")
    return parser


def build(args: argparse.Namespace) -> tuple[Store, Encoder, Path, list[Row], int]:
    """The indexed SciFact collection, its data folder, the question rows to judge (label,
    questions, answerable or None when not scored) and the number of abstracts."""
    qrels: dict[str, set[str]] = {}
    for line in (args.beir / "qrels" / "test.tsv").read_text().splitlines()[1:]:
        query, doc, _ = line.split("\t")
        qrels.setdefault(query, set()).add(doc)
    claims = {r["_id"]: r["text"] for r in read_jsonl(args.beir / "queries.jsonl")}
    corpus = {r["_id"]: r for r in read_jsonl(args.beir / "corpus.jsonl")}
    rng = random.Random(args.seed)
    order = sorted(qrels)
    rng.shuffle(order)
    answered_by = order[: args.claims]
    left_out = order[args.claims : 2 * args.claims]
    docs = set().union(*(qrels[q] for q in answered_by))
    judged = set().union(*qrels.values())
    docs |= set(rng.sample([d for d in sorted(corpus) if d not in judged], args.others))

    data_dir = args.db or Path(tempfile.mkdtemp(prefix="ee-outside-"))
    store = open_store(Settings(data_dir=data_dir))
    encoder = load_encoder(args.model)
    if store.collection_model(COLLECTION) is None:
        ingestor = Ingestor(store, encoder, COLLECTION)
        for doc in sorted(docs):
            record = corpus[doc]
            ingestor.ingest(f"{record['title']}\n\n{record['text']}".encode(), f"{doc}.txt")
    off_topic = [r["question"] for r in read_jsonl(UNANSWERABLE) if not r["answerable"]]
    rows = [
        ("claims whose abstract is indexed", [claims[q] for q in answered_by], True),
        ("claims whose abstract is left out", [claims[q] for q in left_out], None),
        ("off-topic English questions", [q for q in off_topic if language(q) == "en"], False),
        ("off-topic Chinese questions", [q for q in off_topic if language(q) == "zh"], False),
    ]
    return store, encoder, data_dir, rows, len(docs)


def print_row(label: str, questions: list[str], answerable: bool | None, n: int) -> None:
    """One row of the report: n of the questions were answered."""
    if answerable is None:
        print(f"  {label:<36} answered {n}/{len(questions)} (not scored)")
    elif answerable:
        print(f"  {label:<36} answered {n}/{len(questions)} = {n / len(questions):.2f}")
    else:
        refused = len(questions) - n
        print(f"  {label:<36} refused  {refused}/{len(questions)} = {refused / len(questions):.2f}")


def main() -> None:
    args = arguments(__doc__.split("\n")[0]).parse_args()
    store, encoder, data_dir, rows, abstracts = build(args)
    baseline = BaselineCache(data_dir / "baselines").get(store, encoder, COLLECTION)
    calibration = load_calibration(encoder.name)

    def answered(questions: list[str]) -> int:
        verdicts = [
            judge(
                q,
                search(store, encoder, COLLECTION, q, K),
                baseline,
                calibration,
                rarity=word_rarity(store, COLLECTION, q),
            )
            for q in questions
        ]
        return sum(verdict.answerable for verdict in verdicts)

    print(f"bench/answerability_outside.py --model {args.model}: {abstracts} SciFact abstracts")
    print(f"  {cpu_note()}")
    for label, questions, answerable in rows:
        print_row(label, questions, answerable, answered(questions))
    if args.db is None:
        print(f"  (data folder left in {data_dir}: pass it as --db to judge again)")


if __name__ == "__main__":
    main()
