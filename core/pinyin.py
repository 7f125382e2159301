"""Chinese names written in pinyin: an English question names 祥林嫂 as Xianglin and 赵州桥 as
the Zhaozhou Bridge, which no dictionary lists. The readings are CC-CEDICT's (core.glossary)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

from core.glossary import glossary
from core.text import chinese_word_tags, simplified, without_possessive

MIN_SYLLABLES = 2  # one syllable ('Lu') reads as too many characters to tell anything
MAX_LETTERS = 24
MAX_READINGS = 8  # ways to cut one word into syllables ('xianglin': xiang-lin, xi-ang-lin)


@lru_cache(maxsize=1)
def _characters() -> dict[str, frozenset[str]]:
    """Each toneless syllable's characters, simplified."""
    found: dict[str, set[str]] = {}
    for char, readings in glossary().readings.items():
        for reading in readings:
            found.setdefault(reading, set()).add(simplified(char))
    return {reading: frozenset(chars) for reading, chars in found.items()}


def syllables(word: str) -> list[tuple[str, ...]]:
    """The ways to read a word in Latin letters as toneless pinyin of MIN_SYLLABLES or more
    syllables ("Xi'an": xi-an; 'Lüshun' and 'Lvshun': lv-shun); none for a word that cannot be."""
    ways = _readings(_letters(word))
    if any(len(way) < MIN_SYLLABLES for way in ways) and word.isalpha():
        return []  # 'xian' is one syllable as often as Xi'an
    ways = [way for way in ways if len(way) >= MIN_SYLLABLES]
    # Pinyin marks a syllable that starts with a vowel inside a word ("Xi'an"), and writers
    # drop the mark (Tiananmen): the readings with the fewest such syllables.
    fewest = min((_inner_vowels(way) for way in ways), default=0)
    return [way for way in ways if _inner_vowels(way) == fewest]


def name_syllables(words: Sequence[str]) -> list[tuple[str, ...]]:
    """The ways to read a name of several words as pinyin, each word a syllable or more ('Liu
    Hui': liu-hui; 'Wenchang Lou': wen-chang-lou), as syllables() reads them joined."""
    if len(words) < 2 or not all(_readings(_letters(word)) for word in words):
        return []
    ends = set(accumulate(len(_letters(word)) for word in words))
    return [way for way in syllables("".join(words)) if ends <= set(accumulate(map(len, way)))]


def names_in(question: str) -> list[tuple[str, ...]]:
    """The runs of two or more capitalised words that read as pinyin ('Liu Hui', 'Bi Sheng',
    "Zu Chongzhi's": Zu, Chongzhi), after the question's first word (What, Can, Did)."""
    runs = []
    for match in _CAPITALISED_RUN.finditer(question):
        written = match.group().split()[1 if match.start() == 0 else 0 :]
        words = [without_possessive(word) for word in written]
        run: list[str] = []
        for word in [*words, ""]:
            if word and _readings(_letters(word)):
                run.append(word)
                continue
            if name_syllables(run):
                runs.append(tuple(run))
            run = []
    return runs


# Not core.text's runs of names: pinyin may write ü (Lü Buwei), and its words are apart.
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-zü'’]*(?: [A-Z][a-zü'’]*)+\b")


def _letters(word: str) -> str:
    return word.lower().replace("'", "").replace("’", "").replace("ü", "v")


def _readings(letters: str) -> list[tuple[str, ...]]:
    """Up to MAX_READINGS ways to cut letters into toneless syllables."""
    if not letters.isascii() or not letters.isalpha() or len(letters) > MAX_LETTERS:
        return []
    known = _characters()
    # readings[i]: the ways to read letters[i:], found from the end
    readings: list[list[tuple[str, ...]]] = [[] for _ in letters] + [[()]]
    for start in range(len(letters) - 1, -1, -1):
        for end in range(start + 1, min(start + 6, len(letters)) + 1):
            if letters[start:end] in known:
                rests = readings[end][:MAX_READINGS]
                readings[start] += [(letters[start:end], *rest) for rest in rests]
    return readings[0][:MAX_READINGS]


def _inner_vowels(way: tuple[str, ...]) -> int:
    return sum(syllable[0] in "aeo" for syllable in way[1:])


def pattern(ways: Iterable[tuple[str, ...]]) -> re.Pattern[str] | None:
    """A pattern that finds, overlapping, the Chinese words or pieces of them that read as these
    pinyin readings (syllables(), name_syllables()): 'xianglin' finds 祥林 in 祥林嫂 (and 相邻);
    None for no reading."""
    known = _characters()
    alternatives = [
        "".join("[" + "".join(sorted(known[syllable])) + "]" for syllable in way) for way in ways
    ]
    return re.compile("(?=(" + "|".join(alternatives) + "))") if alternatives else None


def names_among(pieces: Iterable[str]) -> set[str]:
    """The pieces that may be names: jieba tags them as names (of people, places, bodies) or does
    not know them (赵州); not the verb 降临 or the noun 乡邻, which read as 'xianglin' too."""
    tags = chinese_word_tags()
    return {piece for piece in pieces if tags.get(piece, "nr").startswith(("nr", "ns", "nt", "nz"))}
