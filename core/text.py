"""Pure text utilities for ingest, search and analysis: cleaning, unwrapping, sentences, words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile
from pathlib import Path

# Zero-width and invisible formatting characters that break matching but carry no text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_HIDDEN = ("Cc", "Cs", "Co", "Cf")  # Unicode categories that clean_text removes
_LIGATURES = re.compile("[\ufb00-\ufb4f]")
_SPACES = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_SURROGATES = re.compile("[\ud800-\udfff]")

_CJK_RANGES = (
    (0x3040, 0x30FF),  # kana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2FA1F),  # extensions B-F
    (0xAC00, 0xD7AF),  # hangul syllables
)
_CJK_PUNCT = set("。，、；：？！「」『』（）《》〈〉【】“”‘’…—·～")


# The characters is_cjk accepts, as one pattern: counting them in a text runs in C.
_CJK_CHARS = re.compile(
    "["
    + "".join(re.escape(char) for char in sorted(_CJK_PUNCT))
    + "".join(
        f"{chr(low)}-{chr(high)}"
        for low, high in ((0x3000, 0x303F), (0xFF00, 0xFFEF), *_CJK_RANGES)
    )
    + "]"
)


def is_cjk(char: str) -> bool:
    """True for a CJK ideograph, kana, hangul syllable or CJK punctuation mark."""
    code = ord(char)
    if char in _CJK_PUNCT or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:
        return True
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def language(text: str) -> str:
    """'zh' for text that is mostly CJK (a third or more of its letters), else 'en' (the two
    languages the app is tuned for)."""
    # Asked of every chunk stored: a loop in Python over each character cost 0.15 ms a text.
    if text.isascii():
        return "en"
    letters = sum(map(str.isalpha, text))
    cjk = sum(map(str.isalpha, _CJK_CHARS.findall(text)))
    return "zh" if letters and cjk / letters >= 0.3 else "en"


@lru_cache(maxsize=256)  # judging one question asks it several times; each runs jieba
def language_of_question(question: str) -> str:
    """The language a question is asked in: language(), unless it mixes Han characters and Latin
    letters and only one language's function words occur in it. A Chinese question may name
    things in more Latin letters than it has characters (OpenCC 支持 Ruby 吗？), an English one
    a Chinese name (What is 龙井茶?): their grammar, not their letters, tells them apart."""
    tokens = words(simplified(question))
    han = [word for word in tokens if is_han_word(word)]
    latin = [word for word in tokens if word.isascii()]
    if not han or not latin:
        return language(question)
    stop = stopwords()
    english = any(word in stop for word in latin)
    chinese = any(word in stop for word in han)
    if english != chinese:
        return "en" if english else "zh"
    return language(question)


def clean_text(text: str) -> str:
    """Normalise text before it is stored or searched.

    Removes NUL, lone surrogates, BOM, zero-width and control characters; NFC-normalises;
    expands ligatures (PDFs love 'ﬁ'); unifies newlines and collapses runs of spaces.
    """
    text = _SURROGATES.sub("", text).replace("\ufffd", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE)
    # Control, surrogate, private-use and format characters (bidi overrides can disguise text),
    # judged once per distinct character: judging every character took a sixth of reading a PDF.
    hidden = [ch for ch in set(text) if ch not in "\n\t" and unicodedata.category(ch) in _HIDDEN]
    if hidden:
        text = text.translate(dict.fromkeys(map(ord, hidden)))
    text = unicodedata.normalize("NFC", text)
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def unwrap_lines(text: str) -> str:
    """Join hard-wrapped lines of extracted text; blank lines stay paragraph breaks.

    A hyphenated English word split over two lines is rejoined, lines between CJK characters
    are joined without a space (so is a line ending in a Latin word or a number glued to the
    Chinese before it, 维生素B12, before one), other lines with one space. A numbered heading
    ("6.2.3 BD iso images", "12.2.1 升级主服务器") is a paragraph of its own: joined to its
    neighbours, it ran into the sentence after it, and a bullet's URL ran into both. A line after
    it that starts in lower case is the heading's own, wrapped ("1.7 How does one pronounce
    Debian and what does this word" / "mean?").
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        joined, in_heading = "", False
        for line in (line.strip() for line in block.split("\n")):
            if not line:
                continue
            starts_heading = _HEADING.match(line) is not None
            if starts_heading or (in_heading and not line[0].islower()):
                paragraphs.append(joined)
                joined, in_heading = line, starts_heading
            else:
                joined = _join(joined, line) if joined else line
        paragraphs.append(joined)
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


# A numbered heading on a line of its own: a section number, then a capital or a Chinese
# character, and no full stop or comma at its end; after a number without a dot ("3
# Architecture"), a few words only, since a line of running text may start with a number.
_HEADING = re.compile(
    r"(?:\d+(?:\.\d+)+\.?\s+[A-Z\u3400-\u9fff].{0,80}|\d+\.?\s+[A-Z\u3400-\u9fff]\S*(?:\s+\S+){0,4})"
    r"(?<![.,;:，。；：])$"
)


def _join(left: str, right: str) -> str:
    if len(left) >= 2 and left[-1] == "-" and left[-2].isalpha() and right[0].isalpha():
        return left[:-1] + right if _hyphenated(left, right) else left + right  # Anglo-Saxon
    if is_cjk(left[-1]) and is_cjk(right[0]):
        return left + right
    if is_cjk(right[0]) and _GLUED_LATIN_END.search(left):
        return left + right  # 维生素B12 | 缺乏
    return left + " " + right


def zipf_frequency(word: str, in_language: str) -> float:
    """How common a word is in its language, on wordfreq's Zipf scale (0: unknown; 7: 'the')."""
    from wordfreq import zipf_frequency as zipf  # each language's table loads on first use, 0.3 s

    return zipf(word, in_language)


def _hyphenated(left: str, right: str) -> bool:
    """Whether a line-end hyphen split one word (experi-ment), not a compound whose hyphen a
    writer put there (knowledge-based, well-known: each part a word, and the two run together
    seldom written)."""
    first = re.search(r"[A-Za-z]+-$", left)
    second = re.match(r"[a-z]+", right)
    if first is None or second is None:
        return False  # before a capital: a compound (Anglo-Saxon)
    head, tail = first.group()[:-1].lower(), second.group()
    parts_are_words = min(zipf_frequency(head, "en"), zipf_frequency(tail, "en")) >= _WORD_ZIPF
    return not parts_are_words or zipf_frequency(head + tail, "en") >= _JOINED_ZIPF


_WORD_ZIPF = 3.0  # wordfreq's Zipf scale: a common word (a part of a compound)
_JOINED_ZIPF = 2.5  # rarer as one word than this, two common words keep their hyphen


# A line ending in Latin letters or digits glued to the Chinese before them (维生素B12).
_GLUED_LATIN_END = re.compile(r"[\u3400-\u9fff][A-Za-z0-9]+$")


# A sentence ends at ., ! or ? followed by whitespace, at Chinese end punctuation (no space
# needed), at a paragraph break, or before a bullet: a PDF's list items, once their lines are
# joined, often end with no full stop ("• https://…/iso-cd/ • https://…"). Closing quotes and
# brackets stay with their sentence.
_BULLETS = "•◦‣⁃▪■●"
_SENTENCE_END = re.compile(
    r"""(?:[.!?]+["'”’)\]]*(?=\s)|[。！？；]+[”’」』）)]*|\n\s*\n|\s(?=["""
    + _BULLETS
    + r"""]\s))\s*"""
)


# Abbreviations a sentence goes on after ("..., e.g. by running aptitude clean.").
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|cf|vs|approx|et al|Mrs?|Ms|Dr|Prof|Fig))$", re.IGNORECASE
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in text, whitespace between them excluded."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _ABBREVIATION.search(text, start, match.start()):
            continue
        end = match.end()
        _append_span(text, start, end, spans)
        start = end
    _append_span(text, start, len(text), spans)
    return spans


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip().lstrip(_BULLETS).lstrip()
    if stripped:
        offset = start + piece.index(stripped)
        spans.append((offset, offset + len(stripped)))


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


_QUESTION_END = re.compile(r"""[?？][\s"'”’」』）)\]]*$""")


def is_question(sentence: str) -> bool:
    """Whether a sentence asks (ends with a question mark, in either script)."""
    return _QUESTION_END.search(sentence) is not None


# A question typed without its mark opens with a question word ("what does SO_REUSEADDR do") or,
# in Chinese, holds one (祥林嫂 怎么死的). A document's sentence may open so and state
# ("What this means is..."): only queries are read this way.
_ASKING = re.compile(
    r"^\W*(?:what|how|why|when|where|which|who|whose|whom|is|are|was|were|do|does|did|can"
    r"|could|should|would|will)\b|什么|怎么|怎样|为什么|为何|哪|多少|几[个次天年岁]|吗\W*$",
    re.IGNORECASE,
)


def is_asked(query: str) -> bool:
    """Whether a query asks something: a question (is_question()), or one typed without its
    question mark; not a statement (a claim) nor a string of keywords."""
    return is_question(query) or _ASKING.search(simplified(query)) is not None


