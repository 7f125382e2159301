"""Ingest with OCR, the embedding cache and kept originals, on a real model and a real Chroma."""

from __future__ import annotations

import hashlib
import sqlite3
import time

import numpy as np
import pytest

from core.retrieval.chunking import ChunkConfig
from core.retrieval.embedding_cache import EmbeddingCache, encode_documents, model_key
from core.retrieval.encoders import Encoder
from core.retrieval.originals import Originals, delete_document
from core.retrieval.search import search
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests import pdfs

SCAN = ["扫描的幻灯片介绍了光合作用的过程", "Photosynthesis turns light into sugar"]


class CountingEncoder(Encoder):
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, encoder) -> None:
        self._encoder = encoder
        self.name, self.dimension = encoder.name, encoder.dimension
        self.max_tokens, self.encoded = encoder.max_tokens, 0

    def count_tokens(self, text: str) -> int:
        return self._encoder.count_tokens(text)

    def encode_documents(self, texts):
        self.encoded += len(texts)
        return self._encoder.encode_documents(texts)

    def encode_queries(self, texts):
        return self._encoder.encode_queries(texts)

    def encode_query(self, text):
        return self._encoder.encode_query(text)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def make(settings, e5):
    stores = []

    def make(collection: str = "c", **kwargs) -> Ingestor:
        store = stores[0] if stores else open_store(settings)
        stores[:1] = [store]
        return Ingestor(
            store=store,
            encoder=kwargs.pop("encoder", e5),
            collection=collection,
            chunking=ChunkConfig(48, 8),
            cache=EmbeddingCache(settings.embedding_cache_path),
            originals=Originals(settings.originals_dir),
            **kwargs,
        )

    yield make
    for store in stores:
        store.close()


def test_identical_texts_encoded_once_and_cached_across_runs(tmp_path, e5):
    counting = CountingEncoder(e5)
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    texts = ["passage: same", "another text", "passage: same", "另一段中文文本"]
    vectors, encoded = encode_documents(counting, texts, cache)
    assert (encoded, counting.encoded) == (3, 3)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_allclose(vectors, e5.encode_documents(texts), atol=1e-6)
    again, encoded = encode_documents(counting, texts + ["new"], cache)
    assert (encoded, counting.encoded) == (1, 4)
    np.testing.assert_array_equal(again[:4], vectors)


def test_cache_keys_include_the_model(tmp_path, e5, minilm):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    encode_documents(e5, ["shared text"], cache)
    vectors, encoded = encode_documents(minilm, ["shared text"], cache)
    assert encoded == 1 and vectors.shape == (1, minilm.dimension)
    assert model_key(e5) != model_key(minilm)


def test_damaged_cache_file_only_costs_speed(tmp_path, e5):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    vectors, encoded = encode_documents(e5, ["a text", "a text"], EmbeddingCache(path))
    assert encoded == 1 and vectors.shape == (2, e5.dimension)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT * FROM vectors")  # left as it was


def test_same_file_in_two_collections_is_encoded_once(make, e5):
    counting = CountingEncoder(e5)
    data = pdfs.english_pdf(["Rivers carry sand to the sea.", "Bread rises thanks to yeast."])
    first = make("one", encoder=counting).ingest(data, "a.pdf")
    second = make("two", encoder=counting).ingest(data, "a.pdf")
    assert first.encoded == first.chunks == 1 and second.encoded == 0
    assert counting.encoded == 1


