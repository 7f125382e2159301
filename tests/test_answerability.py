"""Answerability: the signals, their exact arithmetic, the baseline cache, and real decisions."""

from __future__ import annotations

import json
import math
import threading
from dataclasses import replace

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from core.records import Chunk, Hit
from core.retrieval import answerability
from core.retrieval.answerability import (
    MISSING_NAME_CONFIDENCE,
    NO_ANSWER,
    UNDATED_CONFIDENCE,
    Baseline,
    BaselineCache,
    Calibration,
    Signals,
    WordRarity,
    closest_label,
    confidence_cap,
    content_words,
    evidence,
    judge,
    lexical_coverage,
    load_calibration,
    missing_message,
    missing_names,
    missing_words,
    no_answer_message,
    probe_questions,
    refusal_hint,
    restates,
    restates_message,
    signals,
    unjoined_names,
    unmeasured_message,
    unnamed,
    unnamed_message,
    unnumbered_names,
    unwritten_years,
    word_rarity,
)
from core.retrieval.chunking import ChunkConfig
from core.retrieval.second_opinion import SecondOpinion, second_opinion
from core.retrieval.store import open_store
from core.settings import Settings
from core.text import language, language_of_question
from ingest.pipeline import Ingestor

BASELINE = Baseline(
    median={"all": 0.80, "en": 0.78, "zh": 0.84, "en>zh": 0.74},
    spread={"all": 0.02, "en": 0.02, "zh": 0.01, "en>zh": 0.02},
    second=Baseline(
        median={"all": 0.20, "en": 0.20, "zh": 0.25, "en>zh": 0.10},
        spread={"all": 0.05, "en": 0.05, "zh": 0.05, "en>zh": 0.04},
    ),
)


def _second(question: str, passage: str) -> float:
    """The second opinion's cosine of a passage to a question."""
    return float(second_opinion().similarity(question, [passage])[0])


def _hit(text: str, score: float, rank: int = 1) -> Hit:
    return Hit(Chunk("b" * 64, rank, text, "a.md", None, None, 0, len(text), 5), score, rank)


def test_language_of_a_question():
    assert language("Why do volcanoes erupt?") == "en"
    assert language("火山为什么会喷发？") == "zh"
    assert language("FastText 如何处理未登录词？") == "zh"  # Latin names inside Chinese
    assert language("1234 ?") == "en"


def test_a_question_mixing_scripts_is_in_the_language_of_its_function_words():
    # More Latin letters than Han characters, yet Chinese: 吗 is its grammar.
    assert language("OpenCC 支持 Ruby 吗？") == "en"
    assert language_of_question("OpenCC 支持 Ruby 吗？") == "zh"
    assert language_of_question("PyTorch 和 TensorFlow 哪个好？") == "zh"
    assert language_of_question("What is 龙井茶?") == "en"  # a third Han, yet English
    assert language_of_question("龍井茶產自哪裡？") == "zh"
    assert language_of_question("Why do volcanoes erupt?") == "en"
    # Both languages' function words: the letters decide, as language() does.
    assert language_of_question("Is OpenCC 好用吗？") == language("Is OpenCC 好用吗？")
    # So a Chinese question naming what the documents never mention is refused in Chinese.
    assert no_answer_message("OpenCC 支持 Ruby 吗？") == NO_ANSWER["zh"]
    assert confidence_cap("OpenCC 支持 Ruby 吗？", ("Ruby",)) == MISSING_NAME_CONFIDENCE


def test_content_words_drop_function_words_in_both_languages():
    assert content_words("Why do the volcanoes erupt?") == ["volcanoes", "erupt"]
    assert content_words("火山为什么会喷发？") == ["火山", "喷发"]
    # Question words say what is asked, not what about: the documents need not hold them.
    assert content_words("谁开创了射电天文学？") == ["开创", "射电", "天文学"]
    assert content_words("How many moons does Neptune have?") == ["moons", "neptune"]
    assert content_words("Debian 12 是哪一天发布的？") == ["debian", "发布"]
    assert content_words("哪一位科学家几岁发现了青霉素？") == ["科学家", "发现", "青霉素"]
    # Asking what a short name stands for: its spelt-out form never says "stand for".
    for asked in ("What does ITP stand for?", "What is ITP short for?", "What does ITP mean?"):
        assert content_words(asked) == ["itp"], asked
    for asked in ("ITP 是什么的缩写？", "ITP 代表什么？", "ITP 是什麼意思？"):
        assert content_words(asked) == ["itp"], asked
    assert content_words("What does the mean of a sample measure?") == ["mean", "sample", "measure"]
    # Possessives are dropped, so "China's" is found as 中国 and "Mikolov's" as "Mikolov".
    assert content_words("Is China's lake in Mikolov’s set? It's not.") == [
        "china",
        "lake",
        "mikolov",
        "set",
    ]
    assert lexical_coverage(
        evidence("What is China's largest lake?"), ["中国最大的湖泊"]
    ) == pytest.approx(2 / 3)


def test_lexical_coverage_is_the_share_of_content_words_found():
    passages = ["An eruption sends lava down the slope.", "Volcanoes are mountains."]
    assert (
        lexical_coverage(evidence("Why do volcanoes erupt?"), passages) == 1.0
    )  # erupt ~ eruption
    assert lexical_coverage(
        evidence("Why do volcanoes erupt in Iceland?"), passages
    ) == pytest.approx(2 / 3)
    assert lexical_coverage(evidence("火山为什么会喷发？"), ["长江是中国第一长河。"]) == 0.0
    assert lexical_coverage(evidence("why?"), passages) == 0.0  # nothing to look for


def test_coverage_counts_words_found_as_they_are_or_translated_weighted_by_rarity():
    passages = ["长江全长6300余公里。", "Rivers carry sediment."]
    question = "Is the Yangtze River long?"  # content words: yangtze, river, long
    assert lexical_coverage(evidence(question), passages) == pytest.approx(2 / 3)  # 长江, rivers
    rarity = {"long": 1.0, "yangtze": 3.0, "river": 0.5}
    assert lexical_coverage(evidence(question), passages, rarity) == pytest.approx(3.5 / 4.5)
    assert lexical_coverage(evidence(question), passages[1:], rarity) == pytest.approx(0.5 / 4.5)
    # 疫苗 and 抗生素 are found translated (vaccine, antibiotic); 不同 (different) is not.
    assert lexical_coverage(
        evidence("疫苗和抗生素有什么不同？"), ["Vaccines differ from antibiotics."]
    ) == (pytest.approx(2 / 3))
    assert lexical_coverage(evidence("why?"), passages) == 0.0


def test_an_english_form_counts_at_the_start_of_a_word_only():
    # 形成 translates to "form": formation shows it, transforming and platform do not.
    question = "黑洞是怎样形成的？"  # content words: 黑洞, 形成
    assert lexical_coverage(evidence(question), ["The formation of a black hole."]) == 1.0
    assert (
        lexical_coverage(evidence(question), ["Transforming growth factor on a platform."]) == 0.0
    )
    assert lexical_coverage(evidence("长江的支流有哪些？"), ["关于长江的文章"]) == 1 / 2  # 长江


