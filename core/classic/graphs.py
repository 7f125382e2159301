"""DeepWalk and Node2Vec: random walks turn a graph into sentences, skip-gram embeds the nodes.

DeepWalk walks uniformly (by edge weight). Node2Vec biases each step by where the walk came
from: having moved t -> v, the next node x gets weight w(v, x) times 1/p if x is t (go back),
1 if x is also a neighbour of t (stay close: breadth-first, "structural" roles), and 1/q
otherwise (move away: depth-first, "communities"). p = q = 1 is DeepWalk.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from core.classic.training import EpochReport, TrainConfig, TrainedModel, project_words, train
from core.errors import UserError
from core.records import Chunk

MAX_EDGES = 200_000


def read_edge_list(data: bytes) -> nx.Graph:
    """An undirected graph from 'source target [weight]' lines (comma, tab or spaces between).

    Lines starting with # are comments; a first line whose weight is not a number is a header.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError("The edge list must be UTF-8 text.") from error
    graph = nx.Graph()
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for number, line in enumerate(lines, 1):
        if "," in line or "\t" in line:
            fields = next(csv.reader(io.StringIO(line), delimiter="," if "," in line else "\t"))
        else:
            fields = line.split()
        fields = [field.strip() for field in fields]
        if len(fields) not in (2, 3) or not all(fields[:2]):
            raise UserError(f"Line {number} of the edge list needs 'source target [weight]'.")
        if number == 1 and [f.lower() for f in fields[:2]] == ["source", "target"]:
            continue  # a header
        weight = 1.0
        if len(fields) == 3:
            try:
                weight = float(fields[2])
            except ValueError as error:
                if number == 1:
                    continue  # a header such as 'source,target,weight'
                raise UserError(
                    f"Line {number}: the weight {fields[2]!r} is not a number."
                ) from error
            if not weight > 0:
                raise UserError(f"Line {number}: weights must be positive.")
        graph.add_edge(fields[0], fields[1], weight=weight)
        if graph.number_of_edges() > MAX_EDGES:
            raise UserError(
                f"The graph has more than {MAX_EDGES:,} edges: too big for this lesson."
            )
    if graph.number_of_nodes() < 3:
        raise UserError("The edge list needs at least 3 nodes to embed.")
    return graph


def collection_graph(chunks: Sequence[Chunk], vectors: np.ndarray, k: int = 3) -> nx.Graph:
    """Chunks linked to their k nearest chunks (cosine of the stored vectors) and to their document.

    Chunk nodes are named 'source #index', document nodes by their file name.
    """
    if len(chunks) < 3:
        raise UserError("The collection needs at least 3 chunks to build a graph.")
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    names = [chunk_node(chunk) for chunk in chunks]
    graph = nx.Graph()
    for row, chunk in enumerate(chunks):
        graph.add_node(names[row], kind="chunk")
        graph.add_node(chunk.source, kind="document")
        graph.add_edge(names[row], chunk.source, weight=1.0)
        for other in np.argsort(-similarity[row], kind="stable")[: min(k, len(chunks) - 1)]:
            graph.add_edge(names[row], names[other], weight=1.0)
    return graph


def chunk_node(chunk: Chunk) -> str:
    return f"{chunk.source} #{chunk.index}"


class Walker:
    """Node2Vec's biased second-order random walk (DeepWalk when p = q = 1)."""

    def __init__(self, graph: nx.Graph, p: float = 1.0, q: float = 1.0) -> None:
        if p <= 0 or q <= 0:
            raise UserError("p and q must be positive.")
        self.graph, self.p, self.q = graph, p, q
        self.nodes = list(graph.nodes)
        self.neighbours = {n: list(graph.neighbors(n)) for n in self.nodes}
        self.weights = {
            n: np.array([graph[n][m].get("weight", 1.0) for m in self.neighbours[n]], float)
            for n in self.nodes
        }
        self.adjacent = {n: set(self.neighbours[n]) for n in self.nodes}

    def transition(self, previous: str | None, current: str) -> tuple[list[str], np.ndarray]:
        """The next nodes from current (having come from previous) and their probabilities."""
        options = self.neighbours[current]
        weights = self.weights[current].copy()
        if previous is not None:
            for i, x in enumerate(options):
                if x == previous:
                    weights[i] /= self.p
                elif x not in self.adjacent[previous]:
                    weights[i] /= self.q
        return options, weights / weights.sum()

    def walk(self, start: str, length: int, rng: np.random.Generator) -> list[str]:
        path = [start]
        while len(path) < length:
            options, probabilities = self.transition(path[-2] if len(path) > 1 else None, path[-1])
            if not options:
                break
            path.append(options[rng.choice(len(options), p=probabilities)])
        return path

    def walks(self, per_node: int, length: int, seed: int = 0) -> list[list[str]]:
        """per_node walks from every node, the start order shuffled each round."""
        if per_node < 1 or length < 2:
            raise UserError("Walk at least once per node, at least 2 steps long.")
        rng = np.random.default_rng(seed)
        result = []
        for _ in range(per_node):
            for index in rng.permutation(len(self.nodes)):
                result.append(self.walk(self.nodes[index], length, rng))
        return result


