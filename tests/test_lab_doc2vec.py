"""Doc2Vec (PV-DM, PV-DBOW) on the sample corpus, and retrieval beside the transformer model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.classic.doc2vec import (
    Doc2VecConfig,
    compare_retrieval,
    overlap_at_k,
    self_retrieval,
    train_doc2vec,
)
from core.errors import UserError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PATHS = sorted(SAMPLES.glob("*/*.md"))
NAMES = [f"{path.parent.name}/{path.name}" for path in PATHS]


def _questions() -> list[tuple[str, str]]:
    """The sample README's example questions with the file that answers each."""
    lines = (SAMPLES / "README.md").read_text(encoding="utf-8").splitlines()
    return [
        (line[2:].split(" — ")[0], line.split("`")[1])
        for line in lines
        if line.startswith("- ") and " — `" in line
    ]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in PATHS]


@pytest.mark.parametrize("mode", ["dm", "dbow"])
def test_both_modes_find_the_document_that_answers_each_sample_question(texts, mode):
    model = train_doc2vec(texts, Doc2VecConfig(mode=mode, dbow_words=False))
    questions = _questions()
    assert len(questions) == 12
    hits = sum(NAMES.index(gold) in [t for t, _ in model.search(q, 3)] for q, gold in questions)
    assert hits >= 10  # of 12; 14 documents, so chance would be about 2.6
    assert self_retrieval(model) == 1.0
    assert len(model.epoch_seconds) == model.config.epochs


def test_nearest_documents_and_inference(texts):
    model = train_doc2vec(texts, Doc2VecConfig(mode="dm"))
    nearest = model.nearest_documents(NAMES.index("zh/apple-fruit.md"), 3)
    assert NAMES.index("zh/apple-fruit.md") not in [t for t, _ in nearest]
    assert len(nearest) == 3 and all(-1 <= s <= 1 for _, s in nearest)
    # Inference is repeatable: the model's random state is reset each time.
    assert np.array_equal(model.infer("苹果 嫁接 品种"), model.infer("苹果 嫁接 品种"))
    with pytest.raises(UserError, match="None of the paragraph's words"):
        model.infer("xyzzy plugh")


def test_retrieval_beside_the_transformer(e5, texts):
    # Paragraphs of three articles: small enough to encode quickly with the real model.
    chosen = ["en/bread-baking.md", "zh/tea-culture.md", "en/printing-press.md"]
    paragraphs, owner = [], []
    for name in chosen:
        for paragraph in texts[NAMES.index(name)].split("\n\n"):
            if len(paragraph) > 60:
                paragraphs.append(paragraph)
                owner.append(name)
    model = train_doc2vec(paragraphs, Doc2VecConfig(mode="dm", epochs=40))
    encoded = e5.encode_documents(paragraphs)

    def transformer(question: str, k: int) -> list[int]:
        return list(np.argsort(-(encoded @ e5.encode_query(question)), kind="stable")[:k])

    questions = [q for q, gold in _questions() if gold in chosen]
    rows = compare_retrieval(model, [*questions, "  ", "xyzzy"], transformer, k=3)
    assert [row.question for row in rows] == [*questions, "xyzzy"]
    for row, (_, gold) in zip(rows, [(q, g) for q, g in _questions() if g in chosen]):
        assert owner[row.transformer[0]] == gold  # the encoder's best paragraph is on topic
        assert len(row.doc2vec) == 3
        assert row.overlap == overlap_at_k(row.doc2vec, row.transformer)
    assert rows[-1].doc2vec == () and rows[-1].overlap == 0.0


def test_overlap_and_bad_settings():
    assert overlap_at_k([1, 2, 3], [3, 4, 1]) == pytest.approx(2 / 3)
    assert overlap_at_k([], [1]) == 0.0
    with pytest.raises(UserError, match="Unknown Doc2Vec mode 'skip'"):
        Doc2VecConfig(mode="skip")
    with pytest.raises(UserError, match="at least two texts"):
        train_doc2vec(["one"], Doc2VecConfig())
