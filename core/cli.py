"""What the command lines share: store arguments, settings and picking the encoder."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from core.encoders import Encoder, load_encoder
from core.settings import Settings
from core.store import Store

DEFAULT_COLLECTION = "library"


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--collection", default=DEFAULT_COLLECTION, help="collection name")
    parser.add_argument("--db", type=Path, help="data folder (default: ./data or $EE_DATA_DIR)")
    parser.add_argument(
        "--model",
        help="encoder: e5-small (default, multilingual), minilm (fast, English), or any "
        "sentence-transformers name or folder; default for an existing collection: its own",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with the data folder given on the command line."""
    settings = Settings.from_env()
    if args.db is not None:
        settings = dataclasses.replace(settings, data_dir=args.db)
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
    return load_encoder(model_for(store, collection, requested, settings))
