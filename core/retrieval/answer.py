"""Extractive answers: the best-matching sentences of the top passages, each with its citation."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from core.records import Hit
from core.retrieval.answerability import (
    DEFAULT_STRICTNESS,
    Baseline,
    Verdict,
    doubt,
    judge,
    load_calibration,
    restates,
    sentence_coverages,
    word_rarity,
)
from core.retrieval.encoders import Encoder
from core.retrieval.rerank import Reranker
from core.retrieval.search import DEFAULT_MODE, DEFAULT_WEIGHT, search_with_vector
from core.retrieval.store import Store
from core.text import holds_what_is_asked, is_question, sentence_spans, words

# What the share of the question's words a sentence holds adds to its cosine, when choosing the
# sentences of an answer: on the sample corpus's 106 questions with answers, the answer's words
# were quoted by 74 answers instead of 68 (bench/sentences.py).
WORDS_WEIGHT = 0.06
# What a sentence holding the kind of thing asked for (a time for "When...?", a number for "How
# many...?") adds to its score.
KIND_WEIGHT = 0.05
# A passage may give two of the answer's sentences, the second one that follows its best and
# scores within RUNNER_UP_MARGIN of it: the answer often follows the sentence that restates the
# question ("...force the download of the entire Packages file. To do that, use
# Acquire::PDiffs"). Quoted 236 answers' pieces instead of 228 of 294 (bench/sentences.py and
# four held-out sets), the first sentence unchanged.
SENTENCES_PER_PASSAGE = 2
RUNNER_UP_MARGIN = 0.03
_SHORT = 4  # words: a sentence shorter than this is quoted with the one after it
_HEADINGS_IN_A_ROW = 3  # the most sentences a quote takes in after one that says little
_LETTER = re.compile(r"[^\W\d_]")  # a letter or a Chinese character
_PUNCTUATED = re.compile(r"""[.!?。！？；:：…]["'”’」』）)\]]*$""")  # a sentence's last characters
_PARAGRAPH_BREAK = re.compile(r"[ \t]*\n\s*\n")
# Sentences that open by pointing back ("This is why...", "它...") read wrong on their own.
_ANAPHORA = re.compile(r"(?:(?:This|These|That|Those|It|They|Such|Thus|Therefore)\b|[这這此它其])")


@dataclass(frozen=True)
class Evidence:
    """The sentence of one hit that matches the query best."""

    hit: Hit
    start: int  # character span of the sentence in hit.chunk.text
    end: int
    # How well the sentence matches the query: its cosine similarity, plus WORDS_WEIGHT times
    # the share of the query's content words it holds.
    score: float

    @property
    def sentence(self) -> str:
        """The sentence on one line (it may run over a paragraph break of the chunk)."""
        return " ".join(self.hit.chunk.text[self.start : self.end].split())

    @property
    def citation(self) -> str:
        return f"[{self.hit.chunk.where}]"


@dataclass(frozen=True, eq=False)
class Answer:
    query: str
    query_vector: np.ndarray
    hits: tuple[Hit, ...]
    evidence: tuple[Evidence, ...]  # one per hit, same order as hits
    sentences: tuple[Evidence, ...]  # the answer: best sentences first, no repeats
    verdict: Verdict  # do the passages answer the question, and how sure is that

    @property
    def relevant(self) -> bool:
        """True when the documents answer the question: never an answer stitched from
        unrelated passages."""
        return bool(self.sentences)

    def used(self, hit: Hit) -> bool:
        """Whether a passage adds to the answer (else it is shown as closest, not an answer)."""
        return self.relevant and self.verdict.admits(hit)

    def cited(self) -> list[tuple[str, str]]:
        """The answer as (sentences, citation) pairs: each source is cited once, best first."""
        runs: dict[str, list[str]] = {}
        for evidence in self.sentences:
            runs.setdefault(evidence.citation, []).append(evidence.sentence)
        return [(" ".join(sentences), citation) for citation, sentences in runs.items()]

    @property
    def text(self) -> str:
        return " ".join(f"{sentences} {citation}" for sentences, citation in self.cited())


def sentences_to_quote(
    query: str, query_vector: np.ndarray, hits: list[Hit], encoder: Encoder
) -> list[Evidence]:
    """The sentences an answer may quote: each hit's best, and one after it that scores close."""
    ranked = ranked_sentences(query, query_vector, hits, encoder, SENTENCES_PER_PASSAGE)
    return [item for own in ranked for item in own]


