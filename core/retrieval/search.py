"""Search a collection: dense (cosine), BM25, or both fused by weighted reciprocal-rank fusion;
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
from core.text import LATIN, clean_text, content_words, script

if TYPE_CHECKING:
    from PIL.Image import Image

    from core.retrieval.rerank import Reranker

DENSE, BM25, HYBRID = "dense", "bm25", "hybrid"
MODES = (DENSE, BM25, HYBRID)
DEFAULT_MODE = HYBRID
DEFAULT_WEIGHT = 0.5  # the dense share of the fused score; BM25 gets the rest
RERANK_DEPTH = 20  # the passages a reranker re-scores before the top k are kept
RRF_K = 60  # the usual reciprocal-rank constant: rank r scores 1 / (RRF_K + r)
# Each ranking's depth before fusion. 100 rather than 50 (bench/crosslingual.py, e5-small):
# hit@5 zh>en 0.78 -> 0.94, en>zh 0.78 -> 0.83, same-language hit@5 unchanged (MRR@10 en>en
# 0.89 -> 0.86, zh>zh 1.00 -> 0.96). Finding the passage comes first: it costs 11-14 ms more a
# query at 100k chunks (bench/lexical.py, the query vector given), as Chroma reads about 0.15 ms
# a candidate for its text and metadata, and a millisecond or two at a few thousand chunks.
CANDIDATES = 100
# Scripts are balanced (see balanced and fuse) only when the other script's best passage scores
# within this cosine of the best one in the question's own script. On the sample corpus (e5-small,
# 106 questions) a cross-lingual answer sits 0.032 below the own-script best at the median and
# 0.099 at most, so 0.10 keeps every one (bench/crosslingual.py: hit@5 unchanged); for a
# same-language question the best passage in the other script sits 0.056 to 0.217 below (median
# 0.127), and balancing put that unrelated passage at rank 1 or 2 regardless.
CROSS_SCRIPT_GAP = 0.10
MAX_QUERY_CHARS = 2000

# Runs the BM25 side of a search beside the query encoding (one thread per search at a time).
_BACKGROUND = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ee-bm25")


def balanced(ids: Sequence[str], script_of: Mapping[str, str]) -> list[str]:
    """Interleave a ranking by script: the best Chinese and the best Latin-script chunk first,
    then the second of each, and so on, each script keeping its own order.

    Measured on the sample question set (e5-small): an English question's Chinese passage sits
    far below English chunks that merely share its language (ranks 10-45, and BM25 pushes it
    further); interleaving brings it to ranks 1-8 while same-language questions keep theirs in
    the top 5. A collection in one script is left as it is.
    """
    seen: dict[str, int] = {}
    keyed = []
    for position, key in enumerate(ids):
        kind = script_of.get(key, LATIN)
        seen[kind] = seen.get(kind, 0) + 1
        keyed.append((seen[kind], position, key))
    return [key for _, _, key in sorted(keyed)]


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
    dense: Sequence[str],
    lexical: Sequence[str],
    weight: float = DEFAULT_WEIGHT,
    script_of: Mapping[str, str] | None = None,
    query_script: str | None = None,
) -> list[tuple[str, float]]:
    """Weighted reciprocal-rank fusion of two rankings (ids, best first): (id, score), best first.

    score = weight / (RRF_K + dense rank) + (1 - weight) / (RRF_K + BM25 rank); an id missing
    from a ranking gets nothing from it. Ties keep the dense order, then the BM25 order.

    Given each id's script and the question's, ranks count within a script, and a passage in
    the other script is scored by BM25 as if it ranked one place below its dense rank, or below
    its own BM25 rank when that is better. Across scripts BM25 matches only the question's
    translated words (lexical_query) and stray Latin words and numbers: read as plain ranks,
    that noise pushed the right passage out of the top 5 (samples/questions/crosslingual.jsonl,
    e5-small: en>zh hit@5 0.58 -> 0.78 with the dense rank alone); with translations and the
    better of the two, hit@5 rose from 0.86 to 0.92 (en>zh) and from 0.94 to 1.00 (zh>en), with
    same-language questions as good or better (bench/crosslingual.py).
    """
    by_script = script_of if query_script is not None else None
    other = {key for key, kind in (by_script or {}).items() if kind != query_script}
    lexical_rank = _ranks(lexical, by_script)
    scores: dict[str, float] = {}
    for key, rank in _ranks(dense, by_script).items():
        scores[key] = weight / (RRF_K + rank)
        if key in other:
            place = min(rank, lexical_rank.get(key, rank))
            scores[key] += (1.0 - weight) / (RRF_K + place + 1)
    for key, rank in lexical_rank.items():
        if key not in other:
            scores[key] = scores.get(key, 0.0) + (1.0 - weight) / (RRF_K + rank)
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


def _ranks(ids: Sequence[str], script_of: Mapping[str, str] | None) -> dict[str, int]:
    """Each id's 1-based rank, counted within its script when script_of is given."""
    if script_of is None:
        return {key: rank for rank, key in enumerate(ids, start=1)}
    seen: dict[str, int] = {}
    ranks = {}
    for key in ids:
        kind = script_of.get(key, LATIN)
        seen[kind] = seen.get(kind, 0) + 1
        ranks[key] = seen[kind]
    return ranks


