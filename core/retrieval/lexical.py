"""BM25 over a collection's chunks (bm25s), for English, Chinese and text that mixes them.

Terms: Chinese runs are written in simplified characters and cut by jieba in search mode (words
and the shorter words inside them), everything else is split into words and numbers ("0.75"
stays one term), lower-cased and Snowball-stemmed when it is English; the stop-words of
core.text.stopwords() are dropped.

Design (bm25s cannot update an index in place): the terms of each document's chunks are
tokenised once, when the document is added, and kept in a file of their own; the BM25 matrix is
rebuilt from those term files (no re-tokenising) the first time the collection is searched after
a change, and saved with the generation it was built from so a restart just loads it. A delete
removes one term file. Each chunk's language (core.text.language) is kept beside its terms, for
hybrid search to compare a question's passages within each language (search.fuse).
bench/lexical_build.py measures the rebuild (22 s and 0.65 GB at 1M chunks), bench/lexical.py
the upkeep and queries at 100k chunks.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import math
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np

from core.files import write_atomically
from core.records import Chunk
from core.text import (
    HAN_RUNS,
    chinese_segmenter,
    is_han_word,
    language,
    simplified,
    stopwords,
    without_accents,
)

GENERATION_FILE = "generation"
TERMS_FILE = "terms-version"
# Bumped when terms() changes (2: traditional Chinese read as simplified; 3: Latin letters
# unaccented, more Chinese question words left out; 4: simplified until it stays the same; 5:
# spoken Chinese question words, adverbs and modals left out; 6: contractions typed without an
# apostrophe left out; 7-9: indefinite pronouns and adverbs, someone, anywhere, and Chinese
# adverbs of all, at least, at most, 一共, 至少, 最多, left out; 10: happen, currently, small
# numbers, 多长时间 left out): the kept terms of an index made before are made again from the
# store's chunks (sync()).
TERMS_VERSION = "10"
DOCS_FOLDER = "docs"
BUILT_FOLDER = "built"

# Numbers with their decimal points and digit groups first ("0.75", "1,024"), then words.
_TERM = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-z]+")
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def has_words(text: str) -> bool:
    """True when text has at least one letter or digit (not only punctuation and symbols)."""
    return bool(_HAS_WORD.search(text))


def term_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) for every term of text, stop-words left out; spans may overlap."""
    stop = stopwords()
    stem = _stemmer().stemWord
    offset = 0
    # In simplified characters (as long as text, so spans fit it): a question in either script
    # finds passages in either.
    for i, run in enumerate(HAN_RUNS.split(simplified(text))):
        start_of_run, offset = offset, offset + len(run)
        if not run:
            continue
        if i % 2:  # a run of Han characters
            for word, start, end in chinese_segmenter().tokenize(run, mode="search"):
                if word not in stop:
                    yield word, start_of_run + start, start_of_run + end
            continue
        for match in _TERM.finditer(run):
            word = without_accents(match.group().lower())
            if word in stop or (len(word) == 1 and word.isascii() and word.isalpha()):
                continue
            if _ASCII_WORD.fullmatch(word):
                word = stem(word)
            yield word, start_of_run + match.start(), start_of_run + match.end()


def terms(text: str) -> list[str]:
    """The BM25 terms of text, in order (Chinese words and their sub-words both counted)."""
    return [term for term, _, _ in term_spans(text)]


@lru_cache(maxsize=256)
def query_terms(query: str) -> tuple[str, ...]:
    """terms(query), kept for the questions of the moment: a search reads them twice (to rank,
    and for the terms each hit matched), and jieba takes 0.5 ms for a translated question."""
    return tuple(terms(query))


def matched_spans(text: str, wanted: Iterable[str]) -> list[tuple[int, int]]:
    """Merged character spans of text whose terms are in wanted (for highlighting)."""
    wanted = set(wanted)
    spans = sorted((start, end) for term, start, end in term_spans(text) if term in wanted)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float  # BM25 score (unbounded, comparable only within one query)
    rank: int


