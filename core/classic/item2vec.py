"""Item2Vec: a session or basket is a sentence, its items are words; skip-gram embeds the items.

A basket has no order, so the window spans the whole basket (every item is every other's
context), and no item is downsampled away. Items seen fewer than min_count times get no vector:
the cold-start problem; a common stopgap is the mean vector of the items bought with them.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.classic.training import EpochReport, TrainConfig, TrainedModel, project_words, train
from core.errors import UserError

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "item2vec" / "baskets.jsonl"
SESSION_COLUMNS = ("session", "session_id", "basket", "basket_id", "order", "order_id", "user")
ITEM_COLUMNS = ("item", "item_id", "product", "product_id", "sku")
MAX_SESSIONS = 200_000


def read_sequences(data: bytes, filename: str) -> list[list[str]]:
    """Sessions from a file: JSONL (one JSON list, or an object with "items", per line) or CSV.

    CSV: one session per row, its non-empty cells the items in order; or, with a header naming a
    session and an item column (session_id,item_id), one row per event, grouped by session.
    Sessions with fewer than two items teach nothing and are left out.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"{filename} must be UTF-8 text.") from error
    if filename.lower().endswith((".jsonl", ".json", ".ndjson")):
        sessions = _jsonl(text)
    else:
        sessions = _csv(text)
    sessions = [s for s in sessions if len(s) >= 2]
    if not sessions:
        raise UserError(f"{filename} has no session with at least two items.")
    if len(sessions) > MAX_SESSIONS:
        raise UserError(f"{filename} has more than {MAX_SESSIONS:,} sessions: too many here.")
    return sessions


def _jsonl(text: str) -> list[list[str]]:
    sessions = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise UserError(f"Line {number} is not JSON.") from error
        items = row.get("items") if isinstance(row, dict) else row
        if not isinstance(items, list):
            raise UserError(f'Line {number} needs a list of items, or an object with "items".')
        sessions.append([str(item).strip() for item in items if str(item).strip()])
    return sessions


def _csv(text: str) -> list[list[str]]:
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    session_column = next((header.index(c) for c in SESSION_COLUMNS if c in header), None)
    item_column = next((header.index(c) for c in ITEM_COLUMNS if c in header), None)
    if session_column is None or item_column is None:
        return [[cell.strip() for cell in row if cell.strip()] for row in rows]
    grouped: dict[str, list[str]] = {}
    for number, row in enumerate(rows[1:], 2):
        if max(session_column, item_column) >= len(row):
            raise UserError(f"Row {number} has no {header[item_column]} column.")
        item = row[item_column].strip()
        if item:
            grouped.setdefault(row[session_column].strip(), []).append(item)
    return list(grouped.values())


def load_sample() -> list[list[str]]:
    """The bundled sample: 600 shopping sessions written for this project."""
    return read_sequences(SAMPLE.read_bytes(), SAMPLE.name)


def config_for(
    sequences: Sequence[Sequence[str]],
    vector_size: int = 32,
    min_count: int = 3,
    epochs: int = 20,
    negative: int = 5,
) -> TrainConfig:
    """Skip-gram settings for baskets: the window spans the longest session, no downsampling."""
    longest = max(len(s) for s in sequences)
    return TrainConfig(
        architecture="skipgram",
        vector_size=vector_size,
        window=max(longest - 1, 1),
        min_count=min_count,
        sample=0.0,
        epochs=epochs,
        negative=negative,
        # Order inside a basket means nothing: every item sees the whole basket.
    )


def train_items(
    sequences: Sequence[Sequence[str]],
    config: TrainConfig,
    on_epoch: Callable[[EpochReport], None] | None = None,
) -> TrainedModel:
    return train(sequences, config, on_epoch)


def similar_items(model: TrainedModel, item: str, k: int = 10) -> list[tuple[str, float]]:
    if item not in model.wv.key_to_index:
        raise UserError(f"'{item}' has no vector: it is not among the trained items.")
    return [(i, float(s)) for i, s in model.wv.most_similar(item, topn=k)]


@dataclass(frozen=True)
class ColdItem:
    """An item seen too rarely for a vector of its own, and a stand-in from its baskets."""

    item: str
    count: int
    companions: tuple[str, ...]  # known items that shared a basket with it
    vector: np.ndarray | None  # mean unit vector of the companions; None when there are none
    neighbours: tuple[tuple[str, float], ...]  # nearest known items to that stand-in


def cold_start(
    model: TrainedModel, sequences: Sequence[Sequence[str]], k: int = 5
) -> list[ColdItem]:
    """Every item below min count, rarest first, with a vector borrowed from its companions."""
    counts = Counter(item for session in sequences for item in session)
    known = model.wv.key_to_index
    result = []
    for item in sorted((i for i in counts if i not in known), key=lambda i: (counts[i], i)):
        companions = tuple(
            dict.fromkeys(
                other
                for session in sequences
                if item in session
                for other in session
                if other in known
            )
        )
        vector, near = None, ()
        if companions:
            vector = np.mean([model.wv.get_vector(c, norm=True) for c in companions], axis=0)
            near = tuple((i, float(s)) for i, s in model.wv.similar_by_vector(vector, topn=k))
        result.append(ColdItem(item, counts[item], companions, vector, near))
    return result


@dataclass(frozen=True)
class ItemMap:
    items: tuple[str, ...]
    counts: tuple[int, ...]
    points: np.ndarray  # (len(items), 2)


def item_map(model: TrainedModel, n: int = 200) -> ItemMap:
    """The n most frequent items placed by PCA of their unit vectors."""
    items = model.wv.index_to_key[:n]
    vectors = np.vstack([model.wv.get_vector(i, norm=True) for i in items])
    return ItemMap(
        items=tuple(items),
        counts=tuple(int(model.wv.get_vecattr(i, "count")) for i in items),
        points=project_words(vectors, "pca"),
    )
