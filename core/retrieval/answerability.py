"""Do the documents answer this question? Several signals, one calibrated confidence.

A cosine floor cannot be right for every model, language and collection: a question in the
collection's own language scores high whatever it asks. So the top score is read against what
unrelated questions in the same language score on this very collection (the baseline), and joined
with lexical evidence (do the question's content words occur in the passages at all) and the
margin between the top hits. A logistic model, fitted per model on question sets that include
unanswerable questions (samples/questions/, bench/answerability.py), turns them into a confidence.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.records import Hit
from core.retrieval.chroma import chroma_name
from core.retrieval.encoders import Encoder
from core.retrieval.store import Store
from core.text import is_cjk, stopwords, words

_DATA = Path(__file__).parent / "data"
CALIBRATION_FILE = _DATA / "answerability.json"
PROBES_FILE = _DATA / "probe_questions.txt"
DEFAULT_STRICTNESS = 0.5  # the confidence an answer needs; the same meaning for every model
DEFAULT_CALIBRATION = "default"  # fitted on every model's signals, for models not listed
MIN_SPREAD = 0.01  # a baseline of near-identical scores must not turn noise into certainty
LEXICAL_HITS = 3  # passages searched for the question's words
MIN_PROBES = 10  # probes that must reach a language pair for it to have a baseline of its own
PROBE_DEPTH = 20  # passages read per probe question, to find the best one in each language


@dataclass(frozen=True)
class Baseline:
    """What unrelated questions score on one collection: the best passage in each language, for
    questions in each language ('en>zh': English questions, Chinese passages), with fallbacks
    by question language ('en') and overall ('all')."""

    median: dict[str, float]
    spread: dict[str, float]  # a robust standard deviation (1.4826 x MAD)

    def key(self, question_language: str, passage_language: str) -> str:
        for key in (f"{question_language}>{passage_language}", question_language):
            if key in self.median:
                return key
        return "all"

    def standing(self, score: float, question_language: str, passage_language: str) -> float:
        """How many spreads a score stands above what unrelated questions score here."""
        key = self.key(question_language, passage_language)
        return (score - self.median[key]) / max(self.spread[key], MIN_SPREAD)


@dataclass(frozen=True)
class Signals:
    top_score: float  # cosine of the best dense hit
    standing: float  # top score against the collection's baseline for the question's language
    margin: float  # top score minus the score of the last of the top five
    lexical: float  # share of the question's content words found in the top passages
    same_language: bool  # the question and the top passage are in the same language

    def features(self) -> list[float]:
        # Lexical evidence cannot exist across languages: there it counts as neither for nor
        # against, and the cross-language flag lets the model lean on the dense signals.
        cross = 0.0 if self.same_language else 1.0
        lexical = self.lexical if self.same_language else 0.0
        return [self.standing, lexical, cross, self.margin * 10]


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


def accept_all() -> Verdict:
    """A verdict that lets every passage through: for measuring what consumes it (benchmarks)."""
    return Verdict(True, 1.0, 0.0, Signals(1.0, 0.0, 0.0, 1.0, True), passage_floor=-1.0)


def judge(
    question: str,
    hits: Sequence[Hit],
    baseline: Baseline,
    calibration: Calibration,
    strictness: float = DEFAULT_STRICTNESS,
) -> Verdict:
    """Whether the dense hits answer the question, with a calibrated confidence."""
    if not hits:
        empty = Signals(0.0, 0.0, 0.0, 0.0, True)
        return Verdict(False, 0.0, strictness, empty, passage_floor=1.0)
    found = signals(question, hits, baseline)
    confidence = calibration.confidence(found)
    best = max(hits, key=lambda hit: hit.score)
    key = baseline.key(language(question), language(best.chunk.text))
    floor = (found.top_score + baseline.median[key]) / 2
    return Verdict(confidence >= strictness, confidence, strictness, found, floor)


def signals(question: str, hits: Sequence[Hit], baseline: Baseline) -> Signals:
    """The signals of dense hits (best first, cosine scores)."""
    best = max(hits, key=lambda hit: hit.score)  # by cosine, whatever order the mode gave
    scores = sorted((hit.score for hit in hits), reverse=True)
    asked_in, answered_in = language(question), language(best.chunk.text)
    return Signals(
        top_score=scores[0],
        standing=baseline.standing(scores[0], asked_in, answered_in),
        margin=scores[0] - scores[min(4, len(scores) - 1)],
        lexical=lexical_coverage(question, [hit.chunk.text for hit in hits[:LEXICAL_HITS]]),
        same_language=asked_in == answered_in,
    )


def language(text: str) -> str:
    """'zh' for text that is mostly CJK, else 'en' (the two languages the app is tuned for)."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return "en"
    cjk = sum(is_cjk(char) for char in letters)
    return "zh" if cjk / len(letters) >= 0.3 else "en"