# A question asking for something its answer must name (what, who, when, how many...), anywhere
# in it; not one asking yes or no, which is_asked() reads as asking too.
_ASKS_FOR_SOMETHING = re.compile(
    r"\b(?:what|which|who|whom|whose|when|where|why|how)\b"
    r"|什么|谁|哪|几|多少|怎么|怎样|如何|为什么|为何|何时|何地|何人",
    re.IGNORECASE,
)


def asks_for_something(question: str) -> bool:
    """Whether a question asks what, who, when, where, why or how, not yes or no: a sentence
    may answer "Is JSONB binary?" in the question's own words, not "What is JSONB?"."""
    return _ASKS_FOR_SOMETHING.search(simplified(question)) is not None


# Latin letters that are no base letter plus an accent, written as a reader without them would.
_UNACCENTED = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "ı": "i"}
_UNACCENTED |= {"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th"}
_LATIN_LETTERS = (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))  # Latin-1 to Extended Additional
_COMBINING_ACCENTS = range(0x300, 0x370)


def without_accents(text: str) -> str:
    """Text with its Latin letters unaccented ("Zürich" -> "Zurich", "Skłodowska" ->
    "Sklodowska"), as a question typed on an English keyboard writes them; other scripts as
    they are."""
    return text if text.isascii() else text.translate(_accent_table())


@lru_cache(maxsize=1)
def _accent_table() -> dict[int, str | None]:
    table: dict[int, str | None] = dict.fromkeys(_COMBINING_ACCENTS)
    for code in _LATIN_LETTERS:
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    table.update({ord(letter): plain for letter, plain in _UNACCENTED.items()})
    return table


HAN_RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")


@lru_cache(maxsize=1)
def chinese_segmenter():
    """jieba, loaded once and quiet."""
    import jieba

    jieba.setLogLevel(60)  # its start-up chatter goes to stderr otherwise
    return jieba


@lru_cache(maxsize=2)
def _converter(config: str):
    """OpenCC's converter between the scripts ('t2s': traditional to simplified, 's2t' back)."""
    import opencc

    return opencc.OpenCC(config)


_MOST_CONVERSIONS = 3  # never seen to need more than 2


def simplified(text: str) -> str:
    """Text with its traditional Chinese characters written as simplified ones (OpenCC's t2s:
    說明 -> 说明, yet 乾隆 stays), so that a question and a passage in either script share their
    words, stop-words and dictionary entries (jieba's and CC-CEDICT's are simplified). Always as
    long as text, so that spans found in one fit the other: a conversion that would change the
    length is not made."""
    if not HAN_RUNS.search(text):
        return text
    # t2s is not idempotent: 畢昇 -> 毕昇 (a phrase of its table) -> 毕升 (its characters, as
    # it reads the simplified spelling). Converting until nothing changes gives one spelling
    # for both scripts.
    for _ in range(_MOST_CONVERSIONS):
        converted = _converter("t2s").convert(text)
        if converted == text or len(converted) != len(text):
            break
        text = converted
    return text


def in_the_script_of(text: str, model: str) -> str:
    """text (written in simplified characters) in traditional ones when model, a question, is
    written in them: the answer to 火山為什麼會噴發？ is not written 为什么."""
    if simplified(model) == model:
        return text
    return _converter("s2t").convert(text)


def chinese_word_frequencies() -> Mapping[str, int]:
    """How often jieba's dictionary says each Chinese word occurs (read on first use)."""
    tokenizer = chinese_segmenter().dt
    tokenizer.check_initialized()
    return tokenizer.FREQ


@lru_cache(maxsize=1)
def _chinese_tagger():
    """jieba's part-of-speech tagger, loaded once and quiet."""
    import jieba.posseg

    chinese_segmenter()  # quiet first
    return jieba.posseg.dt


@lru_cache(maxsize=1)
def chinese_word_tags() -> Mapping[str, str]:
    """The part of speech jieba's dictionary gives each Chinese word ('v' a verb, 'n' a noun;
    read on first use, about a second)."""
    return _chinese_tagger().word_tag_tab


def tagged_words(text: str) -> list[tuple[str, str]]:
    """Text cut into words, each with the part of speech jieba gives it in place ('nr' a
    person's name, guessed for a name its dictionary lacks)."""
    return [(pair.word, pair.flag) for pair in _chinese_tagger().cut(text)]


def is_chinese_verb(word: str) -> bool:
    """Whether jieba's dictionary lists a Chinese word as a verb (遮住, 'to cover')."""
    return chinese_word_tags().get(simplified(word), "").startswith("v")


def is_han_word(text: str) -> bool:
    """True when text is Chinese characters only, as jieba's words are (no kana or digits)."""
    return HAN_RUNS.fullmatch(text) is not None


def words(text: str, lowercase: bool = True) -> list[str]:
    """Word tokens: jieba segments Chinese runs into words, English splits on letters."""
    tokens: list[str] = []
    for i, run in enumerate(HAN_RUNS.split(text)):
        if i % 2:  # the split's captured groups: runs of Han characters
            tokens.extend(w for w in chinese_segmenter().lcut(run) if _WORD.match(w))
        elif run:
            tokens.extend(m.group() for m in _WORD.finditer(run.lower() if lowercase else run))
    return tokens


def safe_display_name(name: str, max_length: int = 120) -> str:
    """A file name fit for display and metadata; never used to build a path.

    Keeps only the last path component, drops control and bidi characters and shortens
    long names while keeping their extension.
    """
    base = re.split(r"[/\\]", name)[-1]
    base = clean_text(base).replace("\n", " ").strip(" .")
    if not base:
        return "unnamed"
    if len(base) > max_length:
        stem, dot, ext = base.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            base = stem[: max_length - len(ext) - 2] + "…." + ext
        else:
            base = base[: max_length - 1] + "…"
    return base


