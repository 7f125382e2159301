"""The vector store: user collections of chunks and their document manifests, kept in Chroma."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.errors import NotFoundError
from filelock import FileLock, Timeout

from core.errors import StoreError
from core.records import Chunk, CollectionInfo, Document, Hit
from core.settings import Settings

MAX_NAME_CHARS = 100
DOCS_SUFFIX = ".docs"
LOCK_FILE = "write.lock"
PAGE_SIZE = 5000  # records per get() when reading a whole collection

NAME_KEY = "ee:name"
MODEL_KEY = "ee:model"
DIMENSION_KEY = "ee:dimension"

# Chroma names must also start and end with a letter or digit; such user names are kept as they
# are so the collections stay readable in Chroma's own tools.
_READABLE_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]{1,61}[a-zA-Z0-9]")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def chroma_settings() -> chromadb.config.Settings:
    """The one chromadb Settings this app uses (chromadb refuses a second, different one)."""
    return chromadb.config.Settings(anonymized_telemetry=False)


def open_store(settings: Settings) -> Store:
    """A store on the Chroma server when one is configured, else on the local data folder."""
    if settings.chroma_host:
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings()
            )
        except Exception as error:  # connection errors come in many types
            raise StoreError(
                f"Could not reach the Chroma server at {settings.chroma_host}:"
                f"{settings.chroma_port} ({type(error).__name__}); is it running?"
            ) from error
        return Store(client)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings())
    return Store(client, lock_path=settings.data_dir / LOCK_FILE)


def chroma_name(name: str) -> str:
    """The Chroma collection name of a user collection name (validated)."""
    if not name or not name.strip():
        raise StoreError("A collection name cannot be empty.")
    if len(name) > MAX_NAME_CHARS:
        raise StoreError(
            f"A collection name can have at most {MAX_NAME_CHARS} characters "
            f"(this one has {len(name)})."
        )
    if _CONTROL_CHARS.search(name):
        raise StoreError("A collection name cannot contain control characters (tabs, newlines).")
    if _READABLE_NAME.fullmatch(name):
        return name
    return "c-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:20]


class Store:
    """User collections in a chromadb client; writes are serialised by a lock."""

    def __init__(self, client: ClientAPI, lock_path: Path | None = None) -> None:
        self._client = client
        self._lock_path = lock_path
        # Threads of this process (Streamlit sessions) wait for each other...
        self._thread_lock = threading.RLock()
        # ...while another process writing the same folder is refused: Chroma is not process-safe.
        self._file_lock = (
            FileLock(str(lock_path), timeout=0, thread_local=False) if lock_path else None
        )

    # -- locking -----------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock; re-entrant within this process, refused if another holds it.

        The file lock, once taken, is kept for the life of this store: each Chroma client
        caches index state, so two processes taking turns at writing could still corrupt it.
        """
        with self._thread_lock:
            if self._file_lock is not None and not self._file_lock.is_locked:
                try:
                    self._file_lock.acquire(timeout=0)
                except Timeout:
                    data_dir = self._lock_path.parent if self._lock_path else "the data folder"
                    raise StoreError(
                        f"Another process (the app, or another ingest) is writing to {data_dir}; "
                        "stop it and try again, or share the data through a Chroma server "
                        "(EE_CHROMA_HOST)."
                    ) from None
            yield

    def close(self) -> None:
        """Let other processes write to the data folder again."""
        if self._file_lock is not None and self._file_lock.is_locked:
            self._file_lock.release(force=True)

    # -- collections -------------------------------------------------------------------------

    def collections(self) -> list[CollectionInfo]:
        """User collections only, sorted by name."""
        infos = []
        for collection in self._client.list_collections():
            metadata = collection.metadata or {}
            if collection.name.endswith(DOCS_SUFFIX) or NAME_KEY not in metadata:
                continue
            docs = self._docs_collection(collection.name)
            infos.append(
                CollectionInfo(
                    name=str(metadata[NAME_KEY]),
                    model=str(metadata.get(MODEL_KEY, "")),
                    dimension=int(metadata.get(DIMENSION_KEY, 0)),
                    documents=docs.count() if docs is not None else 0,
                    chunks=collection.count(),
                )
            )
        return sorted(infos, key=lambda info: info.name)

    def collection_model(self, name: str) -> str | None:
        """The model a collection was built with; None if it doesn't exist."""
        collection = self._chunks_collection(name)
        if collection is None:
            return None
        return str((collection.metadata or {}).get(MODEL_KEY, ""))

    def ensure_collection(self, name: str, model: str, dimension: int) -> None:
        """Create the collection for model, or check that an existing one was built with it."""
        base = chroma_name(name)
        collection = self._chunks_collection(name)
        if collection is None or self._docs_collection(base) is None:
            with self.writing():
                collection = self._create(name, base, model, dimension)
        self._check(name, collection, model, dimension)

    def check_model(self, name: str, model: str) -> None:
        """Refuse to use a collection with a model other than the one it was built with."""
        self._check(name, self._require(name), model, None)

    def delete_collection(self, name: str) -> None:
        base = chroma_name(name)
        with self.writing():
            self._require(name)
            # Chunks first: the collection leaves the listing at once.
            for chroma in (base, base + DOCS_SUFFIX):
                with suppress(NotFoundError):
                    self._client.delete_collection(chroma)

    # -- documents ---------------------------------------------------------------------------

    def document(self, name: str, sha256: str) -> Document | None:
        result = self._require_docs(name).get(ids=[sha256], include=["metadatas"])
        if not result["ids"]:
            return None
        return _decode_document(result["metadatas"][0])

    def documents(self, name: str) -> list[Document]:
        """Every listed document, sorted by added_at then source."""
        result = self._require_docs(name).get(include=["metadatas"])
        documents = [_decode_document(metadata) for metadata in result["metadatas"]]
        return sorted(documents, key=lambda document: (document.added_at, document.source))

    def add_document(
        self, name: str, document: Document, chunks: Sequence[Chunk], embeddings: np.ndarray
    ) -> None:
        """Store a document's chunks, then its manifest record, so it is listed only when whole."""
        vectors = np.asarray(embeddings, dtype=np.float32)
        if vectors.ndim != 2 or len(chunks) != vectors.shape[0]:
            raise StoreError(
                f"Got {len(chunks)} chunks but {vectors.shape[0] if vectors.ndim else 0} "
                f"embeddings for {document.source}."
            )
        if not chunks:
            raise StoreError(f"{document.source} has no text to store.")
        if any(chunk.doc_sha != document.sha256 for chunk in chunks):
            raise StoreError(f"Some chunks given for {document.source} belong to another file.")
        with self.writing():
            collection = self._require(name)
            self._check(name, collection, document.model, vectors.shape[1])
            docs = self._require_docs(name)
            sha = document.sha256
            # Unlist a previous copy first, then drop its chunks and any orphans of an
            # interrupted run, so a listed document never lacks chunks.
            docs.delete(ids=[sha])
            collection.delete(where={"doc_sha": sha})
            batch = max(1, int(self._client.get_max_batch_size()))
            for start in range(0, len(chunks), batch):
                part = chunks[start : start + batch]
                collection.upsert(
                    ids=[chunk.id for chunk in part],
                    embeddings=vectors[start : start + batch],
                    documents=[chunk.text for chunk in part],
                    metadatas=[_encode_chunk(chunk) for chunk in part],
                )
            mean = vectors.mean(axis=0)
            mean = mean / max(float(np.linalg.norm(mean)), 1e-12)
            docs.upsert(
                ids=[sha], embeddings=mean[np.newaxis, :], metadatas=[_encode_document(document)]
            )

    def delete_document(self, name: str, sha256: str) -> None:
        """Unlist the document first, then delete its chunks, so it is never listed half-gone."""
        with self.writing():
            self._require_docs(name).delete(ids=[sha256])
            self._require(name).delete(where={"doc_sha": sha256})

    # -- chunks ------------------------------------------------------------------------------

    def chunks(self, name: str, sha256: str | None = None) -> list[Chunk]:
        """One document's chunks, or all of them, ordered by (doc_sha, index)."""
        collection = self._require(name)
        where = {"doc_sha": sha256} if sha256 is not None else None
        chunks: list[Chunk] = []
        for result in _pages(collection, ["documents", "metadatas"], where):
            chunks.extend(
                _decode_chunk(text, metadata)
                for text, metadata in zip(result["documents"], result["metadatas"], strict=True)
            )
        return sorted(chunks, key=lambda chunk: (chunk.doc_sha, chunk.index))

    def embeddings(self, name: str) -> tuple[list[Chunk], np.ndarray]:
        """Every chunk and its vector, in the order of chunks()."""
        collection = self._require(name)
        dimension = int((collection.metadata or {}).get(DIMENSION_KEY, 0))
        chunks: list[Chunk] = []
        parts: list[np.ndarray] = []
        for result in _pages(collection, ["documents", "metadatas", "embeddings"], None):
            chunks.extend(
                _decode_chunk(text, metadata)
                for text, metadata in zip(result["documents"], result["metadatas"], strict=True)
            )
            parts.append(np.asarray(result["embeddings"], dtype=np.float32))
        if not chunks:
            return [], np.zeros((0, dimension), dtype=np.float32)
        vectors = np.concatenate(parts, axis=0)
        order = sorted(range(len(chunks)), key=lambda i: (chunks[i].doc_sha, chunks[i].index))
        return [chunks[i] for i in order], vectors[order]

    def search(
        self,
        name: str,
        query_embedding: np.ndarray,
        k: int,
        where_sha: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The k chunks nearest to the query; score = cosine similarity, best first."""
        collection = self._require(name)
        query = np.asarray(query_embedding, dtype=np.float32).reshape(-1)
        dimension = int((collection.metadata or {}).get(DIMENSION_KEY, 0))
        if query.shape[0] != dimension:
            raise StoreError(_mismatch_message(name, collection))
        count = collection.count()
        if k <= 0 or count == 0 or (where_sha is not None and not where_sha):
            return []
        where = {"doc_sha": {"$in": list(where_sha)}} if where_sha is not None else None
        result = collection.query(
            query_embeddings=query[np.newaxis, :],
            n_results=min(k, count),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        texts, metadatas, distances = (
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
        )
        return [
            Hit(chunk=_decode_chunk(text, metadata), score=1.0 - float(distance), rank=rank)
            for rank, (text, metadata, distance) in enumerate(
                zip(texts, metadatas, distances, strict=True), start=1
            )
        ]

    # -- helpers -----------------------------------------------------------------------------

    def _get(self, chroma: str) -> Collection | None:
        try:
            return self._client.get_collection(chroma, embedding_function=None)
        except NotFoundError:
            return None

    def _chunks_collection(self, name: str) -> Collection | None:
        collection = self._get(chroma_name(name))
        # A readable name can equal another name's hash form: the stored name decides.
        if collection is None or (collection.metadata or {}).get(NAME_KEY) != name:
            return None
        return collection

    def _docs_collection(self, base: str) -> Collection | None:
        return self._get(base + DOCS_SUFFIX)

    def _require(self, name: str) -> Collection:
        collection = self._chunks_collection(name)
        if collection is None:
            existing = ", ".join(info.name for info in self.collections()) or "none yet"
            raise StoreError(f"No collection named {name!r}. Existing: {existing}.")
        return collection

    def _require_docs(self, name: str) -> Collection:
        collection = self._require(name)
        docs = self._docs_collection(collection.name)
        if docs is None:
            raise StoreError(
                f"The collection {name!r} is incomplete (its document list is missing); "
                "delete it and ingest again."
            )
        return docs

    def _create(self, name: str, base: str, model: str, dimension: int) -> Collection:
        """Create what is missing of a collection (under the write lock); return its chunks."""
        metadata = self._metadata(name, model, dimension)
        # Chroma 1.x configures the index space here (metadata "hnsw:space" is legacy).
        configuration: dict[str, Any] = {"hnsw": {"space": "cosine"}}
        collection = self._get(base)
        if collection is not None:
            stored = (collection.metadata or {}).get(NAME_KEY)
            if stored != name:
                raise StoreError(
                    f"The name {name!r} clashes with the existing collection {stored or base!r}; "
                    "choose another name."
                )
            # Only the manifest is missing (an interrupted create): add it.
            self._check(name, collection, model, dimension)
            self._client.get_or_create_collection(
                base + DOCS_SUFFIX,
                metadata=metadata,
                configuration=configuration,
                embedding_function=None,
            )
            return collection
        # A manifest left by an interrupted delete would list documents without chunks.
        with suppress(NotFoundError):
            self._client.delete_collection(base + DOCS_SUFFIX)
        # The manifest first, so a listed (chunk) collection always has one.
        self._client.create_collection(
            base + DOCS_SUFFIX,
            metadata=metadata,
            configuration=configuration,
            embedding_function=None,
        )
        return self._client.create_collection(
            base, metadata=metadata, configuration=configuration, embedding_function=None
        )

    @staticmethod
    def _metadata(name: str, model: str, dimension: int) -> dict[str, Any]:
        return {NAME_KEY: name, MODEL_KEY: model, DIMENSION_KEY: int(dimension)}

    @staticmethod
    def _check(name: str, collection: Collection, model: str, dimension: int | None) -> None:
        metadata = collection.metadata or {}
        if metadata.get(MODEL_KEY) != model or (
            dimension is not None and metadata.get(DIMENSION_KEY) != dimension
        ):
            raise StoreError(_mismatch_message(name, collection))


def _mismatch_message(name: str, collection: Collection) -> str:
    metadata = collection.metadata or {}
    return (
        f"Collection {name!r} was built with model {metadata.get(MODEL_KEY)!r} "
        f"({metadata.get(DIMENSION_KEY)} dimensions); search it with that model, "
        "or re-ingest into a new collection."
    )


def _pages(collection: Collection, include: list[str], where: dict[str, Any] | None) -> Iterator:
    """get() results of at most PAGE_SIZE records each, until the collection is read."""
    offset = 0
    while True:
        result = collection.get(
            where=where,
            limit=PAGE_SIZE,
            offset=offset,
            include=include,
        )
        if not result["ids"]:
            return
        yield result
        if len(result["ids"]) < PAGE_SIZE:
            return
        offset += PAGE_SIZE


# Chroma metadata cannot hold None: optional fields are left out and read back as None.


def _encode_chunk(chunk: Chunk) -> dict[str, Any]:
    return _metadata(asdict(chunk), leave_out="text")  # the text is stored as the document


def _decode_chunk(text: str | None, metadata: Any) -> Chunk:
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
    )


def _encode_document(document: Document) -> dict[str, Any]:
    return _metadata(asdict(document))


def _metadata(fields: dict[str, Any], leave_out: str = "") -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None and key != leave_out}


def _decode_document(metadata: Any) -> Document:
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


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)
