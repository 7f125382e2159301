"""Search a collection: dense (cosine), BM25, or both, their scores scaled and weighted (fuse);
and, for CLIP collections, search by picture."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from core.errors import UserError
from core.glossary import translated_words
from core.records import Hit, Ranks
from core.retrieval.encoders import Encoder
from core.retrieval.lexical import has_words
from core.retrieval.store import Store
from core.text import clean_text, content_words

if TYPE_CHECKING:
    from PIL.Image import Image

    from core.retrieval.rerank import Reranker

DENSE, BM25, HYBRID = "dense", "bm25", "hybrid"
MODES = (DENSE, BM25, HYBRID)
DEFAULT_MODE = HYBRID
DEFAULT_WEIGHT = 0.5  # the dense share of the fused score; BM25 gets the rest
RERANK_DEPTH = 20  # the passages a reranker re-scores before the top k are kept
# Each ranking's depth before fusion. 100 rather than 50 (bench/crosslingual.py, e5-small):
# hit@5 zh>en 0.78 -> 0.94, en>zh 0.78 -> 0.83, same-language hit@5 unchanged (MRR@10 en>en
# 0.89 -> 0.86, zh>zh 1.00 -> 0.96). Finding the passage comes first: it costs 11-14 ms more a
# query at 100k chunks (bench/lexical.py, the query vector given), as Chroma reads about 0.15 ms
# a candidate for its text and metadata, and a millisecond or two at a few thousand chunks.
CANDIDATES = 100
MAX_QUERY_CHARS = 2000

# Runs the BM25 side of a search beside the query encoding (one thread per search at a time).
_BACKGROUND = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ee-bm25")

Scored = Sequence[tuple[str, float]]  # (chunk id, score), best first


def check_query(query: str) -> str:
    """The cleaned query, or a UserError saying what is wrong with it."""
    query = clean_text(query)
    if not query:
        raise UserError("Type a question to search for.")
    if not has_words(query):
        raise UserError("The question has no words to search for (only punctuation or symbols).")
    if len(query) > MAX_QUERY_CHARS:
        raise UserError(
            f"The question is too long ({len(query):,} characters; at most {MAX_QUERY_CHARS:,}): "
            "ask about one thing, or search with a sentence from the passage."
        )
    return query


def lexical_query(query: str) -> str:
    """What BM25 searches for: the question and its content words translated into the other
    language (core.glossary), so passages in the other language are ranked by their words too."""
    return " ".join([query, *translated_words(content_words(query))])


def check_mode(mode: str, weight: float) -> None:
    if mode not in MODES:
        raise UserError(f"Unknown search mode {mode!r}; choose one of {', '.join(MODES)}.")
    if not 0.0 <= weight <= 1.0:
        raise UserError(f"The dense weight must be between 0 and 1 (got {weight}).")


def fuse(
    dense: Scored,
    lexical: Scored,
    weight: float = DEFAULT_WEIGHT,
    languages: Mapping[str, str] | None = None,
) -> list[tuple[str, float]]:
    """The two rankings' scores combined, each scaled to 0-1: (id, fused score), best first.

    fused = weight x (cosine - the last dense candidate's) / (the best's - the last's)
            + (1 - weight) x BM25 score / the best BM25 score,
    an id missing from a ranking getting 0 from it; ties keep the dense order, then BM25's.
    With languages (id -> 'en' or 'zh'), each dense candidate's cosine is first measured from
    the median of the candidates in its language: a question scores passages in its own
    language higher whatever they say (e5-small on the sample corpus: unrelated questions
    reach 0.80-0.84 in their own language, 0.75-0.76 in the other; answerability's
    baselines), so a passage that answers it in the other language would otherwise start
    below most unrelated ones in its own. On the sample corpus (bench/crosslingual.py, e5-small)
    hybrid MRR@10 went 0.72 -> 0.81 for Chinese questions over English passages (hit@5 0.92 ->
    1.00) and 0.77 -> 0.81 the other way, the same-language pairs unchanged; with MiniLM, which
    reads English only, zh>en 0.48 -> 0.70, en>zh 0.65 -> 0.63, zh>zh 1.00 -> 0.96. (Scaling each
    language 0-1 on its own ranked a little better across languages, but gave the best of a few
    unrelated passages in the other language full marks.)

    It replaced weighted reciprocal-rank fusion (k = 60), which ranks a passage both rankings
    place fairly well above one that either places first by far, and needed rules about scripts
    to keep BM25's noise across scripts from pushing answers out of the top 5. Measured in the
    same runs, hybrid MRR@10 before -> after: SciFact (MiniLM, nDCG@10) 0.722 -> 0.737; Chinese
    articles about embeddings (bench/embeddings_zh.py, e5-small) 0.83 -> 0.85 for Chinese
    questions, 0.72 -> 0.76 for English ones; the sample corpus (bench/crosslingual.py) en>zh
    0.57 -> 0.77, zh>en 0.65 -> 0.72, though zh>en hit@5 fell from 1.00 to 0.92.
    """
    scores: dict[str, float] = {}
    language_of = (languages or {}).get
    groups: dict[str, list[float]] = {}
    for key, cosine in dense:
        groups.setdefault(language_of(key, ""), []).append(cosine)
    middle = {group: float(np.median(values)) for group, values in groups.items()}
    shifted = [(key, cosine - middle[language_of(key, "")]) for key, cosine in dense]
    if shifted:
        best, last = max(s for _, s in shifted), min(s for _, s in shifted)
        for key, value in shifted:
            scores[key] = weight * ((value - last) / (best - last) if best > last else 1.0)
    top = max((s for _, s in lexical), default=0.0)
    for key, score in lexical:
        scores[key] = scores.get(key, 0.0) + (1.0 - weight) * (score / top if top > 0 else 0.0)
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


def ranking(
    mode: str,
    dense: Scored,
    lexical: Scored,
    weight: float = DEFAULT_WEIGHT,
    languages: Mapping[str, str] | None = None,
) -> list[str]:
    """The ids in the order the mode ranks them (languages: see fuse)."""
    if mode == DENSE:
        return [key for key, _ in dense]
    if mode == BM25:
        return [key for key, _ in lexical]
    return [key for key, _ in fuse(dense, lexical, weight, languages)]


def search(
    store: Store,
    encoder: Encoder,
    collection: str,
    query: str,
    k: int = 5,
    mode: str = DEFAULT_MODE,
    weight: float = DEFAULT_WEIGHT,
    reranker: Reranker | None = None,
) -> list[Hit]:
    """The k best chunks for the query in the mode, best first."""
    return search_with_vector(store, encoder, collection, query, k, mode, weight, reranker)[1]


def search_with_vector(
    store: Store,
    encoder: Encoder,
    collection: str,
    query: str,
    k: int = 5,
    mode: str = DEFAULT_MODE,
    weight: float = DEFAULT_WEIGHT,
    reranker: Reranker | None = None,
) -> tuple[np.ndarray, list[Hit]]:
    """The query's vector and the k best chunks in the mode, each with its ranks in all three.

    Every mode computes both rankings, so each hit can say why it was found; hit.score is the
    chunk's cosine similarity to the query in every mode (what the relevance floor applies to).
    A reranker re-scores the mode's top RERANK_DEPTH passages and keeps its k best.
    """
    query = check_query(query)
    if k < 1:
        raise UserError("k must be at least 1.")
    check_mode(mode, weight)
    store.check_model(collection, encoder.name)
    depth = max(k, CANDIDATES)
    # BM25 runs while the query is encoded: ONNX Runtime lets go of the GIL. Both rankings
    # come as ids and scores, and only the chosen chunks are read: texts for all 200
    # candidates cost 30 ms at 100k chunks (bench/lexical.py).
    words = lexical_query(query)
    lexical_job = _BACKGROUND.submit(store.lexical_search, collection, words, depth)
    vector = encoder.encode_query(query)
    nearest = store.nearest(collection, vector, depth)
    lexical_hits = lexical_job.result()
    scored = [(hit.chunk_id, hit.score) for hit in lexical_hits]
    languages = store.languages(collection, [key for key, _ in nearest])
    fused = fuse(nearest, scored, weight, languages)
    take = max(k, RERANK_DEPTH) if reranker is not None else k
    # Hybrid orders the fusion just made (ranking would fuse again).
    chosen = [key for key, _ in fused] if mode == HYBRID else ranking(mode, nearest, scored)
    chosen = chosen[:take]
    chunks = {chunk.id: chunk for chunk in store.chunks_by_id(collection, chosen)}
    cosines = dict(nearest)
    # A dense hit keeps Chroma's score; only a passage BM25 alone found needs its vector read.
    unscored = [key for key in chunks if key not in cosines]
    for key, row in store.vectors_by_id(collection, unscored).items():
        cosines[key] = float(row @ vector)
    dense_rank = {key: rank for rank, (key, _) in enumerate(nearest, start=1)}
    lexical = {hit.chunk_id: hit for hit in lexical_hits}
    fused_rank = {key: rank for rank, (key, _) in enumerate(fused, start=1)}
    fused_score = dict(fused)
    matched = store.matched_terms(collection, words, list(chunks.values()))

    hits = []
    for key in chosen:
        if key not in chunks:  # deleted between the two searches
            continue
        chunk = chunks[key]
        bm25 = lexical.get(key)
        why = Ranks(
            mode=mode,
            dense_rank=dense_rank.get(key),
            dense_score=cosines[key],
            bm25_rank=bm25.rank if bm25 else None,
            bm25_score=bm25.score if bm25 else 0.0,
            fused_rank=fused_rank.get(key),
            fused_score=fused_score.get(key, 0.0),
            matched=matched[key],
        )
        hits.append(Hit(chunk=chunk, score=cosines[key], rank=len(hits) + 1, why=why))
    if reranker is not None:
        hits = reranker.rerank(query, hits, k)
    return vector, hits


def search_by_image(
    store: Store, encoder: Encoder, collection: str, image: Image, k: int = 5
) -> list[Hit]:
    """The k chunks (pictures, and passages in a mixed collection) most similar to a picture."""
    return search_by_image_with_vector(store, encoder, collection, image, k)[1]


def search_by_image_with_vector(
    store: Store, encoder: Encoder, collection: str, image: Image, k: int = 5
) -> tuple[np.ndarray, list[Hit]]:
    """The picture's vector and the k chunks most similar to it, best first."""
    if k < 1:
        raise UserError("k must be at least 1.")
    store.check_model(collection, encoder.name)
    if not encoder.encodes_images:
        raise UserError(
            f"The collection '{collection}' uses {encoder.name}, which reads text only: "
            "searching with a picture needs a collection built with a CLIP model."
        )
    vector = encoder.encode_images([image])[0]
    return vector, store.search(collection, vector, k)


def hit_record(hit: Hit) -> dict:
    """A hit as plain JSON-ready data: kind, text, source, page, score, chunk_id, ranks and more.

    A picture's record also names its file and caption (its text: "" for an image file).
    """
    chunk = hit.chunk
    pictures = {"file_name": chunk.source, "caption": chunk.text} if chunk.is_image else {}
    record = {
        "kind": chunk.kind,
        **pictures,
        "rank": hit.rank,
        "score": round(hit.score, 4),
        "text": chunk.text,
        "source": chunk.source,
        "page": chunk.page_start,
        "page_end": chunk.page_end,
        "chunk_id": chunk.id,
        "chunk_index": chunk.index,
        "doc_sha256": chunk.doc_sha,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
    }
    why = hit.why
    if why is not None:
        record.update(
            {
                "mode": why.mode,
                "dense_rank": why.dense_rank,
                "dense_score": round(why.dense_score, 4),
                "bm25_rank": why.bm25_rank,
                "bm25_score": round(why.bm25_score, 4),
                "fused_rank": why.fused_rank,
                "fused_score": round(why.fused_score, 6),
                "matched_terms": list(why.matched),
                "rerank_score": None if why.rerank_score is None else round(why.rerank_score, 4),
            }
        )
    return record