@dataclass(frozen=True)
class WalkStats:
    """How walks moved: the share of steps that went back, stayed near, or moved away."""

    back: float  # to the node the walk just came from
    near: float  # to a neighbour of that node
    away: float  # to a node two steps from it


def walk_stats(graph: nx.Graph, walks: Sequence[Sequence[str]]) -> WalkStats:
    """Counts over every step after the first of each walk."""
    back = near = away = 0
    for walk in walks:
        for t, v, x in zip(walk, walk[1:], walk[2:]):
            del v
            if x == t:
                back += 1
            elif graph.has_edge(t, x):
                near += 1
            else:
                away += 1
    total = max(back + near + away, 1)
    return WalkStats(back / total, near / total, away / total)


@dataclass(frozen=True)
class GraphEmbedding:
    """Node vectors from walks, with the graph, its communities and a 2-D map."""

    model: TrainedModel
    graph: nx.Graph
    walks: tuple[tuple[str, ...], ...]
    stats: WalkStats
    nodes: tuple[str, ...]  # in map order
    communities: tuple[int, ...]  # community of each node (Louvain on the graph)
    points: np.ndarray  # (len(nodes), 2), PCA of the node vectors


def embed_graph(
    graph: nx.Graph,
    p: float = 1.0,
    q: float = 1.0,
    per_node: int = 10,
    length: int = 20,
    config: TrainConfig | None = None,
    on_epoch: Callable[[EpochReport], None] | None = None,
) -> GraphEmbedding:
    """Walk, then train skip-gram on the walks (every node kept, no downsampling)."""
    config = config or TrainConfig(vector_size=32, window=5, min_count=1, sample=0.0, epochs=5)
    walks = Walker(graph, p, q).walks(per_node, length, seed=config.seed)
    model = train(walks, config, on_epoch)
    nodes = tuple(n for n in model.wv.index_to_key)
    community_of = communities(graph)
    vectors = np.vstack([model.wv.get_vector(n, norm=True) for n in nodes])
    return GraphEmbedding(
        model=model,
        graph=graph,
        walks=tuple(tuple(w) for w in walks),
        stats=walk_stats(graph, walks),
        nodes=nodes,
        communities=tuple(community_of[n] for n in nodes),
        points=project_words(vectors, "pca"),
    )


def communities(graph: nx.Graph, seed: int = 0) -> dict[str, int]:
    """Louvain communities, numbered largest first."""
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    ordered = sorted(found, key=lambda c: (-len(c), min(map(str, c))))
    return {node: number for number, members in enumerate(ordered) for node in members}


def node_neighbours(embedding: GraphEmbedding, node: str, k: int = 10) -> list[tuple[str, float]]:
    """The k nodes whose vectors are closest (cosine) to node's, with whether they are linked."""
    wv = embedding.model.wv
    if node not in wv.key_to_index:
        raise UserError(f"'{node}' is not a node of this graph.")
    return [(n, float(s)) for n, s in wv.most_similar(node, topn=k)]


def karate_club() -> nx.Graph:
    """Zachary's karate club (networkx's copy): 34 members, 78 friendships, a club that split."""
    graph = nx.relabel_nodes(nx.karate_club_graph(), lambda n: f"m{n + 1}")
    for _, _, data in graph.edges(data=True):
        data["weight"] = 1.0  # networkx adds meeting counts as weights; the classic graph is plain
    return graph
