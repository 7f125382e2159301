"""Command line: python -m ingest FILES_OR_FOLDERS... --collection NAME."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from core.errors import UserError
from core.pictures import PictureLimits
from core.retrieval.chunking import ChunkConfig
from core.retrieval.cli import (
    add_store_arguments,
    configure_logging,
    encoder_for,
    settings_from,
)
from core.retrieval.embedding_cache import EmbeddingCache
from core.retrieval.originals import Originals
from core.retrieval.store import open_store
from ingest.extract import Limits
from ingest.pipeline import FileResult, Ingestor, expand_paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Index PDFs, text and Markdown files (and pictures, with a CLIP model).",
    )
    parser.add_argument("paths", nargs="+", help="files and folders (searched recursively)")
    add_store_arguments(parser)
    parser.add_argument("--password", help="password for encrypted PDFs")
    parser.add_argument("--chunk-tokens", type=int, help="chunk size in the model's tokens")
    parser.add_argument("--overlap", type=int, help="overlap between chunks in tokens")
    parser.add_argument("--replace", action="store_true", help="re-index files already indexed")
    parser.add_argument(
        "--no-ocr",
        action="store_true",
        help="do not OCR pages without a text layer or image files (OCR is on unless EE_OCR=0)",
    )
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    settings = settings_from(args)
    try:
        chunking = ChunkConfig(
            tokens=args.chunk_tokens or settings.chunk_tokens,
            overlap=args.overlap if args.overlap is not None else settings.chunk_overlap,
        )
        store = open_store(settings)
        encoder = encoder_for(store, args.collection, args.model, settings)
    except (UserError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    ingestor = Ingestor(
        store=store,
        encoder=encoder,
        collection=args.collection,
        chunking=chunking,
        limits=Limits(max_bytes=settings.max_file_bytes, max_pages=settings.max_pages),
        ocr=settings.ocr and not args.no_ocr,
        cache=EmbeddingCache(settings.embedding_cache_path),
        pictures=PictureLimits.from_settings(settings),
        originals=Originals(settings.originals_dir),
    )
    paths = list(expand_paths(args.paths))
    if not paths:
        print("error: no files found", file=sys.stderr)
        return 2
    # A bar redraws itself: only for a terminal. Logs and pipes get one line per file.
    bar = tqdm(total=len(paths), unit="file", file=sys.stderr, dynamic_ncols=True, disable=None)

    def on_file(path: Path) -> None:
        bar.set_description(path.name[:40])

    def on_progress(stage: str, done: int, total: int) -> None:
        bar.set_postfix_str(f"{stage} {done}/{total}")

    def on_result(result: FileResult) -> None:
        bar.update(1)
        tqdm.write(result.line)

    try:
        results = ingestor.ingest_paths(
            paths,
            password=args.password,
            replace=args.replace,
            on_file=on_file,
            on_result=on_result,
            on_progress=on_progress,
        )
    except UserError as error:  # the store is locked by another process, for one
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    failed = sum(result.status == "failed" for result in results)
    indexed = sum(result.status == "indexed" for result in results)
    print(
        f"{indexed} indexed, {len(results) - indexed - failed} skipped, {failed} failed "
        f"into collection '{args.collection}' ({encoder.name})",
        file=sys.stderr,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
