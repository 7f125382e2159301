"""Retrieval quality: metrics, BEIR folders and question sets, evaluated in every search mode.

A question set is CSV or JSONL with a `question` and what a right passage holds: `answer` (text
the passage contains) and/or `file` (its source, optionally with `page`). A BEIR folder has
corpus.jsonl, queries.jsonl and qrels/<split>.tsv; each document is indexed as one or more chunks
and scores as its best chunk.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.records import Chunk, Document
from core.retrieval.encoders import Encoder
from core.retrieval.lexical import LexicalIndex
from core.retrieval.search import (
    CANDIDATES,
    DEFAULT_WEIGHT,
    MODES,
    check_mode,
    check_query,
    lexical_query,
    ranking,
)
from core.retrieval.store import Store
from core.text import language

Chunker = Callable[[str, str], list[Chunk]]  # (document id, text) -> chunks
Progress = Callable[[str, int, int], None]  # (stage, done, total)
CUTOFFS = (1, 5, 10)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


# -- metrics -------------------------------------------------------------------------------------


def ndcg_at_k(ranking: Sequence[str], relevance: Mapping[str, int], k: int) -> float:
    """nDCG@k: gain = relevance grade, discount log2(rank + 1), ideal from the judgments."""
    dcg = sum(
        relevance.get(doc, 0) / math.log2(rank + 1) for rank, doc in enumerate(ranking[:k], start=1)
    )
    ideal_gains = sorted((grade for grade in relevance.values() if grade > 0), reverse=True)[:k]
    ideal = sum(grade / math.log2(rank + 1) for rank, grade in enumerate(ideal_gains, start=1))
    return dcg / ideal if ideal > 0 else 0.0


def recall_at_k(ranking: Sequence[str], relevance: Mapping[str, int], k: int) -> float:
    """Share of the relevant documents (grade > 0) found in the top k."""
    relevant = {doc for doc, grade in relevance.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:k])) / len(relevant)


def mrr_at_k(ranking: Sequence[str], relevance: Mapping[str, int], k: int) -> float:
    """1 / the rank of the first relevant document in the top k, else 0."""
    for rank, doc in enumerate(ranking[:k], start=1):
        if relevance.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def scores(rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> dict:
    """Mean nDCG@10, Recall@1/5/10/100 and MRR@10 over the judged queries."""
    queries = [q for q in qrels if q in rankings]
    if not queries:
        raise UserError("No judged question could be evaluated.")

    def mean(metric: Callable, k: int) -> float:
        return round(float(np.mean([metric(rankings[q], qrels[q], k) for q in queries])), 4)

    return {
        "ndcg@10": mean(ndcg_at_k, 10),
        "recall@1": mean(recall_at_k, 1),
        "recall@5": mean(recall_at_k, 5),
        "recall@10": mean(recall_at_k, 10),
        "recall@100": mean(recall_at_k, 100),
        "mrr@10": mean(mrr_at_k, 10),
        "queries": len(queries),
    }


def documents_of(chunk_ids: Iterable[str], doc_of: Mapping[str, str]) -> list[str]:
    """Fold a chunk ranking into a document ranking: a document sits where its best chunk does."""
    seen: dict[str, None] = {}
    for chunk_id in chunk_ids:
        doc = doc_of.get(chunk_id)
        if doc is not None and doc not in seen:
            seen[doc] = None
    return list(seen)


# -- BEIR ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Beir:
    name: str
    corpus: dict[str, str]  # id -> title + ". " + text
    queries: dict[str, str]  # only the queries judged in the split
    qrels: dict[str, dict[str, int]]


def load_beir(folder: Path, split: str = "test", limit_docs: int | None = None) -> Beir:
    """A BEIR dataset folder; a clear message when a part is missing or malformed."""
    folder = Path(folder)
    needed = [folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels" / f"{split}.tsv"]
    missing = [str(path) for path in needed if not path.is_file()]
    if missing:
        raise UserError(f"Not a BEIR folder: missing {', '.join(missing)}.")
    try:
        qrels: dict[str, dict[str, int]] = {}
        with needed[2].open(encoding="utf-8", newline="") as file:
            reader = csv.reader(file, delimiter="\t")
            next(reader, None)  # header: query-id corpus-id score
            for row in reader:
                if len(row) >= 3:
                    qrels.setdefault(row[0], {})[row[1]] = int(row[2])
        corpus: dict[str, str] = {}
        with needed[0].open(encoding="utf-8") as file:
            for line in file:
                if line.strip():
                    record = json.loads(line)
                    title, text = record.get("title") or "", record.get("text") or ""
                    corpus[str(record["_id"])] = f"{title}. {text}" if title else text
        queries: dict[str, str] = {}
        with needed[1].open(encoding="utf-8") as file:
            for line in file:
                if line.strip():
                    record = json.loads(line)
                    if str(record["_id"]) in qrels:
                        queries[str(record["_id"])] = record["text"]
    except (ValueError, KeyError, UnicodeDecodeError) as error:
        raise UserError(f"The BEIR folder {folder} has a malformed file ({error}).") from error
    if limit_docs is not None and limit_docs < len(corpus):
        # Judged documents first, so the subset still has answers; then the others in order.
        judged = {doc for docs in qrels.values() for doc in docs if doc in corpus}
        keep = list(judged) + [doc for doc in corpus if doc not in judged]
        corpus = {doc: corpus[doc] for doc in keep[: max(limit_docs, len(judged))]}
    qrels = {query: docs for query, docs in qrels.items() if query in queries}
    if not queries:
        raise UserError(f"No query of {folder.name} is judged in the {split!r} split.")
    return Beir(folder.resolve().name, corpus, queries, qrels)


def doc_sha(doc_id: str) -> str:
    return hashlib.sha256(f"beir:{doc_id}".encode()).hexdigest()


@dataclass
class BeirIndex:
    """A BEIR corpus indexed as chunks: in a store collection, or (BM25 only) in memory."""

    store: Store | None
    collection: str
    lexical: LexicalIndex | None
    doc_of: dict[str, str]  # chunk id -> document id
    chunks: int
    timings: dict[str, float] = field(default_factory=dict)


def index_beir(
    data: Beir,
    encoder: Encoder,
    chunker: Chunker,
    store: Store | None,
    collection: str,
    dense: bool,
    batch: int = 32,
    progress: Progress = _no_progress,
) -> BeirIndex:
    """Chunk and index the corpus; without dense (BM25 only) nothing is encoded.

    A collection of that name already holding the whole corpus is reused as it is.
    """
    timings: dict[str, float] = {}
    start = time.perf_counter()
    per_doc: list[tuple[str, list[Chunk]]] = []
    for done, (doc_id, text) in enumerate(data.corpus.items(), start=1):
        chunks = chunker(doc_id, text)
        if chunks:
            per_doc.append((doc_id, chunks))
        if done % 500 == 0 or done == len(data.corpus):
            progress("chunk", done, len(data.corpus))
    timings["chunk_s"] = time.perf_counter() - start
    doc_of = {chunk.id: doc_id for doc_id, chunks in per_doc for chunk in chunks}
    count = len(doc_of)

    existing = store.collection_model(collection) if store is not None else None
    if store is not None and existing is not None:
        if existing != encoder.name:
            raise UserError(f"The collection {collection!r} was built with {existing}.")
        if len(store.documents(collection)) == len(per_doc):
            return BeirIndex(store, collection, None, doc_of, count, timings=timings)
        store.delete_collection(collection)
    if not dense or store is None:
        start = time.perf_counter()
        lexical = LexicalIndex(None)
        for doc_id, chunks in per_doc:
            lexical.add(doc_sha(doc_id), chunks)
        lexical.rebuild()
        timings["bm25_s"] = time.perf_counter() - start
        return BeirIndex(None, collection, lexical, doc_of, count, timings=timings)

    texts = [chunk.text for _, chunks in per_doc for chunk in chunks]
    start = time.perf_counter()
    parts = []
    for offset in range(0, len(texts), batch):
        parts.append(encoder.encode_documents(texts[offset : offset + batch]))
        progress("encode", offset + len(parts[-1]), len(texts))
    vectors = np.concatenate(parts) if parts else np.zeros((0, encoder.dimension), np.float32)
    timings["encode_s"] = time.perf_counter() - start

    start = time.perf_counter()
    store_corpus(store, collection, encoder.name, per_doc, vectors, progress)
    timings["store_s"] = time.perf_counter() - start
    return BeirIndex(store, collection, None, doc_of, count, timings=timings)


def store_corpus(
    store: Store,
    collection: str,
    model: str,
    per_doc: Sequence[tuple[str, list[Chunk]]],
    vectors: np.ndarray,
    progress: Progress = _no_progress,
) -> None:
    """Store each corpus document's chunks with their vectors (in per_doc order) as a document."""
    store.ensure_collection(collection, model, vectors.shape[1])
    offset = 0
    for done, (doc_id, chunks) in enumerate(per_doc, start=1):
        document = Document(
            sha256=doc_sha(doc_id),
            source=doc_id,
            kind="text",
            pages=None,
            chunks=len(chunks),
            model=model,
            added_at="2024-01-01T00:00:00+00:00",
        )
        store.add_document(collection, document, chunks, vectors[offset : offset + len(chunks)])
        offset += len(chunks)
        if done % 500 == 0 or done == len(per_doc):
            progress("store", done, len(per_doc))


