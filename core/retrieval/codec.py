"""Records as Chroma metadata and back (Chroma metadata cannot hold None: optional fields are
left out and read back as None)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core.records import Chunk, Document


def encode_chunk(chunk: Chunk) -> dict[str, Any]:
    return _without_none(asdict(chunk), leave_out="text")  # the text is stored as the document


def decode_chunk(text: str | None, metadata: Any) -> Chunk:
    return Chunk(
        doc_sha=str(metadata["doc_sha"]),
        index=int(metadata["index"]),
        text=text or "",
        source=str(metadata["source"]),
        page_start=_optional_int(metadata.get("page_start")),
        page_end=_optional_int(metadata.get("page_end")),
        char_start=int(metadata["char_start"]),
        char_end=int(metadata["char_end"]),
        token_count=int(metadata["token_count"]),
        origin=str(metadata.get("origin", "text")),
        ocr_confidence=_optional_float(metadata.get("ocr_confidence")),
        kind=str(metadata.get("kind", "text")),
        figure=_optional_int(metadata.get("figure")),
    )


def encode_document(document: Document) -> dict[str, Any]:
    return _without_none(asdict(document))


def decode_document(metadata: Any) -> Document:
    return Document(
        sha256=str(metadata["sha256"]),
        source=str(metadata["source"]),
        kind=str(metadata["kind"]),
        pages=_optional_int(metadata.get("pages")),
        chunks=int(metadata["chunks"]),
        model=str(metadata["model"]),
        added_at=str(metadata["added_at"]),
        notes=str(metadata.get("notes", "")),
    )


def _without_none(fields: dict[str, Any], leave_out: str = "") -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None and key != leave_out}


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
