"""Extractive answers: the best sentence of each passage, cited, and 'no answer' when irrelevant."""

from __future__ import annotations

import pytest

from core.records import Chunk, Hit
from core.retrieval.answer import answer, ask
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.pipeline import Ingestor


def _hit(text: str, rank: int, score: float, page: int | None = 3, source="a.pdf") -> Hit:
    chunk = Chunk("a" * 64, rank, text, source, page, page, 0, len(text), 10)
    return Hit(chunk, score, rank)


def test_the_best_sentence_of_each_passage_is_cited(e5):
    hits = [
        _hit("Bread needs flour. Sourdough rises because wild yeast makes carbon dioxide.", 1, 0.9),
        _hit("長江很长。龙井茶产自杭州西湖。", 2, 0.85, page=None, source="茶.md"),
    ]
    query = "Why does sourdough rise?"
    result = answer(query, e5.encode_query(query), hits, e5, floor=0.8)
    first = result.evidence[0]
    assert first.sentence == "Sourdough rises because wild yeast makes carbon dioxide."
    assert first.citation == "[a.pdf, p. 3]"
    assert result.evidence[1].citation == "[茶.md]"
    assert result.relevant
    assert result.sentences[0] is first
    assert result.text.startswith(
        "Sourdough rises because wild yeast makes carbon dioxide. [a.pdf, p. 3]"
    )


def test_a_sentence_pointing_back_brings_its_antecedent(e5):
    text = (
        "Cats sleep a lot. FastText sums the vectors of character n-grams. "
        "This is how FastText handles unseen words."
    )
    query = "How does FastText handle unseen words?"
    (evidence,) = answer(query, e5.encode_query(query), [_hit(text, 1, 0.9)], e5, 0.8).evidence
    assert evidence.sentence == (
        "FastText sums the vectors of character n-grams. This is how FastText handles unseen words."
    )


def test_passages_below_the_floor_give_no_answer(e5):
    hits = [_hit("The weather was mild.", 1, 0.79), _hit("Taxes are due in April.", 2, 0.75)]
    result = answer("q", e5.encode_query("q"), hits, e5, floor=0.82)
    assert not result.relevant
    assert result.sentences == ()
    assert len(result.evidence) == 2  # the passages are still shown


def test_repeated_sentences_from_overlapping_chunks_appear_once(e5):
    shared = "Negative sampling draws noise words from the unigram distribution."
    hits = [_hit(shared + " More.", 1, 0.9), _hit("Other. " + shared, 2, 0.88)]
    query = "What is negative sampling?"
    result = answer(query, e5.encode_query(query), hits, e5, floor=0.8)
    assert [e.sentence for e in result.sentences] == [shared]


@pytest.fixture
def store_with_tea(tmp_path, e5):
    store = open_store(Settings(data_dir=tmp_path))
    ingestor = Ingestor(store=store, encoder=e5, collection="notes")
    ingestor.ingest("龙井茶产自浙江杭州西湖一带。普洱茶产自云南。".encode(), "茶.md")
    ingestor.ingest(b"Sourdough rises because wild yeast ferments the flour.", "bread.txt")
    yield store
    store.close()


def test_ask_in_chinese_and_english(store_with_tea, e5):
    tea = ask(store_with_tea, e5, "notes", "龙井茶产自哪里？", k=2)
    assert tea.sentences[0].sentence == "龙井茶产自浙江杭州西湖一带。"
    assert tea.sentences[0].citation == "[茶.md]"
    bread = ask(store_with_tea, e5, "notes", "Why does sourdough rise?", k=2)
    assert bread.sentences[0].citation == "[bread.txt]"
    assert bread.floor == e5.relevance_floor


def test_each_source_is_cited_once(e5):
    # Two passages of one page, and another page whose sentence ranks between theirs:
    # the page's sentences are gathered under one citation, at the place of its best one.
    hits = [
        _hit("Sourdough rises because yeast makes carbon dioxide. Rye is a grain.", 1, 0.9),
        _hit("Gluten traps the gas in the dough. Ovens are hot.", 2, 0.89, page=4),
        _hit("Bakers feed the starter with flour and water.", 3, 0.88),
    ]
    query = "Why does sourdough rise and what traps the gas?"
    result = answer(query, e5.encode_query(query), hits, e5, floor=0.8)
    assert [(e.sentence, e.citation) for e in result.sentences] == [
        ("Sourdough rises because yeast makes carbon dioxide.", "[a.pdf, p. 3]"),
        ("Gluten traps the gas in the dough.", "[a.pdf, p. 4]"),
        ("Bakers feed the starter with flour and water.", "[a.pdf, p. 3]"),
    ]
    assert result.cited() == [
        (
            "Sourdough rises because yeast makes carbon dioxide. "
            "Bakers feed the starter with flour and water.",
            "[a.pdf, p. 3]",
        ),
        ("Gluten traps the gas in the dough.", "[a.pdf, p. 4]"),
    ]
    assert result.text == (
        "Sourdough rises because yeast makes carbon dioxide. Bakers feed the starter with flour "
        "and water. [a.pdf, p. 3] Gluten traps the gas in the dough. [a.pdf, p. 4]"
    )