def test_standing_reads_a_score_against_its_pair_of_languages():
    assert BASELINE.standing(0.88, "en", "en") == pytest.approx(5.0)  # no 'en>en': English
    assert BASELINE.standing(0.88, "en", "zh") == pytest.approx(7.0)  # across languages
    assert BASELINE.standing(0.88, "zh", "zh") == pytest.approx(4.0)
    assert BASELINE.standing(0.84, "fr", "fr") == pytest.approx(2.0)  # unknown: all probes
    flat = Baseline(median={"all": 0.8}, spread={"all": 0.0})
    assert flat.standing(0.81, "en", "en") == pytest.approx(1.0)  # spread never below 0.01


def test_confidence_is_the_logistic_of_the_weighted_features():
    signals = Signals(
        top_score=0.9, standing=2.0, lexical=0.5, rare_lexical=0.25, second_standing=3.0,
        absent=0.5,
    )  # fmt: skip
    assert signals.features() == [2.0, 0.5, 0.25, 3.0, 0.5]
    calibration = Calibration(weights=(1.0, -1.0, 2.0, 0.5, -2.0), bias=-1.5)
    assert calibration.confidence(signals) == pytest.approx(1 / (1 + math.exp(-1.0)))


def test_judge_uses_the_signals_of_the_hits():
    hits = [_hit("Volcanoes erupt when magma rises.", 0.90), _hit("Rivers.", 0.85, 2)]
    verdict = judge("Why do volcanoes erupt?", hits, BASELINE, load_calibration("e5-small"))
    second = _second("Why do volcanoes erupt?", "Volcanoes erupt when magma rises.")
    assert verdict.signals == Signals(
        top_score=0.90, standing=pytest.approx(6.0), lexical=1.0, rare_lexical=1.0,
        second_standing=pytest.approx((second - 0.20) / 0.05),  # English: 'en'
        absent=0.0,  # no rarity given: no word counts as absent
        answered_in="en",
    )  # fmt: skip
    assert verdict.passage_floor == pytest.approx((0.90 + 0.78) / 2)
    assert verdict.answerable
    nothing = judge("Why do volcanoes erupt?", [], BASELINE, load_calibration("e5-small"))
    assert not nothing.answerable and nothing.confidence == 0.0


def test_a_passage_in_the_other_language_is_read_against_its_own_pair():
    # The English passage has the higher cosine, but English questions score 0.78 on English
    # passages and 0.74 on Chinese ones: the Chinese passage stands higher.
    hits = [_hit("Rivers carry sediment to the sea.", 0.84), _hit("长江全长6300余公里。", 0.83, 2)]
    found = answerability.signals("Is the Yangtze River long?", hits, BASELINE)
    second = _second("Is the Yangtze River long?", "长江全长6300余公里。")
    assert found == Signals(
        top_score=0.83, standing=pytest.approx(4.5),
        # 'Yangtze River' is found translated (长江, the phrase's translation, so both words) in
        # the Chinese passage, where the answer is; 'long' in no passage.
        lexical=pytest.approx(2 / 3), rare_lexical=pytest.approx(2 / 3),
        # The second opinion of that Chinese passage, read against its own pair too.
        second_standing=pytest.approx((second - 0.10) / 0.04),
        absent=0.0,
        answered_in="zh",
    )  # fmt: skip
    verdict = judge("How long is the Yangtze River?", hits, BASELINE, load_calibration("e5-small"))
    assert verdict.passage_floor == pytest.approx((0.83 + 0.74) / 2)  # the Chinese one is used


def test_a_passage_is_quoted_only_if_it_stands_high_in_its_own_language_pair():
    # Answered across languages: the Chinese passage stands 4.5 spreads above English questions
    # on Chinese passages; an unrelated English passage needs 2.25 spreads above English-on-
    # English (0.78 + 2.25 x 0.02 = 0.825), not the Chinese pair's cosine floor of 0.785.
    answer = _hit("长江全长6300余公里。", 0.83)
    unrelated = _hit("Rivers carry sediment to the sea.", 0.81, 2)
    near = _hit("The Yangtze is the longest river in Asia.", 0.83, 3)
    calibration = Calibration(weights=(1.0, 0.0, 0.0, 0.0, 0.0), bias=0.0)  # standing > 0: answer
    verdict = judge(
        "How long is the Yangtze River?", [answer, unrelated, near], BASELINE, calibration
    )
    assert verdict.answerable
    assert verdict.floors == pytest.approx({"zh": 0.785, "en": 0.825})
    assert verdict.passage_floor == pytest.approx(0.785)  # the best passage's language
    assert [verdict.admits(hit) for hit in (answer, unrelated, near)] == [True, False, True]
    refused = judge(
        "How long is the Yangtze River?", [answer], BASELINE, Calibration((0, 0, 0, 0, 0), -1)
    )
    assert not refused.admits(answer)  # nothing is quoted when the documents don't answer


def test_strictness_means_the_confidence_needed():
    hits = [_hit("Volcanoes erupt when magma rises.", 0.83)]
    calibration = load_calibration("e5-small")
    verdict = judge("Why do volcanoes erupt?", hits, BASELINE, calibration, strictness=0.0)
    assert verdict.answerable
    strict = judge("Why do volcanoes erupt?", hits, BASELINE, calibration, strictness=1.0)
    assert not strict.answerable and strict.confidence == verdict.confidence


def test_every_shipped_calibration_loads_and_unknown_models_get_the_default():
    for model in ("e5-small", "minilm", "some/other-model"):
        calibration = load_calibration(model)
        assert len(calibration.weights) == len(BASELINE_FEATURES)
    assert load_calibration("some/other-model") == load_calibration(
        answerability.DEFAULT_CALIBRATION
    )


BASELINE_FEATURES = Signals(0.0, 0.0, 0.0, 0.0, 0.0, 0.0).features()


def test_questions_judged_at_once_leave_the_apps_blas_threads_as_they_were():
    # USE limits BLAS to one thread while it encodes: overlapping encodes once left the whole
    # process on one thread after a few questions arrived together.
    def blas_threads() -> list[int]:
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    def ask() -> None:
        for _ in range(30):
            opinion.similarity("Why do rivers meander?", ["Rivers bend where banks erode."])

    # Two threads, so that a leak down to one shows on a one-core machine too.
    limiter = threadpool_limits(limits=2, user_api="blas")
    try:
        opinion = SecondOpinion(threads=1)
        before = blas_threads()
        asks = [threading.Thread(target=ask) for _ in range(4)]
        for thread in asks:
            thread.start()
        for thread in asks:
            thread.join()
        assert blas_threads() == before
    finally:
        limiter.restore_original_limits()


