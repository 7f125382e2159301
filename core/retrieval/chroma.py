"""Chroma: the client, collection names, and the pair of Chroma collections behind each user
collection (its chunks, and the manifest of its documents)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import suppress
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.errors import NotFoundError

from core.errors import StoreError
from core.records import CollectionInfo
from core.settings import Settings

MAX_NAME_CHARS = 100
MANIFEST_SUFFIX = ".docs"
PAGE_SIZE = 5000  # records per get() when reading a whole collection

NAME_KEY = "ee:name"
MODEL_KEY = "ee:model"
DIMENSION_KEY = "ee:dimension"

# The HNSW index every collection is created with (measured with bench/scale.py; README "Scale").
HNSW: dict[str, Any] = {
    "space": "cosine",
    "max_neighbors": 16,
    "ef_construction": 200,
    # 400: recall@10 0.973 at 1M clustered chunks for 4.7 ms a query (200: 0.909, 4.0 ms). A
    # document filter (the answerability baseline's) then searches longer, so it is slower.
    "ef_search": 400,
}

# Chroma names must also start and end with a letter or digit; such user names are kept as they
# are so the collections stay readable in Chroma's own tools.
_READABLE_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]{1,61}[a-zA-Z0-9]")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def chroma_settings() -> chromadb.config.Settings:
    """The one chromadb Settings this app uses (chromadb refuses a second, different one)."""
    return chromadb.config.Settings(anonymized_telemetry=False)


def connect(settings: Settings) -> ClientAPI:
    """A client of the Chroma server when one is configured, else of the local data folder."""
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings()
            )
        except Exception as error:  # connection errors come in many types
            raise StoreError(
                f"Could not reach the Chroma server at {settings.chroma_host}:"
                f"{settings.chroma_port} ({type(error).__name__}); is it running?"
            ) from error
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings())


def reconnect(settings: Settings) -> ClientAPI:
    """A new client of the local data folder with its own view of it.

    Chroma shares one system per folder within a process, and that system keeps the vector
    index it loaded: chunks another process adds later are listed but neither found nor
    readable. Forgetting the shared system makes connect() load the folder again; clients
    still holding the old one keep it until they are dropped (searches in flight finish).
    """
    SharedSystemClient._identifier_to_system.pop(str(settings.chroma_dir), None)
    return connect(settings)


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


class ChromaCollections:
    """Finds, creates, checks and deletes the Chroma collections of user collections.

    Handles are kept once found: looking one up costs 0.4-0.6 ms, and a search used four. A
    handle goes stale only when another process deletes or re-creates its collection; Chroma
    then raises NotFoundError, and the caller forgets the handles and tries again (Store).
    Whether a collection exists is always asked afresh (fresh=True): a kept handle would say yes.
    """

    def __init__(self, client: ClientAPI) -> None:
        self.client = client
        self._handles: dict[str, Collection] = {}  # Chroma name -> handle

    def forget(self) -> None:
        """Look every collection up again (one may have been deleted or re-created)."""
        self._handles.clear()

    def listing(self) -> list[CollectionInfo]:
        """User collections only, sorted by name."""
        infos = []
        for collection in self.client.list_collections():
            metadata = collection.metadata or {}
            if collection.name.endswith(MANIFEST_SUFFIX) or NAME_KEY not in metadata:
                continue
            manifest = self._get(collection.name + MANIFEST_SUFFIX)
            infos.append(
                CollectionInfo(
                    name=str(metadata[NAME_KEY]),
                    model=str(metadata.get(MODEL_KEY, "")),
                    dimension=dimension(collection),
                    documents=manifest.count() if manifest is not None else 0,
                    chunks=collection.count(),
                )
            )
        return sorted(infos, key=lambda info: info.name)

    def chunks(self, name: str, fresh: bool = False) -> Collection | None:
        """The chunks of a user collection; None if it doesn't exist."""
        collection = self._get(chroma_name(name), fresh)
        # A readable name can equal another name's hash form: the stored name decides.
        if collection is None or (collection.metadata or {}).get(NAME_KEY) != name:
            return None
        return collection

    def require(self, name: str) -> Collection:
        collection = self.chunks(name)
        if collection is None:
            existing = ", ".join(info.name for info in self.listing()) or "none yet"
            raise StoreError(f"No collection named {name!r}. Existing: {existing}.")
        return collection

    def require_manifest(self, name: str) -> Collection:
        manifest = self._get(self.require(name).name + MANIFEST_SUFFIX)
        if manifest is None:
            raise StoreError(
                f"The collection {name!r} is incomplete (its document list is missing); "
                "delete it and ingest again."
            )
        return manifest

    def ensure(self, name: str, model: str, dimension: int) -> Collection:
        """Create what is missing of a collection (the caller holds the write lock)."""
        base = chroma_name(name)
        metadata = {NAME_KEY: name, MODEL_KEY: model, DIMENSION_KEY: int(dimension)}
        # Chroma 1.x configures the index space here (metadata "hnsw:space" is legacy).
        options: dict[str, Any] = {
            "metadata": metadata,
            "configuration": {"hnsw": dict(HNSW)},
            "embedding_function": None,
        }
        collection = self._get(base, fresh=True)
        if collection is not None:
            stored = (collection.metadata or {}).get(NAME_KEY)
            if stored != name:
                raise StoreError(
                    f"The name {name!r} clashes with the existing collection {stored or base!r}; "
                    "choose another name."
                )
            # Only the manifest is missing (an interrupted create): add it.
            check(name, collection, model, dimension)
            self.client.get_or_create_collection(base + MANIFEST_SUFFIX, **options)
            return collection
        self.forget()
        # A manifest left by an interrupted delete would list documents without chunks.
        with suppress(NotFoundError):
            self.client.delete_collection(base + MANIFEST_SUFFIX)
        # The manifest first, so a listed (chunk) collection always has one.
        self.client.create_collection(base + MANIFEST_SUFFIX, **options)
        return self.client.create_collection(base, **options)

    def has_manifest(self, name: str) -> bool:
        return self._get(chroma_name(name) + MANIFEST_SUFFIX, fresh=True) is not None

    def delete(self, name: str) -> None:
        base = self.require(name).name
        self.forget()
        # Chunks first: the collection leaves the listing at once.
        for chroma in (base, base + MANIFEST_SUFFIX):
            with suppress(NotFoundError):
                self.client.delete_collection(chroma)

    def _get(self, chroma: str, fresh: bool = False) -> Collection | None:
        handle = None if fresh else self._handles.get(chroma)
        if handle is not None:
            return handle
        try:
            handle = self.client.get_collection(chroma, embedding_function=None)
        except NotFoundError:
            return None
        self._handles[chroma] = handle
        return handle


def dimension(collection: Collection) -> int:
    return int((collection.metadata or {}).get(DIMENSION_KEY, 0))


def model(collection: Collection) -> str:
    return str((collection.metadata or {}).get(MODEL_KEY, ""))


def check(name: str, collection: Collection, model_name: str, dims: int | None) -> None:
    """Refuse a model (or dimension) other than the one the collection was built with."""
    if model(collection) != model_name or (dims is not None and dimension(collection) != dims):
        raise StoreError(mismatch_message(name, collection))


def mismatch_message(name: str, collection: Collection) -> str:
    metadata = collection.metadata or {}
    return (
        f"Collection {name!r} was built with model {metadata.get(MODEL_KEY)!r} "
        f"({metadata.get(DIMENSION_KEY)} dimensions); search it with that model, "
        "or re-ingest into a new collection."
    )


def read_all(collection: Collection, include: list[str], where: dict[str, Any] | None) -> Iterator:
    """get() results of at most PAGE_SIZE records each, until the collection is read."""
    offset = 0
    while True:
        result = collection.get(where=where, limit=PAGE_SIZE, offset=offset, include=include)
        if not result["ids"]:
            return
        yield result
        if len(result["ids"]) < PAGE_SIZE:
            return
        offset += PAGE_SIZE
