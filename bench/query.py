"""Query latency: encode a real query + Store.search(k=5), at growing collection sizes.

    python bench/query.py [--sizes 10000,100000] [--model e5-small] [--queries 200] [--db DIR]

The collection is filled with SYNTHETIC chunks (random unit vectors of the model's dimension,
filler text) through Store.add_document, documents of --doc-chunks chunks each; the queries are
real English and Chinese questions encoded by the model. Prints p50/p95 of the full path, and of
encoding alone and searching alone (the split), with the fill time, at each size.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import cpu_note  # noqa: E402
from core.records import Chunk, Document  # noqa: E402
from core.retrieval.encoders import Encoder, load_encoder  # noqa: E402
from core.retrieval.store import Store, open_store  # noqa: E402
from core.settings import Settings  # noqa: E402

K = 5
WARM_UP = 5

QUERIES = [
    "How do vaccines train the immune system?",
    "What causes inflation to rise after an interest rate cut?",
    "Which enzymes break down starch in the human gut?",
    "When was the first transatlantic telegraph cable laid?",
    "How does a transformer model use attention?",
    "What is the boiling point of water at high altitude?",
    "Why do glaciers retreat faster in some regions than others?",
    "How are lithium-ion batteries recycled?",
    "What did the treaty say about fishing rights in coastal waters?",
    "Who is responsible for maintaining the railway bridge?",
    "symptoms of vitamin D deficiency in adults",
    "difference between a compiler and an interpreter",
    "effect of sleep deprivation on memory consolidation",
    "how to reduce latency in a vector database",
    "the role of mitochondria in muscle fatigue",
    "mortgage rates forecast for next year",
    "Summarise the findings on coral bleaching and ocean temperature.",
    "Which satellites measure sea level rise, and how accurate are they?",
    "疫苗是如何训练免疫系统的？",
    "通货膨胀的主要原因是什么？",
    "如何提高向量数据库的查询速度",
    "长江流域的气候特点",
    "睡眠不足对记忆力有什么影响？",
    "锂电池回收的流程",
    "合同中关于违约责任的条款在哪里？",
    "机器学习模型如何处理中文分词",
]

FILLER_TEXT = (
    "synthetic filler text standing in for a chunk of a real document about rivers engines "
    "proteins markets policies signals networks climates harvests libraries museums bridges"
)
FILLER = FILLER_TEXT.split()


def synthetic_document(
    number: int, count: int, encoder: Encoder, rng: np.random.Generator
) -> tuple[Document, list[Chunk], np.ndarray]:
    sha = hashlib.sha256(f"synthetic-{number}".encode()).hexdigest()
    source = f"synthetic-{number:05d}.txt"
    words = rng.integers(0, len(FILLER), size=(count, 80))
    chunks = []
    for index in range(count):
        text = f"Chunk {index} of {source}: " + " ".join(FILLER[w] for w in words[index])
        chunks.append(Chunk(sha, index, text, source, None, None, 0, len(text), 120))
    vectors = rng.standard_normal((count, encoder.dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    document = Document(sha, source, "text", None, count, encoder.name, "2024-01-01T00:00:00+00:00")
    return document, chunks, vectors


def fill(
    store: Store,
    collection: str,
    encoder: Encoder,
    size: int,
    doc_chunks: int,
    rng: np.random.Generator,
) -> float:
    """Add synthetic documents until the collection holds size chunks; seconds taken."""
    start = time.perf_counter()
    have = 0
    while have < size:
        count = min(doc_chunks, size - have)
        document, chunks, vectors = synthetic_document(have // doc_chunks, count, encoder, rng)
        store.add_document(collection, document, chunks, vectors)
        have += count
    return time.perf_counter() - start


def measure(
    store: Store, collections: list[str], encoder: Encoder, queries: list[str]
) -> list[dict[str, np.ndarray]]:
    """Per collection: full, encode and search latencies (ms) of the queries.

    Each query is timed on every collection in turn (round robin), so a noisy spell on a
    shared machine hits all sizes alike instead of skewing one of them.
    """
    for text in queries[:WARM_UP]:
        for collection in collections:
            store.search(collection, encoder.encode_query(text), k=K)
    encode = [[] for _ in collections]
    search = [[] for _ in collections]
    for text in queries:
        for i, collection in enumerate(collections):
            t0 = time.perf_counter()
            vector = encoder.encode_query(text)
            t1 = time.perf_counter()
            hits = store.search(collection, vector, k=K)
            t2 = time.perf_counter()
            if len(hits) != K:
                raise RuntimeError(f"expected {K} hits, got {len(hits)}")
            encode[i].append(1000 * (t1 - t0))
            search[i].append(1000 * (t2 - t1))
    return [
        {
            "full": np.array(e) + np.array(s),
            "encode": np.array(e),
            "search": np.array(s),
        }
        for e, s in zip(encode, search)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="chunk counts, comma-separated")
    parser.add_argument("--model", default="e5-small")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per size")
    parser.add_argument("--doc-chunks", type=int, default=1000, help="chunks per synthetic doc")
    parser.add_argument("--collection", default="bench-query")
    parser.add_argument("--db", type=Path, help="data folder to use instead of a temporary one")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    encoder = load_encoder(args.model)
    queries = [QUERIES[i % len(QUERIES)] for i in range(args.queries)]
    chinese = sum(any("\u4e00" <= ch <= "\u9fff" for ch in q) for q in QUERIES)
    rng = np.random.default_rng(args.seed)

    names = [f"{args.collection}-{size}" for size in sizes]
    with tempfile.TemporaryDirectory(prefix="ee-bench-") as temp:
        data_dir = args.db or Path(temp)
        store = open_store(Settings(data_dir=data_dir))
        existing = {info.name for info in store.collections()}
        if existing.intersection(names):
            sys.exit(f"A collection named {args.collection}-<size> already exists in {data_dir}.")
        fills = []
        for size, name in zip(sizes, names):
            store.ensure_collection(name, encoder.name, encoder.dimension)
            fills.append(fill(store, name, encoder, size, args.doc_chunks, rng))
            print(f"  filled {name} with {size} chunks in {fills[-1]:.1f} s", flush=True)
        results = measure(store, names, encoder, queries)
        store.close()
    rows = list(zip(sizes, fills, results))

    print()
    print(f"bench/query.py: model {encoder.name} ({encoder.dimension} dims), {cpu_note()}")
    print(
        f"  vectors are SYNTHETIC (random unit vectors; filler text), {args.doc_chunks} chunks "
        f"per document, added with Store.add_document; Chroma HNSW (cosine), k={K}"
    )
    print(
        f"  {args.queries} timed queries per size (after {WARM_UP} warm-up), cycling "
        f"{len(QUERIES)} real questions ({len(QUERIES) - chinese} English, {chinese} Chinese); "
        "one collection per size, each query timed on every size in turn"
    )
    print()
    header = (
        f"  {'chunks':>8} {'fill s':>8} {'chunks/s':>9} | {'full p50':>8} {'p95':>7} | "
        f"{'encode p50':>10} {'p95':>7} | {'search p50':>10} {'p95':>7} | {'search share':>12}"
    )
    print(header + "   (latencies in ms)")
    base = rows[0][2]
    for size, fill_s, times in rows:
        p = {key: np.percentile(values, [50, 95]) for key, values in times.items()}
        share = times["search"].sum() / times["full"].sum()
        print(
            f"  {size:>8} {fill_s:>8.1f} {size / fill_s:>9.0f} | "
            f"{p['full'][0]:>8.1f} {p['full'][1]:>7.1f} | "
            f"{p['encode'][0]:>10.1f} {p['encode'][1]:>7.1f} | "
            f"{p['search'][0]:>10.2f} {p['search'][1]:>7.2f} | {100 * share:>11.1f}%"
        )
    print()
    for size, _, times in rows[1:]:
        ratio_full = np.median(times["full"]) / np.median(base["full"])
        ratio_search = np.median(times["search"]) / np.median(base["search"])
        ratio_encode = np.median(times["encode"]) / np.median(base["encode"])
        print(
            f"  {size} vs {sizes[0]} chunks: full p50 x{ratio_full:.2f}, "
            f"search p50 x{ratio_search:.2f}, encode p50 x{ratio_encode:.2f} (encoding does not "
            "depend on the collection: far from x1.00 means a noisy machine)"
        )


if __name__ == "__main__":
    main()
