"""BM25 (core.retrieval.lexical): terms in both languages, persistence, and staying in step with
the store through add, re-index and delete."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import chromadb
import numpy as np
import pytest

from core.records import Chunk, Document
from core.retrieval.chroma import chroma_settings
from core.retrieval.encoders import Encoder
from core.retrieval.lexical import TERMS_FILE, LexicalIndex, matched_spans, terms
from core.retrieval.store import LEXICAL_FOLDER, Store


def _chunks(source: str, texts: list[str]) -> tuple[Document, list[Chunk]]:
    sha = hashlib.sha256((source + "\n".join(texts)).encode()).hexdigest()
    chunks = [
        Chunk(sha, i, text, source, None, None, 0, len(text), len(text) // 4 + 1)
        for i, text in enumerate(texts)
    ]
    document = Document(sha, source, "text", None, len(chunks), "minilm", "2024-01-01T00:00:00Z")
    return document, chunks


def test_english_terms_are_lower_cased_stemmed_and_stop_words_dropped():
    assert terms("The Models were TRAINED on running texts.") == ["model", "train", "run", "text"]


def test_chinese_is_cut_in_search_mode_and_latin_terms_and_numbers_kept():
    assert terms("中华人民共和国") == ["中华", "华人", "人民", "共和", "共和国", "中华人民共和国"]
    assert terms("使用Word2Vec训练词向量，阈值为0.75。") == [
        "使用",
        "word2vec",
        "训练",
        "词",
        "向量",
        "阈值",
        "0.75",
    ]


def test_matched_spans_point_at_the_surface_forms():
    text = "FastText handles unseen words; 长江全长6300余公里。"
    spans = matched_spans(text, terms("handle the word 长江 6300"))
    assert [text[a:b] for a, b in spans] == ["handles", "words", "长江", "6300"]


def test_an_index_survives_a_restart_and_forgets_deleted_documents(tmp_path: Path):
    tea, tea_chunks = _chunks("tea.md", ["龙井茶产于杭州西湖。", "普洱茶产于云南，可以长期存放。"])
    bread, bread_chunks = _chunks("bread.md", ["Sourdough rises because of wild yeast.", "Salt."])
    index = LexicalIndex(tmp_path / "lex")
    index.add(tea.sha256, tea_chunks)
    index.add(bread.sha256, bread_chunks)
    assert [hit.chunk_id for hit in index.search("普洱茶在哪里", 5)] == [tea_chunks[1].id]
    assert [hit.chunk_id for hit in index.search("why does sourdough rise", 5)] == [
        bread_chunks[0].id
    ]

    again = LexicalIndex(tmp_path / "lex")  # a restart: the saved matrix is loaded
    assert (tmp_path / "lex" / "built" / "ee_ids.json").exists()
    first = index.search("yeast 龙井", 5)
    assert [(h.chunk_id, h.rank) for h in again.search("yeast 龙井", 5)] == [
        (h.chunk_id, h.rank) for h in first
    ]
    assert {h.chunk_id for h in first} == {tea_chunks[0].id, bread_chunks[0].id}

    again.remove(tea.sha256)
    assert again.search("龙井", 5) == []
    assert LexicalIndex(tmp_path / "lex").documents() == {bread.sha256: 2}
    assert index.search("龙井", 5) == []  # the other instance sees the new generation


def test_scores_are_lucenes_bm25_over_the_chunks_terms(tmp_path: Path):
    texts = ["River deltas: the river slows.", "A river mouth.", "长江三角洲 river", "Snow melts."]
    document, chunks = _chunks("rivers.md", texts)
    index = LexicalIndex(tmp_path / "lex")
    index.add(document.sha256, chunks)
    chunk_terms = [terms(text) for text in texts]
    average = sum(map(len, chunk_terms)) / len(chunk_terms)

    def lucene(query: list[str], words: list[str]) -> float:  # k1 1.5, b 0.75
        score = 0.0
        for term in query:
            df = sum(term in other for other in chunk_terms)
            idf = np.log(1 + (len(texts) - df + 0.5) / (df + 0.5))
            tf = words.count(term)
            score += idf * tf / (tf + 1.5 * (0.25 + 0.75 * len(words) / average))
        return score

    query = terms("river delta 长江")
    expected = sorted(
        (
            (lucene(query, words), chunk.id)
            for chunk, words in zip(chunks, chunk_terms, strict=True)
        ),
        key=lambda pair: -pair[0],
    )[:3]
    hits = index.search("river delta 长江", 5)
    assert [hit.chunk_id for hit in hits] == [chunk_id for _, chunk_id in expected]
    assert [hit.score for hit in hits] == pytest.approx([score for score, _ in expected], rel=1e-5)


def test_an_index_in_memory_stays_in_step_with_the_store():
    # What a reader uses while another process holds the data folder's write lock.
    tea, tea_chunks = _chunks("tea.md", ["龙井茶产于杭州西湖。", "普洱茶产于云南。"])
    bread, bread_chunks = _chunks("bread.md", ["Sourdough rises because of wild yeast."])
    chunks_of = {tea.sha256: tea_chunks, bread.sha256: bread_chunks}
    index = LexicalIndex(None)
    assert index.sync({tea.sha256: 2}, chunks_of.__getitem__) == (1, 0)
    assert index.sync({tea.sha256: 2, bread.sha256: 1}, chunks_of.__getitem__) == (1, 0)
    assert index.documents() == {tea.sha256: 2, bread.sha256: 1}
    assert [hit.chunk_id for hit in index.search("yeast", 5)] == [bread_chunks[0].id]
    assert index.sync({bread.sha256: 1}, chunks_of.__getitem__) == (0, 1)
    assert index.search("普洱茶", 5) == []


def test_queries_without_known_terms_find_nothing(tmp_path: Path):
    index = LexicalIndex(None)
    document, chunks = _chunks("a.md", ["Rivers carry sediment to the sea."])
    index.add(document.sha256, chunks)
    assert index.search("the of and", 5) == []
    assert index.search("quantum chromodynamics", 5) == []
    assert index.search("", 5) == []


def test_document_frequencies_count_the_chunks_holding_each_term(tmp_path: Path):
    index = LexicalIndex(tmp_path / "bm25")
    assert index.document_frequencies(["river"]) == ({"river": 0}, 0)  # nothing indexed yet
    texts = ["Rivers carry sediment.", "A river bends; rivers meander.", "长江是中国第一长河。"]
    document, chunks = _chunks("a.md", texts)
    index.add(document.sha256, chunks)
    wanted = ["river", "sediment", "长江", "volcano"]
    assert index.document_frequencies(wanted) == (
        {"river": 2, "sediment": 1, "长江": 1, "volcano": 0},
        3,
    )
    assert LexicalIndex(tmp_path / "bm25").document_frequencies(wanted)[0]["river"] == 2  # saved


def test_holding_lists_the_chunks_with_every_term():
    index = LexicalIndex(None)
    texts = ["Debian 12 is bookworm.", "Debian 13 is trixie.", "Ubuntu 13 is old.", "长江 13"]
    document, chunks = _chunks("a.md", texts)
    index.add(document.sha256, chunks)
    assert index.holding(["debian", "13"], 10) == [chunks[1].id]
    assert index.holding(["13"], 10) == [chunks[1].id, chunks[2].id, chunks[3].id]
    assert index.holding(["13"], 2) == [chunks[1].id, chunks[2].id]
    assert index.holding(["debian", "14"], 10) == []
    assert index.holding([], 10) == []


def test_a_chinese_term_is_also_found_inside_the_longer_words_jieba_keeps_whole():
    index = LexicalIndex(None)
    texts = ["大熊猫每天吃掉十几千克竹子。", "熊猫吃竹子，也吃掉竹笋。", "长江是中国第一长河。"]
    document, chunks = _chunks("a.md", texts)
    index.add(document.sha256, chunks)
    # 吃 is a term of the second chunk only; 吃掉 holds it in the first, and in the second again.
    frequencies, _ = index.document_frequencies(["吃", "天", "竹子", "火山"])
    assert frequencies == {"吃": 2, "天": 1, "竹子": 2, "火山": 0}
    assert index.holding(["吃", "竹"], 10) == [chunks[0].id, chunks[1].id]
    assert index.holding(["吃", "天"], 10) == [chunks[0].id]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return _open(tmp_path)


def _open(folder: Path) -> Store:
    """A store on the data folder (another one, or the same one after a restart)."""
    client = chromadb.PersistentClient(path=str(folder / "chroma"), settings=chroma_settings())
    return Store(client, lock_path=folder / "write.lock", lexical_dir=folder / LEXICAL_FOLDER)


def _add(store: Store, encoder: Encoder, document: Document, chunks: list[Chunk]) -> None:
    """Store the chunks in collection 'c' (made for the encoder if missing) with the encoder's
    vectors, as a document of its model."""
    store.ensure_collection("c", encoder.name, encoder.dimension)
    vectors = encoder.encode_documents([chunk.text for chunk in chunks])
    store.add_document("c", replace(document, model=encoder.name), chunks, vectors)


def test_the_store_keeps_bm25_in_step_through_add_reindex_and_delete(
    store: Store, minilm: Encoder, tmp_path: Path
):
    river, river_chunks = _chunks("river.md", ["Rivers carry sediment.", "Floods renew wetlands."])
    press, press_chunks = _chunks("press.md", ["Gutenberg built a printing press."])
    _add(store, minilm, river, river_chunks)
    _add(store, minilm, press, press_chunks)
    assert [h.chunk_id for h in store.lexical_search("c", "gutenberg", 5)] == [press_chunks[0].id]

    # Re-index the same file with other chunks: the old terms go, the new ones come.
    changed = [Chunk(**{**press_chunks[0].__dict__, "text": "Movable type spread quickly."})]
    _add(store, minilm, press, changed)
    assert store.lexical_search("c", "gutenberg", 5) == []
    assert [h.chunk_id for h in store.lexical_search("c", "movable type", 5)] == [changed[0].id]

    store.delete_document("c", river.sha256)
    assert store.lexical_search("c", "floods wetlands", 5) == []

    # A restart (a new Store on the same folder) finds the same.
    store.close()
    reopened = _open(tmp_path)
    assert [h.chunk_id for h in reopened.lexical_search("c", "movable", 5)] == [changed[0].id]

    reopened.delete_collection("c")
    assert not any((tmp_path / LEXICAL_FOLDER).iterdir())


def test_a_collection_without_a_bm25_index_gets_one_from_chroma(
    store: Store, minilm: Encoder, tmp_path: Path
):
    document, chunks = _chunks("a.md", ["Sourdough rises because of wild yeast."])
    _add(store, minilm, document, chunks)
    store.close()
    # A data folder from before BM25 existed: the lexical folder is missing.
    for path in sorted((tmp_path / LEXICAL_FOLDER).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    reopened = _open(tmp_path)
    assert [h.chunk_id for h in reopened.lexical_search("c", "yeast", 5)] == [chunks[0].id]
    assert np.isclose(
        reopened.vectors_by_id("c", [chunks[0].id])[chunks[0].id] @ minilm.encode_query("yeast"),
        minilm.encode_documents([chunks[0].text])[0] @ minilm.encode_query("yeast"),
        atol=1e-5,
    )


def test_a_reader_searches_while_another_store_keeps_writing(
    store: Store, minilm: Encoder, tmp_path: Path
):
    # The app searching while the ingest worker holds the write lock and adds one file after
    # another: the reader cannot write the BM25 folder, so it keeps the index in memory.
    writer = _open(tmp_path)
    for name, text, word in (
        ("river.md", "Rivers carry sediment to the sea.", "sediment"),
        ("press.md", "Gutenberg built a printing press.", "gutenberg"),
        ("bread.md", "Sourdough rises because of wild yeast.", "yeast"),
    ):
        document, chunks = _chunks(name, [text])
        _add(writer, minilm, document, chunks)
        assert [hit.chunk_id for hit in store.lexical_search("c", word, 5)] == [chunks[0].id]
    writer.close()


def test_the_index_keeps_each_chunks_language(tmp_path: Path):
    texts = [
        "龙井茶产于杭州西湖。",
        "Word2Vec 词向量 river",
        "GloVe 把共现矩阵分解成词向量。",
        "Salt.",
    ]
    document, chunks = _chunks("mixed.md", texts)
    index = LexicalIndex(tmp_path / "lex")
    index.add(document.sha256, chunks)
    expected = dict(zip([chunk.id for chunk in chunks], ["zh", "en", "zh", "en"], strict=True))
    assert index.languages([*expected, "unknown:000000"]) == expected
    assert LexicalIndex(tmp_path / "lex").languages(expected) == expected  # saved with the matrix


def test_an_index_saved_before_languages_were_kept_tells_them_from_the_terms(
    store: Store, minilm: Encoder, tmp_path: Path
):
    document, chunks = _chunks(
        "a.md", ["龙井茶产于杭州西湖。", "Sourdough rises because of yeast."]
    )
    _add(store, minilm, document, chunks)
    ids = [chunk.id for chunk in chunks]
    assert store.languages("c", ids) == {ids[0]: "zh", ids[1]: "en"}
    store.close()
    # Term files and a matrix saved before languages were kept.
    (term_file,) = (tmp_path / LEXICAL_FOLDER).rglob(f"{document.sha256}.json")
    kept = json.loads(term_file.read_text(encoding="utf-8"))
    del kept["languages"]
    term_file.write_text(json.dumps(kept), encoding="utf-8")
    for built in (tmp_path / LEXICAL_FOLDER).rglob("ee_chinese.npy"):
        built.unlink()
    reopened = _open(tmp_path)
    assert reopened.lexical_search("c", "yeast", 5)[0].chunk_id == ids[1]
    assert reopened.languages("c", ids) == {ids[0]: "zh", ids[1]: "en"}
    assert list((tmp_path / LEXICAL_FOLDER).rglob("ee_chinese.npy"))  # the matrix was rebuilt
    reopened.close()


def test_traditional_and_simplified_chinese_find_each_other(tmp_path: Path):
    keys, key_chunks = _chunks("gpg.txt", ["RSA 可以被用來簽署及加密。", "請輸入金鑰的尺寸"])
    tea, tea_chunks = _chunks("tea.md", ["龙井茶产于杭州西湖。"])
    index = LexicalIndex(tmp_path / "lex")
    index.add(keys.sha256, key_chunks)
    index.add(tea.sha256, tea_chunks)
    assert [hit.chunk_id for hit in index.search("签署和加密", 5)] == [key_chunks[0].id]
    assert [hit.chunk_id for hit in index.search("龍井茶產於哪裡", 5)] == [tea_chunks[0].id]
    # Highlights point at the passage's own (traditional) characters.
    text = key_chunks[0].text
    assert [text[a:b] for a, b in matched_spans(text, terms("签署"))] == ["簽署"]


def test_a_word_typed_without_its_accents_finds_it(tmp_path: Path):
    lake, chunks = _chunks("lake.md", ["Lake Zürich lies south-east of the city."])
    index = LexicalIndex(tmp_path / "lex")
    index.add(lake.sha256, chunks)
    assert [hit.chunk_id for hit in index.search("Zurich", 5)] == [chunks[0].id]
    assert [hit.chunk_id for hit in index.search("ZÜRICH", 5)] == [chunks[0].id]
    text = chunks[0].text
    assert [text[a:b] for a, b in matched_spans(text, terms("zurich"))] == ["Zürich"]


def test_an_index_whose_terms_an_older_tokeniser_made_is_made_again(
    store: Store, minilm: Encoder, tmp_path: Path
):
    document, chunks = _chunks("gpg.txt", ["RSA 可以被用來簽署及加密。"])
    _add(store, minilm, document, chunks)
    assert [hit.chunk_id for hit in store.lexical_search("c", "签署", 5)] == [chunks[0].id]
    store.close()
    # Terms saved before traditional Chinese was read as simplified, with no version file.
    (term_file,) = (tmp_path / LEXICAL_FOLDER).rglob(f"{document.sha256}.json")
    kept = json.loads(term_file.read_text(encoding="utf-8"))
    kept["terms"] = ["rsa 簽署 加密"]
    term_file.write_text(json.dumps(kept), encoding="utf-8")
    (version,) = (tmp_path / LEXICAL_FOLDER).rglob(TERMS_FILE)
    version.unlink()
    reopened = _open(tmp_path)
    assert [hit.chunk_id for hit in reopened.lexical_search("c", "签署", 5)] == [chunks[0].id]
    assert "签署" in json.loads(term_file.read_text(encoding="utf-8"))["terms"][0]
    reopened.close()


def test_a_store_sees_what_another_store_on_the_folder_writes_without_recounting(
    store: Store, minilm: Encoder, tmp_path: Path
):
    # Two stores on one data folder, as the app and a command-line ingest in two processes.
    river, river_chunks = _chunks("river.md", ["Rivers carry sediment to the sea."])
    _add(store, minilm, river, river_chunks)
    assert [h.chunk_id for h in store.lexical_search("c", "sediment", 5)] == [river_chunks[0].id]
    other = _open(tmp_path)
    store.close()  # lets the other one write
    press, press_chunks = _chunks("press.md", ["Gutenberg built a printing press."])
    _add(other, minilm, press, press_chunks)
    other.delete_document("c", river.sha256)
    other.close()
    assert [h.chunk_id for h in store.lexical_search("c", "gutenberg", 5)] == [press_chunks[0].id]
    assert store.lexical_search("c", "sediment", 5) == []


def test_matched_terms_come_from_the_index_as_tokenising_the_text_gives_them(tmp_path: Path):
    texts = ["长江三角洲的河流", "Rivers of the Yangtze delta", "Snow.", "Word2Vec 词向量 river"]
    document, chunks = _chunks("rivers.md", texts)
    index = LexicalIndex(tmp_path / "lex")
    index.add(document.sha256, chunks)
    query = "river delta 长江 词向量 nothing"
    by_text = {
        chunk.id: tuple(sorted(set(terms(query)).intersection(terms(chunk.text))))
        for chunk in chunks
    }
    assert list(by_text.values()) == [("长江",), ("delta", "river"), (), ("river", "向量", "词")]
    assert index.matched(query, [*by_text, "unknown:000000"]) == by_text


def test_removing_a_document_it_never_had_keeps_the_built_index(tmp_path: Path):
    document, chunks = _chunks("a.md", ["Sourdough rises because of wild yeast."])
    index = LexicalIndex(tmp_path / "lex")
    index.add(document.sha256, chunks)
    assert [hit.chunk_id for hit in index.search("yeast", 5)] == [chunks[0].id]
    generation = (tmp_path / "lex" / "generation").read_text(encoding="utf-8")
    index.remove("0" * 64)
    assert (tmp_path / "lex" / "generation").read_text(encoding="utf-8") == generation
    index.remove(document.sha256)
    assert (tmp_path / "lex" / "generation").read_text(encoding="utf-8") != generation
    assert index.search("yeast", 5) == []


def test_the_streamed_build_is_the_matrix_bm25s_index_makes(tmp_path: Path):
    import bm25s

    from core.text import split_sentences

    samples = Path(__file__).resolve().parents[1] / "samples"
    index = LexicalIndex(tmp_path / "lex")
    text_of: dict[str, str] = {}
    for path in sorted(samples.glob("*/*.md")):
        # Sentences and pairs of them (terms repeated within a chunk), among them chunks of no
        # terms at all and of one term.
        sentences = split_sentences(path.read_text(encoding="utf-8"))
        texts = sentences + [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 7)]
        texts[3:3] = ["", "—", "Rivers.", "长江", "the of and"]
        document, chunks = _chunks(path.name, texts)
        index.add(document.sha256, chunks)
        text_of.update((chunk.id, chunk.text) for chunk in chunks)
    for name, texts in (("blank.md", ["", "— …"]), ("one.md", ["Rivers!"])):
        document, chunks = _chunks(name, texts)  # documents without a term, of one term
        index.add(document.sha256, chunks)
        text_of.update((chunk.id, chunk.text) for chunk in chunks)
    queries = ["river delta sediment", "长江 三角洲", "词向量 word embeddings", "龙井茶 tea"]
    queries.append("rivers")  # a one-term query
    # Every hit (a cut at k may fall between tied scores, where either chunk is right)
    hits = {query: index.search(query, 10_000) for query in queries}

    # bm25s's own index() over the same chunks, in the index's row order, term ids as first seen
    built = tmp_path / "lex" / "built"
    ids = json.loads((built / "ee_ids.json").read_text(encoding="utf-8"))
    assert sorted(ids) == sorted(text_of) and len(ids) > 300
    vocabulary: dict[str, int] = {}
    corpus = [
        [vocabulary.setdefault(term, len(vocabulary)) for term in terms(text_of[chunk_id])]
        for chunk_id in ids
    ]
    files = len(list(samples.glob("*/*.md")))
    assert sum(not row for row in corpus) >= 3 * files
    assert sum(len(row) == 1 for row in corpus) >= 2 * files
    reference = bm25s.BM25()
    reference.index((corpus, vocabulary), show_progress=False)

    saved = bm25s.BM25.load(str(built))
    assert saved.vocab_dict == reference.vocab_dict
    assert saved.scores["num_docs"] == reference.scores["num_docs"] == len(ids)
    for part in ("indptr", "indices", "data"):
        assert saved.scores[part].dtype == reference.scores[part].dtype
        assert np.array_equal(saved.scores[part], reference.scores[part]), part
    for query in queries:
        scores = reference.get_scores([t for t in terms(query) if t in reference.vocab_dict])
        top = sorted(np.flatnonzero(scores > 0).tolist(), key=lambda i: (-scores[i], i))
        assert len(top) >= 5
        assert [(hit.chunk_id, hit.score) for hit in hits[query]] == [
            (ids[i], float(scores[i])) for i in top
        ]