def test_the_second_opinion_prefers_the_passage_that_answers_in_both_languages():
    volcano = "Magma rising through the crust makes a volcano erupt."
    bread = "Sourdough rises because wild yeast ferments the flour."
    for question in ("Why do volcanoes erupt?", "火山为什么会喷发？"):
        cosines = second_opinion().similarity(question, [volcano, bread])
        assert cosines[0] > cosines[1] + 0.1, question
    tea, river = "龙井茶产自浙江杭州西湖一带。", "长江全长6300余公里。"
    cosines = second_opinion().similarity("Where is Longjing tea grown?", [tea, river])
    assert cosines[0] > cosines[1] + 0.1
    assert second_opinion().similarity("Why?", []).shape == (0,)


def test_probe_questions_come_in_both_languages():
    probes = probe_questions()
    assert len(probes["en"]) == 30 and len(probes["zh"]) == 30
    assert all(language(text) == "zh" for text in probes["zh"])


@pytest.fixture
def notes(tmp_path, e5):
    store = open_store(Settings(data_dir=tmp_path))
    ingestor = Ingestor(store=store, encoder=e5, collection="notes")
    ingestor.ingest(
        "长江全长6300余公里，是中国第一长河。龙井茶产自浙江杭州西湖一带。".encode(), "zh.md"
    )
    ingestor.ingest(b"Sourdough rises because wild yeast ferments the flour.", "bread.txt")
    yield store, ingestor
    store.close()


def test_the_baseline_is_cached_until_the_documents_change(notes, e5, tmp_path, monkeypatch):
    store, ingestor = notes
    cache = BaselineCache(tmp_path / "baselines")
    first = cache.get(store, e5, "notes")
    assert {"all", "en", "zh", "en>en", "zh>zh"} <= set(first.median)
    calls = []
    real = answerability.compute_baseline
    monkeypatch.setattr(
        answerability, "compute_baseline", lambda *args: calls.append(1) or real(*args)
    )
    assert cache.get(store, e5, "notes") == first and calls == []
    ingestor.ingest(b"Kingfishers nest in tunnels dug into steep river banks.", "birds.txt")
    cache.get(store, e5, "notes")
    assert calls == [1]
    # The same file indexed again has other passages (a new extractor, another chunk size).
    ingestor.ingest(
        b"Kingfishers nest in tunnels dug into steep river banks.", "birds.txt", replace=True
    )
    cache.get(store, e5, "notes")
    assert calls == [1, 1]
    for damaged in ("{broken", "[1]"):
        (tmp_path / "baselines" / "notes.json").write_text(damaged)
        assert cache.get(store, e5, "notes") is not None
    assert calls == [1, 1, 1, 1]


def test_each_probe_is_read_in_both_languages_even_beyond_its_first_hits(notes, e5, monkeypatch):
    store, _ = notes
    everything = answerability.compute_baseline(store, e5, "notes")  # two passages: all read
    assert {"en>en", "en>zh", "zh>zh", "zh>en"} <= set(everything.median)
    # Reading only each probe's first hit, the other language is searched among the documents
    # the probes found in it, and every pair comes out as when all passages were read.
    monkeypatch.setattr(answerability, "PROBE_DEPTH", 1)
    first_only = answerability.compute_baseline(store, e5, "notes")
    for key in ("en>en", "en>zh", "zh>zh", "zh>en"):
        assert first_only.median[key] == pytest.approx(everything.median[key], abs=1e-6), key
        assert first_only.spread[key] == pytest.approx(everything.spread[key], abs=1e-6), key
        # The second opinion reads the same best passages, so it agrees as well.
        second, whole = first_only.second, everything.second
        assert second.median[key] == pytest.approx(whole.median[key], abs=1e-6), key
        assert second.spread[key] == pytest.approx(whole.spread[key], abs=1e-6), key


def test_a_bilingual_document_gives_each_probe_its_best_passage_in_each_language(
    tmp_path, e5, monkeypatch
):
    store = open_store(Settings(data_dir=tmp_path))
    paragraphs = [
        "Sourdough rises because wild yeast ferments the flour.",
        "Bakers feed their starter with flour and water every day.",
        "A hot oven and steam give the loaf a crisp crust.",
        "Longjing tea is picked by hand in early spring.",
        "龙井茶产自浙江杭州西湖一带，以色绿、香郁、味甘、形美著称。",
        "长江全长6300余公里，是中国第一长河，流经十一个省级行政区。",
    ]
    Ingestor(store, e5, "readme", ChunkConfig(tokens=32, overlap=0)).ingest(
        "\n\n".join(paragraphs).encode(), "README.md"
    )
    try:
        everything = answerability.compute_baseline(store, e5, "readme")  # every passage read
        # Each probe reads its first passage only: its best one in the other language is
        # looked for in the one document, whose best passage is often in the probe's language.
        monkeypatch.setattr(answerability, "PROBE_DEPTH", 1)
        first_only = answerability.compute_baseline(store, e5, "readme")
    finally:
        store.close()
    for key in ("en>en", "en>zh", "zh>zh", "zh>en"):
        assert first_only.median[key] == pytest.approx(everything.median[key], abs=1e-6), key
        assert key in first_only.second.median  # (it reads fewer first passages: not equal)


def test_questions_the_documents_cannot_answer_are_refused_in_both_languages(notes, e5, tmp_path):
    store, _ = notes
    baseline = BaselineCache(tmp_path / "baselines").get(store, e5, "notes")
    calibration = load_calibration(e5.name)

    def verdict(question: str):
        hits = store.search("notes", e5.encode_query(question), 3)
        return judge(
            question, hits, baseline, calibration, rarity=word_rarity(store, "notes", question)
        )

    for question in ("龙井茶产自哪里？", "长江有多长？", "Why does sourdough rise?"):
        assert verdict(question).answerable, question
    for question in ("火山为什么会喷发？", "如何申请美国签证？", "Who won the World Cup in 2014?"):
        assert not verdict(question).answerable, question


def test_word_rarity_is_the_inverse_document_frequency_of_a_words_commonest_form(notes):
    store, _ = notes  # two chunks: one Chinese (长江, 龙井茶), one English (sourdough)
    rarity = word_rarity(store, "notes", "Does sourdough rise in Longjing volcanoes?")
    assert rarity.idf == pytest.approx(
        {
            "sourdough": math.log(3 / 1.5),  # in one chunk of two
            "rise": math.log(3 / 1.5),  # 'rises'
            "longjing": math.log(3 / 1.5),  # translated: 龙井 in the Chinese chunk
            "volcanoes": math.log(3 / 0.5),  # in none
        }
    )
    assert rarity.absent == {"volcanoes"}
    assert rarity.absent_share == 1 / 4
    # Looked up as BM25 terms: 'rises' is the index's 'rise', not the substring stem 'ris'.
    assert word_rarity(store, "notes", "When sourdough rises?").idf["rises"] == math.log(3 / 1.5)
    # A word the index cuts in two (mod_rewrite: mod, rewrit) is found only where both parts are.
    asked = "Does a yeast_starter ferment the flour?"
    assert word_rarity(store, "notes", asked).absent == {"yeast_starter"}
    assert word_rarity(store, "notes", "Is wild_yeast in sourdough?").absent == set()
    # A Chinese word is found through its English translation too, and absent in neither form.
    assert word_rarity(store, "notes", "面粉里有酵母吗？火山呢？").absent == {"火山"}


