"""ingest_paths overlaps reading, encoding and storing; the outcome is the file-by-file one."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from core.retrieval.chunking import ChunkConfig
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.extract import Limits
from ingest.pipeline import Ingestor
from tests import pdfs

PAGES = [
    [
        "Rivers shape the land. Water erodes the outer bank of each bend and deposits sand on "
        "the inner bank, so meanders slowly migrate across the floodplain.",
        "Deltas form where a river slows at the sea and drops the silt it carried downstream.",
    ],
    [
        "Sourdough bread rises because wild yeasts and lactic acid bacteria ferment the flour.",
        "The yeasts release carbon dioxide, trapped by the gluten network of the dough.",
    ],
    [
        "Johannes Gutenberg built a printing press with movable metal type around 1440.",
        "His press made books far cheaper, and pamphlets spread across Europe within decades.",
    ],
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Three PDFs, a note, a copy of the first PDF under another name, a broken and a big file."""
    root = tmp_path_factory.mktemp("files")
    names = []
    for number, pages in enumerate(PAGES, start=1):
        (root / f"paper-{number}.pdf").write_bytes(pdfs.english_pdf(pages))
        names.append(f"paper-{number}.pdf")
    (root / "note.md").write_text(
        "长江是中国最长的河流。 The Yangtze is the longest river in China."
    )
    (root / "copy-of-paper-1.pdf").write_bytes((root / "paper-1.pdf").read_bytes())
    (root / "broken.pdf").write_bytes(pdfs.truncated_pdf())
    with (root / "huge.pdf").open("wb") as file:
        file.truncate(2**20 + 1)
    order = ["paper-1.pdf", "note.md", "broken.pdf", "copy-of-paper-1.pdf", "huge.pdf"]
    return root, [root / name for name in order + names[1:]]


def _ingestor(tmp_path, name, encoder) -> Ingestor:
    store = open_store(Settings(data_dir=tmp_path / name))
    return Ingestor(
        store=store,
        encoder=encoder,
        collection="c",
        chunking=ChunkConfig(48, 8),
        limits=Limits(max_bytes=2**20),
    )


def _contents(ingestor: Ingestor):
    chunks, vectors = ingestor.store.embeddings("c")
    documents = [
        (d.sha256, d.source, d.kind, d.pages, d.chunks, d.notes)
        for d in ingestor.store.documents("c")
    ]
    return sorted(documents), [(c.id, c.text, c.page_start) for c in chunks], vectors


def test_overlapped_run_stores_what_a_file_by_file_run_stores(tmp_path, folder, e5):
    _, paths = folder
    one_by_one = _ingestor(tmp_path, "sequential", e5)
    expected = [one_by_one.ingest(p.read_bytes(), p.name) if p.name != "huge.pdf" else None
                for p in paths]  # fmt: skip
    overlapped = _ingestor(tmp_path, "overlapped", e5)
    files, results, stages, threads = [], [], [], set()

    def on_result(result):
        threads.add(threading.current_thread().name)
        results.append(result)

    returned = overlapped.ingest_paths(
        paths,
        on_file=lambda path: files.append(path.name),
        on_result=on_result,
        on_progress=lambda stage, done, total: stages.append(stage),
    )
    assert files == [p.name for p in paths]
    assert returned == results  # on_result saw each result as it came, in the files' order
    assert [r.line for r in returned] == [
        "paper-1.pdf: indexed: 2 pages, 2 chunks",
        "note.md: indexed: 1 chunk",
        "broken.pdf: failed: damaged, could not be read (Stream has ended unexpectedly)",
        "copy-of-paper-1.pdf: skipped: already indexed as paper-1.pdf",
        "huge.pdf: failed: the file is too large (1,048,577 bytes; the limit is 1,048,576 bytes)",
        "paper-2.pdf: indexed: 2 pages, 1 chunk",
        "paper-3.pdf: indexed: 2 pages, 1 chunk",
    ]
    assert [r.line for r in expected if r is not None] == [
        r.line for r in returned if not r.source.startswith("huge")
    ]
    assert {"reading", "encoding", "storing"} <= set(stages)
    assert threads == {"ingest-writer"}
    ours, theirs = _contents(overlapped), _contents(one_by_one)
    assert ours[0] == theirs[0] and len(ours[0]) == 4
    assert ours[1] == theirs[1] and len(ours[1]) == 5
    np.testing.assert_allclose(ours[2], theirs[2], atol=1e-6)
    # Searching works on what the overlapped run stored, BM25 included.
    hits = overlapped.store.lexical_search("c", "Gutenberg printing press", 1)
    assert hits and hits[0].chunk_id.startswith(_sha_of(returned, "paper-3.pdf"))
    for ingestor in (one_by_one, overlapped):
        ingestor.store.close()


def _sha_of(results, source: str) -> str:
    return next(r.sha256 for r in results if r.source == source)


def test_a_copy_of_a_failed_file_is_tried_again_not_skipped(tmp_path, e5):
    broken = pdfs.truncated_pdf()
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    first.write_bytes(broken)
    second.write_bytes(broken)
    ingestor = _ingestor(tmp_path, "data", e5)
    results = ingestor.ingest_paths([first, second])
    assert [r.status for r in results] == ["failed", "failed"]
    assert results[0].detail == results[1].detail
    assert ingestor.store.documents("c") == []
    ingestor.store.close()


def test_a_failing_callback_stops_the_run_and_is_raised(tmp_path, folder, e5):
    _, paths = folder
    ingestor = _ingestor(tmp_path, "data", e5)

    def on_result(result):
        raise RuntimeError(f"the page went away at {result.source}")

    with pytest.raises(RuntimeError, match=r"^the page went away at paper-1\.pdf$"):
        ingestor.ingest_paths(paths, on_result=on_result)
    # The file stored before the failure is whole; nothing after it was stored.
    documents = ingestor.store.documents("c")
    assert [d.source for d in documents] == ["paper-1.pdf"]
    for document in documents:
        assert len(ingestor.store.chunks("c", document.sha256)) == document.chunks
    ingestor.store.close()
