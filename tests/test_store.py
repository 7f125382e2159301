"""The store over both Chroma clients: embedded (a local folder) and HTTP (a real `chroma run`)."""

from __future__ import annotations

import hashlib
import pickle
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection

import core.retrieval.chroma
from core.errors import StoreError
from core.records import Chunk, CollectionInfo, Document
from core.retrieval.encoders import Encoder
from core.retrieval.store import Store, chroma_name, chroma_settings, open_store
from core.settings import Settings

NAME = "papers"


# -- a real Chroma server ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A `chroma run` server on a free port for the whole session; yields the port."""
    # The CLI of this interpreter's environment: PATH may not hold the venv's bin (a fresh shell).
    chroma = Path(sys.executable).with_name("chroma")
    assert chroma.is_file(), f"no chroma CLI next to {sys.executable}"
    folder = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(folder / "db"), "--port", str(port), "--host", "127.0.0.1"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (folder / "server.log").read_text(errors="replace")
            try:
                url = f"http://127.0.0.1:{port}/api/v2/heartbeat"
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the chroma server did not answer in 60 s"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


# -- clients and stores ------------------------------------------------------------------------


@pytest.fixture(params=["embedded", pytest.param("http", marks=pytest.mark.server)])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(mode: str, request: pytest.FixtureRequest, tmp_path: Path) -> ClientAPI:
    if mode == "embedded":
        return chromadb.PersistentClient(path=str(tmp_path / "chroma"), settings=chroma_settings())
    port = request.getfixturevalue("chroma_server")
    http = chromadb.HttpClient(host="127.0.0.1", port=port, settings=chroma_settings())
    # One server serves the session: each test starts from an empty one.
    for collection in http.list_collections():
        http.delete_collection(collection.name)
    return http


@pytest.fixture
def store(mode: str, client: ClientAPI, tmp_path: Path) -> Store:
    # As open_store does: a lock file in embedded mode only, the server serialises writes.
    return Store(client, lock_path=tmp_path / "write.lock" if mode == "embedded" else None)


def _raw(client: ClientAPI, chroma: str) -> Collection:
    return client.get_collection(chroma, embedding_function=None)


def _names(client: ClientAPI) -> set[str]:
    return {collection.name for collection in client.list_collections()}


# -- a small corpus with real embeddings ------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    document: Document
    chunks: list[Chunk]
    vectors: np.ndarray


def _make_doc(
    source: str, texts: list[str], pages: list[tuple[int | None, int | None]], added_at: str
) -> tuple[Document, list[Chunk]]:
    sha = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    chunks = [
        Chunk(
            doc_sha=sha,
            index=index,
            text=text,
            source=source,
            page_start=page_start,
            page_end=page_end,
            char_start=index * 10,
            char_end=index * 10 + len(text),
            token_count=len(text) // 3 + 1,
        )
        for index, (text, (page_start, page_end)) in enumerate(zip(texts, pages, strict=True))
    ]
    pages_count = None if pages[0][0] is None else max(end or start or 0 for start, end in pages)
    kind = "text" if pages_count is None else "pdf"
    document = Document(sha, source, kind, pages_count, len(chunks), "e5-small", added_at)
    return document, chunks


ENGLISH = [
    "Cats are small domesticated carnivores that purr and hunt mice.",
    "The Eiffel Tower is a wrought-iron lattice tower in Paris, France.",
    "Photosynthesis converts sunlight, water and carbon dioxide into glucose and oxygen.",
]
CHINESE = [
    "长城是中国古代修建的军事防御工程，绵延数千公里。",
    "大熊猫主要以竹子为食，生活在四川的山区。",
    "量子计算利用量子比特进行并行计算。",
]


@pytest.fixture(scope="session")
def english(e5: Encoder) -> Doc:
    document, chunks = _make_doc("animals.txt", ENGLISH, [(None, None)] * 3, "2024-05-01T10:00:00Z")
    return Doc(document, chunks, e5.encode_documents([c.text for c in chunks]))