def test_a_chinese_word_is_looked_for_whole_or_jiebas_guesses_by_their_pieces(notes):
    store, ingestor = notes
    ingestor.ingest("刚出生的幼崽只有100克。".encode(), "cub.md")
    # jieba cuts the question into 刚出生 / 大熊猫 / 幼崽有 / 多重: 幼崽有 is a guess its
    # dictionary lacks, and the passage holds 幼崽; 多重 asks 'how heavy'.
    rarity = word_rarity(store, "notes", "刚出生的大熊猫幼崽有多重？")
    assert set(rarity.idf) == {"刚出生", "大熊猫", "幼崽有"}
    assert rarity.absent == {"大熊猫"}
    # A word jieba knows is looked for whole: 熊猫 (a panda) is not 小熊猫 (a red panda).
    ingestor.ingest("熊猫吃竹子。".encode(), "panda.md")
    assert word_rarity(store, "notes", "小熊猫吃什么？").absent == {"小熊猫"}
    # A word jieba's dictionary glues a particle onto (签名会, 'a signing event') is also
    # looked for without it.
    ingestor.ingest("通常不应删除这样的签名。".encode(), "gpg.md")
    assert word_rarity(store, "notes", "删除签名会有什么后果？").absent == {"后果"}
    # So is a guess of two characters: 社是, cut from 开源社是...
    ingestor.ingest("开源社于 2012 年 3 月 15 日创立。".encode(), "club.md")
    assert word_rarity(store, "notes", "开源社是哪一天创立的？").absent == set()
    # Only Chinese words have pieces: 'naïve' is looked for unaccented, not as 'na' or 've'.
    assert answerability.evidence("Is naïve Bayes fast?")["naïve"] == {"naiv"}


@pytest.mark.parametrize(
    ("passage", "question", "word"),
    [
        ("Early printers cut their own typefaces.", "Who cut the earliest typefaces?", "earliest"),
        # Spelt the other side of the Atlantic, either way.
        ("Harassing behavior leads to a ban.", "Which behaviour leads to a ban?", "behaviour"),
        ("The colours of the flag are red and white.", "What colors is the flag?", "colors"),
    ],
)
def test_a_word_in_another_form_counts_as_the_word_the_documents_hold(
    notes, passage, question, word
):
    store, ingestor = notes
    ingestor.ingest(passage.encode(), "notes.md")
    assert word not in word_rarity(store, "notes", question).absent
    assert lexical_coverage(evidence(question), [passage]) == 1


def test_a_misspelt_word_counts_as_the_word_the_documents_hold(notes):
    store, ingestor = notes
    rarity = word_rarity(store, "notes", "Why does sourdouhg rise?")
    assert "sourdouhg" not in rarity.absent
    assert rarity.idf["sourdouhg"] == word_rarity(store, "notes", "sourdough").idf["sourdough"]
    # A word the dictionary lists is no misspelling: 'breed' is not 'bread'.
    assert "breed" in word_rarity(store, "notes", "Which breed rises?").absent
    # Letters swapped in a word the index holds cut short: 'president' is there as 'presid'.
    ingestor.ingest(b"The president holds office for seven years.", "ireland.txt")
    assert "presidnet" not in word_rarity(store, "notes", "presidnet term length").absent
    assert "prseidnet" in word_rarity(store, "notes", "prseidnet term length").absent


def test_a_chinese_name_jieba_cuts_otherwise_in_the_documents_is_found(notes):
    store, ingestor = notes
    ingestor.ingest("她早已许给了贺家墺的贺老六，后来他断送在伤寒上。".encode(), "story.md")
    # The question's 贺老六是 (a guess jieba makes) and the passage's 贺 老 六 share no term.
    rarity = word_rarity(store, "notes", "贺老六是得什么病死的")
    assert "贺老六是" in rarity.idf and "贺老六是" not in rarity.absent
    assert "贺老七是" in word_rarity(store, "notes", "贺老七是得什么病死的").absent


def test_english_words_are_found_in_rarer_senses_and_chinese_names_in_pinyin(notes):
    store, ingestor = notes
    ingestor.ingest("德记的五个拍档每月放假两天。祥林嫂在鲁镇做工。".encode(), "notes.md")
    question = "How often do Xianglin's partners rest?"
    rarity = word_rarity(store, "notes", question)
    # 'partners': 对象, 伙伴, 伙计 first, none of them here; 'Xianglin' is in no dictionary.
    assert rarity.senses == {"partners": ("拍档",), "xianglin": ("祥林",)}
    assert not {"partners", "xianglin"} & rarity.absent
    assert "祥林" in evidence(question, rarity)["xianglin"]
    assert "zhaozhou" in word_rarity(store, "notes", "Zhaozhou partners").absent


def test_a_chinese_name_in_pinyin_is_found_in_words_or_across_them(notes):
    store, ingestor = notes
    ingestor.ingest("刘徽注《九章算术》。田螺坑有文昌楼，土楼的土墙厚1米。".encode(), "tulou.md")
    # 'Liu' and 'Hui' read alone as too many characters; together as 刘徽, one of jieba's words.
    rarity = word_rarity(store, "notes", "When did Liu Hui write his notes?")
    assert rarity.senses == {"liu": ("刘徽",), "hui": ("刘徽",)}
    assert not {"liu", "hui"} & rarity.absent
    # jieba cuts 田螺坑 into 田螺 (a snail) and 坑, and 文昌楼 into 文昌 and 楼.
    question = "How thick is the wall of Wenchang Lou in Tianluokeng?"
    rarity = word_rarity(store, "notes", question)
    assert rarity.senses == {"lou": ("文昌楼",), "tianluokeng": ("田螺坑",)}
    assert "文昌楼" in evidence(question, rarity)["lou"]
    # A name the collection does not write stays absent.
    assert {"zhang", "heng"} <= word_rarity(store, "notes", "When did Zhang Heng live?").absent
    # jieba cuts 衍太太 after its first syllable (衍 | 太太): found by its last two.
    ingestor.ingest("衍太太说可以拿首饰去变卖。".encode(), "suoji.md")
    rarity = word_rarity(store, "notes", "What did Yan Taitai suggest?")
    assert rarity.senses["yan"] == rarity.senses["taitai"] == ("衍太太",)
    # In lower case, a word English took from Chinese: any word of the collection reads as it.
    rarity = word_rarity(store, "notes", "How thick is the wall of a tulou?")
    assert rarity.senses["tulou"] == ("土楼",) and "tulou" not in rarity.absent
    assert "tulou" in word_rarity(store, "notes", "Who was Tulou?").absent  # a name: none


