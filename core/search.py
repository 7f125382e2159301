"""The search command line: python -m core.search QUESTION --collection NAME [--json], or
python -m core.search --image PICTURE --collection NAME [--json] for a CLIP collection."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PIL.Image import Image

from core.errors import UserError
from core.pictures import PictureLimits, load_picture
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
    search_by_image,
)
from core.retrieval.store import open_store
from core.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.search", description="Search a collection for passages or pictures."
    )
    parser.add_argument("query", nargs="?", help="the question or search text")
    parser.add_argument(
        "--image", type=Path, help="search with this picture (PNG, JPEG or WebP; CLIP collections)"
    )
    parser.add_argument("-k", type=int, default=5, help="how many results (default 5)")
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
    if (args.query is None) == (args.image is None):
        parser.error("give a search text or --image PICTURE (one of the two)")
    configure_logging(args.verbose)
    try:
        if args.query is not None:
            check_query(args.query)  # before the model loads: a bad question fails fast
        check_mode(args.mode, args.weight)
        settings = settings_from(args)
        store = open_store(settings)
        if store.collection_model(args.collection) is None:
            store.check_model(args.collection, args.model or settings.model)  # names what exists
        encoder = encoder_for(store, args.collection, args.model, settings)
        if args.image is not None:
            picture = _query_picture(args.image, settings)
            hits = search_by_image(store, encoder, args.collection, picture, args.k)
        else:
            hits = search(
                store, encoder, args.collection, args.query, args.k, args.mode, args.weight
            )
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([hit_record(hit) for hit in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("No passages found: the collection is empty.")
    for hit in hits:
        print(_line(hit))
    return 0


def _query_picture(path: Path, settings: Settings) -> Image:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"{path.name}: cannot read the file ({error.strerror})") from error
    return load_picture(data, path.name, PictureLimits.from_settings(settings)).image


def _line(hit: Hit) -> str:
    chunk = hit.chunk
    why = f" · {ranks_line(hit)}" if hit.why is not None else ""
    if chunk.is_image:
        caption = f"\n   {chunk.text[:300]}" if chunk.text else ""
        return f"{hit.rank}. [{chunk.where}] picture, cosine {hit.score:.3f}{why}{caption}"
    snippet = " ".join(chunk.text.split())
    return f"{hit.rank}. [{chunk.where}] cosine {hit.score:.3f}{why}\n   {snippet[:300]}"


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