def count_noun(n: int, noun: str) -> str:
    """'1 chunk', '3 chunks'."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


# How a question asks what a short name stands for: a document that spells ITP out writes
# "Intent To Package", never "stand for", so these words are not looked for.
_ASKS_WHAT_IT_STANDS_FOR = re.compile(
    r"\b(?:stands?\s+for|short\s+for|an?\s+(?:abbreviation|acronym)\s+(?:of|for))\b"
    r"|\bmean\s*[?？]\s*$|是什么的缩写|的缩写是什么|代表什么|是什么意思",
    re.IGNORECASE,
)
# How a Chinese question asks for a name (叫什么名字, 名字是什么): what it asks, not what it is
# about; jieba would cut 团叫 from 布袋戏团叫什么名字. Wider than asks_for_a_name(), which leaves
# out a bare 叫什么 (暂存区又叫什么？ asks for a term).
_ASKS_ITS_NAME = re.compile(
    r"(?:名叫|叫做|叫作|称为|称作|叫)\s*(?:什么|啥)\s*(?:名字|名称)?|(?:名字|名称)\s*(?:是|叫)\s*(?:什么|啥)"
)
# A question asking when something starts (从什么时候开始施行): a text says so with 自...起 or
# a date alone (本规定自2003年10月15日起施行), seldom with 开始.
_WHEN_IT_STARTS = re.compile(r"(什么时候|何时|几时|哪一?年|哪一?天)\s*(?:开始|起)")
# A question asked as "A not A" (要不要买票, 需不需要, 去没去过): jieba cuts 馆要 / 不要 from
# 探索馆要不要买票, and no passage writes either.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
# How a question asks for a measure ("How big was the recess?"): a text gives it ("four feet
# in depth") without the word, as it answers 多大 and 多长, which jieba's words drop too.
_HOW_BIG = re.compile(
    r"\bhow\s+(?:big|large|small|old|tall|high|long|far|deep|wide|thick|heavy|hot|cold|fast)\b",
    re.IGNORECASE,
)


def content_words(text: str) -> list[str]:
    """The words that carry a question's meaning, once each, lower-case: no stop-words, no
    Latin words under three letters but acronyms (AI, EU), possessives dropped ("China's" is
    "china", which a dictionary knows), Chinese in simplified characters (simplified()); not
    the words a question asks with (叫什么名字, "how big", 要不要)."""
    stop = stopwords()
    text = _A_NOT_A.sub(" ", _ASKS_WHAT_IT_STANDS_FOR.sub(" ", simplified(text)))
    text = _HOW_BIG.sub(" ", text)
    text = _WHEN_IT_STARTS.sub(r"\1", _ASKS_ITS_NAME.sub(" ", text))
    found = (without_possessive(w) for w in _measured(words(text, lowercase=False)))
    kept = (w.lower() for w in found if w.lower() not in stop and not _too_short(w))
    asks = (_asks_how_many, _asks_which, _a_small_count, _points_at)
    return list(dict.fromkeys(w for w in kept if not any(ask(w) for ask in asks)))


def _too_short(word: str) -> bool:
    """Whether a Latin word is too short to carry meaning: under three letters and no acronym of
    two (AI, EU), nor one a text may write otherwise or not at all (OK, 3 PM, 200 BC)."""
    acronym = len(word) == 2 and word.isupper() and word not in _SAID_IN_CAPITALS
    return word.isascii() and len(word) < 3 and not acronym


_SAID_IN_CAPITALS = frozenset(("OK", "AM", "PM", "AD", "BC", "CE"))


def _measured(tokens: list[str]) -> list[str]:
    """Chinese tokens without the measure word after a count (多少名员工: 员工), which jieba's
    dictionary may glue to what is counted (多少个字符: 字符, which a text may write after other
    words: 40 个十六进制字符); a unit (多少天, 几年) stays, and so does a measure word that is
    all the question counts (多少层？)."""
    kept = []
    for i, token in enumerate(tokens):
        before, after = tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else ""
        if _counts(before) or before.isdigit():
            if _is_measure_word(token) and token not in _WRITTEN_UNITS and is_han_word(after):
                continue
            token = _without_bounds(token)
            counted = token[1:]
            if (
                len(counted) > 1
                and _is_measure_word(token[0])
                and chinese_word_frequencies().get(counted)
            ):
                token = counted
        kept.append(token)
    return kept


# What jieba glues to a unit after a count (多少天内: 天内; 几年后: 年后), which the text writes
# after its own number (30日内) or not at all.
_BOUNDS = ("以内", "之内", "以后", "之后", "以前", "之前", "内", "后", "前")


def _without_bounds(token: str) -> str:
    """A unit without the bound glued after it (天内: 天); any other token as it is."""
    for bound in _BOUNDS:
        unit = token.removesuffix(bound)
        if unit != token and unit in _WRITTEN_UNITS:
            return unit
    return token


def _is_measure_word(token: str) -> bool:
    return len(token) == 1 and chinese_word_tags().get(token) == "q"


def _asks_which(word: str) -> bool:
    """Whether a Chinese word asks which or who, as 哪个 and 谁 do (哪座, 哪几个, 由谁来), and
    names nothing (哪吒 does)."""
    asks = word.startswith("哪") or (len(word) > 1 and "谁" in word)
    return asks and not chinese_word_tags().get(word, "").startswith("n")


def _asks_how_many(word: str) -> bool:
    """Whether a word is 几 and what it counts (几分, 几层, 几分钟): it asks, as 多少 does."""
    return len(word) >= 2 and _counts(word)


def _a_small_count(word: str) -> bool:
    """Whether a Chinese word is a small number and its measure word (三个, 两次, 一套): a
    passage shows a count by listing what it counts as often as by writing it, as English
    'three' (a stop-word); a unit (三天, 五米) stays."""
    return (
        len(word) == 2
        and word[0] in "一二两三四五六七八九十"
        and _is_measure_word(word[1])
        and word[1] not in _WRITTEN_UNITS
    )


def _points_at(word: str) -> bool:
    """Whether a Chinese word is 这, 那, 该, 此, 本 or 某 and a measure word (这部, 那位, 该条):
    it points at what a question is about, which the passage names instead."""
    return len(word) == 2 and word[0] in "这那该此本某" and word[1] in _POINTED_MEASURES


# Measure words, some of which jieba tags otherwise (部, 条 and 项 as nouns, 本 as a pronoun);
# not 名 or 家: 本名 is a name, 本家 a kinsman.
_POINTED_MEASURES = frozenset("个位部本条项座篇件份种次段届章款处笔台张幅首")


def _counts(token: str) -> bool:
    """Whether a token asks how many: 多少, or 几 and what it counts (几个, 几岁), not 几乎."""
    return token == "多少" or (token.startswith("几") and token[1:2] not in _NOT_COUNTING)


# A name and the number after it: a release, a model, a mission ("Debian Edu 13", "GPT-4",
# "Python 3.12"). The name has two letters or more, one a capital ("the 2018 cup" names
# nothing); a digit glued to it is part of the name ("Word2Vec", "E5"), and a letter glued to
# the number makes another name ("IL-1β").
_NUMBERED_NAME = re.compile(
    r"(?<![A-Za-z0-9'’])((?:[A-Z][A-Za-z0-9'’+]*\s+)*)([A-Za-z][A-Za-z0-9'’+]+)"
    r"(?:[^\S\n]*[-–][^\S\n]*|[^\S\n]+)(\d+(?:\.\d+)*)(?![^\W\u3400-\u9fff]|[.,]\d)"
)
# Words that count parts of a text or of anything else, not names: "Table 3", "Step 2".
_COUNTERS = frozenset(
    "chapter section figure fig table page part step appendix equation article item line "  # noqa: SIM905
    "version release no number top level grade class room unit lesson week day stage".split()
)


@dataclass(frozen=True)
class NumberedName:
    shown: str  # as the question writes it, with the names before it: "Debian Edu 13"
    name: str  # the word just before the number: "Edu"
    number: str  # "13"


def numbered_names(text: str) -> list[NumberedName]:
    """The names followed by a number in text ("Debian 14", "GPT-4", "iPhone 15")."""
    stop = stopwords()
    found = []
    for match in _NUMBERED_NAME.finditer(text):
        lead, name, number = match.groups()
        if name.islower() or name.lower() in stop or name.lower() in _COUNTERS:
            continue
        shown = match.group()
        for word in lead.split():  # "Is iPhone 15": the question's words are no name
            if word.lower() not in stop:
                break
            shown = shown[len(word) :].lstrip()
        found.append(NumberedName(shown, name, number))
    return found


# A year a question names: 2017年; in English one not glued to a word (NOI2024, which names a
# contest) nor counting a plural ("2000 instances").
_NAMED_YEAR = re.compile(
    r"(?<![A-Za-z0-9$£€¥.,])(?<![A-Za-z]-)(1\d{3}|20\d{2})"
    r"(?:\s*年|(?![A-Za-z0-9%]|[.,]\d)(?!\s+[a-z]+s\b))"
)


def years_named(text: str) -> tuple[str, ...]:
    """The years text names (1653, 2017年): not glued to a name, nor counting things."""
    return tuple(dict.fromkeys(_NAMED_YEAR.findall(text)))


# Capitalised words in a row, each of two letters or more: a name ("Secure Boot", "Microsoft
# Active Directory", "Sentence-BERT").
_CAPITALISED_RUN = re.compile(
    r"(?<![\w'’-])[A-Z][A-Za-z'’]+(?:(?:[^\S\n]+|[^\S\n]*[-–/][^\S\n]*)[A-Z][A-Za-z'’]+)+(?![\w'’])"
)
_NAME_WORD = re.compile(r"[A-Za-z'’]+")
# Languages and peoples, written in capitals in English, qualify a name rather than make one:
# "the Chinese BGE models" are BGE models, which a document may never call Chinese; so do
# Chinese scripts ("Simplified Chinese": 简体中文).
_QUALIFIERS = frozenset(
    "chinese english japanese korean french german spanish italian russian arabic indian "  # noqa: SIM905
    "american british european asian african western eastern northern southern "
    "simplified traditional".split()
)
# Days and months are written in capitals, and a text may say "weekends" or give a date instead.
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "  # noqa: SIM905
    "june july august september october november december".split()
)


def without_possessive(word: str) -> str:
    """The word without its possessive ending ("China's": China)."""
    return _POSSESSIVE.sub("", word)


def name_words(text: str) -> list[str]:
    """The Latin words of text as a name has them ("Sentence-BERT": Sentence, BERT)."""
    return _NAME_WORD.findall(text)


_SMALL_LETTERED = re.compile(r"[A-Z](?:[a-z]?[A-Z])+")  # UvA, PhD, MoU


def is_acronym(word: str) -> bool:
    """Whether a word is written in capitals only, two letters or more ("GPS", "NVIDIA"), or in
    capitals with a small letter between some ("UvA", "PhD")."""
    capitals = word.isupper() and sum(char.isalpha() for char in word) >= 2
    return capitals or _SMALL_LETTERED.fullmatch(word) is not None


def spells_out(acronym: str, text: str) -> bool:
    """Whether text writes an acronym out as words in a row whose first letters spell it
    ("C-reactive protein" for CRP, "Global Positioning System" for GPS, "Franklin D. Roosevelt"
    for FDR); a small letter among capitals stands for a short word, which another language
    may spell otherwise (UvA, Universiteit van Amsterdam: "University of Amsterdam")."""
    mixed = not acronym.isupper()
    words = [
        r"[a-z]{1,3}" if mixed and char.islower() else re.escape(char.lower()) + "[a-z]*"
        for char in acronym
        if char.isalpha()
    ]
    written = r"\.?(?:[^\S\n]+|[^\S\n]*[-–][^\S\n]*)".join(words)
    return re.search(r"(?<![a-z])" + written, text, re.IGNORECASE) is not None


def shortens(short: str, text: str) -> bool:
    """Whether text holds a word that a short form with digits abbreviates, each of its runs of
    letters the start of the word's run at the same place: w2v for word2vec, d2v for doc2vec."""
    parts = re.split(r"(\d+)", short.lower())
    if len(parts) < 3:
        return False  # no digit: "pkg" or "vim" could be found in too many words
    letters = (re.escape(part) + r"[a-z]*" if part else "" for part in parts[::2])
    pattern = "".join(a + re.escape(b) for a, b in zip(letters, [*parts[1::2], ""]))
    return re.search(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])", text, re.IGNORECASE) is not None