@pytest.fixture(scope="session")
def chinese(e5: Encoder) -> Doc:
    pages: list[tuple[int | None, int | None]] = [(1, 1), (1, 2), (3, 3)]
    document, chunks = _make_doc("论文.pdf", CHINESE, pages, "2024-05-02T10:00:00Z")
    document = Document(**{**document.__dict__, "notes": "page 4 has no text"})
    return Doc(document, chunks, e5.encode_documents([c.text for c in chunks]))


def _random_doc(count: int, dimension: int, seed: int = 0) -> Doc:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(count, dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"random chunk {i}" for i in range(count)]
    document, chunks = _make_doc("random.txt", texts, [(None, None)] * count, "2024-05-03T00:00Z")
    return Doc(document, chunks, vectors)


def _vectors_by_id(*docs: Doc) -> dict[str, np.ndarray]:
    return {
        chunk.id: vector
        for doc in docs
        for chunk, vector in zip(doc.chunks, doc.vectors, strict=True)
    }


def _add(store: Store, doc: Doc, name: str = NAME) -> None:
    store.add_document(name, doc.document, doc.chunks, doc.vectors)


@pytest.fixture
def filled(store: Store, e5: Encoder, english: Doc, chinese: Doc) -> Store:
    store.ensure_collection(NAME, e5.name, e5.dimension)
    _add(store, chinese)  # added second by date: the listing must sort by added_at
    _add(store, english)
    return store


# -- collections -------------------------------------------------------------------------------


def test_ensure_creates_a_readable_pair_and_lists_it(
    store: Store, client: ClientAPI, e5: Encoder
) -> None:
    assert store.collections() == []
    assert store.collection_model(NAME) is None
    store.ensure_collection(NAME, e5.name, e5.dimension)
    store.ensure_collection(NAME, e5.name, e5.dimension)  # verifying twice is fine
    assert _names(client) == {"papers", "papers.docs"}
    assert store.collections() == [CollectionInfo(NAME, "e5-small", 384, 0, 0)]
    assert store.collection_model(NAME) == "e5-small"


def test_collections_skip_foreign_ones_and_sort_by_name(
    store: Store, client: ClientAPI, e5: Encoder
) -> None:
    client.create_collection("someone-else", embedding_function=None)
    for name in ["zeta", "alpha", "论文"]:
        store.ensure_collection(name, e5.name, e5.dimension)
    assert [info.name for info in store.collections()] == ["alpha", "zeta", "论文"]


def test_add_lists_documents_and_round_trips_chunks(
    filled: Store, english: Doc, chinese: Doc
) -> None:
    assert filled.documents(NAME) == [english.document, chinese.document]
    assert filled.document(NAME, chinese.document.sha256) == chinese.document
    assert filled.document(NAME, "0" * 64) is None
    assert filled.chunks(NAME, english.document.sha256) == english.chunks
    assert filled.chunks(NAME, english.document.sha256)[0].page_start is None
    assert filled.chunks(NAME, chinese.document.sha256) == chinese.chunks
    assert filled.chunks(NAME, chinese.document.sha256)[1].page_label == "pp. 1-2"
    everything = sorted(english.chunks + chinese.chunks, key=lambda c: (c.doc_sha, c.index))
    assert filled.chunks(NAME) == everything
    assert filled.collections() == [CollectionInfo(NAME, "e5-small", 384, 2, 6)]


def test_re_adding_a_document_is_idempotent(filled: Store, client: ClientAPI, english: Doc) -> None:
    _add(filled, english)
    _add(filled, english)
    assert _raw(client, NAME).count() == 6
    assert filled.chunks(NAME, english.document.sha256) == english.chunks
    assert len(filled.documents(NAME)) == 2


def test_a_document_is_listed_only_after_its_chunks_and_orphans_are_cleaned(
    store: Store, client: ClientAPI, e5: Encoder, english: Doc
) -> None:
    store.ensure_collection(NAME, e5.name, e5.dimension)
    sha = english.document.sha256
    # An interrupted run: chunks stored (two more than the file has now), no manifest record.
    orphans = 5
    vectors = np.vstack([english.vectors, english.vectors[:2]])
    _raw(client, NAME).upsert(
        ids=[f"{sha}:{i:06d}" for i in range(orphans)],
        embeddings=vectors,
        documents=[f"old text {i}" for i in range(orphans)],
        metadatas=[
            {"doc_sha": sha, "index": i, "source": "animals.txt", "char_start": 0, "char_end": 1}
            | {"token_count": 1}
            for i in range(orphans)
        ],
    )
    assert store.documents(NAME) == []
    assert store.document(NAME, sha) is None
    _add(store, english)
    assert store.documents(NAME) == [english.document]
    assert store.chunks(NAME) == english.chunks
    assert _raw(client, NAME).count() == 3


