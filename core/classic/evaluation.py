"""Judging static word vectors: benchmarks, objectives compared, static vs contextual, maps."""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

from core.classic.training import (
    EpochReport,
    Objective,
    TrainConfig,
    TrainedModel,
    analogy,
    cosine_matrix,
    has_vector,
    neighbours,
    project_words,
    train,
    word_vector,
)
from core.errors import UserError
from core.records import Chunk
from core.retrieval.encoders import Encoder
from core.text import split_sentences, stopwords, words

_DATA = Path(__file__).parent / "data"
ZH_SIMILARITY = _DATA / "zh_similarity.tsv"
ZH_ANALOGIES = _DATA / "zh_analogies.txt"


@dataclass(frozen=True)
class EvalResult:
    """One benchmark's score and how much of it the vocabulary could answer."""

    name: str
    metric: str  # "accuracy" (analogies) or "spearman" (word pairs)
    score: float | None  # None when no item had all its words in the vocabulary
    oov_share: float  # share of items skipped for an out-of-vocabulary word, 0..1
    pairs_used: int  # items scored (pairs, or analogy questions)
    total: int  # items in the set


def _quiet_copy(model: TrainedModel) -> KeyedVectors:
    # gensim's evaluators swap wv.key_to_index while they run; a shallow copy keeps the shared
    # vectors usable from other threads (Streamlit sessions) meanwhile.
    return copy.copy(model.wv)


def _count_analogies(path: Path | str) -> int:
    with open(path, encoding="utf-8") as lines:
        return sum(1 for line in lines if not line.startswith(": ") and len(line.split()) == 4)


def _count_pairs(path: Path | str, delimiter: str = "\t") -> int:
    total = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            fields = line.split(delimiter)
            if line.startswith("#") or len(fields) != 3:
                continue
            try:
                float(fields[2])
            except ValueError:
                continue
            total += 1
    return total


def evaluate_analogies(model: TrainedModel, path: Path | str, name: str) -> EvalResult:
    """Analogy accuracy (a : b :: c : ?) on a questions-words style file."""
    total = _count_analogies(path)
    _, sections = _quiet_copy(model).evaluate_word_analogies(str(path), case_insensitive=True)
    overall = sections[-1]
    correct, used = len(overall["correct"]), len(overall["correct"]) + len(overall["incorrect"])
    return EvalResult(
        name=name,
        metric="accuracy",
        score=correct / used if used else None,
        oov_share=(total - used) / total if total else 0.0,
        pairs_used=used,
        total=total,
    )