def multiword_names(text: str) -> list[str]:
    """The names of two words or more that text writes in capitals ("Secure Boot"), function
    words left out; an English sentence's first word is no name ("Chronic HIV stimulation..."),
    and a text in title case ("How Do I Install Debian?") has none. A possessive parts two
    names and belongs to neither: "Handel's Rinaldo" is Handel's opera, and in "Guido van
    Rossum Python's Benevolent Dictator" the words before it need not be one name either."""
    if _in_title_case(text):
        return []
    plain = stopwords() | _QUALIFIERS
    opening = text.lstrip(" \t\"'“‘(")
    first_at = len(text) - len(opening) if language_of_question(text) == "en" else -1
    found = []
    for run in _CAPITALISED_RUN.finditer(text):
        names: list[list[tuple[int, int]]] = [[]]
        for word in _NAME_WORD.finditer(text, run.start(), run.end()):
            if _POSSESSIVE.search(word.group()):
                names.append([])
            elif word.start() != first_at and word.group().lower() not in plain:
                names[-1].append(word.span())
        found += [
            text[kept[0][0] : kept[-1][1]]
            for kept in names
            if len(kept) >= 2 and not all(_is_identifier(text[a:b]) for a, b in kept)
        ]
    return found


def _is_identifier(word: str) -> bool:
    """Whether a word is written with two capitals or more, as software and formats name
    themselves (PostgreSQL, JSONB): several such words in a row are several names ("Can SQLite's
    JSONB be read as PostgreSQL JSONB?" of a text writing "PostgreSQL's")."""
    return sum(char.isupper() for char in word) >= 2


# A Chinese name or word and its Latin spelling in brackets after it: 约翰·伯顿（John Burton）,
# 第一层级（Tier 1）.
_GLOSSED_NAME = re.compile(r"([\u3400-\u9fff·・]+)\s*[（(]\s*([A-Za-z][\w .'’-]*?)\s*[）)]")


def latin_glosses(text: str) -> dict[str, tuple[str, ...]]:
    """Each Chinese word of a name or term that text spells in Latin letters in brackets after
    it, and those words, lower-case: 约翰·伯顿（John Burton） gives 约翰 and 伯顿 ('john',
    'burton'); function words (的) take none."""
    found: dict[str, tuple[str, ...]] = {}
    stop = stopwords()
    for match in _GLOSSED_NAME.finditer(simplified(text)):
        latin = tuple(word.lower() for word in name_words(match[2]))
        found |= {word: latin for word in words(match[1]) if is_han_word(word) and word not in stop}
    return found


def capitalised_words(text: str) -> list[str]:
    """The words an English question writes with a capital inside it, as names are written
    ("Kubernetes", "WireGuard"), possessives dropped: not its first word, not an acronym in
    capitals only (a document may write it out: "CRP" is C-reactive protein), not a qualifier
    ("Chinese"), not a day or a month, none in a title-case text (multiword_names())."""
    if _in_title_case(text):
        return []
    plain = stopwords() | _QUALIFIERS | _CALENDAR
    found = []
    for i, word in enumerate(_WORD.findall(text)):  # "Chang'e", "iPhone", "Wi-Fi" whole
        word = without_possessive(word)
        named = word != word.lower() and not word.isupper()
        if i and named and word.lower() not in plain:
            found.append(word)
    return list(dict.fromkeys(found))


def _in_title_case(text: str) -> bool:
    """Whether text writes its every word of three letters or more in capitals, function words
    aside ("How Do I Install Debian On A Raspberry Pi?"): its capitals name nothing."""
    stop = stopwords()
    latin = [w for w in name_words(text) if len(w) > 2 and w.lower() not in stop]
    return len(latin) >= 3 and all(w[0].isupper() for w in latin)


# Words a question uses of the text itself, its teller or its hero, which the text seldom
# writes ("I" tells a story): "What was Fortunato's weakness, according to the narrator?",
# "故事一开头，“我”是在哪里碰见朱子平的？". Not 'author' (作者): a text writes a name, and
# "《三字经》的作者是谁？" asks for it.
_ABOUT_THE_TEXT = frozenset(
    (
        *("narrator", "narrators", "protagonist", "protagonists", "storyteller", "storytellers"),
        *("story", "stories", "叙述者", "主人公", "故事", "文中", "本文"),
    )
)
# Where a question says its answer is told: "According to the design guidance, how many...",
# "...according to the Three Character Classic?", 按照这部规定，..., 根据序言，...
_ACCORDING_TO = re.compile(
    r"\baccording\s+to\s+([^,?.!;]+)|(?:根据|按照|依照|依据)([^，,。？?！!；;]{1,20})[，,]",
    re.IGNORECASE,
)


def words_of_the_text(question: str) -> set[str]:
    """The question's content words that speak of the text it asks about rather than of what the
    text says: its teller, the story (narrator, 故事), or the source it names ("according to the
    design guidance"), which the text may never write."""
    sources = (part for found in _ACCORDING_TO.findall(simplified(question)) for part in found)
    named = {word for source in sources if source for word in content_words(source)}
    # In lower case: "Which Toy Story character..." names a film.
    told = {without_possessive(w) for w in words(simplified(question), lowercase=False)}
    return named | (told & _ABOUT_THE_TEXT)


# A question asking what someone or something is called: "What was the name of the boy?",
# "What was Mrs. Sappleton's first name?", 叫什么名字, 名称是什么. Not "What are they called?",
# which a term in lower case may answer ("huacals, as they are called"), nor a codename, which
# may be written so (trixie), nor a name server.
_ASKS_FOR_A_NAME = re.compile(
    r"\b(?:first|last|full|given|family|christian|maiden|real|official)\s+names?\b"
    r"|(?:\b(?:what|which)(?:['’]s\s+|\s+(?:(?:is|was|are|were)\s+)?)(?:(?:the|his|her|its|their)\s+)?"
    r"|['’]s\s+)(?:nick)?names?"
    r"(?=\s*(?:$|[^\w\s]|(?:of|for|did|does|do|was|were|is|are|has|had|given|that|in)\b))"
    r"|什么名字|什么名称|什么名号|叫什么名|(?:名字|名称|姓名)\s*(?:是|叫)\s*(?:什么|啥)",
    re.IGNORECASE,
)
# A short quotation, which may be a name: "Argon", “索引”, 《时务报》, `journald`; not speech.
_QUOTED = re.compile(
    r'"([^"\n]{1,30})"|“([^”\n]{1,30})”|「([^」\n]{1,30})」|『([^』\n]{1,30})』|《([^》\n]{1,30})》'
    r"|`([^`\n]{1,30})`"
)
_SPOKEN = re.compile(r"[,.!?;:，。！？；：]")
# Words written in capitals that name no one: a form of address is said before a name.
_TITLES = frozenset(("mr", "mrs", "ms", "miss", "dr", "sir", "madam", "lady", "lord", "st"))
# Latin letters joined by dots, slashes, underscores or digits, as code and versions are named
# (v4.2.0, nodejs/node, max_connections).
_CODE_NAME = re.compile(r"[A-Za-z_][\w-]*(?:[./:_][\w-]+)+|[A-Za-z]+\d[\w.-]*")
# jieba's tags for names: of people (nr), places (ns), bodies (nt) and other things (nz).
_NAME_TAGS = ("nr", "ns", "nt", "nz")


def asks_for_a_name(question: str) -> bool:
    """Whether a question asks what someone or something is named (not what a thing is called,
    which a term in lower case may answer)."""
    return _ASKS_FOR_A_NAME.search(simplified(question)) is not None


def written_names(text: str) -> list[str]:
    """What text writes as names, generously: short quotations that are no speech, Latin words
    written in capitals (no function word, qualifier, month or title), code names (v4.2.0) and
    the Chinese words jieba tags as names of people, places, bodies or things (梁炳麟, 泉州)."""
    found = [quoted for quoted in _quoted(text) if not _SPOKEN.search(quoted)]
    plain = stopwords() | _QUALIFIERS | _CALENDAR | _TITLES
    latin = (word for word in map(without_possessive, _WORD.findall(text)) if word.isascii())
    found += [w for w in latin if len(w) > 1 and w != w.lower() and w.lower() not in plain]
    found += _CODE_NAME.findall(text)
    if HAN_RUNS.search(text):
        tagged = tagged_words(text)
        found += [word for word, tag in tagged if tag.startswith(_NAME_TAGS) and len(word) > 1]
    return found


# The surname whose first name a question asks: "What was Mrs. Sappleton's first name?", "the
# first name of Walton's friend Cotton" (the last name in capitals, not one owning another).
_FIRST_NAME_OF = re.compile(
    r"(?:first|given|christian)\s+name\s+of\s+(?:[\w.'’]+\s+){0,4}?([A-Z][a-z]+)\b(?!['’])"
    r"|\b([A-Z][a-z]+)['’]s?\s+(?:first|given|christian)\s+name"
)


def first_name_asked(question: str) -> str:
    """The surname of the person whose first name a question asks, else ''."""
    found = _FIRST_NAME_OF.search(question)
    return next(name for name in found.groups() if name) if found else ""


