"""Variants of a collection: its documents indexed again with another model or chunk size."""

from __future__ import annotations

from pathlib import PurePath

from core.retrieval.originals import Originals
from core.retrieval.store import Store
from ingest.queue import Upload


def variant_name(collection: str, model: str, tokens: int) -> str:
    """'papers · minilm · 128 tokens': readable in the collection picker."""
    return f"{collection} · {PurePath(model).name or model} · {tokens} tokens"


def kept_uploads(
    store: Store, originals: Originals, collection: str
) -> tuple[list[Upload], list[str]]:
    """The collection's documents as uploads from their kept originals, and the names of those
    whose original was not kept (they cannot be indexed again)."""
    uploads, missing = [], []
    for document in store.documents(collection):
        data = originals.load(document.sha256)
        if data is None:
            missing.append(document.source)
        else:
            uploads.append(Upload(document.source, data))
    return uploads, missing
