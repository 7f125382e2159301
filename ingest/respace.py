"""Spaces put back between English words that OCR ran together ("pipeofwhatpassesfor"): PP-OCR's
recogniser, trained mostly on Chinese, drops about half the spaces of small, tightly set Latin
print. Each run of letters is cut where word frequencies (wordfreq) and, when known, the gaps
between the characters' positions on the line say the words end."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

# A run of Latin letters (an apostrophe inside: d'or, don't) that may hold several words.
_RUN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
# Punctuation that English follows with a space, run into the next word: "precious.You",
# "it,and". Not a point between small letters or after one capital (example.com, U.S.A).
# Also a word run into a sum or a share: "fee of$10", "30%of".
_AFTER_PUNCTUATION = re.compile(
    r"(?<=[a-z]{2}[.!?])(?=[A-Z])|(?<=[A-Za-z.][,;:!?])(?=[A-Za-z])"
    r"|(?<=\d%)(?=[A-Za-z])|(?<=[a-z]{2})(?=[$€£]\d)"
)
# A word of three letters or more run into a number: "every15minutes", "$10.00per", "Lot10".
_WORD_BEFORE_NUMBER = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,}(?=\d)")
_WORD_AFTER_NUMBER = re.compile(r"(?<=\d)[A-Za-z]{3,}(?![A-Za-z])")
_LONGEST = 24  # letters in the longest word looked up
_WORD = 1.0  # what each word of a cut costs beyond its rarity: fewer words are likelier
_UNKNOWN = 10.0  # the rarity of a word wordfreq lacks, plus _UNKNOWN_LETTER each
_UNKNOWN_LETTER = 1.0
# A capitalised word is likelier a name wordfreq lacks (Luchesi, Bugaba) than several rare
# words run together ("Luc hesi", "Bug aba"): one it lacks costs less, and a rare one (under ten
# in a million) more, as does a rare word right after a capitalised one.
_UNKNOWN_NAME = 8.0
_RARE, _RARE_FREQUENCY = 2.0, 1e-5
# Gaps between characters, as the step from one character's middle to the next over the line's
# median step: measured on an OCR'd page of Times 10 pt at 200 dpi, 99% of steps under 1.1 were
# inside words and 91% of those over 1.5 were spaces.
_CLOSE, _CLOSE_COST = 1.1, 2.0
_WIDE, _WIDE_COST = 1.5, -1.5
_GLUED = 1.3  # a run is cut only when some step inside it is wider
_CAPITAL = 0.4  # what a capital's width adds to the step from it to the next letter


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict  # 0.1 s; only when a page was OCR'd

    return get_frequency_dict("en")


def respaced(text: str, steps: Sequence[float] | None) -> str:
    """text with spaces put back after punctuation and inside runs of letters that are no word
    (steps: for each character of text, its distance from the previous one over the line's
    median; None when the characters' positions are unknown)."""
    pieces, at = [], 0
    for match in _RUN.finditer(text):
        pieces.append(text[at : match.start()])
        gaps = steps[match.start() : match.end()] if steps else None
        pieces.append(" ".join(_words(match.group(), gaps)))
        at = match.end()
    pieces.append(text[at:])
    text = _AFTER_PUNCTUATION.sub(" ", "".join(pieces))
    text = _WORD_BEFORE_NUMBER.sub(lambda m: m[0] + " " if _is_word(m[0]) else m[0], text)
    return _WORD_AFTER_NUMBER.sub(lambda m: " " + m[0] if _is_word(m[0]) else m[0], text)


def _is_word(letters: str) -> bool:
    """Whether wordfreq knows letters as a word."""
    return _known(letters.lower()) is not None


def _words(run: str, gaps: Sequence[float] | None) -> list[str]:
    """The likeliest cut of a run of letters into words; the run itself when it is short, in
    capitals (an acronym), or set without a gap wider than _GLUED steps inside it (a word
    wordfreq lacks: getaddrinfo)."""
    if len(run) < 3 or run.isupper() or not gaps or _widest(run, gaps) <= _GLUED:
        return [run]
    # best[i]: the cost of the best cut of run[:i], and where its last word starts;
    # after_name[i]: whether that last word is capitalised.
    best: list[tuple[float, int]] = [(0.0, 0)]
    after_name = [False]
    for end in range(1, len(run) + 1):
        choices = []
        for start in range(max(0, end - _LONGEST), end):
            cost = best[start][0] + _word_cost(run[start:end], after_name[start])
            if start > 0:
                cost += _gap_cost(gaps[start])
            choices.append((cost, start))
        best.append(min(choices))
        after_name.append(_is_name(run[best[end][1] : end]))
    words, end = [], len(run)
    while end > 0:
        start = best[end][1]
        words.append(run[start:end])
        end = start
    return words[::-1]


def _widest(run: str, gaps: Sequence[float]) -> float:
    """The widest step inside a run, one out of a capital into a small letter less _CAPITAL: a
    capital is wider than the letters after it (a scanned "Bugaba": 1.4 median steps from B
    to u, 1.0 after; "Iwill", run together: 1.9 from I to w)."""
    return max(
        (
            gap - _CAPITAL if run[i - 1].isupper() and run[i].islower() else gap
            for i, gap in enumerate(gaps)
            if i
        ),
        default=0.0,
    )


def _word_cost(word: str, after_name: bool = False) -> float:
    named = _is_name(word)
    frequency = _known(word.lower())
    if frequency is None:
        cost = (_UNKNOWN_NAME if named else _UNKNOWN) + _UNKNOWN_LETTER * len(word)
    else:
        rare = frequency < _RARE_FREQUENCY and (named or after_name)
        cost = -math.log10(frequency) + (_RARE if rare else 0.0)
    return cost + _WORD


def _is_name(word: str) -> bool:
    return word[:1].isupper() and word[1:].islower()


def _known(word: str) -> float | None:
    """A word's frequency in English, None for one wordfreq lacks or a lone letter but a, I."""
    if len(word) == 1 and word not in "ai":
        return None
    return _frequencies().get(word)


def _gap_cost(step: float) -> float:
    if step < _CLOSE:
        return _CLOSE_COST
    return _WIDE_COST if step > _WIDE else 0.0