def writes_first_name(surname: str, text: str) -> bool:
    """Whether text writes a name in capitals (written_names(): no title) before a surname."""
    before = re.compile(rf"(?<![\w'’])([A-Z][\w'’-]*)\.?\s+{re.escape(surname)}\b")
    return any(name in written_names(text) for name in before.findall(text))


def _quoted(text: str) -> list[str]:
    """The short quotations of text, of four words at most."""
    spans = (next(part for part in found if part) for found in _QUOTED.findall(text))
    return [span for span in spans if len(span.split()) <= 4]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """English and Chinese function words (core/data/stopwords.txt)."""
    text = (Path(__file__).parent / "data" / "stopwords.txt").read_text(encoding="utf-8")
    listed = [word for line in text.splitlines() for word in line.split("#", 1)[0].split()]
    # Typed or typeset with a curly apostrophe too ("don’t").
    return frozenset([*listed, *(word.replace("'", "’") for word in listed if "'" in word)])


# "What time does it open?", not "What time complexity does it have?".
_WHAT_TIME = r"^\W*(?:at\s+)?what\s+time\s+(?:do|does|did|is|are|was|were|will|should|can)\b"
# A question asking for a date ("When did...", "In what year...", 哪一年, 是什么时候...的).
# "When should I use HNSW?" and 什么时候该用 ask for a condition, and are left out.
_ASKS_FOR_A_DATE = re.compile(
    r"^\W*(?:when\s+(?:did|was|were|will)|(?:in|on)?\s*(?:what|which)\s+(?:year|date|month)s?)\b"
    r"|\b(?:in|on)\s+(?:what|which)\s+(?:year|date|month)s?\b|\band\s+when\s*\??\s*$"
    rf"|{_WHAT_TIME}|哪[一几]?年|哪[一几]?天|哪个月|几月|几号|几点|几时|是什么时候|从什么时候",
    re.IGNORECASE,
)
_MONTHS = "january|february|march|april|june|july|august|september|october|november|december"
# A year a Chinese text writes without 年 after a preposition, beside other characters ("在2023
# 第一次提供"), where \b finds no edge; not an amount (在2000米高空).
_BARE_YEAR = r"[在于从自到至]\s*(?:1\d{3}|20\d{2})(?![\d.,%])(?!\s*[多余万亿个名人元米克吨次份块])"
_CHINESE_DIGITS = "〇零一二三四五六七八九"
_CHINESE_NUMERALS = _CHINESE_DIGITS + "十百两"
# A year: 1257, the 1890s, "in 476", 476 AD, 1988年, 一九五四年, 在2023 (names_a_year()).
_YEAR_FORMS = (
    _BARE_YEAR + r"|\b(?:1\d{3}|20\d{2})s?\b|\b(?:in|by|since|until|around|circa)\s+\d{3,4}\b"
    rf"|\b\d{{1,4}}\s*(?:bce?|ad|ce)\b|\d{{3,4}}\s*年|[{_CHINESE_DIGITS}]{{4}}\s*年"
)
# Words and forms that say when: a year, a date, a month, a season, an era, a time relative to
# another, a time of day (4:30, 下午3时, 清晨 4 時半). Not a length of time ("5 years of
# support", 5年的支持) nor a number that only looks like a year (port 5900), nor 代 or 朝 inside
# other words (代号, 代码, 朝向): a release's codename and its years of support answered "When
# was Debian 11 released?" before.
_NAMES_A_TIME = re.compile(
    _YEAR_FORMS + r"|\b(?:" + _MONTHS + r"|may\s+\d|\d+\s+may"
    r"|spring|summer|autumn|winter|century|centuries|decades?|ago|today|yesterday|tomorrow"
    r"|recently|dynasty|era|reign)\b"
    r"|\b(?:years?|months?|weeks?|days?)\s+(?:later|earlier|after|before|ago)\b"
    r"|\b(?:same|that|following|next|last|this|previous)\s+(?:year|month|week|day)\b"
    r"|[\d" + _CHINESE_NUMERALS + r"]+\s*(?:月|日|世纪|年代)"
    r"|[今去明同当早近次翌]年|年[底初中末前后]|个月[前后]|世纪|年代|朝代|王朝|[夏商周秦汉晋隋唐宋元明清][朝代]"
    r"|[古近当]代|时期|[春夏秋冬][天季末]|初[春夏秋冬]|星期|今天|昨天|明天|最近|如今|目前"
    r"|\b\d{1,2}[:：]\d{2}\b|\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)"
    r"|[\d" + _CHINESE_NUMERALS + r"]{1,3}\s*[点时](?:半|钟|\d|[" + _CHINESE_NUMERALS + r"])"
    r"|(?:凌晨|清晨|早上|上午|中午|下午|傍晚|晚上|深夜)\s*[\d" + _CHINESE_NUMERALS + r"]",
    re.IGNORECASE,
)


# Of the questions asking for a date, those asking which year: a dynasty or a century (宋代以前)
# says when, not which year.
_ASKS_FOR_A_YEAR = re.compile(r"哪[一几]?年|\b(?:what|which)\s+years?\b", re.IGNORECASE)
_NAMES_A_YEAR = re.compile(_YEAR_FORMS + r"|\d{4}-\d\d-\d\d", re.IGNORECASE)


# Of those, the ones asking which day: a year or a month (自 2005 年诞生以来) does not say it.
_ASKS_FOR_A_DAY = re.compile(r"哪[一几]?天|几号|几月几|\b(?:what|which)\s+(?:date|day)\b", re.I)
_DAY_DIGITS = rf"[\d{_CHINESE_DIGITS}十]{{1,3}}"
_NAMES_A_DAY = re.compile(
    rf"{_DAY_DIGITS}\s*月\s*{_DAY_DIGITS}\s*[日号]"  # 5月15日, 十月一日
    r"|\d{4}-\d\d-\d\d|(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])"  # 2024-07-15, 8/2
    rf"|\b(?:{_MONTHS}|may)\s+\d{{1,2}}\b"  # April 7
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS}|may)\b"  # 7th of April
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|(?:星期|礼拜)[一二三四五六日天]|周[一二三四五六日]"
    r"|今天|昨天|明天|[前后同]一天|当天|次日|翌日|\b(?:today|yesterday|tomorrow)\b"
    r"|\b(?:same|next|following|previous)\s+day\b",
    re.IGNORECASE,
)

# What time of day (几点, "What time does it open?"), and a time of day: 10:00, 3 pm, 下午三点.
_ASKS_FOR_AN_HOUR = re.compile(rf"几点|{_WHAT_TIME}", re.IGNORECASE)
_NAMES_AN_HOUR = re.compile(
    r"(?<![\d:])\d{1,2}\s*[:：]\s*\d\d(?![\d:])|\b\d{1,2}\s*(?:[ap]\.?m\b\.?|o['’]clock)"
    rf"|[\d{_CHINESE_DIGITS}十两]{{1,3}}\s*(?:点|时(?![代期候间]))"
    r"|上午|下午|中午|晚上|早上|凌晨|傍晚|\b(?:noon|midnight|morning|afternoon|evening)\b",
    re.IGNORECASE,
)


def asks_for_a_date(question: str) -> bool:
    """Whether a question asks when something happened or will ("When did...?", 哪一年...？)."""
    return _ASKS_FOR_A_DATE.search(simplified(question)) is not None


def asks_for_a_year(question: str) -> bool:
    """Whether a question asks which year ("In what year...?", 哪一年...？)."""
    return _ASKS_FOR_A_YEAR.search(simplified(question)) is not None


def names_a_year(text: str) -> bool:
    """Whether text names a year (1257, the 1890s, 1988年, 一九五四年, 2024-07-15)."""
    return _NAMES_A_YEAR.search(simplified(text)) is not None


def names_the_time_asked(question: str, text: str) -> bool:
    """Whether text names the kind of time a question asking when wants: a time of day for one
    asking what time (no year, no day), a day for one asking which day (names no year alone), a
    year for one asking which year (no dynasty, no century), else any time (names_a_time())."""
    if _ASKS_FOR_AN_HOUR.search(simplified(question)):
        return _NAMES_AN_HOUR.search(simplified(text)) is not None
    if _ASKS_FOR_A_DAY.search(simplified(question)):
        return _NAMES_A_DAY.search(simplified(text)) is not None
    return names_a_year(text) if asks_for_a_year(question) else names_a_time(text)


def names_a_time(text: str) -> bool:
    """Whether text says when: a year, a date, a month, a season, a century, a dynasty."""
    return _NAMES_A_TIME.search(simplified(text)) is not None


