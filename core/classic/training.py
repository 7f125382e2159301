"""Classic static word vectors: train Word2Vec / FastText on a corpus, watch the loss, explore.

Evaluation on benchmark sets, the static-vs-contextual demos and average-vector search live
in core.classic.evaluation.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from time import perf_counter
from typing import Literal

import numpy as np
from gensim.models import FastText, KeyedVectors, Word2Vec
from gensim.models.callbacks import CallbackAny2Vec
from gensim.models.fasttext import FastTextKeyedVectors, ft_ngram_hashes
from gensim.models.fasttext_inner import compute_ngrams

from core.errors import UserError
from core.text import split_sentences, words

Algorithm = Literal["word2vec", "fasttext"]
Architecture = Literal["cbow", "skipgram"]
Objective = Literal["negative", "hierarchical"]

LOSS_SAMPLE_SIZE = 4096
_VECTORS_FILE = "vectors.kv"
_META_FILE = "classic.json"
_FORMAT = 1


def tokenize_corpus(texts: Sequence[str]) -> list[list[str]]:
    """Sentences of every text as word lists (jieba for Chinese), empty sentences dropped."""
    sentences = []
    for text in texts:
        for sentence in split_sentences(text):
            tokens = words(sentence)
            if tokens:
                sentences.append(tokens)
    return sentences


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of one Word2Vec or FastText training."""

    algorithm: Algorithm = "word2vec"
    architecture: Architecture = "skipgram"
    objective: Objective = "negative"
    negative: int = 5
    ns_exponent: float = 0.75
    vector_size: int = 100
    window: int = 5
    min_count: int = 2
    sample: float = 1e-3  # downsampling of frequent words; 0 keeps every word (tiny corpora)
    epochs: int = 5
    seed: int = 42
    workers: int = 1
    min_n: int = 3
    max_n: int = 6
    bucket: int = 200_000  # gensim's 2M default makes small trainings slow and big

    def __post_init__(self) -> None:
        if self.algorithm not in ("word2vec", "fasttext"):
            raise UserError(f"Unknown algorithm {self.algorithm!r}: use word2vec or fasttext.")
        if self.architecture not in ("cbow", "skipgram"):
            raise UserError(f"Unknown architecture {self.architecture!r}: use cbow or skipgram.")
        if self.objective not in ("negative", "hierarchical"):
            raise UserError(f"Unknown objective {self.objective!r}: use negative or hierarchical.")
        for name in ("vector_size", "window", "min_count", "epochs", "workers", "min_n", "bucket"):
            if getattr(self, name) < 1:
                raise UserError(f"{name.replace('_', ' ').capitalize()} must be at least 1.")
        if self.objective == "negative" and self.negative < 1:
            raise UserError("Negative sampling needs at least 1 negative sample.")
        if self.max_n < self.min_n:
            raise UserError("The longest character n-gram must not be shorter than the shortest.")


@dataclass(frozen=True)
class EpochReport:
    """What one epoch did: its loss on the fixed sample, speed and time."""

    epoch: int  # 1-based
    loss: float  # mean loss per training example on the fixed sample (see sample_loss)
    # gensim's own running loss added during this epoch (Word2Vec only): a sum over the epoch's
    # terms with gensim's approximations (see the loss section), shown for comparison.
    gensim_loss: float | None
    words_per_second: float  # corpus words read per second of training
    seconds: float  # this epoch's training time, loss evaluation excluded
    elapsed: float  # training time since the first epoch began


@dataclass(frozen=True)
class TrainedModel:
    """A trained model's word vectors and how the training went."""

    config: TrainConfig
    wv: KeyedVectors  # FastTextKeyedVectors for FastText: vectors for unseen words too
    vocab_size: int
    corpus_words: int
    epochs: tuple[EpochReport, ...]
    initial_loss: float  # the sample loss before the first epoch, for reference
    seconds: float
    words_per_second: float

    @property
    def final_loss(self) -> float:
        """The sample loss after the last epoch (before the first when there was none)."""
        return self.epochs[-1].loss if self.epochs else self.initial_loss


@dataclass(frozen=True)
class LossSample:
    """A fixed set of training examples on which the true objective is evaluated.

    Row i predicts word targets[i] from the mean input vector of inputs[i] (-1 pads);
    negatives[i] are its noise words (empty for hierarchical softmax).
    """

    inputs: np.ndarray  # (n, width) int64, -1 = padding
    targets: np.ndarray  # (n,) int64
    negatives: np.ndarray  # (n, k) int64


