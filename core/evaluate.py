"""The evaluation command line.

    python -m core.evaluate --beir DIR [--split test] --model M --mode dense|bm25|hybrid
                            [--db DIR] [--weight W] [--limit-docs N] --json
    python -m core.evaluate --questions FILE.csv|.jsonl --collection NAME [--mode M] [--db DIR]

With --beir the corpus is indexed (each document as one or more chunks, scored by its best chunk)
into a collection of --db (a temporary folder without it; an existing complete collection there
is reused) and one JSON object is printed: ndcg@10, recall@1/5/10/100, mrr@10, queries, mode,
model and timings. With --questions, the questions are asked of an existing collection.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from core.errors import UserError
from core.retrieval.chunking import ChunkConfig, chunk_pages
from core.retrieval.cli import add_store_arguments, configure_logging, encoder_for, settings_from
from core.retrieval.encoders import load_encoder
from core.retrieval.evaluation import (
    doc_sha,
    evaluate_beir,
    evaluate_questions,
    index_beir,
    load_beir,
    read_questions,
)
from core.retrieval.search import DEFAULT_MODE, DEFAULT_WEIGHT, MODES, check_mode
from core.retrieval.store import open_store
from core.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.evaluate", description="Measure retrieval quality."
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--beir", type=Path, help="a BEIR dataset folder (corpus.jsonl, ...)")
    source.add_argument("--questions", type=Path, help="a question set (.csv or .jsonl)")
    parser.add_argument("--split", default="test", help="BEIR qrels split (default test)")
    parser.add_argument("--mode", choices=MODES, default=DEFAULT_MODE, help="search mode")
    parser.add_argument("--weight", type=float, default=DEFAULT_WEIGHT, help="hybrid dense share")
    parser.add_argument("--limit-docs", type=int, help="BEIR: index only N documents")
    parser.add_argument("--k-chunks", type=int, default=300, help="BEIR: chunks per ranking")
    parser.add_argument("--chunk-tokens", type=int, help="chunk size in the model's tokens")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_store_arguments(parser)
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        check_mode(args.mode, args.weight)
        settings = settings_from(args)
        result = _beir(args, settings) if args.beir is not None else _questions(args, settings)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            if key != "misses":
                print(f"{key:>12}: {value}")
        for miss in result.get("misses", []):
            print(f"  miss (rank {miss['rank'] or '>50'}): {miss['question']}")
    return 0


_shown: dict[str, int] = {}


def _progress(stage: str, done: int, total: int) -> None:
    """Each stage's progress on stderr, once per tenth."""
    tenth = 10 * done // max(total, 1)
    if _shown.get(stage) != tenth:
        _shown[stage] = tenth
        print(f"  {stage} {done}/{total}", file=sys.stderr, flush=True)


def _beir(args: argparse.Namespace, settings: Settings) -> dict:
    data = load_beir(args.beir, args.split, args.limit_docs)
    model = args.model or settings.model
    encoder = load_encoder(model)
    config = ChunkConfig(tokens=args.chunk_tokens or settings.chunk_tokens)

    def chunker(doc_id: str, text: str):
        return chunk_pages(
            [(None, text)], encoder=encoder, doc_sha=doc_sha(doc_id), source=doc_id, config=config
        )

    with tempfile.TemporaryDirectory(prefix="ee-evaluate-") as temp:
        store = open_store(Settings(data_dir=args.db or Path(temp)))
        try:
            name = f"beir-{data.name}-{encoder.name}-{config.tokens}".replace("/", "-")[-90:]
            dense = args.mode != "bm25"
            index = index_beir(data, encoder, chunker, store, name, dense, progress=_progress)
            result = evaluate_beir(
                data, index, encoder, [args.mode], args.weight, args.k_chunks, progress=_progress
            )[args.mode]
        finally:
            store.close()
    result["split"] = args.split
    return result


def _questions(args: argparse.Namespace, settings: Settings) -> dict:
    path: Path = args.questions
    if not path.is_file():
        raise UserError(f"No question set at {path}.")
    questions = read_questions(path.name, path.read_bytes())
    store = open_store(settings)
    try:
        encoder = encoder_for(store, args.collection, args.model, settings)
        report = evaluate_questions(
            store, encoder, args.collection, questions, [args.mode], args.weight
        )
    finally:
        store.close()
    result = dict(report.scores[args.mode])
    result.update(mode=args.mode, model=report.model, collection=report.collection)
    result["misses"] = [
        {"question": o.question.question, "rank": o.ranks[args.mode]}
        for o in report.misses(args.mode)
    ]
    return result


if __name__ == "__main__":
    sys.exit(main())