class _Substrings:
    """Words, each with a value, joined into one string to find those holding a part at C speed:
    1.5 ms a part among 350,000 Chinese words, where a Python loop took 14 ms."""

    def __init__(self, values: Mapping[str, int]) -> None:
        words = list(values)
        self.text = "\n".join(words)
        self.starts = np.cumsum([0, *(len(word) + 1 for word in words[:-1])])
        self.values = np.array([values[word] for word in words], dtype=np.int64)

    def holding(self, part: str) -> list[int]:
        """The values of the words that hold part (part itself included)."""
        positions = []
        at = self.text.find(part)
        while at >= 0:
            positions.append(at)
            at = self.text.find(part, at + 1)
        if not positions:
            return []
        words = np.unique(np.searchsorted(self.starts, positions, side="right") - 1)
        return self.values[words].tolist()

    def found(self, pattern: re.Pattern[str]) -> set[str]:
        """What pattern's first group finds in the words."""
        return {match.group(1) for match in pattern.finditer(self.text)}


class _Built:
    """A bm25s index over chunk ids, the generation of the term files it was built from, and
    which chunks are Chinese."""

    def __init__(self, generation: str, ids: list[str], model, chinese: np.ndarray) -> None:
        self.generation = generation
        self.ids = ids
        self.model = model
        self.chinese = chinese
        self._positions: dict[str, int] | None = None
        self._chinese_terms: _Substrings | None = None
        self._numbered_terms: _Substrings | None = None

    def rows(self, ids: Iterable[str]) -> dict[str, int]:
        """The row of each of ids that the index holds."""
        if self._positions is None:  # made at the first use: 0.2 s at 1M chunks
            self._positions = {key: i for i, key in enumerate(self.ids)}
        found = ((key, self._positions.get(key)) for key in ids)
        return {key: i for key, i in found if i is not None}

    def languages(self, ids: Iterable[str]) -> dict[str, str]:
        """The language (core.text.language) of each of ids that the index holds."""
        return {key: "zh" if self.chinese[i] else "en" for key, i in self.rows(ids).items()}

    def document_frequency(self, term: str) -> int:
        """How many chunks hold term; a Chinese one also inside a longer word, since jieba
        keeps 吃掉 or 每天 whole and a question's 吃 or 天 is there all the same."""
        return len(self._rows(term))

    def holding(self, wanted: Sequence[str], limit: int) -> list[str]:
        """The ids of the first limit chunks (in index order) that hold every wanted term (a
        Chinese one also inside a longer word)."""
        if self.model is None or not wanted:
            return []
        found = self._rows(wanted[0])
        for term in wanted[1:]:
            found = np.intersect1d(found, self._rows(term), assume_unique=True)
        return [self.ids[i] for i in np.sort(found)[:limit].tolist()]

    def chinese_found(self, pattern: re.Pattern[str]) -> set[str]:
        """What pattern's first group finds in the Chinese terms."""
        return set() if self.model is None else self._chinese().found(pattern)

    def digits_frequency(self, digits: str) -> int:
        """How many chunks hold a term with digits inside it: 1847, or in1847 where OCR
        glued a word to the number."""
        if self.model is None:
            return 0
        if self._numbered_terms is None:  # made at the first use
            column = self.model.vocab_dict
            numbered = {known: at for known, at in column.items() if _DIGIT.search(known)}
            self._numbered_terms = _Substrings(numbered)
        return len(self._rows_of(self._numbered_terms.holding(digits)))

    def _chinese(self) -> _Substrings:
        if self._chinese_terms is None:  # made at the first use: 0.3 s for 350,000 terms
            column = self.model.vocab_dict
            chinese = {known: at for known, at in column.items() if is_han_word(known)}
            self._chinese_terms = _Substrings(chinese)
        return self._chinese_terms

    def _rows(self, term: str) -> np.ndarray:
        """The rows of the chunks holding term, unique."""
        if self.model is None:
            return np.empty(0, dtype=np.int64)
        column = self.model.vocab_dict
        if is_han_word(term):
            found = self._chinese().holding(term)
        else:
            found = [column[term]] if term in column else []
        return self._rows_of(found)

    def _rows_of(self, found: Sequence[int]) -> np.ndarray:
        """The rows of the chunks holding any of the terms at columns found, unique."""
        matrix = self.model.scores  # CSC, a column per term: the rows with a score for it
        starts, rows = matrix["indptr"], matrix["indices"]
        columns = [rows[starts[c] : starts[c + 1]] for c in found]
        if len(columns) <= 1:
            return columns[0] if columns else rows[:0]
        return np.unique(np.concatenate(columns))

    def matched(self, query_terms: Iterable[str], ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """For each of ids the index holds: which of query_terms its chunk has, sorted."""
        rows = self.rows(ids)
        found: dict[str, list[str]] = {key: [] for key in rows}
        if self.model is None or not rows:
            return {key: () for key in rows}
        # A mark per chunk row: a term's rows are then tested by one gather, with no hashing or
        # sorting of its posting list (np.isin took 5-10 ms a question at 100k chunks).
        wanted = np.zeros(len(self.ids), dtype=bool)
        wanted[list(rows.values())] = True
        matrix = self.model.scores  # CSC, a column per term: the rows with a score for it
        for term in sorted(set(query_terms)):
            column = self.model.vocab_dict.get(term)
            if column is None or column + 1 >= len(matrix["indptr"]):
                continue
            posting = matrix["indices"][matrix["indptr"][column] : matrix["indptr"][column + 1]]
            present = set(posting[wanted[posting]].tolist())
            for key, row in rows.items():
                if row in present:
                    found[key].append(term)
        return {key: tuple(names) for key, names in found.items()}


class LexicalIndex:
    """The BM25 index of one collection, persisted under folder (or kept in memory if None)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        # sha -> (ids, joined terms, languages): what a term file holds
        self._memory: dict[str, tuple[list[str], list[str], list[str]]] = {}
        self._memory_generation = uuid.uuid4().hex
        self._built: _Built | None = None
        self._lock = threading.RLock()

    # -- keeping in step with the store (called under the store's write lock) ----------------

    def add(self, doc_sha: str, chunks: Sequence[Chunk]) -> None:
        """Tokenise a document's chunks and keep their terms and languages (replacing an
        earlier copy)."""
        ids = [chunk.id for chunk in chunks]
        joined = [" ".join(terms(chunk.text)) for chunk in chunks]
        languages = [language(chunk.text) for chunk in chunks]
        with self._lock:
            if self.folder is None:
                self._memory[doc_sha] = (ids, joined, languages)
            else:
                docs = self.folder / DOCS_FOLDER
                if not docs.is_dir():  # a new index: this terms() makes all its terms
                    docs.mkdir(parents=True)
                    self._stamp()
                kept = {"ids": ids, "terms": joined, "languages": languages}
                write_atomically(docs / f"{doc_sha}.json", json.dumps(kept).encode("utf-8"))
            self._bump()

    def remove(self, doc_sha: str) -> None:
        """Forget a document's terms; the index is rebuilt only if it had them (22 s at 1M)."""
        with self._lock:
            if self.folder is None:
                removed = self._memory.pop(doc_sha, None) is not None
            else:
                path = self.folder / DOCS_FOLDER / f"{doc_sha}.json"
                removed = path.exists()
                path.unlink(missing_ok=True)
            if removed:
                self._bump()

    def drop(self) -> None:
        """Forget the whole collection."""
        with self._lock:
            self._memory.clear()
            self._built = None
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
            self._memory_generation = uuid.uuid4().hex

    def documents(self) -> dict[str, int]:
        """sha -> number of chunks, for every document whose terms are kept."""
        with self._lock:
            if self.folder is None:
                return {sha: len(kept[0]) for sha, kept in self._memory.items()}
            docs = self.folder / DOCS_FOLDER
            if not docs.is_dir():
                return {}
            return {path.stem: len(_read(path)[0]) for path in docs.glob("*.json")}

    def sync(
        self, expected: dict[str, int], fetch: Callable[[str], Sequence[Chunk]]
    ) -> tuple[int, int]:
        """Make the kept documents those expected (sha -> chunk count): add missing ones from
        fetch(sha), drop extra ones. Returns (added, removed)."""
        with self._lock:
            if self.folder is not None and not self._terms_current():
                shutil.rmtree(self.folder / DOCS_FOLDER, ignore_errors=True)  # all made again
            have = self.documents()
            stale = [sha for sha, n in expected.items() if have.get(sha) != n]
            extra = [sha for sha in have if sha not in expected]
            for sha in extra:
                self.remove(sha)
            for sha in stale:
                self.add(sha, fetch(sha))
            if self.folder is not None:
                self._stamp()
                if not (self.folder / GENERATION_FILE).exists():
                    self._bump()  # an empty collection: mark it as synced
            return len(stale), len(extra)

    def synced(self) -> bool:
        """True once the index has been written or checked against the store in this folder,
        with terms made by this terms()."""
        return self.folder is None or (
            (self.folder / GENERATION_FILE).exists() and self._terms_current()
        )

    def _terms_current(self) -> bool:
        try:
            return (self.folder / TERMS_FILE).read_text(encoding="ascii") == TERMS_VERSION
        except (OSError, TypeError, ValueError):
            return False

    def _stamp(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self.folder / TERMS_FILE, TERMS_VERSION.encode("ascii"))

    # -- searching ---------------------------------------------------------------------------

    def search(self, query: str, k: int) -> list[LexicalHit]:
        """The k chunks with the highest BM25 score for query (only those that match a term)."""
        wanted = query_terms(query)
        with self._lock:
            built = self._current()
        if built is None or built.model is None or k <= 0 or not wanted:
            return []
        known = [t for t in wanted if t in built.model.vocab_dict]
        if not known:
            return []
        scores = built.model.get_scores(known)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        take = min(k, positive.size)
        top = positive[np.argpartition(-scores[positive], take - 1)[:take]]
        top = top[np.lexsort((top, -scores[top]))]  # by score, ties by position: deterministic
        return [
            LexicalHit(built.ids[i], float(scores[i]), rank)
            for rank, i in enumerate(top.tolist(), start=1)
        ]

    def languages(self, ids: Iterable[str]) -> dict[str, str]:
        """The language (core.text.language) of each of ids whose chunk the index holds."""
        with self._lock:
            built = self._current()
        return {} if built is None else built.languages(ids)

    def matched(self, query: str, ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The query's terms (sorted) in each chunk of ids that the index holds: what
        terms(chunk text) would say, without tokenising the text again."""
        with self._lock:
            built = self._current()
        return {} if built is None else built.matched(query_terms(query), ids)

    def holding(self, wanted: Sequence[str], limit: int) -> list[str]:
        """The ids of up to limit chunks that hold every wanted term."""
        with self._lock:
            built = self._current()
        return [] if built is None else built.holding(wanted, limit)

    def document_frequencies(self, wanted: Iterable[str]) -> tuple[dict[str, int], int]:
        """How many chunks hold each of the wanted terms (0 for a term none holds), and how
        many chunks the index holds."""
        with self._lock:
            built = self._current()
        if built is None or built.model is None:
            return dict.fromkeys(wanted, 0), 0
        return {term: built.document_frequency(term) for term in wanted}, len(built.ids)

    def chinese_found(self, pattern: re.Pattern[str]) -> set[str]:
        """What pattern's first group finds in the Chinese terms (a pattern of one group)."""
        with self._lock:
            built = self._current()
        return set() if built is None else built.chinese_found(pattern)

    def digits_frequency(self, digits: str) -> int:
        """How many chunks hold a term with digits inside it (in1847 of OCR, 1847)."""
        with self._lock:
            built = self._current()
        return 0 if built is None else built.digits_frequency(digits)

    def chunk_count(self) -> int:
        with self._lock:
            built = self._current()
        return 0 if built is None else len(built.ids)

    def rebuild(self) -> None:
        """Build the BM25 matrix now (normally done by the first search after a change)."""
        with self._lock:
            self._built = None
            if self.folder is not None:
                shutil.rmtree(self.folder / BUILT_FOLDER, ignore_errors=True)
            self._current()

    def _current(self) -> _Built | None:
        generation = self._generation()
        if self._built is not None and self._built.generation == generation:
            return self._built
        self._built = self._load(generation) or self._build(generation)
        return self._built

    def _build(self, generation: str) -> _Built:
        # Two passes over the term files, never the whole corpus as Python lists: the first
        # learns the vocabulary, each chunk's length and each term's document frequency, and
        # spills every chunk's (term, count) pairs to a temporary file; the second weighs those
        # pairs and writes them straight into the CSC matrix bm25s searches (1M chunks peaked
        # at 2.6 GB when bm25s built it from lists through COO intermediates).
        with tempfile.TemporaryFile(dir=self._spill_folder()) as spill:
            counted = _count_terms(self._term_files(), spill)
            # No words at all (a collection of pictures without captions): no model to build.
            model = _bm25(counted, spill) if counted.vocabulary else None
        built = _Built(generation, counted.ids, model, np.array(counted.chinese, dtype=bool))
        del counted
        if self.folder is not None and model is not None:
            # Kept as built: loading the saved copy back no longer shrinks it (0.65 GB at 1M
            # chunks either way), and would hold both while it loads (1.1 GB).
            self._save(built)
        _release_freed_memory()
        return built

    def _spill_folder(self) -> Path | None:
        """Where the build's temporary file goes: beside the index, or the system's default."""
        if self.folder is not None and self.folder.is_dir():
            return self.folder
        return None

    def _term_files(self) -> Iterator[tuple[list[str], list[str], list[str] | None]]:
        if self.folder is None:
            for sha in sorted(self._memory):
                yield self._memory[sha]
            return
        docs = self.folder / DOCS_FOLDER
        for path in sorted(docs.glob("*.json")) if docs.is_dir() else []:
            yield _read(path)

    def _save(self, built: _Built) -> None:
        assert self.folder is not None
        temp = self.folder / f"{BUILT_FOLDER}.{uuid.uuid4().hex}.tmp"
        built.model.save(str(temp))
        with (temp / "ee_ids.json").open("w", encoding="utf-8") as file:
            json.dump(built.ids, file)  # in pieces: no 75 MB string at 1M chunks
        np.save(temp / "ee_chinese.npy", built.chinese)
        (temp / "ee_generation").write_text(built.generation, encoding="utf-8")
        final = self.folder / BUILT_FOLDER
        shutil.rmtree(final, ignore_errors=True)
        os.replace(temp, final)

    def _load(self, generation: str) -> _Built | None:
        if self.folder is None:
            return None
        final = self.folder / BUILT_FOLDER
        try:
            if (final / "ee_generation").read_text(encoding="utf-8") != generation:
                return None
            import bm25s

            ids = json.loads((final / "ee_ids.json").read_text(encoding="utf-8"))
            model = bm25s.BM25.load(str(final), mmap=False)
            chinese = np.load(final / "ee_chinese.npy")  # missing when saved before languages
        except (OSError, ValueError):
            return None
        return _Built(generation, ids, model, chinese)

    def _generation(self) -> str:
        if self.folder is None:
            return self._memory_generation
        return saved_generation(self.folder)

    def _bump(self) -> None:
        if self.folder is None:
            self._memory_generation = uuid.uuid4().hex
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self.folder / GENERATION_FILE, uuid.uuid4().hex.encode("ascii"))


