"""Dense search over a collection, and its command line: python -m core.search QUESTION."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from core.encoders import Encoder
from core.errors import UserError
from core.records import Hit
from core.store import Store
from core.text import clean_text


def search(store: Store, encoder: Encoder, collection: str, query: str, k: int = 5) -> list[Hit]:
    """The k chunks most similar to the query, best first."""
    return search_with_vector(store, encoder, collection, query, k)[1]


def search_with_vector(
    store: Store, encoder: Encoder, collection: str, query: str, k: int = 5
) -> tuple[np.ndarray, list[Hit]]:
    """The query's vector and the k chunks most similar to it, best first."""
    query = clean_text(query)
    if not query:
        raise UserError("Type a question to search for.")
    if k < 1:
        raise UserError("k must be at least 1.")
    store.check_model(collection, encoder.name)
    vector = encoder.encode_query(query)
    return vector, store.search(collection, vector, k)


def hit_record(hit: Hit) -> dict:
    """A hit as plain JSON-ready data: text, source, page, score, chunk_id and the rest."""
    chunk = hit.chunk
    return {
        "rank": hit.rank,
        "score": round(hit.score, 4),
        "text": chunk.text,
        "source": chunk.source,
        "page": chunk.page_start,
        "page_end": chunk.page_end,
        "chunk_id": chunk.id,
        "chunk_index": chunk.index,
        "doc_sha256": chunk.doc_sha,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
    }


def main(argv: list[str] | None = None) -> int:
    from core.cli import add_store_arguments, encoder_for, settings_from
    from core.store import open_store

    parser = argparse.ArgumentParser(
        prog="python -m core.search", description="Search a collection for passages."
    )
    parser.add_argument("query", help="the question or search text")
    parser.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    add_store_arguments(parser)
    args = parser.parse_args(argv)
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
