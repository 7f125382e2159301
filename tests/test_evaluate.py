"""Evaluation: metrics, the python -m core.evaluate contract, question sets and their bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from core import evaluate as evaluate_cli
from core.errors import UserError
from core.records import Chunk, Document
from core.retrieval.encoders import Encoder
from core.retrieval.evaluation import (
    Question,
    evaluate_questions,
    mrr_at_k,
    ndcg_at_k,
    read_questions,
    scores,
)
from core.retrieval.store import open_store
from core.settings import Settings

DOCS = {
    "d1": ("Sourdough", "Wild yeast and lactic bacteria make sourdough bread rise."),
    "d2": ("Telescopes", "Galileo pointed his telescope at Jupiter and saw four moons."),
    "d3": ("Rivers", "Tree roots hold the soil of a river bank against erosion."),
    "d4": ("Vaccines", "An mRNA vaccine makes cells build a harmless spike protein."),
}
QUERIES = {
    "q1": "Why does sourdough rise?",
    "q2": "What did Galileo see around Jupiter?",
    "q3": "How do roots protect a river bank?",
}
QRELS = [("q1", "d1", 1), ("q2", "d2", 1), ("q3", "d3", 1)]


@pytest.fixture(scope="module")
def beir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-beir")
    lines = [json.dumps({"_id": d, "title": t, "text": x}) for d, (t, x) in DOCS.items()]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = [json.dumps({"_id": q, "text": text}) for q, text in QUERIES.items()]
    (folder / "queries.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "qrels").mkdir()
    rows = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{d}\t{s}" for q, d, s in QRELS]
    (folder / "qrels" / "test.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_metrics_by_hand():
    relevance = {"b": 1}
    assert mrr_at_k(["a", "b"], relevance, 10) == 0.5
    assert ndcg_at_k(["a", "b"], relevance, 10) == pytest.approx(1 / 1.5849625)
    result = scores({"x": ["a", "b"], "y": ["c"]}, {"x": relevance, "y": {"z": 1}})
    assert result["mrr@10"] == 0.25 and result["recall@1"] == 0.0 and result["recall@5"] == 0.5
    assert result["queries"] == 2


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_the_beir_command_line_prints_one_json_object(beir, tmp_path, capsys, mode):
    argv = ["--beir", str(beir), "--model", "minilm", "--mode", mode, "--json"]
    assert evaluate_cli.main([*argv, "--db", str(tmp_path / "db")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["mode"] == mode and result["model"] == "minilm" and result["queries"] == 3
    # Every question names its document's own words: each mode puts it first.
    assert result["ndcg@10"] == 1.0 and result["mrr@10"] == 1.0
    assert result["recall@10"] == 1.0 and result["recall@100"] == 1.0
    assert result["documents"] == 4 and result["chunks"] == 4


def test_a_folder_that_is_not_beir_is_refused(tmp_path, capsys):
    argv = ["--beir", str(tmp_path), "--model", "minilm", "--mode", "bm25", "--json"]
    assert evaluate_cli.main(argv) == 2
    assert capsys.readouterr().err.startswith("error: Not a BEIR folder: missing ")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("q.csv", b"query,expected\nhello,world\n", "needs a 'question' column and an 'answer'"),
        ("q.jsonl", b'{"question": "hi"}\n', "question 1: needs a question and an answer or"),
        ("q.jsonl", b"not json\n", "line 1: not a JSON object"),
        ("q.txt", b"question,answer\n", "upload a question set as .csv or .jsonl"),
        ("q.csv", b"question,answer\n", "has no questions"),
        ("q.csv", b"question,file,page\nhi,a.pdf,two\n", "page 'two' is not a number"),
    ],
)
def test_bad_question_sets_get_one_sentence(name, data, message):
    with pytest.raises(UserError, match=message):
        read_questions(name, data)


def test_question_sets_read_from_csv_and_jsonl():
    csv_data = "question,answer,file,page\n龙井茶产自哪里？,杭州,tea.md,\nWhy?,,b.pdf,3\n"
    assert read_questions("q.csv", csv_data.encode("utf-8-sig")) == [
        Question("龙井茶产自哪里？", "杭州", "tea.md", None),
        Question("Why?", "", "b.pdf", 3),
    ]
    jsonl = '{"question": "Who?", "answer": "Gutenberg"}\n\n'
    assert read_questions("q.jsonl", jsonl.encode()) == [Question("Who?", "Gutenberg")]


def test_questions_over_a_collection_rank_the_expected_passage(tmp_path, minilm: Encoder):
    store = open_store(Settings(data_dir=tmp_path))
    store.ensure_collection("c", minilm.name, minilm.dimension)
    for doc_id, (title, text) in DOCS.items():
        sha = hashlib.sha256(doc_id.encode()).hexdigest()
        chunk = Chunk(sha, 0, text, f"{title.lower()}.md", None, None, 0, len(text), 20)
        document = Document(sha, chunk.source, "text", None, 1, minilm.name, "2024-01-01T00:00Z")
        store.add_document("c", document, [chunk], minilm.encode_documents([text]))
    questions = [
        Question("Why does sourdough rise?", answer="wild  YEAST"),
        Question("Who saw four moons?", file="telescopes.md"),
        Question("What is quantum chromodynamics?", answer="gluons"),  # nowhere: a miss
    ]
    report = evaluate_questions(store, minilm, "c", questions, ["dense", "bm25", "hybrid"])
    for mode in ("dense", "bm25", "hybrid"):
        assert [o.ranks[mode] for o in report.outcomes] == [1, 1, None]
        assert report.scores[mode]["recall@1"] == pytest.approx(2 / 3, abs=1e-4)
        assert [o.question.answer for o in report.misses(mode)] == ["gluons"]
    with pytest.raises(UserError, match="names files not in 'c': nope.pdf"):
        evaluate_questions(store, minilm, "c", [Question("Why?", file="nope.pdf")])
    store.close()
