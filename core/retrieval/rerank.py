"""Optional reranking of the top passages by a cross-encoder (sentence-transformers CrossEncoder).

No reranker weights ship offline with the app: a user with one names it (hub name, with
internet) or points at a local folder.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence

from core.errors import UserError
from core.records import Hit


class Reranker:
    """A cross-encoder that scores (question, passage) pairs; higher is more relevant."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(model, device="cpu")
        self.name = model
        self._lock = threading.Lock()

    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        with self._lock:
            values = self._model.predict([(query, text) for text in texts], show_progress_bar=False)
        return [float(value) for value in values]

    def rerank(self, query: str, hits: Sequence[Hit], k: int) -> list[Hit]:
        """The k hits the cross-encoder scores highest, renumbered; each keeps its score."""
        scores = self.scores(query, [hit.chunk.text for hit in hits])
        order = sorted(range(len(hits)), key=lambda i: (-scores[i], hits[i].rank))[:k]
        reranked = []
        for rank, i in enumerate(order, start=1):
            hit = hits[i]
            why = dataclasses.replace(hit.why, rerank_score=scores[i]) if hit.why else None
            reranked.append(dataclasses.replace(hit, rank=rank, why=why))
        return reranked


def load_reranker(name: str) -> Reranker:
    """The cross-encoder by hub name or local folder; a UserError when it cannot be loaded."""
    try:
        return Reranker(name)
    except Exception as error:  # hub and file errors come in many types
        raise UserError(
            f"Could not load the reranker {name!r} ({type(error).__name__}). No reranker is "
            "installed with the app: give a local cross-encoder folder, or a hub name with "
            "internet access."
        ) from error
