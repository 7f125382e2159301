"""Doc2Vec (gensim): a vector per paragraph, learnt beside the word vectors.

PV-DM predicts a word from its context words plus the paragraph's own vector (like CBOW with
one extra "word" that is the paragraph); PV-DBOW predicts the paragraph's words from the
paragraph vector alone (like skip-gram). A new paragraph gets its vector by inference: a few
epochs of training of that one vector with every word vector frozen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Literal

import numpy as np
from gensim.models.callbacks import CallbackAny2Vec
from gensim.models.doc2vec import Doc2Vec, TaggedDocument

from core.classic.training import stable_hash
from core.errors import UserError
from core.text import words

Mode = Literal["dm", "dbow"]
MODES: dict[str, str] = {"dm": "PV-DM", "dbow": "PV-DBOW"}


@dataclass(frozen=True)
class Doc2VecConfig:
    mode: Mode = "dbow"
    vector_size: int = 64
    window: int = 5
    min_count: int = 2
    epochs: int = 40
    dbow_words: bool = False  # PV-DBOW: also train word vectors (skip-gram); slower
    seed: int = 42

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise UserError(f"Unknown Doc2Vec mode {self.mode!r}: use dm or dbow.")
        for name in ("vector_size", "window", "min_count", "epochs"):
            if getattr(self, name) < 1:
                raise UserError(f"{name.replace('_', ' ').capitalize()} must be at least 1.")


@dataclass(frozen=True)
class DocModel:
    """A trained Doc2Vec model over texts (tag i is texts[i])."""

    config: Doc2VecConfig
    model: Doc2Vec
    texts: tuple[str, ...]
    seconds: float
    epoch_seconds: tuple[float, ...]

    def infer(self, text: str, epochs: int | None = None) -> np.ndarray:
        """The vector of a new text; deterministic (the model's random state is reset first)."""
        tokens = words(text)
        if not any(t in self.model.wv.key_to_index for t in tokens):
            raise UserError("None of the paragraph's words is in the Doc2Vec vocabulary.")
        self.model.random.seed(self.config.seed)
        return self.model.infer_vector(tokens, epochs=epochs or self.config.epochs)

    def nearest_to_vector(self, vector: np.ndarray, k: int = 5) -> list[tuple[int, float]]:
        """(text index, cosine) of the k texts whose trained vectors are nearest."""
        return [(int(t), float(s)) for t, s in self.model.dv.most_similar([vector], topn=k)]

    def nearest_documents(self, index: int, k: int = 5) -> list[tuple[int, float]]:
        return [(int(t), float(s)) for t, s in self.model.dv.most_similar(index, topn=k)]

    def search(self, query: str, k: int = 5) -> list[tuple[int, float]]:
        """Retrieval with Doc2Vec: infer the question's vector, rank the trained text vectors."""
        return self.nearest_to_vector(self.infer(query), k)


class _Timer(CallbackAny2Vec):
    def __init__(self, on_epoch: Callable[[int, float], None] | None) -> None:
        self.on_epoch, self.start, self.seconds = on_epoch, 0.0, []

    def on_epoch_begin(self, model) -> None:
        self.start = perf_counter()

    def on_epoch_end(self, model) -> None:
        self.seconds.append(perf_counter() - self.start)
        if self.on_epoch is not None:
            self.on_epoch(len(self.seconds), self.seconds[-1])


def train_doc2vec(
    texts: Sequence[str],
    config: Doc2VecConfig,
    on_epoch: Callable[[int, float], None] | None = None,
) -> DocModel:
    """Train on texts (chunks or documents), tokenised as the Classic tab does (jieba for 中文)."""
    documents = [TaggedDocument(words(text), [i]) for i, text in enumerate(texts)]
    if len(documents) < 2:
        raise UserError("Doc2Vec needs at least two texts.")
    model = Doc2Vec(
        vector_size=config.vector_size,
        window=config.window,
        min_count=config.min_count,
        dm=int(config.mode == "dm"),
        dbow_words=int(config.dbow_words),
        epochs=config.epochs,
        seed=config.seed,
        hashfxn=stable_hash,
        workers=1,  # one thread: the same model every time
    )
    model.build_vocab(documents)
    if len(model.wv) < 2:
        raise UserError("Not enough text for Doc2Vec: add documents or lower min count.")
    timer = _Timer(on_epoch)
    model.train(documents, total_examples=len(documents), epochs=config.epochs, callbacks=[timer])
    return DocModel(config, model, tuple(texts), sum(timer.seconds), tuple(timer.seconds))


def self_retrieval(model: DocModel, k: int = 1, limit: int = 100) -> float:
    """Share of texts whose inferred vector finds the text itself in the top k (a sanity check)."""
    rows = range(min(limit, len(model.texts)))
    found = 0
    for row in rows:
        top = [t for t, _ in model.search(model.texts[row], k)]
        found += row in top
    return found / len(rows)


def overlap_at_k(first: Sequence[int], second: Sequence[int]) -> float:
    """Share of the top k two rankings have in common (k = the shorter one)."""
    k = min(len(first), len(second))
    return len(set(first[:k]) & set(second[:k])) / k if k else 0.0


@dataclass(frozen=True)
class RetrievalRow:
    """One question: the top k texts by Doc2Vec and by the transformer, and their overlap."""

    question: str
    doc2vec: tuple[int, ...]
    transformer: tuple[int, ...]
    overlap: float


def compare_retrieval(
    model: DocModel,
    questions: Sequence[str],
    transformer: Callable[[str, int], Sequence[int]],
    k: int = 5,
) -> list[RetrievalRow]:
    """Rank the model's texts for each question with Doc2Vec and with transformer(question, k)."""
    rows = []
    for question in questions:
        if not question.strip():
            continue
        try:
            ours = tuple(t for t, _ in model.search(question, k))
        except UserError:
            ours = ()  # no known word: Doc2Vec has nothing to go on
        theirs = tuple(transformer(question, k))
        rows.append(RetrievalRow(question, ours, theirs, overlap_at_k(ours, theirs)))
    return rows
