"""Dense search over a collection: the hits for a question, or for a picture (CLIP models)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from core.errors import UserError
from core.records import Hit
from core.retrieval.encoders import Encoder
from core.retrieval.store import Store
from core.text import clean_text

if TYPE_CHECKING:
    from PIL.Image import Image


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


def search_by_image(
    store: Store, encoder: Encoder, collection: str, image: Image, k: int = 5
) -> list[Hit]:
    """The k chunks (pictures, and passages in a mixed collection) most similar to a picture."""
    return search_by_image_with_vector(store, encoder, collection, image, k)[1]


def search_by_image_with_vector(
    store: Store, encoder: Encoder, collection: str, image: Image, k: int = 5
) -> tuple[np.ndarray, list[Hit]]:
    """The picture's vector and the k chunks most similar to it, best first."""
    if k < 1:
        raise UserError("k must be at least 1.")
    store.check_model(collection, encoder.name)
    if not encoder.encodes_images:
        raise UserError(
            f"The collection '{collection}' uses {encoder.name}, which reads text only: "
            "searching with a picture needs a collection built with a CLIP model."
        )
    vector = encoder.encode_images([image])[0]
    return vector, store.search(collection, vector, k)


def hit_record(hit: Hit) -> dict:
    """A hit as plain JSON-ready data: kind, text, source, page, score, chunk_id and the rest.

    A picture's record also names its file and caption (its text: "" for an image file).
    """
    chunk = hit.chunk
    pictures = {"file_name": chunk.source, "caption": chunk.text} if chunk.is_image else {}
    return {
        "kind": chunk.kind,
        **pictures,
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