def evaluate_beir(
    data: Beir,
    index: BeirIndex,
    encoder: Encoder,
    modes: Sequence[str],
    weight: float = DEFAULT_WEIGHT,
    k_chunks: int = 300,
    progress: Progress = _no_progress,
) -> dict[str, dict]:
    """mode -> scores(), the documents ranked by their best chunk in that mode."""
    for mode in modes:
        check_mode(mode, weight)
    query_ids = list(data.queries)
    texts = [data.queries[q] for q in query_ids]
    dense = any(mode != "bm25" for mode in modes)
    if dense and index.store is None:
        raise UserError("Dense and hybrid modes need the corpus encoded into a store.")
    start = time.perf_counter()
    vectors = encoder.encode_queries(texts) if dense else None
    encode_s = time.perf_counter() - start
    rankings: dict[str, dict[str, list[str]]] = {mode: {} for mode in modes}
    start = time.perf_counter()
    for i, (query_id, text) in enumerate(zip(query_ids, texts, strict=True)):
        dense: list[tuple[str, float]] = []
        languages: dict[str, str] = {}
        if vectors is not None and index.store is not None:
            hits = index.store.search(index.collection, vectors[i], k_chunks)
            dense = [(hit.chunk.id, hit.score) for hit in hits]
            languages = {hit.chunk.id: language(hit.chunk.text) for hit in hits}
        words = lexical_query(text)
        if index.lexical is not None:
            lexical_hits = index.lexical.search(words, k_chunks)
        elif index.store is not None:
            lexical_hits = index.store.lexical_search(index.collection, words, k_chunks)
        lexical = [(hit.chunk_id, hit.score) for hit in lexical_hits]
        for mode in modes:
            chunk_ranking = ranking(mode, dense, lexical, weight, languages)
            rankings[mode][query_id] = documents_of(chunk_ranking, index.doc_of)
        progress("search", i + 1, len(query_ids))
    search_s = time.perf_counter() - start
    results = {}
    for mode in modes:
        result = scores(rankings[mode], data.qrels)
        result.update(
            mode=mode,
            model=encoder.name,
            dataset=data.name,
            documents=len(data.corpus),
            chunks=index.chunks,
            weight=weight if mode == "hybrid" else None,
            query_ms=round(1000 * (encode_s + search_s) / max(len(query_ids), 1), 2),
            **{key: round(value, 2) for key, value in index.timings.items()},
        )
        results[mode] = result
    return results


