"""Extractive answers: the best-matching sentences of the top passages, each with its citation."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from core.records import Hit
from core.retrieval.encoders import Encoder
from core.retrieval.rerank import Reranker
from core.retrieval.search import DEFAULT_MODE, DEFAULT_WEIGHT, search_with_vector
from core.retrieval.store import Store
from core.text import sentence_spans

# Sentences that open by pointing back ("This is why...", "它...") read wrong on their own.
_ANAPHORA = re.compile(r"(?:(?:This|These|That|Those|It|They|Such|Thus|Therefore)\b|[这此它其])")


@dataclass(frozen=True)
class Evidence:
    """The sentence of one hit that matches the query best."""

    hit: Hit
    start: int  # character span of the sentence in hit.chunk.text
    end: int
    score: float  # cosine similarity of the sentence to the query

    @property
    def sentence(self) -> str:
        """The sentence on one line (it may run over a paragraph break of the chunk)."""
        return " ".join(self.hit.chunk.text[self.start : self.end].split())

    @property
    def citation(self) -> str:
        return f"[{self.hit.chunk.where}]"


@dataclass(frozen=True, eq=False)
class Answer:
    query: str
    query_vector: np.ndarray
    hits: tuple[Hit, ...]
    evidence: tuple[Evidence, ...]  # one per hit, same order as hits
    sentences: tuple[Evidence, ...]  # the answer: best sentences first, no repeats
    relevant: bool  # False when no passage reaches the relevance floor
    floor: float

    def cited(self) -> list[tuple[str, str]]:
        """The answer as (sentences, citation) pairs: each source is cited once, best first."""
        runs: dict[str, list[str]] = {}
        for evidence in self.sentences:
            runs.setdefault(evidence.citation, []).append(evidence.sentence)
        return [(" ".join(sentences), citation) for citation, sentences in runs.items()]

    @property
    def text(self) -> str:
        return " ".join(f"{sentences} {citation}" for sentences, citation in self.cited())


def best_sentences(query_vector: np.ndarray, hits: list[Hit], encoder: Encoder) -> list[Evidence]:
    """For each hit, the sentence most similar to the query (overlapping chunks included)."""
    spans = [sentence_spans(hit.chunk.text) or [(0, len(hit.chunk.text))] for hit in hits]
    flat = [hit.chunk.text[a:b] for hit, hit_spans in zip(hits, spans) for a, b in hit_spans]
    if not flat:
        return []
    scores = encoder.encode_documents(flat) @ query_vector
    evidence, offset = [], 0
    for hit, hit_spans in zip(hits, spans):
        own = scores[offset : offset + len(hit_spans)]
        best = int(np.argmax(own))
        start, end = hit_spans[best]
        if best > 0 and _ANAPHORA.match(hit.chunk.text[start:end]):
            start = hit_spans[best - 1][0]  # "This is how..." needs the sentence it points back to
        evidence.append(Evidence(hit, start, end, float(own[best])))
        offset += len(hit_spans)
    return evidence


def answer(
    query: str,
    query_vector: np.ndarray,
    hits: list[Hit],
    encoder: Encoder,
    floor: float,
    max_sentences: int = 3,
) -> Answer:
    """Assemble an extractive answer from the hits whose passage reaches the floor."""
    evidence = best_sentences(query_vector, hits, encoder)
    relevant = [e for e in evidence if e.hit.score >= floor]
    chosen: list[Evidence] = []
    seen: set[str] = set()
    for item in sorted(relevant, key=lambda e: e.score, reverse=True):
        key = " ".join(item.sentence.split())
        if key in seen:  # overlapping chunks repeat sentences
            continue
        seen.add(key)
        chosen.append(item)
        if len(chosen) == max_sentences:
            break
    return Answer(
        query=query,
        query_vector=query_vector,
        hits=tuple(hits),
        evidence=tuple(evidence),
        sentences=tuple(chosen),
        relevant=bool(chosen),
        floor=floor,
    )


def ask(
    store: Store,
    encoder: Encoder,
    collection: str,
    query: str,
    k: int = 5,
    floor: float | None = None,
    mode: str = DEFAULT_MODE,
    weight: float = DEFAULT_WEIGHT,
    reranker: Reranker | None = None,
) -> Answer:
    """Search the collection in the mode and answer from the hits, citing file and page.

    The floor applies to each passage's cosine similarity to the question in every mode (fused
    and BM25 scores are not similarities and have no fixed scale)."""
    vector, hits = search_with_vector(store, encoder, collection, query, k, mode, weight, reranker)
    floor = encoder.relevance_floor if floor is None else floor
    return answer(query, vector, hits, encoder, floor)
