"""Documents rebuilt from their stored chunks: the overlap removed exactly, in both languages."""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path

import pytest

from core.classic.corpus import build_corpus, corpus_fingerprint, document_texts
from core.classic.training import tokenize_corpus
from core.retrieval.chunking import ChunkConfig, chunk_pages
from ingest.extract import extract

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _pages(name: str, paragraphs_per_page: int) -> list[tuple[int | None, str]]:
    """A sample article as extracted, cut into pages of a few paragraphs each."""
    path = SAMPLES / name
    (page,) = extract(path.read_bytes(), path.name).pages
    paragraphs = page.text.split("\n\n")
    return [
        (n + 1, "\n\n".join(paragraphs[start : start + paragraphs_per_page]))
        for n, start in enumerate(range(0, len(paragraphs), paragraphs_per_page))
    ]


def _chunks(encoder, pages, tokens=64, overlap=24, sha="a"):
    return chunk_pages(
        pages,
        encoder=encoder,
        doc_sha=sha * 64,
        source=f"{sha}.pdf",
        config=ChunkConfig(tokens, overlap),
    )


def _boundaries(chunks) -> dict[str, int]:
    """How consecutive chunks meet: overlapping, with a gap, over a page break."""
    kinds = {"overlap": 0, "gap": 0, "page break": 0, "overlap over a page break": 0}
    for previous, current in pairwise(chunks):
        if current.page_start == previous.page_end:
            kinds["overlap" if current.char_start < previous.char_end else "gap"] += 1
        elif current.page_start < previous.page_end:
            kinds["overlap over a page break"] += 1
        else:
            kinds["page break"] += 1
    return kinds


@pytest.mark.parametrize(
    ("name", "tokens", "overlap"),
    [
        ("en/river-ecology.md", 64, 24),
        ("en/word-embeddings.md", 96, 32),
        ("zh/yangtze-river.md", 64, 24),
        ("zh/tea-culture.md", 96, 32),
    ],
)
def test_rebuilt_text_equals_the_pages(e5, name, tokens, overlap):
    pages = _pages(name, paragraphs_per_page=2)
    chunks = _chunks(e5, pages, tokens, overlap)
    kinds = _boundaries(chunks)
    # The text exercises every way two chunks meet, and chunks that span pages.
    assert kinds["overlap"] and kinds["gap"] and kinds["page break"], kinds
    assert any(chunk.page_start != chunk.page_end for chunk in chunks)
    assert len(pages) > 5
    assert document_texts(chunks) == ["\n".join(text for _, text in pages)]


def test_overlap_running_over_a_page_break(e5):
    # A short first page, then a short sentence and one too long to join them: the next chunk
    # repeats the last sentences of both pages, so it starts on the page before the break.
    long = (
        "Floodplain forests, gravel bars, side channels and backwaters together hold more "
        "species of insects, fish, amphibians and birds than the main channel of the river, "
        "because every flood rearranges them."
    )
    pages = [
        (1, "Rivers carry water to the sea. Fish swim upstream in spring."),
        (2, f"Banks erode slowly. {long} Herons wait in the shallows."),
    ]
    chunks = _chunks(e5, pages, tokens=64, overlap=24)
    assert _boundaries(chunks)["overlap over a page break"] == 1
    assert chunks[1].page_start == 1 and chunks[0].page_end == 2
    assert document_texts(chunks) == ["\n".join(text for _, text in pages)]


def test_text_files_without_pages(e5):
    path = SAMPLES / "zh" / "word-vectors.md"
    (page,) = extract(path.read_bytes(), path.name).pages
    assert page.number is None
    chunks = _chunks(e5, [(None, page.text)], tokens=128, overlap=48)
    assert _boundaries(chunks)["overlap"] > 3
    assert document_texts(chunks) == [page.text]


def test_documents_come_back_one_each_whatever_the_chunk_order(e5):
    english = _pages("en/bread-baking.md", 3)
    chinese = _pages("zh/apple-fruit.md", 3)
    chunks = _chunks(e5, english, sha="b") + _chunks(e5, chinese, sha="c")
    expected = ["\n".join(t for _, t in english), "\n".join(t for _, t in chinese)]
    assert document_texts(chunks) == expected
    shuffled = list(chunks)
    random.Random(3).shuffle(shuffled)
    rebuilt = document_texts(shuffled)
    assert sorted(rebuilt) == sorted(expected)
    assert document_texts([]) == []


def test_build_corpus_and_fingerprint(e5):
    english = _chunks(e5, _pages("en/bread-baking.md", 3), sha="b")
    chinese = _chunks(e5, _pages("zh/apple-fruit.md", 3), sha="c")
    corpus = build_corpus(english + chinese)
    assert corpus.texts == tuple(document_texts(english + chinese))
    assert corpus.sentences == tokenize_corpus(corpus.texts)
    assert corpus.words == sum(len(s) for s in corpus.sentences)
    assert {"bread", "dough", "苹果", "水果"} <= {w for s in corpus.sentences for w in s}
    # The overlap is not counted twice: as many words as the documents themselves have.
    assert corpus.words < sum(len(w) for w in tokenize_corpus([c.text for c in english + chinese]))
    assert corpus.fingerprint == corpus_fingerprint(list(reversed(english + chinese)))
    assert corpus.fingerprint != corpus_fingerprint(english)
    assert corpus.fingerprint != corpus_fingerprint(english + chinese[:-1])
