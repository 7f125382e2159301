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
from core.retrieval.search import hit_record, search, search_by_image
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
    add_store_arguments(parser)
    args = parser.parse_args(argv)
    if (args.query is None) == (args.image is None):
        parser.error("give a search text or --image PICTURE (one of the two)")
    configure_logging(args.verbose)
    try:
        settings = settings_from(args)
        store = open_store(settings)
        if store.collection_model(args.collection) is None:
            store.check_model(args.collection, args.model or settings.model)  # names what exists
        encoder = encoder_for(store, args.collection, args.model, settings)
        if args.image is not None:
            picture = _query_picture(args.image, settings)
            hits = search_by_image(store, encoder, args.collection, picture, args.k)
        else:
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
    if chunk.is_image:
        caption = f"\n   {chunk.text[:300]}" if chunk.text else ""
        return f"{hit.rank}. [{chunk.where}] picture, score {hit.score:.3f}{caption}"
    snippet = " ".join(chunk.text.split())
    return f"{hit.rank}. [{chunk.where}] score {hit.score:.3f}\n   {snippet[:300]}"


if __name__ == "__main__":
    sys.exit(main())