def test_an_acronym_of_two_letters_is_looked_for_as_written_and_translated(notes):
    store, ingestor = notes
    ingestor.ingest("人工智能可以帮助医生读片。".encode(), "ai.md")
    rarity = word_rarity(store, "notes", "How can AI help doctors?")
    assert "ai" in rarity.idf and "ai" not in rarity.absent  # 人工智能
    assert "vr" in word_rarity(store, "notes", "How can VR help doctors?").absent


def test_a_chinese_word_with_no_translation_is_translated_by_its_pieces():
    # jieba lists 花园里 ('in the garden'), which no dictionary translates; 三岁 is no 岁.
    translated = answerability.question_translations("巨人的花园里有几棵桃树？他三岁吗？")
    assert translated["花园里"] == ("garden",) and translated["三岁"] == ()


def test_a_chinese_name_is_found_by_the_latin_spelling_the_question_gives_it(notes):
    store, ingestor = notes
    ingestor.ingest(b"John Burton published ten sonatas for the harpsichord in 1766.", "b.md")
    question = "约翰·伯顿（John Burton）出版了什么？"
    assert "伯顿" not in word_rarity(store, "notes", question).absent  # in no dictionary
    assert "burton" in evidence(question)["伯顿"]
    assert "伯顿" in word_rarity(store, "notes", "约翰·伯顿出版了什么？").absent


def test_what_a_number_counts_is_found_after_digits_or_another_number(notes):
    store, ingestor = notes
    ingestor.ingest("3 岁及以下儿童免费入场。每局先得11分者胜。".encode(), "rules.md")
    assert word_rarity(store, "notes", "带三岁的娃要买票吗").absent == {"娃", "买票"}
    assert word_rarity(store, "notes", "一局几分").absent == set()
    assert "一九五四年" in word_rarity(store, "notes", "一九五四年大修").absent


def test_the_share_of_words_found_nowhere_is_a_signal(notes, e5):
    store, _ = notes
    baseline = answerability.compute_baseline(store, e5, "notes")
    question = "Does sourdough rise in volcanoes?"  # 'volcanoes': in no chunk, in no form
    hits = store.search("notes", e5.encode_query(question), 2)
    rarity = word_rarity(store, "notes", question)
    assert answerability.signals(question, hits, baseline, rarity).absent == 1 / 3
    assert answerability.signals(question, hits, baseline).absent == 0.0  # rarity unknown


def test_the_words_found_nowhere_are_named_as_the_question_writes_them(notes, e5):
    store, _ = notes
    question = "Does Sourdough rise in Pompeii's volcanoes?"
    rarity = word_rarity(store, "notes", question)
    assert missing_words(question, rarity) == ("Pompeii", "volcanoes")
    assert missing_words(question, None) == ()
    # Traditional Chinese is looked for as simplified (长江 is in a chunk) and named as written.
    traditional = "長江裡的火山為什麼會噴發？"
    assert missing_words(traditional, word_rarity(store, "notes", traditional)) == ("火山", "噴發")
    baseline = answerability.compute_baseline(store, e5, "notes")
    hits = store.search("notes", e5.encode_query(question), 2)
    verdict = judge(question, hits, baseline, load_calibration(e5.name), rarity=rarity)
    assert verdict.missing == ("Pompeii", "volcanoes")
    # The index stems 'Himalayas' and 'Himalayan' apart; the passages found show the word.
    asked = "Why do the Himalayas spread?"
    far = WordRarity(idf={"himalayas": 5.0, "spread": 1.0}, absent=frozenset({"himalayas"}))
    assert missing_words(asked, far) == ("Himalayas",)
    assert missing_words(asked, far, ["Himalayan balsam spreads along rivers."]) == ()
    assert judge(question, [], baseline, load_calibration(e5.name), rarity=rarity).missing == (
        "Pompeii",
        "volcanoes",
    )
    assert missing_message(question, verdict.missing) == (
        "Missing from your documents: Pompeii, volcanoes"
    )
    assert (
        missing_message("火山为什么会喷发？", ("火山", "喷发")) == "你的文档中没有出现：火山、喷发"
    )
    # In the question's script too: traditional characters for a question written in them.
    assert (
        missing_message("火山為什麼會噴發？", ("火山", "噴發")) == "你的文檔中沒有出現：火山、噴發"
    )
    assert no_answer_message("火山為什麼會噴發？") == (
        "你的文檔似乎沒有回答這個問題。下面是最接近的段落，但它們不是答案。"
    )
    assert closest_label("火山为什么会喷发？") == "最接近的段落，但不是答案"
    assert unmeasured_message("Its phone number?", "phone number") == (
        "You asked for a phone number, and none of the sentences found gives one."
    )
    assert unmeasured_message("投訴電話是多少？", "电话号码") == (
        "你問的是電話號碼，但找到的句子都沒有給出。"
    )
    refused = replace(verdict, confidence=0.13, strictness=0.5)
    assert refusal_hint("火山为什么会喷发？", refused) == (
        "置信度 13%，严格度 50%：请换个说法，或在侧边栏调低严格度（Strictness）。"
    )
    assert refusal_hint(question, refused) == (
        "confidence 13%, strictness 50%: try other words, or lower the strictness in the sidebar."
    )


def _judged(store, e5, question: str):
    """The decision on a question over the notes collection, as the app makes it."""
    hits = store.search("notes", e5.encode_query(question), 2)
    baseline = answerability.compute_baseline(store, e5, "notes")
    rarity = word_rarity(store, "notes", question)
    return judge(question, hits, baseline, load_calibration(e5.name), rarity=rarity)


def test_a_chinese_question_naming_in_latin_letters_what_no_passage_mentions_is_refused(notes, e5):
    store, _ = notes
    assert _judged(store, e5, "龙井茶产自哪里？").answerable
    named = _judged(store, e5, "Kubernetes 集群里的龙井茶产自哪里？")
    assert named.missing == ("Kubernetes", "集群")
    assert named.confidence == answerability.MISSING_NAME_CONFIDENCE and not named.answerable
    assert missing_names("Go 语言的 goroutine 如何调度？", ("goroutine", "调度")) == ("goroutine",)
    # So does a rare word the dictionary translates into the English its answer would be
    # quoted from, which holds neither; Chinese passages may write it otherwise.
    asked = "抗生素是如何杀死细菌的？"
    assert missing_names(asked, ("抗生素",), answered_in="en") == ("抗生素",)
    assert missing_names(asked, ("抗生素",), answered_in="zh") == ()
    # A verb's translations need not be the passages' verb: 遮住 is 'cover', BERT 'masks'.
    assert missing_names("BERT 训练时遮住多少词？", ("遮住",), answered_in="en") == ()
    assert missing_names("细菌一共有几种？", ("一共",), answered_in="en") == ()  # a common word


