"""Content-addressed embedding cache: (model, text hash) -> vector, in one SQLite file.

Identical chunks (repeated pages, boilerplate, re-chunking with the same settings, one file in two
collections) are encoded once. The cache only ever saves work: when its file cannot be used, texts
are simply encoded.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.retrieval.encoders import Encoder

log = logging.getLogger(__name__)

CACHE_FILE = "embedding_cache.sqlite"
ENCODE_BATCH = 32
_LOOKUP_BATCH = 500  # SQLite bounds the number of parameters of one statement


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def model_key(encoder: Encoder) -> str:
    """Vectors are only comparable within one model (and, for e5, one role: documents)."""
    return f"{encoder.name}|{encoder.dimension}|document"


class EmbeddingCache:
    """Vectors of document texts, keyed by model and the text's SHA-256."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # one connection shared by Streamlit's threads
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, hash BLOB NOT NULL, "
                "vector BLOB NOT NULL, PRIMARY KEY (model, hash)) WITHOUT ROWID"
            )
            db.commit()
            self._db = db
        return self._db

    def lookup(self, model: str, keys: Sequence[bytes], dimension: int) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            db = self._connection()
            for start in range(0, len(keys), _LOOKUP_BATCH):
                batch = list(keys[start : start + _LOOKUP_BATCH])
                marks = ",".join("?" * len(batch))
                rows = db.execute(
                    f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})",
                    [model, *batch],
                )
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (dimension,):
                        found[bytes(key)] = vector
        return found

    def store(self, model: str, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        with self._lock:
            db = self._connection()
            db.executemany(
                "INSERT OR REPLACE INTO vectors (model, hash, vector) VALUES (?, ?, ?)",
                [(model, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items],
            )
            db.commit()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def encode_documents(
    encoder: Encoder,
    texts: Sequence[str],
    cache: EmbeddingCache | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for texts, each distinct text encoded at most once; and how many were encoded.

    on_progress(done, total) counts texts, cached and repeated ones included.
    """
    progress = on_progress or (lambda done, total: None)
    keys = [text_key(text) for text in texts]
    model = model_key(encoder)
    known: dict[bytes, np.ndarray] = {}
    if cache is not None:
        try:
            known = cache.lookup(model, list(dict.fromkeys(keys)), encoder.dimension)
        except sqlite3.Error as error:  # a damaged or locked cache file costs speed, not a file
            log.warning("embedding cache %s not used: %s", cache.path, error)
            cache = None
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    text_of = dict(zip(keys, texts))
    done_keys = set(known)
    progress(sum(k in done_keys for k in keys), len(texts))
    fresh: list[tuple[bytes, np.ndarray]] = []
    for start in range(0, len(missing), ENCODE_BATCH):
        batch = missing[start : start + ENCODE_BATCH]
        vectors = encoder.encode_documents([text_of[key] for key in batch])
        for key, vector in zip(batch, vectors):
            known[key] = vector
            fresh.append((key, vector))
        done_keys.update(batch)
        progress(sum(k in done_keys for k in keys), len(texts))
    if cache is not None and fresh:
        try:
            cache.store(model, fresh)
        except sqlite3.Error as error:
            log.warning("embedding cache %s not updated: %s", cache.path, error)
    if not texts:
        return np.zeros((0, encoder.dimension), dtype=np.float32), 0
    return np.stack([known[key] for key in keys]).astype(np.float32), len(missing)
