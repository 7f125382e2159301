"""Reranking with a cross-encoder: a tiny randomly initialised one, built here (no reranker
weights exist offline), tests the path; its rankings mean nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

from core.errors import UserError
from core.records import Chunk, Document
from core.retrieval.rerank import Reranker, load_reranker
from core.retrieval.search import hit_record, search
from core.retrieval.store import open_store
from core.settings import Settings

WORDS = [
    "sourdough",
    "yeast",
    "rises",
    "bread",
    "river",
    "bank",
    "erosion",
    "tea",
    "龙",
    "井",
    "茶",
    "why",
    "does",
    "how",
]
TEXTS = [
    "Sourdough bread rises because of wild yeast.",
    "Tree roots protect a river bank from erosion.",
    "龙井茶产自杭州。",
    "Why does bread rise? Yeast makes gas.",
]


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    BertTokenizer(str(vocab)).save_pretrained(folder)
    config = BertConfig(
        vocab_size=5 + len(WORDS),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=37,
        num_labels=1,
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def test_a_reranker_reorders_the_top_passages_by_its_own_scores(
    tiny_cross_encoder, tmp_path, minilm
):
    store = open_store(Settings(data_dir=tmp_path))
    store.ensure_collection("c", minilm.name, minilm.dimension)
    for i, text in enumerate(TEXTS):
        sha = hashlib.sha256(text.encode()).hexdigest()
        chunk = Chunk(sha, 0, text, f"{i}.md", None, None, 0, len(text), 12)
        document = Document(sha, chunk.source, "text", None, 1, minilm.name, "2024-01-01T00:00Z")
        store.add_document("c", document, [chunk], minilm.encode_documents([text]))
    reranker = load_reranker(str(tiny_cross_encoder))
    question = "why does sourdough bread rise"
    plain = search(store, minilm, "c", question, k=4, mode="hybrid")
    reranked = search(store, minilm, "c", question, k=3, mode="hybrid", reranker=reranker)
    own = Reranker(str(tiny_cross_encoder)).scores(question, [hit.chunk.text for hit in plain])
    by_score = sorted(zip(own, [hit.chunk.text for hit in plain]), key=lambda pair: -pair[0])
    assert [hit.chunk.text for hit in reranked] == [text for _, text in by_score[:3]]
    assert [hit.rank for hit in reranked] == [1, 2, 3]
    assert [hit.why.rerank_score for hit in reranked] == pytest.approx(
        [score for score, _ in by_score[:3]], abs=1e-5
    )
    assert hit_record(reranked[0])["rerank_score"] == round(by_score[0][0], 4)
    assert hit_record(plain[0])["rerank_score"] is None
    store.close()


def test_a_missing_reranker_is_said_in_one_sentence(tmp_path):
    with pytest.raises(UserError, match="No reranker is installed with the app"):
        load_reranker(str(tmp_path / "no-such-model"))