def ranked_sentences(
    query: str, query_vector: np.ndarray, hits: list[Hit], encoder: Encoder, per_hit: int
) -> list[list[Evidence]]:
    """For each hit, its per_hit sentences that match the query best, best first."""
    spans = [_saying(hit.chunk.text) or [(0, len(hit.chunk.text))] for hit in hits]
    flat = [hit.chunk.text[a:b] for hit, hit_spans in zip(hits, spans) for a, b in hit_spans]
    if not flat:
        return []
    # A sentence close in meaning can miss what was asked ("How many grams of far-side samples
    # did Chang'e 6 bring back?" quoted Chang'e 5's 1731 grams, beside Chang'e 6's sentence):
    # the question's own words, found in a sentence, break near ties.
    scores = encoder.encode_documents(flat) @ query_vector
    scores = scores + WORDS_WEIGHT * np.array(sentence_coverages(query, flat))
    holds = [holds_what_is_asked(query, sentence) for sentence in flat]
    scores = scores + KIND_WEIGHT * np.array(holds)
    asks = [is_question(sentence) for sentence in flat]
    ranked, offset = [], 0
    for hit, hit_spans in zip(hits, spans):
        end_at = offset + len(hit_spans)
        own_scores, own_asks = scores[offset:end_at], asks[offset:end_at]
        own_holds = holds[offset:end_at]
        best, best_score = _answering(own_scores, own_asks)
        picks = [(best, best_score), *_followers(own_scores, own_asks, best, best_score, per_hit)]
        own: list[Evidence] = []
        for index, score in picks:
            start, end = _quoted_span(hit.chunk.text, hit_spans, own_asks, index)
            if restates(query, [hit.chunk.text[start:end]]):
                end = _up_to_what_is_asked(hit_spans, own_holds, index, end)
            # A runner-up's span may take in the best one ("This..." quotes the one before).
            if not any(start < e.end and e.start < end for e in own):
                own.append(Evidence(hit, start, end, score))
        ranked.append(own)
        offset = end_at
    return ranked


def _followers(
    scores: np.ndarray, asks: list[bool], best: int, best_score: float, per_hit: int
) -> list[tuple[int, float]]:
    """The statements after a passage's best sentence that score within RUNNER_UP_MARGIN of it,
    best first, to make per_hit sentences in all; none from a passage that is mostly questions
    (a contents page gives its best line alone)."""
    if 2 * sum(asks) > len(asks):
        return []
    close = [
        (int(i), float(scores[i]))
        for i in np.argsort(-scores)
        if i > best and not asks[i] and scores[i] >= best_score - RUNNER_UP_MARGIN
    ]
    return close[: per_hit - 1]


def _quoted_span(
    text: str, spans: list[tuple[int, int]], asks: list[bool], best: int
) -> tuple[int, int]:
    """The span quoted for sentence best of a passage: with the sentence it points back to, or
    the one after it when it says little alone."""
    start, end = spans[best]
    if best > 0 and _ANAPHORA.match(text[start:end]):
        start = spans[best - 1][0]  # "This is how..." needs the sentence it points back to
    # "Yes." or a heading says little without the sentence after it, and a heading may follow
    # a heading ("Changelog: <link>" / "Release (v5.1.0)" / "Release date: 2023-03-15").
    last = best
    while (
        last - best < _HEADINGS_IN_A_ROW
        and last + 1 < len(spans)
        and not asks[last + 1]
        and (_heads(text, end) or (last == best and _says_little(text[start:end])))
    ):
        last += 1
        end = spans[last][1]
    after = spans[best + 1 : best + 3]  # the two sentences after it
    if (
        last == best
        and len(after) == 2
        and not asks[best + 1]
        and _announces(text[slice(*after[0])])
    ):
        # "...may be displayed wider. You can work around this problem: • gnome-terminal:
        # ...": what the sentence after it announces is what was asked.
        end = after[1][1]
    return start, end


def _up_to_what_is_asked(
    spans: list[tuple[int, int]], holds: list[bool], best: int, end: int
) -> int:
    """Where the quote of a sentence holding only the question's words ends: at the first of the
    few sentences after it that holds what is asked ("A Magic Toy Sword. [two sentences] Half a
    crown to seven and sixpence, according to size." for its price), else where it did."""
    after = range(best + 1, min(best + 1 + _HEADINGS_IN_A_ROW, len(spans)))
    return max(end, next((spans[i][1] for i in after if holds[i]), end))  # never shorter