# -- question sets over a user's collection -----------------------------------------------------


@dataclass(frozen=True)
class Question:
    question: str
    answer: str = ""  # text a right passage contains (whitespace and case ignored)
    file: str = ""  # the source a right passage comes from
    page: int | None = None

    def accepts(self, chunk: Chunk) -> bool:
        if self.file and chunk.source != self.file and not self.file.endswith("/" + chunk.source):
            return False
        if self.page is not None:
            first = chunk.page_start
            last = chunk.page_end if chunk.page_end is not None else first
            if first is None or not first <= self.page <= (last or first):
                return False
        return not self.answer or _squash(self.answer) in _squash(chunk.text)


def _known_path(file: str, sources: set[str]) -> bool:
    return any(file.endswith("/" + source) for source in sources)


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


def read_questions(name: str, data: bytes) -> list[Question]:
    """Questions from CSV or JSONL bytes (by file name), each with an answer and/or a file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{name} is not UTF-8 text.") from None
    rows: list[dict] = []
    if name.lower().endswith((".jsonl", ".json")):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise UserError(f"{name}, line {number}: not a JSON object.") from None
            if not isinstance(row, dict):
                raise UserError(f"{name}, line {number}: not a JSON object.")
            rows.append(row)
    elif name.lower().endswith((".csv", ".tsv")):
        delimiter = "\t" if name.lower().endswith(".tsv") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        columns = {c.strip().lower() for c in reader.fieldnames or []}
        if "question" not in columns or not columns & {"answer", "file"}:
            raise UserError(
                f"{name} needs a 'question' column and an 'answer' or 'file' column "
                f"(found: {', '.join(sorted(columns)) or 'none'})."
            )
        rows = [{(k or "").strip().lower(): v for k, v in row.items()} for row in reader]
    else:
        raise UserError(f"{name}: upload a question set as .csv or .jsonl.")
    questions = []
    for number, row in enumerate(rows, start=1):
        question = str(row.get("question") or "").strip()
        answer = str(row.get("answer") or "").strip()
        file = str(row.get("file") or "").strip()
        page = row.get("page")
        if not question or not (answer or file):
            raise UserError(f"{name}, question {number}: needs a question and an answer or a file.")
        try:
            page_number = int(page) if page not in (None, "") else None
        except (TypeError, ValueError):
            raise UserError(f"{name}, question {number}: page {page!r} is not a number.") from None
        questions.append(Question(question, answer, file, page_number))
    if not questions:
        raise UserError(f"{name} has no questions.")
    return questions


@dataclass(frozen=True)
class Outcome:
    """Where a question's first right passage ranked in each mode (None: not in the top depth)."""

    question: Question
    ranks: dict[str, int | None]
    query_vector: np.ndarray
    best: dict[str, Chunk | None]  # the top passage in each mode


