"""The ingest pipeline: bytes in, chunks with vectors stored, one result per file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.errors import PasswordRequired, UserError
from core.records import Document
from core.retrieval.encoders import Encoder
from core.retrieval.store import Store
from core.text import count_noun, safe_display_name
from ingest.chunk import ChunkConfig, chunk_pages
from ingest.extract import Limits, check_size, extract

ENCODE_BATCH = 32

# on_progress(stage, done, total): stage is "reading", "encoding" or "storing".
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FileResult:
    source: str
    status: str  # "indexed", "skipped" or "failed"
    detail: str  # the human half of the result line, e.g. "12 pages, 40 chunks"
    pages: int | None = None
    chunks: int = 0
    notes: tuple[str, ...] = ()
    sha256: str = ""
    needs_password: bool = False

    @property
    def line(self) -> str:
        """One line for the user: 'paper.pdf: indexed: 12 pages, 40 chunks'."""
        notes = "".join(f"; {note}" for note in self.notes)
        return f"{self.source}: {self.status}: {self.detail}{notes}"


@dataclass(frozen=True)
class Ingestor:
    """Everything a run needs besides the files: where, with what, how."""

    store: Store
    encoder: Encoder
    collection: str
    chunking: ChunkConfig = ChunkConfig()
    limits: Limits = Limits()

    def ingest(
        self,
        data: bytes,
        name: str,
        *,
        password: str | None = None,
        replace: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> FileResult:
        """Index one file; any problem becomes a 'failed' result, never an exception."""
        source = safe_display_name(name)
        sha = hashlib.sha256(data).hexdigest()
        progress = on_progress or _no_progress
        try:
            return self._ingest(data, source, sha, password, replace, progress)
        except PasswordRequired as error:
            return FileResult(
                source, "failed", _reason(error, source), sha256=sha, needs_password=True
            )
        except UserError as error:
            return FileResult(source, "failed", _reason(error, source), sha256=sha)

    def _ingest(self, data, source, sha, password, replace, progress) -> FileResult:
        store, encoder = self.store, self.encoder
        store.ensure_collection(self.collection, encoder.name, encoder.dimension)
        existing = store.document(self.collection, sha)
        if existing and not replace:
            same = "" if existing.source == source else f" as {existing.source}"
            return FileResult(source, "skipped", f"already indexed{same}", sha256=sha)
        progress("reading", 0, 1)
        extracted = extract(data, source, password=password, limits=self.limits)
        pages = [(page.number, page.text) for page in extracted.pages]
        chunks = chunk_pages(
            pages, encoder=encoder, doc_sha=sha, source=source, config=self.chunking
        )
        page_count = extracted.page_count if extracted.kind == "pdf" else None
        if not chunks:
            notes = "; ".join(extracted.notes)
            raise UserError(f"{source}: no text to index" + (f" ({notes})" if notes else ""))
        progress("encoding", 0, len(chunks))
        vectors = []
        for start in range(0, len(chunks), ENCODE_BATCH):
            batch = chunks[start : start + ENCODE_BATCH]
            vectors.append(encoder.encode_documents([chunk.text for chunk in batch]))
            progress("encoding", start + len(batch), len(chunks))
        progress("storing", 0, 1)
        document = Document(
            sha256=sha,
            source=source,
            kind=extracted.kind,
            pages=page_count,
            chunks=len(chunks),
            model=encoder.name,
            added_at=datetime.now(UTC).isoformat(timespec="seconds"),
            notes="; ".join(extracted.notes),
        )
        store.add_document(self.collection, document, chunks, np.concatenate(vectors))
        progress("storing", 1, 1)
        detail = count_noun(len(chunks), "chunk")
        if page_count is not None:
            detail = f"{count_noun(page_count, 'page')}, {detail}"
        return FileResult(
            source,
            "indexed",
            detail,
            pages=page_count,
            chunks=len(chunks),
            notes=extracted.notes,
            sha256=sha,
        )

    def ingest_paths(
        self,
        paths: Iterable[Path],
        *,
        password: str | None = None,
        replace: bool = False,
        on_file: Callable[[Path], None] | None = None,
        on_result: Callable[[FileResult], None] | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> list[FileResult]:
        """Index files one after another under one write lock; one bad file never stops the rest."""
        results = []
        with self.store.writing():
            for path in paths:
                if on_file:
                    on_file(path)
                result = self._ingest_path(path, password, replace, on_progress)
                if on_result:
                    on_result(result)
                results.append(result)
        return results

    def _ingest_path(self, path, password, replace, on_progress) -> FileResult:
        try:
            check_size(path.name, path.stat().st_size, self.limits)  # before reading it
            data = path.read_bytes()
        except OSError as error:
            return FileResult(path.name, "failed", f"cannot read the file ({error.strerror})")
        except UserError as error:
            return FileResult(path.name, "failed", _reason(error, path.name))
        return self.ingest(
            data, path.name, password=password, replace=replace, on_progress=on_progress
        )


def expand_paths(arguments: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, and the files under named folders (recursively, sorted)."""
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
        else:
            yield path


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _reason(error: Exception, source: str) -> str:
    """The error's sentence without the file name the result line already starts with."""
    message = str(error)
    prefix = f"{source}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _no_progress(stage: str, done: int, total: int) -> None:
    pass
