"""The vector store: user collections of chunks and their document manifests, kept in Chroma."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.errors import InternalError, NotFoundError

from core.errors import StoreError
from core.records import Chunk, CollectionInfo, Document, Hit, chunk_id
from core.retrieval import chroma
from core.retrieval.chroma import ChromaCollections, chroma_name, chroma_settings
from core.retrieval.codec import decode_chunk, decode_document, encode_chunk, encode_document
from core.retrieval.lexical import LexicalHit, LexicalIndex, query_terms, saved_generation, terms
from core.retrieval.lock import WriteLock
from core.settings import Settings

__all__ = ["Store", "chroma_name", "chroma_settings", "open_store"]

LOCK_FILE = "write.lock"
LEXICAL_FOLDER = "lexical"
# A document filter is answered by exact search over the chosen chunks' vectors when they are
# few in a large collection: Chroma's filtered HNSW explores until it holds ef_search matches,
# 0.5-1.8 s for one to ten documents at 1M chunks and 0.15-0.2 s at 100k, while reading vectors
# by id costs ~50 us each (bench/scale.py); on a small collection the filtered HNSW is faster.
EXACT_FILTER_CHUNKS = 2000
EXACT_FILTER_SHARE = 0.05  # of the collection's documents


P = ParamSpec("P")
R = TypeVar("R")


def _again_if_stale(
    method: Callable[Concatenate[Store, P], R],
) -> Callable[Concatenate[Store, P], R]:
    """Run a Store method once more with fresh collection handles when Chroma says a kept one
    is gone (another process deleted or re-created the collection; see ChromaCollections), or
    with Chroma opened afresh when it cannot find a chunk it lists (see Store._renew)."""

    @functools.wraps(method)
    def run(store: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(store, *args, **kwargs)
        except NotFoundError:
            store._chroma.forget()
        except InternalError:
            store._renew()
        return method(store, *args, **kwargs)

    return run


def open_store(settings: Settings) -> Store:
    """A store on the Chroma server when one is configured, else on the local data folder."""
    client = chroma.connect(settings)
    # The BM25 index lives in the local data folder, beside an embedded or a server Chroma.
    lexical_dir = settings.data_dir / LEXICAL_FOLDER
    if settings.chroma_host:
        return Store(client, lexical_dir=lexical_dir)
    return Store(
        client,
        lock_path=settings.data_dir / LOCK_FILE,
        lexical_dir=lexical_dir,
        reconnect=lambda: chroma.reconnect(settings),
    )


class Store:
    """User collections in a chromadb client; writes are serialised by a lock.

    Each collection also has a BM25 index (core.retrieval.lexical) kept in step with its chunks:
    under lexical_dir, or in memory (built from Chroma on first use) when that is None.
    """

    def __init__(
        self,
        client: ClientAPI,
        lock_path: Path | None = None,
        lexical_dir: Path | None = None,
        reconnect: Callable[[], ClientAPI] | None = None,
    ) -> None:
        self._client = client
        self._chroma = ChromaCollections(client)
        self._reconnect = reconnect
        # Each collection's BM25 generation as this store's Chroma last saw it (opened, or
        # written by this process): another process has written since when it differs.
        self._generations: dict[str, str] = {}
        self._lock = WriteLock(lock_path)
        self._lexical_dir = lexical_dir
        self._lexicals: dict[str, LexicalIndex] = {}
        self._synced_at: dict[str, int] = {}  # Chroma's chunk count when last synced
        # Beside an embedded Chroma every write (this process's or another's) goes through a
        # Store on this data folder and bumps the index's generation; a Chroma server may have
        # writers with lexical folders of their own, so there Chroma is asked every time.
        self._writes_seen = lock_path is not None and lexical_dir is not None
        self._checked: set[str] = set()  # collections counted since this store opened

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock; re-entrant within this process, refused if another holds it."""
        with self._lock.held():
            yield

    def close(self) -> None:
        """Let other processes write to the data folder again."""
        self._lock.release()

    def _renew(self, name: str | None = None) -> None:
        """Open Chroma afresh if another process may have written (the collection name: if it
        has; every write bumps its BM25 generation, a file read of microseconds).

        An embedded client keeps the vector index it loaded: chunks another process added
        since are listed, but neither found nor readable. Never while this process holds the
        folder: then no other process writes, and its own writes may be in flight.
        """
        if self._reconnect is None or self._lexical_dir is None:  # a server: one view for all
            if name is None:
                self._chroma.forget()
            return
        with self._lock.quiet() as quiet:
            # Not quiet: another thread writes (this process holds the folder) or renews.
            if not quiet or (name is None and self._lock.owned()):
                return
            generation = ""
            if name is not None:
                generation = saved_generation(self._lexical_dir / chroma_name(name))
                seen = self._generations.setdefault(name, generation)
                if seen == generation or self._lock.owned():  # owned: this store wrote it
                    self._generations[name] = generation
                    return
            self._client = self._reconnect()
            self._chroma = ChromaCollections(self._client)
            self._generations = {name: generation} if name is not None else {}

    # -- collections -------------------------------------------------------------------------

    @_again_if_stale
    def collections(self) -> list[CollectionInfo]:
        """User collections only, sorted by name."""
        return self._chroma.listing()

    @_again_if_stale
    def collection_model(self, name: str) -> str | None:
        """The model a collection was built with; None if it doesn't exist."""
        collection = self._chroma.chunks(name, fresh=True)
        return None if collection is None else chroma.model(collection)

    @_again_if_stale
    def ensure_collection(self, name: str, model: str, dimension: int) -> None:
        """Create the collection for model, or check that an existing one was built with it."""
        collection = self._chroma.chunks(name, fresh=True)
        if collection is None or not self._chroma.has_manifest(name):
            with self.writing():
                collection = self._chroma.ensure(name, model, dimension)
        chroma.check(name, collection, model, dimension)

    @_again_if_stale
    def check_model(self, name: str, model: str) -> None:
        """Refuse to use a collection with a model other than the one it was built with."""
        chroma.check(name, self._chroma.require(name), model, None)

    @_again_if_stale
    def delete_collection(self, name: str) -> None:
        with self.writing():
            self._chroma.delete(name)
            self._lexical(name).drop()
            self._lexicals.pop(name, None)
            self._checked.discard(name)

    # -- documents (the manifest) ------------------------------------------------------------

    @_again_if_stale
    def document(self, name: str, sha256: str) -> Document | None:
        result = self._chroma.require_manifest(name).get(ids=[sha256], include=["metadatas"])
        return decode_document(result["metadatas"][0]) if result["ids"] else None

    @_again_if_stale
    def documents(self, name: str) -> list[Document]:
        """Every listed document, sorted by added_at then source."""
        result = self._chroma.require_manifest(name).get(include=["metadatas"])
        documents = [decode_document(metadata) for metadata in result["metadatas"]]
        return sorted(documents, key=lambda document: (document.added_at, document.source))

    @_again_if_stale
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
            collection = self._chroma.require(name)
            chroma.check(name, collection, document.model, vectors.shape[1])
            manifest = self._chroma.require_manifest(name)
            sha = document.sha256
            # Unlist a previous copy first, then drop its chunks and any orphans of an
            # interrupted run, so a listed document never lacks chunks.
            manifest.delete(ids=[sha])
            collection.delete(where={"doc_sha": sha})
            self._checked.discard(name)  # the next search counts again: the add may fail
            self._lexical(name).add(sha, chunks)  # before listing: a listed document is findable
            batch = max(1, int(self._client.get_max_batch_size()))
            for start in range(0, len(chunks), batch):
                part = chunks[start : start + batch]
                collection.upsert(
                    ids=[chunk.id for chunk in part],
                    embeddings=vectors[start : start + batch],
                    documents=[chunk.text for chunk in part],
                    metadatas=[encode_chunk(chunk) for chunk in part],
                )
            mean = vectors.mean(axis=0)
            mean = mean / max(float(np.linalg.norm(mean)), 1e-12)
            manifest.upsert(
                ids=[sha], embeddings=mean[np.newaxis, :], metadatas=[encode_document(document)]
            )

    @_again_if_stale
    def delete_document(self, name: str, sha256: str) -> None:
        """Unlist the document first, then delete its chunks, so it is never listed half-gone."""
        with self.writing():
            self._chroma.require_manifest(name).delete(ids=[sha256])
            self._chroma.require(name).delete(where={"doc_sha": sha256})
            self._lexical(name).remove(sha256)

    # -- chunks ------------------------------------------------------------------------------

    @_again_if_stale
    def chunks(self, name: str, sha256: str | None = None) -> list[Chunk]:
        """One document's chunks, or all of them, ordered by (doc_sha, index)."""
        collection = self._chroma.require(name)
        where = {"doc_sha": sha256} if sha256 is not None else None
        chunks: list[Chunk] = []
        for result in chroma.read_all(collection, ["documents", "metadatas"], where):
            chunks.extend(_decoded(result))
        return sorted(chunks, key=lambda chunk: (chunk.doc_sha, chunk.index))

    @_again_if_stale
    def embeddings(self, name: str) -> tuple[list[Chunk], np.ndarray]:
        """Every chunk and its vector, in the order of chunks()."""
        self._renew(name)
        collection = self._chroma.require(name)
        chunks: list[Chunk] = []
        parts: list[np.ndarray] = []
        for result in chroma.read_all(collection, ["documents", "metadatas", "embeddings"], None):
            chunks.extend(_decoded(result))
            parts.append(np.asarray(result["embeddings"], dtype=np.float32))
        if not chunks:
            return [], np.zeros((0, chroma.dimension(collection)), dtype=np.float32)
        vectors = np.concatenate(parts, axis=0)
        order = sorted(range(len(chunks)), key=lambda i: (chunks[i].doc_sha, chunks[i].index))
        return [chunks[i] for i in order], vectors[order]

    # -- search ------------------------------------------------------------------------------

    @_again_if_stale
    def search(
        self,
        name: str,
        query_embedding: np.ndarray,
        k: int,
        where_sha: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The k chunks nearest to the query; score = cosine similarity, best first."""
        self._renew(name)
        collection = self._chroma.require(name)
        query = _query_vector(name, collection, query_embedding)
        if k <= 0 or (where_sha is not None and not where_sha):
            return []
        if where_sha is not None and (ids := self._few_chunks(name, where_sha)) is not None:
            return self._exact_search(collection, query, k, ids)
        where = {"doc_sha": {"$in": list(where_sha)}} if where_sha is not None else None
        # No count() first: it reads every row (34 ms at 368k chunks, bench/scale.py), and
        # Chroma already returns fewer than k hits, or none, when there are fewer.
        result = collection.query(
            query_embeddings=query[np.newaxis, :],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        rows = zip(
            result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        )
        return [
            Hit(chunk=decode_chunk(text, metadata), score=1.0 - float(distance), rank=rank)
            for rank, (text, metadata, distance) in enumerate(rows, start=1)
        ]

    @_again_if_stale
    def nearest(self, name: str, query_embedding: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ids of the k chunks nearest to the query and their cosines, best first: no texts
        (reading 100 chunks' texts and metadata costs 17 ms at 100k chunks, bench/lexical.py)."""
        self._renew(name)
        collection = self._chroma.require(name)
        query = _query_vector(name, collection, query_embedding)
        if k <= 0:
            return []
        result = collection.query(
            query_embeddings=query[np.newaxis, :], n_results=k, include=["distances"]
        )
        return [
            (key, 1.0 - float(distance))
            for key, distance in zip(result["ids"][0], result["distances"][0], strict=True)
        ]

    def _few_chunks(self, name: str, where_sha: Sequence[str]) -> list[str] | None:
        """The chunk ids of the listed documents among where_sha, if exact search suits them."""
        manifest = self._chroma.require_manifest(name)
        if len(where_sha) > EXACT_FILTER_SHARE * manifest.count():  # 1-2 ms at 5,000 documents
            return None
        found = manifest.get(ids=list(dict.fromkeys(where_sha)), include=["metadatas"])
        documents = [decode_document(metadata) for metadata in found["metadatas"]]
        if sum(document.chunks for document in documents) > EXACT_FILTER_CHUNKS:
            return None
        return [chunk_id(d.sha256, index) for d in documents for index in range(d.chunks)]

    @staticmethod
    def _exact_search(
        collection: Collection, query: np.ndarray, k: int, ids: list[str]
    ) -> list[Hit]:
        """The k of these chunks nearest to the query by cosine, computed from their vectors."""
        found = collection.get(ids=ids, include=["embeddings"]) if ids else None
        if not found or not found["ids"]:  # none listed, or their chunks gone meanwhile
            return []
        vectors = np.asarray(found["embeddings"], dtype=np.float32).reshape(len(found["ids"]), -1)
        norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(query)), 1e-12)
        scores = vectors @ query / np.maximum(norms, 1e-12)
        take = min(k, len(scores))
        top = np.argpartition(-scores, take - 1)[:take]
        top = top[np.lexsort((top, -scores[top]))]  # by score, ties by position
        chosen = [found["ids"][i] for i in top]
        rows = collection.get(ids=chosen, include=["documents", "metadatas"])
        by_id = dict(zip(rows["ids"], _decoded(rows), strict=True))
        return [
            Hit(chunk=by_id[key], score=float(scores[i]), rank=rank)
            for rank, (key, i) in enumerate(zip(chosen, top, strict=True), start=1)
        ]

    @_again_if_stale
    def lexical_search(self, name: str, query: str, k: int) -> list[LexicalHit]:
        """The k chunks with the best BM25 score for query (chunk ids), best first."""
        return self._lexical_ready(name).search(query, k)

    @_again_if_stale
    def document_frequencies(self, name: str, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """How many chunks of the collection hold each BM25 term, and how many chunks it has."""
        return self._lexical_ready(name).document_frequencies(terms)

    @_again_if_stale
    def chunks_holding(self, name: str, wanted: Sequence[str], limit: int) -> list[Chunk]:
        """Up to limit chunks of the collection that hold every one of the wanted BM25 terms."""
        return self.chunks_by_id(name, self._lexical_ready(name).holding(wanted, limit))

    @_again_if_stale
    def chinese_terms_found(self, name: str, pattern: re.Pattern[str]) -> set[str]:
        """What pattern's first group finds in the collection's Chinese BM25 terms (pieces of
        words: core.pinyin's pattern finds 祥林 in 祥林嫂)."""
        return self._lexical_ready(name).chinese_found(pattern)

    @_again_if_stale
    def digits_frequency(self, name: str, digits: str) -> int:
        """How many chunks of the collection hold a BM25 term with digits inside it: 1847, or
        in1847 where OCR glued a word to the number."""
        return self._lexical_ready(name).digits_frequency(digits)

    def matched_terms(self, name: str, query: str, chunks: Sequence[Chunk]) -> dict[str, tuple]:
        """The query's BM25 terms (sorted) that each chunk has: as its BM25 index knows them,
        or from its text (tokenising a Chinese passage again costs milliseconds)."""
        known = self._lexical(name).matched(query, [chunk.id for chunk in chunks])
        missing = [chunk for chunk in chunks if chunk.id not in known]
        if missing:  # tokenise the query again only when some chunk needs it
            wanted = set(query_terms(query))
            for chunk in missing:
                known[chunk.id] = tuple(sorted(wanted.intersection(terms(chunk.text))))
        return known

    def languages(self, name: str, ids: Sequence[str]) -> dict[str, str]:
        """The language (core.text.language) of each chunk with these ids that the collection's
        BM25 index holds."""
        return self._lexical(name).languages(ids)

    @_again_if_stale
    def chunks_by_id(self, name: str, ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids, in order (unknown ids left out)."""
        collection = self._chroma.require(name)
        if not ids:
            return []
        found = collection.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {chunk.id: chunk for chunk in _decoded(found)}
        return [by_id[key] for key in ids if key in by_id]

    @_again_if_stale
    def vectors_by_id(self, name: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors of the chunks with these ids (unknown ids left out)."""
        self._renew(name)
        collection = self._chroma.require(name)
        if not ids:
            return {}
        found = collection.get(ids=list(ids), include=["embeddings"])
        vectors = np.asarray(found["embeddings"], dtype=np.float32)
        return dict(zip(found["ids"], vectors.reshape(len(found["ids"]), -1), strict=True))

    # -- the BM25 index ----------------------------------------------------------------------

    def _lexical(self, name: str) -> LexicalIndex:
        index = self._lexicals.get(name)
        if index is None:
            folder = None
            if self._lexical_dir is not None:
                folder = self._lexical_dir / chroma_name(name)
            index = self._lexicals[name] = LexicalIndex(folder)
        return index

    def _lexical_ready(self, name: str) -> LexicalIndex:
        """The collection's BM25 index, first brought in step with Chroma if it is not (a
        collection made before BM25 existed, a crash between the two writes, another process)."""
        collection = self._chroma.require(name)
        index = self._lexical(name)
        # Counting reads every row (16 ms a query at 100k chunks, bench/lexical.py): once per
        # collection catches what bypassed the index (a folder from before BM25, a crash
        # between the two writes), and later writes bump its generation (see __init__).
        if self._writes_seen and name in self._checked and index.folder and index.synced():
            return index
        count = collection.count()
        # Orphan chunks of an interrupted add count in Chroma but not in the manifest.
        if index.synced() and count in (index.chunk_count(), self._synced_at.get(name)):
            self._checked.add(name)
            return index
        expected = {document.sha256: document.chunks for document in self.documents(name)}
        try:
            with self.writing():
                index.sync(expected, lambda sha: self.chunks(name, sha))
        except StoreError:  # another process writes the data folder: keep this one in memory
            index = self._lexicals[name] = LexicalIndex(None)
            index.sync(expected, lambda sha: self.chunks(name, sha))
        self._synced_at[name] = count
        self._checked.add(name)
        return index


def _query_vector(name: str, collection: Collection, query_embedding: np.ndarray) -> np.ndarray:
    """The query as a float32 vector, refused if its dimension is not the collection's."""
    query = np.asarray(query_embedding, dtype=np.float32).reshape(-1)
    if query.shape[0] != chroma.dimension(collection):
        raise StoreError(chroma.mismatch_message(name, collection))
    return query


def _decoded(result: dict) -> Iterator[Chunk]:
    rows = zip(result["documents"], result["metadatas"], strict=True)
    return (decode_chunk(text, metadata) for text, metadata in rows)