class _Vocabulary(dict):
    """Term -> id, a term seen for the first time getting the next id."""

    def __missing__(self, term: str) -> int:
        self[term] = len(self)
        return len(self) - 1


@dataclass
class _Counted:
    """What the first pass over the term files learns; the pairs are in the spill file."""

    ids: list[str] = field(default_factory=list)
    chinese: list[bool] = field(default_factory=list)
    vocabulary: _Vocabulary = field(default_factory=_Vocabulary)
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # terms per chunk
    distinct: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # pairs per chunk
    frequencies: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # chunks/term
    pairs: list[tuple[int, int]] = field(default_factory=list)  # per file: (chunks, pairs)


def _count_terms(
    files: Iterable[tuple[list[str], list[str], list[str] | None]], spill: BinaryIO
) -> _Counted:
    """First pass: vocabulary, lengths and frequencies; each file's (term id, count) pairs,
    row by row and by term id within a row, are appended to spill (int32 ids, then counts)."""
    counted = _Counted()
    lookup = counted.vocabulary.__getitem__
    lengths: list[np.ndarray] = []
    distinct: list[np.ndarray] = []
    for doc_ids, joined, languages in files:
        counted.ids.extend(doc_ids)
        if languages is None:  # a term file from before languages were kept: tell them from
            languages = [language(line) for line in joined]  # the terms, close enough
        counted.chinese.extend(kind == "zh" for kind in languages)
        occurrences: list[int] = []
        sizes = np.empty(len(joined), dtype=np.int64)
        for i, line in enumerate(joined):
            before = len(occurrences)
            occurrences.extend(map(lookup, line.split()))
            sizes[i] = len(occurrences) - before
        rows = np.repeat(np.arange(len(joined), dtype=np.int64), sizes)
        # One sortable key per occurrence: its row, then its term id.
        keys, counts = np.unique(
            (rows << 32) | np.array(occurrences, dtype=np.int64), return_counts=True
        )
        del occurrences, rows
        term_ids = (keys & 0xFFFFFFFF).astype(np.int32)
        lengths.append(sizes)
        distinct.append(np.bincount(keys >> 32, minlength=len(joined)))
        if len(counted.vocabulary) > counted.frequencies.size:
            grown = np.zeros(max(len(counted.vocabulary), 2 * counted.frequencies.size), np.int64)
            grown[: counted.frequencies.size] = counted.frequencies
            counted.frequencies = grown
        present, chunks = np.unique(term_ids, return_counts=True)
        counted.frequencies[present] += chunks
        spill.write(term_ids.tobytes())
        spill.write(counts.astype(np.int32).tobytes())
        counted.pairs.append((len(joined), term_ids.size))
    counted.frequencies = counted.frequencies[: len(counted.vocabulary)]
    if lengths:
        counted.lengths, counted.distinct = np.concatenate(lengths), np.concatenate(distinct)
    return counted


