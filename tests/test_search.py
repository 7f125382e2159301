"""Search modes (dense, bm25, hybrid), why each hit was found, bad queries and the command line."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core import search as search_cli
from core.errors import UserError
from core.records import Chunk, Document
from core.retrieval.encoders import Encoder
from core.retrieval.search import fuse, lexical_query, ranking, search
from core.retrieval.store import Store, open_store
from core.settings import Settings

TEXTS = {
    "models.md": [
        "Sentence encoders map a sentence to one vector so that similar meanings lie close.",
        "The checkpoint all-MiniLM-L6-v2 produces 384-dimensional vectors for English text.",
        "Cosine similarity compares two vectors by the angle between them.",
    ],
    "baking.md": [
        "Sourdough bread rises because wild yeast and bacteria ferment the dough.",
        "Bakers keep a starter alive by feeding it flour and water every day.",
    ],
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, minilm: Encoder) -> Path:
    folder = tmp_path_factory.mktemp("search")
    store = open_store(Settings(data_dir=folder))
    store.ensure_collection("docs", minilm.name, minilm.dimension)
    for source, texts in TEXTS.items():
        sha = hashlib.sha256(source.encode()).hexdigest()
        chunks = [
            Chunk(sha, i, text, source, None, None, 0, len(text), minilm.count_tokens(text))
            for i, text in enumerate(texts)
        ]
        document = Document(
            sha, source, "text", None, len(chunks), minilm.name, "2024-01-01T00:00:00Z"
        )
        store.add_document("docs", document, chunks, minilm.encode_documents(texts))
    store.close()
    return folder


@pytest.fixture(scope="module")
def store(data_dir: Path) -> Store:
    store = open_store(Settings(data_dir=data_dir))
    yield store
    store.close()


def test_score_fusion_by_hand():
    dense = [("a", 0.90), ("b", 0.80), ("c", 0.70)]  # scaled: a 1, b 0.5, c 0
    lexical = [("c", 8.0), ("d", 2.0)]  # scaled: c 1, d 0.25
    fused = dict(fuse(dense, lexical, weight=0.25))
    assert fused == pytest.approx({"a": 0.25, "b": 0.125, "c": 0.75, "d": 0.1875})
    assert ranking("hybrid", dense, lexical, 0.25) == ["c", "a", "d", "b"]
    assert ranking("hybrid", dense, lexical, 1.0) == ["a", "b", "c", "d"]  # ties: dense order
    assert ranking("hybrid", dense, lexical, 0.0) == ["c", "d", "a", "b"]
    assert ranking("dense", dense, lexical) == ["a", "b", "c"]
    assert ranking("bm25", dense, lexical) == ["c", "d"]


def test_score_fusion_of_one_candidate_empty_rankings_and_zero_scores():
    assert fuse([("a", 0.8)], [], 0.5) == [("a", 0.5)]  # the best dense candidate scales to 1
    assert fuse([], [("a", 0.0), ("b", 0.0)], 0.5) == [("a", 0.0), ("b", 0.0)]
    assert fuse([], [], 0.5) == []


def test_dense_scores_are_measured_from_the_median_of_their_language():
    # A question scores passages in its own language higher whatever they say: its answer in
    # the other language ("zh1") stands out only among the passages in that language.
    dense = [("en1", 0.84), ("en2", 0.82), ("en3", 0.80), ("zh1", 0.79), ("zh2", 0.75)]
    dense += [("zh3", 0.74)]
    languages = {"en1": "en", "en2": "en", "en3": "en", "zh1": "zh", "zh2": "zh", "zh3": "zh"}
    # From the medians (en 0.82, zh 0.75): en 0.02, 0, -0.02; zh 0.04, 0, -0.01.
    fused = dict(fuse(dense, [], 1.0, languages))
    expected = {"zh1": 1.0, "en1": 4 / 6, "en2": 2 / 6, "zh2": 2 / 6, "zh3": 1 / 6, "en3": 0.0}
    assert fused == pytest.approx(expected)
    assert ranking("hybrid", dense, [], 1.0, languages) == [
        "zh1",
        "en1",
        "en2",
        "zh2",
        "zh3",
        "en3",
    ]
    # One language (or none known): the scores are scaled as they are.
    assert ranking("hybrid", dense, [], 1.0) == [key for key, _ in dense]
    assert fuse(dense, [], 1.0, dict.fromkeys(languages, "en")) == fuse(dense, [], 1.0)


def test_a_passage_dense_search_puts_first_by_far_beats_one_both_rank_fairly():
    # Reciprocal ranks (k = 60) put "fair" (dense 2nd, BM25 3rd) above "answer" (dense 1st,
    # BM25 5th); the scores say that dense search prefers "answer" by far.
    dense = [("answer", 0.91), ("fair", 0.86), *[(f"d{i}", 0.85 - i / 100) for i in range(9)]]
    lexical = [("l0", 9.0), ("l1", 8.9), ("fair", 8.7), ("l2", 8.6), ("answer", 6.0)]
    assert ranking("hybrid", dense, lexical, 0.5)[:2] == ["answer", "fair"]


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_every_mode_finds_an_exact_model_name_and_says_why(store, minilm, mode):
    hits = search(store, minilm, "docs", "all-MiniLM-L6-v2", k=3, mode=mode)
    top = hits[0]
    assert top.chunk.text == TEXTS["models.md"][1]
    assert top.why is not None and top.why.mode == mode
    assert top.why.bm25_rank == 1
    assert set(top.why.matched) == {"minilm", "l6", "v2"}  # "all" is a stop-word
    assert top.score == pytest.approx(top.why.dense_score)
    assert [hit.rank for hit in hits] == list(range(1, len(hits) + 1))


def test_bm25_mode_returns_only_chunks_with_a_query_term(store, minilm):
    hits = search(store, minilm, "docs", "starter flour", k=5, mode="bm25")
    assert [hit.chunk.text for hit in hits] == [TEXTS["baking.md"][1]]
    # Its cosine is computed even though dense ranking did not put it first.
    assert 0.0 < hits[0].score <= 1.0


def test_searches_from_many_threads_at_once_find_what_one_at_a_time_finds(store, minilm):
    # The app serves sessions from threads, and each search runs its BM25 side on another.
    queries = ["all-MiniLM-L6-v2", "starter flour", "yeast bread", "cosine angle"] * 3
    alone = [
        [(hit.chunk.id, hit.why) for hit in search(store, minilm, "docs", query, k=3)]
        for query in queries
    ]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(lambda query: search(store, minilm, "docs", query, k=3), queries))
    assert [[(hit.chunk.id, hit.why) for hit in hits] for hits in together] == alone


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("   ", "Type a question"),
        ("?!。，…", "no words to search for"),
        ("why " * 1500, "too long"),
    ],
)
def test_bad_queries_get_one_sentence(store, minilm, query, message):
    with pytest.raises(UserError, match=message):
        search(store, minilm, "docs", query, mode="hybrid")


def test_unknown_mode_and_weight_are_refused(store, minilm):
    with pytest.raises(UserError, match="Unknown search mode 'sparse'"):
        search(store, minilm, "docs", "bread", mode="sparse")
    with pytest.raises(UserError, match="between 0 and 1"):
        search(store, minilm, "docs", "bread", weight=1.5)


def test_the_command_line_says_which_mode_ran(data_dir, capsys):
    argv = ["sourdough yeast", "--db", str(data_dir), "--collection", "docs", "-k", "2", "--json"]
    assert search_cli.main([*argv, "--mode", "bm25"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["mode"] for r in records] == ["bm25"]  # only one chunk has either word
    assert records[0]["bm25_rank"] == 1 and records[0]["matched_terms"] == ["sourdough", "yeast"]
    assert search_cli.main([*argv, "--mode", "hybrid"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["mode"] for r in records] == ["hybrid", "hybrid"]
    assert records[0]["fused_rank"] == 1 and records[0]["source"] == "baking.md"
    assert set(records[0]) >= {"dense_rank", "dense_score", "bm25_score", "fused_score"}

    assert search_cli.main(["...", "--db", str(data_dir), "--collection", "docs"]) == 2
    assert capsys.readouterr().err.startswith("error: The question has no words")


def test_an_english_question_finds_its_chinese_passage_in_hybrid(tmp_path, e5):
    texts = {
        "bread.md": "Bread dough rises because yeast ferments the sugar in flour.",
        "rivers.md": "Long rivers carry sediment to the sea and build wide deltas.",
        "nile.md": "The Nile is a very long river that flows north through Egypt.",
        "长江.md": "长江全长6300余公里，是中国第一长河。",
        "茶.md": "龙井茶产自浙江杭州西湖一带。",
    }
    store = open_store(Settings(data_dir=tmp_path))
    store.ensure_collection("mixed", e5.name, e5.dimension)
    for source, text in texts.items():
        sha = hashlib.sha256(source.encode()).hexdigest()
        chunk = Chunk(sha, 0, text, source, None, None, 0, len(text), e5.count_tokens(text))
        document = Document(sha, source, "text", None, 1, e5.name, "2024-01-01T00:00:00Z")
        store.add_document("mixed", document, [chunk], e5.encode_documents([text]))
    # Dense ranks the Chinese passage first, but BM25 matches "long" and "river" in two English
    # ones: the top two still hold it.
    hits = search(store, e5, "mixed", "How long is the Yangtze River?", k=2, mode="hybrid")
    assert "长江.md" in [hit.chunk.source for hit in hits]
    # BM25 ranks it by the question's words in Chinese, and says which matched.
    (found,) = search(store, e5, "mixed", "Where is Longjing tea grown?", k=1, mode="bm25")
    assert found.chunk.source == "茶.md" and set(found.why.matched) == {"龙井", "龙井茶"}
    store.close()


def test_the_bm25_query_adds_the_questions_words_translated():
    assert lexical_query("Where is Longjing tea grown?") == (
        "Where is Longjing tea grown? 龙井 龙井茶 龙井市 茶 茶叶 增长 生长 成长"  # grown: grow
    )
    assert lexical_query("抗生素") == "抗生素 antibiotic"
    assert lexical_query("What is xyzzy?") == "What is xyzzy?"


def test_an_unrelated_passage_in_the_other_script_is_not_lifted_to_the_top(tmp_path, e5):
    store = open_store(Settings(data_dir=tmp_path))
    store.ensure_collection("mixed", e5.name, e5.dimension)
    texts = {
        "yangtze.md": [
            "长江全长6300余公里，是中国第一长河。",
            "长江三峡由瞿塘峡、巫峡和西陵峡组成。",
            "长江里生活着数百种鱼类，其中不少是长江特有种。",
        ],
        "telescopes.md": [
            "Instruments with mirrors of more than twenty metres will see the first galaxies.",
            "Radio telescopes combine dishes across continents into one virtual antenna.",
        ],
    }
    for source, chunk_texts in texts.items():
        sha = hashlib.sha256(source.encode()).hexdigest()
        chunks = [
            Chunk(sha, i, text, source, None, None, 0, len(text), e5.count_tokens(text))
            for i, text in enumerate(chunk_texts)
        ]
        document = Document(sha, source, "text", None, len(chunks), e5.name, "2024-01-01")
        store.add_document("mixed", document, chunks, e5.encode_documents(chunk_texts))
    hits = search(store, e5, "mixed", "长江有多长？", k=3, mode="hybrid")
    assert [hit.chunk.source for hit in hits] == ["yangtze.md"] * 3
    # Dense search ranks the answer first; BM25 ranks first the passage that says 长江 twice,
    # and in a collection of five passages its best score, however weak, scales to 1.
    assert texts["yangtze.md"][0] in [hit.chunk.text for hit in hits[:2]]
    store.close()