def test_delete_document_removes_every_chunk_and_the_manifest(
    filled: Store, client: ClientAPI, english: Doc, chinese: Doc
) -> None:
    filled.delete_document(NAME, english.document.sha256)
    assert filled.documents(NAME) == [chinese.document]
    assert filled.document(NAME, english.document.sha256) is None
    assert filled.chunks(NAME, english.document.sha256) == []
    assert filled.chunks(NAME) == chinese.chunks
    assert _raw(client, NAME).get(where={"doc_sha": english.document.sha256})["ids"] == []
    assert _raw(client, "papers.docs").count() == 1
    filled.delete_document(NAME, english.document.sha256)  # deleting again is harmless
    assert filled.collections() == [CollectionInfo(NAME, "e5-small", 384, 1, 3)]


def test_delete_collection_drops_both_chroma_collections(filled: Store, client: ClientAPI) -> None:
    client.create_collection("someone-else", embedding_function=None)
    filled.delete_collection(NAME)
    assert filled.collections() == []
    assert filled.collection_model(NAME) is None
    assert _names(client) == {"someone-else"}
    with pytest.raises(StoreError, match="No collection named 'papers'. Existing: none yet."):
        filled.delete_collection(NAME)


def test_document_vector_is_the_normalised_mean_of_its_chunks(
    filled: Store, client: ClientAPI, english: Doc
) -> None:
    record = _raw(client, "papers.docs").get(ids=[english.document.sha256], include=["embeddings"])
    mean = english.vectors.mean(axis=0)
    np.testing.assert_allclose(record["embeddings"][0], mean / np.linalg.norm(mean), atol=1e-5)


# -- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "language", "index"),
    [
        ("Which tower stands in Paris?", "english", 1),
        ("大熊猫吃什么？", "chinese", 1),
        ("How do plants make sugar from light?", "english", 2),
        ("中国古代的防御工程", "chinese", 0),
    ],
)
def test_search_finds_the_right_chunk_first(
    filled: Store,
    e5: Encoder,
    english: Doc,
    chinese: Doc,
    question: str,
    language: str,
    index: int,
) -> None:
    expected = {"english": english, "chinese": chinese}[language].chunks[index]
    hits = filled.search(NAME, e5.encode_query(question), k=4)
    assert hits[0].chunk == expected
    assert [hit.rank for hit in hits] == [1, 2, 3, 4]
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert len({hit.chunk.id for hit in hits}) == 4


def test_search_scores_are_cosine_similarities(
    filled: Store, e5: Encoder, english: Doc, chinese: Doc
) -> None:
    vectors = _vectors_by_id(english, chinese)
    query = e5.encode_query("a tower in Paris")
    # Scaling the query changes nothing in cosine space (it would under l2 or inner product).
    for scale in (1.0, 3.0):
        hits = filled.search(NAME, query * scale, k=6)
        assert len(hits) == 6
        for hit in hits:
            vector = vectors[hit.chunk.id]
            expected = float(np.dot(query, vector) / np.linalg.norm(query) / np.linalg.norm(vector))
            assert hit.score == pytest.approx(expected, abs=1e-4)


def test_search_filters_by_document_and_handles_small_and_empty_collections(
    filled: Store, e5: Encoder, chinese: Doc
) -> None:
    query = e5.encode_query("Which tower stands in Paris?")
    hits = filled.search(NAME, query, k=10, where_sha=[chinese.document.sha256])
    assert sorted(hit.chunk.index for hit in hits) == [0, 1, 2]
    assert {hit.chunk.doc_sha for hit in hits} == {chinese.document.sha256}
    assert len(filled.search(NAME, query, k=100)) == 6
    assert filled.search(NAME, query, k=3, where_sha=[]) == []
    filled.ensure_collection("empty", e5.name, e5.dimension)
    assert filled.search("empty", query, k=5) == []