def _bm25(counted: _Counted, spill: BinaryIO):
    """A bm25s model (Lucene BM25, its k1 and b) whose CSC matrix, a column per term, is filled
    from the spilled pairs: the weights bm25s's own index() gives, without its intermediates."""
    import bm25s

    model = bm25s.BM25()
    assert model.method == model.idf_method == "lucene", model.method
    n = int(counted.lengths.size)
    # As bm25s computes them: idf in double, kept as float32; weights in double, then float32.
    idf = np.array(
        [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in counted.frequencies.tolist()],
        dtype=model.dtype,
    )
    average = counted.lengths.mean()
    norms = model.k1 * ((1 - model.b) + model.b * counted.lengths / average)
    indptr = np.zeros(counted.frequencies.size + 1, dtype=np.int64)
    np.cumsum(counted.frequencies, out=indptr[1:])
    data = np.empty(int(indptr[-1]), dtype=model.dtype)
    indices = np.empty(int(indptr[-1]), dtype=model.int_dtype)
    cursor = indptr[:-1].copy()  # the next free slot of each term's column
    spill.seek(0)
    first = 0
    for chunks, size in counted.pairs:
        if size == 0:  # a document without a single term: nothing spilled, no entries
            first += chunks
            continue
        term_ids = _read_array(spill, np.int32, size)
        tf = _read_array(spill, np.int32, size).astype(np.float64)
        rows = np.repeat(np.arange(first, first + chunks), counted.distinct[first : first + chunks])
        weights = idf[term_ids] * (tf / (norms[rows] + tf))
        # Group the pairs by term (stable: rows stay ascending), each group at its column's
        # cursor; rows come in order, so every column's rows end up sorted.
        order = np.argsort(term_ids, kind="stable")
        sorted_ids = term_ids[order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
        sizes = np.diff(np.r_[starts, size])
        slots = cursor[sorted_ids] + (np.arange(size) - np.repeat(starts, sizes))
        data[slots] = weights[order]
        indices[slots] = rows[order]
        cursor[sorted_ids[starts]] += sizes
        first += chunks
    vocab_dict = dict(counted.vocabulary)
    vocab_dict[""] = len(vocab_dict)  # what index() adds: the empty term, a column of none
    model.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": n}
    model.vocab_dict = vocab_dict
    model.unique_token_ids_set = set(vocab_dict.values())
    model.nonoccurrence_array = None  # Lucene BM25 scores no term a chunk lacks
    return model


def _read_array(spill: BinaryIO, dtype: type, size: int) -> np.ndarray:
    array = np.empty(size, dtype=dtype)
    if spill.readinto(memoryview(array).cast("B")) != array.nbytes:
        raise OSError("the BM25 build's temporary file came back short")
    return array


def _release_freed_memory() -> None:
    """Give the heap the build freed back to the system: glibc keeps it otherwise (0.4 GB
    after a build at 1M chunks, bench/scale.py --hybrid)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux with glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _read(path: Path) -> tuple[list[str], list[str], list[str] | None]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["ids"], data["terms"], data.get("languages")


def saved_generation(folder: Path) -> str:
    """The generation of the index saved in folder: it changes with every write by any process
    ("" before the first)."""
    try:
        return (folder / GENERATION_FILE).read_text(encoding="utf-8")
    except OSError:
        return ""
