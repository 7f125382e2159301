"""Plain records passed between layers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    """A span of one document's text, with where it came from."""

    doc_sha: str
    index: int
    text: str
    source: str
    page_start: int | None  # 1-based; None for files without pages
    page_end: int | None
    char_start: int  # offset into the text of page_start
    char_end: int  # offset (exclusive) into the text of page_end
    token_count: int
    origin: str = "text"  # "text": the file's own text; "ocr": read by OCR from a page image
    ocr_confidence: float | None = None  # OCR's mean confidence over the chunk's OCR'd pages
    kind: str = "text"  # "text": a passage; "image": a picture (text is then its caption)
    # A picture's number in its file (0 for an image file, 0, 1, ... for a PDF's figures): it
    # names the thumbnail, the same whatever the chunking put before it in a collection.
    figure: int | None = None

    @property
    def id(self) -> str:
        return chunk_id(self.doc_sha, self.index)

    @property
    def is_image(self) -> bool:
        return self.kind == "image"

    @property
    def page_label(self) -> str:
        """'p. 3', 'pp. 3-4' or '' for files without pages."""
        if self.page_start is None:
            return ""
        if self.page_end is None or self.page_end == self.page_start:
            return f"p. {self.page_start}"
        return f"pp. {self.page_start}-{self.page_end}"

    @property
    def where(self) -> str:
        """'paper.pdf, p. 3', or just the file name for files without pages."""
        return f"{self.source}, {self.page_label}" if self.page_label else self.source


def chunk_id(doc_sha: str, index: int) -> str:
    """Deterministic id: the file's hash plus the chunk's position."""
    return f"{doc_sha}:{index:06d}"


@dataclass(frozen=True)
class Document:
    """One stored file: listed only once all its chunks are stored."""

    sha256: str
    source: str
    kind: str  # "pdf", "text" or "image"
    pages: int | None
    chunks: int
    model: str
    added_at: str  # ISO 8601, UTC
    notes: str = ""  # what the user should know: recovered xref, pages without text, ...


@dataclass(frozen=True)
class Ranks:
    """Why a hit was found: its place in the dense, BM25 and fused rankings, and the query terms
    it contains. A rank is None when the hit is not among that ranking's candidates."""

    mode: str  # the ranking that ordered the hits: dense, bm25 or hybrid
    dense_rank: int | None
    dense_score: float  # cosine similarity to the query
    bm25_rank: int | None
    bm25_score: float  # 0 when no query term matches
    fused_rank: int | None
    fused_score: float  # both scores scaled to 0-1 and weighted (search.fuse): not a cosine
    matched: tuple[str, ...] = ()  # query terms found in the chunk (stemmed, lower-case)
    rerank_score: float | None = None  # the cross-encoder's score, when one reranked the hits


@dataclass(frozen=True)
class Hit:
    """A search result: a chunk, its cosine similarity to the query, its rank (1-based) in the
    mode that ran; why holds the per-ranking details when the search computed them."""

    chunk: Chunk
    score: float
    rank: int
    why: Ranks | None = None


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    model: str
    dimension: int
    documents: int
    chunks: int