def test_nearest_gives_the_ids_and_cosines_that_search_gives(filled: Store, e5: Encoder) -> None:
    query = e5.encode_query("Which tower stands in Paris?")
    hits = filled.search(NAME, query, k=4)
    nearest = filled.nearest(NAME, query, 4)
    assert [key for key, _ in nearest] == [hit.chunk.id for hit in hits]
    assert [score for _, score in nearest] == pytest.approx([hit.score for hit in hits], abs=1e-6)
    assert filled.nearest(NAME, query, 0) == []
    with pytest.raises(StoreError, match="384 dimensions"):
        filled.nearest(NAME, query[:100], 4)


def test_a_collection_another_client_re_created_is_read_afresh(
    filled: Store, client: ClientAPI, e5: Encoder, english: Doc, chinese: Doc
) -> None:
    query = e5.encode_query("Which tower stands in Paris?")
    assert filled.search(NAME, query, k=1)  # the store now keeps its collection handles
    other = Store(client)  # another process, say: it deletes the collection, then makes it anew
    other.delete_collection(NAME)
    other.ensure_collection(NAME, e5.name, e5.dimension)
    _add(other, chinese)
    assert [document.source for document in filled.documents(NAME)] == ["论文.pdf"]
    assert {hit.chunk.doc_sha for hit in filled.search(NAME, query, k=10)} == {
        chinese.document.sha256
    }
    _add(filled, english)  # writes find the new collection too
    assert len(other.chunks(NAME)) == len(english.chunks) + len(chinese.chunks)
    other.delete_collection(NAME)
    with pytest.raises(StoreError, match="No collection named 'papers'"):
        filled.nearest(NAME, query, 4)
    # Deleted elsewhere, so it is gone here too, and made anew on the next ingest.
    other.ensure_collection(NAME, e5.name, e5.dimension)
    assert filled.nearest(NAME, query, 4) == []  # a kept handle is refreshed
    other.delete_collection(NAME)
    assert filled.collection_model(NAME) is None
    filled.ensure_collection(NAME, e5.name, e5.dimension)
    _add(filled, english)
    assert len(other.chunks(NAME)) == len(english.chunks)
    assert [info.documents for info in filled.collections()] == [1]
    other.delete_collection(NAME)
    other.ensure_collection(NAME, e5.name, e5.dimension)
    assert [info.documents for info in filled.collections()] == [0]  # its manifest is new too


