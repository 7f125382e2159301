"""Do the documents answer this question? Several signals, one calibrated confidence.

A cosine floor cannot be right for every model, language and collection: a question in the
collection's own language scores high whatever it asks, and a passage in the other language
scores low whatever it says. So each hit's score is read against what unrelated questions score on
this very collection for that pair of languages (the baseline: English questions on Chinese
passages, ...). The best of these standings is joined with lexical evidence: do the question's
content words occur, as they are or translated by a dictionary, in the top passages in that best
passage's language, and in the top passages at all, each word weighted by how rare it is in the
collection (a question whose rarest word occurs nowhere near the top is seldom answered), and the
share of its words that occur nowhere in the collection at all; and with a second opinion: how
far a second, independent encoder (core.retrieval.second_opinion) scores the best passage above
where it scores unrelated questions' best passages. A logistic model, fitted per model on
question sets that include unanswerable and cross-lingual questions (samples/questions/,
bench/data/zh-embeddings; bench/answerability.py), turns them into a confidence.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from core import pinyin
from core.files import write_atomically
from core.glossary import (
    base_forms,
    glossary,
    is_english_word,
    other_spellings,
    word_translations,
)
from core.records import Chunk, Hit
from core.retrieval.chroma import chroma_name
from core.retrieval.encoders import Encoder
from core.retrieval.lexical import terms
from core.retrieval.second_opinion import SecondOpinion, second_opinion
from core.retrieval.store import Store
from core.text import (
    NumberedName,
    asked_unit,
    asks_for_a_date,
    asks_for_a_kind,
    asks_for_a_name,
    asks_for_an_amount,
    asks_for_something,
    capitalised_words,
    chinese_word_frequencies,
    chinese_word_tags,
    content_words,
    counted_word,
    first_name_asked,
    in_the_script_of,
    is_acronym,
    is_asked,
    is_chinese_verb,
    is_han_word,
    language,
    language_of_question,
    latin_glosses,
    leaves_out,
    multiword_names,
    name_words,
    names_an_amount,
    names_the_time_asked,
    numbered_names,
    shortens,
    simplified,
    spells_out,
    stopwords,
    tells_how_often,
    unit_names,
    without_accents,
    without_numbers_of,
    words_of_the_text,
    writes_amount_asked,
    writes_amount_of,
    writes_first_name,
    written_names,
    years_named,
    zipf_frequency,
)

_DATA = Path(__file__).parent / "data"
CALIBRATION_FILE = _DATA / "answerability.json"
PROBES_FILE = _DATA / "probe_questions.txt"
DEFAULT_STRICTNESS = 0.5  # the confidence an answer needs; the same meaning for every model
DEFAULT_CALIBRATION = "default"  # fitted on every model's signals, for models not listed
MIN_SPREAD = 0.01  # a baseline of near-identical scores must not turn noise into certainty
LEXICAL_HITS = 3  # passages searched for the question's words
MIN_PROBES = 10  # probes that must reach a language pair for it to have a baseline of its own
PROBE_DEPTH = 20  # passages read per probe question, to find the best one in each language
SECOND_DEPTH = 5  # a probe's first passages the second opinion reads, as a question's top hits
OTHER_DEPTH = 100  # passages read, among the documents with some in a language, to find one in it
# The most confidence a Chinese question gets when it names, in Latin letters, something no
# passage mentions (Kubernetes, goroutine, KV cache). Of the 205 Chinese questions written for
# the project and for outside documents (package READMEs, two real PDFs, Rust by Example's
# Chinese pages), 11 did so and none was answerable: (0 + 1) / (11 + 2), Laplace's estimate.
# An English question gets it when it names, in capitals inside it, something no passage
# mentions while its best passage is English too: "How do I set up WireGuard on Debian?" of the
# Debian Reference; so does an acronym, unless the passages found write it out (CRP:
# C-reactive protein; "How many satellites make up the GPS system?" beside Tycho Brahe's
# observatory). Statements are left to the calibration: 8 of 40 SciFact claims, written from
# the papers that cite an abstract, name in capitals a protein or a virus (Merlin, West Nile)
# that their abstract never does; capping them refused 5 more claims. None of the 128 English
# questions written for the project's documents and for Debian's manuals and package READMEs
# that the documents answer was capped.
# So does one naming in lower case what no English passage holds in any form, with a word that
# is no English word (nginx, fail2ban) or a rare one that the dictionary translates, so that
# Chinese passages were searched for it too (antibiotics, firewall, perplexity): rarer than
# RARE_ZIPF. Of those 128 questions, the ones whose best passage is English miss common words
# ('play', 'built', 'hardware'), said otherwise there, or one the dictionary lacks ('kiwifruit'
# beside a Chinese text's 猕猴桃); answered from Chinese passages, they miss rare words its
# translations do not find ('porpoises', 'lunar'), so those are left to the calibration.
# A Chinese question answered from English passages gets it, too, when it names a rare Chinese
# word that the dictionary translates (抗生素: antibiotic, the direction CC-CEDICT is written
# in) and no passage holds in either language, unless it is a verb (遮住, 'cover', where BERT
# 'masks'); answered from Chinese passages, it is left to the calibration, since they may write
# it otherwise (生僻 for 罕见) and jieba cut it otherwise.
# Of the 89 Chinese questions written for the project that its documents answer, none was capped
# so; of the 70 that they do not, 11 were (抗生素, 冥王星, 鼻炎...).
# A question in either language gets it too when it names something its documents never write
# as it does, though they hold every word of it: "Debian 14" beside Debian 12 and 13
# (unnumbered_names()), "Secure Boot" or "Active Directory" (unjoined_names()).
# So does one asking how many, answered in its own language, whose counted word no passage
# holds in any form (每天应该喝多少毫升水？ of a health guide): of the 830 questions written for
# the project and five held-out sets, it refused 3 near-topic ones that had been answered and no
# answerable one; across languages it refused answerable ones the dictionary fails ('dietary').
# So does one naming a year they never write, in digits or in Chinese numerals (unwritten_years(),
# 2017 of a regulation of 2002): of the sixteen held-out sets' questions naming a year, none of
# the 16 answerable ones is capped so, and 2 near-topic and 11 off-topic ones are.
MISSING_NAME_CONFIDENCE = 0.08
RARE_ZIPF = 4.0  # wordfreq's Zipf scale: rarer than 10 in a million words of its language
# The most confidence a question asking when ("When did...?", 哪一年) gets when the sentences its
# answer would quote name no time at all. Of the 24 such questions written for the project and
# for Debian's manuals, 14 were answered: the 11 that their documents answer all quoted a time;
# of the other 3, one quoted none ("When will China bring back samples from Mars?" quoted
# Chang'e 5's lunar samples): (0 + 1) / (1 + 2), Laplace's estimate.
UNDATED_CONFIDENCE = 0.33  # at most, when the sentences lack the time or amount asked for
NUMBERED_PASSAGES = 200  # passages read for the numbers a collection writes after a name
NAME_PASSAGES = 200  # passages read for a name of several words written together
WRITTEN_PASSAGES = 200  # passages read for a Chinese word jieba's dictionary lacks
NAME_ENDS = 20  # words read as a pinyin name's first or last two syllables, whose passages are read
MISSPELT_LENGTH = 7  # letters a word needs to be read as a misspelling (_misspells())
BASELINE_VERSION = "3"  # bumped when what a baseline holds changes: older cached ones recompute


@dataclass(frozen=True)
class Baseline:
    """What unrelated questions score on one collection: the best passage in each language, for
    questions in each language ('en>zh': English questions, Chinese passages), with fallbacks
    by question language ('en') and overall ('all')."""

    median: dict[str, float]
    spread: dict[str, float]  # a robust standard deviation (1.4826 x MAD)
    # The second opinion's best cosine between the same questions and their first passages
    # (and their best passage) in each language.
    second: Baseline | None = None

    @classmethod
    def from_dict(cls, saved: Mapping) -> Baseline:
        """A baseline from what asdict() made of one."""
        second = saved.get("second")
        return cls(saved["median"], saved["spread"], cls.from_dict(second) if second else None)

    def holds(self, passage_language: str) -> bool:
        """Whether unrelated questions found enough passages in that language for a baseline of
        their own: the collection holds text in it."""
        return any(key.endswith(f">{passage_language}") for key in self.median)

    def key(self, question_language: str, passage_language: str) -> str:
        for key in (f"{question_language}>{passage_language}", question_language):
            if key in self.median:
                return key
        return "all"

    def standing(self, score: float, question_language: str, passage_language: str) -> float:
        """How many spreads a score stands above what unrelated questions score here."""
        key = self.key(question_language, passage_language)
        return (score - self.median[key]) / max(self.spread[key], MIN_SPREAD)

    def score_at(self, standing: float, question_language: str, passage_language: str) -> float:
        """The score that stands standing spreads above unrelated questions (standing's inverse)."""
        key = self.key(question_language, passage_language)
        return self.median[key] + standing * max(self.spread[key], MIN_SPREAD)


@dataclass(frozen=True)
class Signals:
    top_score: float  # cosine of the best-standing hit
    standing: float  # the best standing of any hit, each read against its own language pair
    # Share of the question's content words found, as they are or translated, in the top
    # passages in the language of the best-standing one (where the answer would be).
    lexical: float
    # The same share over the top passages in any language, each word weighted by its rarity
    # in the collection.
    rare_lexical: float
    # How far the second opinion's cosine of the best-standing hit stands above the best it
    # gives unrelated questions' first passages in the same language pair.
    second_standing: float
    # Share of the question's content words that no passage in the collection holds, as they
    # are or translated: a question on the documents' subject that they do not answer often
    # names something they never mention (a Kubernetes ingress beside psutil's README).
    absent: float
    answered_in: str = ""  # the language of the best-standing passage ('en', 'zh')

    def features(self) -> list[float]:
        # Measured by bench/answerability.py (cross-validated on the project's questions) and
        # bench/answerability_outside.py (SciFact, never fitted on): the margin, the
        # cross-language flag and the sentence-level cosine added nothing; the best standing
        # of a passage in the question's own language, and the share of its words found in
        # the other language's passages, helped on the two-language sample corpus but
        # misread one-language collections (SciFact claims answered 0.93 -> 0.68), where the
        # first is a constant and the second always 0. The second opinion's standing of the other
        # top hits, or of the best one in the question's language, did no better than that of
        # the best-standing hit alone. The share of absent words raised the answerable questions
        # answered from 140 to 146 of 159 (refused: 109 of 124 both): it lets a word missing
        # from the top passages but found elsewhere in the collection weigh less.
        return [
            self.standing,
            self.lexical,
            self.rare_lexical,
            self.second_standing,
            self.absent,
        ]


@dataclass(frozen=True)
class Calibration:
    """A logistic model over Signals.features()."""

    weights: tuple[float, ...]
    bias: float

    def confidence(self, signals: Signals) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, signals.features(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Verdict:
    answerable: bool
    confidence: float  # 0-1: how sure we are that the passages answer the question
    strictness: float  # the confidence that was needed
    signals: Signals
    # The cosine a passage needs to add to an answer: halfway from what unrelated questions
    # score here to the top hit, so only passages near the best one are quoted.
    passage_floor: float
    # The same floor for passages in each language ('en', 'zh'): a passage must stand half as
    # high as the best one above what unrelated questions score in its own language pair. A
    # question answered across languages has a low cosine floor, which unrelated passages in
    # its own language (higher cosines whatever they say) must not pass.
    floors: Mapping[str, float] = field(default_factory=dict)
    # The question's words that no passage holds in any form, as the question writes them
    # (beside an answer across languages, only those no translation was needed for: judge()),
    # shown beside the answer or the refusal, like a search engine's "Missing: ...".
    missing: tuple[str, ...] = ()
    # A question asking when, whose answer's sentences name no time (undated()).
    undated: bool = False
    # The unit a question asked an amount in, when its answer's sentences give none in it
    # (unmeasured(): 多少钱 of sentences naming no sum); else ''.
    unmeasured: str = ""
    # The most confidence the question's names allowed (confidence_cap()), whatever its signals.
    cap: float = 1.0
    # The sentence that would answer it best says the documents leave the matter out.
    left_out: bool = False
    # The sentences that would answer a question asking what, who or when only repeat its words.
    restates: bool = False
    # The sentences an answer to a question asking for a name would quote give none (unnamed()).
    unnamed: bool = False

    def admits(self, hit: Hit) -> bool:
        """Whether a passage may be quoted in the answer (else it is only closest)."""
        floor = self.floors.get(language(hit.chunk.text), self.passage_floor)
        return self.answerable and hit.score >= floor

    def unsure(self, **why: bool | str) -> Verdict:
        """The verdict once the sentences that would answer turn out not to (doubt() says why:
        undated, unmeasured, unnamed, left_out or restates): at most UNDATED_CONFIDENCE,
        refused below the strictness."""
        capped = min(self.confidence, UNDATED_CONFIDENCE)
        return replace(self, answerable=capped >= self.strictness, confidence=capped, **why)


def accept_all() -> Verdict:
    """A verdict that lets every passage through: for measuring what consumes it (benchmarks)."""
    return Verdict(True, 1.0, 0.0, Signals(1.0, 0.0, 1.0, 1.0, 0.0, 0.0), passage_floor=-1.0)


def judge(
    question: str,
    hits: Sequence[Hit],
    baseline: Baseline,
    calibration: Calibration,
    strictness: float = DEFAULT_STRICTNESS,
    rarity: WordRarity | None = None,
    opinion: SecondOpinion | None = None,
) -> Verdict:
    """Whether the dense hits answer the question, with a calibrated confidence (rarity: the
    question's words' rarity in the collection, word_rarity(); opinion: the process's second
    opinion unless given)."""
    missing = missing_words(question, rarity, [hit.chunk.text for hit in hits])
    if not hits:
        empty = Signals(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        return Verdict(False, 0.0, strictness, empty, passage_floor=1.0, missing=missing)
    found = signals(question, hits, baseline, rarity, opinion)
    answered_in = found.answered_in
    cap = confidence_cap(question, missing, answered_in)
    confidence = min(calibration.confidence(found), cap)
    asked_in = language_of_question(question)
    floors = {
        passage: baseline.score_at(found.standing / 2, asked_in, passage)
        for passage in ("en", "zh")
    }
    # Halfway from what unrelated questions score in the best passage's language pair to it.
    floor = floors[answered_in]
    answerable = confidence >= strictness
    # An answer from the other language's passages claims no word of the question's language
    # missing: only a translation could have found it, and the glossary knows too few (芯片
    # for 'chip'; half the project's questions answered across languages were told a word
    # they use was missing). Names in Latin letters are looked for as written; a refusal
    # names every word, to say what to ask otherwise.
    if answerable and answered_in != asked_in:
        missing = tuple(word for word in missing if language(word) != asked_in)
    return Verdict(answerable, confidence, strictness, found, floor, floors, missing, cap=cap)


def signals(
    question: str,
    hits: Sequence[Hit],
    baseline: Baseline,
    rarity: WordRarity | None = None,
    opinion: SecondOpinion | None = None,
) -> Signals:
    """The signals of dense hits (cosine scores, in the order the search ranked them), read at
    the best-standing hit; without rarity every word weighs the same and none counts as absent."""
    asked_in = language_of_question(question)
    best = _best_standing(asked_in, hits, baseline)
    answered_in = language(best.chunk.text)
    texts = [hit.chunk.text for hit in hits]
    where_answered = [text for text in texts if language(text) == answered_in]
    if baseline.second is None:
        raise ValueError("the baseline has no second opinion: compute it again")
    second = float((opinion or second_opinion()).similarity(question, [best.chunk.text])[0])
    shown_by = evidence(question, rarity)
    if not baseline.holds("zh"):
        # A Chinese word the dictionary lacks (喀拉喀托, Krakatoa) is not looked for in passages
        # of a collection with no Chinese; whether the collection holds it still counts (absent).
        shown_by = {word: forms for word, forms in shown_by.items() if _in_latin(forms)}
    return Signals(
        top_score=best.score,
        standing=baseline.standing(best.score, asked_in, answered_in),
        lexical=lexical_coverage(shown_by, where_answered[:LEXICAL_HITS]),
        rare_lexical=lexical_coverage(shown_by, texts[:LEXICAL_HITS], rarity.idf if rarity else {}),
        second_standing=baseline.second.standing(second, asked_in, answered_in),
        absent=rarity.absent_share if rarity else 0.0,
        answered_in=answered_in,
    )


def _in_latin(forms: Iterable[str]) -> bool:
    return any(form.isascii() for form in forms)


def _best_standing(asked_in: str, hits: Sequence[Hit], baseline: Baseline) -> Hit:
    """The hit that stands highest above what unrelated questions score in its language pair
    (asked_in: the question's language): raw cosines favour the question's own language,
    whatever it asks."""
    return max(
        hits, key=lambda hit: baseline.standing(hit.score, asked_in, language(hit.chunk.text))
    )


def lexical_coverage(
    shown_by: Mapping[str, set[str]],
    passages: Sequence[str],
    rarity: Mapping[str, float] | None = None,
) -> float:
    """Share of a question's content words (shown_by: evidence() of it) found in the passages
    as they are or translated (core.glossary), each weighted by its rarity (1 for a word rarity
    does not list)."""
    weights = {word: (rarity or {}).get(word, 1.0) for word in shown_by}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    text = without_accents(simplified(" ".join(passages).lower()))  # as the words are
    found = sum(
        weight
        for word, weight in weights.items()
        if any(_occurs(form, text) for form in shown_by[word])
    )
    return found / total


def sentence_coverages(question: str, sentences: Sequence[str]) -> list[float]:
    """lexical_coverage() of each sentence on its own, every word weighing the same."""
    shown_by = evidence(question)
    return [lexical_coverage(shown_by, [sentence]) for sentence in sentences]


def _occurs(form: str, text: str) -> bool:
    """Whether text holds form: Chinese anywhere, English at the start of a word, so that
    'form' (形成) is found in 'formation' but not in 'transforming'."""
    if not form.isascii():
        return form in text
    return re.search(r"(?<![a-z0-9])" + re.escape(form), text) is not None


def evidence(question: str, rarity: WordRarity | None = None) -> dict[str, set[str]]:
    """What shows each of the question's content words in a passage: its stem, unaccented, as
    spelt across the Atlantic ('behaviour': behavior), its uninflected forms ('earliest':
    early), its translations into the other language (core.glossary.word_translations) and the
    rarer senses the collection holds it under (rarity.senses); none for the words it uses of
    the text that the collection never writes (rarity.unsaid)."""
    translated = question_translations(question)
    senses = rarity.senses if rarity else {}
    unsaid = rarity.unsaid if rarity else frozenset()
    return {
        word: {
            *map(_stem, (without_accents(word), *other_spellings(word), *base_forms(word))),
            *found,
        }
        | set(senses.get(word, ()))
        if word.isascii() or not is_han_word(word)
        else {*_pieces(word), *map(_stem, found)}
        for word, found in translated.items()
        if word not in unsaid
    }


def question_translations(question: str) -> dict[str, tuple[str, ...]]:
    """Each content word's translations (core.glossary.word_translations()), or those of its
    pieces (_pieces()) for a Chinese word with none; a Chinese name's with the Latin spelling
    the question gives it (core.text.latin_glosses()): an English passage writes Burton for
    约翰·伯顿（John Burton）, a name no dictionary lists."""
    translated = word_translations(content_words(question))
    for word, found in translated.items():
        if not found and is_han_word(word):  # 花园里 (listed, untranslated): 花园, a garden
            pieces = word_translations([p for p in _pieces(word)[1:] if len(p) > 1]).values()
            translated[word] = tuple(dict.fromkeys(english for each in pieces for english in each))
    for word, latin in latin_glosses(question).items():
        if word in translated:
            translated[word] = tuple(dict.fromkeys((*translated[word], *latin)))
    return translated


_COUNTING = "一二三四五六七八九十两百千万每"  # numerals that lead what they count (三岁, 每局)


def _pieces(word: str) -> tuple[str, ...]:
    """A Chinese word and, when jieba's dictionary lacks it (a guess such as 幼崽有, cut from
    大熊猫幼崽有多重), its two-character pieces: a passage may hold only 幼崽; when the
    dictionary glues a particle onto a word (签名会, 'a signing event', cut from
    删除签名会有什么后果), the word without it, and so for a guess of two characters (社是, cut
    from 開源社是哪一天創立的, where passages write 開源社); when a number leads it (三岁,
    一局), what it counts, which a passage may write after digits (3 岁) or another number."""
    counted = word.lstrip(_COUNTING)
    numeral = len(word) - len(counted)  # not a year: 一九五四年
    if counted and 0 < numeral <= 2 and chinese_word_tags().get(word) == "m":
        return (word, counted)
    if not is_han_word(word):
        return (word,)
    listed = chinese_word_frequencies().get(word, 0) > 0
    if len(word) == 2 and not listed and word[1] in stopwords():
        return (word, word[0])
    if len(word) < 3:
        return (word,)
    if listed:
        return (word, word[:-1]) if word[-1] in stopwords() else (word,)
    return (word, *(word[i : i + 2] for i in range(len(word) - 1)))


@dataclass(frozen=True)
class WordRarity:
    """How rare a question's content words are in one collection."""

    # Of each word's commonest form, log((N + 1) / (df + 0.5)), in the question's order.
    idf: Mapping[str, float]
    absent: frozenset[str]  # the words no chunk holds in any form
    # The question's names that the collection never writes as the question does, while it
    # holds every word of them: "Debian 14" beside Debian 12 and 13 (unnumbered_names()),
    # "Secure Boot" where "secure" and "boot" stand apart (unjoined_names()).
    unwritten: tuple[str, ...] = ()
    # The rarer senses (core.glossary's senses()) under which the collection holds an English
    # word that none of its likeliest translations shows ('partners': 合伙人, 拍档), or the
    # Chinese words a name in pinyin reads as ('xianglin': 祥林).
    senses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The question's words that no chunk holds in any form and that are none of what it asks
    # about: the words it uses of the text itself (the narrator of a story told by "I":
    # core.text.words_of_the_text()), and pieces jieba cut across a name (_cut_across_a_name()).
    # Neither looked for nor absent.
    unsaid: frozenset[str] = frozenset()

    @property
    def absent_share(self) -> float:
        return len(self.absent) / len(self.idf) if self.idf else 0.0


def word_rarity(store: Store, collection: str, question: str) -> WordRarity:
    """Each content word's inverse document frequency in the collection: that of the most
    common of its forms (as written or translated), and the words found in none."""
    translated = question_translations(question)
    forms = {
        word: _term_groups({*_pieces(word), *base_forms(word), *other_spellings(word), *found})
        for word, found in translated.items()
    }
    frequency, chunks = store.document_frequencies(
        collection, {term for groups in forms.values() for group in groups for term in group}
    )
    # A form the index cuts into several terms (mod_rewrite: mod, rewrit) is as common as its
    # rarest term: a passage holding 'mod' alone does not write mod_rewrite.
    listed = {
        word: max((min(frequency[term] for term in group) for group in groups), default=0)
        for word, groups in forms.items()
    }
    unfound = [word for word, df in listed.items() if not df]
    named = _names_in_pinyin(store, collection, question, unfound)
    senses = {
        word: named.get(word) or _held_senses(store, collection, _as_written(word, question))
        for word in unfound
    }
    commonest = {
        word: df
        or max(senses.get(word, {}).values(), default=0)
        or _misspelt_frequency(store, collection, word)
        or _written_frequency(store, collection, word)
        for word, df in listed.items()
    }
    unsaid = {word for word in words_of_the_text(question) if commonest.get(word) == 0}
    unsaid |= {
        word
        for word, df in commonest.items()
        if df == 0 and is_han_word(word) and _cut_across_a_name(store, collection, question, word)
    }
    commonest = {word: df for word, df in commonest.items() if word not in unsaid}
    return WordRarity(
        idf={word: math.log((chunks + 1) / (df + 0.5)) for word, df in commonest.items()},
        absent=frozenset(word for word, df in commonest.items() if df == 0),
        unsaid=frozenset(unsaid),
        unwritten=(
            *unnumbered_names(store, collection, question),
            *unjoined_names(store, collection, question),
            *unwritten_years(store, collection, question),
        ),
        senses={word: tuple(held) for word, held in senses.items() if held},
    )


def _held_senses(store: Store, collection: str, written: str) -> dict[str, int]:
    """How many chunks hold each rarer sense of an English word, as a question writes it
    (core.glossary's senses()), or each Chinese word that a word in no dictionary spells in
    pinyin (_written_in_pinyin()): a name when it is capitalised ('Xianglin': 祥林, not 相邻),
    any word when it is not, a word English took from Chinese ('tulou': 土楼)."""
    word = written.lower()
    if not word.isascii():
        return {}
    senses = glossary().senses(word)
    if not senses and not glossary().translations(word):
        # The glosses write names in pinyin too: is_english_word() knows 'xianglin'.
        ways = pinyin.syllables(word)
        return _written_in_pinyin(store, collection, ways, names_only=not written.islower())
    frequency, _ = store.document_frequencies(collection, senses) if senses else ({}, 0)
    return {sense: df for sense, df in frequency.items() if df}


def _names_in_pinyin(
    store: Store, collection: str, question: str, unfound: Sequence[str]
) -> dict[str, dict[str, int]]:
    """For each unfound word of a name in pinyin of several words (core.pinyin's names_in():
    'Liu Hui', 'Wenchang Lou'), the Chinese names the whole reads as (_written_in_pinyin()),
    which no word alone can find: one syllable reads as too many characters."""
    named: dict[str, dict[str, int]] = {}
    for name in pinyin.names_in(question) if unfound else ():
        words = [word.lower() for word in name if word.lower() in unfound]
        written = (
            _written_in_pinyin(store, collection, pinyin.name_syllables(name)) if words else {}
        )
        for word in words:
            named[word] = {**named.get(word, {}), **written}
    return named


def _written_in_pinyin(
    store: Store, collection: str, ways: Sequence[tuple[str, ...]], names_only: bool = True
) -> dict[str, int]:
    """The Chinese names (or any words) that read as these pinyin syllables (core.pinyin), with
    how many chunks hold each: as one of the index's words (刘徽, 祥林 in 祥林嫂), or written
    across the words jieba cut (文昌楼: 文昌, 楼; 田螺坑: 田螺, 坑), found in the text of the
    chunks holding the word its first two syllables read as."""
    whole = pinyin.pattern(ways)
    if whole is None:
        return {}
    kept = pinyin.names_among if names_only else set
    found = kept(store.chinese_terms_found(collection, whole))
    if found:
        frequency, _ = store.document_frequencies(collection, found)
        return {name: df for name, df in frequency.items() if df}
    # Its first two syllables or its last two, as jieba cut it: 文昌 of 文昌楼, 太太 of 衍太太
    # (衍 | 太太).
    ends = pinyin.pattern(sorted({e for way in ways if len(way) > 2 for e in (way[:2], way[-2:])}))
    texts = {
        chunk.id: simplified(chunk.text)
        for end in sorted(store.chinese_terms_found(collection, ends) if ends else ())[:NAME_ENDS]
        for chunk in store.chunks_holding(collection, [end], WRITTEN_PASSAGES)
    }
    written = Counter(
        name for text in texts.values() for name in {m.group(1) for m in whole.finditer(text)}
    )
    return {name: df for name, df in written.items() if kept([name])}


def _misspelt_frequency(store: Store, collection: str, word: str) -> int:
    """For a word the collection never writes and no dictionary lists, how many chunks hold
    the commonest term a letter away from it ('recomended': recommend); else 0. A misspelling
    names nothing the documents lack."""
    if not (word.isascii() and word.isalpha() and len(word) >= 5) or is_english_word(word):
        return 0
    written = terms(word)
    if len(written) != 1 or len(written[0]) < 4:
        return 0
    # Edits of the word as typed, then stemmed as the index stems: 'presidnet' is a letter
    # away from 'president', which the index holds as 'presid'.
    edits = _a_letter_away(word.lower())
    frequency, _ = store.document_frequencies(collection, {t for e in edits for t in terms(e)})
    return max(frequency.values(), default=0)


def _written_frequency(store: Store, collection: str, word: str) -> int:
    """For a Chinese word jieba's dictionary lacks (a name it guessed: 贺老六是 in
    贺老六是得什么病死的), how many chunks write it, or it without particles at its ends (贺老六),
    however jieba cut them (贺 老 六); else 0."""
    if not is_han_word(word) or len(word) < 3 or chinese_word_frequencies().get(word, 0) > 0:
        return 0
    particles = "".join(stopword for stopword in stopwords() if len(stopword) == 1)
    forms = dict.fromkeys((word, word.strip(particles)))
    return next(filter(None, (_chunks_writing(store, collection, form) for form in forms)), 0)


def _chunks_writing(store: Store, collection: str, form: str) -> int:
    """How many chunks write a Chinese form of two characters or more, however jieba cut it
    (贺 老 六), of the first WRITTEN_PASSAGES holding its characters."""
    wanted = [character for character in dict.fromkeys(form) if character not in stopwords()]
    if len(form) < 2 or not wanted:
        return 0
    chunks = store.chunks_holding(collection, wanted, WRITTEN_PASSAGES)
    return sum(form in simplified(chunk.text) for chunk in chunks)


def _cut_across_a_name(store: Store, collection: str, question: str, word: str) -> bool:
    """Whether jieba cut a word of two characters out of a question across a name that its
    dictionary lacks and the collection writes: 平家 of 朱子平家每个月..., whose passages write
    朱子平 (cut 朱子 / 平家 there too, the name is no word of the question's)."""
    text = simplified(question)
    at = text.find(word)
    name = text[at - 2 : at + 1] if at >= 2 and len(word) == 2 else ""
    if not is_han_word(name) or chinese_word_frequencies().get(name, 0) > 0:
        return False
    return _chunks_writing(store, collection, name) > 0


def _a_letter_away(term: str) -> set[str]:
    """The terms one letter deleted, swapped, replaced or inserted away (Norvig's edits)."""
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    letters = "abcdefghijklmnopqrstuvwxyz"
    edits = {head + tail[1:] for head, tail in splits if tail}
    edits |= {head + tail[1] + tail[0] + tail[2:] for head, tail in splits if len(tail) > 1}
    edits |= {head + c + tail[1:] for head, tail in splits if tail for c in letters}
    edits |= {head + c + tail for head, tail in splits for c in letters}
    return edits - {term}


def unnumbered_names(store: Store, collection: str, question: str) -> tuple[str, ...]:
    """The question's names with a number ("Debian 14", "GPT-5") that the collection writes
    only with other numbers ("Debian 12", "Debian 13"): a release, a model or a mission the
    documents do not cover, while every word of the question is there."""
    return tuple(
        named.shown
        for named in numbered_names(question)
        if _only_other_numbers(store, collection, named)
    )


def _only_other_numbers(store: Store, collection: str, named: NumberedName) -> bool:
    name = terms(named.name)
    # The name as the question writes it, or in capitals: a claim opening "Roughly 55% of
    # women..." names nothing that a document's "roughly 40%" writes with another number.
    spelt = "|".join(map(re.escape, {named.name, named.name.upper()}))
    after_name = re.compile(r"(?<![A-Za-z0-9])(?:" + spelt + r")\s*[-–]?\s*(\d+(?:\.\d+)*)")

    def numbers_in(passages: Sequence[Chunk]) -> set[str]:
        return {number for chunk in passages for number in after_name.findall(chunk.text)}

    # The passages holding the name and the number first, where "Debian 14" would be: when
    # they write it, the passages holding the name alone need no reading.
    beside = numbers_in(
        store.chunks_holding(collection, [*name, *terms(named.number)], NUMBERED_PASSAGES)
    )
    if any(_same_release(named.number, number) for number in beside):
        return False
    written = beside | numbers_in(store.chunks_holding(collection, name, NUMBERED_PASSAGES))
    return bool(written) and not any(_same_release(named.number, n) for n in written)


def unwritten_years(store: Store, collection: str, question: str) -> tuple[str, ...]:
    """The years a question names (core.text.years_named()) that the collection never writes,
    in digits or in Chinese numerals (一九五四年): the documents cover nothing of that year
    ("...在2017年修订时修改了哪些条款？" of a regulation written in 2002)."""
    return tuple(
        year
        for year in years_named(question)
        if not store.digits_frequency(collection, year)  # OCR writes "in1847" too
        and not any(_chunks_writing(store, collection, spelt) for spelt in _in_chinese(year))
    )


def _in_chinese(number: str) -> set[str]:
    """A number's digits as Chinese numerals, with either zero (二〇一七, 二零一七)."""
    digits = (str.maketrans("0123456789", f"{zero}一二三四五六七八九") for zero in "〇零")
    return {number.translate(table) for table in digits}


def unjoined_names(store: Store, collection: str, question: str) -> tuple[str, ...]:
    """The question's names of two words or more ("Secure Boot", "Active Directory") whose every
    word the collection holds, but never together: a feature, a product or a place that its
    documents do not cover, named in the words of its subject."""
    return tuple(
        name for name in multiword_names(question) if _never_together(store, collection, name)
    )


def _never_together(store: Store, collection: str, name: str) -> bool:
    words = name_words(name)
    wanted = [term for word in words for term in terms(word)]
    if len(wanted) < 2:
        return False
    frequency, _ = store.document_frequencies(collection, wanted)
    if not all(frequency.values()):
        return False  # a word found nowhere is a missing word (missing_words()) already
    passages = store.chunks_holding(collection, wanted, NAME_PASSAGES)
    if len(passages) == NAME_PASSAGES:
        return False  # too many to read them all: the name may be in one of the others
    # A scanned page read by OCR may lose the space between them ("FramtonNuttel"): one term.
    passages += store.chunks_holding(collection, terms("".join(words)), NAME_PASSAGES)
    # Singular or plural as the documents write it: "Gutenberg Bibles" of "the Gutenberg Bible".
    spelt = (re.escape(_singular(word)) + "(?:e?s)?" for word in words)
    together = re.compile(
        r"(?<![A-Za-z0-9])" + r"[\s\-–/'’]*".join(spelt) + r"(?![A-Za-z])", re.IGNORECASE
    )
    return not any(together.search(without_accents(chunk.text)) for chunk in passages)


def _singular(word: str) -> str:
    return word[:-1] if word.isascii() and word.endswith("s") and not word.endswith("ss") else word


def _same_release(asked: str, written: str) -> bool:
    """Whether a number as a document writes it is the one asked for or one of them contains the
    other ("5.0" is "5"; "3" is "3.12", and "13.1" is of "13"): only a number that differs
    tells that the documents cover something else."""
    asked_parts, written_parts = _release_parts(asked), _release_parts(written)
    shorter = min(len(asked_parts), len(written_parts))
    return asked_parts[:shorter] == written_parts[:shorter]


def _release_parts(number: str) -> list[str]:
    parts = number.split(".")
    while len(parts) > 1 and not parts[-1].strip("0"):
        parts.pop()
    return parts


def missing_words(
    question: str, rarity: WordRarity | None, passages: Sequence[str] = ()
) -> tuple[str, ...]:
    """The question's content words found nowhere in the collection, as the question writes
    them ('Kubernetes', not 'kubernetes'); none when rarity is unknown. A word that the passages
    found write otherwise is not missing: in a form the index stems apart (喜马拉雅, translated
    'Himalayas', beside "Himalayan balsam"), an acronym written out (CRP: C-reactive protein),
    a short form (w2v: word2vec), a unit abbreviated after a number (kilometres: 6,300 km)."""
    if rarity is None:
        return ()
    shown_by = evidence(question, rarity)
    text = without_accents(simplified(" ".join(passages).lower()))  # as evidence() reads
    written = {word: _as_written(word, question) for word in rarity.idf if word in rarity.absent}

    def shown(word: str) -> bool:
        if shortens(word, text) or (is_acronym(written[word]) and spells_out(written[word], text)):
            return True  # w2v: word2vec; CRP: C-reactive protein
        if written[word].endswith("s") and is_acronym(written[word][:-1]):
            return _occurs(word[:-1], text)  # RFCs: "RFC019 and RFC020"
        if writes_amount_of(word, text):
            return True  # kilometres: 6,300 km
        if any(_occurs(tail, text) for tail in _compound_tails(word)):
            return True  # goalkeeper: "the keeper"
        return any(_occurs(form, text) for form in shown_by.get(word, ()))

    return (*(written[word] for word in written if not shown(word)), *rarity.unwritten)


def _compound_tails(word: str) -> list[str]:
    """The last words of an English compound of two the dictionary's glosses use ('goalkeeper':
    keeper), both of four letters or more: a text may write the thing by its last word."""
    vocabulary = glossary().vocabulary
    if not word.isascii() or not word.isalpha():
        return []
    return [
        word[cut:]
        for cut in range(4, len(word) - 3)
        if word[:cut] in vocabulary and word[cut:] in vocabulary
    ]


def missing_names(question: str, missing: Sequence[str], answered_in: str = "") -> tuple[str, ...]:
    """The missing words (missing_words()) that name something: those a Chinese question
    writes in Latin letters (Kubernetes, JavaScript's Promise, a KV cache), which its
    documents never mention; those an English question writes in capitals inside it
    (WireGuard, Neptune), in capitals only (GPS: missing_words() keeps no acronym that the
    passages found write out) or in lower case when it is no English word or a rare one (nginx,
    antibiotics: _names_a_thing()), when the passage it would be answered from is English too
    (answered_in), which would write the name as it does; a rare Chinese word the dictionary
    translates, when that passage is English (抗生素); and in either language a name they
    never write as the question does (unnumbered_names(), unjoined_names()), and what a
    question asking how many counts (core.text.counted_word(): 多少毫升, "how many calories")."""
    names = {named.shown for named in numbered_names(question)} | set(multiword_names(question))
    names |= set(years_named(question))
    asked_in = language_of_question(question)
    if asked_in == answered_in:
        # Documents that never write what a question counts give no amount of it ("每天应该喝
        # 多少毫升水？" of a text with no millilitres). Across languages the dictionary may
        # lack the word ('dietary' for 膳食).
        counted = counted_word(question)
        # Not one character, which a text may write otherwise (几只狗 of a text writing 犬),
        # unless it is a unit, which missing_words() found written in no form (钱, 天).
        names |= {
            word
            for word in missing
            if word.lower() == counted and (len(word) > 1 or unit_names(word))
        }
    if asked_in == answered_in == "en" and is_asked(question):
        names |= set(capitalised_words(question)) | set(filter(is_acronym, missing))
        names |= {word for word in missing if word.islower() and _names_a_thing(word, question)}
    if asked_in == "zh" and answered_in == "en" and is_asked(question):
        # Not a verb: its translations may not be the passages' verb (遮住, 'cover', for 'mask';
        # 卡住, 'jam', for 'hang'). Nor one character: often a piece jieba cut off a word it
        # lacks (羽 of 羽管键琴, a harpsichord).
        things = (
            word for word in missing if is_han_word(word) and len(word) > 1 and not _is_verb(word)
        )
        names |= {word for word in things if _rare_thing(word, question)}
    latin = asked_in == "zh"
    return tuple(word for word in missing if word in names or (latin and word.isascii()))


def _is_verb(word: str) -> bool:
    """Whether jieba tags a Chinese word as a verb or the dictionary's first gloss is one."""
    return is_chinese_verb(word) or simplified(word) in glossary().verbs


def _names_a_thing(word: str, question: str) -> bool:
    """Whether a lower-case English word that no passage holds names something the documents
    would write as it is: no English word at all (nginx), or a rare one (_rare_thing()); a
    commoner word ('hardware', 'play') may stand for one the documents use instead, and so may
    a misspelt one ('recomended')."""
    return not (is_english_word(word) or _misspells(word)) or _rare_thing(word, question)


def _misspells(word: str) -> bool:
    """Whether a long word is a letter away from one the dictionary's glosses use: shorter
    names of software are often a letter away from a word ('redis', 'reds')."""
    vocabulary = glossary().vocabulary
    return len(word) >= MISSPELT_LENGTH and any(edit in vocabulary for edit in _a_letter_away(word))


def _rare_thing(word: str, question: str) -> bool:
    """Whether a word is rarer than RARE_ZIPF in its language and the dictionary translates it,
    so that a passage in either language about what it names would hold it (antibiotics,
    firewall, 抗生素), and the question does not ask for a thing of that kind: "What exponent
    ...?" is answered by a value, which a passage may give without the word (asks_for_a_kind())."""
    if _DESCRIBES.search(word):
        return False  # says what a thing is like
    rare = zipf_frequency(word, language(word)) < RARE_ZIPF
    translated = word_translations([word])[word] if rare else ()
    if not translated or asks_for_a_kind(question, word):
        return False
    return not (_names_an_action(word) or _in_the_passive(word, question))


# Adjectives, rarely a noun: 'sensible', 'dangerous', 'careless', 'undisturbed' ("how long
# have the bones gone undisturbed?" of "For the half of a century no mortal has disturbed them").
_DESCRIBES = re.compile(r"[a-z]{3}(?:ible|ous|less)$|^un[a-z]{4,}ed$")


def _in_the_passive(word: str, question: str) -> bool:
    """Whether a question uses a word ending in -ed as a verb in the passive: "When was Handel's
    Rinaldo first staged?" names no stag (公鹿), the dictionary's likeliest sense of 'stag'."""
    if not word.endswith("ed"):
        return False
    be = r"\b(?:is|are|was|were|be|been|being|get|gets|got)(?:\s+[\w'’-]+){0,4}\s+"
    passive = be + re.escape(word) + r"\b"
    return re.search(passive, question, re.IGNORECASE) is not None


def _names_an_action(word: str) -> bool:
    """Whether most of a word's translations are verbs, or those of the verb it is a participle
    of ('refreshed', glossed 爽快, of 'refresh': 刷新): 'guarded' (守卫, 护卫) may be "security
    ... 24 hours a day"."""
    verb = base_forms(word) if word.endswith(("ed", "ing")) else []
    for form in (word, *verb):
        translated = word_translations([form])[form]
        verbs = sum(simplified(chinese) in glossary().verbs for chinese in translated)
        if translated and 2 * verbs > len(translated):
            return True
    return False


def read_word_lists() -> None:
    """Read now what judging questions reads on first use: the dictionary (0.3-0.6 s from its
    cached file), jieba's parts of speech (1.2 s) and wordfreq's English and Chinese tables."""
    glossary()
    chinese_word_tags()
    for in_language in ("en", "zh"):
        zipf_frequency("", in_language)


def unmeasured(question: str, sentences: Sequence[str]) -> str:
    """The unit a question asks an amount in (core.text.asked_unit(): 多少钱, "how many hours")
    when none of the sentences that would answer it gives a number in that unit; for one asking
    how many in no unit, NUMBER when the sentence that answers it best gives no number (链表长度
    超过多少时转成红黑树？ of "链表过长会降低查询效率，可以进一步将链表转换为红黑树"); else ''."""
    if any(tells_how_often(question, sentence) for sentence in sentences):
        return ""  # 每周发布一次: how often, with no amount in a unit
    unit = asked_unit(question)
    if unit is not None:
        given = any(writes_amount_asked(question, unit, sentence) for sentence in sentences)
        return "" if given else unit
    if sentences and asks_for_an_amount(question) and not names_an_amount(sentences[0]):
        return NUMBER[language_of_question(question)]
    return ""


def doubt(question: str, sentences: Sequence[str]) -> dict[str, bool | str]:
    """Why the sentences an answer would quote leave it unsure, as Verdict fields ({} when they
    don't): the first says the documents leave the matter out (core.text.leaves_out()), they
    name no time asked for (undated()), no amount (unmeasured()) or no name (unnamed()), or
    they only repeat the question's words (restates()). With no sentences a
    question asking when or an amount in a unit is doubted too: nothing would answer it."""
    if sentences and leaves_out(sentences[0]):
        return {"left_out": True}
    if undated(question, sentences):
        return {"undated": True}
    unit = unmeasured(question, sentences)
    if unit:
        return {"unmeasured": unit}
    if sentences and unnamed(question, sentences):
        return {"unnamed": True}
    return {"restates": True} if sentences and restates(question, sentences) else {}


def restates(question: str, sentences: Sequence[str]) -> bool:
    """Whether a question asking what, who, when or how is met by sentences holding none but
    its own words, as written or translated, and no number of their own nor the amount asked
    (a version: "...bundles npm 2.14.7"): a title tells nothing about what it names (三字经 for
    《三字经》的作者是谁？)."""
    if not asks_for_something(question):
        return False
    # Its own numbers and words taken out (三字经 holds a 三), a sentence naming an amount tells
    # how many: 链表长度超过 8 时会转换为红黑树.
    own = re.compile("|".join(map(re.escape, content_words(question))) or "$^", re.IGNORECASE)
    theirs = (without_numbers_of(question, own.sub(" ", simplified(s))) for s in sentences)
    if any(map(names_an_amount, theirs)):
        return False
    unit = asked_unit(question)  # which version: npm 2.14.7
    if unit and any(writes_amount_asked(question, unit, sentence) for sentence in sentences):
        return False
    given = _given_by(question)
    return all(given(word) for sentence in sentences for word in content_words(sentence))


def unnamed(question: str, sentences: Sequence[str]) -> bool:
    """Whether a question asks for a name (core.text.asks_for_a_name()) and the sentence that
    answers it best writes none (core.text.written_names()) but those it gives itself: "What
    was the name of the little boy the Giant loved?" of "But the little boy whom the Giant loved
    was never seen again". Of the others only those holding more of the question's words are
    read, since a story's next sentence names someone else: "提出 Transformer 的论文叫什么名字？"
    is answered by the second ("...in a paper from Google titled 'Attention Is All You Need'").
    One asking a person's first name is told it only by a name written before their surname."""
    if not asks_for_a_name(question) or not sentences:
        return False
    surname = first_name_asked(question)
    if surname:  # "Mrs. Sappleton's first name": a name written before hers, not Framton's
        return not any(writes_first_name(surname, sentence) for sentence in sentences)
    given = _given_by(question)
    coverages = sentence_coverages(question, sentences)
    reading = [s for s, covers in zip(sentences, coverages, strict=True) if covers > coverages[0]]
    named = (name for sentence in (sentences[0], *reading) for name in written_names(sentence))
    return all(all(map(given, content_words(name))) for name in named)


def _given_by(question: str) -> Callable[[str], bool]:
    """Whether a word is the question's own, as written or translated."""
    asked = without_accents(simplified(question.lower()))
    forms = {form for found in evidence(question).values() for form in found}

    def given(word: str) -> bool:
        word = without_accents(simplified(word.lower()))
        return word in asked or any(_occurs(form, word) for form in forms)

    return given


def undated(question: str, sentences: Sequence[str]) -> bool:
    """Whether a question asks when (core.text.asks_for_a_date()) and the sentences that would
    answer it name no time but those it names itself: the documents speak of it, but not of
    when ("2025 年证书过期以后，新证书有效期到哪一年？" of "当前证书有效至2025年"); one asking
    which year, no year ("Pychess 是哪一年開始支援韓國將棋的？" of "在宋代以前由中國傳入高麗");
    one asking which day, no day ("Git 的第一个版本是哪一天发布的？" of "自 2005 年诞生以来")."""
    if not asks_for_a_date(question):
        return False
    theirs = (without_numbers_of(question, sentence) for sentence in sentences)
    return not any(names_the_time_asked(question, sentence) for sentence in theirs)


def confidence_cap(question: str, missing: Sequence[str], answered_in: str = "") -> float:
    """The most confidence a question may get whatever its signals: MISSING_NAME_CONFIDENCE when
    it names what no passage mentions (missing_names()), else 1."""
    return MISSING_NAME_CONFIDENCE if missing_names(question, missing, answered_in) else 1.0


def _as_written(word: str, question: str) -> str:
    """The word as the question writes it: its case, and its script (content_words() gives
    Chinese in simplified characters, at the same places as the question's traditional ones)."""
    found = re.search(re.escape(word), simplified(question), re.IGNORECASE)
    return question[found.start() : found.end()] if found else word


def _term_groups(forms: Iterable[str]) -> set[tuple[str, ...]]:
    """Each form as the BM25 index knows it: English stemmed as the index does (evidence()'s
    cruder stems would be stemmed twice: 'glove' -> 'glov') and cut where the index cuts it
    (mod_rewrite: mod, rewrit), Chinese whole, since the index finds it inside longer words and
    its sub-words would find 熊猫 for 小熊猫 (a red panda)."""
    groups = {(form,) if is_han_word(form) else tuple(terms(form)) for form in forms}
    return {group for group in groups if group}


def _stem(word: str) -> str:
    """A crude stem for substring matching: 'erupts' and 'eruption' meet at 'erupt'."""
    if not word.isascii() or len(word) <= 4:
        return word
    return re.sub(r"(ations?|ions?|ing|ed|es|s|e|y)$", "", word) or word


NO_ANSWER = {
    "en": "Your documents don't seem to answer this. The closest passages are below, "
    "but they are not an answer.",
    "zh": "你的文档似乎没有回答这个问题。下面是最接近的段落，但它们不是答案。",
}
CLOSEST = {"en": "Closest, but not an answer", "zh": "最接近的段落，但不是答案"}
MISSING = {"en": "Missing from your documents: {}", "zh": "你的文档中没有出现：{}"}
UNDATED = {
    "en": "You asked when, and none of the sentences found says when.",
    "zh": "你问的是时间，但找到的句子都没有说明时间。",
}
UNMEASURED = {
    "en": "You asked for an amount ({}), and none of the sentences found gives one.",
    "zh": "你问的是数量（{}），但找到的句子都没有给出。",
}
LEFT_OUT = {
    "en": "The sentence that answers best says your documents leave this out.",
    "zh": "最匹配的句子说明你的文档没有讲这一点。",
}
UNNAMED = {
    "en": "You asked for a name, and none of the sentences found gives one.",
    "zh": "你问的是名字，但找到的句子都没有给出。",
}
RESTATES = {
    "en": "The sentences found only repeat the words of your question.",
    "zh": "找到的句子只是重复了你问题里的词。",
}
# What a question asking how many in no unit lacks (unmeasured()).
NUMBER = {"en": "number", "zh": "数字"}
# The same, for a number that is no amount, and for one the best sentence lacks.
UNMEASURED_NUMBER = {
    "phone number": "You asked for a phone number, and none of the sentences found gives one.",
    "电话号码": "你问的是电话号码，但找到的句子都没有给出。",
    "email address": "You asked for an email address, and none of the sentences found gives one.",
    "邮箱地址": "你问的是邮箱地址，但找到的句子都没有给出。",
    "version": "You asked which version, and none of the sentences found gives one.",
    "版本": "你问的是哪个版本，但找到的句子都没有给出版本号。",
    "street": "You asked for a street or an address, and none of the sentences found gives one.",
    "街道": "你问的是街道或地址，但找到的句子都没有给出。",
    "number": "You asked how many or how much, and the sentence that answers best gives no number.",
    "数字": "你问的是多少，但最匹配的句子没有给出数字。",
}
REFUSAL_HINT = {
    "en": "confidence {:.0%}, strictness {:.0%}: try other words, or lower the strictness in "
    "the sidebar.",
    "zh": "置信度 {:.0%}，严格度 {:.0%}：请换个说法，或在侧边栏调低严格度（Strictness）。",
}


def no_answer_message(question: str) -> str:
    """What to say when the documents don't answer, in the question's language."""
    return _in_the_questions_language(NO_ANSWER, question)


def refusal_hint(question: str, verdict: Verdict) -> str:
    """How sure the refusal is and what to try, in the question's language."""
    hint = _in_the_questions_language(REFUSAL_HINT, question)
    return hint.format(verdict.confidence, verdict.strictness)


def missing_message(question: str, words: Sequence[str]) -> str:
    """Which of the question's words the documents never mention, in the question's language."""
    separator = "、" if language_of_question(question) == "zh" else ", "
    return _in_the_questions_language(MISSING, question).format(separator.join(words))


def undated_message(question: str) -> str:
    """Why a question asking when was not answered surely, in the question's language."""
    return _in_the_questions_language(UNDATED, question)


def left_out_message(question: str) -> str:
    """Why a question whose best sentence says the documents leave it out was not answered."""
    return _in_the_questions_language(LEFT_OUT, question)


def restates_message(question: str) -> str:
    """Why a question met only by its own words was not answered, in the question's language."""
    return _in_the_questions_language(RESTATES, question)


def unnamed_message(question: str) -> str:
    """Why a question asking for a name was not answered surely, in the question's language."""
    return _in_the_questions_language(UNNAMED, question)


def unmeasured_message(question: str, unit: str) -> str:
    """Why a question asking an amount in a unit was not answered surely, in its language."""
    if unit in UNMEASURED_NUMBER:
        return in_the_script_of(UNMEASURED_NUMBER[unit], question)
    return _in_the_questions_language(UNMEASURED, question).format(unit)


def verdict_notes(question: str, verdict: Verdict) -> list[str]:
    """Why a verdict is less sure than its passages' scores alone would make it, in the
    question's language: the documents leave the matter out, no time, amount or name asked for
    is given, some of the question's words are found nowhere."""
    notes = []
    if verdict.left_out:
        notes.append(left_out_message(question))
    if verdict.restates:
        notes.append(restates_message(question))
    if verdict.undated:
        notes.append(undated_message(question))
    if verdict.unmeasured:
        notes.append(unmeasured_message(question, verdict.unmeasured))
    if verdict.unnamed:
        notes.append(unnamed_message(question))
    if verdict.missing:
        notes.append(missing_message(question, verdict.missing))
    return notes


def closest_label(question: str) -> str:
    return _in_the_questions_language(CLOSEST, question)


def _in_the_questions_language(messages: Mapping[str, str], question: str) -> str:
    """The message in the question's language, and in its script: traditional characters for a
    question written in them."""
    return in_the_script_of(messages[language_of_question(question)], question)


# -- the baseline of a collection ------------------------------------------------------------


@lru_cache(maxsize=1)
def probe_questions() -> dict[str, tuple[str, ...]]:
    """Questions about nothing in particular, by language."""
    probes: dict[str, list[str]] = {"en": [], "zh": []}
    for line in PROBES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            probes[language(line)].append(line.strip())
    return {key: tuple(value) for key, value in probes.items()}


def compute_baseline(
    store: Store, encoder: Encoder, collection: str, opinion: SecondOpinion | None = None
) -> Baseline:
    """Search the collection with the probe questions; summarise the best score they reach in
    each passage language (a cross-language pair scores lower for every question), and the best
    cosine the second opinion gives each probe and its first SECOND_DEPTH passages (and its best
    one) in each language.

    A probe's best passage in the other language rarely sits among its first PROBE_DEPTH hits
    (same-language passages score higher whatever they say), so it is searched for again among
    the documents the probes found in that language: without it, a question answered across
    languages was read against the same-language baseline and refused.
    """
    probes = [
        (asked_in, text, vector)
        for asked_in, texts in probe_questions().items()
        for text, vector in zip(texts, encoder.encode_queries(texts), strict=True)
    ]
    bests: list[dict[str, Hit]] = []  # per probe: passage language -> its best hit
    firsts: list[list[Hit]] = []
    documents: dict[str, set[str]] = {}  # passage language -> documents seen in it
    for _, _, vector in probes:
        best: dict[str, Hit] = {}
        found = store.search(collection, vector, PROBE_DEPTH)
        firsts.append(found[:SECOND_DEPTH])
        for hit in found:
            passage = language(hit.chunk.text)
            if passage not in best or hit.score > best[passage].score:
                best[passage] = hit
            documents.setdefault(passage, set()).add(hit.chunk.doc_sha)
        bests.append(best)
    opinion = opinion or second_opinion()
    scores: dict[str, list[float]] = {}
    seconds: dict[str, list[float]] = {}
    for (asked_in, text, vector), best, first in zip(probes, bests, firsts, strict=True):
        top = max(best.values(), key=lambda hit: hit.score, default=None)
        for passage, shas in documents.items():
            if passage not in best:
                # A document may hold passages in both languages (a bilingual README): its
                # best passage need not be in the language looked for.
                found = store.search(collection, vector, OTHER_DEPTH, where_sha=sorted(shas))
                found = [hit for hit in found if language(hit.chunk.text) == passage]
                if found:
                    best[passage] = found[0]
        read = first + list(best.values())
        cosines = opinion.similarity(text, [hit.chunk.text for hit in read])
        second: dict[str, float] = {}
        for hit, cosine in zip(read, cosines.tolist(), strict=True):
            passage = language(hit.chunk.text)
            second[passage] = max(second.get(passage, -1.0), cosine)
        for key in ("all", asked_in):
            scores.setdefault(key, []).append(top.score if top else 0.0)
            seconds.setdefault(key, []).append(max(second.values(), default=0.0))
        for passage, hit in best.items():
            scores.setdefault(f"{asked_in}>{passage}", []).append(hit.score)
            seconds.setdefault(f"{asked_in}>{passage}", []).append(second[passage])
    return replace(_summary(scores), second=_summary(seconds))


def _summary(scores: Mapping[str, list[float]]) -> Baseline:
    """The median and robust spread of each key's scores."""
    # A language pair that few probes reached says little: the fallbacks speak for it.
    kept = {key: v for key, v in scores.items() if len(v) >= MIN_PROBES or ">" not in key}
    median = {key: float(np.median(values)) for key, values in kept.items()}
    spread = {
        key: float(1.4826 * np.median(np.abs(np.array(values) - median[key])))
        for key, values in kept.items()
    }
    return Baseline(median=median, spread=spread)


class BaselineCache:
    """Baselines on disk, one file per collection, valid while its documents stay the same."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def get(
        self,
        store: Store,
        encoder: Encoder,
        collection: str,
        opinion: SecondOpinion | None = None,
    ) -> Baseline:
        state = _state(store, collection, encoder.name)
        path = self.directory / f"{chroma_name(collection)}.json"
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            baseline = Baseline.from_dict(saved)
            if saved.get("state") == state and baseline.second is not None:
                return baseline
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # missing or unreadable: compute it again
        baseline = compute_baseline(store, encoder, collection, opinion)
        self.directory.mkdir(parents=True, exist_ok=True)
        # Readers and other writers never see half a file.
        write_atomically(path, json.dumps({"state": state, **asdict(baseline)}).encode("utf-8"))
        return baseline


def _state(store: Store, collection: str, model: str) -> str:
    # A file indexed again (--replace, another chunk size) keeps its hash but not its passages.
    indexed = sorted(f"{d.sha256} {d.added_at}" for d in store.documents(collection))
    return hashlib.sha256("\n".join([BASELINE_VERSION, model, *indexed]).encode()).hexdigest()


# -- calibrations ----------------------------------------------------------------------------


def load_calibration(model: str) -> Calibration:
    """The calibration fitted for a model, or the one fitted on all models' signals."""
    table = _calibrations()
    entry = table.get(model) or table[DEFAULT_CALIBRATION]
    return Calibration(weights=tuple(entry["weights"]), bias=float(entry["bias"]))


@lru_cache(maxsize=1)
def _calibrations() -> dict[str, dict]:
    return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))["models"]