def scripts_compete(
    cosines: Mapping[str, float], script_of: Mapping[str, str], query_script: str
) -> bool:
    """Whether the dense hits' best passage in the other script comes within CROSS_SCRIPT_GAP
    of the best in the question's script (True when the question's script has none)."""
    own, other = -2.0, -2.0
    for key, cosine in cosines.items():
        if script_of.get(key, LATIN) == query_script:
            own = max(own, cosine)
        else:
            other = max(other, cosine)
    if own == -2.0:
        return other > -2.0
    return other >= own - CROSS_SCRIPT_GAP


def by_script(
    cosines: Mapping[str, float],
    script_of: Mapping[str, str],
    query_script: str,
    lexical: Sequence[str] = (),
) -> tuple[Mapping[str, str] | None, str | None]:
    """The (script_of, query_script) for fuse and ranking: as given when the scripts compete,
    or when BM25's best passage (lexical: its ranking) is in the other script, its words the
    question's translated; else (None, None), so one script's passages, leading by far, are
    fused plainly."""
    lexical_first = script_of.get(lexical[0], query_script) if lexical else query_script
    if lexical_first != query_script or scripts_compete(cosines, script_of, query_script):
        return script_of, query_script
    return None, None


def ranking(
    mode: str,
    dense: Sequence[str],
    lexical: Sequence[str],
    weight: float = DEFAULT_WEIGHT,
    script_of: Mapping[str, str] | None = None,
    query_script: str | None = None,
) -> list[str]:
    """The ids in the order the mode ranks them; hybrid also interleaves scripts when given
    each id's script (see balanced), and fuses across scripts when given the question's
    script too (see fuse)."""
    if mode == DENSE:
        return list(dense)
    if mode == BM25:
        return list(lexical)
    return interleaved(fuse(dense, lexical, weight, script_of, query_script), script_of)


def interleaved(
    fused: Sequence[tuple[str, float]], script_of: Mapping[str, str] | None
) -> list[str]:
    """The hybrid order of fuse's output: its ids, scripts interleaved when script_of is given."""
    ids = [key for key, _ in fused]
    return balanced(ids, script_of) if script_of is not None else ids


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
    # BM25 runs while the query is encoded: ONNX Runtime lets go of the GIL. Both
    # rankings come as ids with their scripts from the BM25 index, and only the chosen chunks
    # are read: texts for all 200 candidates cost 30 ms at 100k chunks (bench/lexical.py).
    words = lexical_query(query)
    lexical_job = _BACKGROUND.submit(store.lexical_search, collection, words, depth)
    vector = encoder.encode_query(query)
    nearest = store.nearest(collection, vector, depth)
    lexical_hits = lexical_job.result()
    dense_ids = [key for key, _ in nearest]
    lexical_ids = [hit.chunk_id for hit in lexical_hits]

    cosines = dict(nearest)
    scripts = store.scripts(collection, dense_ids + lexical_ids)
    script_of, asked_in = by_script(cosines, scripts, script(query), lexical_ids)
    fused = fuse(dense_ids, lexical_ids, weight, script_of, asked_in)
    take = max(k, RERANK_DEPTH) if reranker is not None else k
    # Hybrid orders the fusion just made (ranking would fuse again: 0.6 ms at 100k chunks).
    if mode == HYBRID:
        chosen = interleaved(fused, script_of)[:take]
    else:
        chosen = ranking(mode, dense_ids, lexical_ids)[:take]
    chunks = {chunk.id: chunk for chunk in store.chunks_by_id(collection, chosen)}
    # A dense hit keeps Chroma's score; only a passage BM25 alone found needs its vector read.
    unscored = [key for key in chunks if key not in cosines]
    for key, row in store.vectors_by_id(collection, unscored).items():
        cosines[key] = float(row @ vector)
    dense_rank = {key: rank for rank, key in enumerate(dense_ids, start=1)}
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
