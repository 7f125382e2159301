"""The ingest pipeline: bytes in, chunks with vectors stored, one result per file."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.errors import PasswordRequired, UserError
from core.pictures import DEFAULT_LIMITS, Picture, PictureLimits, is_picture, load_picture
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
class Read:
    """A file read and chunked, not yet encoded: the half of prepare that needs no model run."""

    source: str
    sha256: str
    kind: str
    page_count: int | None
    chunks: tuple[Chunk, ...]
    figures: tuple[Figure, ...]
    notes: tuple[str, ...]
    ocr_pages: int
    ocr_lines: dict[str, list[dict]]
    picture: Picture | None = None  # an image file for a CLIP model


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
        read = self.read(data, name, password=password, on_progress=on_progress)
        if isinstance(read, FileResult):
            return read
        return self.encode(read, on_progress=on_progress)

    def read(
        self,
        data: bytes,
        name: str,
        *,
        password: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Read | FileResult:
        """The first half of prepare: the file read and chunked, or its 'failed' result."""
        source = safe_display_name(name)
        sha = hashlib.sha256(data).hexdigest()
        progress = on_progress or _no_progress
        return _guarded(source, sha, lambda: self._read(data, source, sha, password, progress))

    def encode(
        self, read: Read, *, on_progress: ProgressCallback | None = None
    ) -> Prepared | FileResult:
        """The second half of prepare: the chunks of a read file encoded, ready to store."""
        progress = on_progress or _no_progress
        return _guarded(read.source, read.sha256, lambda: self._encode(read, progress))

    def _read(self, data, source, sha, password, progress) -> Read:
        encoder = self.encoder
        if encoder.encodes_images and is_picture(data, source) and b"%PDF-" not in data[:1024]:
            return self._read_picture(data, source, sha, progress)
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
        ocr_lines = {
            "" if page.number is None else str(page.number): [
                {"text": line.text, "box": list(line.box)} for line in page.ocr_lines
            ]
            for page in extracted.pages
            if page.ocr_lines
        }
        return Read(
            source=source,
            sha256=sha,
            kind=extracted.kind,
            page_count=page_count,
            chunks=tuple(chunks),
            figures=figures,
            notes=extracted.notes,
            ocr_pages=extracted.ocr_pages,
            ocr_lines=ocr_lines,
        )

    def _encode(self, read: Read, progress) -> Prepared:
        if read.picture is not None:
            return self._encode_picture(read, progress)
        encoder, figures, sha, source = self.encoder, read.figures, read.sha256, read.source
        chunks = list(read.chunks)
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
        if read.page_count is not None:
            detail = f"{count_noun(read.page_count, 'page')}, {detail}"
        if read.ocr_pages:
            detail += f", {count_noun(read.ocr_pages, 'page')} OCR'd"
        return Prepared(
            document=self._document(sha, source, read.kind, read.page_count, len(chunks)),
            chunks=tuple(chunks),
            vectors=vectors,
            result=FileResult(
                source,
                "indexed",
                detail,
                pages=read.page_count,
                chunks=len(chunks),
                notes=read.notes,
                sha256=sha,
                ocr_pages=read.ocr_pages,
                encoded=encoded,
            ),
            ocr_lines=read.ocr_lines,
            thumbnails={i: figure.picture.thumbnail for i, figure in enumerate(figures)},
        )

    def _read_picture(self, data: bytes, source: str, sha: str, progress) -> Read:
        """An image file into a CLIP collection: one picture chunk and its thumbnail."""
        if len(data) > self.limits.max_bytes:
            limit = self.limits.max_bytes / 2**20
            raise UserError(f"{source}: the file is over the limit of {limit:.0f} MB")
        progress("reading", 0, 1)
        picture = load_picture(data, source, self.pictures)
        chunk = Chunk(sha, 0, "", source, None, None, 0, 0, 0, kind="image", figure=0)
        return Read(source, sha, "image", None, (chunk,), (), (), 0, {}, picture)

    def _encode_picture(self, read: Read, progress) -> Prepared:
        picture = read.picture
        assert picture is not None
        progress("encoding", 0, 1)
        vectors = self.encoder.encode_images([picture.image])
        detail = f"picture, {picture.width} x {picture.height} pixels"
        return Prepared(
            document=self._document(read.sha256, read.source, "image", None, 1),
            chunks=read.chunks,
            vectors=vectors,
            result=FileResult(
                read.source, "indexed", detail, chunks=1, sha256=read.sha256, encoded=1
            ),
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
            # To the microsecond: a file indexed again within the second is a new state of the
            # collection (answerability.BaselineCache keys its baseline on it).
            added_at=datetime.now(UTC).isoformat(timespec="microseconds"),
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
            return _failed(error, safe_display_name(name), hashlib.sha256(data).hexdigest())

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
        """Index files one after another; one bad file never stops the rest.

        Three stages overlap, as on an assembly line: a reader thread reads and chunks the next
        file while this thread encodes the current one and a writer thread stores the one before
        (the model, pdfium and Chroma release the GIL while they compute). Results, on_result
        and the store's contents are those of indexing the files one by one, in order.
        """
        with self.store.writing():  # another process writing the data folder is refused here
            pass  # the lock file, once taken, is kept until the store is closed
        return _Line(self, list(paths), password, replace, on_file, on_result, on_progress).run()

    def _read_path(self, path: Path, password, replace, progress, seen: set[str]) -> _Item:
        """The reader's part for one file: its bytes, the skip check, then Preparer.read.

        A second copy of a file seen earlier in the run is left for the caller (outcome None):
        it is skipped once the first copy is stored, or read again if that one failed.
        """
        data = _read_file(path, self.limits)
        if isinstance(data, FileResult):
            return _Item(path, data)
        sha = hashlib.sha256(data).hexdigest()
        if not replace:
            if sha in seen:
                return _Item(path, None)
            seen.add(sha)
        try:
            skipped = self.skipped(data, path.name, replace)
        except UserError as error:  # the store refused: another process writes, wrong model
            return _Item(path, _failed(error, safe_display_name(path.name), sha))
        if skipped is not None:
            return _Item(path, skipped)
        read = self.preparer.read(data, path.name, password=password, on_progress=progress)
        return _Item(path, read, data)

    def _ingest_path(self, path, password, replace, on_progress) -> FileResult:
        data = _read_file(path, self.limits)
        if isinstance(data, FileResult):
            return data
        return self.ingest(
            data, path.name, password=password, replace=replace, on_progress=on_progress
        )


@dataclass(frozen=True)
class _Item:
    """One file between two stages of ingest_paths: its outcome so far, and its bytes."""

    path: Path
    outcome: Read | Prepared | FileResult | None  # None: read it again in order (a duplicate)
    data: bytes = b""


@dataclass(frozen=True)
class _Failure:
    """An unexpected exception in a stage's thread, handed on to be raised in the caller's."""

    error: BaseException


_DONE = object()  # the end of a stage's items
AHEAD = 1  # files a stage may hold finished for the next one: bounds the bytes kept in memory


class _Line:
    """The stages of Ingestor.ingest_paths: reader thread -> caller's thread -> writer thread."""

    def __init__(self, ingestor, paths, password, replace, on_file, on_result, on_progress):
        self.ingestor = ingestor
        self.paths: list[Path] = paths
        self.password = password
        self.replace = replace
        self.on_file = on_file
        self.on_result = on_result
        self.progress: ProgressCallback = on_progress or _no_progress
        self.read: queue.Queue = queue.Queue(maxsize=AHEAD)
        self.written: queue.Queue = queue.Queue(maxsize=AHEAD)
        self.results: list[FileResult] = []
        self.stop = threading.Event()
        # The file the caller waits for: only its reading progress is shown. The first one from
        # the start: the reader begins before the caller asks for it (and a fast reader had read
        # it unseen, so a run reported no reading at all).
        self.current = 0
        self.failure: BaseException | None = None  # the writer's

    def run(self) -> list[FileResult]:
        reader = threading.Thread(target=self._reader, name="ingest-reader", daemon=True)
        writer = threading.Thread(target=self._writer, name="ingest-writer", daemon=True)
        reader.start()
        writer.start()
        try:
            self._encode_all(writer)
        finally:
            # The reader stops at its next file; what was encoded is still stored, as it would
            # have been one file at a time. (A reader deep in a long PDF is not waited for.)
            self.stop.set()
            _put(self.written, _DONE, writer.is_alive)
            writer.join()
        if self.failure is not None:
            raise self.failure
        reader.join()
        return self.results

    def _encode_all(self, writer: threading.Thread) -> None:
        preparer = self.ingestor.preparer
        for number, path in enumerate(self.paths):
            if self.on_file:
                self.on_file(path)
            self.current = number
            item = self.read.get()
            if isinstance(item, _Failure):
                raise item.error
            outcome = item.outcome
            if outcome is None:  # a copy of an earlier file: ask once that one is stored
                self.written.join()
                if self.failure is not None:
                    break
                outcome = self.ingestor._ingest_path(
                    path, self.password, self.replace, self.progress
                )
            elif isinstance(outcome, Read):
                outcome = preparer.encode(outcome, on_progress=self.progress)
            _put(self.written, _Item(path, outcome, item.data), writer.is_alive)
            if self.failure is not None:
                break

    def _reader(self) -> None:
        seen: set[str] = set()
        try:
            for number, path in enumerate(self.paths):
                if self.stop.is_set():
                    return
                item = self.ingestor._read_path(
                    path, self.password, self.replace, self._progress_of(number), seen
                )
                self._offer(item)
        except BaseException as error:  # handed to the caller's thread, raised there
            self._offer(_Failure(error))

    def _progress_of(self, number: int) -> ProgressCallback:
        def progress(stage: str, done: int, total: int) -> None:
            if self.current == number:  # a file read ahead keeps quiet until its turn
                self.progress(stage, done, total)

        return progress

    def _offer(self, item: object) -> None:
        """Hand an item to the caller's thread, unless it has stopped waiting."""
        _put(self.read, item, lambda: not self.stop.is_set())

    def _writer(self) -> None:
        while True:
            item = self.written.get()
            try:
                if item is _DONE:
                    return
                if self.failure is not None:
                    continue  # drain what is queued; the caller raises the failure
                outcome = item.outcome
                if isinstance(outcome, Prepared):
                    outcome = self._store(outcome, item.data)
                self.results.append(outcome)
                if self.on_result:
                    self.on_result(outcome)
            except BaseException as error:  # raised in the caller's thread
                self.failure = error
            finally:
                self.written.task_done()

    def _store(self, prepared: Prepared, data: bytes) -> FileResult:
        ingestor = self.ingestor
        try:
            return store_prepared(
                ingestor.store,
                ingestor.collection,
                prepared,
                data,
                ingestor.originals,
                self.progress,
            )
        except UserError as error:  # the store refused: another process writes, wrong model
            return _failed(error, prepared.result.source, prepared.result.sha256)


def _put(target: queue.Queue, item: object, waited_for: Callable[[], bool]) -> None:
    """Put item on a bounded queue, giving up once its taker is no longer waited for."""
    while waited_for():
        try:
            target.put(item, timeout=0.2)
            return
        except queue.Full:
            continue


def _read_file(path: Path, limits: Limits) -> bytes | FileResult:
    """A file's bytes, or its 'failed' result (too big: checked before reading it)."""
    try:
        check_size(path.name, path.stat().st_size, limits)
        return path.read_bytes()
    except OSError as error:
        return FileResult(path.name, "failed", f"cannot read the file ({error.strerror})")
    except UserError as error:
        return FileResult(path.name, "failed", _reason(error, path.name))


def _failed(error: UserError, source: str, sha: str) -> FileResult:
    """The file's 'failed' result for a problem the user can act on (bad input, the store)."""
    needs_password = isinstance(error, PasswordRequired)
    return FileResult(
        source, "failed", _reason(error, source), sha256=sha, needs_password=needs_password
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


def _guarded(source: str, sha: str, step: Callable[[], Read | Prepared]):
    """step's outcome, or the file's 'failed' result when the input is bad (never raised)."""
    try:
        return step()
    except UserError as error:
        return _failed(error, source, sha)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass
