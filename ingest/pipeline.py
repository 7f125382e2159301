"""The ingest pipeline: bytes in, chunks with vectors stored, one result per file."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.errors import PasswordRequired, UserError
from core.pictures import DEFAULT_LIMITS, PictureLimits, is_picture, load_picture
from core.records import Chunk, Document
from core.retrieval.chunking import ChunkConfig, chunk_pages
from core.retrieval.embedding_cache import EmbeddingCache, encode_documents
from core.retrieval.encoders import Encoder
from core.retrieval.originals import Originals
from core.retrieval.store import Store
from core.text import count_noun, safe_display_name
from ingest.extract import Extracted, Limits, check_size, extract
from ingest.figures import Figure, extract_figures

log = logging.getLogger(__name__)

# on_progress(stage, done, total): stage is "reading", "OCR", "figures", "encoding" or "storing".
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
    ocr_pages: int = 0
    encoded: int = 0  # chunks actually encoded; the others came from the embedding cache

    @property
    def line(self) -> str:
        """One line for the user: 'paper.pdf: indexed: 12 pages, 40 chunks'."""
        notes = "".join(f"; {note}" for note in self.notes)
        return f"{self.source}: {self.status}: {self.detail}{notes}"


@dataclass(frozen=True)
class Prepared:
    """A file read, chunked and encoded, ready to be stored: what a worker process hands back."""

    document: Document
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray
    result: FileResult  # the line to report once stored
    ocr_lines: dict[str, list[dict]]  # page -> OCR lines with boxes, kept beside the original
    thumbnails: dict[int, bytes]  # figure number -> thumbnail (pictures for CLIP models)


@dataclass(frozen=True)
class Preparer:
    """Reading, chunking and encoding: the slow half of ingest, which needs no store."""

    encoder: Encoder
    chunking: ChunkConfig = ChunkConfig()
    limits: Limits = Limits()
    ocr: bool = True  # OCR pages without a text layer, and image files
    cache: EmbeddingCache | None = None  # identical texts are encoded once
    pictures: PictureLimits = DEFAULT_LIMITS  # image files and PDF figures, for CLIP models

    def prepare(
        self,
        data: bytes,
        name: str,
        *,
        password: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Prepared | FileResult:
        """The file ready to store, or its 'failed' result; never an exception for bad input."""
        source = safe_display_name(name)
        sha = hashlib.sha256(data).hexdigest()
        try:
            return self._prepare(data, source, sha, password, on_progress or _no_progress)
        except PasswordRequired as error:
            return FileResult(
                source, "failed", _reason(error, source), sha256=sha, needs_password=True
            )
        except UserError as error:
            return FileResult(source, "failed", _reason(error, source), sha256=sha)

    def _prepare(self, data, source, sha, password, progress) -> Prepared:
        encoder = self.encoder
        if encoder.encodes_images and is_picture(data, source) and b"%PDF-" not in data[:1024]:
            return self._prepare_picture(data, source, sha, progress)
        progress("reading", 0, 1)
        extracted = extract(
            data,
            source,
            password=password,
            limits=self.limits,
            ocr=self.ocr,
            on_progress=progress,
        )
        pages = [(page.number, page.text) for page in extracted.pages]
        chunks = chunk_pages(
            pages,
            encoder=encoder,
            doc_sha=sha,
            source=source,
            config=self.chunking,
            origins=[(page.origin, page.confidence) for page in extracted.pages],
        )
        page_count = extracted.page_count if extracted.kind == "pdf" else None
        figures: tuple[Figure, ...] = ()
        if encoder.encodes_images and extracted.kind == "pdf":
            found = extract_figures(
                data,
                source,
                password=password,
                limits=self.pictures,
                max_pages=self.limits.max_pages,
                on_page=lambda done, total: progress("figures", done, total),
            )
            figures = found.figures
            extracted = Extracted(extracted.kind, extracted.pages, extracted.notes + found.notes)
        if not chunks and not figures:
            notes = "; ".join(extracted.notes)
            raise UserError(f"{source}: no text to index" + (f" ({notes})" if notes else ""))
        progress("encoding", 0, len(chunks) + len(figures))
        vectors, encoded = encode_documents(
            encoder,
            [chunk.text for chunk in chunks],
            self.cache,
            lambda done, total: progress("encoding", done, total + len(figures)),
        )
        if figures:
            chunks = [*chunks, *self._figure_chunks(figures, sha, source, len(chunks))]
            pictures = encoder.encode_images([figure.picture.image for figure in figures])
            vectors = np.concatenate([vectors.reshape(-1, encoder.dimension), pictures])
            encoded += len(figures)
        detail = count_noun(len(chunks) - len(figures), "chunk")
        if figures:
            detail += f", {count_noun(len(figures), 'figure')}"
        if page_count is not None:
            detail = f"{count_noun(page_count, 'page')}, {detail}"
        if extracted.ocr_pages:
            detail += f", {count_noun(extracted.ocr_pages, 'page')} OCR'd"
        ocr_lines = {
            "" if page.number is None else str(page.number): [
                {"text": line.text, "box": list(line.box)} for line in page.ocr_lines
            ]
            for page in extracted.pages
            if page.ocr_lines
        }
        return Prepared(
            document=self._document(sha, source, extracted.kind, page_count, len(chunks)),
            chunks=tuple(chunks),
            vectors=vectors,
            result=FileResult(
                source,
                "indexed",
                detail,
                pages=page_count,
                chunks=len(chunks),
                notes=extracted.notes,
                sha256=sha,
                ocr_pages=extracted.ocr_pages,
                encoded=encoded,
            ),
            ocr_lines=ocr_lines,
            thumbnails={i: figure.picture.thumbnail for i, figure in enumerate(figures)},
        )

    def _prepare_picture(self, data: bytes, source: str, sha: str, progress) -> Prepared:
        """An image file into a CLIP collection: one picture chunk and its thumbnail."""
        if len(data) > self.limits.max_bytes:
            limit = self.limits.max_bytes / 2**20
            raise UserError(f"{source}: the file is over the limit of {limit:.0f} MB")
        progress("reading", 0, 1)
        picture = load_picture(data, source, self.pictures)
        progress("encoding", 0, 1)
        vectors = self.encoder.encode_images([picture.image])
        chunk = Chunk(sha, 0, "", source, None, None, 0, 0, 0, kind="image", figure=0)
        detail = f"picture, {picture.width} x {picture.height} pixels"
        return Prepared(
            document=self._document(sha, source, "image", None, 1),
            chunks=(chunk,),
            vectors=vectors,
            result=FileResult(source, "indexed", detail, chunks=1, sha256=sha, encoded=1),
            ocr_lines={},
            thumbnails={0: picture.thumbnail},
        )

    def _document(self, sha, source, kind, pages, chunks) -> Document:
        return Document(
            sha256=sha,
            source=source,
            kind=kind,
            pages=pages,
            chunks=chunks,
            model=self.encoder.name,
            added_at=datetime.now(UTC).isoformat(timespec="seconds"),
            notes="",
        )

    def _figure_chunks(
        self, figures: tuple[Figure, ...], sha: str, source: str, first: int
    ) -> list[Chunk]:
        """PDF figures as picture chunks after the text chunks; their text is their caption."""
        return [
            Chunk(
                doc_sha=sha,
                index=first + i,
                text=figure.caption,
                source=source,
                page_start=figure.page,
                page_end=figure.page,
                char_start=0,
                char_end=len(figure.caption),
                token_count=self.encoder.count_tokens(figure.caption) if figure.caption else 0,
                kind="image",
                figure=i,
            )
            for i, figure in enumerate(figures)
        ]


@dataclass(frozen=True)
class Ingestor:
    """Everything a run needs besides the files: where, with what, how."""

    store: Store
    encoder: Encoder
    collection: str
    chunking: ChunkConfig = ChunkConfig()
    limits: Limits = Limits()
    ocr: bool = True  # OCR pages without a text layer, and image files
    cache: EmbeddingCache | None = None  # identical texts are encoded once
    originals: Originals | None = None  # keeps each indexed file for page views and downloads
    pictures: PictureLimits = DEFAULT_LIMITS  # image files and PDF figures, for CLIP models

    @property
    def preparer(self) -> Preparer:
        return Preparer(
            self.encoder, self.chunking, self.limits, self.ocr, self.cache, self.pictures
        )

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
        try:
            skipped = self.skipped(data, name, replace)
            if skipped is not None:
                return skipped
            prepared = self.preparer.prepare(data, name, password=password, on_progress=on_progress)
            if isinstance(prepared, FileResult):
                return prepared
            return store_prepared(
                self.store, self.collection, prepared, data, self.originals, on_progress
            )
        except UserError as error:  # the store refused: another process writes, wrong model
            source = safe_display_name(name)
            sha = hashlib.sha256(data).hexdigest()
            return FileResult(source, "failed", _reason(error, source), sha256=sha)

    def skipped(self, data: bytes, name: str, replace: bool = False) -> FileResult | None:
        """The 'skipped' result when the file is already in the collection (and not replaced)."""
        self.store.ensure_collection(self.collection, self.encoder.name, self.encoder.dimension)
        if replace:
            return None
        sha = hashlib.sha256(data).hexdigest()
        existing = self.store.document(self.collection, sha)
        if existing is None:
            return None
        return already_indexed(existing, safe_display_name(name))

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


def already_indexed(existing: Document, source: str) -> FileResult:
    """The 'skipped' result of a file whose copy is in the collection (maybe under another name)."""
    same = "" if existing.source == source else f" as {existing.source}"
    return FileResult(source, "skipped", f"already indexed{same}", sha256=existing.sha256)


def store_prepared(
    store: Store,
    collection: str,
    prepared: Prepared,
    data: bytes,
    originals: Originals | None = None,
    on_progress: ProgressCallback | None = None,
) -> FileResult:
    """Store a prepared file, then keep its original and thumbnails; store refusals are raised."""
    progress = on_progress or _no_progress
    progress("storing", 0, 1)
    result = prepared.result
    document = dataclasses.replace(prepared.document, notes="; ".join(result.notes))
    store.add_document(collection, document, prepared.chunks, prepared.vectors)
    notes: tuple[str, ...] = ()
    if originals is not None:
        notes += _keep_original(originals, result.sha256, data, prepared.ocr_lines)
        if prepared.thumbnails:
            notes += _keep_thumbnails(originals, result.sha256, prepared.thumbnails)
    progress("storing", 1, 1)
    return dataclasses.replace(result, notes=result.notes + notes)


def _keep_thumbnails(
    originals: Originals, sha: str, thumbnails: dict[int, bytes]
) -> tuple[str, ...]:
    try:
        originals.save_thumbnails(sha, thumbnails)
    except OSError as error:
        log.warning("thumbnails of %s not kept: %s", sha, error)
        return (f"the thumbnails could not be kept ({error.strerror})",)
    return ()


def _keep_original(originals: Originals, sha: str, data: bytes, ocr_lines: dict) -> tuple[str, ...]:
    """Keep the file for page views; failing to is worth a note, not a failed file."""
    try:
        originals.save(sha, data, ocr_lines)
    except OSError as error:
        log.warning("original of %s not kept: %s", sha, error)
        return (f"the original file could not be kept ({error.strerror}): no page view",)
    return ()


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