@dataclass(frozen=True)
class QuestionReport:
    model: str
    collection: str
    modes: tuple[str, ...]
    scores: dict[str, dict]  # mode -> metrics
    outcomes: tuple[Outcome, ...]

    def misses(self, mode: str, k: int = 5) -> list[Outcome]:
        return [o for o in self.outcomes if (o.ranks[mode] or k + 1) > k]


def evaluate_questions(
    store: Store,
    encoder: Encoder,
    collection: str,
    questions: Sequence[Question],
    modes: Sequence[str] = MODES,
    weight: float = DEFAULT_WEIGHT,
    depth: int = CANDIDATES,
    progress: Progress = _no_progress,
) -> QuestionReport:
    """Ask every question in every mode; a question's passage is relevant if it accepts it."""
    for mode in modes:
        check_mode(mode, weight)
    store.check_model(collection, encoder.name)
    sources = {document.source for document in store.documents(collection)}
    unknown = sorted(
        {
            q.file
            for q in questions
            if q.file
            and q.file not in sources
            and not any(q.file.endswith("/" + s) for s in sources)
        }
    )
    if unknown:
        raise UserError(
            f"The question set names files not in {collection!r}: {', '.join(unknown[:5])}."
        )
    outcomes = []
    rankings: dict[str, dict[str, list[str]]] = {mode: {} for mode in modes}
    qrels: dict[str, dict[str, int]] = {}
    for number, question in enumerate(questions):
        text = check_query(question.question)
        vector = encoder.encode_query(text)
        dense_hits = store.search(collection, vector, depth)
        words = lexical_query(text)
        lexical_hits = store.lexical_search(collection, words, depth)
        lexical = [(hit.chunk_id, hit.score) for hit in lexical_hits]
        chunks = {hit.chunk.id: hit.chunk for hit in dense_hits}
        missing = [key for key, _ in lexical if key not in chunks]
        chunks.update({chunk.id: chunk for chunk in store.chunks_by_id(collection, missing)})
        dense = [(hit.chunk.id, hit.score) for hit in dense_hits]
        languages = {hit.chunk.id: language(hit.chunk.text) for hit in dense_hits}
        key = str(number)
        ranks: dict[str, int | None] = {}
        best: dict[str, Chunk | None] = {}
        for mode in modes:
            order = ranking(mode, dense, lexical, weight, languages)
            order = [c for c in order if c in chunks]
            # Each question has one relevant "document": the first passage that answers it.
            rank = next(
                (r for r, c in enumerate(order, start=1) if question.accepts(chunks[c])), None
            )
            ranks[mode] = rank
            best[mode] = chunks[order[0]] if order else None
            rankings[mode][key] = [
                "hit" if r == rank else f"x{r}" for r in range(1, len(order) + 1)
            ]
        qrels[key] = {"hit": 1}
        outcomes.append(Outcome(question, ranks, vector, best))
        progress("ask", number + 1, len(questions))
    metrics = {mode: scores(rankings[mode], qrels) for mode in modes}
    return QuestionReport(encoder.name, collection, tuple(modes), metrics, tuple(outcomes))