def content_words(text: str) -> list[str]:
    """The words that carry a question's meaning: no stop-words, no single Latin letters."""
    stop = stopwords()
    unique = dict.fromkeys(w for w in words(text) if w not in stop and not _too_short(w))
    return list(unique)


def lexical_coverage(question: str, passages: Sequence[str]) -> float:
    """Share of the question's content words that occur in the passages (stem-tolerant)."""
    terms = content_words(question)
    if not terms:
        return 0.0
    text = " ".join(passages).lower()
    return sum(_stem(term) in text for term in terms) / len(terms)


def _too_short(word: str) -> bool:
    return word.isascii() and len(word) < 3


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


def no_answer_message(question: str) -> str:
    """What to say when the documents don't answer, in the question's language."""
    return NO_ANSWER[language(question)]


def closest_label(question: str) -> str:
    return CLOSEST[language(question)]


# -- the baseline of a collection ------------------------------------------------------------


@lru_cache(maxsize=1)
def probe_questions() -> dict[str, tuple[str, ...]]:
    """Questions about nothing in particular, by language."""
    probes: dict[str, list[str]] = {"en": [], "zh": []}
    for line in PROBES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            probes[language(line)].append(line.strip())
    return {key: tuple(value) for key, value in probes.items()}


def compute_baseline(store: Store, encoder: Encoder, collection: str) -> Baseline:
    """Search the collection with the probe questions; summarise the best score they reach in
    each passage language (a cross-language pair scores lower for every question)."""
    scores: dict[str, list[float]] = {}
    for asked_in, texts in probe_questions().items():
        for vector in encoder.encode_queries(texts):
            best: dict[str, float] = {}
            for hit in store.search(collection, vector, PROBE_DEPTH):
                passage = language(hit.chunk.text)
                best[passage] = max(best.get(passage, -1.0), hit.score)
            top = max(best.values(), default=0.0)
            for key in ("all", asked_in):
                scores.setdefault(key, []).append(top)
            for passage, score in best.items():
                scores.setdefault(f"{asked_in}>{passage}", []).append(score)
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

    def get(self, store: Store, encoder: Encoder, collection: str) -> Baseline:
        state = _state(store, collection, encoder.name)
        path = self.directory / f"{chroma_name(collection)}.json"
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("state") == state:
                return Baseline(median=saved["median"], spread=saved["spread"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # missing or unreadable: compute it again
        baseline = compute_baseline(store, encoder, collection)
        self.directory.mkdir(parents=True, exist_ok=True)
        # A file of its own, then an atomic rename: readers and other writers never see half.
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({"state": state, **asdict(baseline)}, file)
        os.replace(temporary, path)
        return baseline


def _state(store: Store, collection: str, model: str) -> str:
    shas = sorted(document.sha256 for document in store.documents(collection))
    return hashlib.sha256("\n".join([model, *shas]).encode()).hexdigest()


# -- calibrations ----------------------------------------------------------------------------


def load_calibration(model: str) -> Calibration:
    """The calibration fitted for a model, or the one fitted on all models' signals."""
    table = _calibrations()
    entry = table.get(model) or table[DEFAULT_CALIBRATION]
    return Calibration(weights=tuple(entry["weights"]), bias=float(entry["bias"]))


@lru_cache(maxsize=1)
def _calibrations() -> dict[str, dict]:
    return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))["models"]
