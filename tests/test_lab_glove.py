"""GloVe: the co-occurrence matrix, the loss and the AdaGrad step by hand; a real training."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from core.classic.evaluation import evaluate
from core.classic.glove import (
    AdaGrad,
    GloveConfig,
    GloveParameters,
    cooccurrence,
    gradients,
    loss,
    train_glove,
    weighting,
)
from core.classic.training import neighbours, tokenize_corpus
from core.errors import UserError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _params() -> GloveParameters:
    return GloveParameters(
        W=np.array([[1.0], [2.0]]),
        C=np.array([[0.5], [-1.0]]),
        bw=np.array([0.0, 1.0]),
        bc=np.array([0.5, 0.0]),
    )


# The cells of X for the sentence "a b a" with window 2 (see the co-occurrence test).
ROWS, COLS, X = np.array([0, 1, 0]), np.array([1, 0, 0]), np.array([2.0, 2.0, 1.0])


def test_cooccurrence_counts_each_pair_once_per_direction_weighted_by_distance():
    matrix = cooccurrence([["a", "b", "a"]], window=2, min_count=1)
    assert matrix.words == ("a", "b")
    assert matrix.counts.tolist() == [2, 1]
    # a-b at distance 1 twice (1 + 1), a-a at distance 2 in both directions (0.5 + 0.5).
    assert matrix.matrix.toarray().tolist() == [[1.0, 2.0], [2.0, 0.0]]
    assert matrix.nonzero == 3
    assert matrix.density == 0.75
    assert matrix.corpus_words == 3


def test_rare_words_are_dropped_before_distances_are_measured():
    matrix = cooccurrence([["x", "rare", "y"], ["x", "y"]], window=1, min_count=2)
    assert matrix.words == ("x", "y")
    # Without 'rare', x and y are neighbours in both sentences.
    assert matrix.matrix.toarray().tolist() == [[0.0, 2.0], [2.0, 0.0]]
    words, block = matrix.top(1)
    assert words == ("x",) and block.tolist() == [[0.0]]
    words, block = matrix.top(5, skip={"x"})
    assert words == ("y",) and block.tolist() == [[0.0]]


def test_too_little_text_is_a_user_error():
    with pytest.raises(UserError, match="Not enough text to train on: 3 words"):
        cooccurrence([["a", "b", "c"]], window=2, min_count=2)


def test_weighting_function():
    assert weighting(np.array([1.0, 5.0, 10.0, 50.0]), 10.0, 1.0).tolist() == [0.1, 0.5, 1.0, 1.0]
    assert weighting(np.array([2.5]), 10.0, 0.5)[0] == pytest.approx(0.5)


def test_loss_on_a_hand_computed_example():
    # x_max 2, alpha 1: f(2) = 1, f(1) = 0.5.
    # (0,1): 1*-1 + 0 + 0 - log 2; (1,0): 2*0.5 + 1 + 0.5 - log 2; (0,0): 1*0.5 + 0 + 0.5 - 0.
    expected = (-1 - math.log(2)) ** 2 + (2.5 - math.log(2)) ** 2 + 0.5 * 1.0**2
    assert loss(_params(), ROWS, COLS, X, x_max=2.0, alpha=1.0) == pytest.approx(expected, 1e-12)
    assert expected == pytest.approx(6.631465, abs=1e-6)


def test_gradients_match_finite_differences():
    params = _params()
    grads = gradients(params, ROWS, COLS, X, 2.0, 1.0)
    step = 1e-6
    for name in ("W", "C", "bw", "bc"):
        dense = np.zeros_like(getattr(params, name))
        touched, values = grads[name]
        dense[touched] = values
        array = getattr(params, name)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + step
            up = loss(params, ROWS, COLS, X, 2.0, 1.0)
            array[index] = saved - step
            down = loss(params, ROWS, COLS, X, 2.0, 1.0)
            array[index] = saved
            assert dense[index] == pytest.approx((up - down) / (2 * step), abs=1e-6)


def test_one_adagrad_step_by_hand():
    params = _params()
    # One cell (0, 0), X = 1: residual 1, f = 0.5, so dJ/d(score) = 2 * 0.5 * 1 = 1.
    AdaGrad(params, learning_rate=0.1).step(
        params, np.array([0]), np.array([0]), np.array([1.0]), 2.0, 1.0
    )
    # grad w0 = c0 = 0.5: history 1 + 0.25; grad c0 = w0 = 1 and both biases 1: history 2.
    assert params.W[0, 0] == pytest.approx(1 - 0.1 * 0.5 / math.sqrt(1.25))
    assert params.C[0, 0] == pytest.approx(0.5 - 0.1 / math.sqrt(2))
    assert params.bw[0] == pytest.approx(0 - 0.1 / math.sqrt(2))
    assert params.bc[0] == pytest.approx(0.5 - 0.1 / math.sqrt(2))
    # Word 1 was not in the batch: untouched.
    assert params.W[1, 0] == 2.0 and params.C[1, 0] == -1.0
    assert params.bw[1] == 1.0 and params.bc[1] == 0.0


def test_a_repeated_word_in_a_batch_sums_its_gradients():
    grads = gradients(_params(), np.array([0, 0]), np.array([1, 0]), np.array([2.0, 1.0]), 2.0, 1.0)
    touched, values = grads["W"]
    g01 = 2 * 1.0 * (-1 - math.log(2))  # f(2) = 1
    g00 = 2 * 0.5 * 1.0
    assert touched.tolist() == [0]
    assert values[0, 0] == pytest.approx(g01 * -1.0 + g00 * 0.5)


@pytest.fixture(scope="module")
def sentences() -> list[list[str]]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*/*.md"))]
    return tokenize_corpus(texts)


def test_training_on_the_sample_corpus_lowers_the_loss_and_gives_word_vectors(sentences):
    reports = []
    glove = train_glove(sentences, GloveConfig(vector_size=20, epochs=6), reports.append)
    model = glove.model
    assert [r.epoch for r in reports] == [1, 2, 3, 4, 5, 6]
    losses = [r.loss for r in reports]
    assert losses[-1] < losses[0] < model.initial_loss
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert model.vocab_size == len(glove.cooccurrence.words) == len(model.wv)
    assert model.wv.vectors.shape == (model.vocab_size, 20)
    assert model.wv.get_vecattr("the", "count") == glove.cooccurrence.counts[0]
    assert model.corpus_words == sum(len(s) for s in sentences)
    near = neighbours(model, "苹果", 5)
    assert len(near) == 5 and "苹果" not in [w for w, _ in near]
    # The evaluation sets of the Classic tab take a GloVe model as they are.
    names = [result.name for result in evaluate(model)]
    assert "WordSim-353 (en)" in names


def test_training_is_reproducible_with_a_seed(sentences):
    config = GloveConfig(vector_size=8, epochs=2)
    one = train_glove(sentences[:200], config).model.wv.vectors
    two = train_glove(sentences[:200], config).model.wv.vectors
    assert np.array_equal(one, two)


def test_bad_settings_are_user_errors():
    with pytest.raises(UserError, match="Alpha must be in"):
        GloveConfig(alpha=0)
    with pytest.raises(UserError, match="Epochs must be at least 1"):
        GloveConfig(epochs=0)
