"""Which passages an answer quotes: one cosine floor against a floor per passage language.

    python bench/quoting.py [--model e5-small] [--db DIR]

Indexes the sample corpus (samples/en, samples/zh) into a temporary folder (or reuses the
collection 'sample' in --db), asks every answerable question of samples/questions/
answerability.jsonl and crosslingual.jsonl (each names the file that answers it), and counts,
over the questions the verdict answers, the top-5 passages an answer may quote: from the
answering file, and from other files (what a stitched answer would be made of). Two rules in the
same run: the single floor the best passage sets (the baseline) and Verdict.admits, which reads
each passage against its own language pair.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402
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
from core.retrieval.encoders import load_encoder  # noqa: E402
from core.retrieval.search import search  # noqa: E402
from core.retrieval.store import open_store  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.text import language  # noqa: E402
from ingest.pipeline import Ingestor, expand_paths  # noqa: E402

SETS = [
    ROOT / "samples/questions/answerability.jsonl",
    ROOT / "samples/questions/crosslingual.jsonl",
]
CORPUS = [ROOT / "samples" / "en", ROOT / "samples" / "zh"]
COLLECTION = "sample"
K = 5


def questions() -> list[tuple[str, str]]:
    """(question, the file that answers it) for every answerable question of the sets."""
    pairs = []
    for path in SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("answerable", True):
                pairs.append((record["question"], record.get("file") or record["source"]))
    return pairs


def measure(data_dir: Path, model: str) -> None:
    settings = Settings(data_dir=data_dir, model=model)
    store = open_store(settings)
    encoder = load_encoder(model)
    if store.collection_model(COLLECTION) is None:
        Ingestor(store, encoder, COLLECTION).ingest_paths(list(expand_paths(CORPUS)))
    baseline = BaselineCache(data_dir / "baselines").get(store, encoder, COLLECTION)
    calibration = load_calibration(encoder.name)
    counts: Counter[tuple[str, str, str]] = Counter()  # (rule, pair, right or other file)
    answered = Counter()
    for question, answer_file in questions():
        hits = search(store, encoder, COLLECTION, question, K)
        rarity = word_rarity(store, COLLECTION, question)
        verdict = judge(question, hits, baseline, calibration, rarity=rarity)
        if not verdict.answerable:
            continue
        answer_in = next(
            (language(h.chunk.text) for h in hits if h.chunk.source == answer_file), "?"
        )
        pair = f"{language(question)}>{answer_in}"
        answered[pair] += 1
        for hit in hits:
            which = "right" if hit.chunk.source == answer_file else "other"
            counts["one floor", pair, which] += hit.score >= verdict.passage_floor
            counts["per language", pair, which] += verdict.admits(hit)
    print(f"bench/quoting.py --model {model}: {cpu_note()}")
    print(f"  passages quoted among the top {K} of answered questions (answering file / other)")
    print(f"  {'pair':<8} {'answered':>8} | {'one floor':>13} | {'per language':>13}")
    for pair in sorted(answered):
        cells = [
            f"{counts[rule, pair, 'right']:>5} / {counts[rule, pair, 'other']:<5}"
            for rule in ("one floor", "per language")
        ]
        print(f"  {pair:<8} {answered[pair]:>8} | {cells[0]:>13} | {cells[1]:>13}")
    totals = {
        rule: (
            sum(v for (r, _, w), v in counts.items() if r == rule and w == "right"),
            sum(v for (r, _, w), v in counts.items() if r == rule and w == "other"),
        )
        for rule in ("one floor", "per language")
    }
    for rule, (right, other) in totals.items():
        print(f"  {rule:<12}: {right} from the answering file, {other} from others")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="e5-small")
    parser.add_argument("--db", type=Path, help="data folder to reuse (default: a temporary one)")
    args = parser.parse_args()
    if args.db:
        measure(args.db, args.model)
        return
    with tempfile.TemporaryDirectory(prefix="ee-quoting-") as temp:
        measure(Path(temp), args.model)


if __name__ == "__main__":
    main()