def test_a_chinese_name_the_dictionary_lacks_is_not_looked_for_in_english_only_passages(
    tmp_path, e5
):
    store = open_store(Settings(data_dir=tmp_path))
    text = "Krakatoa is a volcano in the Sunda Strait. Its 1883 eruption was heard in Australia."
    Ingestor(store=store, encoder=e5, collection="volcano").ingest(text.encode(), "k.md")
    question = "喀拉喀托火山的喷发在哪里能听到？"  # 喀拉喀托: Krakatoa, in no dictionary
    hits = store.search("volcano", e5.encode_query(question), 2)
    baseline = answerability.compute_baseline(store, e5, "volcano")
    assert not baseline.holds("zh")
    found = signals(question, hits, baseline, word_rarity(store, "volcano", question))
    assert found.lexical == 1.0  # 火山: volcano, 喷发: eruption, 听到: heard
    assert found.absent > 0  # the collection holds no 喀拉喀托 all the same
    store.close()


def test_an_acronym_in_a_chinese_question_is_found_written_out_in_chinese(notes, e5):
    store, ingestor = notes
    ingestor.ingest(
        "国内生产总值是一国一定时期内生产的最终产品和服务的市场价值，可用支出法计算。".encode(),
        "gdp.md",
    )
    verdict = _judged(store, e5, "GDP 是怎么计算的？")
    assert verdict.missing == () and verdict.cap == 1.0


def test_a_question_counting_in_what_no_passage_holds_is_refused(notes, e5):
    store, ingestor = notes
    ingestor.ingest("成年人每天应当喝足够的水，少喝含糖饮料。".encode(), "water.md")
    assert _judged(store, e5, "长江全长多少公里？").answerable
    counted = _judged(store, e5, "成年人每天应该喝多少毫升水？")
    assert "毫升" in counted.missing and counted.cap == MISSING_NAME_CONFIDENCE
    # Not one character, which a text may write otherwise: 狗 of a text writing 犬.
    assert missing_names("一户最多能养几只狗？", ("狗",), answered_in="zh") == ()
    assert missing_names("报名费是多少钱？", ("钱",), answered_in="zh") == ("钱",)  # a unit
    # "How many" counts a plural: a missing adjective before it is no unit.
    assert _judged(store, e5, "How many pending yeasts ferment the flour?").cap == 1.0
    # A unit is found as texts write it after a number: kilometres as 公里 (and km).
    assert _judged(store, e5, "How many kilometres long is the Yangtze?").cap == 1.0


def test_an_english_question_naming_in_capitals_what_no_passage_mentions_is_refused(notes, e5):
    store, ingestor = notes
    ingestor.ingest(
        "OpenVPN sets up a VPN between two Debian machines. Lake Zürich lies south-east of the "
        "city.".encode(),
        "vpn.md",
    )
    assert _judged(store, e5, "How do I set up a VPN with OpenVPN on Debian?").answerable
    named = _judged(store, e5, "How do I set up a VPN with WireGuard on Debian?")
    assert named.missing == ("WireGuard",)
    assert named.confidence == MISSING_NAME_CONFIDENCE and not named.answerable
    assert named.cap == MISSING_NAME_CONFIDENCE
    # A name typed without its accents is the name the documents write with them.
    assert _judged(store, e5, "Where does Lake Zurich lie?").missing == ()

    question = "How do I set up WireGuard?"
    assert missing_names(question, ("WireGuard",), answered_in="en") == ("WireGuard",)
    # Answered from a Chinese passage, an English name may be written in Chinese (长江 for the
    # Yangtze); a statement may name what its documents call otherwise (a SciFact claim's drug).
    assert missing_names(question, ("WireGuard",), answered_in="zh") == ()
    assert missing_names("WireGuard is fast.", ("WireGuard",), answered_in="en") == ()
    # An acronym names something too, unless the passages found write it out (missing_words()).
    assert missing_names("Does HMGB1 kill cells?", ("HMGB1",), answered_in="en") == ("HMGB1",)
    asked = "What does CRP measure?"
    far = WordRarity(idf={"crp": 5.0, "measure": 1.0}, absent=frozenset({"crp"}))
    assert missing_words(asked, far, ["Its C-reactive protein level rose."]) == ()
    assert missing_words(asked, far, ["Its blood pressure rose."]) == ("CRP",)
    # A plural acronym is its acronym: RFCs by "RFC019".
    cited = WordRarity(idf={"rfcs": 5.0}, absent=frozenset({"rfcs"}))
    assert missing_words("Which RFCs add it?", cited, ["Support for RFC019 was added."]) == ()
    assert missing_words("Which RFCs add it?", cited, ["Support was added."]) == ("RFCs",)
    # So is a short form with digits: w2v for word2vec.
    short = WordRarity(idf={"w2v": 5.0, "train": 1.0}, absent=frozenset({"w2v"}))
    assert missing_words("How is w2v trained?", short, ["The word2vec tool trains..."]) == ()
    assert missing_words("How is w2v trained?", short, ["GloVe fits counts."]) == ("w2v",)
    # A compound is shown by its last word: goalkeeper by "the keeper".
    kept = WordRarity(idf={"goalkeeper": 5.0}, absent=frozenset({"goalkeeper"}))
    assert missing_words("Can the goalkeeper touch it?", kept, ["Only the keeper may."]) == ()
    assert missing_words("Can the goalkeeper touch it?", kept, ["Only robots may."]) == (
        "goalkeeper",
    )
    # A name of software written in lower case is no English word; a missing word that is one
    # may be said otherwise in the passages.
    asked = "How do I configure nginx as a reverse proxy for my bread site?"
    assert missing_names(asked, ("nginx", "reverse"), answered_in="en") == ("nginx",)
    assert missing_names(asked, ("nginx",), answered_in="zh") == ()
    # So is a rare English word that the dictionary translates: it was looked for in Chinese
    # too. A commoner one, or one it cannot translate, may be said otherwise.
    assert missing_names("How do antibiotics work?", ("antibiotics",), "en") == ("antibiotics",)
    assert missing_names("How do I read hardware sensors?", ("hardware",), "en") == ()
    assert missing_names("Why does a kiwifruit ripen?", ("kiwifruit",), "en") == ()
    # An adjective names no thing: "Why is i32 a sensible default?" of "generally the fastest".
    assert missing_names("Why is i32 a sensible default?", ("sensible",), "en") == ()
    # Nor does an un-...-ed word, which says how a thing is left.
    undisturbed = "How long have the bones gone undisturbed?"
    assert missing_names(undisturbed, ("undisturbed",), "en") == ()
    # An action names no thing ('guarded': 守卫, 护卫); nor does a day.
    assert missing_names("Is the park guarded at night?", ("guarded",), "en") == ()
    # Nor does a verb in the passive, whatever thing its stem is ('staged': 'stag', 公鹿).
    assert missing_names("When was Handel's Rinaldo first staged?", ("staged",), "en") == ()
    refreshed = "Which flag became obsolete because CRLs get refreshed more often?"
    assert missing_names(refreshed, ("refreshed",), "en") == ()  # refresh: 刷新, not 爽快
    assert missing_names("How much is parking on a Saturday?", ("Saturday",), "en") == ()
    # A misspelt word names nothing, whether the documents hold it or the dictionary does.
    assert missing_names("recomended chunk size?", ("recomended",), "en") == ()
    assert missing_names("Is redis fast?", ("redis",), "en") == ("redis",)  # too short to tell
    # A word naming the kind of thing asked for is answered by a value or a name of that kind,
    # which a passage may give without the word ("α = 0.75"); the subject of a question is not.
    valued = "What exponent alpha is suggested for GloVe's weighting function?"
    assert missing_names(valued, ("exponent",), "en") == ()
    assert missing_names("How is the exponent chosen?", ("exponent",), "en") == ("exponent",)
    assert missing_names("这种细菌对什么抗生素耐药？", ("抗生素",), answered_in="en") == ()
    assert missing_names("Under which U.S. statute is it disclosed?", ("statute",), "en") == ()
    assert missing_names("抗生素能治病毒吗？", ("抗生素",), answered_in="en") == ("抗生素",)
    # One character is no thing named: jieba cuts 羽 off 羽管键琴 (a harpsichord), a word
    # neither it nor the dictionary lists.
    assert missing_names("羽管键琴奏鸣曲是哪一年出版的？", ("羽",), answered_in="en") == ()
    # Nor is a verb jieba tags as a name (宕机 nrt): the dictionary glosses it 'to crash'.
    assert missing_names("主机宕机了，线程能杀掉吗？", ("宕机",), answered_in="en") == ()
    # A question typed without its question mark names what it names all the same.
    no_mark = "what does the SO_REUSEADDR option do"
    assert missing_names(no_mark, ("SO_REUSEADDR",), answered_in="en") == ("SO_REUSEADDR",)
    refused = _judged(store, e5, asked)
    assert "nginx" in refused.missing
    assert refused.confidence == MISSING_NAME_CONFIDENCE and not refused.answerable


