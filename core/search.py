"""The search command line: python -m core.search QUESTION --collection NAME [--json]."""

from __future__ import annotations

import argparse
import json
import sys

from core.errors import UserError
from core.records import Hit
from core.retrieval.cli import (
    add_store_arguments,
    configure_logging,
    encoder_for,
    settings_from,
)
from core.retrieval.search import (
    DEFAULT_MODE,
    DEFAULT_WEIGHT,
    MODES,
    check_mode,
    check_query,
    hit_record,
    search,
)
from core.retrieval.store import open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.search", description="Search a collection for passages."
    )
    parser.add_argument("query", help="the question or search text")
    parser.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument(
        "--mode",
        choices=MODES,
        default=DEFAULT_MODE,
        help=f"dense (embeddings), bm25 (words), or hybrid (both, fused; default {DEFAULT_MODE})",
    )
    parser.add_argument(
        "--weight",
        type=float,
        default=DEFAULT_WEIGHT,
        help=f"hybrid: the dense share of the fusion, 0-1 (default {DEFAULT_WEIGHT})",
    )
    add_store_arguments(parser)
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        check_query(args.query)  # before the model loads: a bad question fails fast
        check_mode(args.mode, args.weight)
        settings = settings_from(args)
        store = open_store(settings)
        if store.collection_model(args.collection) is None:
            store.check_model(args.collection, args.model or settings.model)  # names what exists
        encoder = encoder_for(store, args.collection, args.model, settings)
        hits = search(store, encoder, args.collection, args.query, args.k, args.mode, args.weight)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([hit_record(hit) for hit in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("No passages found: the collection is empty.")
    for hit in hits:
        chunk = hit.chunk
        snippet = " ".join(chunk.text.split())
        print(f"{hit.rank}. [{chunk.where}] cosine {hit.score:.3f} · {ranks_line(hit)}")
        print(f"   {snippet[:300]}")
    return 0


def ranks_line(hit: Hit) -> str:
    """'dense #2 · bm25 #1 (7.41) · fused #1 · matched: fasttext, subword'."""
    why = hit.why
    if why is None:
        return ""

    def place(rank: int | None) -> str:
        return f"#{rank}" if rank is not None else "-"

    line = (
        f"dense {place(why.dense_rank)} · bm25 {place(why.bm25_rank)} ({why.bm25_score:.2f}) "
        f"· fused {place(why.fused_rank)} [{why.mode}]"
    )
    return line + (f" · matched: {', '.join(why.matched)}" if why.matched else "")


if __name__ == "__main__":
    sys.exit(main())
