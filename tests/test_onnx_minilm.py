"""minilm-int8: the bundled MiniLM through ONNX Runtime with int8 weights, against the original."""

from __future__ import annotations

import numpy as np
import pytest

from core.files import default_cache
from core.retrieval.encoders import MINILM_INT8, Encoder, load_encoder

TEXTS = [
    "FastText represents each word as a bag of character n-grams.",
    "The Yangtze is the longest river in Asia and flows into the East China Sea.",
    "Vaccines train the immune system to recognise a pathogen without causing the disease.",
    "Lithium-ion batteries are recycled by shredding cells and recovering cobalt and nickel.",
    "Tea",
    " ".join(["A long passage about glaciers retreating in a warming climate."] * 40),
]


@pytest.fixture(scope="module")
def int8() -> Encoder:
    return load_encoder(MINILM_INT8)


def test_vectors_stay_close_to_the_original_model(int8, minilm):
    ours, theirs = int8.encode_documents(TEXTS), minilm.encode_documents(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.98, cosines
    assert int8.name == MINILM_INT8 and int8.dimension == 384 and int8.max_tokens == 256
    assert int8.count_tokens("Rivers carry sediment.") == minilm.count_tokens(
        "Rivers carry sediment."
    )


def test_batches_sorted_by_length_come_back_in_the_callers_order(int8):
    forward = int8.encode_documents(TEXTS)
    backward = int8.encode_documents(TEXTS[::-1])[::-1]
    np.testing.assert_allclose(forward, backward, atol=1e-6)  # same batches, other order
    alone = np.concatenate([int8.encode_documents([text]) for text in TEXTS])
    # int8 activations are scaled per batch, so a text alone differs slightly from in a batch,
    # but each stays nearest to itself.
    assert list((forward @ alone.T).argmax(axis=1)) == list(range(len(TEXTS)))
    assert ((forward * alone).sum(axis=1) >= 0.98).all()
    assert int8.encode_queries([]).shape == (0, 384)


def test_it_ranks_passages_as_the_original_does(int8, minilm):
    questions = [
        "How are old batteries recycled?",
        "Which river flows into the East China Sea?",
        "How does FastText deal with words it has never seen?",
    ]
    for encoder in (int8, minilm):
        scores = encoder.encode_queries(questions) @ encoder.encode_documents(TEXTS).T
        assert list(scores.argmax(axis=1)) == [3, 1, 0]


def test_the_quantised_model_is_made_once_and_reused(int8):
    files = list(default_cache().glob("all-minilm-l6-v2-int8-*.onnx"))
    assert len(files) >= 1
    newest = max(files, key=lambda path: path.stat().st_mtime)
    before = newest.stat().st_mtime_ns
    again = load_encoder(MINILM_INT8)
    assert newest.stat().st_mtime_ns == before
    np.testing.assert_allclose(
        again.encode_documents(TEXTS[:2]), int8.encode_documents(TEXTS[:2]), atol=1e-6
    )
