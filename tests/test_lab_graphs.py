"""DeepWalk / Node2Vec: exact transition probabilities, walk statistics, a real embedding."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from core.classic.graphs import (
    Walker,
    collection_graph,
    communities,
    embed_graph,
    karate_club,
    node_neighbours,
    read_edge_list,
    walk_stats,
)
from core.errors import UserError
from core.records import Chunk


def _small() -> nx.Graph:
    graph = nx.Graph()
    graph.add_edges_from([("t", "v"), ("t", "a"), ("v", "a"), ("v", "b")])
    return graph


def test_node2vec_transition_probabilities_by_hand():
    walker = Walker(_small(), p=2.0, q=0.5)
    options, probabilities = walker.transition("t", "v")
    # Back to t: 1/p = 0.5; a is also t's neighbour: 1; b is two steps from t: 1/q = 2.
    assert dict(zip(options, probabilities.tolist())) == pytest.approx(
        {"t": 0.5 / 3.5, "a": 1 / 3.5, "b": 2 / 3.5}
    )
    options, probabilities = walker.transition(None, "v")  # the first step: by weight only
    assert probabilities.tolist() == pytest.approx([1 / 3] * 3)


def test_deepwalk_is_node2vec_with_p_and_q_one():
    options, probabilities = Walker(_small()).transition("t", "v")
    assert probabilities.tolist() == pytest.approx([1 / 3] * 3)


def test_weights_scale_the_probabilities():
    graph = _small()
    graph["v"]["b"]["weight"] = 3.0
    options, probabilities = Walker(graph).transition("t", "v")
    assert dict(zip(options, probabilities.tolist())) == pytest.approx(
        {"t": 0.2, "a": 0.2, "b": 0.6}
    )


def test_walk_statistics_match_the_exact_probabilities():
    walker = Walker(_small(), p=2.0, q=0.5)
    rng = np.random.default_rng(0)
    walks = [walker.walk("t", 3, rng) for _ in range(20_000)]
    stats = walk_stats(_small(), walks)
    # First step v or a (1/2 each). From (t, v): back 0.5/3.5, near 1/3.5, away 2/3.5;
    # from (t, a): back 0.5/1.5, near (v) 1/1.5, nothing is two steps away.
    assert stats.back == pytest.approx(0.5 * 0.5 / 3.5 + 0.5 * 0.5 / 1.5, abs=0.015)
    assert stats.near == pytest.approx(0.5 * 1 / 3.5 + 0.5 * 1 / 1.5, abs=0.015)
    assert stats.away == pytest.approx(0.5 * 2 / 3.5, abs=0.015)
    assert stats.back + stats.near + stats.away == pytest.approx(1.0)


def test_low_p_returns_more_and_low_q_explores_more():
    graph = karate_club()
    stats = {
        (p, q): walk_stats(graph, Walker(graph, p, q).walks(3, 20, seed=1))
        for p, q in ((1, 1), (0.25, 1), (1, 0.25))
    }
    assert stats[(0.25, 1)].back > stats[(1, 1)].back
    assert stats[(1, 0.25)].away > stats[(1, 1)].away


def test_walks_cover_every_node_per_round_and_are_reproducible():
    graph = karate_club()
    walks = Walker(graph).walks(2, 10, seed=3)
    assert len(walks) == 68 and all(len(w) == 10 for w in walks)
    assert sorted(w[0] for w in walks[:34]) == sorted(graph.nodes)
    assert all(graph.has_edge(a, b) for w in walks for a, b in zip(w, w[1:]))
    assert walks == Walker(graph).walks(2, 10, seed=3)


def test_embedding_the_karate_club_puts_friends_near():
    embedding = embed_graph(karate_club(), per_node=10, length=20)
    assert set(embedding.nodes) == set(karate_club().nodes)
    assert embedding.points.shape == (34, 2)
    assert len(set(embedding.communities)) >= 2
    # The two leaders (members 1 and 34) are each nearer their own side than each other.
    near_1 = [n for n, _ in node_neighbours(embedding, "m1", 5)]
    assert "m34" not in near_1
    same_side = communities(embedding.graph)
    assert sum(same_side[n] == same_side["m1"] for n in near_1) >= 3
    with pytest.raises(UserError, match="'nobody' is not a node"):
        node_neighbours(embedding, "nobody")


def test_edge_list_formats():
    graph = read_edge_list(b"# a comment\nsource,target\na,b,2\nb,c,1.5\n\nc d\n")
    assert sorted(graph.edges(data="weight")) == [("a", "b", 2.0), ("b", "c", 1.5), ("c", "d", 1.0)]
    assert sorted(read_edge_list("甲\t乙\n乙\t丙\n".encode()).nodes) == ["丙", "乙", "甲"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a b\nb", "Line 2 of the edge list needs"),
        (b"a,b,1\nb,c,heavy", "Line 2: the weight 'heavy' is not a number"),
        (b"a b -1\nb c", "weights must be positive"),
        (b"a b", "at least 3 nodes"),
        (b"\xff\xfe a b", "must be UTF-8"),
    ],
)
def test_bad_edge_lists_are_user_errors(data, message):
    with pytest.raises(UserError, match=message):
        read_edge_list(data)


def _chunk(source: str, index: int) -> Chunk:
    return Chunk("sha-" + source, index, f"text {index}", source, None, None, 0, 6, 2)


def test_collection_graph_links_nearest_chunks_and_their_documents():
    chunks = [_chunk("a.md", 0), _chunk("a.md", 1), _chunk("b.md", 0), _chunk("b.md", 1)]
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    graph = collection_graph(chunks, vectors, k=1)
    assert graph.nodes["a.md"]["kind"] == "document"
    assert graph.nodes["a.md #0"]["kind"] == "chunk"
    assert {frozenset(edge) for edge in graph.edges} == {
        frozenset(edge)
        for edge in [
            ("a.md #0", "a.md"),
            ("a.md #0", "a.md #1"),
            ("a.md #1", "a.md"),
            ("b.md #0", "b.md"),
            ("b.md #0", "b.md #1"),
            ("b.md #1", "b.md"),
        ]
    }
    with pytest.raises(UserError, match="at least 3 chunks"):
        collection_graph(chunks[:2], vectors[:2])