# After 几, what makes it no count: 几乎 (almost), 几何 (geometry), 几率 (odds), 几经 (after
# several), 几近 (nearly), 几内亚 (Guinea), or a time asked (几点, 几号).
_NOT_COUNTING = frozenset("乎何率经近内点时号月")
# A question asking for an amount ("How many...", "How much...", 多少, 几个, 多大).
_ASKS_FOR_AN_AMOUNT = re.compile(
    r"\bhow\s+(?:many|much|long|large|big|old|far|tall|high|heavy|fast|often)\b"
    r"|\bwhat\s+(?:percentage|proportion|fraction|share)\b"
    rf"|多少|几(?![{''.join(sorted(_NOT_COUNTING))}])|多[大长久高重远快宽深]",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
    "|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?"
    "|half|twice|double|triple|once|percent|single"
)
# Digits, number words and Chinese numerals. A lone 一 is left out: it is more often "a" or
# part of a word (一种, 统一) than a count; generous otherwise, as names_a_time() is.
_NAMES_AN_AMOUNT = re.compile(
    r"\d|\b(?:"
    + _NUMBER_WORDS
    + r")\b|[两二三四五六七八九十百千万亿零〇半%]|一(?=[一二三四五六七八九十百千万亿点])",
    re.IGNORECASE,
)


def asks_for_an_amount(question: str) -> bool:
    """Whether a question asks how many, how much or how large ("How many...?", 多少...？)."""
    return _ASKS_FOR_AN_AMOUNT.search(simplified(question)) is not None


# Numbers that count nothing: a link's, a release's (v5.3.1, 2.8.0), a date's (2024-08-09), an
# hour's ("twelve o'clock", 十二点钟), "one of" the pews, and a part's of a text (第十一条,
# "Section 4", § 163.25), which a regulation's every sentence may begin with.
_NO_AMOUNT = re.compile(
    r"\S*://\S*|\bv?\d+(?:\.\d+){2,}\b|\bv\d+(?:\.\d+)?\b|\b\d{4}-\d\d-\d\d\b"
    rf"|\b\w+\s+o['’]clock\b|[\d{_CHINESE_NUMERALS}]+\s*点钟|\bone\s+of\b"
    rf"|第\s*[\d{_CHINESE_NUMERALS}]+\s*[条章节款项编卷篇回课页]"
    r"|(?:\b(?:article|section|chapter|clause|paragraph|table|figure)|§)\s*\d+(?:[.-]\d+)*",
    re.IGNORECASE,
)


def names_an_amount(text: str) -> bool:
    """Whether text holds a number: digits, a number word, a Chinese numeral; not those of a
    link, a release or a date."""
    return _NAMES_AN_AMOUNT.search(_NO_AMOUNT.sub(" ", simplified(text))) is not None


_ASKS_HOW_OFTEN = re.compile(r"\bhow\s+often\b|多久.*一次|多长时间.*一次|频率", re.IGNORECASE)
# How often, as a text may say it with no number: 每周, "every week", daily.
_HOW_OFTEN = re.compile(
    r"每隔?个?(?:[天日周月年晚季]|小时|星期)"
    r"|\bevery\s+(?:other\s+)?(?:day|week|month|year|hour|night|morning|evening|quarter)\b"
    r"|\b(?:hourly|daily|nightly|weekly|fortnightly|monthly|quarterly|yearly|annually)\b",
    re.IGNORECASE,
)


def tells_how_often(question: str, text: str) -> bool:
    """Whether a question asks how often ("How often...?", 多久开一次会) and text says it, in
    numbers or not ("Linus releases a new -rc kernel about every week": 每周发布一次)."""
    return _asks_how_often(question) and _HOW_OFTEN.search(simplified(text)) is not None


@lru_cache(maxsize=256)  # read again for each sentence an answer ranks (holds_what_is_asked())
def _asks_how_often(question: str) -> bool:
    return _ASKS_HOW_OFTEN.search(simplified(question)) is not None


def counted_word(question: str) -> str | None:
    """What a question asking how many or how much counts: its first content word after the
    question word ("How many grams...": 'grams'), or the first plural of those right after "how
    many"; in Chinese the word right after it (多少毫升水: 毫升; 几天带薪年休假: 带薪), if any;
    else None."""
    tokens = _measured(words(simplified(question)))  # as content_words() reads it: 多少錢 counts 钱
    content = set(content_words(question))
    for i, token in enumerate(tokens):
        english = token == "how" and tokens[i + 1 : i + 2] in (["many"], ["much"])
        if english or _counts(token):
            after = tokens[i + 2 if english else i + 1 :]
            if not english:
                # 多少 counts what follows it at once (多少钱, 多少个字符), not what follows an
                # adverb or an adjective after it (价值超过多少就一定要列入, 控制在多少最合适).
                counted = after[0] if after else None
                qualifies = chinese_word_tags().get(counted or "", "")[:1] in ("a", "d")
                return counted if counted in content and not qualifies else None
            # "How many" asks for a plural: the first among the words right after it ("how many
            # pending connects" counts connects, "how many Gutenberg Bibles survive" Bibles);
            # "how much" a word that has none ("how much batter goes...": batter).
            many = tokens[i + 1] == "many"
            named = takewhile(lambda word: word in content, after) if many else ()
            plural = next((word for word in named if word.endswith("s")), None)
            return plural or next((word for word in after if word in content), None)
    return None


# Units as texts write them after a number (digits or Chinese numerals), abbreviated or
# otherwise, by the words a question counts them in: "多少公里" is answered by "6300 km" or
# "6300千米" as well as by 6300公里; "几个小时" by "两个小时", "2 hours" or "an hour"; 幾公分
# (Taiwan's and Hong Kong's centimetre) by "3 cm" or 3厘米.
_NUMERALS = _CHINESE_NUMERALS + "半千万亿"
_TIMES = (
    # "half of a century", 两个世纪; not 19世纪, which says when.
    ("年 year years", "yrs?|decades?|centur(?:y|ies)|个?年|个世纪"),
    ("月 month months", "个?月"),
    ("周 星期 week weeks", "个?星期|个?礼拜|周"),
    (
        "天 日 day days",
        "天|日|个?工作[日天]|个?交易日|nights?|(?:business|working|calendar)\\s+days?",
    ),
    ("小时 hour hours", "h|hrs?|个小时|个钟头|钟头"),
    ("分钟 minute minutes", "min|mins"),
)
_SIZES = "[kmgtp]i?b|(?:kilo|mega|giga|tera)?bytes?|bits?|比特|个?千?字节|兆字节|兆"
# What a question may ask an amount of in any of several units (how long, how far, how much
# memory): answered by an amount in one of them, but no unit's name to translate.
_QUANTITIES = ("时长", "长度", "内存")
_UNITS = (
    ("公里 千米 kilometre kilometres kilometer kilometers", "km"),
    ("米 公尺 metre metres meter meters", "m"),
    ("厘米 公分 centimetre centimetres centimeter centimeters", "cm"),
    ("毫米 millimetre millimetres millimeter millimeters", "mm"),
    ("千克 公斤 kilogram kilograms kilo kilos", "kg"),
    ("克 公克 gram grams", "g"),
    ("毫克 milligram milligrams", "mg"),
    ("毫升 millilitre millilitres milliliter milliliters", "ml"),
    ("升 公升 litre litres liter liters", "l"),
    # Money in any currency, or as a share or a multiple of another sum: 三倍, 80%.
    (
        # Not 块, also a count of pieces (1000多块栏板); a wage's words count money too (每月给
        # 他多少报酬 of 二十块钱一个月).
        "钱 块钱 元 报酬 酬劳 薪酬 工钱 月薪 年薪 money dollar dollars",
        "美元|港元|港币|欧元|英镑|日元|法郎|卢布|马克|先令|\\$|¥|￥|€|£|usd|rmb|yuan|euros?|"
        "pounds?|guilders?|florins?|francs?|marks?|shillings?|pence|crowns?|guineas?|cents?|yen|"
        "rupees?|倍|%|％|"
        "文[钱正]?(?![\u3400-\u9fff])",  # old copper coins (价五百文正), not 三文鱼
    ),
    ("岁 age", r"周?岁|years?\s+old"),
    # A size in memory or on disk, and how much memory: "How much memory does a char take?" is
    # answered by "four bytes".
    ("字节 byte bytes", _SIZES),
    ("内存 memory", _SIZES),
    ("卡路里 千卡 calorie calories", "kcal|cal"),
    ("温度 temperature", "°\\s*[cf]?|℃|℉|摄氏度|华氏度|度|degrees?|c|f"),  # 180℃, 320C
    *_TIMES,
    # A length of time in any unit, for a question asking how long (asked_unit()).
    (
        "时长 time",
        "|".join(f"{abbreviations}|{names.replace(' ', '|')}" for names, abbreviations in _TIMES)
        + "|秒|seconds?",
    ),
    # A distance, a height or a depth in any unit, for a question asking how far (asked_unit()).
    (
        "长度 length",
        "km|m|cm|mm|公里|千米|公尺|公分|米|厘米|毫米|里|英里|英尺|英寸|丈|尺|kilomet(?:re|er)s?|met(?:re|er)s?|"
        "centimet(?:re|er)s?|miles?|feet|foot|ft|inch(?:es)?|yards?",
    ),
)
# A sum written with its currency first ($60/year, ¥300) or as a share (百分之八十), or a number
# after a word for a sum, which a Chinese text may write without its currency ("社费...最高金额
# 不得超过三百"), not one of instalments or times (费用分三期). Not "free": "3 岁及以下儿童免费" is
# no price of an adult's ticket.
_FOR_A_SUM = "金额|价格|价钱|售价|票价|费用|收费|租金|工资|薪水|薪资|学费|会费|社费"
_MONEY_FIRST = (
    r"(?:[$¥￥€£]|rmb|usd)\s*\d|百分之|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven)pence\b"
    rf"|(?:{_FOR_A_SUM})[^，,。；;？?！!\d{_CHINESE_NUMERALS}]{{0,6}}[\d{_CHINESE_NUMERALS}千万]+"
    r"(?![\d.]*\s*[期次个天年月日人%])"
)
# A year (1964年, 一九五四年) says when, not how long.
_A_YEAR = rf"(?<![\d{_CHINESE_DIGITS}])(?:1\d|20)\d\d\s*年|[{_CHINESE_DIGITS}]{{4}}\s*年"


