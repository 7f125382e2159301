"""The search command line: python -m core.search QUESTION --collection NAME [--json]."""

from __future__ import annotations

import argparse
import json
import sys

from core.errors import UserError
from core.retrieval.cli import (
    add_store_arguments,
    configure_logging,
    encoder_for,
    settings_from,
)
from core.retrieval.search import hit_record, search
from core.retrieval.store import open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.search", description="Search a collection for passages."
    )
    parser.add_argument("query", help="the question or search text")
    parser.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    add_store_arguments(parser)
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        settings = settings_from(args)
        store = open_store(settings)
        if store.collection_model(args.collection) is None:
            store.check_model(args.collection, args.model or settings.model)  # names what exists
        encoder = encoder_for(store, args.collection, args.model, settings)
        hits = search(store, encoder, args.collection, args.query, args.k)
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
        print(f"{hit.rank}. [{chunk.where}] score {hit.score:.3f}\n   {snippet[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
