"""Search modes (dense, bm25, hybrid), why each hit was found, bad queries and the command line."""

from __future__ import annotations

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core import search as search_cli
from core.errors import UserError
from core.records import Chunk, Document
from core.retrieval.encoders import Encoder
from core.retrieval.search import (
    RRF_K,
    by_script,
    fuse,
    lexical_query,
    ranking,
    scripts_compete,
    search,
)
from core.retrieval.store import Store, open_store
from core.settings import Settings
from core.text import script

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


def test_weighted_rrf_by_hand():
    fused = dict(fuse(["a", "b"], ["b", "c"], weight=0.25))
    assert fused["a"] == pytest.approx(0.25 / (RRF_K + 1))
    assert fused["b"] == pytest.approx(0.25 / (RRF_K + 2) + 0.75 / (RRF_K + 1))
    assert fused["c"] == pytest.approx(0.75 / (RRF_K + 2))
    assert ranking("hybrid", ["a", "b"], ["b", "c"], 0.25) == ["b", "c", "a"]
    assert ranking("hybrid", ["a", "b"], ["b", "c"], 1.0) == ["a", "b", "c"]
    assert ranking("dense", ["a", "b"], ["b", "c"]) == ["a", "b"]
    assert ranking("bm25", ["a", "b"], ["b", "c"]) == ["b", "c"]


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


def test_scripts_are_interleaved_in_hybrid_only():
    script_of = {"e1": "latin", "e2": "latin", "e3": "latin", "z1": "han", "z2": "han"}
    assert ranking("hybrid", ["e1", "e2", "e3", "z1", "z2"], [], 0.5, script_of) == [
        "e1",
        "z1",
        "e2",
        "z2",
        "e3",
    ]
    assert ranking("dense", ["e1", "e2", "z1"], [], 0.5, script_of) == ["e1", "e2", "z1"]
    one_script = {"e1": "latin", "e2": "latin"}
    assert ranking("hybrid", ["e1", "e2"], ["e2"], 0.5, one_script) == ["e2", "e1"]


def test_passages_in_the_other_script_are_fused_one_place_below_their_better_rank():
    script_of = {"e1": "latin", "e2": "latin", "z1": "han", "z2": "han", "z3": "han"}
    # An English question: ranks count within each script; z1, which BM25 does not find, is
    # scored as if BM25 ranked it just below its dense rank; z2, second among the Chinese
    # passages by dense rank but first by BM25 (its words translated), just below its BM25 rank.
    # z3, which only BM25 finds across scripts, gets nothing.
    dense, lexical = ["e1", "z1", "e2", "z2"], ["z2", "e2", "z3"]
    fused = dict(fuse(dense, lexical, 0.5, script_of, "latin"))
    assert fused["e1"] == pytest.approx(0.5 / (RRF_K + 1))
    assert fused["z1"] == pytest.approx(0.5 / (RRF_K + 1) + 0.5 / (RRF_K + 2))
    assert fused["e2"] == pytest.approx(0.5 / (RRF_K + 2) + 0.5 / (RRF_K + 1))
    assert fused["z2"] == pytest.approx(0.5 / (RRF_K + 2) + 0.5 / (RRF_K + 2))
    assert "z3" not in fused
    # z1 and e2 tie and keep the dense order; e1, with no BM25 support, falls behind z2.
    assert ranking("hybrid", dense, lexical, 0.5, script_of, "latin") == [
        "z1",
        "e2",
        "z2",
        "e1",
    ]
    # Without the question's script, fusion is plain RRF over global ranks, as before.
    plain = dict(fuse(dense, lexical, 0.5, script_of))
    assert plain["z2"] == pytest.approx(0.5 / (RRF_K + 4) + 0.5 / (RRF_K + 1))


def test_script_of_mixed_text():
    assert script("长江全长6300余公里，是中国第一长河。") == "han"
    assert script("Word2Vec 是谷歌在2013年发表的词向量方法。") == "han"
    assert script("The Yangtze (长江) is the longest river in Asia.") == "latin"
    assert script("1234 ...") == "latin"


def _script_by_definition(text: str) -> str:
    letters = sum(char.isalpha() for char in text)
    han = len(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text))
    return "han" if letters and han * 3 >= letters else "latin"


def test_script_counts_exactly_as_its_definition():
    samples = Path(__file__).resolve().parents[1] / "samples"
    texts = [
        text[start : start + size]
        for path in sorted(samples.glob("*/*.md"))
        for text in [path.read_text(encoding="utf-8")]
        for size in (7, 60, 400)
        for start in range(0, len(text), 53)
    ]
    # Range ends, unassigned code points inside the ranges (not letters), digits, other
    # scripts, a character beyond the BMP and a lone surrogate.
    odd = ["\u3400", "\u4dbf", "\u9fff", "\ufaff1", ",\ufaff", "ab\ufaff\ufaff", "½²Ⅷ 中"]
    odd += ["é中ab", "中文abcdef", "中文abcdefg", "\U00020000 ab", "\ud800中", "", "1234 ..."]
    assert len(texts) > 1000
    for text in texts + odd:
        assert script(text) == _script_by_definition(text), repr(text)


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
    # ones: plain fusion puts it third; interleaving the scripts keeps it in the top two.
    hits = search(store, e5, "mixed", "How long is the Yangtze River?", k=2, mode="hybrid")
    assert "长江.md" in [hit.chunk.source for hit in hits]
    # BM25 ranks it by the question's words in Chinese, and says which matched.
    (found,) = search(store, e5, "mixed", "Where is Longjing tea grown?", k=1, mode="bm25")
    assert found.chunk.source == "茶.md" and set(found.why.matched) == {"龙井", "龙井茶"}
    store.close()


def test_the_bm25_query_adds_the_questions_words_translated():
    assert lexical_query("Where is Longjing tea grown?") == (
        "Where is Longjing tea grown? 龙井 龙井茶 龙井市 茶 茶叶"
    )
    assert lexical_query("抗生素") == "抗生素 antibiotic"
    assert lexical_query("What is xyzzy?") == "What is xyzzy?"


def test_bm25s_best_passage_in_the_other_script_makes_the_scripts_compete():
    # An English question whose translated words BM25 finds best in a Chinese passage, while
    # dense search puts English passages far ahead (English articles on the same topic).
    script_of = {"z1": "han", "e1": "latin", "e2": "latin"}
    cosines = {"e1": 0.90, "e2": 0.85, "z1": 0.75}  # 0.15 below: no competition by cosine
    assert by_script(cosines, script_of, "latin") == (None, None)
    assert by_script(cosines, script_of, "latin", ["z1", "e1"]) == (script_of, "latin")
    assert by_script(cosines, script_of, "latin", ["e1", "z1"]) == (None, None)


def test_scripts_compete_only_when_the_other_script_comes_close():
    script_of = {"z1": "han", "z2": "han", "e1": "latin"}
    assert scripts_compete({"z1": 0.90, "z2": 0.85, "e1": 0.81}, script_of, "han")  # 0.09 below
    assert not scripts_compete({"z1": 0.90, "e1": 0.79}, script_of, "han")  # 0.11 below
    assert scripts_compete({"e1": 0.70}, script_of, "han")  # nothing in the question's script
    assert not scripts_compete({"z1": 0.90, "z2": 0.80}, script_of, "han")  # one script only


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
    assert hits[0].chunk.text == texts["yangtze.md"][0]
    store.close()