def test_a_name_the_documents_never_write_as_the_question_does_is_missing(notes, e5):
    # Every word of these questions is in the documents: no other signal sees what is missing.
    store, ingestor = notes
    ingestor.ingest(
        b"Debian 12 is called bookworm and Debian 13 trixie. Debian 5 was lenny. "
        b"Python 3.12 removed distutils. The Boot Loader is GRUB. It reads its menu at every "
        b"boot. A secure password keeps the firmware settings safe. Framton came to rest in "
        b"the country. Mr. Nuttel met the niece; OCR read FramtonNuttel as one word.",
        "debian.md",
    )
    # A name the documents write only with other numbers.
    assert unnumbered_names(store, "notes", "What is the codename of Debian 14?") == ("Debian 14",)
    assert unnumbered_names(store, "notes", "Debian 14 的代号是什么？") == ("Debian 14",)
    for question in (  # the number as the documents write it, or a part of it, is found
        "What is the codename of Debian 13?",
        "What was Debian 5.0 called?",
        "What did Python 3 remove?",
        "Which toy is Debian 13.1?",  # no "Debian 13.1", but it is of "Debian 13"
    ):
        assert unnumbered_names(store, "notes", question) == (), question
    # A name never written with a number, or never written at all, says nothing of numbers.
    assert unnumbered_names(store, "notes", "Is Sourdough 2 better?") == ()
    assert unnumbered_names(store, "notes", "What is new in Windows 11?") == ()

    # A name whose words the documents hold only apart.
    assert unjoined_names(store, "notes", "How do I enable Secure Boot?") == ("Secure Boot",)
    assert unjoined_names(store, "notes", "如何启用 Secure Boot？") == ("Secure Boot",)
    assert unjoined_names(store, "notes", "Which Boot Loader reads the menu?") == ()
    assert unjoined_names(store, "notes", "Is Secure Shell safe?") == ()  # 'shell': nowhere
    # A name the documents write in the singular is the one asked about in the plural.
    assert unjoined_names(store, "notes", "Which Boot Loaders read the menu?") == ()
    # Or with no space between its words, as OCR may read a scanned page.
    assert unjoined_names(store, "notes", "Why did Framton Nuttel come?") == ()

    assert _judged(store, e5, "What is Debian 13 called?").answerable
    for question, missing in (
        ("What is Debian 14 called?", ("Debian 14",)),
        ("Does GRUB read its menu with Secure Boot?", ("Secure Boot",)),
    ):
        refused = _judged(store, e5, question)
        assert refused.missing == missing
        assert refused.confidence == MISSING_NAME_CONFIDENCE and not refused.answerable
    assert missing_names("Is Debian 14 out?", ("Debian 14",)) == ("Debian 14",)


def test_a_year_the_documents_never_write_is_missing(notes, e5):
    store, ingestor = notes
    ingestor.ingest(
        "《出国旅游管理办法》2002年5月27日公布。祖冲之生于一九二九年。".encode(), "laws.md"
    )
    ingestor.ingest(b"A first edition sold at Sotheby's in1894 for a pound.", "ocr.txt")
    asked = "《出国旅游管理办法》在2017年修订时改了哪些条款？"
    assert unwritten_years(store, "notes", asked) == ("2017",)
    assert unwritten_years(store, "notes", "What changed in the 2017 revision?") == ("2017",)
    for question in (  # written in digits, or in Chinese numerals
        "《出国旅游管理办法》在2002年公布时有几条？",
        "What happened in 1929?",
        "What did a first edition sell for in 1894?",  # OCR glued "in1894"
        "How many of the 2017 tours were approved?",  # counts, names no year
        "NOI2017 在哪里举办？",  # a contest's name
    ):
        assert unwritten_years(store, "notes", question) == (), question
    refused = _judged(store, e5, asked)
    assert "2017" in refused.missing
    assert refused.confidence == MISSING_NAME_CONFIDENCE and not refused.answerable


def test_a_question_across_languages_is_answered_from_the_other_languages_passage(notes, e5):
    store, _ = notes
    baseline = answerability.compute_baseline(store, e5, "notes")
    question = "Where is Longjing tea grown?"
    hits = store.search("notes", e5.encode_query(question), 2)
    rarity = word_rarity(store, "notes", question)
    verdict = judge(question, hits, baseline, load_calibration(e5.name), rarity=rarity)
    assert verdict.signals.lexical == pytest.approx(2 / 3)  # longjing: 龙井, tea: 茶; not grown
    assert verdict.answerable
    # No passage holds 'grown' as the glossary translates it, but the Chinese one says 产自:
    # a word only a translation could have found is not claimed missing.
    assert rarity.absent == {"grown"} and verdict.missing == ()