def stable_hash(text: str) -> int:
    """A hash that is the same in every process (Python's hash() is salted per process).

    gensim 4.4 no longer calls hashfxn for the initial vectors of Word2Vec and FastText (they
    come from numpy's generator seeded with the model's seed); passing it keeps salted
    hashes out of any gensim path that still calls it.
    """
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def _gensim_model(config: TrainConfig) -> Word2Vec:
    common = {
        "vector_size": config.vector_size,
        "window": config.window,
        "min_count": config.min_count,
        "sg": int(config.architecture == "skipgram"),
        "hs": int(config.objective == "hierarchical"),
        "negative": config.negative if config.objective == "negative" else 0,
        "ns_exponent": config.ns_exponent,
        "sample": config.sample,
        "seed": config.seed,
        "hashfxn": stable_hash,
        "workers": config.workers,
        "epochs": config.epochs,
    }
    if config.algorithm == "fasttext":
        return FastText(min_n=config.min_n, max_n=config.max_n, bucket=config.bucket, **common)
    return Word2Vec(compute_loss=True, **common)


class _EpochTimer(CallbackAny2Vec):
    """Times each epoch and hands control back between epochs, when the weights are still."""

    def __init__(self, on_end: Callable[[float], None]) -> None:
        self._on_end = on_end
        self._start = 0.0

    def on_epoch_begin(self, model: Word2Vec) -> None:
        self._start = perf_counter()

    def on_epoch_end(self, model: Word2Vec) -> None:
        self._on_end(perf_counter() - self._start)


def train(
    sentences: Sequence[Sequence[str]],
    config: TrainConfig,
    on_epoch: Callable[[EpochReport], None] | None = None,
) -> TrainedModel:
    """Train Word2Vec or FastText; on_epoch gets a report after every epoch (raise to stop)."""
    model = _gensim_model(config)
    model.build_vocab(sentences)
    corpus_words = int(model.corpus_total_words or 0)
    if len(model.wv) < 2:
        raise _too_little_text(corpus_words, len(model.wv), config.min_count)
    sample = draw_loss_sample(model, sentences, seed=config.seed)
    initial_loss = sample_loss(model, sample)
    reports: list[EpochReport] = []
    running = [0.0]

    def epoch_done(seconds: float) -> None:
        gensim_loss = None
        if config.algorithm == "word2vec":
            # gensim's tally is cumulative over the train() call; the epoch's share is the change.
            total = float(model.get_latest_training_loss())
            gensim_loss, running[0] = total - running[0], total
        elapsed = (reports[-1].elapsed if reports else 0.0) + seconds
        report = EpochReport(
            epoch=len(reports) + 1,
            loss=sample_loss(model, sample),
            gensim_loss=gensim_loss,
            words_per_second=corpus_words / max(seconds, 1e-9),
            seconds=seconds,
            elapsed=elapsed,
        )
        reports.append(report)
        if on_epoch is not None:
            on_epoch(report)

    try:
        model.train(
            sentences,
            total_examples=model.corpus_count,
            epochs=config.epochs,
            compute_loss=config.algorithm == "word2vec",
            callbacks=[_EpochTimer(epoch_done)],
        )
    except RuntimeError as error:
        if "build vocabulary" not in str(error):
            raise
        raise _too_little_text(corpus_words, len(model.wv), config.min_count) from error
    seconds = reports[-1].elapsed if reports else 0.0
    return TrainedModel(
        config=config,
        wv=model.wv,
        vocab_size=len(model.wv),
        corpus_words=corpus_words,
        epochs=tuple(reports),
        initial_loss=initial_loss,
        seconds=seconds,
        words_per_second=corpus_words * config.epochs / max(seconds, 1e-9),
    )


def _too_little_text(corpus_words: int, distinct: int, min_count: int) -> UserError:
    return UserError(
        f"Not enough text to train on: {corpus_words} words, {distinct} distinct words appear "
        f"at least {min_count} times; add documents or lower min count."
    )