def test_a_filter_to_few_documents_is_answered_exactly_from_their_vectors(
    store: Store, e5: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Few chunks in a small share of the documents: cosine over their own vectors, not
    Chroma's filtered HNSW (slow there at scale); a larger share still goes to Chroma."""
    store.ensure_collection(NAME, e5.name, e5.dimension)
    rng = np.random.default_rng(7)
    docs = []
    for number in range(40):
        texts = [f"document {number}, chunk {index}" for index in range(5)]
        document, chunks = _make_doc(f"d{number}.txt", texts, [(None, None)] * 5, "2024-05-03")
        vectors = rng.normal(size=(5, e5.dimension)).astype(np.float32)
        docs.append(Doc(document, chunks, vectors / np.linalg.norm(vectors, axis=1)[:, None]))
        _add(store, docs[-1])
    query = 3.0 * docs[3].vectors[0] + rng.normal(size=e5.dimension).astype(np.float32)
    filters: list[object] = []
    chroma_query = Collection.query

    def spy(self: Collection, *args: object, **kwargs: object) -> object:
        filters.append(kwargs.get("where"))
        return chroma_query(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "query", spy)

    for chosen, chroma_queries in ((docs[3:5], 0), (docs[:10], 1)):
        vectors = _vectors_by_id(*chosen)
        cosine = {
            id_: float(vector @ query / np.linalg.norm(query) / np.linalg.norm(vector))
            for id_, vector in vectors.items()
        }
        expected = sorted(cosine, key=lambda id_: -cosine[id_])[:4]
        hits = store.search(NAME, query, k=4, where_sha=[doc.document.sha256 for doc in chosen])
        assert [hit.chunk.id for hit in hits] == expected
        assert [hit.rank for hit in hits] == [1, 2, 3, 4]
        assert [hit.score for hit in hits] == pytest.approx([cosine[i] for i in expected], abs=1e-5)
        assert hits[0].chunk == docs[3].chunks[0]
        assert len(filters) == chroma_queries
    assert store.search(NAME, query, k=4, where_sha=["0" * 64]) == []  # not in the collection


# -- models and names --------------------------------------------------------------------------


MISMATCH = (
    "Collection 'papers' was built with model 'e5-small' (384 dimensions); search it with that "
    "model, or re-ingest into a new collection."
)


def test_a_different_model_is_refused(filled: Store, e5: Encoder, english: Doc) -> None:
    filled.check_model(NAME, "e5-small")
    for call in (
        lambda: filled.check_model(NAME, "minilm"),
        lambda: filled.ensure_collection(NAME, "minilm", 384),
        lambda: filled.ensure_collection(NAME, "e5-small", 768),
        lambda: filled.search(NAME, np.ones(768, dtype=np.float32), k=3),
        lambda: filled.add_document(
            NAME,
            Document(**{**english.document.__dict__, "model": "minilm"}),
            english.chunks,
            english.vectors,
        ),
    ):
        with pytest.raises(StoreError) as raised:
            call()
        assert str(raised.value) == MISMATCH
    with pytest.raises(StoreError) as raised:
        filled.check_model("missing", "e5-small")
    assert str(raised.value) == "No collection named 'missing'. Existing: papers."


def test_chinese_and_other_free_names_use_a_hashed_chroma_name(
    store: Store, client: ClientAPI, e5: Encoder, chinese: Doc
) -> None:
    hashed = "c-" + hashlib.sha1("论文".encode()).hexdigest()[:20]
    assert chroma_name("论文") == hashed
    assert chroma_name("my papers") == "c-" + hashlib.sha1(b"my papers").hexdigest()[:20]
    assert chroma_name("ab-") != "ab-"  # Chroma wants a letter or digit at both ends
    store.ensure_collection("论文", e5.name, e5.dimension)
    _add(store, chinese, name="论文")
    assert _names(client) == {hashed, hashed + ".docs"}
    assert store.collections() == [CollectionInfo("论文", "e5-small", 384, 1, 3)]
    hits = store.search("论文", e5.encode_query("大熊猫吃什么？"), k=1)
    assert hits[0].chunk == chinese.chunks[1]


def test_a_readable_name_equal_to_a_hash_is_not_mistaken_for_it(store: Store, e5: Encoder) -> None:
    store.ensure_collection("论文", e5.name, e5.dimension)
    impostor = chroma_name("论文")
    assert store.collection_model(impostor) is None
    with pytest.raises(StoreError, match="clashes with the existing collection '论文'"):
        store.ensure_collection(impostor, e5.name, e5.dimension)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "line\nbreak", "tab\there", "nul\x00"])
def test_bad_names_are_refused(store: Store, client: ClientAPI, e5: Encoder, name: str) -> None:
    with pytest.raises(StoreError, match="collection name"):
        store.ensure_collection(name, e5.name, e5.dimension)
    assert _names(client) == set()


def test_a_hundred_characters_is_fine(store: Store, e5: Encoder) -> None:
    name = "文" * 100
    store.ensure_collection(name, e5.name, e5.dimension)
    assert [info.name for info in store.collections()] == [name]


# -- big collections ---------------------------------------------------------------------------