def _says_little(sentence: str) -> bool:
    """Whether a statement is too short to quote alone ("Yes.", "See below.") or announces
    what comes after it ("To find the package of a file, run either:")."""
    if is_question(sentence):
        return False
    return len(words(sentence)) < _SHORT or _announces(sentence)


def _announces(sentence: str) -> bool:
    """Whether a sentence announces what comes after it: it ends with a colon."""
    return sentence.rstrip().endswith((":", "："))


def _heads(text: str, end: int) -> bool:
    """Whether the sentence ending at end heads a section: it ends with no punctuation and a
    paragraph follows ("嫦娥五号带回月球样品" quoted alone answers no question about it)."""
    return not _PUNCTUATED.search(text, 0, end) and _PARAGRAPH_BREAK.match(text, end) is not None


def _saying(text: str) -> list[tuple[int, int]]:
    """The spans of text's sentences that hold a word (not a contents page's dot leaders)."""
    return [(a, b) for a, b in sentence_spans(text) if _LETTER.search(text, a, b)]


def _answering(scores: np.ndarray, asks: list[bool]) -> tuple[int, float]:
    """The sentence of one passage that answers best, and its score.

    A question in the documents (an FAQ's heading, a line of its contents) restates the
    question asked and scores highest, but answers nothing: the statement right after it does,
    and takes its score. A passage that is mostly questions is a list of them (a text's
    contents, where a chapter's title follows a question): it gives its best question, which
    is quoted only when no passage says anything else."""
    if 2 * sum(asks) > len(asks):
        listed = int(np.argmax(np.where(asks, scores, -np.inf)))
        return listed, float(scores[listed])
    best = int(np.argmax(scores))
    if not asks[best]:
        return best, float(scores[best])
    if best + 1 < len(asks) and not asks[best + 1]:
        return best + 1, float(scores[best])
    stated = int(np.argmax(np.where(asks, -np.inf, scores)))
    return stated, float(scores[stated])


def quoted(evidence: list[Evidence], limit: int) -> list[Evidence]:
    """The sentences an answer quotes: the best first, each once (overlapping chunks repeat
    them), and a passage's question only when no passage says anything else."""
    statements = [item for item in evidence if not is_question(item.sentence)] or evidence
    chosen: dict[str, Evidence] = {}
    for item in sorted(statements, key=lambda e: e.score, reverse=True):
        chosen.setdefault(item.sentence, item)
        if len(chosen) == limit:
            break
    return list(chosen.values())


def answer(
    query: str,
    query_vector: np.ndarray,
    hits: list[Hit],
    encoder: Encoder,
    verdict: Verdict,
    max_sentences: int = 3,
) -> Answer:
    """Assemble an extractive answer when the verdict says the hits answer the question; one
    whose sentences leave it unsure (doubt(): no time, no amount asked for, or the documents
    leaving it out) is answered less surely."""
    ranked = ranked_sentences(query, query_vector, hits, encoder, SENTENCES_PER_PASSAGE)
    evidence = [own[0] for own in ranked]  # what each passage shows
    chosen = quoted([e for own in ranked for e in own if verdict.admits(e.hit)], max_sentences)
    quoting = [e.sentence for e in chosen]
    why = doubt(query, quoting) if chosen else {}
    verdict = verdict.unsure(**why) if why else verdict
    chosen = chosen if verdict.answerable else []
    return Answer(
        query=query,
        query_vector=query_vector,
        hits=tuple(hits),
        evidence=tuple(evidence),
        sentences=tuple(chosen),
        verdict=verdict,
    )


def ask(
    store: Store,
    encoder: Encoder,
    collection: str,
    query: str,
    baseline: Baseline,
    k: int = 5,
    strictness: float = DEFAULT_STRICTNESS,
    mode: str = DEFAULT_MODE,
    weight: float = DEFAULT_WEIGHT,
    reranker: Reranker | None = None,
) -> Answer:
    """Search the collection in the mode and answer from the hits, citing file and page, or say
    that the documents don't answer the question (baseline: what unrelated questions score here).

    The decision reads each passage's cosine similarity to the question in every mode (fused and
    BM25 scores are not similarities and have no fixed scale)."""
    vector, hits = search_with_vector(store, encoder, collection, query, k, mode, weight, reranker)
    calibration = load_calibration(encoder.name)
    rarity = word_rarity(store, collection, query)
    verdict = judge(query, hits, baseline, calibration, strictness, rarity)
    return answer(query, vector, hits, encoder, verdict)