# --- The loss ------------------------------------------------------------------------------
# gensim's get_latest_training_loss() is cumulative over a train() call, float32 (it stops
# growing near 2**27, gensim#2735), lost between worker threads (gensim#2743), skips terms
# whose score is beyond +-6, reads log(sigmoid) from a table at int((x + 6) * 83) (1000 / 6 / 2
# in C integer division, as in word2vec.c), which lowers every score by 0.024-0.036 and so
# overstates the loss (2% on the Lee corpus), and does not exist for FastText (gensim#2617).
# It is tallied while the weights move, too. So the objective is evaluated here, with the
# model's current weights, on a fixed sample of training examples.


def draw_loss_sample(
    model: Word2Vec,
    sentences: Sequence[Sequence[str]],
    size: int = LOSS_SAMPLE_SIZE,
    seed: int = 0,
) -> LossSample:
    """Training examples drawn as gensim draws them: vocabulary words, downsampling, window."""
    rng = np.random.default_rng(seed)
    key_to_index = model.wv.key_to_index
    sample_int = model.wv.expandos["sample_int"] if model.sample else None
    fasttext = isinstance(model, FastText)
    inputs: list[list[int]] = []
    targets: list[int] = []
    for s in rng.permutation(len(sentences)):
        ids = np.array([key_to_index[w] for w in sentences[s] if w in key_to_index], np.int64)
        if sample_int is not None and len(ids):
            # gensim drops a word when its sample_int is below a uniform 32-bit draw.
            ids = ids[sample_int[ids] >= rng.integers(0, 2**32, len(ids))]
        n = len(ids)
        if n < 2:
            continue
        # gensim shrinks each position's window by a random 0..window-1.
        shrink = rng.integers(0, model.window, n) if model.shrink_windows else np.zeros(n, int)
        for i in range(n):
            reach = model.window - int(shrink[i])
            window = range(max(0, i - reach), min(n, i + reach + 1))
            context = [int(ids[j]) for j in window if j != i]
            if not model.sg:
                inputs.append(context)
                targets.append(int(ids[i]))
            # Word2Vec predicts the centre from each context word, FastText the reverse.
            elif fasttext:
                inputs.extend([int(ids[i])] for _ in context)
                targets.extend(context)
            else:
                inputs.extend([c] for c in context)
                targets.extend(int(ids[i]) for _ in context)
        if len(targets) >= 8 * size:
            break
    if len(targets) > size:
        # A subsample of a larger pool spreads the examples over more sentences.
        keep = np.sort(rng.choice(len(targets), size, replace=False))
        inputs, targets = [inputs[i] for i in keep], [targets[i] for i in keep]
    width = max((len(row) for row in inputs), default=1)
    padded = np.full((len(inputs), width), -1, np.int64)
    for row, values in enumerate(inputs):
        padded[row, : len(values)] = values
    negatives = np.zeros((len(targets), 0), np.int64)
    if model.negative:
        # Noise words from the model's unigram**ns_exponent table, located as gensim does.
        table = model.cum_table
        draws = rng.integers(0, int(table[-1]), (len(targets), model.negative))
        negatives = np.searchsorted(table, draws, side="left").astype(np.int64)
    return LossSample(padded, np.array(targets, np.int64), negatives)


