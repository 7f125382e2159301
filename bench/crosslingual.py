"""Cross-lingual retrieval: where the answering passage ranks, per language pair and mode.

    python bench/crosslingual.py [--models e5-small,minilm]

Indexes the sample corpus (samples/en, samples/zh) once per model into a temporary folder and
asks the cross-lingual questions (samples/questions/crosslingual.jsonl: English questions that
Chinese passages answer, 'en-zh', and the reverse) and the sample question set
(samples/questions.jsonl, mostly same-language) with core.retrieval.evaluation, the code behind
`python -m core.evaluate --questions`. Prints hit@1, hit@5 and MRR@10 per pair for dense, BM25 and
hybrid, and the same-run baseline: hybrid with the dense cosines scaled as they are, not each
measured from the median of its language's candidates (search.fuse before it took languages).
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import cpu_note  # noqa: E402
from core.retrieval.encoders import load_encoder  # noqa: E402
from core.retrieval.evaluation import Question, evaluate_questions  # noqa: E402
from core.retrieval.search import CANDIDATES, HYBRID, MODES, lexical_query, ranking  # noqa: E402
from core.retrieval.store import Store, open_store  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.pipeline import Ingestor, expand_paths  # noqa: E402

SETS = [ROOT / "samples" / "questions" / "crosslingual.jsonl", ROOT / "samples" / "questions.jsonl"]
CORPUS = [ROOT / "samples" / "en", ROOT / "samples" / "zh"]
COLLECTION = "sample"
PAIRS = {"en": "en>en", "zh": "zh>zh", "en-zh": "en>zh", "zh-en": "zh>en"}
ONE_SCALE = "hybrid, one scale for both languages (before)"


def load_questions() -> list[tuple[str, Question]]:
    """(pair, question) for every question of the sets, each question once."""
    seen: dict[str, tuple[str, Question]] = {}
    for path in SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                question = Question(row["question"], row.get("answer", ""), row.get("file", ""))
                seen.setdefault(row["question"], (PAIRS[row["lang"]], question))
    return list(seen.values())


def one_scale_ranks(store: Store, encoder, questions: list[Question]) -> list[int | None]:
    """Each question's rank in hybrid when fuse is not told the passages' languages."""
    ranks = []
    for question in questions:
        vector = encoder.encode_query(question.question)
        dense = store.search(COLLECTION, vector, CANDIDATES)
        words = lexical_query(question.question)
        lexical = [
            (h.chunk_id, h.score) for h in store.lexical_search(COLLECTION, words, CANDIDATES)
        ]
        chunks = {hit.chunk.id: hit.chunk for hit in dense}
        missing = [key for key, _ in lexical if key not in chunks]
        chunks.update({c.id: c for c in store.chunks_by_id(COLLECTION, missing)})
        order = ranking(HYBRID, [(hit.chunk.id, hit.score) for hit in dense], lexical)
        ranks.append(
            next((r for r, key in enumerate(order, 1) if question.accepts(chunks[key])), None)
        )
    return ranks


def summary(ranks: list[int | None]) -> str:
    hit1 = np.mean([r == 1 for r in ranks])
    hit5 = np.mean([r is not None and r <= 5 for r in ranks])
    mrr = np.mean([1 / r if r is not None and r <= 10 else 0.0 for r in ranks])
    return f"{hit1:.2f} | {hit5:.2f} | {mrr:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="e5-small,minilm")
    args = parser.parse_args()
    pairs, questions = zip(*load_questions(), strict=True)
    print(f"# Cross-lingual retrieval, sample corpus, {len(questions)} questions; {cpu_note()}")
    with tempfile.TemporaryDirectory() as folder:
        for model in args.models.split(","):
            encoder = load_encoder(model)
            store = open_store(Settings(data_dir=Path(folder) / model))
            Ingestor(store=store, encoder=encoder, collection=COLLECTION).ingest_paths(
                list(expand_paths(CORPUS))
            )
            report = evaluate_questions(store, encoder, COLLECTION, list(questions), MODES)
            by_mode = {mode: [o.ranks[mode] for o in report.outcomes] for mode in MODES}
            by_mode[ONE_SCALE] = one_scale_ranks(store, encoder, list(questions))
            store.close()
            print(f"\n## {model}\n\n| pair | questions | mode | hit@1 | hit@5 | MRR@10 |")
            print("|---|---|---|---|---|---|")
            for pair in ("en>en", "zh>zh", "en>zh", "zh>en"):
                chosen = [i for i, p in enumerate(pairs) if p == pair]
                for mode, ranks in by_mode.items():
                    picked = [ranks[i] for i in chosen]
                    print(f"| {pair} | {len(chosen)} | {mode} | {summary(picked)} |")


if __name__ == "__main__":
    main()
