"""GloVe: word vectors from the global co-occurrence matrix, by weighted least squares.

No maintained GloVe package installs here: glove-python, glove-python3 and glove-py build C
extensions from 2016-2019 sources that fail or are abandoned, and mittens (2019, unmaintained)
fits the dense V x V matrix. So this is a small, readable numpy version of the paper
(Pennington, Socher and Manning, 2014) as glove.c implements it:

    J = sum over X_ij > 0 of  f(X_ij) (w_i . w~_j + b_i + b~_j - log X_ij)^2
    f(x) = (x / x_max)^alpha if x < x_max else 1

trained with AdaGrad on shuffled mini-batches of the non-zero cells; the word vector is
w + w~ (the paper's choice). The result is wrapped as a TrainedModel, so neighbours,
analogies, maps and the evaluation sets of core.classic work on it unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from time import perf_counter

import numpy as np
from gensim.models import KeyedVectors
from scipy import sparse

from core.classic.training import EpochReport, TrainConfig, TrainedModel
from core.errors import UserError


@dataclass(frozen=True)
class GloveConfig:
    """Hyperparameters of one GloVe training (glove.c's defaults where they fit small corpora)."""

    vector_size: int = 50
    window: int = 5  # symmetric; a pair d words apart adds 1/d
    min_count: int = 2
    x_max: float = 10.0  # glove.c uses 100 for billions of words; small corpora rarely reach it
    alpha: float = 0.75
    learning_rate: float = 0.05
    epochs: int = 15
    batch_size: int = 2048
    seed: int = 42

    def __post_init__(self) -> None:
        for name in ("vector_size", "window", "min_count", "epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise UserError(f"{name.replace('_', ' ').capitalize()} must be at least 1.")
        if self.x_max <= 0 or self.learning_rate <= 0:
            raise UserError("x_max and the learning rate must be positive.")
        if not 0 < self.alpha <= 1:
            raise UserError("Alpha must be in (0, 1].")


@dataclass(frozen=True)
class Cooccurrence:
    """The symmetric word-word co-occurrence matrix of a corpus, over its vocabulary."""

    words: tuple[str, ...]  # most frequent first
    counts: np.ndarray  # (V,) corpus counts of the words
    matrix: sparse.csr_matrix  # (V, V) float64: sum of 1/distance over co-occurrences
    corpus_words: int  # every word of the corpus, rare ones included

    @property
    def nonzero(self) -> int:
        return int(self.matrix.nnz)

    @property
    def density(self) -> float:
        size = len(self.words) ** 2
        return self.nonzero / size if size else 0.0

    def top(self, n: int, skip: Collection[str] = ()) -> tuple[tuple[str, ...], np.ndarray]:
        """The n most frequent words (those in skip left out) and their dense block of X."""
        rows = [i for i, word in enumerate(self.words) if word not in skip][:n]
        return tuple(self.words[i] for i in rows), self.matrix[rows][:, rows].toarray()


def cooccurrence(sentences: Sequence[Sequence[str]], window: int, min_count: int) -> Cooccurrence:
    """Count, within each sentence, every pair of vocabulary words up to window apart, 1/d each.

    Words below min_count are dropped before counting, as glove.c does, so the distance is
    measured between the kept words.
    """
    frequency = Counter(word for sentence in sentences for word in sentence)
    vocabulary = sorted(
        (w for w, c in frequency.items() if c >= min_count), key=lambda w: (-frequency[w], w)
    )
    if len(vocabulary) < 2:
        total = sum(frequency.values())
        raise UserError(
            f"Not enough text to train on: {total} words, {len(vocabulary)} distinct words appear "
            f"at least {min_count} times; add documents or lower min count."
        )
    index = {word: i for i, word in enumerate(vocabulary)}
    rows, cols, values = [], [], []
    for sentence in sentences:
        ids = np.array([index[w] for w in sentence if w in index], dtype=np.int64)
        for distance in range(1, min(window, len(ids) - 1) + 1):
            rows.append(ids[:-distance])
            cols.append(ids[distance:])
            values.append(np.full(len(ids) - distance, 1.0 / distance))
    size = len(vocabulary)
    if rows:
        r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(values)
        # Both directions: X is symmetric; duplicates are summed by the conversion.
        upper = sparse.coo_matrix((v, (r, c)), shape=(size, size))
        matrix = (upper + upper.T).tocsr()
    else:
        matrix = sparse.csr_matrix((size, size))
    matrix.sum_duplicates()
    counts = np.array([frequency[w] for w in vocabulary], dtype=np.int64)
    return Cooccurrence(tuple(vocabulary), counts, matrix, sum(frequency.values()))


def weighting(x: np.ndarray, x_max: float, alpha: float) -> np.ndarray:
    """GloVe's f(x): (x / x_max)^alpha, capped at 1, so rare pairs count less and frequent ones
    do not dominate."""
    return np.minimum(1.0, (np.asarray(x, dtype=np.float64) / x_max) ** alpha)


@dataclass
class GloveParameters:
    """Word vectors W, context vectors C and their biases (mutable while training)."""

    W: np.ndarray  # (V, d)
    C: np.ndarray  # (V, d)
    bw: np.ndarray  # (V,)
    bc: np.ndarray  # (V,)

    @classmethod
    def initial(cls, size: int, dimension: int, seed: int) -> GloveParameters:
        # glove.c: uniform in [-0.5, 0.5] / d for vectors and biases.
        rng = np.random.default_rng(seed)

        def draw(*shape: int) -> np.ndarray:
            return (rng.random(shape) - 0.5) / dimension

        return cls(draw(size, dimension), draw(size, dimension), draw(size), draw(size))


def loss(
    params: GloveParameters,
    rows: np.ndarray,
    cols: np.ndarray,
    x: np.ndarray,
    x_max: float,
    alpha: float,
) -> float:
    """J = sum f(X_ij) (w_i . c_j + b_i + b~_j - log X_ij)^2 over the given cells."""
    diff = _residuals(params, rows, cols, x)
    return float(np.sum(weighting(x, x_max, alpha) * diff**2))


def _residuals(params: GloveParameters, rows, cols, x) -> np.ndarray:
    dots = np.einsum("nd,nd->n", params.W[rows], params.C[cols])
    return dots + params.bw[rows] + params.bc[cols] - np.log(x)


Gradient = dict[str, tuple[np.ndarray, np.ndarray]]


def gradients(params: GloveParameters, rows, cols, x, x_max: float, alpha: float) -> Gradient:
    """The gradient of J on the given cells, per parameter: (rows touched, their gradient)."""
    weighted = 2 * weighting(x, x_max, alpha) * _residuals(params, rows, cols, x)
    result = {}
    for name, index, grad in (
        ("W", rows, weighted[:, None] * params.C[cols]),
        ("C", cols, weighted[:, None] * params.W[rows]),
        ("bw", rows, weighted),
        ("bc", cols, weighted),
    ):
        # A word can appear several times in a batch: its gradients add up.
        touched, position = np.unique(index, return_inverse=True)
        result[name] = (touched, _sum_rows(grad, position, len(touched)))
    return result


class AdaGrad:
    """Per-entry step sizes lr / sqrt(sum of squared gradients); the sums start at 1, as in
    glove.c, so the first steps are not huge."""

    def __init__(self, params: GloveParameters, learning_rate: float) -> None:
        self.learning_rate = learning_rate
        self.sums = GloveParameters(
            np.ones_like(params.W),
            np.ones_like(params.C),
            np.ones_like(params.bw),
            np.ones_like(params.bc),
        )

    def step(self, params: GloveParameters, rows, cols, x, x_max: float, alpha: float) -> None:
        """One update on a batch of cells, all gradients taken before any parameter moves."""
        for name, (touched, grad) in gradients(params, rows, cols, x, x_max, alpha).items():
            history = getattr(self.sums, name)
            history[touched] += grad**2
            getattr(params, name)[touched] -= self.learning_rate * grad / np.sqrt(history[touched])


def _sum_rows(values: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Sum of the rows of values per group 0..count-1 (np.add.at, but several times faster)."""
    if values.ndim == 1:
        return np.bincount(groups, weights=values, minlength=count)
    n = len(groups)
    summing = sparse.csr_matrix((np.ones(n), (groups, np.arange(n))), shape=(count, n))
    return np.asarray(summing @ values)


@dataclass(frozen=True)
class GloveModel:
    """A trained GloVe model: the word vectors as a TrainedModel, and its co-occurrence matrix."""

    model: TrainedModel
    cooccurrence: Cooccurrence
    config: GloveConfig


def train_glove(
    sentences: Sequence[Sequence[str]],
    config: GloveConfig,
    on_epoch: Callable[[EpochReport], None] | None = None,
    matrix: Cooccurrence | None = None,
) -> GloveModel:
    """Build the co-occurrence matrix (unless given), then fit GloVe; on_epoch after each epoch.

    The reported loss is J divided by the number of non-zero cells (the mean weighted squared
    error per cell), so it reads the same whatever the corpus size.
    """
    matrix = matrix or cooccurrence(sentences, config.window, config.min_count)
    coo = matrix.matrix.tocoo()
    rows, cols, x = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    if len(x) == 0:
        raise UserError("No two vocabulary words occur near each other: add text.")
    params = GloveParameters.initial(len(matrix.words), config.vector_size, config.seed)
    optimiser = AdaGrad(params, config.learning_rate)
    rng = np.random.default_rng(config.seed)
    cells = len(x)
    initial = loss(params, rows, cols, x, config.x_max, config.alpha) / cells
    reports: list[EpochReport] = []
    for epoch in range(1, config.epochs + 1):
        start = perf_counter()
        order = rng.permutation(cells)
        for begin in range(0, cells, config.batch_size):
            batch = order[begin : begin + config.batch_size]
            optimiser.step(params, rows[batch], cols[batch], x[batch], config.x_max, config.alpha)
        seconds = perf_counter() - start
        report = EpochReport(
            epoch=epoch,
            loss=loss(params, rows, cols, x, config.x_max, config.alpha) / cells,
            gensim_loss=None,
            words_per_second=cells / max(seconds, 1e-9),  # here: matrix cells per second
            seconds=seconds,
            elapsed=(reports[-1].elapsed if reports else 0.0) + seconds,
        )
        reports.append(report)
        if on_epoch is not None:
            on_epoch(report)
    wv = KeyedVectors(config.vector_size, dtype=np.float32)
    wv.add_vectors(list(matrix.words), (params.W + params.C).astype(np.float32))
    for word, count in zip(matrix.words, matrix.counts):
        wv.set_vecattr(word, "count", int(count))
    seconds = reports[-1].elapsed if reports else 0.0
    trained = TrainedModel(
        # The record of a TrainedModel is a TrainConfig; it carries the shared sizes.
        config=TrainConfig(
            vector_size=config.vector_size,
            window=config.window,
            min_count=config.min_count,
            epochs=config.epochs,
            seed=config.seed,
        ),
        wv=wv,
        vocab_size=len(matrix.words),
        corpus_words=matrix.corpus_words,
        epochs=tuple(reports),
        initial_loss=initial,
        seconds=seconds,
        words_per_second=cells * config.epochs / max(seconds, 1e-9),
    )
    return GloveModel(trained, matrix, config)
