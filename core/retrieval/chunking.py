"""Token-aware, sentence-respecting chunking of page text, across page boundaries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.records import Chunk
from core.retrieval.encoders import Encoder
from core.text import is_cjk, sentence_spans


@dataclass(frozen=True)
class ChunkConfig:
    tokens: int = 200  # target size in the encoder's tokens, special tokens excluded
    overlap: int = 40  # tokens of whole trailing sentences repeated at the start of the next chunk

    def __post_init__(self) -> None:
        if self.tokens < 16:
            raise ValueError("chunk size must be at least 16 tokens")
        if not 0 <= self.overlap < self.tokens:
            raise ValueError("overlap must be at least 0 and smaller than the chunk size")


@dataclass(frozen=True)
class _Piece:
    """A sentence (or a slice of an over-long one) on one page."""

    page_index: int
    start: int
    end: int
    tokens: int


class _TokenCounter:
    """Counts content tokens: the encoder's count minus its fixed special-token overhead."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self.overhead = encoder.count_tokens("")
        self._known: dict[str, int] = {}  # repeated pages repeat their sentences

    def __call__(self, text: str) -> int:
        if text not in self._known:
            self.prime([text])
        return self._known[text]

    def prime(self, texts: Sequence[str]) -> None:
        """Count the texts not yet known in one call to the encoder (its batch tokenizer)."""
        unknown = list(dict.fromkeys(text for text in texts if text not in self._known))
        if not unknown:
            return
        if len(self._known) + len(unknown) > 100_000:
            self._known.clear()
        for text, tokens in zip(unknown, self._encoder.count_tokens_many(unknown), strict=True):
            self._known[text] = max(tokens - self.overhead, 0)


def chunk_pages(
    pages: Sequence[tuple[int | None, str]],
    *,
    encoder: Encoder,
    doc_sha: str,
    source: str,
    config: ChunkConfig = ChunkConfig(),
    origins: Sequence[tuple[str, float | None]] | None = None,
) -> list[Chunk]:
    """Split (page number, page text) pairs into chunks no longer than the model reads.

    Chunks are made of whole sentences (English . ! ? and Chinese 。！？；), may run over a
    page break (recording both pages), and never mix files. A sentence longer than a chunk is
    cut at word boundaries, or between characters in CJK text. origins gives each page's
    (origin, OCR confidence); a chunk is "ocr" when any of its pages is.
    """
    count = _TokenCounter(encoder)
    budget = min(config.tokens, encoder.max_tokens - count.overhead)
    overlap = min(config.overlap, budget // 2)
    texts = [text for _, text in pages]
    spans = [(index, *span) for index, text in enumerate(texts) for span in sentence_spans(text)]
    count.prime([texts[index][start:end] for index, start, end in spans])
    pieces = [
        piece
        for index, start, end in spans
        for piece in _fit(index, texts[index], start, end, budget, count)
    ]
    groups = _pack(pieces, budget, overlap)
    count.prime([_join(texts, group) for group in groups])
    chunks = []
    for group in groups:
        text = _join(texts, group)
        # Tokenising the joined text can differ slightly from the sum of its sentences.
        while count(text) > encoder.max_tokens - count.overhead and len(group) > 1:
            group = group[:-1]
            text = _join(texts, group)
        first, last = group[0], group[-1]
        origin, confidence = _origin(origins, first.page_index, last.page_index)
        chunks.append(
            Chunk(
                doc_sha=doc_sha,
                index=len(chunks),
                text=text,
                source=source,
                page_start=pages[first.page_index][0],
                page_end=pages[last.page_index][0],
                char_start=first.start,
                char_end=last.end,
                token_count=count(text) + count.overhead,
                origin=origin,
                ocr_confidence=confidence,
            )
        )
    return chunks


def _origin(
    origins: Sequence[tuple[str, float | None]] | None, first: int, last: int
) -> tuple[str, float | None]:
    if not origins:
        return "text", None
    scores = [score for origin, score in origins[first : last + 1] if origin == "ocr"]
    if not scores:
        return "text", None
    known = [score for score in scores if score is not None]
    return "ocr", (round(sum(known) / len(known), 4) if known else None)


def _pack(pieces: list[_Piece], budget: int, overlap: int) -> list[list[_Piece]]:
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []
    size = 0
    fresh = 0  # pieces in current that are not overlap from the previous chunk
    for piece in pieces:
        new_page = bool(current) and piece.page_index != current[-1].page_index
        # Start a fresh chunk at a page break once this one is half full: citations then name
        # one page more often, while short pages still merge.
        if new_page and size >= budget // 2:
            if fresh:
                groups.append(current)
            current, size, fresh = [], 0, 0
        elif current and size + piece.tokens > budget:
            groups.append(current)
            current = _tail(current, overlap, budget - piece.tokens)
            size = sum(p.tokens for p in current)
            fresh = 0
        current.append(piece)
        size += piece.tokens
        fresh += 1
    if current and fresh:
        groups.append(current)
    return groups


def _tail(group: list[_Piece], overlap: int, room: int) -> list[_Piece]:
    """The trailing whole pieces of a chunk that fit in the overlap (and beside the next piece)."""
    tail: list[_Piece] = []
    size = 0
    for piece in reversed(group[1:]):  # never repeat a whole chunk
        if size + piece.tokens > min(overlap, room):
            break
        tail.insert(0, piece)
        size += piece.tokens
    return tail


def _join(texts: list[str], group: list[_Piece]) -> str:
    """The chunk's text: exact slices of each page, pages separated by a newline."""
    parts = []
    run_start = group[0]
    previous = group[0]
    for piece in group[1:] + [None]:
        if piece is None or piece.page_index != previous.page_index:
            parts.append(texts[previous.page_index][run_start.start : previous.end])
            run_start = piece
        previous = piece or previous
    return "\n".join(parts)


_BREAK = re.compile(r"\s+")


def _fit(index: int, text: str, start: int, end: int, budget: int, count) -> list[_Piece]:
    """One piece for a sentence that fits; several for one that does not."""
    tokens = count(text[start:end])
    if tokens <= budget:
        return [_Piece(index, start, end, tokens)]
    pieces = []
    cuts = _cut_points(text, start, end)
    while start < end:
        # Binary search for the longest prefix (ending at a cut point) within the budget.
        lo, hi = 0, len(cuts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count(text[start : cuts[mid]]) <= budget:
                lo = mid
            else:
                hi = mid - 1
        stop = cuts[lo]
        piece_text = text[start:stop].rstrip()
        pieces.append(_Piece(index, start, start + len(piece_text), count(piece_text)))
        start = stop
        while start < end and text[start].isspace():
            start += 1
        cuts = [c for c in cuts if c > start]
    return pieces


def _cut_points(text: str, start: int, end: int) -> list[int]:
    """Positions a long sentence may be cut at: after words, or after any CJK character."""
    points = [m.end() for m in _BREAK.finditer(text, start, end)]
    points += [i + 1 for i in range(start, end) if is_cjk(text[i])]
    # Text with no spaces and no CJK (a hash, a URL) may be cut anywhere.
    if not points:
        points = list(range(start + 1, end + 1))
    points = sorted({p for p in points if start < p <= end} | {end})
    # The first cut must always make progress, so the smallest unit is one character.
    return sorted(set(points) | {start + 1})
