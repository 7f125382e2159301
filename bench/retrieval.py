"""Retrieval quality of the whole pipeline on a BEIR-format dataset: nDCG@10 and Recall@100.

    python bench/retrieval.py BEIR_DIR [--models minilm,e5-small] [--split test] [--limit-docs N]
                              [--reference] [--k-chunks 300] [--batch 32] [--db DIR]
    python bench/retrieval.py --self-test

Each corpus document (title and text joined, as BEIR scores them; here title + ". " + text) is
chunked with chunk_pages and the default ChunkConfig, encoded with encode_documents, stored with
Store.add_document (one Document per corpus document), and searched with Store.search; chunk hits
are folded into documents by their best (first) chunk. The data is read where it lies, never
copied. Same-run baselines: the same chunk vectors searched exactly with numpy (isolates Chroma's
approximate index), and with --reference one vector per whole document, truncated by the model
(the way MTEB scores a model; isolates our chunking).
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Mapping, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import cpu_note  # noqa: E402
from core.records import Chunk  # noqa: E402
from core.retrieval.chunking import ChunkConfig, chunk_pages  # noqa: E402
from core.retrieval.encoders import Encoder, load_encoder  # noqa: E402
from core.retrieval.evaluation import (  # noqa: E402
    Beir,
    BeirIndex,
    doc_sha,
    evaluate_beir,
    load_beir,
    mrr_at_k,
    ndcg_at_k,
    recall_at_k,
    store_corpus,
)
from core.retrieval.store import Store, open_store  # noqa: E402
from core.settings import Settings  # noqa: E402

# Published figures for SciFact (test split), the baselines printed beside ours.
PUBLISHED = {
    "scifact": [
        ("all-MiniLM-L6-v2 (MTEB)", 0.645, 0.925),
        ("BM25 single field (Anserini)", 0.679, 0.925),
        ("BM25 multifield (BEIR paper)", 0.665, 0.908),
    ]
}


# -- metrics -------------------------------------------------------------------------------------


def self_test() -> None:
    """A hand-worked example: computed values printed beside the ones worked out on paper."""
    ranking = ["d3", "d1", "d7", "d2", "d9"]
    relevance = {"d1": 1, "d2": 2, "d5": 1, "d8": 0}
    # DCG@10  = 1/log2(3) + 2/log2(5)                 = 0.630930 + 0.861353 = 1.492283
    # IDCG@10 = 2/log2(2) + 1/log2(3) + 1/log2(4)     = 2 + 0.630930 + 0.5   = 3.130930
    # DCG@2   = 1/log2(3) = 0.630930; IDCG@2 = 2 + 0.630930 = 2.630930
    cases = [
        ("nDCG@10", ndcg_at_k(ranking, relevance, 10), 1.492283 / 3.130930),
        ("nDCG@2", ndcg_at_k(ranking, relevance, 2), 0.630930 / 2.630930),
        ("nDCG@1 (miss)", ndcg_at_k(ranking, relevance, 1), 0.0),
        ("nDCG@10 perfect", ndcg_at_k(["d2", "d1", "d5"], relevance, 10), 1.0),
        ("Recall@3", recall_at_k(ranking, relevance, 3), 1 / 3),
        ("Recall@100", recall_at_k(ranking, relevance, 100), 2 / 3),
        ("MRR@10", mrr_at_k(ranking, relevance, 10), 1 / 2),
        ("MRR@1 (miss)", mrr_at_k(ranking, relevance, 1), 0.0),
    ]
    print("self-test: ranking", ranking, "judgments", relevance)
    print(f"  {'metric':<16} {'computed':>9} {'by hand':>9}")
    for name, computed, by_hand in cases:
        print(f"  {name:<16} {computed:>9.6f} {by_hand:>9.6f}")


# -- data ----------------------------------------------------------------------------------------


# -- the pipeline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    model: str
    ndcg10: float
    recall100: float
    chunks: int
    truncated: int
    chunk_s: float
    encode_s: float
    store_s: float
    query_encode_s: float
    search_s: float
    fewest_docs: int  # the fewest distinct documents any query's chunk hits reached
    exact_ndcg10: float  # same chunk vectors, exact (numpy) search, MAX over all chunks
    exact_recall100: float
    modes: dict | None = None  # mode -> core.retrieval.evaluation scores on the same index
    whole_ndcg10: float | None = None  # --reference: whole documents, truncated by the model
    whole_recall100: float | None = None
    whole_encode_s: float = 0.0

    @property
    def index_s(self) -> float:
        return self.chunk_s + self.encode_s + self.store_s


def mean_scores(rankings: Mapping[str, Sequence[str]], qrels: Beir) -> tuple[float, float]:
    """Mean nDCG@10 and Recall@100 over the judged queries."""
    ndcgs = [ndcg_at_k(rankings[q], qrels.qrels[q], 10) for q in qrels.queries]
    recalls = [recall_at_k(rankings[q], qrels.qrels[q], 100) for q in qrels.queries]
    return float(np.mean(ndcgs)), float(np.mean(recalls))


def exact_rankings(
    query_ids: list[str],
    queries: np.ndarray,
    vectors: np.ndarray,
    starts: np.ndarray,
    ids: list[str],
) -> dict[str, list[str]]:
    """Top 100 documents by exact cosine, a document scoring as its best row in its group.

    Rows of vectors are grouped by document: group i starts at starts[i] and belongs to ids[i].
    """
    rankings = {}
    for query_id, query in zip(query_ids, queries):
        best = np.maximum.reduceat(vectors @ query, starts)
        rankings[query_id] = [ids[i] for i in np.argsort(-best, kind="stable")[:100]]
    return rankings


def encode_all(encoder: Encoder, texts: list[str], batch: int) -> np.ndarray:
    """encode_documents in batches, with progress on stderr."""
    start = time.perf_counter()
    parts = []
    for offset in range(0, len(texts), batch):
        parts.append(encoder.encode_documents(texts[offset : offset + batch]))
        done = offset + len(parts[-1])
        if done % (batch * 20) < batch or done == len(texts):
            rate = done / (time.perf_counter() - start)
            print(f"    encoded {done}/{len(texts)} ({rate:.1f}/s)", file=sys.stderr, flush=True)
    return np.concatenate(parts)


def evaluate(
    store: Store,
    model: str,
    data: Beir,
    k_chunks: int,
    batch: int,
    collection: str,
    reference: bool,
) -> Run:
    encoder = load_encoder(model)
    store.ensure_collection(collection, encoder.name, encoder.dimension)
    by_sha = {doc_sha(doc): doc for doc in data.corpus}

    start = time.perf_counter()
    per_doc: list[tuple[str, list[Chunk]]] = []
    for doc_id, text in data.corpus.items():
        sha = doc_sha(doc_id)
        chunks = chunk_pages([(None, text)], encoder=encoder, doc_sha=sha, source=doc_id)
        if chunks:
            per_doc.append((doc_id, chunks))
    chunk_s = time.perf_counter() - start
    texts = [chunk.text for _, chunks in per_doc for chunk in chunks]
    truncated = sum(
        chunk.token_count > encoder.max_tokens for _, chunks in per_doc for chunk in chunks
    )
    print(f"  {model}: {len(texts)} chunks from {len(per_doc)} documents", flush=True)

    start = time.perf_counter()
    vectors = encode_all(encoder, texts, batch)
    encode_s = time.perf_counter() - start

    start = time.perf_counter()
    store_corpus(store, collection, encoder.name, per_doc, vectors)
    store_s = time.perf_counter() - start

    query_ids = list(data.queries)
    start = time.perf_counter()
    query_vectors = encoder.encode_queries([data.queries[q] for q in query_ids])
    query_encode_s = time.perf_counter() - start

    start = time.perf_counter()
    rankings: dict[str, list[str]] = {}
    fewest = len(data.corpus)
    for query_id, vector in zip(query_ids, query_vectors):
        ranking: list[str] = []
        seen: set[str] = set()
        for hit in store.search(collection, vector, k=k_chunks):  # best first: first = MAX
            doc = by_sha[hit.chunk.doc_sha]
            if doc not in seen:
                seen.add(doc)
                ranking.append(doc)
        fewest = min(fewest, len(ranking))
        rankings[query_id] = ranking
    search_s = time.perf_counter() - start
    ndcg10, recall100 = mean_scores(rankings, data)

    # The three search modes, with the same code as python -m core.evaluate, on the same index.
    doc_of = {chunk.id: doc_id for doc_id, chunks in per_doc for chunk in chunks}
    index = BeirIndex(store, collection, None, doc_of, len(texts))
    modes = evaluate_beir(data, index, encoder, ["dense", "bm25", "hybrid"], k_chunks=k_chunks)

    # Baseline 1 (free): the same chunk vectors searched exactly, without Chroma.
    starts = np.cumsum([0] + [len(chunks) for _, chunks in per_doc[:-1]])
    ids = [doc_id for doc_id, _ in per_doc]
    exact = exact_rankings(query_ids, query_vectors, vectors, starts, ids)
    exact_ndcg10, exact_recall100 = mean_scores(exact, data)

    # Baseline 2 (--reference): one vector per whole document, as MTEB/BEIR score a model.
    whole_ndcg10 = whole_recall100 = None
    whole_encode_s = 0.0
    if reference:
        start = time.perf_counter()
        whole = encode_all(encoder, list(data.corpus.values()), batch)
        whole_encode_s = time.perf_counter() - start
        every = np.arange(len(data.corpus))
        ranked = exact_rankings(query_ids, query_vectors, whole, every, list(data.corpus))
        whole_ndcg10, whole_recall100 = mean_scores(ranked, data)

    return Run(
        model=encoder.name,
        ndcg10=ndcg10,
        recall100=recall100,
        chunks=len(texts),
        truncated=truncated,
        chunk_s=chunk_s,
        encode_s=encode_s,
        store_s=store_s,
        query_encode_s=query_encode_s,
        search_s=search_s,
        fewest_docs=fewest,
        modes=modes,
        exact_ndcg10=exact_ndcg10,
        exact_recall100=exact_recall100,
        whole_ndcg10=whole_ndcg10,
        whole_recall100=whole_recall100,
        whole_encode_s=whole_encode_s,
    )


def report(runs: list[Run], data: Beir, dataset: str, args: argparse.Namespace) -> None:
    judged_pairs = sum(len(docs) for docs in data.qrels.values())
    print()
    print(
        f"bench/retrieval.py: {dataset} ({args.split} split), {len(data.corpus)} documents, "
        f"{len(data.queries)} judged queries ({judged_pairs} pairs); {cpu_note()}"
    )
    print(
        f"  pipeline: chunk_pages with {ChunkConfig()}, encode batches of {args.batch}, "
        f"Store.search k={args.k_chunks} chunks, documents scored by their best chunk"
    )
    if args.limit_docs:
        print("  NOTE: --limit-docs gives a smaller, easier corpus; not comparable to published")
    print()
    print(
        f"  {'model':<10} {'nDCG@10':>8} {'R@100':>7} {'chunks':>7} {'index s':>8} "
        f"{'(chunk':>7} {'encode':>7} {'store)':>7} {'query ms':>9} {'(encode':>8} {'search)':>8}"
    )
    for run in runs:
        queries = max(len(data.queries), 1)
        print(
            f"  {run.model:<10} {run.ndcg10:>8.4f} {run.recall100:>7.4f} {run.chunks:>7} "
            f"{run.index_s:>8.1f} {run.chunk_s:>7.1f} {run.encode_s:>7.1f} {run.store_s:>7.1f} "
            f"{1000 * (run.query_encode_s + run.search_s) / queries:>9.1f} "
            f"{1000 * run.query_encode_s / queries:>8.1f} {1000 * run.search_s / queries:>8.1f}"
        )
    for run in runs:
        if run.truncated:
            print(f"  {run.model}: {run.truncated} chunks longer than the model reads (truncated)")
        if run.fewest_docs < 100:
            print(
                f"  {run.model}: some query reached only {run.fewest_docs} documents from "
                f"{args.k_chunks} chunks: Recall@100 is understated; raise --k-chunks"
            )
    print()
    print("  same-run baselines (same model, same queries; numpy exact cosine, no Chroma):")
    print(f"  {'model':<10} {'variant':<42} {'nDCG@10':>8} {'R@100':>7} {'vs pipeline':>12}")
    for run in runs:
        rows = [
            ("pipeline (chunks, Chroma HNSW)", run.ndcg10, run.recall100),
            ("same chunk vectors, exact search", run.exact_ndcg10, run.exact_recall100),
        ]
        if run.whole_ndcg10 is not None and run.whole_recall100 is not None:
            label = f"whole documents, one vector each ({run.whole_encode_s:.0f} s)"
            rows.append((label, run.whole_ndcg10, run.whole_recall100))
        for label, ndcg, recall in rows:
            ratio = f"x{run.ndcg10 / ndcg:.3f}" if ndcg else "-"
            print(f"  {run.model:<10} {label:<42} {ndcg:>8.4f} {recall:>7.4f} {ratio:>12}")
    print("  (vs pipeline: pipeline nDCG@10 / this row's)")
    print()
    print("  search modes (core.retrieval.evaluation, same index; hybrid = weighted RRF 0.5):")
    print(
        f"  {'model':<10} {'mode':<7} {'nDCG@10':>8} {'R@10':>7} {'R@100':>7} {'MRR@10':>7}"
        f" {'ms/query':>9} {'vs dense':>9}"
    )
    for run in runs:
        dense = (run.modes or {}).get("dense", {}).get("ndcg@10")
        for mode, result in (run.modes or {}).items():
            ratio = f"x{result['ndcg@10'] / dense:.3f}" if dense else "-"
            print(
                f"  {run.model:<10} {mode:<7} {result['ndcg@10']:>8.4f} {result['recall@10']:>7.4f}"
                f" {result['recall@100']:>7.4f} {result['mrr@10']:>7.4f} {result['query_ms']:>9.1f}"
                f" {ratio:>9}"
            )
    published = PUBLISHED.get(dataset.lower())
    if not published:
        return
    print()
    print(f"  ratio to published figures ({dataset} {args.split}):")
    header = "".join(f"  {name[:30]:>30}" for name, _, _ in published)
    print(f"  {'model':<10}{header}")
    print(
        f"  {'(published)':<10}"
        + "".join(f"  {f'{ndcg:.3f} / {recall:.3f}':>30}" for _, ndcg, recall in published)
    )
    for run in runs:
        cells = "".join(
            f"  {f'x{run.ndcg10 / ndcg:.3f} / x{run.recall100 / recall:.3f}':>30}"
            for _, ndcg, recall in published
        )
        print(f"  {run.model:<10}{cells}")
    print("  (each cell: our nDCG@10 / theirs, our Recall@100 / theirs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("beir_dir", nargs="?", type=Path, help="folder with corpus.jsonl etc.")
    parser.add_argument("--models", default="minilm,e5-small", help="comma-separated, in order")
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit-docs", type=int, help="index only N documents (judged first)")
    parser.add_argument("--k-chunks", type=int, default=300, help="chunks fetched per query")
    parser.add_argument("--batch", type=int, default=32, help="texts per encode_documents call")
    parser.add_argument("--db", type=Path, help="data folder to use instead of a temporary one")
    parser.add_argument(
        "--reference",
        action="store_true",
        help="also score whole documents, one vector each (the MTEB way; encodes the corpus again)",
    )
    parser.add_argument("--self-test", action="store_true", help="check the metrics by hand")
    args = parser.parse_args()
    if args.self_test:
        self_test()
        return
    if args.beir_dir is None:
        parser.error("give the BEIR dataset folder (or --self-test)")
    data = load_beir(args.beir_dir, args.split, args.limit_docs)
    dataset = args.beir_dir.resolve().name
    runs = []
    with tempfile.TemporaryDirectory(prefix="ee-bench-") as temp:
        store = open_store(Settings(data_dir=args.db or Path(temp)))
        for model in args.models.split(","):
            name = f"beir-{dataset}-{model}".replace("/", "-")[:60]
            if any(info.name == name for info in store.collections()):
                sys.exit(f"The collection {name!r} already exists; use another --db.")
            run = evaluate(store, model, data, args.k_chunks, args.batch, name, args.reference)
            print(f"  {run.model}: nDCG@10 {run.ndcg10:.4f}, Recall@100 {run.recall100:.4f}")
            runs.append(run)
        store.close()
    report(runs, data, dataset, args)


if __name__ == "__main__":
    main()