def _written(names: str, abbreviations: str) -> re.Pattern:
    units = "|".join([abbreviations, *map(re.escape, sorted(names.split(), key=len, reverse=True))])
    # Not a day of the week: 周六日 is the weekend, not six days (星期六, 礼拜六); 每周五天 is.
    chinese = rf"(?<![周期拜])[{_NUMERALS}]+|[{_NUMERALS}]+(?=\s*天)"
    digits = rf"(?<![\d.,{_NUMERALS}])(?:\d(?:[\d.,]*\d)?|{chinese})"
    number = rf"{digits}|\b(?:{_NUMBER_WORDS}|an?|few|several)\b"
    after = rf"(?:{number})\s*[余多]?\s*(?:{units})(?![a-z])"  # 6300余公里, 三十多米
    if "年" in units:
        after = rf"(?!{_A_YEAR}){after}"
    return re.compile(f"{after}|{_MONEY_FIRST}" if "钱" in names else after, re.IGNORECASE)


# Each unit's names, by each of them: not those of _QUANTITIES, which name no unit.
_UNIT_NAMES = {
    name: tuple(names.split())
    for names, _ in _UNITS
    if names.split()[0] not in _QUANTITIES
    for name in names.split()
}


def unit_names(word: str) -> tuple[str, ...]:
    """The names in the other language of the unit a word names ('years': 年; 公里: km's
    names): a dictionary glosses 年 as 'year' among many, and gives 'year' as 年度 first."""
    chinese = bool(word) and is_cjk(word[0])
    return tuple(name for name in _UNIT_NAMES.get(word.lower(), ()) if is_cjk(name[0]) != chinese)


# A phone number: digits in groups (213-972-8080, (608) 264-9500, +86 10 8888 6666), seven or
# more in a row, or a Chinese hotline (110, 12315). Not a year.
_PHONE_NUMBER = re.compile(
    r"(?<!\d)(?<!\d\.)(?:"  # not inside a longer number (a version, a sum)
    r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?)?\d{1,4}(?:[\s.-]\d{2,4}){2,4}"
    r"|\(\d{2,4}\)\s?\d{3,4}[\s.-]?\d{4}"
    r"|\d{7,12}|1[12]\d|911|12\d{3}|95\d{3}"
    r")(?!\d|\.\d)"
)
_EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A version or release: 3.45.0, v7.0.0, "version 2", 第 2 版, Python 3, Windows 10, "LTS Release 2".
_VERSION = re.compile(
    r"(?<![\w.])v?\d+(?:\.\d+)+|\bv\d+\b|\b(?:version|release|edition|revision)\s+\d"
    rf"|第\s*[\d{_CHINESE_NUMERALS}]+\s*版|版本?\s*[:：]?\s*v?\d"
    r"|(?-i:\b[A-Z][\w+#-]*)\s+\d+\b(?!\s*(?:%|％|年|月|日))",
    re.IGNORECASE,
)
# A street or a postal address: "Regent Street", "7801 Folsom Boulevard", 东长安街, 中山路 1 号;
# not 街道办事处 (a district office), 街面 or 路上.
_STREET = re.compile(
    r"(?-i:\b(?!(?:The|A|An|This|That|Our|His|Her|Its|Their|My|Your|One|Each|Every|No)\b)"
    r"[A-Z][\w'’.-]*)\s+(?:street|st|avenue|ave|road|rd|lane|boulevard|blvd|way|place"
    r"|square|row|drive|court|terrace|churchyard)\b|\b\d+\s+(?-i:[A-Z])\w+"
    r"|[\u4e00-\u9fff]{1,6}(?:路|街|巷|胡同|大道|弄)(?![道面头坊区市上口线径由过人])",  # not 街道
    re.IGNORECASE,
)
# A share of a whole: 80%, 百分之八十, 三成, 五分之一, "one in five", 1:3, "a third".
_SHARE = re.compile(
    r"\d\s*(?:%|％|percent\b|per\s+cent\b)|百分之|一半|\bhalf\b|\d\s*[:：/]\s*\d"
    r"|[\d两二三四五六七八九十]成(?=[的左右以上下多余，,。；;、\s]|$)"  # 三成, not 一成不变
    rf"|[\d{_CHINESE_NUMERALS}]分之"
    rf"|\b(?:{_NUMBER_WORDS}|\d+)\s+(?:in|out\s+of)\s+(?:{_NUMBER_WORDS}|\d+)\b"
    r"|\b(?:a|one|two)\s+(?:half|third|quarter|fifth|tenth)s?\b",
    re.IGNORECASE,
)
_WRITTEN_UNITS = {
    name: _written(names, abbreviations)
    for names, abbreviations in _UNITS
    for name in names.split()
} | {
    "phone number": _PHONE_NUMBER,
    "电话号码": _PHONE_NUMBER,
    "email address": _EMAIL_ADDRESS,
    "邮箱地址": _EMAIL_ADDRESS,
    "share": _SHARE,
    "比例": _SHARE,
    "version": _VERSION,
    "版本": _VERSION,
    "street": _STREET,
    "街道": _STREET,
}


