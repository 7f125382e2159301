"""What the command lines share: store arguments, settings and picking the encoder."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import warnings
from pathlib import Path

from core.retrieval.encoders import Encoder, load_encoder
from core.retrieval.store import Store
from core.settings import Settings

DEFAULT_COLLECTION = "library"


# Libraries that talk to stderr on their own (pdfminer prints "Could not get FontBBox..." dozens of
# times for one real Chinese PDF): their chatter is for --verbose, not for the user.
LIBRARY_LOGGERS = (
    "pdfminer",
    "pypdf",
    "chromadb",
    "jieba",
    "httpx",
    "sentence_transformers",
    "transformers",
    "huggingface_hub",
    "urllib3",
    "bm25s",
    "RapidOCR",
    "OrtInferSession",
)


def configure_logging(verbose: bool) -> None:
    """Our warnings to stderr; library chatter and Python warnings only with --verbose.

    Library records are filtered at the stderr handler, not by lowering the libraries' levels:
    the extractor listens to pypdf's warnings (a repaired cross-reference table becomes a note
    on the file) and must keep hearing them.
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.captureWarnings(True)
    if verbose:
        return
    for handler in logging.getLogger().handlers:
        handler.addFilter(_quiet_libraries)
    warnings.simplefilter("ignore")
    # Read by huggingface_hub when it is first imported: no "Loading weights" bars.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _quiet_libraries(record: logging.LogRecord) -> bool:
    """Keep a record unless it is a library's (or a Python warning) below ERROR."""
    library = record.name.split(".")[0] in (*LIBRARY_LOGGERS, "py")
    return record.levelno >= logging.ERROR or not library


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verbose", action="store_true", help="also show what the libraries log (debugging)"
    )
    parser.add_argument("--collection", default=DEFAULT_COLLECTION, help="collection name")
    parser.add_argument("--db", type=Path, help="data folder (default: ./data or $EE_DATA_DIR)")
    parser.add_argument(
        "--model",
        help="encoder: e5-small (default, multilingual), minilm (fast, English), or any "
        "sentence-transformers name or folder; default for an existing collection: its own",
    )
    parser.add_argument(
        "--device",
        help="where sentence-transformers models run: auto (default: cuda when torch sees a "
        "GPU), cpu, cuda, cuda:N, mps; e5-small always runs on the CPU",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with the data folder given on the command line."""
    settings = Settings.from_env()
    if args.db is not None:
        settings = dataclasses.replace(settings, data_dir=args.db)
    if getattr(args, "device", None):
        settings = dataclasses.replace(settings, device=args.device)
    return settings


def model_for(store: Store, collection: str, requested: str | None, settings: Settings) -> str:
    """The model asked for (checked against the collection), else the collection's own."""
    existing = store.collection_model(collection)
    if requested and existing:
        store.check_model(collection, requested)
    return requested or existing or settings.model


def encoder_for(
    store: Store, collection: str, requested: str | None, settings: Settings
) -> Encoder:
    return load_encoder(model_for(store, collection, requested, settings), settings.device)
