"""Chunking in the encoder's own tokens, by sentences, across pages, in English and Chinese."""

import pytest

from core.retrieval.chunking import ChunkConfig, chunk_pages

ENGLISH = " ".join(
    f"Sentence {i} explains how dense vectors place similar words near each other."
    for i in range(40)
)
CHINESE = "".join(f"第{i}句话介绍了词向量如何把相近的词放在一起。" for i in range(40))


def _chunks(encoder, pages, tokens=64, overlap=16):
    return chunk_pages(
        pages,
        encoder=encoder,
        doc_sha="f" * 64,
        source="doc.pdf",
        config=ChunkConfig(tokens, overlap),
    )


@pytest.mark.parametrize("text", [ENGLISH, CHINESE], ids=["english", "chinese"])
def test_chunks_are_whole_sentences_within_the_budget(e5, text):
    chunks = _chunks(e5, [(1, text)])
    overhead = e5.count_tokens("")
    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.text == text[chunk.char_start : chunk.char_end]
        assert chunk.text.endswith((".", "。"))
        assert chunk.token_count == e5.count_tokens(chunk.text)
        assert chunk.token_count - overhead <= 64 + 8  # joined text may tokenise a little longer
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_overlap_repeats_trailing_sentences(e5):
    chunks = _chunks(e5, [(1, ENGLISH)])
    for previous, current in zip(chunks, chunks[1:]):
        assert current.char_start < previous.char_end  # they share text
        shared = ENGLISH[current.char_start : previous.char_end]
        assert shared.startswith("Sentence") and shared.endswith(".")
    no_overlap = _chunks(e5, [(1, ENGLISH)], overlap=0)
    for previous, current in zip(no_overlap, no_overlap[1:]):
        assert current.char_start > previous.char_end


def test_chunks_cover_every_sentence_in_order(e5):
    chunks = _chunks(e5, [(1, CHINESE)], overlap=0)
    assert "".join(c.text for c in chunks) == CHINESE


def test_chunk_spanning_pages_records_both(e5):
    pages = [(1, "First page sentence one. First page ends here."), (2, "Second page starts.")]
    (chunk,) = _chunks(e5, pages, tokens=200)
    assert (chunk.page_start, chunk.page_end) == (1, 2)
    assert chunk.page_label == "pp. 1-2"
    assert chunk.text == "First page sentence one. First page ends here.\nSecond page starts."
    assert (chunk.char_start, chunk.char_end) == (0, len("Second page starts."))


def test_text_files_have_no_pages(e5):
    (chunk,) = _chunks(e5, [(None, "Just a note.")])
    assert chunk.page_start is None and chunk.page_label == ""


def test_a_sentence_longer_than_the_model_is_cut_under_its_maximum(minilm):
    words = " ".join(f"token{i}" for i in range(2000))  # one "sentence", far over 256 pieces
    chunks = chunk_pages(
        [(1, words)],
        encoder=minilm,
        doc_sha="a" * 64,
        source="long.txt",
        config=ChunkConfig(tokens=480, overlap=0),
    )
    assert len(chunks) > 5
    assert all(c.token_count <= minilm.max_tokens for c in chunks)
    assert " ".join(c.text for c in chunks) == words


def test_unbroken_cjk_text_is_cut_between_characters(e5):
    text = "词" * 3000
    chunks = _chunks(e5, [(1, text)], tokens=100, overlap=0)
    assert "".join(c.text for c in chunks) == text
    assert all(c.token_count <= e5.max_tokens for c in chunks)


def test_empty_pages_give_no_chunks(e5):
    assert _chunks(e5, [(1, ""), (2, "")]) == []


def test_chunk_ids_are_deterministic(e5):
    first = _chunks(e5, [(1, ENGLISH)])
    second = _chunks(e5, [(1, ENGLISH)])
    assert [c.id for c in first] == [c.id for c in second]
    assert first[0].id == "f" * 64 + ":000000"


def test_config_is_validated():
    with pytest.raises(ValueError, match="^overlap must be at least 0 and smaller than the chunk"):
        ChunkConfig(tokens=100, overlap=100)
    with pytest.raises(ValueError, match="^overlap must be at least 0"):
        ChunkConfig(tokens=100, overlap=-1)
    with pytest.raises(ValueError, match="^chunk size must be at least 16 tokens$"):
        ChunkConfig(tokens=8)


def test_a_half_full_chunk_ends_at_a_page_break(e5):
    pages = [
        (1, "The first page has a long enough sentence about rivers and their banks."),
        (2, "The second page starts a new chunk."),
    ]
    chunks = _chunks(e5, pages, tokens=24, overlap=8)
    assert [(c.page_start, c.page_end) for c in chunks] == [(1, 1), (2, 2)]
    assert chunks[1].text == "The second page starts a new chunk."
