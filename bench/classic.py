"""Training speed of Word2Vec (negative sampling, hierarchical softmax) and FastText.

The corpus is the English text that ships with gensim, repeated up to --words words.
Usage: python bench/classic.py --words 1000000 [--epochs 3] [--architecture skipgram]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable as a plain script

from gensim.test.utils import datapath  # noqa: E402

from core.classic.training import TrainConfig, tokenize_corpus, train  # noqa: E402

SOURCES = ("lee_background.cor", "lee.cor")


def build_corpus(min_words: int) -> tuple[list[list[str]], int]:
    """gensim's bundled Lee corpus, tokenised and repeated to at least min_words words."""
    texts: list[str] = []
    for name in SOURCES:
        texts += Path(datapath(name)).read_text(encoding="utf-8", errors="replace").splitlines()
    base = tokenize_corpus(texts)
    base_words = sum(len(s) for s in base)
    repeats = max(1, -(-min_words // base_words))
    return base * repeats, repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="corpus size in words")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--architecture", choices=("skipgram", "cbow"), default="skipgram")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    sentences, repeats = build_corpus(args.words)
    n_words = sum(len(s) for s in sentences)
    distinct = len({w for s in sentences for w in s})
    print(
        f"corpus: {n_words:,} words, {len(sentences):,} sentences, {distinct:,} distinct words "
        f"({' + '.join(SOURCES)} x{repeats}); {args.architecture}, {args.epochs} epochs, "
        f"{args.workers} workers"
    )
    runs = {
        "word2vec negative": TrainConfig(algorithm="word2vec", objective="negative"),
        "word2vec hierarchical": TrainConfig(algorithm="word2vec", objective="hierarchical"),
        "fasttext negative": TrainConfig(algorithm="fasttext", objective="negative"),
    }
    print(f"{'model':<24}{'train s':>9}{'words/s':>12}{'x time':>8}{'wall s':>8}{'loss':>7}")
    baseline = None
    for name, config in runs.items():
        config = TrainConfig(
            **{
                **config.__dict__,
                "architecture": args.architecture,
                "epochs": args.epochs,
                "workers": args.workers,
            }
        )
        start = time.perf_counter()
        model = train(sentences, config)
        wall = time.perf_counter() - start
        baseline = baseline or model.seconds
        print(
            f"{name:<24}{model.seconds:>9.2f}{model.words_per_second:>12,.0f}"
            f"{model.seconds / baseline:>8.2f}{wall:>8.2f}{model.epochs[-1].loss:>7.3f}"
        )
    print(
        "train s: epochs only; wall s adds vocabulary building and the per-epoch loss "
        "evaluation; x time: training time relative to word2vec negative in this run."
    )


if __name__ == "__main__":
    main()