def test_scanned_pdf_indexed_by_ocr_and_found_by_a_question(make, settings):
    rivers = (
        "Rivers carry sand and silt down to the sea.\nThey build wide deltas at their mouths "
        "over many thousands of years,\nand those deltas feed the fertile farmland around them."
    )
    data = pdfs.join_pdfs(pdfs.english_pdf([rivers]), pdfs.scanned_pdf([SCAN]))
    stages = []
    ingestor = make()
    result = ingestor.ingest(data, "slides.pdf", on_progress=lambda *a: stages.append(a[0]))
    assert result.status == "indexed" and result.ocr_pages == 1
    assert result.line.startswith("slides.pdf: indexed: 2 pages, 2 chunks, 1 page OCR'd; page 2")
    assert "OCR" in stages
    hit = search(ingestor.store, ingestor.encoder, "c", "光合作用", k=1)[0]
    assert hit.chunk.text == " ".join(SCAN)
    assert (hit.chunk.origin, hit.chunk.page_start) == ("ocr", 2)
    assert 0.9 < hit.chunk.ocr_confidence <= 1
    text_chunk = [c for c in ingestor.store.chunks("c") if c.page_start == 1][0]
    assert (text_chunk.origin, text_chunk.ocr_confidence) == ("text", None)
    kept = Originals(settings.originals_dir)
    assert kept.load(result.sha256) == data
    assert [line["text"] for line in kept.ocr(result.sha256)["2"]] == SCAN


def test_no_ocr_leaves_a_scan_unindexed_and_the_store_unchanged(make):
    ingestor = make(ocr=False)
    before = ingestor.ingest(pdfs.english_pdf(["Kept before."]), "before.pdf")
    result = ingestor.ingest(pdfs.scanned_pdf([SCAN]), "scan.pdf")
    assert result.status == "failed"
    assert result.detail == "no text to index (no text layer on page 1 (OCR is off; not indexed))"
    assert [d.sha256 for d in ingestor.store.documents("c")] == [before.sha256]
    assert ingestor.originals.load(result.sha256) is None


def test_original_deleted_with_the_last_collection_holding_it(make, settings):
    data = pdfs.english_pdf(["Kept while some collection holds it."])
    one, two = make("one"), make("two")
    sha = one.ingest(data, "a.pdf").sha256
    two.ingest(data, "a.pdf")
    kept = Originals(settings.originals_dir)
    delete_document(one.store, kept, "one", sha)
    assert kept.load(sha) == data
    delete_document(one.store, kept, "two", sha)
    assert kept.load(sha) is None
    assert one.store.documents("one") == one.store.documents("two") == []


def test_two_thousand_identical_pages_finish_within_a_minute(make):
    page = (
        "Every page of this file is the same. It repeats one paragraph about rivers, which carry "
        "sand and silt down to the sea and build deltas at their mouths."
    )
    data = pdfs.english_pdf([page] * 2000)
    start = time.perf_counter()
    result = make().ingest(data, "repeat.pdf")
    elapsed = time.perf_counter() - start
    assert (result.status, result.pages, result.chunks) == ("indexed", 2000, 2000)
    assert result.encoded == 1
    print(f"2000 identical pages: {elapsed:.1f} s")  # the bound itself lives in bench/extract.py


@pytest.mark.parametrize(
    ("value", "expected"), [(None, True), ("0", False), ("off", False), ("1", True), ("yes", True)]
)
def test_ocr_setting(value, expected):
    env = {} if value is None else {"EE_OCR": value}
    assert Settings.from_env(env).ocr is expected


def test_ocr_setting_rejects_nonsense():
    with pytest.raises(ValueError, match=r"^expected on or off \(1/0, true/false\), got 'maybe'$"):
        Settings.from_env({"EE_OCR": "maybe"})


def test_command_line_no_ocr_and_an_image_that_is_not_one(tmp_path, capsys):
    from ingest.__main__ import main

    (tmp_path / "scan.pdf").write_bytes(pdfs.scanned_pdf([SCAN]))
    (tmp_path / "fake.png").write_bytes(b"just text")
    (tmp_path / "a.pdf").write_bytes(pdfs.english_pdf(["Rivers carry sand to the sea."]))
    db = tmp_path / "data"
    code = main([str(tmp_path / n) for n in ("a.pdf", "fake.png", "scan.pdf")] + [
        "--collection", "c", "--db", str(db), "--no-ocr"])  # fmt: skip
    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        "a.pdf: indexed: 1 page, 1 chunk",
        "fake.png: failed: not a PNG or JPEG image (its content is something else)",
        "scan.pdf: failed: no text to index (no text layer on page 1 (OCR is off; not indexed))",
    ]
    kept = hashlib.sha256((tmp_path / "a.pdf").read_bytes()).hexdigest()
    assert [p.name for p in (db / "originals").iterdir()] == [kept]