def evaluate_similarity(model: TrainedModel, path: Path | str, name: str) -> EvalResult:
    """Spearman correlation of cosine similarity with human scores on a word-pair file."""
    total = _count_pairs(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns on constant or tiny inputs
            _, spearman, oov_percent = _quiet_copy(model).evaluate_word_pairs(
                str(path), case_insensitive=True
            )
    except ValueError:  # gensim raises when every pair has an unknown word
        return EvalResult(name, "spearman", None, 1.0, 0, total)
    oov_share = oov_percent / 100
    score = float(spearman[0])
    return EvalResult(
        name=name,
        metric="spearman",
        score=None if math.isnan(score) else score,
        oov_share=oov_share,
        pairs_used=round(total * (1 - oov_share)),
        total=total,
    )


def evaluate(model: TrainedModel) -> list[EvalResult]:
    """The English sets that ship with gensim and this project's small Chinese sets."""
    return [
        evaluate_analogies(model, datapath("questions-words.txt"), "Google analogies (en)"),
        evaluate_similarity(model, datapath("wordsim353.tsv"), "WordSim-353 (en)"),
        evaluate_similarity(model, datapath("simlex999.txt"), "SimLex-999 (en)"),
        evaluate_similarity(model, ZH_SIMILARITY, "Chinese similarity (zh, this project)"),
        evaluate_analogies(model, ZH_ANALOGIES, "Chinese analogies (zh, this project)"),
    ]


# --- Static vs contextual ------------------------------------------------------------------


@dataclass(frozen=True)
class PolysemyResult:
    """One static vector for a word beside one contextual vector per occurrence.

    The two families live in different spaces, so each is projected on its own (PCA).
    """

    word: str
    static_labels: tuple[str, ...]  # the word, then its nearest static neighbours
    static_points: np.ndarray  # (len(static_labels), 2); row 0 is the word's one vector
    sentences: tuple[str, ...]  # the sentence of each occurrence
    contextual_points: np.ndarray  # (occurrences, 2)
    clusters: np.ndarray  # (occurrences,) KMeans k=2 labels of the contextual vectors

    @property
    def static_point(self) -> np.ndarray:
        return self.static_points[0]


def find_occurrences(texts: Sequence[str], word: str, limit: int = 200) -> list[str]:
    """The sentence of each occurrence of word (a whole token; jieba words for Chinese)."""
    key = word.strip().lower()
    found: list[str] = []
    for text in texts:
        for sentence in split_sentences(text):
            found.extend([sentence] * words(sentence).count(key))
            if len(found) >= limit:
                return found[:limit]
    return found


def polysemy_demo(
    texts: Sequence[str],
    word: str,
    model: TrainedModel,
    encoder: Encoder,
    n_neighbours: int = 8,
    limit: int = 200,
) -> PolysemyResult:
    """Show that one static vector stands for every sense that contextual vectors tell apart."""
    key = word.strip().lower()
    vector = word_vector(model, key)  # raises the vocabulary message for Word2Vec
    sentences = find_occurrences(texts, key, limit)
    if not sentences:
        raise UserError(f"'{key}' does not occur as a word in these documents.")
    near = neighbours(model, key, n_neighbours)
    static = np.vstack([vector] + [model.wv.get_vector(w) for w, _ in near])
    # An occurrence's vector is its sentence's; repeated sentences are encoded once.
    unique = list(dict.fromkeys(sentences))
    encoded = encoder.encode_documents(unique)
    contextual = encoded[[unique.index(s) for s in sentences]]
    return PolysemyResult(
        word=key,
        static_labels=(key, *(w for w, _ in near)),
        static_points=project_words(static, "pca"),
        sentences=tuple(sentences),
        contextual_points=project_words(contextual, "pca"),
        clusters=_two_clusters(contextual),
    )


def _two_clusters(vectors: np.ndarray) -> np.ndarray:
    if len(np.unique(vectors.round(6), axis=0)) < 2:
        return np.zeros(len(vectors), dtype=np.int64)
    from sklearn.cluster import KMeans

    labels = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(vectors)
    return labels.astype(np.int64)


@dataclass(frozen=True)
class OneHotDense:
    """The same words as one-hot vectors and as dense vectors, and how alike each pair is."""

    words: tuple[str, ...]
    one_hot_dimension: int  # = vocabulary size
    one_hot_positions: tuple[int, ...]  # each word's single 1
    one_hot_sparsity: float  # share of zeros in a one-hot vector
    dense_dimension: int
    one_hot_cosine: np.ndarray  # (n, n): 1 on the diagonal, 0 between different words
    dense_cosine: np.ndarray  # (n, n)


def one_hot_vs_dense(model: TrainedModel, words_: Sequence[str]) -> OneHotDense:
    """One-hot vs dense vectors for a few vocabulary words."""
    keys = [w.strip().lower() for w in words_ if w.strip()]
    if not keys:
        raise UserError("Name a few words to compare.")
    missing = [k for k in keys if k not in model.wv.key_to_index]
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise UserError(f"Not in the vocabulary, so no one-hot position: {names}.")
    positions = [model.wv.key_to_index[k] for k in keys]
    same = np.array([[float(p == q) for q in positions] for p in positions])
    dense = np.vstack([model.wv.get_vector(k) for k in keys])
    return OneHotDense(
        words=tuple(keys),
        one_hot_dimension=model.vocab_size,
        one_hot_positions=tuple(positions),
        one_hot_sparsity=1 - 1 / model.vocab_size,
        dense_dimension=model.wv.vector_size,
        one_hot_cosine=same,
        dense_cosine=cosine_matrix(dense),
    )


# --- Classic retrieval ----------------------------------------------------------------------


def _mean_vector(model: TrainedModel, text: str) -> np.ndarray | None:
    # Unit word vectors first, so frequent words with long vectors do not dominate the mean.
    known = [w for w in words(text) if has_vector(model, w)]
    if not known:
        return None
    return np.mean([model.wv.get_vector(w, norm=True) for w in known], axis=0)


def average_vector_search(
    model: TrainedModel, doc_texts: Sequence[str], query: str, k: int = 10
) -> list[tuple[int, float]]:
    """(text index, cosine) of the k texts whose mean word vector is closest to the query's.

    Word2Vec skips unseen words (a text with none is left out); FastText composes them.
    """
    query_vector = _mean_vector(model, query)
    if query_vector is None:
        raise UserError("None of the query's words has a vector in this model.")
    rows, vectors = [], []
    for row, text in enumerate(doc_texts):
        vector = _mean_vector(model, text)
        if vector is not None:
            rows.append(row)
            vectors.append(vector)
    if not rows:
        return []
    matrix = np.vstack(vectors)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    similarity = matrix @ (query_vector / max(float(np.linalg.norm(query_vector)), 1e-12))
    order = np.argsort(-similarity, kind="stable")[:k]
    return [(rows[i], float(similarity[i])) for i in order]


def average_vector_chunks(
    model: TrainedModel, chunks: Sequence[Chunk], query: str, k: int = 10
) -> list[tuple[Chunk, float]]:
    """(chunk, cosine) of the k chunks whose mean word vector is closest to the query's."""
    rows = average_vector_search(model, [chunk.text for chunk in chunks], query, k)
    return [(chunks[row], score) for row, score in rows]


# --- Negative sampling vs hierarchical softmax ----------------------------------------------


@dataclass(frozen=True)
class ObjectiveRun:
    """One training of a comparison: how fast it was, where its loss ended, how good it is."""

    objective: Objective
    config: TrainConfig
    seconds: float  # training time, loss evaluation excluded
    words_per_second: float
    initial_loss: float
    final_loss: float  # per example; the two objectives' losses are different quantities
    vocab_size: int
    evaluation: tuple[EvalResult, ...]


OBJECTIVES: tuple[Objective, ...] = ("negative", "hierarchical")


def compare_objectives(
    sentences: Sequence[Sequence[str]],
    config: TrainConfig,
    on_epoch: Callable[[Objective, EpochReport], None] | None = None,
) -> list[ObjectiveRun]:
    """Train with negative sampling, then hierarchical softmax, all else equal; evaluate both.

    on_epoch(objective, report) follows each training; the models themselves are not kept.
    """
    runs = []
    for objective in OBJECTIVES:
        run_config = replace(config, objective=objective)
        callback = None if on_epoch is None else partial(on_epoch, objective)
        model = train(sentences, run_config, callback)
        runs.append(
            ObjectiveRun(
                objective=objective,
                config=run_config,
                seconds=model.seconds,
                words_per_second=model.words_per_second,
                initial_loss=model.initial_loss,
                final_loss=model.final_loss,
                vocab_size=model.vocab_size,
                evaluation=tuple(evaluate(model)),
            )
        )
    return runs


# --- Maps and examples for the page ---------------------------------------------------------


def _content_word(word: str) -> bool:
    return word not in stopwords() and not (len(word) < 2 and word.isascii())


def example_words(model: TrainedModel, preferred: Sequence[str], n: int) -> list[str]:
    """n vocabulary words for a demo: the preferred ones the model knows, then frequent ones."""
    known = [w for w in dict.fromkeys(p.lower() for p in preferred) if w in model.wv.key_to_index]
    frequent = (w for w in model.wv.index_to_key if _content_word(w) and w not in known)
    return [*known, *frequent][:n]


@dataclass(frozen=True)
class WordMap:
    """The most frequent words of a model, placed in 2-D."""

    words: tuple[str, ...]
    counts: tuple[int, ...]
    points: np.ndarray  # (len(words), 2)


def word_map(
    model: TrainedModel,
    n: int = 100,
    method: Literal["pca", "umap"] = "pca",
    skip_stopwords: bool = True,
    on_note: Callable[[str], None] | None = None,
) -> WordMap:
    """The n most frequent words (function words left out if asked) projected by PCA or UMAP."""
    chosen = [
        (w, int(model.wv.get_vecattr(w, "count")))
        for w in model.wv.index_to_key
        if not skip_stopwords or _content_word(w)
    ][:n]
    if not chosen:
        raise UserError("No words to place: the vocabulary has only function words.")
    vectors = np.vstack([model.wv.get_vector(w, norm=True) for w, _ in chosen])
    return WordMap(
        words=tuple(w for w, _ in chosen),
        counts=tuple(c for _, c in chosen),
        points=project_words(vectors, method, on_note),
    )


@dataclass(frozen=True)
class AnalogyMap:
    """a - b + c: the answers, and the words placed in 2-D so the offsets can be drawn.

    All points are unit vectors projected together by PCA, a linear map, so the arrow
    b -> a and the arrow c -> target are the same offset on the map too.
    """

    a: str
    b: str
    c: str
    results: tuple[tuple[str, float], ...]  # best first, a, b and c excluded
    labels: tuple[str, ...]  # a, b, c, "a − b + c", then the results
    points: np.ndarray  # (len(labels), 2)

    def point(self, label: str) -> np.ndarray:
        return self.points[self.labels.index(label)]


ANALOGY_TARGET = "a − b + c"


def analogy_map(model: TrainedModel, a: str, b: str, c: str, k: int = 5) -> AnalogyMap:
    """The analogy's answers with a map of a, b, c, the point a - b + c and the answers."""
    results = analogy(model, a, b, c, k)  # raises the vocabulary message
    ka, kb, kc = (w.strip().lower() for w in (a, b, c))
    unit = {w: _unit(word_vector(model, w)) for w in (ka, kb, kc)}
    target = unit[ka] - unit[kb] + unit[kc]
    found = [w for w, _ in results]
    vectors = np.vstack(
        [unit[ka], unit[kb], unit[kc], target, *(model.wv.get_vector(w, norm=True) for w in found)]
    )
    return AnalogyMap(
        a=ka,
        b=kb,
        c=kc,
        results=tuple(results),
        labels=(ka, kb, kc, ANALOGY_TARGET, *found),
        points=project_words(vectors, "pca"),
    )


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)
