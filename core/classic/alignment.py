"""Aligning two embedding spaces with an orthogonal (Procrustes) map learnt from seed pairs.

Two trainings of the same algorithm (other seed, other half of the corpus, other language)
give spaces that agree up to a rotation at best. Given pairs of words known to correspond,
the rotation R minimising ||A R - B|| over them has a closed form (SVD of A^T B); words that
were held out then show whether the map generalises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from gensim.models import KeyedVectors
from scipy.linalg import orthogonal_procrustes

from core.classic.training import project_words
from core.errors import UserError
from core.text import is_cjk

MIN_SEED_PAIRS = 2


def procrustes(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The orthogonal R (d x d) minimising ||source @ R - target||_F."""
    source, target = np.asarray(source, np.float64), np.asarray(target, np.float64)
    if source.shape != target.shape or source.ndim != 2:
        raise UserError("The two sets of vectors must have the same shape to be aligned.")
    rotation, _ = orthogonal_procrustes(source, target)
    return rotation


def _prepare(vectors: np.ndarray) -> np.ndarray:
    """Unit length, centred, unit length again: the usual preparation before Procrustes."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    centred = unit - unit.mean(axis=0)
    return centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)


def translation_accuracy(
    source: np.ndarray, target: np.ndarray, pairs: Sequence[tuple[int, int]]
) -> float:
    """Share of pairs (i, j) whose source row i has target row j as its nearest (cosine) row."""
    if not pairs:
        return float("nan")
    rows = np.array([i for i, _ in pairs])
    wanted = np.array([j for _, j in pairs])
    similarity = _unit(source[rows]) @ _unit(target).T
    return float(np.mean(similarity.argmax(axis=1) == wanted))


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class Alignment:
    """Two spaces aligned on seed pairs; scores on the held-out pairs before and after."""

    rotation: np.ndarray  # (d, d), orthogonal
    seed_pairs: tuple[tuple[str, str], ...]
    held_out: tuple[tuple[str, str], ...]
    accuracy_before: float  # held-out translation by nearest neighbour, no map
    accuracy_after: float  # the same through the rotation
    seed_accuracy_after: float  # on the seed pairs themselves (fit, not generalisation)
    cosine_before: float  # mean cosine of held-out pairs, no map
    cosine_after: float
    agreement_before: float  # held out: shared share of B's k nearest to a and to its pair b
    agreement_after: float
    translations: tuple[tuple[str, str, str, bool], ...]  # held out: source, wanted, found, ok
    labels: tuple[str, ...]  # source words on the maps: held-out pairs first, then seeds
    before: np.ndarray  # (2 * len(labels), 2): source points then target points, joint PCA
    after: np.ndarray  # the same with the source rotated


def align(
    source: KeyedVectors,
    target: KeyedVectors,
    pairs: Sequence[tuple[str, str]],
    held_out_share: float = 0.2,
    seed: int = 0,
    map_words: int = 40,
) -> Alignment:
    """Learn the rotation on most pairs, test translation on the rest (held_out_share)."""
    usable = [(a, b) for a, b in dict.fromkeys(pairs) if a in source and b in target]
    if len(usable) < MIN_SEED_PAIRS + 1:
        raise UserError(
            f"Only {len(usable)} pairs have both words in the two models: at least "
            f"{MIN_SEED_PAIRS + 1} are needed (more give a better map)."
        )
    order = np.random.default_rng(seed).permutation(len(usable))
    held = max(1, round(len(usable) * held_out_share))
    held = min(held, len(usable) - MIN_SEED_PAIRS)
    test = [usable[i] for i in order[:held]]
    train = [usable[i] for i in order[held:]]
    a_all = _prepare(source.vectors.astype(np.float64))
    b_all = _prepare(target.vectors.astype(np.float64))
    if a_all.shape[1] != b_all.shape[1]:
        raise UserError("The two models must have the same vector size to be rotated onto another.")

    def rows(words: list[tuple[str, str]]) -> list[tuple[int, int]]:
        return [(source.key_to_index[a], target.key_to_index[b]) for a, b in words]

    train_rows, test_rows = rows(train), rows(test)
    rotation = procrustes(a_all[[i for i, _ in train_rows]], b_all[[j for _, j in train_rows]])
    rotated = a_all @ rotation
    found = (_unit(rotated[[i for i, _ in test_rows]]) @ _unit(b_all).T).argmax(axis=1)
    translations = tuple(
        (a, b, target.index_to_key[int(k)], target.index_to_key[int(k)] == b)
        for (a, b), k in zip(test, found)
    )
    shown = (test + train)[:map_words]  # held-out pairs first: they are the test
    a_rows = [source.key_to_index[a] for a, _ in shown]
    b_rows = [target.key_to_index[b] for _, b in shown]
    before = project_words(np.vstack([a_all[a_rows], b_all[b_rows]]), "pca")
    after = project_words(np.vstack([rotated[a_rows], b_all[b_rows]]), "pca")
    return Alignment(
        rotation=rotation,
        seed_pairs=tuple(train),
        held_out=tuple(test),
        accuracy_before=translation_accuracy(a_all, b_all, test_rows),
        accuracy_after=translation_accuracy(rotated, b_all, test_rows),
        seed_accuracy_after=translation_accuracy(rotated, b_all, train_rows),
        cosine_before=_mean_cosine(a_all, b_all, test_rows),
        cosine_after=_mean_cosine(rotated, b_all, test_rows),
        agreement_before=neighbour_agreement(a_all, b_all, test_rows),
        agreement_after=neighbour_agreement(rotated, b_all, test_rows),
        translations=translations,
        labels=tuple(a for a, _ in shown),
        before=before,
        after=after,
    )


def neighbour_agreement(
    source: np.ndarray, target: np.ndarray, pairs: Sequence[tuple[int, int]], k: int = 10
) -> float:
    """Mean share of the k target rows nearest to source row i that are also among the k
    nearest to target row j, over the pairs (i, j): do the two words see the same neighbours?"""
    if not pairs:
        return float("nan")
    unit_target = _unit(target)
    k = min(k, len(target))
    mapped = _unit(source[[i for i, _ in pairs]]) @ unit_target.T
    own = unit_target[[j for _, j in pairs]] @ unit_target.T
    shared = [
        len(set(np.argsort(-a, kind="stable")[:k]) & set(np.argsort(-b, kind="stable")[:k])) / k
        for a, b in zip(mapped, own)
    ]
    return float(np.mean(shared))


def _mean_cosine(source: np.ndarray, target: np.ndarray, pairs) -> float:
    a = _unit(source[[i for i, _ in pairs]])
    b = _unit(target[[j for _, j in pairs]])
    return float(np.mean(np.einsum("nd,nd->n", a, b)))


def shared_words(
    source: KeyedVectors, target: KeyedVectors, limit: int = 500, skip: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """Identity pairs (w, w) for the most frequent words both models know (source order)."""
    skipped = set(skip)
    pairs = [(w, w) for w in source.index_to_key if w in target and w not in skipped]
    return pairs[:limit]


def halves(sentences: Sequence[Sequence[str]]) -> tuple[list, list]:
    """Even and odd sentences: two corpora of the same topics with no sentence in common."""
    return list(sentences[0::2]), list(sentences[1::2])


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """Seed dictionary lines 'source target' (tab, comma, space or '=' between); blanks skipped."""
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for separator in ("\t", ",", "=", " "):
            if separator in line:
                a, _, b = line.partition(separator)
                break
        else:
            raise UserError(f"Line {number} needs two words, e.g. 'apple 苹果'.")
        a, b = a.strip().lower(), b.strip().lower()
        if not a or not b:
            raise UserError(f"Line {number} needs two words, e.g. 'apple 苹果'.")
        pairs.append((a, b))
    return pairs


def split_languages(sentences: Sequence[Sequence[str]]) -> tuple[list, list]:
    """(Latin-script sentences, CJK sentences): a bilingual corpus as two monolingual ones."""
    latin, cjk = [], []
    for sentence in sentences:
        chinese = sum(any(is_cjk(char) for char in word) for word in sentence)
        (cjk if chinese * 2 > len(sentence) else latin).append(list(sentence))
    return latin, cjk


# A small English-Chinese seed dictionary for the sample corpus's topics.
SAMPLE_DICTIONARY = """\
apple 苹果
apples 苹果
river 河流
rivers 河流
bank 河岸
water 水
fish 鱼
tea 茶
leaves 叶
history 历史
company 公司
computer 电脑
phone 手机
space 太空
moon 月球
station 空间站
word 词
words 词
vector 向量
vectors 向量
meaning 语义
model 模型
search 搜索
language 语言
dynasty 朝代
species 物种
erosion 侵蚀
flood 洪水
dam 大坝
fruit 水果
tree 树
trees 树
variety 品种
varieties 品种
"""
