"""A collection's documents as running text again, for training word vectors on them.

Stored chunks overlap (trailing sentences of one chunk start the next), so concatenating them
would count the overlapping words twice; document_texts() removes the overlap exactly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from core.classic.training import tokenize_corpus
from core.records import Chunk


def document_texts(chunks: Sequence[Chunk]) -> list[str]:
    """One text per document (in the order documents first appear), rebuilt from its chunks.

    Chunks are taken in index order; what a chunk repeats of the one before is dropped. Between
    chunks that do not overlap, the whitespace the chunker skipped is restored by its length
    (extracted text has only "", " " and a blank line between sentences), and a page break
    becomes a newline, as inside a chunk that spans pages.
    """
    documents: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        documents.setdefault(chunk.doc_sha, []).append(chunk)
    texts = []
    for group in documents.values():
        ordered = sorted(group, key=lambda chunk: chunk.index)
        parts = [ordered[0].text]
        parts += [_continuation(previous, current) for previous, current in pairwise(ordered)]
        texts.append("".join(parts))
    return texts


def _continuation(previous: Chunk, current: Chunk) -> str:
    """What current adds after previous: its text without the overlap, or a gap then its text."""
    if current.page_start == previous.page_end:
        gap = current.char_start - previous.char_end
        if gap < 0:  # the overlap: the first -gap characters of current repeat previous
            return current.text[-gap:]
        return _WHITESPACE.get(gap, "\n\n") + current.text
    if _before(current.page_start, previous.page_end):
        # The overlap runs over a page break: current starts on an earlier page than
        # previous ended.
        return current.text[_cross_page_overlap(previous, current) :]
    return "\n" + current.text


_WHITESPACE = {0: "", 1: " ", 2: "\n\n"}


def _before(page: int | None, other: int | None) -> bool:
    return page is not None and other is not None and page < other


def _cross_page_overlap(previous: Chunk, current: Chunk) -> int:
    """How many leading characters of current repeat the end of previous."""
    if current.page_start == previous.page_start:
        # Both begin on that page, so current begins this far into previous's text.
        length = len(previous.text) - (current.char_start - previous.char_start)
        if 0 <= length <= len(current.text) and previous.text.endswith(current.text[:length]):
            return length
    # Otherwise the longest end of previous that current starts with.
    for length in range(min(len(previous.text), len(current.text)), 0, -1):
        if previous.text.endswith(current.text[:length]):
            return length
    return 0


def corpus_fingerprint(chunks: Sequence[Chunk]) -> str:
    """A short hash of the chunk ids: it changes when documents are added, deleted or re-cut."""
    digest = hashlib.sha256()
    for chunk_id in sorted(chunk.id for chunk in chunks):
        digest.update(chunk_id.encode("ascii", "replace") + b"\n")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Corpus:
    """A collection's text, ready for training: documents, sentences as words, and its state."""

    chunks: tuple[Chunk, ...]
    texts: tuple[str, ...]  # one per document
    sentences: list[list[str]]  # tokenised (jieba for Chinese), for Word2Vec and FastText
    fingerprint: str

    @property
    def words(self) -> int:
        return sum(len(sentence) for sentence in self.sentences)

    @property
    def vocabulary(self) -> int:
        return len({word for sentence in self.sentences for word in sentence})


def build_corpus(chunks: Sequence[Chunk]) -> Corpus:
    """The training corpus of a collection's chunks (as Store.chunks returns them)."""
    texts = document_texts(chunks)
    return Corpus(
        chunks=tuple(chunks),
        texts=tuple(texts),
        sentences=tokenize_corpus(texts),
        fingerprint=corpus_fingerprint(chunks),
    )
