"""Procrustes alignment: a known rotation recovered exactly; two real Word2Vec spaces aligned."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors

from core.classic.alignment import (
    SAMPLE_DICTIONARY,
    align,
    halves,
    neighbour_agreement,
    parse_pairs,
    procrustes,
    shared_words,
    split_languages,
    translation_accuracy,
)
from core.classic.training import TrainConfig, tokenize_corpus, train
from core.errors import UserError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _rotation(d: int, seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(d, d)))
    return q * np.sign(np.diag(r))


def _keyed(words: list[str], vectors: np.ndarray) -> KeyedVectors:
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(words, vectors.astype(np.float32))
    return kv


def test_procrustes_recovers_a_known_rotation():
    rng = np.random.default_rng(1)
    source = rng.normal(size=(50, 8))
    rotation = _rotation(8, 2)
    found = procrustes(source, source @ rotation)
    assert np.allclose(found, rotation, atol=1e-10)
    assert np.allclose(found @ found.T, np.eye(8), atol=1e-10)


def test_procrustes_needs_matching_shapes():
    with pytest.raises(UserError, match="same shape"):
        procrustes(np.zeros((3, 2)), np.zeros((4, 2)))


def test_translation_accuracy_by_hand():
    source = np.array([[1.0, 0.0], [0.0, 1.0]])
    target = np.array([[0.0, 1.0], [1.0, 0.1]])
    # Row 0 (x axis) is nearest target row 1; row 1 (y axis) nearest target row 0.
    assert translation_accuracy(source, target, [(0, 1), (1, 0)]) == 1.0
    assert translation_accuracy(source, target, [(0, 0), (1, 0)]) == 0.5


def test_a_rotated_copy_is_aligned_and_held_out_words_translate():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(60)]
    vectors = rng.normal(size=(60, 10))
    rotated = vectors @ _rotation(10, 4)
    other = [f"x{i}" for i in range(60)]  # another "language": the pairs are wi -> xi
    result = align(_keyed(words, vectors), _keyed(other, rotated), list(zip(words, other)))
    assert len(result.held_out) == 12 and len(result.seed_pairs) == 48
    assert result.accuracy_after == 1.0
    assert result.seed_accuracy_after == 1.0
    assert result.cosine_after == pytest.approx(1.0, abs=1e-6)
    assert result.accuracy_before < 0.5
    assert result.agreement_after == pytest.approx(1.0)
    assert result.agreement_before < 0.5
    assert all(ok for *_, ok in result.translations)
    assert result.before.shape == result.after.shape == (2 * len(result.labels), 2)
    # After alignment, each source word lands on its target on the joint map.
    n = len(result.labels)
    assert np.allclose(result.after[:n], result.after[n:], atol=1e-5)


def test_neighbour_agreement_by_hand():
    target = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    # k = 2: row 0 of source (x axis) sees target rows {0, 1}; target row 0 sees {0, 1}: 1.
    # Source row 1 (y axis) sees {2, 3}; paired with target row 0, which sees {0, 1}: 0.
    source = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert neighbour_agreement(source, target, [(0, 0)], k=2) == 1.0
    assert neighbour_agreement(source, target, [(0, 0), (1, 0)], k=2) == 0.5


def test_too_few_pairs_is_a_user_error():
    kv = _keyed(["a", "b"], np.eye(2))
    with pytest.raises(UserError, match="Only 2 pairs have both words"):
        align(kv, kv, [("a", "a"), ("b", "b"), ("c", "c")])


@pytest.fixture(scope="module")
def sentences() -> list[list[str]]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*/*.md"))]
    return tokenize_corpus(texts)


CONFIG = TrainConfig(vector_size=32, min_count=2, sample=0.0, epochs=30)


def test_two_word2vec_trainings_with_other_seeds_align(sentences):
    a = train(sentences, CONFIG).wv
    b = train(sentences, TrainConfig(**{**CONFIG.__dict__, "seed": 7})).wv
    pairs = shared_words(a, b, limit=300)
    assert len(pairs) == 300 and pairs[0][0] == a.index_to_key[0]
    result = align(a, b, pairs)
    # Independent trainings share no axes: without the map, nothing translates.
    assert result.accuracy_before < 0.05
    assert result.accuracy_after > 0.5
    assert result.cosine_after > result.cosine_before + 0.5
    assert result.agreement_after > result.agreement_before


def test_two_halves_of_the_corpus_get_closer_but_a_tiny_corpus_translates_poorly(sentences):
    first, second = halves(sentences)
    assert len(first) + len(second) == len(sentences)
    assert first[0] == sentences[0] and second[0] == sentences[1]
    # Another seed for the second: with the same seed gensim starts each word from the same
    # random vector in both trainings, which half-aligns them before any map.
    a = train(first, CONFIG).wv
    b = train(second, TrainConfig(**{**CONFIG.__dict__, "seed": 7})).wv
    result = align(a, b, shared_words(a, b, limit=300))
    assert result.cosine_after > result.cosine_before + 0.3
    assert result.accuracy_after >= result.accuracy_before


def test_seed_dictionary_lines():
    assert parse_pairs("apple 苹果\n\n# comment\nTea,茶\nriver\t河流\nbank = 银行") == [
        ("apple", "苹果"),
        ("tea", "茶"),
        ("river", "河流"),
        ("bank", "银行"),
    ]
    with pytest.raises(UserError, match="Line 2 needs two words"):
        parse_pairs("apple 苹果\nlonely")


def test_a_bilingual_corpus_splits_by_script_and_the_sample_dictionary_is_usable(sentences):
    english, chinese = split_languages(sentences)
    assert english and chinese and len(english) + len(chinese) == len(sentences)
    assert split_languages([["the", "apple"], ["苹果", "是", "fruit"], ["a", "茶"]]) == (
        [["the", "apple"], ["a", "茶"]],
        [["苹果", "是", "fruit"]],
    )
    a = train(english, CONFIG).wv
    b = train(chinese, TrainConfig(**{**CONFIG.__dict__, "seed": 7})).wv
    pairs = parse_pairs(SAMPLE_DICTIONARY)
    usable = [(x, y) for x, y in pairs if x in a and y in b]
    assert len(usable) >= 15
    result = align(a, b, pairs)
    assert len(result.seed_pairs) + len(result.held_out) == len(set(usable))
    assert result.seed_accuracy_after > result.accuracy_before