def evaluate_collections(
    store: Store,
    encoder_of: Callable[[str], Encoder],
    collections: Sequence[str],
    questions: Sequence[Question],
    modes: Sequence[str] = MODES,
    weight: float = DEFAULT_WEIGHT,
    progress: Progress = _no_progress,
) -> list[QuestionReport]:
    """One report per collection (each built with its own model and chunk size)."""
    if not collections:
        raise UserError("Pick at least one collection to evaluate.")
    if not modes:
        raise UserError("Pick at least one search mode.")
    reports = []
    for name in collections:
        model = store.collection_model(name)
        if model is None:
            raise UserError(f"No collection named {name!r}.")
        reports.append(
            evaluate_questions(
                store, encoder_of(model), name, questions, modes, weight, progress=progress
            )
        )
    return reports


def report_rows(reports: Sequence[QuestionReport]) -> list[dict]:
    """One row per collection and mode: the metrics as a table."""
    return [
        {
            "collection": report.collection,
            "model": report.model,
            "mode": mode,
            **{key: value for key, value in report.scores[mode].items()},
        }
        for report in reports
        for mode in report.modes
    ]


def miss_rows(report: QuestionReport, k: int = 5) -> list[dict]:
    """Each question missed (not in the top k) in some mode, with its rank in every mode."""
    rows = []
    for outcome in report.outcomes:
        if all((outcome.ranks[mode] or k + 1) <= k for mode in report.modes):
            continue
        expected = outcome.question.answer or outcome.question.file
        row = {"question": outcome.question.question, "expected": expected}
        for mode in report.modes:
            rank = outcome.ranks[mode]
            row[f"{mode} rank"] = str(rank) if rank is not None else f">{CANDIDATES}"
        rows.append(row)
    return rows
