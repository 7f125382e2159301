"""Collections are created with the tuned HNSW settings (see bench/scale.py and the README)."""

from __future__ import annotations

from core.retrieval import chroma
from core.retrieval.store import open_store
from core.settings import Settings


def test_both_collections_of_a_user_collection_get_the_tuned_index(tmp_path):
    settings = Settings(data_dir=tmp_path)
    store = open_store(settings)
    store.ensure_collection("papers", "e5-small", 384)
    client = chroma.connect(settings)
    for name in ("papers", "papers.docs"):
        hnsw = client.get_collection(name, embedding_function=None).configuration_json["hnsw"]
        assert hnsw["space"] == "cosine"
        assert hnsw["max_neighbors"] == 16
        assert hnsw["ef_construction"] == 200
        assert hnsw["ef_search"] == 400
    store.close()