def test_add_splits_upserts_at_the_clients_max_batch_size(
    store: Store, client: ClientAPI, e5: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.ensure_collection(NAME, e5.name, e5.dimension)
    doc = _random_doc(20, e5.dimension)
    sizes: list[tuple[str, int]] = []
    upsert = Collection.upsert

    def recording_upsert(self: Collection, ids: list[str], **kwargs: object) -> None:
        sizes.append((self.name, len(ids)))
        upsert(self, ids=ids, **kwargs)

    monkeypatch.setattr(Collection, "upsert", recording_upsert)
    monkeypatch.setattr(client, "get_max_batch_size", lambda: 7)
    _add(store, doc)
    assert sizes == [(NAME, 7), (NAME, 7), (NAME, 6), ("papers.docs", 1)]
    assert store.chunks(NAME) == doc.chunks
    assert store.documents(NAME) == [doc.document]


def test_embeddings_pages_through_and_follows_the_order_of_chunks(
    filled: Store, e5: Encoder, english: Doc, chinese: Doc, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        core.retrieval.chroma, "PAGE_SIZE", 4
    )  # several pages, the last one partial
    many = _random_doc(11, e5.dimension, seed=1)
    _add(filled, many)
    chunks, vectors = filled.embeddings(NAME)
    assert chunks == filled.chunks(NAME)
    assert len(chunks) == 17
    assert vectors.dtype == np.float32
    assert vectors.shape == (17, 384)
    given = _vectors_by_id(english, chinese, many)
    np.testing.assert_allclose(vectors, np.stack([given[c.id] for c in chunks]), atol=1e-5)
    filled.ensure_collection("empty", e5.name, e5.dimension)
    empty_chunks, empty_vectors = filled.embeddings("empty")
    assert empty_chunks == []
    assert empty_vectors.shape == (0, 384)


def test_add_validates_its_input(filled: Store, english: Doc, chinese: Doc) -> None:
    with pytest.raises(StoreError, match="3 chunks but 2 embeddings"):
        filled.add_document(NAME, english.document, english.chunks, english.vectors[:2])
    with pytest.raises(StoreError, match="belong to another file"):
        filled.add_document(NAME, english.document, chinese.chunks, chinese.vectors)
    with pytest.raises(StoreError, match="No collection named 'missing'"):
        filled.add_document("missing", english.document, english.chunks, english.vectors)


# -- the write lock (embedded mode) ------------------------------------------------------------

HOLD_LOCK = """
import sys
from filelock import FileLock
with FileLock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_process_writing_is_refused_and_nothing_changes(
    tmp_path: Path, e5: Encoder, english: Doc, chinese: Doc
) -> None:
    data_dir = tmp_path / "data"
    store = open_store(Settings(data_dir=data_dir))
    store.ensure_collection(NAME, e5.name, e5.dimension)
    _add(store, english)
    store.close()  # this process stops writing, so another one may take the folder
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(data_dir / "write.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        message = (
            f"Another process (the app, or another ingest) is writing to {data_dir}; stop it "
            "and try again, or share the data through a Chroma server (EE_CHROMA_HOST)."
        )
        for call in (
            lambda: _add(store, chinese),
            lambda: store.delete_document(NAME, english.document.sha256),
            lambda: store.delete_collection(NAME),
            lambda: store.ensure_collection("other", e5.name, e5.dimension),
        ):
            with pytest.raises(StoreError) as raised:
                call()
            assert str(raised.value) == message
        assert store.documents(NAME) == [english.document]
        assert store.chunks(NAME) == english.chunks
        assert [info.name for info in store.collections()] == [NAME]
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    _add(store, chinese)  # the other process is gone: writing works again
    assert store.documents(NAME) == [english.document, chinese.document]


TRY_TO_WRITE = """
import sys
from pathlib import Path
from core.errors import StoreError
from core.settings import Settings
from core.retrieval.store import open_store
try:
    open_store(Settings(data_dir=Path(sys.argv[1]))).ensure_collection("other", "m", 3)
except StoreError as error:
    print(error)
"""


def test_a_writer_keeps_the_folder_until_it_closes(tmp_path: Path, e5: Encoder, english: Doc):
    store = open_store(Settings(data_dir=tmp_path))
    store.ensure_collection(NAME, e5.name, e5.dimension)
    _add(store, english)  # now this process writes here, for as long as the store is open

    def other_process_says() -> str:
        command = [sys.executable, "-c", TRY_TO_WRITE, str(tmp_path)]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    assert other_process_says().startswith("Another process (the app, or another ingest)")
    store.close()
    assert other_process_says() == ""
    assert [info.name for info in open_store(Settings(data_dir=tmp_path)).collections()] == [
        "other",
        NAME,
    ]


ADD_ONE = """
import pickle
import sys
from pathlib import Path
from core.settings import Settings
from core.retrieval.store import open_store
document, chunks, vectors = pickle.loads(Path(sys.argv[2]).read_bytes())
store = open_store(Settings(data_dir=Path(sys.argv[1])))
store.add_document(sys.argv[3], document, chunks, vectors)
store.close()
"""


def test_a_reader_finds_and_reads_what_another_process_adds_later(
    tmp_path: Path, e5: Encoder, english: Doc, chinese: Doc
):
    # The app keeps its store open while `python -m ingest` adds files to the same folder:
    # Chroma's embedded client keeps the vector index it loaded, and without renewing it the
    # new chunks were listed (and found by BM25) but missing from dense search, and reading
    # their vectors failed ("Error finding id").
    store = open_store(Settings(data_dir=tmp_path))
    store.ensure_collection(NAME, e5.name, e5.dimension)
    _add(store, english)
    question = e5.encode_query("大熊猫吃什么？")
    # Its vector index is loaded, and the folder is left to the other process.
    assert {key for key, _ in store.nearest(NAME, question, 3)} == {c.id for c in english.chunks}
    store.close()
    payload = tmp_path / "chinese.pickle"
    payload.write_bytes(pickle.dumps((chinese.document, chinese.chunks, chinese.vectors)))
    command = [sys.executable, "-c", ADD_ONE, str(tmp_path), str(payload), NAME]
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parents[1])

    assert store.nearest(NAME, question, 1)[0][0] == chinese.chunks[1].id
    assert store.search(NAME, question, 1)[0].chunk == chinese.chunks[1]
    ids = [chunk.id for chunk in chinese.chunks]
    vectors = store.vectors_by_id(NAME, ids)
    assert np.allclose(np.stack([vectors[key] for key in ids]), chinese.vectors, atol=1e-6)
    chunks, _ = store.embeddings(NAME)
    assert chunks == sorted(english.chunks + chinese.chunks, key=lambda c: (c.doc_sha, c.index))
    _add(store, english)  # and it still writes
    assert store.documents(NAME) == [english.document, chinese.document]


class _QueueProbe:
    """Wraps the store's thread lock and tells when a thread had to queue for it."""

    def __init__(self, lock) -> None:
        self._lock = lock
        self.queued = threading.Event()

    def __enter__(self) -> None:
        if not self._lock.acquire(blocking=False):  # held by another thread
            self.queued.set()
            self._lock.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()


def test_writing_is_reentrant_and_threads_queue(
    tmp_path: Path, e5: Encoder, english: Doc, chinese: Doc
) -> None:
    store = open_store(Settings(data_dir=tmp_path))
    store.ensure_collection(NAME, e5.name, e5.dimension)
    errors: list[BaseException] = []

    def add_chinese() -> None:
        try:
            _add(store, chinese)
        except BaseException as error:  # reported to the main thread
            errors.append(error)

    probe = _QueueProbe(store._lock._threads)
    store._lock._threads = probe
    with store.writing():
        with store.writing():
            _add(store, english)  # nested use inside one process does not deadlock
        other = threading.Thread(target=add_chinese)
        other.start()
        # Decided by the lock itself, not by a clock: the other thread found it held and queued.
        assert probe.queued.wait(timeout=60), "the other thread never asked for the lock"
        assert other.is_alive() and errors == []  # waiting, not refused
        assert store.documents(NAME) == [english.document]
    other.join(timeout=60)
    assert not other.is_alive()
    assert errors == []
    assert store.documents(NAME) == [english.document, chinese.document]


@pytest.mark.server
def test_open_store_on_a_server_takes_no_file_lock(
    chroma_server: int, tmp_path: Path, e5: Encoder
) -> None:
    store = open_store(
        Settings(data_dir=tmp_path / "unused", chroma_host="127.0.0.1", chroma_port=chroma_server)
    )
    store.ensure_collection("via-http", e5.name, e5.dimension)
    assert "via-http" in [info.name for info in store.collections()]
    store.delete_collection("via-http")
    assert not (tmp_path / "unused").exists()
