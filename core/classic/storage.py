"""Where a collection's trained Word2Vec and FastText models live, and settings for its size.

Layout: data_dir/classic/<chroma_name(collection)>/<algorithm>/ holds the latest model of that
algorithm (core.classic.save), plus corpus.json: the fingerprint of the chunks it was trained
on, so a page can tell when the collection has changed since.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock

from core.classic.training import Algorithm, TrainConfig, TrainedModel, load, save
from core.retrieval.store import chroma_name

ALGORITHMS: tuple[Algorithm, ...] = ("word2vec", "fasttext")
_RECORD = "corpus.json"
_LOCK = "save.lock"
SMALL_CORPUS_WORDS = 200_000  # below this, more epochs and no downsampling


def models_dir(data_dir: str | Path, collection: str) -> Path:
    """The folder of a collection's trained models (a filesystem-safe name, any language)."""
    return Path(data_dir) / "classic" / chroma_name(collection)


@dataclass(frozen=True)
class SavedModel:
    """A model as saved for a collection, with the state of the collection it was trained on."""

    model: TrainedModel
    fingerprint: str  # core.corpus.corpus_fingerprint of the chunks it was trained on
    trained_at: str  # ISO 8601, UTC


def save_model(
    data_dir: str | Path, collection: str, model: TrainedModel, fingerprint: str
) -> Path:
    """Save model as the collection's latest of its algorithm; returns its folder."""
    base = models_dir(data_dir, collection)
    base.mkdir(parents=True, exist_ok=True)
    directory = base / model.config.algorithm
    record = {
        "fingerprint": fingerprint,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "id": uuid.uuid4().hex,  # tells two trainings apart even within one second
    }
    # Sessions training the same collection at once take turns; save() swaps whole folders.
    with FileLock(str(base / _LOCK)):
        save(model, directory)
        (directory / _RECORD).write_text(json.dumps(record), encoding="utf-8")
    return directory


def saved_state(data_dir: str | Path, collection: str, algorithm: Algorithm) -> str | None:
    """A token that changes whenever that model is saved again; None when there is none.

    Cheap (one small file), so a page can key its cache of loaded models on it.
    """
    path = models_dir(data_dir, collection) / algorithm / _RECORD
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def load_model(data_dir: str | Path, collection: str, algorithm: Algorithm) -> SavedModel | None:
    """The collection's latest saved model of that algorithm, or None if none was trained."""
    directory = models_dir(data_dir, collection) / algorithm
    state = saved_state(data_dir, collection, algorithm)
    if state is None:
        return None
    record = json.loads(state)
    return SavedModel(load(directory), record["fingerprint"], record["trained_at"])


def suggested_config(corpus_words: int, algorithm: Algorithm = "word2vec") -> TrainConfig:
    """Settings that give sensible vectors for a corpus of this size.

    A small corpus (a few documents) needs many passes over it, every word kept (no
    downsampling) and few dimensions; a large one the usual word2vec settings.
    """
    if corpus_words < SMALL_CORPUS_WORDS:
        return TrainConfig(
            algorithm=algorithm,
            vector_size=50,
            min_count=2,
            sample=0.0,
            epochs=30,
            bucket=100_000,  # a few thousand words have far fewer n-grams than that
        )
    return TrainConfig(algorithm=algorithm, vector_size=100, min_count=5, sample=1e-3, epochs=5)