_ASKS_WHY = re.compile(r"为什么|为何|\bwhy\b", re.IGNORECASE)
# What lasts rather than stretches: "How long is the break?" asks for a time.
_SPANS_OF_TIME = (
    "break|pause|wait|delay|interval|intermission|half|period|quarter|round|shift|session|"
    "lesson|class|course|semester|term|season|trip|journey|flight|ride|drive|tour|visit|stay|"
    "show|film|movie|warranty|guarantee|trial|leave|holiday|vacation|ban|suspension|sentence"
)
# What a thing is kept, left or allowed for: "How long are old build files kept?" asks for a time.
_LASTING = (
    "kept|retained|stored|held|preserved|archived|cached|maintained|supported|valid|available|"
    "open|closed|allowed|suspended|banned|delayed|left|needed|required|active|locked|blocked"
)
# A question asking for a length of time: not "How long is the bridge?"; "How far ahead of a
# release are distros warned?" asks how long before.
_ASKS_HOW_LONG = re.compile(
    r"多久|多长时间|多少时间|\bhow\s+far\s+(?:ahead|in\s+advance|beforehand|back)\b"
    r"|\bfor\s+how\s+long\b|\bhow\s+long\s+(?:does|did|do|will|would|can|could"
    r"|should|must|has|have|had|to|is\s+it|was\s+it)\b"
    rf"|\bhow\s+long\s+(?:is|are|was|were)\s+(?:(?:the|a|an|each|every|one|its|their)\s+)?"
    rf"(?:[\w-]+\s+)?(?:{_SPANS_OF_TIME})s?\b"
    rf"|\bhow\s+long\s+(?:is|are|was|were|will)\b[^?？]*\b(?:{_LASTING})"
    r"(?:\s+(?:in|on|at|for|by|before|after|under|until|during|once|without)\b|\s*[?？]|\s*$)",
    re.IGNORECASE,
)
# A question asking a price: 票价是多少, 停车一小时收费多少, 缴纳多少保证金, "How much does it
# cost?", "What was the price of the sword?".
_ASKS_A_PRICE = re.compile(
    r"(?:价|(?<![免浪])费|租金|工资|薪[水金酬资])[^，,。？?]{0,4}(?:多少|几)"  # not 免费, 浪费
    r"|(?:缴纳|支付|赔偿|罚款?)了?多少"
    r"|多少[^，,。？?的]{0,6}(?:保证金|押金|罚金|奖金|租金|定金|订金|赔偿金|违约金)"
    r"|\bhow\s+much\b.*\b(?:costs?|charged?|charges|pay|paid|spend|spent|price|fees?|fares?|rent)\b"
    r"|\bwhat\s+(?:is|was|are|were)\s+the\s+(?:[\w-]+\s+)?(?:price|cost|fee|fare|rent)s?"
    r"(?=\s+(?:of|for|to|at|in|per|on)\b|\s*[?？,]|\s*$)",
    re.IGNORECASE,
)
# A question asking for a temperature: not "温度参数取多少", a parameter called a temperature.
_ASKS_A_TEMPERATURE = re.compile(
    r"温度(?:是|为|要|在|应该是|一般是|大概是)?多少|多少\s*度|几度|多热|多冷"
    r"|\b(?:what|which)\s+(?:\w+\s+){0,3}temperatures?\b|\bhow\s+(?:hot|cold|warm)\b",
    re.IGNORECASE,
)
# A question asking for a phone number: "What phone number can I call?", 失物招领电话多少.
_ASKS_A_PHONE_NUMBER = re.compile(
    r"\b(?:tele)?phone\s+(?:number|no\b)|\bhotline\b|\bnumber\b[^?？]{0,30}\bcall\b"
    r"|电话(?:号码)?(?:是)?(?:多少|几号)|(?:电话|手机|热线)号码|热线",
    re.IGNORECASE,
)
# A question asking for an email address: "What email address should I use?", 邮箱是什么; not
# "Which two variables tell the tools your name and email address?".
_ASKS_AN_EMAIL_ADDRESS = re.compile(
    r"^\W*(?:what|which)(?:['’]s|\s+is|\s+are)?\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?e-?mail"
    r"(?:\s+address(?:es)?)?\b(?!\s+(?:list|notification))"
    r"|(?:邮箱|电子邮件|邮件)(?:地址)?(?:是|为)?(?:什么|多少|哪个)|(?:什么|哪个)(?:邮箱|(?:电子)?邮件地址)",
    re.IGNORECASE,
)
# A question asking which street, or a street or postal address: "On which London street...?",
# 在哪条街上, 详细地址是什么; not an IP or an email address, nor "Which road...?", which "the
# moorland road" may answer.
_ASKS_A_STREET = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+)?(?:street|avenue)\b|\b(?:street|postal)\s+address"
    r"|哪[一]?条(?:街|路|马路|大街|胡同)|(?:街道|详细|具体|通讯|邮寄)地址",
    re.IGNORECASE,
)
# A question asking which version or release: "Which npm version ships with v4.2.0?", "Since
# which SQLite release...?", 哪个 Linux 内核版本, 第几版; not "Which Windows versions...?" (an
# answer may describe them), a release candidate, 版本控制 or a verb ("What chip did Apple
# release?").
_ASKS_A_VERSION = re.compile(
    r"\b(?:which|what)\s+(?:(?!(?:did|does|do|will|would|can|could|should|to)\b)[\w.+#-]+\s+)"
    r"{0,3}?(?:version|release)(?![\w-])(?!\s+(?:candidates?|notes?|process|cycles?|schedules?"
    r"|managers?|branch(?:es)?|dates?|plans?|teams?|model|polic(?:y|ies)|channels?)\b)"
    r"|(?:哪个|哪一个|哪一|(?<!为)什么(?!时候))\s*(?:[A-Za-z0-9.+#-]+\s*|[\u4e00-\u9fff]{1,4}){0,2}?"
    r"版本(?!控制|管理)|第几版|版本号?(?:是|为)?(?:多少|什么|几)",
    re.IGNORECASE,
)
# A question asking for a share of a whole: 百分之多少, 占多少比例, "what percentage".
_ASKS_A_SHARE = re.compile(
    r"百分之(?:多少|几)|(?:百分比|比例|比率|占比)[^，,。？?]{0,4}(?:多少|几)"
    r"|\b(?:what|which)\s+(?:percentage|percent|proportion|fraction|share|ratio)\b"
    r"|\bhow\s+many\s+percent\b|\bby\s+how\s+much\s+percent\b",
    re.IGNORECASE,
)
# A question asking for a distance, a height or a depth: not "多大" (a size, an age, a share).
_ASKS_HOW_FAR = re.compile(r"多远|多高|多深|\bhow\s+(?:far|tall|high|deep)\b", re.IGNORECASE)


@lru_cache(maxsize=256)  # read again for each sentence an answer ranks (holds_what_is_asked())
def asked_unit(question: str) -> str | None:
    """The unit a question asking how many, how much, how long or how far counts in (多少钱: 钱,
    "how many hours": hours, 几岁: 岁, 多久: 时长, "how long did it take": time, 多远: 长度, "how
    deep": length); None when what it counts is no unit."""
    text = simplified(question)
    if _ASKS_WHY.search(text):
        return None  # "为什么会在几天之内倒闭？" asks why, not how many days
    chinese = language_of_question(question) == "zh"
    if _ASKS_HOW_LONG.search(text):
        return "时长" if chinese else "time"
    if _ASKS_HOW_FAR.search(text):
        return "长度" if chinese else "length"
    if _ASKS_A_TEMPERATURE.search(text):
        return "温度" if chinese else "temperature"
    counted = counted_word(question)
    if counted and counted.lower() in _WRITTEN_UNITS:
        return counted
    # A unit jieba joins to 几 or 多少, or keeps apart after 多少 (几岁, 多少度, 多少年): no
    # content word.
    tokens = words(text)
    for before, token, after in zip(["", *tokens[:-1]], tokens, [*tokens[1:], ""], strict=True):
        # 哪几年 asks which years, not how many (asks_for_a_date()).
        unit = token[1:] if token.startswith("几") and before != "哪" else ""
        unit = (token[2:] or after) if token.startswith("多少") else unit
        if unit in _WRITTEN_UNITS:
            return unit
    if _ASKS_A_SHARE.search(text):
        return "比例" if chinese else "share"
    if _ASKS_A_PRICE.search(text):
        return "钱" if chinese else "money"
    if _ASKS_A_PHONE_NUMBER.search(text):
        return "电话号码" if chinese else "phone number"
    if _ASKS_AN_EMAIL_ADDRESS.search(text):
        return "邮箱地址" if chinese else "email address"
    if _ASKS_A_VERSION.search(text) and not asks_for_a_date(question):
        return "版本" if chinese else "version"
    if _ASKS_A_STREET.search(text):
        return "街道" if chinese else "street"
    return None


def writes_amount_of(unit: str, text: str) -> bool:
    """Whether text gives a number in the unit a question counts in (asked_unit()), as written
    or abbreviated ('kilometres': "6,300 km"); False for a word that is no unit."""
    written = _WRITTEN_UNITS.get(unit.lower())
    return written is not None and written.search(simplified(text)) is not None


def writes_amount_asked(question: str, unit: str, text: str) -> bool:
    """writes_amount_of(), where a version the question names itself counts for none: "Which
    npm version ships with v4.2.0?" is not answered by "v4.2.0 becomes the LTS release"."""
    if unit in ("version", "版本"):
        text = without_numbers_of(question, text)
    return writes_amount_of(unit, text)


def without_numbers_of(question: str, text: str) -> str:
    """Text without the numbers the question writes itself (2025, 4.2.0, 1,000)."""
    own = set(_NUMBER.findall(question))
    return _NUMBER.sub(lambda number: "" if number.group() in own else number.group(), text)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


# A sentence saying its document leaves a matter out: "...is beyond the scope of this guide",
# 浮点数的哈希值计算较为复杂，有兴趣的读者请自行学习.
_LEAVES_OUT = re.compile(
    r"\b(?:beyond|outside)\s+the\s+scope\b|\bleft\s+as\s+an\s+exercise\b"
    r"|\bnot\s+(?:be\s+)?(?:covered|discussed|described|explained)\s+(?:here|in\s+this)\b"
    r"|\b(?:will|shall|do|does)\s+not\s+(?:go\s+into|cover|discuss)\b|\bwon't\s+(?:go\s+into|cover)\b"
    r"|请?自行(?:学习|查阅|研究|了解)|超出了?本(?:书|文|章|节|教程|文档)的?范围"
    r"|不在本(?:书|文|章|节|教程|文档)的?(?:讨论)?范围|(?:此处|这里|本文|本书)不再?(?:展开|赘述|详述)",
    re.IGNORECASE,
)


def leaves_out(sentence: str) -> bool:
    """Whether a sentence says its document leaves a matter out (it answers nothing about it)."""
    return _LEAVES_OUT.search(simplified(sentence)) is not None


def asks_for_a_kind(question: str, word: str) -> bool:
    """Whether a question asks for something of the kind a word names ("What exponent...?",
    "Which port...?", 用什么算法, 哪种语言): its answer is a value or a name of that kind, which a
    passage may give without the word ("h(x) = (x/c)^α, with α = 0.75"); names may qualify
    the word ("Under which U.S. statute...?")."""
    kind = re.escape(word)
    named = r"(?:(?-i:[A-Z][\w.'’-]*)\s+){0,2}"
    english = rf"\b(?:what|which)\s+(?:(?:kinds?|types?|sorts?)\s+of\s+)?{named}{kind}\b"
    chinese = rf"(?<!为)什么(?:样的)?{kind}|哪[一个种些类位家款项]?{kind}"
    return re.search(f"{english}|{chinese}", simplified(question), re.IGNORECASE) is not None


def holds_what_is_asked(question: str, text: str) -> bool:
    """Whether text holds the kind of thing a question asks for: a time for a question asking
    when, how often for one asking that (tells_how_often()), an amount in the unit asked in
    (asked_unit()), else a number for one asking how many; False for any other question."""
    if asks_for_a_date(question):
        return names_the_time_asked(question, text)
    if tells_how_often(question, text):
        return True
    unit = asked_unit(question)
    if unit is not None:
        return writes_amount_asked(question, unit, text)
    return asks_for_an_amount(question) and names_an_amount(text)