def test_the_words_a_question_uses_of_the_text_count_only_where_the_text_writes_them(notes):
    store, _ = notes
    question = "According to the baking guide, why does sourdough rise in the story?"
    rarity = word_rarity(store, "notes", question)
    assert rarity.unsaid == {"baking", "guide", "story"} and rarity.absent == frozenset()
    assert set(evidence(question, rarity)) == {"sourdough", "rise"}
    assert missing_words(question, rarity) == ()
    # Written in the text, the words it names its source by are looked for like any other.
    rarity = word_rarity(store, "notes", "According to the yeast, why does sourdough rise?")
    assert rarity.unsaid == frozenset() and "yeast" in rarity.idf
    assert word_rarity(store, "notes", "叙述者说龙井茶产自哪里？").unsaid == {"叙述者"}


def test_a_piece_jieba_cut_across_a_name_the_collection_writes_is_not_looked_for(notes):
    store, ingestor = notes
    ingestor.ingest("朱子平的房租每月六块。".encode(), "rent.md")
    rarity = word_rarity(store, "notes", "朱子平家每个月房租多少？")  # 朱子 / 平家
    assert rarity.unsaid == {"平家"} and "平家" not in rarity.absent
    # A word the question holds whole is looked for, even beside the name.
    rarity = word_rarity(store, "notes", "朱子平加薪以后房租多少？")
    assert rarity.unsaid == frozenset() and "加薪" in rarity.absent


def test_the_ask_command_line_carries_the_decision(notes, tmp_path, capsys):
    from core.ask import main as ask_main

    def asked(question: str) -> dict:
        argv = [question, "--collection", "notes", "--db", str(tmp_path), "--json"]
        assert ask_main(argv) == 0
        return json.loads(capsys.readouterr().out)

    tea = asked("龙井茶产自哪里？")
    assert tea["answerable"] is True and tea["confidence"] >= 0.5
    assert "龙井茶产自浙江杭州西湖一带" in tea["answer"]
    volcano = asked("火山为什么会喷发？")
    assert volcano["answerable"] is False and volcano["confidence"] < 0.5
    assert volcano["answer"] == "" and volcano["citations"] == []
    assert len(volcano["passages"]) == 2  # both chunks, still shown as the closest ones
    assert volcano["missing_words"] == ["火山", "喷发"] and tea["missing_words"] == []
    # The passage speaks of 龙井茶, not of when: the extractive answer's verdict is the CLI's.
    since = asked("龙井茶是从哪一年开始种植的？")
    assert since["answerable"] is False and since["answer"] == ""
    assert since["confidence"] == UNDATED_CONFIDENCE
    assert since["undated"] is True and tea["undated"] is False
    assert since["unmeasured"] is None and tea["unmeasured"] is None
    assert since["left_out"] is False and tea["left_out"] is False
    argv = ["龙井茶是从哪一年开始种植的？", "--collection", "notes", "--db", str(tmp_path)]
    assert ask_main(argv) == 0
    assert "你问的是时间，但找到的句子都没有说明时间。" in capsys.readouterr().out.splitlines()
    argv = ["Why does Sourdough rise in Pompeii?", "--collection", "notes", "--db", str(tmp_path)]
    assert ask_main(argv) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Missing from your documents: Pompeii"
    # Nor of a price where the passage gives no sum.
    notes[1].ingest("龙井茶的价钱年年都在涨。".encode(), "price.md")
    price = asked("龙井茶一斤多少钱？")
    assert price["answerable"] is False and price["unmeasured"] == "钱"
    argv = ["龙井茶一斤多少钱？", "--collection", "notes", "--db", str(tmp_path)]
    assert ask_main(argv) == 0
    assert "你问的是数量（钱），但找到的句子都没有给出。" in capsys.readouterr().out.splitlines()
    # Nor of what the passage says it leaves out.
    notes[1].ingest("龙井茶的炒制工艺较为复杂，有兴趣的读者请自行学习。".encode(), "craft.md")
    craft = asked("龙井茶的炒制工艺具体是怎样的？")
    assert craft["answerable"] is False and craft["left_out"] is True
    argv = ["龙井茶的炒制工艺具体是怎样的？", "--collection", "notes", "--db", str(tmp_path)]
    assert ask_main(argv) == 0
    assert "最匹配的句子说明你的文档没有讲这一点。" in capsys.readouterr().out.splitlines()
    # Nor of a name where the passage gives none.
    notes[1].ingest("龙井茶最早是由一位僧人在寺院旁种下的。".encode(), "monk.md")
    monk = asked("最早种下龙井茶的那位僧人叫什么名字？")
    assert monk["answerable"] is False and monk["unnamed"] is True and tea["unnamed"] is False


def test_reading_the_word_lists_at_start_leaves_none_for_the_first_question():
    answerability.glossary.cache_clear()
    answerability.chinese_word_tags.cache_clear()
    answerability.read_word_lists()
    assert answerability.glossary.cache_info().currsize == 1
    assert answerability.chinese_word_tags.cache_info().currsize == 1


def test_a_question_asking_for_a_name_is_told_nothing_by_sentences_naming_none_but_its_own():
    question = "What was the name of the little boy the Giant loved?"
    unnamed_boy = "But the little boy whom the Giant loved was never seen again."
    assert unnamed(question, [unnamed_boy])
    assert not unnamed(question, ["The little boy, whose name was Tom, wept.", unnamed_boy])
    # Of the others, only those holding more of its words: a story names others around it.
    assert unnamed(question, [unnamed_boy, "Then Tom came by."])
    paper = "提出 Transformer 的论文叫什么名字？"
    best = "基于 Transformer 的上下文向量模型会根据整句话为每一次出现计算不同的向量。"
    titled = 'The transformer was introduced in a paper titled "Attention Is All You Need".'
    assert unnamed(paper, [best]) and not unnamed(paper, [best, titled])
    # Across languages the question's words are its own as translated: 巨人, the Giant.
    assert unnamed("巨人最爱的那个小男孩叫什么名字？", [unnamed_boy])
    assert not unnamed("他的老师叫什么名字？", ["他的老师叫藤野严九郎。"])
    assert not unnamed("Where did the little boy go?", [unnamed_boy])  # no name asked for
    # A first name is the name written before the surname, not another person's.
    first = "What was Mrs. Sappleton's first name?"
    assert unnamed(first, ["Framton wondered whether Mrs. Sappleton was at home."])
    assert not unnamed(first, ["Framton had met Jane Sappleton once."])
    assert (
        unnamed_message("巨人最爱的那个小男孩叫什么名字？")
        == "你问的是名字，但找到的句子都没有给出。"
    )


def test_sentences_holding_only_the_questions_own_words_tell_it_nothing():
    assert restates("《三字经》的作者是谁？", ["三字经"])
    assert restates("What is JSONB?", ["JSONB"])
    assert not restates("《三字经》的作者是谁？", ["三字经，相传为王应麟所作"])
    assert not restates("What is JSONB?", ["JSONB is a binary format."])
    # A question asking yes or no may be answered in its own words.
    assert not restates("Is JSONB binary?", ["JSONB is binary."])
    assert restates_message("《三字经》的作者是谁？") == "找到的句子只是重复了你问题里的词。"