def _input_sums(model: Word2Vec, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per vocabulary row: the summed input vectors and how many vectors were summed."""
    wv = model.wv
    if not isinstance(wv, FastTextKeyedVectors) or not wv.bucket:
        return wv.vectors[rows].astype(np.float64), np.ones(len(rows))
    sums = np.empty((len(rows), wv.vector_size))
    counts = np.empty(len(rows))
    for out, row in enumerate(rows):
        buckets = wv.buckets_word[row]
        sums[out] = wv.vectors_vocab[row] + wv.vectors_ngrams[buckets].sum(axis=0, dtype=np.float64)
        counts[out] = 1 + len(buckets)
    return sums, counts


def _hidden(model: Word2Vec, inputs: np.ndarray) -> np.ndarray:
    """The vector each example's input layer produces, composed exactly as gensim trains it."""
    rows, position = np.unique(np.maximum(inputs, 0), return_inverse=True)
    sums, counts = _input_sums(model, rows)
    position = position.reshape(inputs.shape)
    mask = (inputs >= 0)[..., None]
    total = (sums[position] * mask).sum(axis=1)
    count = (counts[position] * mask[..., 0]).sum(axis=1)
    if not model.sg and not model.cbow_mean:
        return total
    if isinstance(model, FastText) and model.sg:
        # gensim's FastText skip-gram divides the word + n-gram sum by the n-gram count only.
        count = np.where(count > 1, count - 1, 1.0)
    return total / count[:, None]


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


def sample_loss(model: Word2Vec, sample: LossSample) -> float:
    """Mean loss per training example (a (centre, context) pair; for CBOW a centre and its window).

    Negative sampling: -log s(u_o.h) - sum_k log s(-u_k.h); hierarchical softmax: the sum of
    -log s(+-u_n.h) along the target's Huffman path; h is the input vector (context mean for
    CBOW, n-gram composed for FastText), s the sigmoid.
    """
    if len(sample.targets) == 0:
        return float("nan")
    hidden = _hidden(model, sample.inputs)
    loss = np.zeros(len(sample.targets))
    if model.negative and sample.negatives.size:
        out = model.syn1neg.astype(np.float64)
        loss += _softplus(-np.einsum("nd,nd->n", hidden, out[sample.targets]))
        scores = np.einsum("nd,nkd->nk", hidden, out[sample.negatives])
        # gensim skips a noise word that happens to be the target.
        keep = sample.negatives != sample.targets[:, None]
        loss += (_softplus(scores) * keep).sum(axis=1)
    if model.hs:
        codes = model.wv.expandos["code"]
        points = model.wv.expandos["point"]
        depth = max(len(codes[t]) for t in sample.targets)
        code = np.zeros((len(sample.targets), depth))
        point = np.zeros((len(sample.targets), depth), np.int64)
        valid = np.zeros((len(sample.targets), depth), bool)
        for row, target in enumerate(sample.targets):
            length = len(codes[target])
            code[row, :length] = codes[target]
            point[row, :length] = points[target]
            valid[row, :length] = True
        scores = np.einsum("nd,nld->nl", hidden, model.syn1.astype(np.float64)[point])
        # Code 0 means the left branch, whose probability is s(score); code 1: s(-score).
        loss += (_softplus(-(1 - 2 * code) * scores) * valid).sum(axis=1)
    return float(loss.mean())


# --- Saving ---------------------------------------------------------------------------------


def save(model: TrainedModel, directory: str | Path) -> None:
    """Write the vectors (gensim's format) and the training record into directory, replacing it."""
    directory = Path(directory)
    staging = directory.with_name(directory.name + ".saving")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    model.wv.save(str(staging / _VECTORS_FILE))
    meta = {
        "format": _FORMAT,
        "config": asdict(model.config),
        "vocab_size": model.vocab_size,
        "corpus_words": model.corpus_words,
        "epochs": [asdict(report) for report in model.epochs],
        "initial_loss": model.initial_loss,
        "seconds": model.seconds,
        "words_per_second": model.words_per_second,
    }
    (staging / _META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    # Swap whole folders so a crash never leaves vectors and record from different trainings.
    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if directory.exists():
        directory.rename(old)
    staging.rename(directory)
    shutil.rmtree(old, ignore_errors=True)


def load(directory: str | Path) -> TrainedModel:
    """A model written by save()."""
    directory = Path(directory)
    meta_path = directory / _META_FILE
    if not meta_path.is_file() or not (directory / _VECTORS_FILE).is_file():
        raise UserError(f"No saved word-vector model in {directory}.")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format") != _FORMAT:
        raise UserError("The saved word-vector model is from another version; train it again.")
    wv = KeyedVectors.load(str(directory / _VECTORS_FILE))
    return TrainedModel(
        config=TrainConfig(**meta["config"]),
        wv=wv,
        vocab_size=meta["vocab_size"],
        corpus_words=meta["corpus_words"],
        epochs=tuple(EpochReport(**report) for report in meta["epochs"]),
        initial_loss=meta["initial_loss"],
        seconds=meta["seconds"],
        words_per_second=meta["words_per_second"],
    )


# --- Exploring ------------------------------------------------------------------------------


def _is_fasttext(model: TrainedModel) -> bool:
    return isinstance(model.wv, FastTextKeyedVectors)


def _key(word: str) -> str:
    # The corpus was lower-cased by core.text.words, so lookups are too.
    return word.strip().lower()


def has_vector(model: TrainedModel, word: str) -> bool:
    """Whether the model can give word a vector: in the vocabulary, or FastText n-grams exist."""
    key = _key(word)
    if key in model.wv.key_to_index:
        return True
    wv = model.wv
    return _is_fasttext(model) and bool(wv.bucket and ft_ngram_hashes(key, wv.min_n, wv.max_n, 1))


def in_vocabulary(model: TrainedModel, word: str) -> bool:
    """Whether word has a vector of its own (not one FastText composes from n-grams)."""
    return _key(word) in model.wv.key_to_index


def _require(model: TrainedModel, *words_: str) -> list[str]:
    keys = [_key(w) for w in words_]
    missing = [k for k in keys if not has_vector(model, k)]
    if missing and _is_fasttext(model):
        names = ", ".join(f"'{m}'" for m in missing)
        raise UserError(f"No vector for {names}: too short for any character n-gram.")
    if len(missing) == 1 and len(keys) == 1:
        raise UserError(
            f"'{missing[0]}' is not in the Word2Vec vocabulary; Word2Vec has no vector for "
            "unseen words (FastText does)."
        )
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise UserError(f"Not in the vocabulary: {names}; Word2Vec has no vector for unseen words.")
    return keys


def word_vector(model: TrainedModel, word: str) -> np.ndarray:
    """The word's static vector; FastText composes one for unseen words from n-grams."""
    (key,) = _require(model, word)
    return np.asarray(model.wv.get_vector(key), dtype=np.float32)


def neighbours(model: TrainedModel, word: str, k: int = 10) -> list[tuple[str, float]]:
    """The k vocabulary words with the highest cosine similarity to word."""
    (key,) = _require(model, word)
    return [(w, float(s)) for w, s in model.wv.most_similar(key, topn=k)]


def char_ngrams(model: TrainedModel, word: str) -> list[str]:
    """The character n-grams (with < > word boundaries) FastText sums for word.

    Which of them were seen in training is not knowable: n-grams share hashed buckets.
    """
    if not _is_fasttext(model):
        raise UserError("Word2Vec does not use character n-grams; train FastText to see them.")
    return list(compute_ngrams(_key(word), model.wv.min_n, model.wv.max_n))


def analogy(model: TrainedModel, a: str, b: str, c: str, k: int = 5) -> list[tuple[str, float]]:
    """Words nearest to a - b + c (king - man + woman), the three inputs excluded."""
    ka, kb, kc = _require(model, a, b, c)
    result = model.wv.most_similar(positive=[ka, kc], negative=[kb], topn=k + 3)
    return [(w, float(s)) for w, s in result if w not in (ka, kb, kc)][:k]


def frequent_words(model: TrainedModel, n: int = 50) -> list[tuple[str, int]]:
    """The n most frequent vocabulary words with their corpus counts."""
    wv = model.wv
    return [(w, int(wv.get_vecattr(w, "count"))) for w in wv.index_to_key[:n]]


# --- Maps -----------------------------------------------------------------------------------

UMAP_MIN_POINTS = 10


def project_words(
    vectors: np.ndarray,
    method: Literal["pca", "umap"] = "pca",
    on_note: Callable[[str], None] | None = None,
) -> np.ndarray:
    """2-D coordinates (n, 2) by PCA or UMAP (PCA, with a note, when UMAP has too few points)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    if method == "umap" and n >= UMAP_MIN_POINTS:
        import umap  # slow to import (numba); only when asked for

        reducer = umap.UMAP(
            n_components=2, n_neighbors=min(15, n - 1), metric="cosine", random_state=42, n_jobs=1
        )
        return np.asarray(reducer.fit_transform(vectors), dtype=np.float32)
    if method == "umap" and on_note is not None:
        on_note(f"UMAP needs at least {UMAP_MIN_POINTS} points; showing PCA for {n}.")
    elif method not in ("pca", "umap"):
        raise UserError(f"Unknown projection {method!r}: use pca or umap.")
    points = np.zeros((n, 2), dtype=np.float32)
    components = min(2, n, vectors.shape[1] if vectors.ndim == 2 else 0)
    if n >= 2 and components >= 1:
        from sklearn.decomposition import PCA

        points[:, :components] = PCA(n_components=components, random_state=0).fit_transform(vectors)
    return points


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Pairwise cosine similarities of the rows of vectors."""
    vectors = np.asarray(vectors, dtype=np.float64)
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return unit @ unit.T
